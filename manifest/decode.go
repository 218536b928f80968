package manifest

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of the wire contract. A manifest beyond them is rejected: they are
// far above any real postal item, so a value past them is a unit or typing
// error (grams sent as kilograms, cents as euros), or an attack.
const (
	// DefaultMaxBytes is the size limit of one manifest when
	// Decoder.MaxBytes is 0.
	DefaultMaxBytes = 256 << 10
	// MaxContents is the most contents lines a manifest may have.
	MaxContents = 1000
	// MaxStringBytes is the longest a text field may be, in bytes.
	MaxStringBytes = 1024
	// MaxDescriptionBytes is the longest a contents description may be.
	MaxDescriptionBytes = 4096
	// MaxItemIDBytes is the longest an item identifier may be.
	MaxItemIDBytes = 64
	// MaxWeightKg is the largest gross or net weight, in kilograms.
	MaxWeightKg = 1000
	// MaxQuantity is the largest quantity on one contents line.
	MaxQuantity = 1_000_000
	// MaxValue is the largest declared value, item value or postage amount.
	MaxValue = 100_000_000
	// MaxAmendment is the largest amendment counter.
	MaxAmendment = 1_000_000
	// MaxRejectFindings is the most findings a Rejection lists; the rest
	// are counted in Rejection.Omitted, so that a broken manifest with a
	// thousand lines does not produce a dead-letter header of megabytes.
	MaxRejectFindings = 100
)

// The allowed values of the enumerated fields, in their canonical spelling.
var (
	operatorKinds = []string{"post", "express"}
	mailClasses   = []string{"letter", "small_packet", "parcel", "ems", "express"}
	categories    = []string{"gift", "commercial_sample", "documents", "returned_goods", "sale_of_goods", "other"}
)

// Decoder decodes and validates manifests. It keeps its buffers
// from one manifest to the next, so a worker that decodes a stream with one
// Decoder and one Parcel allocates almost nothing per manifest. A Decoder is
// not safe for concurrent use: give each worker goroutine its own. The zero
// value is ready to use.
type Decoder struct {
	// MaxBytes is the size limit of one manifest; 0 means DefaultMaxBytes.
	MaxBytes int

	fold folder
	// arena collects the bytes of the strings of one parcel so that they
	// become strings in a single allocation; refs and itemRefs say where
	// each goes.
	arena    []byte
	refs     []strRef
	itemRefs []itemRef
	// esc and keyEsc hold the text of the latest string value and key
	// that had escapes.
	esc, keyEsc []byte
	// last is the string the latest materialise made of the arena.
	last string
	// pend holds quality findings until their paths and messages in the
	// arena become strings.
	pend    []pendingFinding
	rej     []Finding
	omitted int

	// Per-manifest state that is not part of Parcel.
	seen         uint32 // top-level fields decoded, by number
	bad          uint32 // fields already rejected, so no "missing" finding follows
	postedAt     string
	tooDeep      bool // a skipped value is nested too deeply
	hasDeclared  bool
	hasItemValue bool
}

// strRef says that arena bytes sp become the string field numbered field
// (see fieldPtr). A field is recorded by number rather than by address: a
// pointer stored in d.refs would cost a write barrier whenever the garbage
// collector is marking, which for a worker allocating steadily is a good
// share of the time.
type strRef struct {
	field int
	sp    span
}

// The string fields a strRef can name: those of Parcel and Decoder.postedAt,
// then those of the sender and of the recipient, each numbered from its
// party's base by the p constants.
const (
	sItemID = iota
	sOperator
	sOriginCountry
	sDestinationCountry
	sOfficeOfOrigin
	sCurrency
	sInvoiceNumber
	sLicenceNumber
	sCertificateNumber
	sPostedAt
	sSender
	sRecipient = sSender + nPartyFields
)

// fieldPtr returns the string field of p or d numbered f.
func (d *Decoder) fieldPtr(p *Parcel, f int) *string {
	switch f {
	case sItemID:
		return &p.ItemID
	case sOperator:
		return &p.Operator
	case sOriginCountry:
		return &p.OriginCountry
	case sDestinationCountry:
		return &p.DestinationCountry
	case sOfficeOfOrigin:
		return &p.OfficeOfOrigin
	case sCurrency:
		return &p.Currency
	case sInvoiceNumber:
		return &p.InvoiceNumber
	case sLicenceNumber:
		return &p.LicenceNumber
	case sCertificateNumber:
		return &p.CertificateNumber
	case sPostedAt:
		return &d.postedAt
	}
	if f < sRecipient {
		return partyField(&p.Sender, f-sSender)
	}
	return partyField(&p.Recipient, f-sRecipient)
}

// itemRef says that arena bytes sp become a string field of contents line
// item.
type itemRef struct {
	item  int
	field uint8 // itemDescription, itemHSCode or itemOrigin
	sp    span
}

// The string fields of Item, for itemRef.
const (
	itemDescription = iota
	itemHSCode
	itemOrigin
)

// pendingFinding is a quality finding whose path or message may still be in
// the arena: an empty path or message with a non-empty span comes from it.
type pendingFinding struct {
	code, path, msg string
	pathSp, msgSp   span
}

// Bits of Decoder.bad.
const (
	badItemID uint32 = 1 << iota
	badOperator
	badOrigin
	badDestination
	badContents
)

// path is the JSON path of a field, kept in parts so that building it costs
// nothing unless a finding needs it: obj.name, obj[idx].name or name.
type path struct {
	obj  string
	idx  int // -1 when obj is not an array
	name string
}

// top, in and itemPath build the paths of top-level fields, of party
// fields and of contents-line fields.
func top(name string) path             { return path{name: name, idx: -1} }
func in(obj, name string) path         { return path{obj: obj, idx: -1, name: name} }
func itemPath(i int, name string) path { return path{obj: "contents", idx: i, name: name} }

// String formats the path as findings show it: "contents[2].quantity".
func (a path) String() string {
	switch {
	case a.obj == "":
		return a.name
	case a.idx < 0:
		return a.obj + "." + a.name
	case a.name == "":
		return a.obj + "[" + strconv.Itoa(a.idx) + "]"
	}
	return a.obj + "[" + strconv.Itoa(a.idx) + "]." + a.name
}

// Decode decodes one manifest, a JSON object of the manifest v1 wire
// contract, into *p. A manifest that cannot be screened gives a *Rejection
// listing every problem found; one that can gives nil, with its data-quality
// findings in p.Quality. receivedAt becomes p.ReceivedAt.
//
// Decode overwrites all of *p but reuses the arrays behind p.Contents and
// p.Quality, so the caller must be done with the previous parcel's slices.
// The parcel keeps a reference to data in p.Raw: data must not be modified
// while the parcel is in use. The strings of a parcel are cut from two
// allocations (one for the wire fields, one for the keys and findings); a
// caller that keeps one string long after the parcel should strings.Clone
// it rather than keep the whole parcel's text alive.
//
// After a rejection *p holds whatever could be decoded (item_id and operator
// in particular, for the dead-letter record) and its normalisation keys are
// not set; it must not be screened.
func (d *Decoder) Decode(data []byte, receivedAt time.Time, p *Parcel) error {
	d.reset(p)
	p.Raw = data
	p.ReceivedAt = receivedAt

	limit := d.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if len(data) > limit {
		d.reject(CodeTooLarge, path{}, fmt.Sprintf("the message is %d bytes long; the limit is %d: send one item per message and shorten long descriptions", len(data), limit))
		return d.rejection(p)
	}
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		if _, tooDeep, serr := checkWhole(data); serr != nil || tooDeep {
			return d.syntaxRejection(p, serr)
		}
		d.reject(CodeNotObject, path{}, "the message is a JSON "+typeName(data[i])+", not an object: send one manifest object per message")
		return d.rejection(p)
	}
	// One pass decodes the fields and checks the syntax of the whole
	// message; a syntax error anywhere discards what was decoded.
	if serr := d.object(p, data, i); serr != nil || d.tooDeep {
		return d.syntaxRejection(p, serr)
	}
	d.materialise(p)

	d.checkRequired(p)
	p.S10 = ParseS10(p.ItemID)
	if len(d.rej) > 0 {
		return d.rejection(p)
	}
	d.checkQuality(p)
	d.derive(&p.Sender, p.OriginCountry, &senderText)
	d.derive(&p.Recipient, p.DestinationCountry, &recipientText)
	d.materialise(p)
	for _, f := range d.pend {
		if f.path == "" {
			f.path = d.str(f.pathSp)
		}
		if f.msg == "" {
			f.msg = d.str(f.msgSp)
		}
		p.Quality = append(p.Quality, Finding{Code: f.code, Path: f.path, Message: f.msg})
	}
	d.pend = d.pend[:0]
	d.last = ""
	return nil
}

