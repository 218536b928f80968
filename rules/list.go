package rules

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/parcelguard/parcelguard/manifest"
)

// lockerList is the list that decides PartyEnv.Locker.
const lockerList = "locker_terms"

// ListKind says how a list's entries are normalised, so that a lookup
// matches however the operator wrote the value.
type ListKind string

// The list kinds. Each entry is normalised when the list is loaded, and the
// value looked up is normalised the same way (or is already a key).
const (
	// KindTerms holds words or phrases, folded (lower case, no accents or
	// punctuation) and matched on word boundaries.
	KindTerms ListKind = "terms"
	// KindCodes holds codes (countries, currencies, HS codes, operators),
	// upper-cased and matched exactly or by prefix.
	KindCodes ListKind = "codes"
	// KindAddresses holds CSV rows street,postcode,country, matched as
	// address keys.
	KindAddresses ListKind = "addresses"
	// KindPhones holds CSV rows phone[,country], matched as E.164 numbers.
	KindPhones ListKind = "phones"
	// KindEmails holds e-mail addresses or bare domains, lower-cased.
	KindEmails ListKind = "emails"
	// KindNames holds person or business names, matched as name keys.
	KindNames ListKind = "names"
)

var listKinds = []ListKind{KindTerms, KindCodes, KindAddresses, KindPhones, KindEmails, KindNames}

// List is one loaded list of a pack.
type List struct {
	Name        string
	Kind        ListKind
	File        string
	Description string
	// entries maps each entry to isEntry, and — in term lists — the first
	// word of every multi-word term to startsPhrase, so that matching costs
	// one lookup per word and tries longer phrases only where one starts.
	entries  map[string]uint8
	n        int
	maxWords int
	// lens has bit n set when a key of entries is n bytes long (bit 63:
	// 63 bytes or more). Most values looked up are in no list, and their
	// length alone tells so without hashing them.
	lens uint64
	// edges has bit edgeBit(key) set for every key of entries: with lens,
	// it rules out most values of a short list without hashing them.
	edges uint64
	// index numbers the list within its pack, for frame.terms.
	index int
	// pairs has a bit for each entry of two upper-case letters: country
	// codes, which rules look up most, are answered without hashing.
	pairs [(26*26 + 63) / 64]uint64
}

func lenBit(n int) uint64 { return 1 << min(n, 63) }

// edgeBit returns a bit chosen by the first and last bytes of key.
func edgeBit(key string) uint64 {
	if key == "" {
		return 1
	}
	return 1 << ((uint(key[0])*31 + uint(key[len(key)-1])) % 64)
}

// flagsOf is flags for a key in b, which it does not copy: flags keeps
// nothing of its key.
func (l *List) flagsOf(b []byte) uint8 {
	if len(b) == 0 {
		return l.flags("")
	}
	return l.flags(unsafe.String(&b[0], len(b)))
}

// pair returns the bit of key in List.pairs, or false when key is not two
// upper-case ASCII letters.
func pair(key string) (uint, bool) {
	if len(key) != 2 || key[0]-'A' >= 26 || key[1]-'A' >= 26 {
		return 0, false
	}
	return uint(key[0]-'A')*26 + uint(key[1]-'A'), true
}

// flags returns key's flags in entries.
func (l *List) flags(key string) uint8 {
	if l.lens&lenBit(len(key)) == 0 || l.edges&edgeBit(key) == 0 {
		return 0
	}
	if b, ok := pair(key); ok {
		// Such a key is never the first word of a phrase: term lists hold
		// folded, lower-case entries.
		if l.pairs[b/64]&(1<<(b%64)) != 0 {
			return isEntry
		}
		return 0
	}
	return l.entries[key]
}

const (
	isEntry uint8 = 1 << iota
	startsPhrase
)

// Len returns the number of distinct entries.
func (l *List) Len() int { return l.n }

