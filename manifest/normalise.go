package manifest

import (
	"bytes"
	"slices"
	"unicode"
	"unicode/utf8"
)

// foldLatin folds U+00C0–U+017F (Latin-1 Supplement letters and Latin
// Extended-A) to lower-case ASCII. "" marks the two symbols in the range,
// × and ÷, which separate words like punctuation does. The table covers the
// alphabets of nearly every European origin and destination; letters outside
// it are lower-cased and kept.
var foldLatin = [0x180 - 0xC0]string{
	// U+00C0
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	// U+00D0
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	// U+00E0
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	// U+00F0
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
	// U+0100
	"a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
	// U+0110
	"d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
	// U+0120
	"g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
	// U+0130
	"i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
	// U+0140
	"l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
	// U+0150
	"o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
	// U+0160
	"s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
	// U+0170
	"u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
}

// foldOther folds the few letters outside foldLatin that are common in
// names and addresses: Romanian comma-below letters, Vietnamese horn
// letters, the capital sharp s.
func foldOther(r rune) string {
	switch r {
	case 'Ș', 'ș':
		return "s"
	case 'Ț', 'ț':
		return "t"
	case 'Ơ', 'ơ':
		return "o"
	case 'Ư', 'ư':
		return "u"
	case 'ẞ':
		return "ss"
	case 'Ə', 'ə':
		return "e"
	}
	return ""
}

// FoldText appends s to dst folded for word matching: lower case, accents
// removed (é → e, ß → ss, ø → o, ł → l), every run of characters that are
// neither letters nor digits replaced by one space, no leading or trailing
// space. Letters of other scripts are lower-cased and kept. Rule helpers
// match terms on the folded text with spaces as word boundaries, so
// "COCAÏNE!" and "cocaine" are the same word.
func FoldText(dst []byte, s string) []byte {
	return appendFold(dst, s, false)
}

// foldASCII maps the ASCII letters and digits to their folded form and
// every other byte to 0, a separator.
var foldASCII = func() (t [256]byte) {
	for c := '0'; c <= '9'; c++ {
		t[c] = byte(c)
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = byte(c)
		t[c-'a'+'A'] = byte(c)
	}
	return t
}()

// appendFold is FoldText; joinApostrophes drops apostrophes instead of
// treating them as word breaks, so that "O'Brien" folds to "obrien".
func appendFold(dst []byte, s string, joinApostrophes bool) []byte {
	start := len(dst)
	// ASCII text folds to at most as many bytes: write it by index into
	// room made once, and leave the rest of s, from its first non-ASCII
	// byte, to appendFoldRunes.
	dst = slices.Grow(dst, len(s))
	buf := dst[:len(dst)+len(s)]
	n := len(dst)
	sep := true // the last byte written is a separator, or nothing is written yet
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if f := foldASCII[c]; f != 0 {
			buf[n] = f
			n++
			sep = false
			continue
		}
		if c >= utf8.RuneSelf {
			break
		}
		if c == '\'' && joinApostrophes {
			continue
		}
		if !sep {
			buf[n] = ' '
			n++
			sep = true
		}
	}
	dst = buf[:n]
	if i < len(s) {
		dst = appendFoldRunes(dst, s[i:], joinApostrophes, sep)
	}
	if len(dst) > start && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst
}

// appendFoldRunes folds s as appendFold does, without trimming a trailing
// space; sep reports that dst ends with a separator or with nothing of the
// folded text.
func appendFoldRunes(dst []byte, s string, joinApostrophes, sep bool) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			if f := foldASCII[c]; f != 0 {
				dst = append(dst, f)
				sep = false
			} else if (c != '\'' || !joinApostrophes) && !sep {
				dst = append(dst, ' ')
				sep = true
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		var f string
		switch {
		case r >= 0xC0 && r < 0x180:
			f = foldLatin[r-0xC0]
		case (r == '\u2019' || r == '\u02BC') && joinApostrophes:
			continue
		case unicode.Is(unicode.Mn, r):
			// A combining accent: decomposed "e\u0301" folds like "é".
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if f = foldOther(r); f == "" {
				dst = utf8.AppendRune(dst, unicode.ToLower(r))
				sep = false
				continue
			}
		}
		if f == "" {
			if !sep {
				dst = append(dst, ' ')
				sep = true
			}
			continue
		}
		dst = append(dst, f...)
		sep = false
	}
	return dst
}

// folder holds the scratch space the key builders need, so that the decoder
// can build keys without allocating; the exported functions use a fresh one.
type folder struct {
	buf    []byte
	toks   []span
	spaces []int // scratch for words, for a text of more than 63 bytes
}

// span is the half-open byte range [off, end) of a buffer.
type span struct{ off, end int }