// syntaxRejection rejects a message that is not JSON, with nothing of what
// was decoded before the error: the same answer, whatever the error's
// position, as a check of the whole message before decoding gives. A nil
// serr stands for a message nested too deeply (see checkWhole).
func (d *Decoder) syntaxRejection(p *Parcel, serr *syntaxError) error {
	raw, at := p.Raw, p.ReceivedAt
	d.reset(p)
	p.Raw, p.ReceivedAt = raw, at
	d.refs = d.refs[:0]
	d.itemRefs = d.itemRefs[:0]
	if serr == nil {
		d.reject(CodeNotJSON, path{}, "the message is not valid JSON: send one JSON object per message")
	} else {
		d.reject(CodeNotJSON, path{}, "the message is not valid JSON: "+serr.msg+" at byte "+strconv.Itoa(serr.off)+": send one JSON object per message")
	}
	return d.rejection(p)
}

// Decode decodes one manifest with a fresh Decoder, for tests and tools.
// Parcel.ReceivedAt stays zero. Services decoding a stream should keep a
// Decoder per worker instead.
func Decode(data []byte) (*Parcel, error) {
	var d Decoder
	p := new(Parcel)
	if err := d.Decode(data, time.Time{}, p); err != nil {
		return nil, err
	}
	return p, nil
}

// reset clears the decoder's per-manifest state and *p, keeping the arrays
// behind p.Contents and p.Quality.
func (d *Decoder) reset(p *Parcel) {
	clear(p.Contents)
	clear(p.Quality)
	*p = Parcel{Contents: p.Contents[:0], Quality: p.Quality[:0]}
	d.arena = d.arena[:0]
	d.rej = d.rej[:0]
	d.omitted = 0
	d.bad = 0
	d.seen = 0
	d.postedAt = ""
	d.tooDeep = false
	d.hasDeclared = false
	d.hasItemValue = false
}

// materialise turns the arena into one string and assigns every recorded
// field its part of it.
func (d *Decoder) materialise(p *Parcel) {
	if len(d.refs) == 0 && len(d.itemRefs) == 0 && len(d.pend) == 0 {
		d.arena = d.arena[:0]
		return
	}
	s := string(d.arena)
	for _, r := range d.refs {
		*d.fieldPtr(p, r.field) = s[r.sp.off:r.sp.end]
	}
	for _, r := range d.itemRefs {
		it := &p.Contents[r.item]
		switch r.field {
		case itemDescription:
			it.Description = s[r.sp.off:r.sp.end]
		case itemHSCode:
			it.HSCode = s[r.sp.off:r.sp.end]
		default:
			it.OriginCountry = s[r.sp.off:r.sp.end]
		}
	}
	// Keep s for the pending findings.
	d.last = s
	d.refs = d.refs[:0]
	d.itemRefs = d.itemRefs[:0]
	d.arena = d.arena[:0]
}

// str returns the part sp of the latest materialised arena.
func (d *Decoder) str(sp span) string { return d.last[sp.off:sp.end] }

// keep records that b becomes string field f.
func (d *Decoder) keep(f int, b []byte) {
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	d.refs = append(d.refs, strRef{f, span{off, len(d.arena)}})
}

// keepItem records that b becomes string field (itemDescription or
// itemHSCode) of contents line n.
func (d *Decoder) keepItem(n int, field uint8, b []byte) {
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	d.itemRefs = append(d.itemRefs, itemRef{n, field, span{off, len(d.arena)}})
}

// keepSpan records that the arena bytes from off to the end become string
// field f.
func (d *Decoder) keepSpan(f int, off int) {
	if off < len(d.arena) {
		d.refs = append(d.refs, strRef{f, span{off, len(d.arena)}})
	}
}

// reject records a rejection finding.
func (d *Decoder) reject(code string, at path, msg string) {
	if len(d.rej) >= MaxRejectFindings {
		d.omitted++
		return
	}
	d.rej = append(d.rej, Finding{Code: code, Path: at.String(), Message: msg})
}

// rejection returns the recorded rejection findings as an error that owns
// them.
func (d *Decoder) rejection(p *Parcel) error {
	d.materialise(p)
	d.last = ""
	return &Rejection{Findings: append([]Finding(nil), d.rej...), Omitted: d.omitted}
}

// note records a quality finding with a fixed path and message.
func (d *Decoder) note(code, at, msg string) {
	d.pend = append(d.pend, pendingFinding{code: code, path: at, msg: msg})
}

// Top-level fields, numbered for duplicate detection.
const (
	fItemID = iota
	fOperator
	fOperatorKind
	fMailClass
	fCategory
	fOriginCountry
	fDestinationCountry
	fPostedAt
	fOfficeOfOrigin
	fSender
	fRecipient
	fContents
	fGrossWeightKg
	fDeclaredValue
	fCurrency
	fPostagePaid
	fInvoiceNumber
	fLicenceNumber
	fCertificateNumber
	fAmendment
)

// value is a scalar JSON value as the decoder reads it, or the kind of a
// container it has skipped.
type value struct {
	kind byte // '"', '0' (a number), 't', 'f', 'n', or '{' or '[' when skipped
	// b is the text of a string, escapes decoded, or the bytes of a
	// number. It may alias the message or the decoder's buffers, so it is
	// good only until the next value is read.
	b     []byte
	valid bool // a string is valid UTF-8
}

// object decodes the manifest object that starts at b[i] and checks that
// nothing but white space follows it.
func (d *Decoder) object(p *Parcel, b []byte, i int) *syntaxError {
	i, empty, err := openContainer(b, i, 0)
	for more := !empty; more && err == nil; {
		var f int
		if f, i, err = d.memberKey(b, i, topNames); err != nil {
			break
		}
		i, err = d.topField(p, f, b, i)
		// A comma straight after the value is the common case.
		if err == nil && i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		} else if err == nil {
			i, more, err = afterValue(b, i, '}')
		}
	}
	if err != nil {
		return err
	}
	if i = skipSpace(b, i); i < len(b) {
		return unexpected(b, i, "after the end of the top-level value")
	}
	return nil
}

// openContainer enters the object or array at b[i], inside depth open
// containers, and returns the index of its first member, or empty and the
// index after it.
func openContainer(b []byte, i, depth int) (next int, empty bool, err *syntaxError) {
	if depth == maxDepth {
		return i, false, &syntaxError{i, "arrays and objects nest deeper than " + strconv.Itoa(maxDepth) + " levels"}
	}
	closing := b[i] + 2 // '{' + 2 is '}', '[' + 2 is ']'
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == closing {
		return i + 1, true, nil
	}
	return i, false, nil
}