// readList parses a list file. Errors name the line and say what to fix.
func readList(name string, kind ListKind, file string, r io.Reader) (*List, error) {
	l := &List{Name: name, Kind: kind, File: file, entries: map[string]uint8{}}
	switch kind {
	case KindAddresses, KindPhones:
		return l, l.readCSV(r)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, err := l.normalise(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		l.add(key)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return l, nil
}

func (l *List) readCSV(r io.Reader) error {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	header := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			// csv.ParseError already says the line and column.
			return fmt.Errorf("%s: %w", l.File, err)
		}
		line, _ := cr.FieldPos(0)
		if header {
			header = false
			if isHeader(rec, l.Kind) {
				continue
			}
		}
		var key string
		switch l.Kind {
		case KindAddresses:
			if len(rec) != 3 {
				return fmt.Errorf("%s:%d: want 3 columns street,postcode,country, got %d", l.File, line, len(rec))
			}
			key = manifest.AddressKey(rec[0], rec[1], strings.ToUpper(rec[2]))
			if key == "" {
				return fmt.Errorf("%s:%d: street and postcode are both empty", l.File, line)
			}
		case KindPhones:
			if len(rec) < 1 || len(rec) > 2 {
				return fmt.Errorf("%s:%d: want columns phone[,country], got %d", l.File, line, len(rec))
			}
			country := ""
			if len(rec) == 2 {
				country = strings.ToUpper(rec[1])
			}
			e164, _ := manifest.PhoneE164(rec[0], country)
			if e164 == "" {
				return fmt.Errorf("%s:%d: phone %q cannot be made international: write it as +<country code><number> or add the country column", l.File, line, rec[0])
			}
			key = e164
		}
		l.add(key)
	}
}

func isHeader(rec []string, kind ListKind) bool {
	switch kind {
	case KindAddresses:
		return len(rec) == 3 && strings.EqualFold(rec[0], "street")
	case KindPhones:
		return strings.EqualFold(rec[0], "phone")
	}
	return false
}

// normalise turns one line of a plain list into its lookup key.
func (l *List) normalise(s string) (string, error) {
	switch l.Kind {
	case KindTerms:
		k := string(manifest.FoldText(nil, s))
		if k == "" {
			return "", fmt.Errorf("term %q has no letters or digits", s)
		}
		return k, nil
	case KindCodes:
		return strings.ToUpper(s), nil
	case KindEmails:
		return strings.ToLower(s), nil
	case KindNames:
		k := manifest.NameKey(s)
		if k == "" {
			return "", fmt.Errorf("name %q has no letters", s)
		}
		return k, nil
	}
	return "", fmt.Errorf("list kind %q has no plain-text form", l.Kind)
}

func (l *List) add(key string) {
	if l.entries[key]&isEntry == 0 {
		l.n++
	}
	l.entries[key] |= isEntry
	l.lens |= lenBit(len(key))
	l.edges |= edgeBit(key)
	if b, ok := pair(key); ok {
		l.pairs[b/64] |= 1 << (b % 64)
	}
	if l.Kind != KindTerms {
		return
	}
	words := strings.Count(key, " ") + 1
	l.maxWords = max(l.maxWords, words)
	if words > 1 {
		first := key[:strings.IndexByte(key, ' ')]
		l.entries[first] |= startsPhrase
		l.lens |= lenBit(len(first))
		l.edges |= edgeBit(first)
	}
}

// contains reports whether value is an entry. Term lists fold the value
// first unless it is folded already.
func (l *List) contains(value string) bool {
	if l.Kind == KindTerms && !isFolded(value) {
		var buf [256]byte
		// A value whose first word begins no entry is in no list, and
		// only that word need be folded to tell (most names and streets).
		if w := firstWord(buf[:0], value); len(w) > 0 && l.flagsOf(w) == 0 {
			return false
		}
		// Each ASCII letter or digit folds to a byte of its own: a value
		// with more of them than the longest entry has is no entry.
		if l.lens < lenBit(63) && alnumASCII(value) >= bits.Len64(l.lens) {
			return false
		}
		return l.flagsOf(manifest.FoldText(buf[:0], value))&isEntry != 0
	}
	switch l.Kind {
	case KindCodes:
		value = upperASCII(value)
	case KindEmails:
		value = lowerASCII(value)
	case KindNames:
		if !isFolded(value) {
			value = manifest.NameKey(value)
		}
	}
	return l.flags(value)&isEntry != 0
}