// words splits the folded text in f.buf[from:] into f.toks.
func (f *folder) words(from int) {
	f.toks = f.toks[:0]
	b := f.buf
	if from >= len(b) {
		return
	}
	// Note where the spaces are in f.spaces without a branch on whether a
	// byte is one: a branch would be mispredicted at every word boundary.
	// Words are short: looking at each byte costs less than calling
	// bytes.IndexByte for each.
	var local [64]int
	sp := local[:]
	if n := len(b) - from + 1; n > len(local) {
		f.spaces = slices.Grow(f.spaces[:0], n)
		sp = f.spaces[:n]
	}
	k := 0
	for i := from; i < len(b); i++ {
		sp[k] = i
		k += int(isSpaceByte[b[i]])
	}
	start := from
	for _, e := range sp[:k] {
		f.toks = append(f.toks, span{start, e})
		start = e + 1
	}
	if start < len(b) {
		f.toks = append(f.toks, span{start, len(b)})
	}
}

// isSpaceByte is 1 for a space and 0 for any other byte.
var isSpaceByte = [256]uint8{' ': 1}

// isHonorific reports whether a folded name token is a title rather than a
// name. lead reports whether the token comes first: a lone "m" is the French
// "Monsieur" only there; elsewhere it is a middle initial.
func isHonorific(tok []byte, lead bool) bool {
	switch string(tok) {
	case "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "herr", "frau", "mme", "mlle", "sr", "sra":
		return true
	case "m":
		return lead
	}
	return false
}

// appendNameKey appends the NameKey of s to dst.
func (f *folder) appendNameKey(dst []byte, s string) []byte {
	f.buf = appendFold(f.buf[:0], s, true)
	f.words(0)
	toks := f.toks
	// Drop titles. kept shares toks' array, which is safe because it never
	// gets ahead of the loop; when every word is a title nothing was
	// written and toks is intact: "Dr" alone is still worth matching on.
	kept := toks[:0]
	for _, t := range toks {
		if !isHonorific(f.buf[t.off:t.end], len(kept) == 0) {
			kept = append(kept, t)
		}
	}
	if len(kept) > 0 {
		toks = kept
	}
	// Sorting makes "Smith, John" and "John Smith" one key. Names have a
	// handful of words, for which insertion sort is quickest; a long
	// made-up one must not cost quadratic time.
	buf := f.buf
	if len(toks) > 12 {
		slices.SortFunc(toks, func(a, b span) int { return bytes.Compare(buf[a.off:a.end], buf[b.off:b.end]) })
	}
	for i := 1; i < len(toks); i++ {
		for j := i; j > 0 && bytes.Compare(buf[toks[j].off:toks[j].end], buf[toks[j-1].off:toks[j-1].end]) < 0; j-- {
			toks[j], toks[j-1] = toks[j-1], toks[j]
		}
	}
	for i, t := range toks {
		if i > 0 {
			dst = append(dst, ' ')
		}
		dst = append(dst, f.buf[t.off:t.end]...)
	}
	return dst
}

// NameKey folds a person's name for matching: lower case, accents and
// punctuation removed, titles (Mr, Mrs, Dr, Herr, Frau, Mme, …) dropped and
// the words sorted, so that "Dr. Jürgen Müller", "MÜLLER, Jürgen" and
// "jurgen muller" give the same key "jurgen muller".
func NameKey(s string) string {
	var f folder
	return string(f.appendNameKey(nil, s))
}

// expandStreetWord returns the long form of an abbreviated street word, or
// "" when tok is not an abbreviation. Operators abbreviate inconsistently;
// expanding lets "Hauptstr. 5" and "Hauptstraße 5" share a key.
func expandStreetWord(tok []byte, country string) string {
	switch string(tok) {
	case "str":
		return "strasse"
	case "st":
		return "street"
	case "rd":
		return "road"
	case "av", "ave":
		return "avenue"
	case "blvd", "bd":
		return "boulevard"
	case "ul":
		return "ulica"
	case "apt":
		return "apartment"
	case "ln":
		return "lane"
	case "dr":
		return "drive"
	case "sq":
		return "square"
	case "pl":
		switch country {
		case "DE", "AT", "CH", "LI", "de", "at", "ch", "li":
			return "platz"
		case "PL", "pl":
			return "plac"
		}
		return "place"
	}
	return ""
}