// keySet is the member names the decoder knows in one kind of object,
// numbered by their position in names, with a hash table that finds the
// name a key can be from its first six bytes.
type keySet struct {
	names []string
	mult  uint64 // the multiplier of the hash, found by newKeySet
	// slot holds the names by hash. A slot holds the names themselves
	// rather than their numbers: the comparison then waits for one load
	// only.
	slot [64]keySlot
}

// keySlot holds the names whose first six bytes hash to it: one, or two
// that share them ("operator" and "operator_kind").
type keySlot [2]keyName

// keyName is a name and its closing quote as three words of eight bytes,
// zero-padded, and masks of the bytes they set, so that comparing it with
// the bytes of a message costs no call; len is 0 for no name.
type keyName struct {
	words, masks [3]uint64
	len, n       int
}

// maxKeyName is the longest name a keySet may have: with its quote, three
// words. minKeyName is the shortest: a key is hashed by its first six
// bytes, which for a name of four are the name, its quote and the colon
// that usually follows it.
const (
	maxKeyName = 23
	minKeyName = 4
)

// keyHashMask keeps the six bytes of a key that the hash looks at.
const keyHashMask = 1<<48 - 1

func newKeySet(names ...string) *keySet {
	ks := &keySet{names: names}
	ids := make([]uint64, len(names))
	for n, name := range names {
		if len(name) < minKeyName || len(name) > maxKeyName {
			panic("manifest: member name " + name + " is too short or too long for a keySet")
		}
		var b [8]byte
		copy(b[:], name+`":`)
		ids[n] = binary.LittleEndian.Uint64(b[:]) & keyHashMask
	}
	// Look for a multiplier that sends names with different first six
	// bytes to different slots; a few dozen tries find one.
	for ks.mult = 0x9E3779B97F4A7C15; ; ks.mult += 2 {
		ks.slot = [len(ks.slot)]keySlot{}
		unique := true
		for n, id := range ids {
			sl := &ks.slot[id*ks.mult>>58]
			k := 0
			if sl[0].len > 0 {
				// Only a name with the same six bytes may share.
				if id != ids[sl[0].n] {
					unique = false
					break
				}
				if sl[1].len > 0 {
					panic("manifest: three member names of a keySet share their first six bytes")
				}
				k = 1
			}
			name := names[n] + `"`
			sl[k].len, sl[k].n = len(name)-1, n
			for j := 0; j < len(name); j++ {
				sl[k].words[j/8] |= uint64(name[j]) << (8 * (j % 8))
				sl[k].masks[j/8] |= 0xFF << (8 * (j % 8))
			}
		}
		if unique {
			return ks
		}
	}
}

// The member names of the manifest object, of a party and of a contents
// line, in the order of the f constants, of the p constants and of the
// bits of Decoder.item.
var (
	topNames = newKeySet("item_id", "operator", "operator_kind", "mail_class", "category",
		"origin_country", "destination_country", "posted_at", "office_of_origin", "sender",
		"recipient", "contents", "gross_weight_kg", "declared_value", "currency",
		"postage_paid", "invoice_number", "licence_number", "certificate_number", "amendment")
	partyNames = newKeySet("name", "business", "street", "city", "postcode", "country",
		"phone", "email", "tax_id")
	itemNames = newKeySet("description", "quantity", "net_weight_kg", "value", "hs_code",
		"origin_country")
)

// The bits of a contents line's fields in item's seen set, in the order of
// itemNames.
const (
	bitDescription uint8 = 1 << iota
	bitQuantity
	bitNetWeight
	bitValue
	bitHSCode
	bitOrigin
)

// memberKey reads the object key at b[i] and the colon after it, and
// returns the number of the key in ks, -1 for a key not in it, and the
// index of the member's value.
func (d *Decoder) memberKey(b []byte, i int, ks *keySet) (f int, next int, err *syntaxError) {
	if i >= len(b) {
		return -1, i, &syntaxError{i, "unexpected end of input, expecting an object key"}
	}
	if b[i] != '"' {
		return -1, i, unexpected(b, i, "expecting an object key in double quotes")
	}
	// Most keys are one of ks spelt plainly: compare the bytes with the
	// names the hash of their first six bytes points to, closing quote
	// included. A name has no special character, so a match ends exactly
	// where scanning the key as a string would. Keys too near the end of
	// the message to load three words are scanned.
	end := -1
	if i+1+24 <= len(b) {
		k := b[i+1 : i+1+24]
		w0 := binary.LittleEndian.Uint64(k[0:8])
		w1 := binary.LittleEndian.Uint64(k[8:16])
		w2 := binary.LittleEndian.Uint64(k[16:24])
		sl := &ks.slot[(w0&keyHashMask)*ks.mult>>58]
		for j := range sl {
			kn := &sl[j]
			if w0&kn.masks[0] == kn.words[0] && w1&kn.masks[1] == kn.words[1] &&
				w2&kn.masks[2] == kn.words[2] && kn.len > 0 {
				f, end = kn.n, i+2+kn.len
				break
			}
		}
	}
	if end < 0 {
		var escaped bool
		if end, _, escaped, err = scanString(b, i+1); err != nil {
			return -1, end, err
		}
		key := b[i+1 : end-1]
		if escaped {
			d.keyEsc = appendUnescaped(d.keyEsc[:0], key)
			key = d.keyEsc
		}
		f = slices.Index(ks.names, string(key))
	}
	if end < len(b) && b[end] == ':' {
		return f, skipSpace(b, end+1), nil
	}
	i = skipSpace(b, end)
	if i >= len(b) {
		return -1, i, &syntaxError{i, "unexpected end of input, expecting ':'"}
	}
	if b[i] != ':' {
		return -1, i, unexpected(b, i, "after an object key, expecting ':'")
	}
	return f, skipSpace(b, i+1), nil
}

// afterValue reads what follows a member or an element ending at i in a
// container closed by closing: more reports a comma (next is then the
// index of the next member), otherwise next is the index after the
// closing bracket.
func afterValue(b []byte, i int, closing byte) (next int, more bool, err *syntaxError) {
	i = skipSpace(b, i)
	if i >= len(b) {
		return i, false, &syntaxError{i, "unexpected end of input, expecting ',' or a closing bracket"}
	}
	switch b[i] {
	case ',':
		return skipSpace(b, i+1), true, nil
	case closing:
		return i + 1, false, nil
	}
	if closing == '}' {
		return i, false, unexpected(b, i, "after an object value, expecting ',' or '}'")
	}
	return i, false, unexpected(b, i, "after an array element, expecting ',' or ']'")
}

// readValue reads the value at b[i], inside depth open containers: a
// scalar's text, or only the kind of an array or object, which it skips.
func (d *Decoder) readValue(b []byte, i, depth int) (v value, next int, err *syntaxError) {
	if i >= len(b) {
		return v, i, &syntaxError{i, "unexpected end of input, expecting a value"}
	}
	switch c := b[i]; {
	case c == '"':
		end, valid, escaped, err := scanString(b, i+1)
		if err != nil {
			return v, end, err
		}
		v = value{kind: '"', b: b[i+1 : end-1], valid: valid}
		if escaped {
			d.esc = appendUnescaped(d.esc[:0], v.b)
			v.b = d.esc
		}
		return v, end, nil
	case c == '-' || '0' <= c && c <= '9':
		end, err := scanNumber(b, i)
		return value{kind: '0', b: b[i:end]}, end, err
	case c == '{' || c == '[':
		end, err := d.skip(b, i, depth)
		return value{kind: c}, end, err
	case c == 't':
		end, err := scanLiteral(b, i, "true")
		return value{kind: c}, end, err
	case c == 'f':
		end, err := scanLiteral(b, i, "false")
		return value{kind: c}, end, err
	case c == 'n':
		end, err := scanLiteral(b, i, "null")
		return value{kind: c}, end, err
	}
	return v, i, unexpected(b, i, "expecting a value")
}

