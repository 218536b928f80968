package manifest

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// maxDepth is how deeply arrays and objects may nest. It is the limit of
// fastjson, the parser the decoder used before, kept so that the same
// messages are accepted (see checkWhole).
const maxDepth = 300

// syntaxError is a JSON syntax error at a byte offset.
type syntaxError struct {
	off int
	msg string
}

// Parse states of checkJSON.
const (
	wantValue = iota // a value starts at i
	wantNext         // a value ended before i: ',' or a closing bracket, or the end
	wantKey          // an object key starts at i
)

// checkWhole checks that b is exactly one JSON value as RFC 8259 defines
// it. The decoder keeps the wire contract strict JSON (no NaN, Inf, leading
// zeros, raw control characters or unknown escapes in strings, which
// lenient parsers let through), so that the raw manifest stored with a
// parcel can be read by any parser, and tells the operator where the error
// is. utf8OK reports that every string in b is valid UTF-8.
//
// tooDeep reports a value nested in maxDepth arrays and objects: valid
// JSON, but more than fastjson, the parser the decoder used before, would
// parse (its limit counts the value itself as a level). The decoder rejects
// such a message without an offset, as it did when fastjson refused it.
//
// The decoder checks a manifest object as it decodes it, with the same
// scanning functions in the same order, so that it reports the same error
// at the same offset; it calls checkWhole only for a message that is not an
// object.
func checkWhole(b []byte) (utf8OK, tooDeep bool, err *syntaxError) {
	i, utf8OK, tooDeep, err := scanValue(b, skipSpace(b, 0), 0)
	if err != nil {
		return utf8OK, tooDeep, err
	}
	if i = skipSpace(b, i); i < len(b) {
		return utf8OK, tooDeep, unexpected(b, i, "after the end of the top-level value")
	}
	return utf8OK, tooDeep, nil
}

// scanValue checks the value that starts at b[i], inside depth open arrays
// and objects, and returns the index after it. tooDeep reports a value in
// it nested in maxDepth arrays and objects (see checkWhole).
func scanValue(b []byte, i, depth int) (next int, utf8OK, tooDeep bool, err *syntaxError) {
	var stack [maxDepth]byte // '{' or '[' for each container opened here
	n := 0
	utf8OK = true
	state := wantValue
	for {
		switch state {
		case wantValue:
			if i >= len(b) {
				return i, utf8OK, tooDeep, &syntaxError{i, "unexpected end of input, expecting a value"}
			}
			if depth+n == maxDepth {
				tooDeep = true
			}
			switch c := b[i]; {
			case c == '{' || c == '[':
				if depth+n == maxDepth {
					return i, utf8OK, tooDeep, &syntaxError{i, "arrays and objects nest deeper than " + strconv.Itoa(maxDepth) + " levels"}
				}
				stack[n] = c
				n++
				i = skipSpace(b, i+1)
				switch {
				case i < len(b) && (c == '{' && b[i] == '}' || c == '[' && b[i] == ']'):
					n--
					i++
					state = wantNext
				case c == '{':
					state = wantKey
				}
			case c == '"':
				var ok bool
				if i, ok, _, err = scanString(b, i+1); err != nil {
					return i, utf8OK, tooDeep, err
				}
				utf8OK = utf8OK && ok
				state = wantNext
			case c == '-' || '0' <= c && c <= '9':
				if i, err = scanNumber(b, i); err != nil {
					return i, utf8OK, tooDeep, err
				}
				state = wantNext
			case c == 't':
				if i, err = scanLiteral(b, i, "true"); err != nil {
					return i, utf8OK, tooDeep, err
				}
				state = wantNext
			case c == 'f':
				if i, err = scanLiteral(b, i, "false"); err != nil {
					return i, utf8OK, tooDeep, err
				}
				state = wantNext
			case c == 'n':
				if i, err = scanLiteral(b, i, "null"); err != nil {
					return i, utf8OK, tooDeep, err
				}
				state = wantNext
			default:
				return i, utf8OK, tooDeep, unexpected(b, i, "expecting a value")
			}

		case wantNext:
			if n == 0 {
				return i, utf8OK, tooDeep, nil
			}
			i = skipSpace(b, i)
			if i >= len(b) {
				return i, utf8OK, tooDeep, &syntaxError{i, "unexpected end of input, expecting ',' or a closing bracket"}
			}
			open := stack[n-1]
			switch c := b[i]; {
			case c == ',':
				i = skipSpace(b, i+1)
				if open == '{' {
					state = wantKey
				} else {
					state = wantValue
				}
			case c == '}' && open == '{' || c == ']' && open == '[':
				n--
				i++
			case open == '{':
				return i, utf8OK, tooDeep, unexpected(b, i, "after an object value, expecting ',' or '}'")
			default:
				return i, utf8OK, tooDeep, unexpected(b, i, "after an array element, expecting ',' or ']'")
			}

		case wantKey:
			if i >= len(b) || b[i] != '"' {
				if i >= len(b) {
					return i, utf8OK, tooDeep, &syntaxError{i, "unexpected end of input, expecting an object key"}
				}
				return i, utf8OK, tooDeep, unexpected(b, i, "expecting an object key in double quotes")
			}
			var ok bool
			if i, ok, _, err = scanString(b, i+1); err != nil {
				return i, utf8OK, tooDeep, err
			}
			utf8OK = utf8OK && ok
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				if i >= len(b) {
					return i, utf8OK, tooDeep, &syntaxError{i, "unexpected end of input, expecting ':'"}
				}
				return i, utf8OK, tooDeep, unexpected(b, i, "after an object key, expecting ':'")
			}
			i = skipSpace(b, i+1)
			state = wantValue
		}
	}
}