// appendAddressKey appends the AddressKey of the parts to dst.
func (f *folder) appendAddressKey(dst []byte, street, postcode, country string) []byte {
	start := len(dst)
	f.buf = appendFold(f.buf[:0], street, false)
	f.words(0)
	for i, t := range f.toks {
		if i > 0 {
			dst = append(dst, ' ')
		}
		tok := f.buf[t.off:t.end]
		if long := expandStreetWord(tok, country); long != "" {
			dst = append(dst, long...)
			continue
		}
		// German compounds carry the abbreviation as a suffix: "hauptstr".
		if len(tok) > 3 && bytes.HasSuffix(tok, []byte("str")) {
			dst = append(dst, tok...)
			dst = append(dst, "asse"...)
			continue
		}
		dst = append(dst, tok...)
	}
	dst = append(dst, '|')
	// Postcodes are written "1015 CJ", "1015CJ" or "10-115": keep only
	// letters and digits.
	pc := len(dst)
	dst = appendFold(dst, postcode, false)
	n := pc
	for _, c := range dst[pc:] {
		if c != ' ' {
			dst[n] = c
			n++
		}
	}
	dst = dst[:n]
	if len(dst) == start+1 {
		return dst[:start]
	}
	dst = append(dst, '|')
	// The country is nearly always a two-letter code, which folds to its
	// letters in lower case.
	if len(country) == 2 && foldASCII[country[0]] != 0 && foldASCII[country[1]] != 0 {
		return append(dst, foldASCII[country[0]], foldASCII[country[1]])
	}
	return appendFold(dst, country, false)
}

// AddressKey folds a postal address for matching as "street|postcode|country":
// lower case, accents and punctuation removed, common abbreviations expanded
// (str. → strasse, st → street, rd → road, ave → avenue, blvd → boulevard,
// ul. → ulica, pl → platz/plac/place by country, apt → apartment), house
// numbers kept, postcode without spaces or dashes. The city is left out
// because it is spelt in too many ways; the postcode identifies it. The key
// is "" when street and postcode are both empty.
func AddressKey(street, postcode, country string) string {
	var f folder
	return string(f.appendAddressKey(nil, street, postcode, country))
}

// trunkPrefix returns the prefix dialled before a national number inside
// country, which E.164 drops. Italy, San Marino and the Vatican have none:
// their leading 0 is part of the number.
func trunkPrefix(country string) string {
	switch country {
	case "IT", "SM", "VA":
		return ""
	case "RU", "KZ", "BY":
		return "8"
	case "HU":
		return "06"
	}
	if CallingCode(country) == "1" {
		return "1"
	}
	return "0"
}

// maxPhoneDigits bounds the digits PhoneE164 looks at; E.164 allows 15, the
// rest is room for prefixes that are stripped.
const maxPhoneDigits = 24

// appendPhoneE164 appends the E.164 form of phone to dst. It returns dst
// unchanged and false when phone cannot be read as a number in the
// international numbering plan.
func appendPhoneE164(dst []byte, phone, country string) ([]byte, bool) {
	// digits has a spare byte that separators are written to, so that the
	// usual byte, a digit or a separator, is handled without a branch
	// that depends on which it is. Digits past maxPhoneDigits are counted
	// but not kept: the number is refused after the loop.
	var digits [maxPhoneDigits + 1]byte
	n := 0
	plus := false
	for i := 0; i < len(phone); i++ {
		c := phone[i]
		if k := phoneClass[c]; k <= 1 {
			digits[min(n, maxPhoneDigits)] = c
			n += int(k)
			continue
		}
		switch c {
		case '+':
			if n > 0 || plus {
				return dst, false
			}
			plus = true
		case '(':
			// "+49 (0)30 …": the bracketed trunk zero is dialled only
			// inside the country.
			if n > 0 && i+2 < len(phone) && phone[i+1] == '0' && phone[i+2] == ')' {
				i += 2
			}
		default:
			return dst, false
		}
	}
	if n > maxPhoneDigits {
		return dst, false
	}
	d := digits[:n]
	international := plus
	if !plus && len(d) >= 2 && d[0] == '0' && d[1] == '0' {
		international = true
		d = d[2:]
	}
	start := len(dst)
	dst = append(dst, '+')
	cc := CallingCode(country)
	switch {
	case international:
		// People also write their trunk zero after the country code:
		// "+49 030 1234567".
		if cc != "" && trunkPrefix(country) == "0" && len(d) > len(cc) && string(d[:len(cc)]) == cc && d[len(cc)] == '0' {
			dst = append(dst, cc...)
			d = d[len(cc)+1:]
		}
	case cc == "":
		return dst[:start], false
	default:
		if trunk := trunkPrefix(country); trunk != "" && len(d) > len(trunk) && string(d[:len(trunk)]) == trunk {
			d = d[len(trunk):]
		} else if len(d) >= len(cc)+7 && string(d[:len(cc)]) == cc {
			// International form without the "+": "49 30 1234567".
			d = d[len(cc):]
		}
		dst = append(dst, cc...)
	}
	dst = append(dst, d...)
	if n := len(dst) - start - 1; n < 8 || n > 15 {
		return dst[:start], false
	}
	return dst, true
}