// skip checks and skips the value at b[i], inside depth open containers.
func (d *Decoder) skip(b []byte, i, depth int) (int, *syntaxError) {
	next, _, tooDeep, err := scanValue(b, i, depth)
	d.tooDeep = d.tooDeep || tooDeep
	return next, err
}

// topField decodes the member of the manifest object numbered f in
// topNames, -1 for an unknown one, whose value starts at b[i], and returns
// the index after the value. Unknown fields are checked and skipped; the
// first occurrence of a duplicated key wins.
func (d *Decoder) topField(p *Parcel, f int, b []byte, i int) (int, *syntaxError) {
	if f < 0 || d.seen&(1<<f) != 0 {
		next, err := d.skip(b, i, 1)
		return next, err
	}
	d.seen |= 1 << f
	// The containers are decoded in place; every other field is read first.
	switch f {
	case fSender:
		return d.party(&p.Sender, sSender, b, i, "sender")
	case fRecipient:
		return d.party(&p.Recipient, sRecipient, b, i, "recipient")
	case fContents:
		return d.contents(p, b, i)
	}
	if isDigitAt(b, i) {
		if x, end, ok := plainNumber(b, i); ok && d.topNumber(p, f, x) {
			return end, nil
		}
	}
	var v value
	var next int
	if s, end, ok := plainString(b, i, MaxStringBytes); ok {
		// Keep a plain string of a text field at once.
		if sf := textField(f); sf >= 0 {
			if len(s) > 0 {
				d.keep(sf, s)
			}
			return end, nil
		}
		v, next = value{kind: '"', b: s, valid: true}, end
	} else {
		var err *syntaxError
		if v, next, err = d.readValue(b, i, 1); err != nil {
			return next, err
		}
	}
	switch f {
	case fItemID:
		d.itemID(p, v)
	case fOperator:
		if _, ok := d.text(sOperator, v, top("operator"), MaxStringBytes); !ok {
			d.bad |= badOperator
		}
	case fOperatorKind:
		p.OperatorKind = d.enum(v, top("operator_kind"), operatorKinds)
	case fMailClass:
		p.MailClass = d.enum(v, top("mail_class"), mailClasses)
	case fCategory:
		p.Category = d.enum(v, top("category"), categories)
	case fOriginCountry:
		if !d.routeCountry(&p.OriginCountry, sOriginCountry, v, top("origin_country")) {
			d.bad |= badOrigin
		}
	case fDestinationCountry:
		if !d.routeCountry(&p.DestinationCountry, sDestinationCountry, v, top("destination_country")) {
			d.bad |= badDestination
		}
	case fPostedAt:
		d.text(sPostedAt, v, top("posted_at"), MaxStringBytes)
	case fOfficeOfOrigin:
		d.text(sOfficeOfOrigin, v, top("office_of_origin"), MaxStringBytes)
	case fGrossWeightKg:
		p.GrossWeightKg, _ = d.number(v, top("gross_weight_kg"), MaxWeightKg)
	case fDeclaredValue:
		p.DeclaredValue, d.hasDeclared = d.number(v, top("declared_value"), MaxValue)
	case fCurrency:
		d.currency(p, v)
	case fPostagePaid:
		p.PostagePaid, _ = d.number(v, top("postage_paid"), MaxValue)
	case fInvoiceNumber:
		d.text(sInvoiceNumber, v, top("invoice_number"), MaxStringBytes)
	case fLicenceNumber:
		d.text(sLicenceNumber, v, top("licence_number"), MaxStringBytes)
	case fCertificateNumber:
		d.text(sCertificateNumber, v, top("certificate_number"), MaxStringBytes)
	case fAmendment:
		if f, ok := d.number(v, top("amendment"), MaxAmendment); ok {
			if f != math.Trunc(f) {
				d.reject(CodeAbsurdValue, top("amendment"), "amendment is "+formatNum(f)+": send a whole number, 0 for the first submission")
			} else {
				p.Amendment = int(f)
			}
		}
	}
	return next, nil
}

// topNumber stores x, a plain number, in top-level field f when it is a
// number field and x is within its limits, and reports whether it did;
// otherwise the field is decoded as any other value, with its findings.
func (d *Decoder) topNumber(p *Parcel, f int, x float64) bool {
	switch f {
	case fGrossWeightKg:
		if x <= MaxWeightKg {
			p.GrossWeightKg = x
			return true
		}
	case fDeclaredValue:
		if x <= MaxValue {
			p.DeclaredValue, d.hasDeclared = x, true
			return true
		}
	case fPostagePaid:
		if x <= MaxValue {
			p.PostagePaid = x
			return true
		}
	case fAmendment:
		if x <= MaxAmendment && x == math.Trunc(x) {
			p.Amendment = int(x)
			return true
		}
	}
	return false
}

// itemNumber is topNumber for the fields of contents line it.
func (d *Decoder) itemNumber(it *Item, bit uint8, x float64) bool {
	switch bit {
	case bitQuantity:
		if x <= MaxQuantity && x == math.Trunc(x) {
			it.Quantity = int(x)
			return true
		}
	case bitNetWeight:
		if x <= MaxWeightKg {
			it.NetWeightKg = x
			return true
		}
	case bitValue:
		if x <= MaxValue {
			it.Value, d.hasItemValue = x, true
			return true
		}
	}
	return false
}

// textField returns the string field of top-level field f when it is a
// text field kept as sent, -1 otherwise.
func textField(f int) int {
	switch f {
	case fOperator:
		return sOperator
	case fPostedAt:
		return sPostedAt
	case fOfficeOfOrigin:
		return sOfficeOfOrigin
	case fInvoiceNumber:
		return sInvoiceNumber
	case fLicenceNumber:
		return sLicenceNumber
	case fCertificateNumber:
		return sCertificateNumber
	}
	return -1
}