// unexpected reports the character at b[i].
func unexpected(b []byte, i int, context string) *syntaxError {
	return &syntaxError{i, "invalid character " + quoteChar(b[i]) + " " + context}
}

// quoteChar quotes one byte for a message.
func quoteChar(c byte) string {
	if c < 0x20 || c >= 0x7F {
		return "0x" + strconv.FormatUint(uint64(c), 16)
	}
	return strconv.QuoteRune(rune(c))
}

// skipSpace returns the index of the first byte from b[i] on that is not
// JSON white space. Testing c <= ' ' first lets the usual byte, the start of
// a token, through with one comparison.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
		i++
	}
	return i
}

// plain marks the bytes that may appear unescaped in a JSON string and need
// no further look: everything but the quote, the backslash, control
// characters and non-ASCII bytes.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// SWAR constants: one byte value repeated over a word.
const (
	ones  = 0x0101010101010101
	highs = 0x8080808080808080
)

// scanString scans a string whose opening quote is before i and returns
// the index after its closing quote. valid reports that the string is
// valid UTF-8; escaped that it has escapes, so that its text differs from
// its bytes.
func scanString(b []byte, i int) (next int, valid, escaped bool, err *syntaxError) {
	valid = true
	for i < len(b) {
		if i+8 <= len(b) {
			// Look at eight bytes at a time: most of a manifest is
			// plain text. A byte is special when it is a quote, a
			// backslash, below 0x20 or above 0x7F (the classic
			// has-zero-byte tricks); the lowest flagged byte is always a
			// special one, so the loop jumps straight to it.
			w := binary.LittleEndian.Uint64(b[i : i+8])
			q := w ^ ('"' * ones)
			bs := w ^ ('\\' * ones)
			m := ((q-ones)&^q | (bs-ones)&^bs | (w - 0x20*ones) | w) & highs
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		} else if plain[b[i]] {
			i++
			continue
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, valid, escaped, nil
		case c == '\\':
			escaped = true
			if i+1 >= len(b) {
				return i, valid, escaped, &syntaxError{i, "unexpected end of input in a string escape"}
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || !isHex(b[k]) {
						return i, valid, escaped, &syntaxError{i, `invalid \u escape in a string: want four hex digits`}
					}
				}
				i += 6
			default:
				return i, valid, escaped, &syntaxError{i, "invalid escape " + quoteChar(b[i+1]) + " in a string"}
			}
		case c < 0x20:
			return i, valid, escaped, &syntaxError{i, "control character " + quoteChar(c) + " in a string: escape it"}
		default:
			// A non-ASCII byte: check the UTF-8 sequence here, so that
			// the decoder need not check every field again.
			r, n := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && n == 1 {
				valid = false
			}
			i += n
		}
	}
	return i, valid, escaped, &syntaxError{i, "unexpected end of input in a string"}
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// scanNumber scans a number starting at i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func scanNumber(b []byte, i int) (int, *syntaxError) {
	start := i
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i)
	default:
		return i, &syntaxError{start, "invalid number: want a digit after '-'"}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, &syntaxError{start, "invalid number: want a digit after the decimal point"}
		}
		i = skipDigits(b, i)
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			return i, &syntaxError{start, "invalid number: want a digit in the exponent"}
		}
		i = skipDigits(b, i)
	}
	return i, nil
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && '0' <= b[i] && b[i] <= '9' {
		i++
	}
	return i
}

// scanLiteral scans true, false or null at i.
func scanLiteral(b []byte, i int, lit string) (int, *syntaxError) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return i, &syntaxError{i, "invalid literal: want " + lit}
	}
	return i + len(lit), nil
}

