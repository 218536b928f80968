package manifest_test

// This file keeps the decoder as it was before the single-pass scanner (the
// fastjson tree, checkJSON and Visit) as a reference: the differential tests
// decode every input with both and require identical results. It lives in
// the external test package, with manifest dot-imported, so that its
// unexported names can stay as they were without clashing with the
// package's own. Do not change it to follow the new decoder: it is the
// specification of the behaviour the new decoder must keep.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

	. "github.com/parcelguard/parcelguard/manifest"
	"github.com/valyala/fastjson"
)

// The allowed values of the enumerated fields, in their canonical spelling.
var (
	operatorKinds = []string{"post", "express"}
	mailClasses   = []string{"letter", "small_packet", "parcel", "ems", "express"}
	categories    = []string{"gift", "commercial_sample", "documents", "returned_goods", "sale_of_goods", "other"}
)

// refDecoder decodes and validates manifests. It keeps its parser and buffers
// from one manifest to the next, so a worker that decodes a stream with one
// refDecoder and one Parcel allocates almost nothing per manifest. A refDecoder is
// not safe for concurrent use: give each worker goroutine its own. The zero
// value is ready to use.
type refDecoder struct {
	// MaxBytes is the size limit of one manifest; 0 means DefaultMaxBytes.
	MaxBytes int

	parser fastjson.Parser
	// arena collects the bytes of the strings of one parcel so that they
	// become strings in a single allocation; refs says where each goes.
	arena []byte
	refs  []strRef
	// last is the string the latest materialise made of the arena.
	last string
	// pend holds quality findings until their paths and messages in the
	// arena become strings.
	pend    []pendingFinding
	rej     []Finding
	omitted int

	// Per-manifest state that is not part of Parcel.
	utf8OK       bool   // every string in the message is valid UTF-8
	seen         uint32 // top-level fields decoded, by number
	bad          uint32 // fields already rejected, so no "missing" finding follows
	postedAt     string
	hasDeclared  bool
	hasItemValue bool
}

// strRef says that arena bytes sp become the string *dst.
type strRef struct {
	dst *string
	sp  span
}

// pendingFinding is a quality finding whose path or message may still be in
// the arena: an empty path or message with a non-empty span comes from it.
type pendingFinding struct {
	code, path, msg string
	pathSp, msgSp   span
}