// typeName names the JSON type of the value starting with c for messages,
// as the decoder has always named them.
func typeName(c byte) string {
	switch c {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// wrongType records a WRONG_TYPE rejection: at should be want.
func (d *Decoder) wrongType(at path, want string, kind byte) {
	d.reject(CodeWrongType, at, at.String()+" must be "+want+", got "+typeName(kind))
}

// stringBytes returns the text of a string field, nil for null, and false
// after recording a rejection.
func (d *Decoder) stringBytes(v value, at path, limit int) ([]byte, bool) {
	switch v.kind {
	case '"':
	case 'n':
		return nil, true
	default:
		d.wrongType(at, "a string", v.kind)
		return nil, false
	}
	b := v.b
	if len(b) > limit {
		d.reject(CodeFieldTooLong, at, fmt.Sprintf("%s is %d bytes long; the limit is %d: shorten it", at, len(b), limit))
		return nil, false
	}
	// A string's text is valid UTF-8 exactly when its bytes are: escapes
	// decode to whole characters.
	if !v.valid && !utf8.Valid(b) {
		d.reject(CodeInvalidUTF8, at, at.String()+" is not valid UTF-8: encode text as UTF-8")
		return nil, false
	}
	return b, true
}

// text decodes an optional string field into string field f.
func (d *Decoder) text(f int, v value, at path, limit int) ([]byte, bool) {
	b, ok := d.stringBytes(v, at, limit)
	if len(b) > 0 {
		d.keep(f, b)
	}
	return b, ok
}

// plainString scans the value at b[i] when it is a plain string, the
// common case: valid UTF-8 without escapes, no longer than limit. It
// returns the string's bytes and the index after it, or ok false for any
// other value, which the caller reads with readValue.
func plainString(b []byte, i, limit int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, false
	}
	// Look for the first special byte as scanString does. A quote ends
	// the string; non-ASCII text is left to scanString from there on,
	// which checks it; an escape or a control character is for
	// readValue.
	j := i + 1
	for {
		if j+8 > len(b) {
			for j < len(b) && plain[b[j]] {
				j++
			}
			break
		}
		w := binary.LittleEndian.Uint64(b[j : j+8])
		q := w ^ ('"' * ones)
		bs := w ^ ('\\' * ones)
		if m := ((q-ones)&^q | (bs-ones)&^bs | (w - 0x20*ones) | w) & highs; m != 0 {
			j += bits.TrailingZeros64(m) >> 3
			break
		}
		j += 8
	}
	if j >= len(b) {
		return nil, i, false
	}
	end := j + 1
	if c := b[j]; c != '"' {
		if c < utf8.RuneSelf {
			return nil, i, false
		}
		var valid, escaped bool
		var err *syntaxError
		if end, valid, escaped, err = scanString(b, j); err != nil || !valid || escaped {
			return nil, i, false
		}
	}
	if end-i-2 > limit {
		return nil, i, false
	}
	return b[i+1 : end-1], end, true
}

// itemID decodes item_id, which identifies the parcel everywhere
// downstream (Kafka key, ClickHouse key), so it must be a clean token.
func (d *Decoder) itemID(p *Parcel, v value) {
	at := top("item_id")
	b, ok := d.text(sItemID, v, at, MaxStringBytes)
	if !ok {
		d.bad |= badItemID
		return
	}
	if len(b) > MaxItemIDBytes {
		d.bad |= badItemID
		d.reject(CodeInvalidItemID, at, fmt.Sprintf("item_id is %d bytes long; the limit is %d: send the UPU S10 identifier or the carrier's tracking number", len(b), MaxItemIDBytes))
		return
	}
	for i := 0; i < len(b); {
		r, n := rune(b[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(b[i:])
		}
		if r <= ' ' || r == 0x7F || r >= utf8.RuneSelf && (unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r)) {
			d.bad |= badItemID
			d.reject(CodeInvalidItemID, at, fmt.Sprintf("item_id has a space or control character at byte %d: send the identifier without spaces", i))
			return
		}
		i += n
	}
}

// enum decodes an enumerated field, case-insensitively, to its canonical
// spelling; "" when absent or invalid.
func (d *Decoder) enum(v value, at path, allowed []string) string {
	// The canonical spelling itself is the common case.
	if v.kind == '"' {
		for _, a := range allowed {
			if string(v.b) == a {
				return a
			}
		}
	}
	b, ok := d.stringBytes(v, at, MaxStringBytes)
	if !ok {
		return ""
	}
	b = trimBytes(b)
	if len(b) == 0 {
		return ""
	}
	for _, a := range allowed {
		if equalFoldASCII(b, a) {
			return a
		}
	}
	list := ""
	for i, a := range allowed {
		if i > 0 {
			list += ", "
		}
		list += a
	}
	d.reject(CodeInvalidEnum, at, fmt.Sprintf("%s is %s: send one of %s, or leave it out", at, quote(b), list))
	return ""
}

// countryCode decodes a country field: trimmed and upper-cased. A known
// code is returned as the country table's string, so it costs no arena
// space; anything else is left in the arena from off to its end (nothing
// when the field is empty). valid is false for an unknown code; ok is false
// after a rejection.
func (d *Decoder) countryCode(v value, at path) (known string, off int, valid, ok bool) {
	off = len(d.arena)
	b, ok := d.stringBytes(v, at, MaxStringBytes)
	if !ok {
		return "", off, false, false
	}
	b = trimBytes(b)
	if len(b) == 0 {
		return "", off, true, true
	}
	if len(b) == 2 {
		if i := countryAt(upperASCII(b[0]), upperASCII(b[1])); i >= 0 {
			return countries[i].code, off, true, true
		}
	}
	// Keep an unknown value for the record: upper-cased when it looks like
	// a code, as written when it is something else ("Netherlands").
	if len(b) == 2 {
		d.arena = append(d.arena, upperASCII(b[0]), upperASCII(b[1]))
	} else {
		d.arena = append(d.arena, b...)
	}
	return "", off, false, true
}

// country decodes a country field into *dst, string field f.
func (d *Decoder) country(dst *string, f int, v value, at path) (valid, ok bool) {
	if v.kind == '"' {
		if c := knownCountry(v.b); c != "" {
			*dst = c
			return true, true
		}
	}
	known, off, valid, ok := d.countryCode(v, at)
	if known != "" {
		*dst = known
	} else {
		d.keepSpan(f, off)
	}
	return valid, ok
}

// routeCountry decodes origin_country or destination_country, which must
// be ISO codes: the rules key on them. It reports false after a rejection.
func (d *Decoder) routeCountry(dst *string, f int, v value, at path) bool {
	valid, ok := d.country(dst, f, v, at)
	if ok && !valid {
		d.reject(CodeInvalidCountry, at, fmt.Sprintf("%s is %s, not an ISO 3166-1 alpha-2 country code: send two letters such as NL or DE", at, quote(trimBytes(v.b))))
		return false
	}
	return ok
}

// currency decodes the currency code, trimmed and upper-cased.
func (d *Decoder) currency(p *Parcel, v value) {
	b, ok := d.stringBytes(v, top("currency"), MaxStringBytes)
	if !ok {
		return
	}
	b = trimBytes(b)
	off := len(d.arena)
	for _, c := range b {
		d.arena = append(d.arena, upperASCII(c))
	}
	d.keepSpan(sCurrency, off)
}

// number decodes an optional non-negative number no larger than limit; ok
// is false when the field is absent or rejected.
func (d *Decoder) number(v value, at path, limit float64) (f float64, ok bool) {
	switch v.kind {
	case '0':
	case 'n':
		return 0, false
	default:
		d.wrongType(at, "a number", v.kind)
		return 0, false
	}
	f, ok = parseNumber(v.b)
	switch {
	case !ok || math.IsNaN(f):
		d.reject(CodeAbsurdValue, at, at.String()+" cannot be read as a number: send a plain decimal such as 12.5")
		return 0, false
	case f < 0:
		d.reject(CodeNegativeValue, at, at.String()+" is "+formatNum(f)+": weights, quantities and values cannot be negative")
		return 0, false
	case math.IsInf(f, 1):
		// A huge exponent such as 1e400 is valid JSON.
		d.reject(CodeAbsurdValue, at, at.String()+" is too large to be a number: send a plain decimal such as 12.5")
		return 0, false
	case f > limit:
		d.reject(CodeAbsurdValue, at, fmt.Sprintf("%s is %s; no postal item has more than %s: check the unit (kilograms, not grams; units, not cents)", at, formatNum(f), formatNum(limit)))
		return 0, false
	case f == 0:
		// Store -0 as 0.
		return 0, true
	}
	return f, true
}

// party decodes the sender or recipient value at b[i], inside the
// manifest object, and returns the index after it.
func (d *Decoder) party(pt *Party, base int, b []byte, i int, name string) (int, *syntaxError) {
	if i >= len(b) || b[i] != '{' {
		v, next, err := d.readValue(b, i, 1)
		if err == nil && v.kind != 'n' {
			d.wrongType(top(name), "an object", v.kind)
		}
		return next, err
	}
	i, empty, err := openContainer(b, i, 1)
	var seen uint16
	for more := !empty; more && err == nil; {
		var f int
		if f, i, err = d.memberKey(b, i, partyNames); err != nil {
			break
		}
		if f < 0 || seen&(1<<f) != 0 {
			i, err = d.skip(b, i, 2)
		} else {
			seen |= 1 << f
			i, err = d.partyValue(pt, base, f, b, i, name)
		}
		// A comma straight after the value is the common case.
		if err == nil && i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		} else if err == nil {
			i, more, err = afterValue(b, i, '}')
		}
	}
	return i, err
}