// appendUnescaped appends the text of the string s, whose escapes scanString
// has checked, to dst. It decodes as fastjson did, which the decoder used
// before and whose results stored parcels keep: a surrogate followed by
// another \u escape becomes the pair's character, or U+FFFD when the two do
// not pair (the second escape is consumed either way); a surrogate not
// followed by a \u escape is kept as its six characters of escape.
func appendUnescaped(dst, s []byte) []byte {
	for len(s) > 0 {
		n := bytes.IndexByte(s, '\\')
		if n < 0 {
			return append(dst, s...)
		}
		dst = append(dst, s[:n]...)
		ch := s[n+1]
		s = s[n+2:]
		switch ch {
		case 'b':
			dst = append(dst, '\b')
		case 'f':
			dst = append(dst, '\f')
		case 'n':
			dst = append(dst, '\n')
		case 'r':
			dst = append(dst, '\r')
		case 't':
			dst = append(dst, '\t')
		case 'u':
			x := hex4(s)
			xs := s[:4]
			s = s[4:]
			if !utf16.IsSurrogate(x) {
				dst = utf8.AppendRune(dst, x)
				break
			}
			if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
				dst = append(dst, '\\', 'u')
				dst = append(dst, xs...)
				break
			}
			dst = utf8.AppendRune(dst, utf16.DecodeRune(x, hex4(s[2:])))
			s = s[6:]
		default: // '"', '\\' and '/' stand for themselves
			dst = append(dst, ch)
		}
	}
	return dst
}

// hex4 decodes the four hex digits at the start of s.
func hex4(s []byte) rune {
	var x rune
	for _, c := range s[:4] {
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		x = x<<4 | rune(c)
	}
	return x
}

// plainNumber reads the number at b[i] when it is a plain decimal, the
// common case: digits with an optional fraction, no sign, no exponent and
// few enough digits for parseNumber's exact path. It returns what
// parseNumber gives for it and the index after it, or ok false for
// anything else, which the caller reads with readValue.
func plainNumber(b []byte, i int) (f float64, next int, ok bool) {
	j := i
	var d uint64
	for j < len(b) && '0' <= b[j] && b[j] <= '9' {
		d = d*10 + uint64(b[j]-'0')
		j++
	}
	// A leading zero must stand alone; scanNumber reports what follows.
	if n := j - i; n == 0 || n > 1 && b[i] == '0' || n >= len(float64pow10) {
		return 0, i, false
	}
	f = float64(d)
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			d = d*10 + uint64(b[j]-'0')
			j++
		}
		// parseNumber leaves a mantissa of 17 or more characters to
		// strconv.
		if j == k || j-i >= len(float64pow10) {
			return 0, i, false
		}
		f = float64(d) / float64pow10[j-k]
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		return 0, i, false
	}
	return f, j, true
}

// float64pow10 holds the powers of ten parseNumber divides by.
var float64pow10 = [...]float64{
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
}

// parseNumber parses a number that scanNumber has checked. It computes
// exactly what fastjson's fastfloat.Parse, which the decoder used before,
// computes, down to the last bit (its fast paths are not always correctly
// rounded, and a parcel's figures must not change with the decoder); ok is
// false where fastfloat.Parse gave an error.
func parseNumber(s []byte) (f float64, ok bool) {
	i := 0
	minus := s[0] == '-'
	if minus {
		i++
	}
	d := uint64(0)
	j := i
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		d = d*10 + uint64(s[i]-'0')
		i++
		if i > 18 {
			// The integer part may be out of range for uint64.
			return parseNumberSlow(s)
		}
	}
	f = float64(d)
	if i < len(s) && s[i] == '.' {
		i++
		k := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			d = d*10 + uint64(s[i]-'0')
			i++
			if i-j >= len(float64pow10) {
				// The mantissa is out of range.
				return parseNumberSlow(s)
			}
		}
		f = float64(d) / float64pow10[i-k]
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		expMinus := false
		if s[i] == '+' || s[i] == '-' {
			expMinus = s[i] == '-'
			i++
		}
		exp := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			exp = exp*10 + int(s[i]-'0')
			i++
			if exp > 300 {
				// The exponent may be too big for float64.
				return parseNumberSlow(s)
			}
		}
		if expMinus {
			exp = -exp
		}
		f *= math.Pow10(exp)
	}
	if minus {
		f = -f
	}
	return f, true
}

// parseNumberSlow is fastfloat.Parse's fallback to strconv.ParseFloat.
func parseNumberSlow(s []byte) (float64, bool) {
	f, err := strconv.ParseFloat(string(s), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}