// Bits of refDecoder.bad.
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
func (d *refDecoder) Decode(data []byte, receivedAt time.Time, p *Parcel) error {
	d.reset(p)
	p.Raw = data
	p.ReceivedAt = receivedAt

	limit := d.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if len(data) > limit {
		d.reject(CodeTooLarge, path{}, fmt.Sprintf("the message is %d bytes long; the limit is %d: send one item per message and shorten long descriptions", len(data), limit))
		return d.rejection()
	}
	utf8OK, serr := checkJSON(data)
	if serr != nil {
		d.reject(CodeNotJSON, path{}, "the message is not valid JSON: "+serr.msg+" at byte "+strconv.Itoa(serr.off)+": send one JSON object per message")
		return d.rejection()
	}
	d.utf8OK = utf8OK
	v, err := d.parser.ParseBytes(data)
	if err != nil {
		// checkJSON accepts nothing fastjson rejects; should they ever
		// disagree, the operator still gets an answer, not a crash.
		d.reject(CodeNotJSON, path{}, "the message is not valid JSON: send one JSON object per message")
		return d.rejection()
	}
	o, err := v.Object()
	if err != nil {
		d.reject(CodeNotObject, path{}, "the message is a JSON "+typeName(v)+", not an object: send one manifest object per message")
		return d.rejection()
	}

	o.Visit(func(k []byte, v *fastjson.Value) { d.topField(p, k, v) })
	d.materialise()

	d.checkRequired(p)
	p.S10 = ParseS10(p.ItemID)
	if len(d.rej) > 0 {
		return d.rejection()
	}
	d.checkQuality(p)
	d.derive(&p.Sender, p.OriginCountry, &senderText)
	d.derive(&p.Recipient, p.DestinationCountry, &recipientText)
	d.materialise()
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

// reset clears the decoder's per-manifest state and *p, keeping the arrays
// behind p.Contents and p.Quality.
func (d *refDecoder) reset(p *Parcel) {
	clear(p.Contents)
	clear(p.Quality)
	*p = Parcel{Contents: p.Contents[:0], Quality: p.Quality[:0]}
	d.arena = d.arena[:0]
	d.rej = d.rej[:0]
	d.omitted = 0
	d.bad = 0
	d.seen = 0
	d.postedAt = ""
	d.hasDeclared = false
	d.hasItemValue = false
}

// materialise turns the arena into one string and assigns every recorded
// field its part of it.
func (d *refDecoder) materialise() {
	if len(d.refs) == 0 && len(d.pend) == 0 {
		d.arena = d.arena[:0]
		return
	}
	s := string(d.arena)
	for _, r := range d.refs {
		*r.dst = s[r.sp.off:r.sp.end]
	}
	// Keep s for the pending findings. The refs are not cleared: they
	// point into the parcel the caller reuses, and clearing costs write
	// barriers on every manifest.
	d.last = s
	d.refs = d.refs[:0]
	d.arena = d.arena[:0]
}

// str returns the part sp of the latest materialised arena.
func (d *refDecoder) str(sp span) string { return d.last[sp.off:sp.end] }

// keep records that b becomes *dst.
func (d *refDecoder) keep(dst *string, b []byte) {
	off := len(d.arena)
	d.arena = append(d.arena, b...)
	d.refs = append(d.refs, strRef{dst, span{off, len(d.arena)}})
}

// keepSpan records that the arena bytes from off to the end become *dst.
func (d *refDecoder) keepSpan(dst *string, off int) {
	if off < len(d.arena) {
		d.refs = append(d.refs, strRef{dst, span{off, len(d.arena)}})
	}
}

// reject records a rejection finding.
func (d *refDecoder) reject(code string, at path, msg string) {
	if len(d.rej) >= MaxRejectFindings {
		d.omitted++
		return
	}
	d.rej = append(d.rej, Finding{Code: code, Path: at.String(), Message: msg})
}

// rejection returns the recorded rejection findings as an error that owns
// them.
func (d *refDecoder) rejection() error {
	d.materialise()
	d.last = ""
	return &Rejection{Findings: append([]Finding(nil), d.rej...), Omitted: d.omitted}
}

// note records a quality finding with a fixed path and message.
func (d *refDecoder) note(code, at, msg string) {
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

// topField decodes one known top-level field; unknown fields are ignored.
// The first occurrence of a duplicated key wins, as with fastjson's Get.
func (d *refDecoder) topField(p *Parcel, k []byte, v *fastjson.Value) {
	var f uint
	switch string(k) {
	case "item_id":
		f = fItemID
	case "operator":
		f = fOperator
	case "operator_kind":
		f = fOperatorKind
	case "mail_class":
		f = fMailClass
	case "category":
		f = fCategory
	case "origin_country":
		f = fOriginCountry
	case "destination_country":
		f = fDestinationCountry
	case "posted_at":
		f = fPostedAt
	case "office_of_origin":
		f = fOfficeOfOrigin
	case "sender":
		f = fSender
	case "recipient":
		f = fRecipient
	case "contents":
		f = fContents
	case "gross_weight_kg":
		f = fGrossWeightKg
	case "declared_value":
		f = fDeclaredValue
	case "currency":
		f = fCurrency
	case "postage_paid":
		f = fPostagePaid
	case "invoice_number":
		f = fInvoiceNumber
	case "licence_number":
		f = fLicenceNumber
	case "certificate_number":
		f = fCertificateNumber
	case "amendment":
		f = fAmendment
	default:
		return
	}
	if d.seen&(1<<f) != 0 {
		return
	}
	d.seen |= 1 << f
	switch f {
	case fItemID:
		d.itemID(p, v)
	case fOperator:
		if _, ok := d.text(&p.Operator, v, top("operator"), MaxStringBytes); !ok {
			d.bad |= badOperator
		}
	case fOperatorKind:
		p.OperatorKind = d.enum(v, top("operator_kind"), operatorKinds)
	case fMailClass:
		p.MailClass = d.enum(v, top("mail_class"), mailClasses)
	case fCategory:
		p.Category = d.enum(v, top("category"), categories)
	case fOriginCountry:
		if !d.routeCountry(&p.OriginCountry, v, top("origin_country")) {
			d.bad |= badOrigin
		}
	case fDestinationCountry:
		if !d.routeCountry(&p.DestinationCountry, v, top("destination_country")) {
			d.bad |= badDestination
		}
	case fPostedAt:
		d.text(&d.postedAt, v, top("posted_at"), MaxStringBytes)
	case fOfficeOfOrigin:
		d.text(&p.OfficeOfOrigin, v, top("office_of_origin"), MaxStringBytes)
	case fSender:
		d.party(&p.Sender, v, "sender")
	case fRecipient:
		d.party(&p.Recipient, v, "recipient")
	case fContents:
		d.contents(p, v)
	case fGrossWeightKg:
		p.GrossWeightKg, _ = d.number(v, top("gross_weight_kg"), MaxWeightKg)
	case fDeclaredValue:
		p.DeclaredValue, d.hasDeclared = d.number(v, top("declared_value"), MaxValue)
	case fCurrency:
		d.currency(p, v)
	case fPostagePaid:
		p.PostagePaid, _ = d.number(v, top("postage_paid"), MaxValue)
	case fInvoiceNumber:
		d.text(&p.InvoiceNumber, v, top("invoice_number"), MaxStringBytes)
	case fLicenceNumber:
		d.text(&p.LicenceNumber, v, top("licence_number"), MaxStringBytes)
	case fCertificateNumber:
		d.text(&p.CertificateNumber, v, top("certificate_number"), MaxStringBytes)
	case fAmendment:
		if f, ok := d.number(v, top("amendment"), MaxAmendment); ok {
			if f != math.Trunc(f) {
				d.reject(CodeAbsurdValue, top("amendment"), "amendment is "+formatNum(f)+": send a whole number, 0 for the first submission")
			} else {
				p.Amendment = int(f)
			}
		}
	}
}

// typeName names the JSON type of v for messages.
func typeName(v *fastjson.Value) string {
	switch t := v.Type(); t {
	case fastjson.TypeTrue, fastjson.TypeFalse:
		return "boolean"
	default:
		return t.String()
	}
}

// wrongType records a WRONG_TYPE rejection: at should be want.
func (d *refDecoder) wrongType(at path, want string, v *fastjson.Value) {
	d.reject(CodeWrongType, at, at.String()+" must be "+want+", got "+typeName(v))
}

// stringBytes returns the text of a string field, nil for null, and false
// after recording a rejection. The bytes alias the parser's buffer.
func (d *refDecoder) stringBytes(v *fastjson.Value, at path, limit int) ([]byte, bool) {
	switch v.Type() {
	case fastjson.TypeString:
	case fastjson.TypeNull:
		return nil, true
	default:
		d.wrongType(at, "a string", v)
		return nil, false
	}
	b, _ := v.StringBytes()
	if len(b) > limit {
		d.reject(CodeFieldTooLong, at, fmt.Sprintf("%s is %d bytes long; the limit is %d: shorten it", at, len(b), limit))
		return nil, false
	}
	if !d.utf8OK && !utf8.Valid(b) {
		d.reject(CodeInvalidUTF8, at, at.String()+" is not valid UTF-8: encode text as UTF-8")
		return nil, false
	}
	return b, true
}

// text decodes an optional string field into *dst.
func (d *refDecoder) text(dst *string, v *fastjson.Value, at path, limit int) ([]byte, bool) {
	b, ok := d.stringBytes(v, at, limit)
	if len(b) > 0 {
		d.keep(dst, b)
	}
	return b, ok
}

// itemID decodes item_id, which identifies the parcel everywhere
// downstream (Kafka key, ClickHouse key), so it must be a clean token.
func (d *refDecoder) itemID(p *Parcel, v *fastjson.Value) {
	at := top("item_id")
	b, ok := d.text(&p.ItemID, v, at, MaxStringBytes)
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
func (d *refDecoder) enum(v *fastjson.Value, at path, allowed []string) string {
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

// countryCode decodes a country field: trimmed and upper-cased; known codes
// take the country table's string so they cost no arena space.
// valid is false for an unknown code; ok is false after a rejection.
func (d *refDecoder) countryCode(dst *string, v *fastjson.Value, at path) (valid, ok bool) {
	b, ok := d.stringBytes(v, at, MaxStringBytes)
	if !ok {
		return false, false
	}
	b = trimBytes(b)
	if len(b) == 0 {
		return true, true
	}
	if len(b) == 2 {
		if code := string([]byte{upperASCII(b[0]), upperASCII(b[1])}); IsCountry(code) {
			*dst = code
			return true, true
		}
	}
	// Keep an unknown value for the record: upper-cased when it looks like
	// a code, as written when it is something else ("Netherlands").
	off := len(d.arena)
	if len(b) == 2 {
		d.arena = append(d.arena, upperASCII(b[0]), upperASCII(b[1]))
	} else {
		d.arena = append(d.arena, b...)
	}
	d.keepSpan(dst, off)
	return false, true
}

// routeCountry decodes origin_country or destination_country, which must
// be ISO codes: the rules key on them. It reports false after a rejection.
func (d *refDecoder) routeCountry(dst *string, v *fastjson.Value, at path) bool {
	valid, ok := d.countryCode(dst, v, at)
	if ok && !valid {
		b, _ := v.StringBytes()
		d.reject(CodeInvalidCountry, at, fmt.Sprintf("%s is %s, not an ISO 3166-1 alpha-2 country code: send two letters such as NL or DE", at, quote(trimBytes(b))))
		return false
	}
	return ok
}

// currency decodes the currency code, trimmed and upper-cased.
func (d *refDecoder) currency(p *Parcel, v *fastjson.Value) {
	b, ok := d.stringBytes(v, top("currency"), MaxStringBytes)
	if !ok {
		return
	}
	b = trimBytes(b)
	off := len(d.arena)
	for _, c := range b {
		d.arena = append(d.arena, upperASCII(c))
	}
	d.keepSpan(&p.Currency, off)
}

// number decodes an optional non-negative number no larger than limit; ok
// is false when the field is absent or rejected.
func (d *refDecoder) number(v *fastjson.Value, at path, limit float64) (f float64, ok bool) {
	switch v.Type() {
	case fastjson.TypeNumber:
	case fastjson.TypeNull:
		return 0, false
	default:
		d.wrongType(at, "a number", v)
		return 0, false
	}
	f, err := v.Float64()
	switch {
	case err != nil || math.IsNaN(f):
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

// party decodes a sender or recipient object.
func (d *refDecoder) party(pt *Party, v *fastjson.Value, name string) {
	switch v.Type() {
	case fastjson.TypeObject:
	case fastjson.TypeNull:
		return
	default:
		d.wrongType(top(name), "an object", v)
		return
	}
	o, _ := v.Object()
	var seen uint16
	o.Visit(func(k []byte, v *fastjson.Value) {
		// field is spelt out rather than string(k) so that the path, which
		// a finding may keep, costs no allocation.
		var bit uint16
		var dst *string
		var field string
		switch string(k) {
		case "name":
			bit, dst, field = 1<<0, &pt.Name, "name"
		case "business":
			bit, dst, field = 1<<1, &pt.Business, "business"
		case "street":
			bit, dst, field = 1<<2, &pt.Street, "street"
		case "city":
			bit, dst, field = 1<<3, &pt.City, "city"
		case "postcode":
			bit, dst, field = 1<<4, &pt.Postcode, "postcode"
		case "country":
			bit, field = 1<<5, "country"
		case "phone":
			bit, dst, field = 1<<6, &pt.Phone, "phone"
		case "email":
			bit, dst, field = 1<<7, &pt.Email, "email"
		case "tax_id":
			bit, dst, field = 1<<8, &pt.TaxID, "tax_id"
		default:
			return
		}
		if seen&bit != 0 {
			return
		}
		seen |= bit
		if dst == nil {
			d.countryCode(&pt.Country, v, in(name, field))
			return
		}
		d.text(dst, v, in(name, field), MaxStringBytes)
	})
}

// contents decodes the contents array.
func (d *refDecoder) contents(p *Parcel, v *fastjson.Value) {
	switch v.Type() {
	case fastjson.TypeArray:
	case fastjson.TypeNull:
		return
	default:
		d.bad |= badContents
		d.wrongType(top("contents"), "an array", v)
		return
	}
	items, _ := v.Array()
	if len(items) > MaxContents {
		d.bad |= badContents
		d.reject(CodeTooManyContents, top("contents"), fmt.Sprintf("contents has %d lines; the limit is %d: merge lines of the same goods", len(items), MaxContents))
		return
	}
	// Size the slice once: the arena refs point into its elements.
	if cap(p.Contents) < len(items) {
		p.Contents = make([]Item, len(items))
	} else {
		p.Contents = p.Contents[:len(items)]
		clear(p.Contents)
	}
	for i, iv := range items {
		d.item(&p.Contents[i], i, iv)
	}
}

// item decodes one contents line.
func (d *refDecoder) item(it *Item, i int, v *fastjson.Value) {
	o, err := v.Object()
	if err != nil {
		d.wrongType(itemPath(i, ""), "an object", v)
		return
	}
	var seen uint8
	o.Visit(func(k []byte, v *fastjson.Value) {
		var bit uint8
		var field string
		switch string(k) {
		case "description":
			bit, field = 1<<0, "description"
		case "quantity":
			bit, field = 1<<1, "quantity"
		case "net_weight_kg":
			bit, field = 1<<2, "net_weight_kg"
		case "value":
			bit, field = 1<<3, "value"
		case "hs_code":
			bit, field = 1<<4, "hs_code"
		case "origin_country":
			bit, field = 1<<5, "origin_country"
		default:
			return
		}
		if seen&bit != 0 {
			return
		}
		seen |= bit
		at := itemPath(i, field)
		switch bit {
		case 1 << 0:
			d.text(&it.Description, v, at, MaxDescriptionBytes)
		case 1 << 1:
			if f, ok := d.number(v, at, MaxQuantity); ok {
				if f != math.Trunc(f) {
					d.reject(CodeAbsurdValue, at, at.String()+" is "+formatNum(f)+": send a whole number of units")
				} else {
					it.Quantity = int(f)
				}
			}
		case 1 << 2:
			it.NetWeightKg, _ = d.number(v, at, MaxWeightKg)
		case 1 << 3:
			var ok bool
			if it.Value, ok = d.number(v, at, MaxValue); ok {
				d.hasItemValue = true
			}
		case 1 << 4:
			d.text(&it.HSCode, v, at, MaxStringBytes)
		case 1 << 5:
			d.countryCode(&it.OriginCountry, v, at)
		}
	})
}

// checkRequired records the rejections that need the whole object: the
// required fields, and posted_at, parsed only now from its string.
func (d *refDecoder) checkRequired(p *Parcel) {
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
func (d *refDecoder) checkQuality(p *Parcel) {
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
func (d *refDecoder) noteItem(code string, i int, field, msg string) {
	off := len(d.arena)
	d.arena = append(d.arena, "contents["...)
	d.arena = strconv.AppendInt(d.arena, int64(i), 10)
	d.arena = append(d.arena, "]."...)
	d.arena = append(d.arena, field...)
	d.pend = append(d.pend, pendingFinding{code: code, msg: msg, pathSp: span{off, len(d.arena)}})
}

// noteFigures records a quality finding whose message quotes two figures.
func (d *refDecoder) noteFigures(code, at, s1 string, f1 float64, s2 string, f2 float64, s3 string) {
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
	senderText = newPartyText("sender", CodeMissingSenderName, CodeMissingSenderAddress,
		CodeMissingSenderCountry, CodeInvalidSenderCountry, CodeMissingSenderPhone, CodeMissingSenderEmail)
	recipientText = newPartyText("recipient", CodeMissingRecipientName, CodeMissingRecipientAddress,
		CodeMissingRecipientCountry, CodeInvalidRecipientCountry, CodeMissingRecipientPhone, CodeMissingRecipientEmail)
)

func newPartyText(name, codeName, codeAddress, codeCountry, codeInvalidCountry, codePhone, codeEmail string) partyText {
	t := partyText{
		name:     name,
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
func (d *refDecoder) checkParty(pt *Party, t *partyText) {
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
func (d *refDecoder) derive(pt *Party, fallback string, t *partyText) {
	off := len(d.arena)
	d.arena = append(d.arena, NameKey(pt.Name)...)
	d.keepSpan(&pt.NameKey, off)

	off = len(d.arena)
	d.arena = append(d.arena, AddressKey(pt.Street, pt.Postcode, pt.Country)...)
	d.keepSpan(&pt.AddressKey, off)

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
		if e164, ok := PhoneE164(pt.Phone, country); ok {
			d.arena = append(d.arena, e164...)
			d.keepSpan(&pt.PhoneE164, off)
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
				strRef{&pt.EmailKey, span{off, len(d.arena)}},
				strRef{&pt.EmailDomain, span{at + 1, len(d.arena)}})
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
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t' || b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
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

// span is a range of bytes of the arena.
type span struct{ off, end int }

// The normalisation keys come from the package's own functions: they are
// unchanged by the single-pass decoder, so comparing a copy of them would
// compare the code with itself. isInternationalPhone and appendEmailKey have
// no exported form and stay copied below.

// isInternationalPhone reports whether phone is written in international
// form, with a leading "+" or "00" as E.123 asks.
func isInternationalPhone(phone string) bool {
	phone = trimSpace(phone)
	return len(phone) > 0 && phone[0] == '+' || len(phone) > 1 && phone[0] == '0' && phone[1] == '0'
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
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) {
				return dst[:start], -1, false
			}
			dst = utf8.AppendRune(dst, unicode.ToLower(r))
			i += n
			continue
		}
		i++
		switch {
		case c <= ' ' || c == 0x7F || c == ',' || c == ';' || c == '<' || c == '>':
			return dst[:start], -1, false
		case c == '@':
			if at >= 0 {
				return dst[:start], -1, false
			}
			at = len(dst)
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
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

// trimSpace trims ASCII white space; decoded fields are mostly ASCII and
// strings.TrimSpace would look at every rune.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == '\n' || s[0] == '\r') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