// containsCode is contains for a codes list and a value in b, which it
// may upper-case in place.
func (l *List) containsCode(b []byte) bool {
	for i, c := range b {
		switch {
		case c >= utf8.RuneSelf:
			// strings.ToUpper upper-cases more than ASCII.
			return l.contains(string(b))
		case 'a' <= c && c <= 'z':
			b[i] = c - ('a' - 'A')
		}
	}
	return l.flagsOf(b)&isEntry != 0
}

// firstWord appends to dst the first word FoldText makes of s, folding
// only the first run of letters, digits and non-ASCII characters. It
// appends nothing when that run folds to nothing; the word is then to be
// found further on.
func firstWord(dst []byte, s string) []byte {
	i := 0
	for i < len(s) && s[i] < utf8.RuneSelf && !alnum(s[i]) {
		i++
	}
	k := i
	for k < len(s) && alnum(s[k]) {
		k++
	}
	if k == len(s) || s[k] < utf8.RuneSelf {
		// An ASCII word, which folding lower-cases: c|0x20 does that to
		// a letter and leaves a digit as it is.
		for j := i; j < k; j++ {
			dst = append(dst, s[j]|0x20)
		}
		return dst
	}
	for k < len(s) && (s[k] >= utf8.RuneSelf || alnum(s[k])) {
		k++
	}
	// s[k] is an ASCII separator, so the word ends by k at the latest;
	// characters before it may end it sooner.
	start := len(dst)
	dst = manifest.FoldText(dst, s[i:k])
	if j := bytes.IndexByte(dst[start:], ' '); j >= 0 {
		dst = dst[:start+j]
	}
	return dst
}

// alnumASCII counts the ASCII letters and digits of s.
func alnumASCII(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if alnum(s[i]) {
			n++
		}
	}
	return n
}

// alnum reports whether c is an ASCII letter or digit.
func alnum(c byte) bool {
	return 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
}

// hasTerm reports whether text contains an entry of a term list on word
// boundaries.
func (l *List) hasTerm(text string) bool { return l.term(text) != "" }

// term returns the first entry found in text on word boundaries, or "".
func (l *List) term(text string) string {
	return l.termIn(text, isFolded(text))
}

// termIn is term for a text that is folded already when folded says so.
func (l *List) termIn(text string, folded bool) string {
	if !folded {
		// Fold on the stack; only a term found is copied out of it.
		var buf [256]byte
		b := manifest.FoldText(buf[:0], text)
		if len(b) == 0 {
			return ""
		}
		return strings.Clone(l.words(unsafe.String(&b[0], len(b))))
	}
	return l.words(text)
}

// words returns the first entry found in folded text on word boundaries,
// or "".
func (l *List) words(text string) string {
	for start := 0; start < len(text); {
		end := strings.IndexByte(text[start:], ' ')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		word := text[start:end]
		flags := l.flags(word)
		if flags&startsPhrase != 0 {
			// The longest phrase wins, so that "research chemical" is
			// reported rather than "research".
			if t := l.phrase(text, start, end); t != "" {
				return t
			}
		}
		if flags&isEntry != 0 {
			return word
		}
		start = end + 1
	}
	return ""
}

// phrase returns the longest entry of two or more words starting at the
// word text[start:end], or "".
func (l *List) phrase(text string, start, end int) string {
	best := ""
	for words := 1; words < l.maxWords && end < len(text); words++ {
		next := strings.IndexByte(text[end+1:], ' ')
		if next < 0 {
			end = len(text)
		} else {
			end += 1 + next
		}
		if l.flags(text[start:end])&isEntry != 0 {
			best = text[start:end]
		}
	}
	return best
}

// hasPrefix reports whether an entry is a prefix of value (HS codes).
func (l *List) hasPrefix(value string) bool {
	value = upperASCII(value)
	for i := 1; i <= len(value); i++ {
		if l.flags(value[:i])&isEntry != 0 {
			return true
		}
	}
	return false
}

// isFolded reports whether s is already in FoldText's form, so that the
// common case costs no allocation.
func isFolded(s string) bool {
	prevSpace := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			prevSpace = false
		case c == ' ' && !prevSpace:
			prevSpace = true
		case c == '/' && prevSpace && i > 0:
			// The " / " separator between descriptions in Env.Descriptions.
			prevSpace = false
		default:
			return false
		}
	}
	return !prevSpace || s == ""
}

func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'A' && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
