package rules

import (
	"strconv"
)

// Explanations are mostly sprintf with a literal format and a few plain
// verbs. fmt.Sprintf boxes every argument and interprets the format on
// every call; a format made only of the verbs below is instead split once,
// when the pack loads, and its pieces appended with strconv, which is what
// fmt itself does for these verbs without flags or widths:
//
//	%s  %q  a string
//	%d      an int
//	%v      a bool, an int or a string
//	%.Nf    a float64, N a single digit
//	%%      a percent sign
//
// Any other format runs through fmt.Sprintf.

// formatPiece is literal text followed by at most one argument.
type formatPiece struct {
	text string
	verb byte // 0 for none
	prec int
}

// parseFormat splits format into pieces, false when it holds anything but
// the verbs above or a verb count other than args.
func parseFormat(format string, args int) ([]formatPiece, bool) {
	var pieces []formatPiece
	var text []byte
	n := 0
	for i := 0; i < len(format); i++ {
		c := format[i]
		if c != '%' {
			text = append(text, c)
			continue
		}
		if i+1 >= len(format) {
			return nil, false
		}
		p := formatPiece{text: string(text)}
		switch v := format[i+1]; v {
		case '%':
			text = append(text, '%')
			i++
			continue
		case 's', 'q', 'd', 'v':
			p.verb = v
			i++
		case '.':
			if i+3 >= len(format) || format[i+2] < '0' || format[i+2] > '9' || format[i+3] != 'f' {
				return nil, false
			}
			p.verb, p.prec = 'f', int(format[i+2]-'0')
			i += 3
		default:
			return nil, false
		}
		pieces = append(pieces, p)
		text = text[:0]
		n++
	}
	if n != args {
		return nil, false
	}
	if len(text) > 0 {
		pieces = append(pieces, formatPiece{text: string(text)})
	}
	return pieces, true
}

// compileFormat returns the closure that renders format with args (compiled
// nodes), or nil when the format or an argument's type is not one it
// renders as fmt would.
func compileFormat(format string, args []any) fn[string] {
	pieces, ok := parseFormat(format, len(args))
	if !ok {
		return nil
	}
	steps := make([]appender, 0, len(pieces))
	arg := 0
	for _, p := range pieces {
		text := p.text
		var value appender
		if p.verb != 0 {
			value = formatArg(p, args[arg])
			if value == nil {
				return nil
			}
			arg++
		}
		steps = append(steps, func(f *frame, b []byte) []byte {
			b = append(b, text...)
			if value != nil {
				b = value(f, b)
			}
			return b
		})
	}
	return func(f *frame) string {
		// The frame lends its buffer and the rule's latest explanation;
		// an argument that is itself a sprintf finds neither and makes
		// its own string.
		b, reason := f.buf[:0], f.reason
		f.buf, f.reason = nil, nil
		for _, s := range steps {
			b = s(f, b)
		}
		f.buf = b
		if reason == nil {
			return string(b)
		}
		if *reason != string(b) {
			*reason = string(b)
		}
		return *reason
	}
}

// appender appends a value, or a piece of text and a value, to an
// explanation being rendered.
type appender func(f *frame, b []byte) []byte

// formatArg returns the appender of a compiled argument as p's verb
// formats it, or nil when fmt would format it otherwise.
func formatArg(p formatPiece, v any) appender {
	switch x := v.(type) {
	case appender:
		if p.verb == 's' || p.verb == 'v' {
			return x
		}
	case fn[string]:
		switch p.verb {
		case 's', 'v':
			return func(f *frame, b []byte) []byte { return append(b, x(f)...) }
		case 'q':
			return func(f *frame, b []byte) []byte { return strconv.AppendQuote(b, x(f)) }
		}
	case fn[int]:
		if p.verb == 'd' || p.verb == 'v' {
			return func(f *frame, b []byte) []byte { return strconv.AppendInt(b, int64(x(f)), 10) }
		}
	case fn[bool]:
		if p.verb == 'v' {
			return func(f *frame, b []byte) []byte { return strconv.AppendBool(b, x(f)) }
		}
	case fn[float64]:
		if p.verb == 'f' {
			prec := p.prec
			return func(f *frame, b []byte) []byte { return strconv.AppendFloat(b, x(f), 'f', prec, 64) }
		}
	}
	return nil
}