// phoneClass classes the bytes of a phone number for appendPhoneE164: 1 a
// digit, 0 a separator it drops, 2 anything else.
var phoneClass = func() (t [256]byte) {
	for c := range t {
		t[c] = 2
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for _, c := range " \t-.)/" {
		t[c] = 0
	}
	return t
}()

// isInternationalPhone reports whether phone is written in international
// form, with a leading "+" or "00" as E.123 asks.
func isInternationalPhone(phone string) bool {
	phone = trimSpace(phone)
	return len(phone) > 0 && phone[0] == '+' || len(phone) > 1 && phone[0] == '0' && phone[1] == '0'
}

// PhoneE164 converts a phone number as written on a label to E.164 ("+"
// and 8–15 digits), so that numbers written differently match. Spaces,
// dashes, dots, slashes and parentheses are removed and a "00" prefix
// becomes "+". A number without either is national: it gets the calling
// code of country (an upper-case ISO 3166 code) and loses its trunk prefix
// ("030 1234567" in DE → "+49301234567"; Italian numbers keep their leading
// 0; North America drops a leading 1, Russia an 8), unless it already starts
// with the calling code and is long enough to be an international number
// written without "+". The trunk zero people write after their own country
// code ("+49 (0)30 …", "+49 030 …") is dropped too. It returns "" and false
// when the number cannot be made international.
func PhoneE164(phone, country string) (string, bool) {
	var buf [4 + maxPhoneDigits]byte
	out, ok := appendPhoneE164(buf[:0], phone, country)
	if !ok {
		return "", false
	}
	return string(out), true
}

// appendEmailKey appends e-mail address s trimmed and lower-cased to dst and
// returns the position of its "@". It returns dst unchanged and false when s
// is not well formed: exactly one "@", a non-empty local part, a domain with
// a dot that neither starts nor ends it and no empty label, and no spaces,
// control characters or list separators anywhere.
func appendEmailKey(dst []byte, s string) (out []byte, at int, ok bool) {
	s = trimSpace(s)
	start := len(dst)
	at = -1
	// ASCII lower-cases to as many bytes: write it by index into room
	// made once, and leave the rest of s, from its first non-ASCII byte,
	// to appendEmailRunes.
	dst = slices.Grow(dst, len(s))
	buf := dst[:start+len(s)]
	i := 0
	for ; i < len(s); i++ {
		c := emailASCII[s[i]]
		if c == 0 {
			return dst, -1, false
		}
		if c == 0xFF {
			break
		}
		if c == '@' {
			if at >= 0 {
				return dst, -1, false
			}
			at = start + i
		}
		buf[start+i] = c
	}
	dst = buf[:start+i]
	if i < len(s) {
		if dst, at, ok = appendEmailRunes(dst, s[i:], at); !ok {
			return dst[:start], -1, false
		}
	}
	if at <= start {
		return dst[:start], -1, false
	}
	domain := dst[at+1:]
	if len(domain) < 3 || domain[0] == '.' || domain[len(domain)-1] == '.' ||
		bytes.IndexByte(domain, '.') < 0 || bytes.Contains(domain, []byte("..")) {
		return dst[:start], -1, false
	}
	return dst, at, true
}

// appendEmailRunes appends the rest s of an e-mail address, from a
// non-ASCII byte on, as appendEmailKey does; at is the position of the
// "@" in dst, or -1. It reports false for an address that is not well
// formed.
func appendEmailRunes(dst []byte, s string, at int) (out []byte, at2 int, ok bool) {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
				return dst, -1, false
			}
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
			i += n
			continue
		}
		i++
		switch c = emailASCII[c]; c {
		case 0:
			return dst, -1, false
		case '@':
			if at >= 0 {
				return dst, -1, false
			}
			at = len(dst)
		}
		dst = append(dst, c)
	}
	return dst, at, true
}

// emailASCII maps the bytes of an e-mail address to what appendEmailKey
// writes: ASCII lower-cased, 0 for the bytes that make an address invalid,
// 0xFF for the bytes of non-ASCII characters.
var emailASCII = func() (t [256]byte) {
	for c := 0; c < 256; c++ {
		switch {
		case c <= ' ' || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>':
		case c >= utf8.RuneSelf:
			t[c] = 0xFF
		case 'A' <= c && c <= 'Z':
			t[c] = byte(c + 'a' - 'A')
		default:
			t[c] = byte(c)
		}
	}
	return t
}()

// trimSpace trims ASCII white space; decoded fields are mostly ASCII and
// strings.TrimSpace would look at every rune. Testing c <= ' ' first
// lets the usual byte through with one comparison.
func trimSpace(s string) string {
	for len(s) > 0 && s[0] <= ' ' && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && s[len(s)-1] <= ' ' && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