// The string fields of a party: those of the wire, numbered as in
// partyNames, then the keys.
const (
	pName = iota
	pBusiness
	pStreet
	pCity
	pPostcode
	pCountry
	pPhone
	pEmail
	pTaxID
	pNameKey
	pAddressKey
	pPhoneE164
	pEmailKey
	pEmailDomain
	nPartyFields
)

// partyValue decodes the value at b[i] of field f of party pt, named name,
// whose string fields are numbered from base, and returns the index after
// it.
func (d *Decoder) partyValue(pt *Party, base, f int, b []byte, i int, name string) (int, *syntaxError) {
	s, end, plain := plainString(b, i, MaxStringBytes)
	if plain && f != pCountry {
		// A plain string of a text field is kept at once.
		if len(s) > 0 {
			d.keep(base+f, s)
		}
		return end, nil
	}
	var v value
	if plain {
		v, i = value{kind: '"', b: s, valid: true}, end
	} else {
		var err *syntaxError
		if v, i, err = d.readValue(b, i, 2); err != nil {
			return i, err
		}
	}
	// The field's name comes from partyNames rather than from the
	// message, so that the path, which a finding may keep, costs no
	// allocation.
	at := in(name, partyNames.names[f])
	if f == pCountry {
		d.country(&pt.Country, base+pCountry, v, at)
	} else {
		d.text(base+f, v, at, MaxStringBytes)
	}
	return i, nil
}

// partyField returns the string field f of pt.
func partyField(pt *Party, f int) *string {
	switch f {
	case pName:
		return &pt.Name
	case pBusiness:
		return &pt.Business
	case pStreet:
		return &pt.Street
	case pCity:
		return &pt.City
	case pPostcode:
		return &pt.Postcode
	case pCountry:
		return &pt.Country
	case pPhone:
		return &pt.Phone
	case pEmail:
		return &pt.Email
	case pTaxID:
		return &pt.TaxID
	case pNameKey:
		return &pt.NameKey
	case pAddressKey:
		return &pt.AddressKey
	case pPhoneE164:
		return &pt.PhoneE164
	case pEmailKey:
		return &pt.EmailKey
	}
	return &pt.EmailDomain
}

// knownCountry returns the country table's string for s when s is exactly
// a known code in either case, "" otherwise: the common case of a country
// field, which countryCode would give the same answer for.
func knownCountry(s []byte) string {
	if len(s) == 2 {
		if i := countryAt(upperASCII(s[0]), upperASCII(s[1])); i >= 0 {
			return countries[i].code
		}
	}
	return ""
}

// contents decodes the contents value at b[i], inside the manifest object,
// and returns the index after it.
func (d *Decoder) contents(p *Parcel, b []byte, i int) (int, *syntaxError) {
	if i >= len(b) || b[i] != '[' {
		v, next, err := d.readValue(b, i, 1)
		if err == nil && v.kind != 'n' {
			d.bad |= badContents
			d.wrongType(top("contents"), "an array", v.kind)
		}
		return next, err
	}
	// A manifest with too many lines is rejected for that alone, but how
	// many there are is known only at the end of the array: keep what the
	// lines add until then, so that it can be taken back.
	rejMark, omittedMark, arenaMark := len(d.rej), d.omitted, len(d.arena)
	hadItemValue := d.hasItemValue
	d.itemRefs = d.itemRefs[:0]
	p.Contents = p.Contents[:0]

	n := 0
	i, empty, err := openContainer(b, i, 1)
	for more := !empty; more && err == nil; n++ {
		if n < MaxContents {
			i, err = d.item(p, n, b, i)
		} else {
			i, err = d.skip(b, i, 2)
		}
		// A comma straight after the value is the common case.
		if err == nil && i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		} else if err == nil {
			i, more, err = afterValue(b, i, ']')
		}
	}
	if err != nil {
		return i, err
	}
	if n > MaxContents {
		d.rej = d.rej[:rejMark]
		d.omitted = omittedMark
		d.arena = d.arena[:arenaMark]
		d.hasItemValue = hadItemValue
		d.itemRefs = d.itemRefs[:0]
		clear(p.Contents)
		p.Contents = p.Contents[:0]
		d.bad |= badContents
		d.reject(CodeTooManyContents, top("contents"), fmt.Sprintf("contents has %d lines; the limit is %d: merge lines of the same goods", n, MaxContents))
		return i, nil
	}
	return i, nil
}

// item decodes contents line n, the value at b[i], into a new element of
// p.Contents and returns the index after it.
func (d *Decoder) item(p *Parcel, n int, b []byte, i int) (int, *syntaxError) {
	p.Contents = append(p.Contents, Item{})
	if i >= len(b) || b[i] != '{' {
		v, next, err := d.readValue(b, i, 2)
		if err == nil {
			d.wrongType(itemPath(n, ""), "an object", v.kind)
		}
		return next, err
	}
	it := &p.Contents[n]
	i, empty, err := openContainer(b, i, 2)
	var seen uint8
	for more := !empty; more && err == nil; {
		var f int
		if f, i, err = d.memberKey(b, i, itemNames); err != nil {
			break
		}
		var bit uint8
		var field string
		if f >= 0 {
			bit, field = 1<<f, itemNames.names[f]
		}
		if bit == 0 || seen&bit != 0 {
			i, err = d.skip(b, i, 3)
		} else {
			seen |= bit
			i, err = d.itemValue(it, n, bit, field, b, i)
		}
		// A comma straight after the value is the common case.
		if err == nil && i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		} else if err == nil {
			i, more, err = afterValue(b, i, '}')
		}
	}
	return i, err
}

// itemValue decodes the value at b[i] of field of contents line n, whose
// bit in item's seen set is bit, and returns the index after it.
func (d *Decoder) itemValue(it *Item, n int, bit uint8, field string, b []byte, i int) (int, *syntaxError) {
	if isDigitAt(b, i) {
		if x, end, ok := plainNumber(b, i); ok && d.itemNumber(it, bit, x) {
			return end, nil
		}
	}
	var v value
	if s, end, ok := plainString(b, i, MaxDescriptionBytes); ok {
		// Keep a plain description or HS code within its limit, and a
		// known country code, at once.
		switch {
		case bit == bitDescription || bit == bitHSCode && len(s) <= MaxStringBytes:
			if len(s) > 0 {
				field := uint8(itemDescription)
				if bit == bitHSCode {
					field = itemHSCode
				}
				d.keepItem(n, field, s)
			}
			return end, nil
		case bit == bitOrigin:
			if c := knownCountry(s); c != "" {
				it.OriginCountry = c
				return end, nil
			}
		}
		v, i = value{kind: '"', b: s, valid: true}, end
	} else {
		var err *syntaxError
		if v, i, err = d.readValue(b, i, 3); err != nil {
			return i, err
		}
	}
	d.itemField(it, n, bit, field, v)
	return i, nil
}

// isDigitAt reports whether b[i] is a digit: whether a plain number may
// start there.
func isDigitAt(b []byte, i int) bool { return i < len(b) && b[i]-'0' <= 9 }

