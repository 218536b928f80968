package manifest

import (
	"encoding/binary"
	"math/bits"
	"strconv"
	"unicode/utf8"
)

// maxDepth is how deeply arrays and objects may nest; it is fastjson's
// limit, so that every message checkJSON accepts fastjson parses.
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

// checkJSON checks that b is exactly one JSON value as RFC 8259 defines it.
// fastjson parses leniently (NaN, Inf, leading zeros, raw control
// characters and unknown escapes in strings are let through) and reports
// errors by quoting the input rather than by offset; checkJSON keeps the
// wire contract strict JSON, so that the raw manifest stored with a parcel
// can be read by any parser, and tells the operator where the error is.
// utf8OK reports that every string in b is valid UTF-8, in which case the
// decoder need not check the fields one by one.
func checkJSON(b []byte) (utf8OK bool, err *syntaxError) {
	var stack [maxDepth]byte // '{' or '[' for each open container
	depth := 0
	utf8OK = true
	i := skipSpace(b, 0)
	state := wantValue
	for {
		switch state {
		case wantValue:
			if i >= len(b) {
				return utf8OK, &syntaxError{i, "unexpected end of input, expecting a value"}
			}
			switch c := b[i]; {
			case c == '{' || c == '[':
				if depth == maxDepth {
					return utf8OK, &syntaxError{i, "arrays and objects nest deeper than " + strconv.Itoa(maxDepth) + " levels"}
				}
				stack[depth] = c
				depth++
				i = skipSpace(b, i+1)
				switch {
				case i < len(b) && (c == '{' && b[i] == '}' || c == '[' && b[i] == ']'):
					depth--
					i++
					state = wantNext
				case c == '{':
					state = wantKey
				}
			case c == '"':
				var ok bool
				if i, ok, err = scanString(b, i+1); err != nil {
					return utf8OK, err
				}
				utf8OK = utf8OK && ok
				state = wantNext
			case c == '-' || '0' <= c && c <= '9':
				if i, err = scanNumber(b, i); err != nil {
					return utf8OK, err
				}
				state = wantNext
			case c == 't':
				if i, err = scanLiteral(b, i, "true"); err != nil {
					return utf8OK, err
				}
				state = wantNext
			case c == 'f':
				if i, err = scanLiteral(b, i, "false"); err != nil {
					return utf8OK, err
				}
				state = wantNext
			case c == 'n':
				if i, err = scanLiteral(b, i, "null"); err != nil {
					return utf8OK, err
				}
				state = wantNext
			default:
				return utf8OK, unexpected(b, i, "expecting a value")
			}

		case wantNext:
			i = skipSpace(b, i)
			if depth == 0 {
				if i < len(b) {
					return utf8OK, unexpected(b, i, "after the end of the top-level value")
				}
				return utf8OK, nil
			}
			if i >= len(b) {
				return utf8OK, &syntaxError{i, "unexpected end of input, expecting ',' or a closing bracket"}
			}
			open := stack[depth-1]
			switch c := b[i]; {
			case c == ',':
				i = skipSpace(b, i+1)
				if open == '{' {
					state = wantKey
				} else {
					state = wantValue
				}
			case c == '}' && open == '{' || c == ']' && open == '[':
				depth--
				i++
			case open == '{':
				return utf8OK, unexpected(b, i, "after an object value, expecting ',' or '}'")
			default:
				return utf8OK, unexpected(b, i, "after an array element, expecting ',' or ']'")
			}

		case wantKey:
			if i >= len(b) || b[i] != '"' {
				if i >= len(b) {
					return utf8OK, &syntaxError{i, "unexpected end of input, expecting an object key"}
				}
				return utf8OK, unexpected(b, i, "expecting an object key in double quotes")
			}
			var ok bool
			if i, ok, err = scanString(b, i+1); err != nil {
				return utf8OK, err
			}
			utf8OK = utf8OK && ok
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != ':' {
				if i >= len(b) {
					return utf8OK, &syntaxError{i, "unexpected end of input, expecting ':'"}
				}
				return utf8OK, unexpected(b, i, "after an object key, expecting ':'")
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

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
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
// valid UTF-8.
func scanString(b []byte, i int) (next int, valid bool, err *syntaxError) {
	valid = true
	for i < len(b) {
		if i+8 <= len(b) {
			// Look at eight bytes at a time: most of a manifest is
			// plain text. A byte is special when it is a quote, a
			// backslash, below 0x20 or above 0x7F (the classic
			// has-zero-byte tricks); the lowest flagged byte is always a
			// special one, so the loop jumps straight to it.
			w := binary.LittleEndian.Uint64(b[i:])
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
			return i + 1, valid, nil
		case c == '\\':
			if i+1 >= len(b) {
				return i, valid, &syntaxError{i, "unexpected end of input in a string escape"}
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(b) || !isHex(b[k]) {
						return i, valid, &syntaxError{i, `invalid \u escape in a string: want four hex digits`}
					}
				}
				i += 6
			default:
				return i, valid, &syntaxError{i, "invalid escape " + quoteChar(b[i+1]) + " in a string"}
			}
		case c < 0x20:
			return i, valid, &syntaxError{i, "control character " + quoteChar(c) + " in a string: escape it"}
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
	return i, valid, &syntaxError{i, "unexpected end of input in a string"}
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