// itemField decodes field of contents line n, whose bit in item's seen set
// is bit.
func (d *Decoder) itemField(it *Item, n int, bit uint8, field string, v value) {
	at := itemPath(n, field)
	switch bit {
	case bitDescription:
		if b, _ := d.stringBytes(v, at, MaxDescriptionBytes); len(b) > 0 {
			d.keepItem(n, itemDescription, b)
		}
	case bitQuantity:
		if f, ok := d.number(v, at, MaxQuantity); ok {
			if f != math.Trunc(f) {
				d.reject(CodeAbsurdValue, at, at.String()+" is "+formatNum(f)+": send a whole number of units")
			} else {
				it.Quantity = int(f)
			}
		}
	case bitNetWeight:
		it.NetWeightKg, _ = d.number(v, at, MaxWeightKg)
	case bitValue:
		var ok bool
		if it.Value, ok = d.number(v, at, MaxValue); ok {
			d.hasItemValue = true
		}
	case bitHSCode:
		if b, _ := d.stringBytes(v, at, MaxStringBytes); len(b) > 0 {
			d.keepItem(n, itemHSCode, b)
		}
	case bitOrigin:
		if v.kind == '"' {
			if c := knownCountry(v.b); c != "" {
				it.OriginCountry = c
				return
			}
		}
		known, off, _, _ := d.countryCode(v, at)
		if known != "" {
			it.OriginCountry = known
		} else if off < len(d.arena) {
			d.itemRefs = append(d.itemRefs, itemRef{n, itemOrigin, span{off, len(d.arena)}})
		}
	}
}

// checkRequired records the rejections that need the whole object: the
// required fields, and posted_at, parsed only now from its string.
func (d *Decoder) checkRequired(p *Parcel) {
	if p.ItemID == "" && d.bad&badItemID == 0 {
		d.reject(CodeMissingItemID, top("item_id"), "item_id is required: send the UPU S10 identifier or the carrier's tracking number")
	}
	if trimSpace(p.Operator) == "" && d.bad&badOperator == 0 {
		d.reject(CodeMissingOperator, top("operator"), "operator is required: send the code of the postal or express operator that accepted the item")
	}
	if p.OriginCountry == "" && d.bad&badOrigin == 0 {
		d.reject(CodeMissingOriginCountry, top("origin_country"), "origin_country is required: send the ISO 3166-1 alpha-2 code of the country the item was posted in")
	}
	if p.DestinationCountry == "" && d.bad&badDestination == 0 {
		d.reject(CodeMissingDestinationCountry, top("destination_country"), "destination_country is required: send the ISO 3166-1 alpha-2 code of the country the item is addressed to")
	}
	if len(p.Contents) == 0 && d.bad&badContents == 0 {
		d.reject(CodeNoContents, top("contents"), "contents is required: send one line per kind of goods, with description, quantity, net weight and value (CN 23 boxes 1 to 6)")
	}
	if s := d.postedAt; s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			d.reject(CodeInvalidTime, top("posted_at"), "posted_at is "+quote([]byte(s))+", not an RFC 3339 time: send it as 2026-11-20T10:15:00Z or with an offset such as +01:00")
		} else {
			p.PostedAt = t
		}
		d.postedAt = ""
	}
}

// checkQuality records the data-quality findings of an accepted manifest.
func (d *Decoder) checkQuality(p *Parcel) {
	if p.S10.Form && !p.S10.CheckOK {
		off := len(d.arena)
		d.arena = append(d.arena, "item_id "...)
		d.arena = append(d.arena, p.ItemID...)
		d.arena = append(d.arena, " has check digit "...)
		d.arena = strconv.AppendInt(d.arena, int64(p.S10.Check), 10)
		d.arena = append(d.arena, " but its serial number gives "...)
		d.arena = strconv.AppendInt(d.arena, int64(S10CheckDigit(p.S10.Serial)), 10)
		d.arena = append(d.arena, ": check the identifier as printed on the label"...)
		d.pend = append(d.pend, pendingFinding{code: CodeS10CheckDigit, path: "item_id", msgSp: span{off, len(d.arena)}})
	}
	if p.S10.Form && !p.S10.CountryKnown {
		d.note(CodeS10UnknownCountry, "item_id", "the last two letters of the S10 item_id are not an ISO 3166 country code: check the identifier as printed on the label")
	}
	if p.PostedAt.IsZero() {
		d.note(CodeMissingPostedAt, "posted_at", "posted_at is missing: send the RFC 3339 time the item was accepted")
	}
	if p.OperatorKind == "" {
		d.note(CodeMissingOperatorKind, "operator_kind", "operator_kind is missing: send post or express")
	}
	if p.MailClass == "" {
		d.note(CodeMissingMailClass, "mail_class", "mail_class is missing: send letter, small_packet, parcel, ems or express")
	}
	if p.Category == "" {
		d.note(CodeMissingCategory, "category", "category is missing: send the CN 23 box 10 category, e.g. gift or sale_of_goods")
	}
	d.checkParty(&p.Sender, &senderText)
	d.checkParty(&p.Recipient, &recipientText)
	switch {
	case p.Currency == "":
		d.note(CodeMissingCurrency, "currency", "currency is missing: send the ISO 4217 code of the declared values, e.g. EUR")
	case !IsCurrency(p.Currency):
		d.note(CodeUnknownCurrency, "currency", "currency is not an ISO 4217 code of a currency in circulation: send a code such as EUR or USD")
	}
	if p.GrossWeightKg == 0 {
		d.note(CodeMissingGrossWeight, "gross_weight_kg", "gross_weight_kg is missing: send the weight of the whole item in kilograms")
	}

	hsNeeded := p.Category == "sale_of_goods" || p.Category == "commercial_sample"
	var net, value float64
	for i := range p.Contents {
		it := &p.Contents[i]
		net += it.NetWeightKg
		value += it.Value
		if trimSpace(it.Description) == "" {
			d.noteItem(CodeMissingDescription, i, "description", "the description is missing: say what the goods are, e.g. \"cotton T-shirt\", as CN 23 box 1 asks")
		}
		switch digits, other := hsDigits(it.HSCode); {
		case other:
			d.noteItem(CodeHSCodeInvalid, i, "hs_code", "the HS code has characters other than digits, dots and spaces: send the tariff number, e.g. 6109.10")
		case digits == 0 && hsNeeded:
			d.noteItem(CodeMissingHSCode, i, "hs_code", "the HS code is missing: goods sold or sent as commercial samples need the 6-digit HS code")
		case digits > 0 && digits < 6:
			d.noteItem(CodeHSCodeShort, i, "hs_code", "the HS code has fewer than 6 digits: send at least the 6-digit HS subheading")
		}
		if it.OriginCountry != "" && !IsCountry(it.OriginCountry) {
			d.noteItem(CodeInvalidItemOrigin, i, "origin_country", "origin_country is not an ISO 3166-1 alpha-2 code: send two letters such as CN or DE")
		}
	}
	if p.GrossWeightKg > 0 && net > p.GrossWeightKg*1.05+0.01 {
		d.noteFigures(CodeWeightMismatch, "gross_weight_kg", "the contents weigh ", net, " kg net but gross_weight_kg is ", p.GrossWeightKg, ": the gross weight includes the packaging and cannot be less")
	}
	if d.hasDeclared && d.hasItemValue && math.Abs(value-p.DeclaredValue) > p.DeclaredValue*0.01+0.01 {
		d.noteFigures(CodeValueMismatch, "declared_value", "the contents values add up to ", value, " but declared_value is ", p.DeclaredValue, ": send the total of the contents lines")
	}
}

// noteItem records a quality finding about field of contents line i, with
// the path built in the arena.
func (d *Decoder) noteItem(code string, i int, field, msg string) {
	off := len(d.arena)
	d.arena = append(d.arena, "contents["...)
	d.arena = strconv.AppendInt(d.arena, int64(i), 10)
	d.arena = append(d.arena, "]."...)
	d.arena = append(d.arena, field...)
	d.pend = append(d.pend, pendingFinding{code: code, msg: msg, pathSp: span{off, len(d.arena)}})
}

// noteFigures records a quality finding whose message quotes two figures.
func (d *Decoder) noteFigures(code, at, s1 string, f1 float64, s2 string, f2 float64, s3 string) {
	off := len(d.arena)
	d.arena = append(d.arena, s1...)
	d.arena = strconv.AppendFloat(d.arena, round(f1), 'f', -1, 64)
	d.arena = append(d.arena, s2...)
	d.arena = strconv.AppendFloat(d.arena, f2, 'f', -1, 64)
	d.arena = append(d.arena, s3...)
	d.pend = append(d.pend, pendingFinding{code: code, path: at, msgSp: span{off, len(d.arena)}})
}

// round rounds a sum to 6 decimals, hiding float noise (0.30000000000000004)
// from operators.
func round(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// hsDigits counts the digits of an HS code, ignoring the dots and spaces
// tariffs are printed with; other reports any other character.
func hsDigits(s string) (digits int, other bool) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ' ':
		default:
			return digits, true
		}
	}
	return digits, false
}

// partyText holds the codes, paths and messages of the findings about one
// party, built once so that reporting them allocates nothing.
type partyText struct {
	name string // "sender" or "recipient", also the path of address findings
	base int    // the number of the party's first string field (see strRef)

	codeName, codeAddress, codeCountry, codeInvalidCountry, codePhone, codeEmail string

	pathName, pathCountry, pathPhone, pathEmail string

	msgName, msgCountry, msgInvalidCountry         string
	msgPhone, msgNotInternational, msgInvalidPhone string
	msgEmail, msgInvalidEmail                      string
	// msgAddress is indexed by a bit set of the missing parts:
	// 1 street, 2 city, 4 postcode.
	msgAddress [8]string
}

var (
	senderText = newPartyText("sender", sSender, CodeMissingSenderName, CodeMissingSenderAddress,
		CodeMissingSenderCountry, CodeInvalidSenderCountry, CodeMissingSenderPhone, CodeMissingSenderEmail)
	recipientText = newPartyText("recipient", sRecipient, CodeMissingRecipientName, CodeMissingRecipientAddress,
		CodeMissingRecipientCountry, CodeInvalidRecipientCountry, CodeMissingRecipientPhone, CodeMissingRecipientEmail)
)

func newPartyText(name string, base int, codeName, codeAddress, codeCountry, codeInvalidCountry, codePhone, codeEmail string) partyText {
	t := partyText{
		name:     name,
		base:     base,
		codeName: codeName, codeAddress: codeAddress, codeCountry: codeCountry,
		codeInvalidCountry: codeInvalidCountry, codePhone: codePhone, codeEmail: codeEmail,
		pathName: name + ".name", pathCountry: name + ".country",
		pathPhone: name + ".phone", pathEmail: name + ".email",
		msgName:             "the " + name + " has no name: send the person's name, or the business name for a company",
		msgCountry:          name + ".country is missing: send the ISO 3166-1 alpha-2 code of the " + name + "'s country",
		msgInvalidCountry:   name + ".country is not an ISO 3166-1 alpha-2 code: send two letters such as NL or DE",
		msgPhone:            name + ".phone is missing: send the " + name + "'s phone number in international form, e.g. +31 20 123 4567",
		msgEmail:            name + ".email is missing: send the " + name + "'s e-mail address",
		msgNotInternational: name + ".phone is not in international form: start it with + and the country calling code",
		msgInvalidPhone:     name + ".phone cannot be read as an international number: send + and 8 to 15 digits",
		msgInvalidEmail:     name + ".email is not a well-formed address: send one address like name@example.com",
	}
	parts := [3]string{"street", "city", "postcode"}
	for mask := 1; mask < 8; mask++ {
		list := ""
		for i, part := range parts {
			if mask&(1<<i) != 0 {
				if list != "" {
					list += ", "
				}
				list += part
			}
		}
		t.msgAddress[mask] = "the " + name + "'s address lacks " + list + ": send the full postal address as written on the label"
	}
	return t
}

// checkParty records the missing parts of a party.
func (d *Decoder) checkParty(pt *Party, t *partyText) {
	if trimSpace(pt.Name) == "" && trimSpace(pt.Business) == "" {
		d.note(t.codeName, t.pathName, t.msgName)
	}
	missing := 0
	if trimSpace(pt.Street) == "" {
		missing |= 1
	}
	if trimSpace(pt.City) == "" {
		missing |= 2
	}
	if trimSpace(pt.Postcode) == "" {
		missing |= 4
	}
	if missing != 0 {
		d.note(t.codeAddress, t.name, t.msgAddress[missing])
	}
	switch {
	case pt.Country == "":
		d.note(t.codeCountry, t.pathCountry, t.msgCountry)
	case !IsCountry(pt.Country):
		d.note(t.codeInvalidCountry, t.pathCountry, t.msgInvalidCountry)
	}
	if trimSpace(pt.Phone) == "" {
		d.note(t.codePhone, t.pathPhone, t.msgPhone)
	}
	if trimSpace(pt.Email) == "" {
		d.note(t.codeEmail, t.pathEmail, t.msgEmail)
	}
}

// derive builds the normalisation keys of a party in the arena, and records
// the findings about its phone and e-mail that only building them reveals.
// fallback is the country assumed for a national phone number when the
// party's own country is missing or unknown: the route country on its side.
func (d *Decoder) derive(pt *Party, fallback string, t *partyText) {
	off := len(d.arena)
	d.arena = d.fold.appendNameKey(d.arena, pt.Name)
	d.keepSpan(t.base+pNameKey, off)

	off = len(d.arena)
	d.arena = d.fold.appendAddressKey(d.arena, pt.Street, pt.Postcode, pt.Country)
	d.keepSpan(t.base+pAddressKey, off)

	if trimSpace(pt.Phone) != "" {
		country := pt.Country
		if !IsCountry(country) {
			country = fallback
		}
		pt.PhoneInternational = isInternationalPhone(pt.Phone)
		if !pt.PhoneInternational {
			d.note(CodePhoneNotInternational, t.pathPhone, t.msgNotInternational)
		}
		off = len(d.arena)
		var ok bool
		if d.arena, ok = appendPhoneE164(d.arena, pt.Phone, country); ok {
			d.keepSpan(t.base+pPhoneE164, off)
		} else {
			d.note(CodeInvalidPhone, t.pathPhone, t.msgInvalidPhone)
		}
	}

	if trimSpace(pt.Email) != "" {
		off = len(d.arena)
		var at int
		var ok bool
		if d.arena, at, ok = appendEmailKey(d.arena, pt.Email); ok {
			d.refs = append(d.refs,
				strRef{t.base + pEmailKey, span{off, len(d.arena)}},
				strRef{t.base + pEmailDomain, span{at + 1, len(d.arena)}})
		} else {
			d.note(CodeInvalidEmail, t.pathEmail, t.msgInvalidEmail)
		}
	}
}

// quote quotes b for a message, cut to a few dozen bytes: findings name the
// offending value, they do not echo the input.
func quote(b []byte) string {
	const limit = 40
	if len(b) <= limit {
		return strconv.Quote(string(b))
	}
	n := limit
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return strconv.Quote(string(b[:n])) + "…"
}

// formatNum formats a number for a message, in plain decimals unless it is
// huge.
func formatNum(f float64) string {
	if math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// trimBytes trims ASCII white space, like trimSpace.
func trimBytes(b []byte) []byte {
	for len(b) > 0 && b[0] <= ' ' && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] <= ' ' && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// upperASCII upper-cases an ASCII letter and leaves other bytes alone.
func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}

// equalFoldASCII reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}
