// Package synth generates realistic synthetic parcel manifests (manifest v1
// JSON objects) for demos, tests and benchmarks.
//
// Most parcels are ordinary traffic weighted like inbound e-commerce to the
// EU: small light packets of legitimate goods from China, sales from the US,
// the UK and European shops, gifts between people, documents. Ordinary
// traffic carries the innocent look-alikes of the drug-shipping indicators
// (light gifts with round values, supplements from the US, licensed
// pharmacy orders from India, recipients at Packstations, phones in
// national form, regular shoppers), so that flag rates measured on it are
// honest.
//
// A share of parcels carries a named drug-shipping pattern. Each combines
// several indicators of INDICATORS.md, each present in only part of the
// pattern's parcels:
//
//   - darknet_vendor_nl: D1 D4 D6 D7 D8 D9 D12 D13 D15 D18
//   - synthetic_opioid_cn: D1 D5 D6 D7 D8 D9 D12 D13 D15
//   - cocaine_latam: D1 D4 D7 D8 D9 D12 D13
//   - nps_research_chem: D5 D6 D7 D9 D13 D15
//   - mdma_export_au: D1 D4 D6 D7 D8 D9 D12 D13
//   - placeholder_party: D2 D1/D5 D4 D6 D7 D12
//   - mismatch_sender: D10 D1/D5 D6 D7
//   - late_data: D17 D1/D5 D4 D6 D7 D12
//   - watchlisted: D16 D1/D5 D4 D6 D7 D12, and D14/D15 as listed
//     addresses and phones recur
//   - drop_address: D14 D1/D5 D4 D6 D7 D12
//
// Other shares have deficient data (the decoder's data-quality codes, and
// D11 for a wrong S10 check digit) or are broken so that the decoder must
// reject them. Every object says what it is in a "synthetic" field that
// the scorer ignores, so that flag rates, precision and recall can be
// measured against it.
//
// Output is deterministic for a seed: two generators built from the same
// Config write the same bytes.
package synth

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
)

// Config sets up a Generator. Shares are of all manifests written, broken
// ones included; a parcel may carry both a pattern and a defect.
type Config struct {
	// Seed selects the sequence; the same seed gives the same manifests.
	Seed uint64
	// PatternShare is the share of parcels carrying a drug-shipping
	// pattern. Zero means the default, 0.02; a negative value means none.
	PatternShare float64
	// DeficientShare is the share of parcels with deficient data: a missing
	// phone or e-mail, a bad S10 check digit, a short HS code, an unknown
	// currency, totals that disagree with the contents. Zero means the
	// default, 0.05; a negative value means none.
	DeficientShare float64
	// BrokenShare is the share of manifests the decoder must reject: not
	// JSON, not an object, missing or mistyped fields, no contents, a
	// negative weight. Zero or negative means none.
	BrokenShare float64
	// Start is the earliest posting time; zero means 2026-11-20T00:00:00Z.
	Start time.Time
	// Span is how far after Start posting times spread; zero or negative
	// means 24 hours. Start+Span is the stream's present: parcels of the
	// late_data pattern were posted 3 to 10 days before it, so a Span under
	// three days keeps them apart from all other parcels.
	Span time.Duration
}

// Truth is what a generated manifest really is, read back by ReadTruth.
type Truth struct {
	// Pattern names the drug-shipping pattern planted in the parcel, ""
	// for ordinary parcels. Patterns lists the names.
	Pattern string `json:"pattern"`
	// Deficient reports that a data-quality defect was planted: the decoder
	// should accept the parcel with at least one data-quality code. Parcels
	// with neither a pattern nor a defect have complete, consistent data.
	Deficient bool `json:"deficient"`
	// Broken reports that the decoder must reject the manifest. Broken
	// manifests carry no pattern and no defect.
	Broken bool `json:"broken"`
}

// Watch-list material, as raw strings written in manifests, so that a rule
// pack's lists can be built from them. Parcels of the "watchlisted" pattern
// carry at least one of them; no other parcel does. The generator keeps its
// own copies: changing these slices does not change what it writes.
var (
	// WatchlistPhones are sender phone numbers.
	WatchlistPhones = watchPhoneStrings()
	// WatchlistEmails are sender e-mail addresses.
	WatchlistEmails = append([]string(nil), watchEmails...)
	// WatchlistAddresses are recipient street lines. Each always appears
	// with the same city, postcode and country.
	WatchlistAddresses = watchAddressStrings()
)

func watchPhoneStrings() []string {
	s := make([]string, len(watchPhones))
	for i, w := range watchPhones {
		s[i] = w.phone
	}
	return s
}

func watchAddressStrings() []string {
	s := make([]string, len(watchAddrs))
	for i, w := range watchAddrs {
		s[i] = w.street
	}
	return s
}

// Patterns returns the names of the drug-shipping patterns the generator
// plants, in a fixed order.
func Patterns() []string {
	names := make([]string, len(patterns))
	for i, p := range patterns {
		names[i] = p.name
	}
	return names
}

var defaultStart = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// Generator writes one synthetic manifest per call to Next. It is not safe
// for concurrent use; give each goroutine its own Generator (with its own
// seed).
type Generator struct {
	seed uint64
	rng  *rand.Rand
	// aux is reseeded for every persona (shop, vendor, buyer, regular
	// customer) so that a persona has the same name, address, phone and
	// e-mail each time it appears, without a table of personas.
	aux    *rand.Rand
	auxSrc *rand.PCG

	start, end int64 // posting window, Unix seconds
	year       int   // of Start, for invoice and certificate numbers
	patternP   float64
	deficientP float64
	brokenP    float64

	// serial is the last S10 serial number each post office issued;
	// vendor is the last used of each darknet vendor's roll of labels.
	serial []int
	vendor [nVendors]int

	p parcel
}

// New returns a Generator for cfg.
func New(cfg Config) *Generator {
	g := &Generator{seed: cfg.Seed}
	g.rng = rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	g.auxSrc = rand.NewPCG(0, 0)
	g.aux = rand.New(g.auxSrc)

	start := cfg.Start
	if start.IsZero() {
		start = defaultStart
	}
	span := cfg.Span
	if span <= 0 {
		span = 24 * time.Hour
	}
	g.start = start.Unix()
	g.year = start.UTC().Year()
	g.end = start.Add(span).Unix()

	g.brokenP = share(cfg.BrokenShare, 0)
	// Shares are of the whole stream; broken manifests carry neither a
	// pattern nor a defect, so the others are drawn among the rest.
	if rest := 1 - g.brokenP; rest > 0 {
		g.patternP = min(1, share(cfg.PatternShare, 0.02)/rest)
		g.deficientP = min(1, share(cfg.DeficientShare, 0.05)/rest)
	}

	g.serial = make([]int, numOffices)
	for i := range g.serial {
		g.serial[i] = 10_000_000 + g.rng.IntN(80_000_000)
	}
	for i := range g.vendor {
		g.vendor[i] = 10_000_000 + g.rng.IntN(80_000_000)
	}
	return g
}

func share(v, def float64) float64 {
	switch {
	case v == 0:
		return def
	case v < 0:
		return 0
	case v > 1:
		return 1
	}
	return v
}

// Next appends one manifest JSON object, without a trailing newline, to dst
// and returns the extended slice.
func (g *Generator) Next(dst []byte) []byte {
	p := &g.p
	p.reset()
	r := g.rng
	if g.brokenP > 0 && r.Float64() < g.brokenP {
		g.ordinary(p)
		p.truth.Broken = true
		p.broken = brokenKind(1 + r.IntN(numBroken))
		return g.write(dst, p)
	}
	if r.Float64() < g.patternP {
		pt := &patterns[pick(r, patternCum)]
		p.truth.Pattern = pt.name
		pt.build(g, p)
	} else {
		g.ordinary(p)
	}
	if r.Float64() < g.deficientP {
		g.deficient(p)
	}
	return g.write(dst, p)
}

// ReadTruth extracts the "synthetic" field of a generated manifest. It also
// reads broken ones: the field comes first, before any damage. It returns
// the zero Truth when raw carries no readable synthetic field.
func ReadTruth(raw []byte) Truth {
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return Truth{}
	}
	if tok == json.Delim('[') {
		if tok, err = dec.Token(); err != nil {
			return Truth{}
		}
	}
	if tok != json.Delim('{') {
		return Truth{}
	}
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return Truth{}
		}
		if key == "synthetic" {
			var t Truth
			if dec.Decode(&t) != nil {
				return Truth{}
			}
			return t
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return Truth{}
		}
	}
	return Truth{}
}

// maxItems bounds the contents of one parcel.
const maxItems = 4

// party is a sender or recipient under construction. The byte slices are
// reused from parcel to parcel so that generation does not allocate.
type party struct {
	name, business, street, city, postcode, phone, email, taxID []byte
	country                                                     string
}

func (pt *party) reset() {
	pt.name = pt.name[:0]
	pt.business = pt.business[:0]
	pt.street = pt.street[:0]
	pt.city = pt.city[:0]
	pt.postcode = pt.postcode[:0]
	pt.phone = pt.phone[:0]
	pt.email = pt.email[:0]
	pt.taxID = pt.taxID[:0]
	pt.country = ""
}

// item is one line of the contents; value is in minor units of the
// parcel's currency.
type item struct {
	desc, hs, origin string
	// hsExt extends the six-digit HS code to a national tariff line: the
	// EU's eight-digit CN or the US ten-digit HTS, as shops' systems do.
	hsExt string
	qty   int
	netG  int
	value int64
}

// parcel is the manifest under construction. Weights are in grams and
// amounts in minor currency units so that totals add up exactly.
type parcel struct {
	truth  Truth
	broken brokenKind

	op       *operator
	office   string
	itemID   []byte
	class    string
	category string
	origin   *country
	dest     *country
	posted   int64 // Unix seconds

	sender, recipient party

	items [maxItems]item
	n     int

	grossG    int
	declared  int64
	cur       currency
	postage   int64
	invoice   []byte
	licence   []byte
	cert      []byte
	amendment int
}

func (p *parcel) reset() {
	p.truth = Truth{}
	p.broken = 0
	p.op = nil
	p.office = ""
	p.itemID = p.itemID[:0]
	p.class = ""
	p.category = ""
	p.origin, p.dest = nil, nil
	p.posted = 0
	p.sender.reset()
	p.recipient.reset()
	p.n = 0
	p.grossG = 0
	p.declared = 0
	p.cur = currency{}
	p.postage = 0
	p.invoice = p.invoice[:0]
	p.licence = p.licence[:0]
	p.cert = p.cert[:0]
	p.amendment = 0
}

func (p *parcel) add(desc, hs, origin string, qty, netG int, value int64) {
	if p.n == maxItems {
		return
	}
	p.items[p.n] = item{desc: desc, hs: hs, origin: origin, qty: qty, netG: netG, value: value}
	p.n++
}

func (p *parcel) sums() (netG int, value int64) {
	for _, it := range p.items[:p.n] {
		netG += it.netG
		value += it.value
	}
	return netG, value
}

// eur converts euro cents to minor units of the parcel's currency.
func (p *parcel) eur(cents int) int64 {
	v := float64(cents) * p.cur.rate
	for range p.cur.dec {
		v *= 10
	}
	return int64(v/100 + 0.5)
}

// toEURCents converts an amount in the parcel's currency back to euro cents.
func (p *parcel) toEURCents(v int64) int64 {
	f := float64(v) / p.cur.rate
	for range 2 - p.cur.dec {
		f *= 10
	}
	return int64(f + 0.5)
}

// setCurrency picks what the sender declares in: the origin's currency, or
// the second currency some origins quote in.
func (g *Generator) setCurrency(p *parcel, c *country) {
	code := c.currency
	if c.alt != "" && g.rng.IntN(100) < c.altPct {
		code = c.alt
	}
	p.cur = currencyOf(code)
}

// ordinary fills p with an ordinary parcel: a sale, a gift or documents.
func (g *Generator) ordinary(p *parcel) {
	r := g.rng
	oi := pick(r, originCum)
	o := &origins[oi]
	p.origin = byCode[o.code]
	p.dest = g.destination(p.origin)
	g.setCurrency(p, p.origin)
	if r.IntN(100) < o.express {
		p.op = g.express(p.origin)
	} else {
		p.op = p.origin.post
	}
	switch u := r.IntN(100); {
	case u < o.docs:
		g.documents(p)
	case u < o.docs+o.gift:
		g.gift(p, o)
	default:
		g.sale(p, oi)
	}
	g.finish(p)
	p.posted = g.postedAt()
	// Operators correct data now and then; a single amendment is routine.
	if r.IntN(100) == 0 {
		p.amendment = 1
	}
}

// destination draws a destination other than the origin.
func (g *Generator) destination(o *country) *country {
	for {
		d := destCountries[pick(g.rng, destCum)]
		if d != o {
			return d
		}
	}
}

// express picks the carrier an express item from c travels with.
func (g *Generator) express(c *country) *operator {
	u := g.rng.IntN(100)
	if c.code == "CN" || c.code == "HK" {
		if u < 30 {
			return sfx
		}
		u = g.rng.IntN(100)
	}
	switch {
	case u < 45:
		return dhl
	case u < 70:
		return fdx
	}
	return ups
}

func (g *Generator) postedAt() int64 {
	return g.start + g.rng.Int64N(g.end-g.start+1)
}

// sale is business-to-consumer: a shop of the origin sells goods of its line
// to a consumer abroad.
func (g *Generator) sale(p *parcel, oi int) {
	r := g.rng
	o := &origins[oi]
	gi := pickMix(r, o.goods)
	grp := o.goods[gi].g
	// A few shops sell most: the shop number is drawn from a steep
	// distribution, as marketplace sales are.
	shopNo := int(r.ExpFloat64()*40) % 600
	inv := g.shop(p, p.origin, grp, uint64(oi)<<32|uint64(gi)<<16|uint64(shopNo))

	if r.IntN(100) < 10 {
		g.customer(p, r.IntN(nCustomers))
	} else {
		g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
		if r.IntN(100) < 3 {
			g.locker(r, &p.recipient, p.dest)
		}
	}

	n := 1
	switch u := r.IntN(100); {
	case u < 10:
		n = 3 + r.IntN(2)
	case u < 30:
		n = 2
	}
	for range n {
		src := grp
		// Shops stray outside their line now and then, but only a
		// pharmacy (whose licence shop() quotes) sells medicines.
		if other := o.goods[pickMix(r, o.goods)].g; other != grpPharmacy && r.IntN(100) < 8 {
			src = other
		}
		gd := &src.goods[r.IntN(len(src.goods))]
		g.addGood(p, src, gd, true)
		if gd.phytosanitar && len(p.cert) == 0 {
			p.cert = appendCertificate(p.cert, g.rng, p.origin.code, g.year)
		}
	}

	switch u := r.IntN(100); {
	case u < 2:
		p.category = "commercial_sample"
	case u < 3:
		p.category = "returned_goods"
	case u < 4:
		p.category = "other"
	default:
		p.category = "sale_of_goods"
	}
	if r.IntN(100) < 97 {
		p.invoice = appendInvoice(p.invoice, r, inv, g.year)
	}
	// The seller's IOSS number goes with low-value sales into the EU from
	// outside it; otherwise an EU seller may quote its VAT number.
	_, val := p.sums()
	switch {
	case p.dest.eu && !p.origin.eu && p.toEURCents(val) <= 15000 && r.IntN(100) < 80:
	case p.origin.eu && r.IntN(100) < 40:
	default:
		p.sender.taxID = p.sender.taxID[:0]
	}
}

// gift is person to person: light, described, often with a round value.
func (g *Generator) gift(p *parcel, o *origin) {
	r := g.rng
	loc := localeFor(r, p.origin)
	g.person(r, &p.sender, p.origin, loc)
	// Emigrants send home and families abroad receive: the recipient
	// often shares the sender's language.
	if r.IntN(100) >= 40 {
		loc = localeFor(r, p.dest)
	}
	g.person(r, &p.recipient, p.dest, loc)
	if r.IntN(100) < 3 {
		g.locker(r, &p.recipient, p.dest)
	}
	n := 1 + r.IntN(1+r.IntN(3))
	for range n {
		src := o.goods[pickMix(r, o.goods)].g
		if (p.origin.code == "NL" || p.origin.code == "BE") && r.IntN(2) == 0 {
			src = grpGiftNL
		}
		gd := &src.goods[r.IntN(len(src.goods))]
		g.addGood(p, src, gd, false)
		if gd.phytosanitar && len(p.cert) == 0 {
			p.cert = appendCertificate(p.cert, g.rng, p.origin.code, g.year)
		}
	}
	p.category = "gift"
	if r.IntN(100) < 5 {
		p.category = "other"
	}
}

// documents is paper between people and firms.
func (g *Generator) documents(p *parcel) {
	r := g.rng
	if r.IntN(100) < 40 {
		g.shop(p, p.origin, grpDocuments, firmKey|uint64(r.IntN(200)))
		p.sender.taxID = p.sender.taxID[:0]
	} else {
		g.person(r, &p.sender, p.origin, localeFor(r, p.origin))
	}
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	gd := &grpDocuments.goods[r.IntN(len(grpDocuments.goods))]
	p.add(gd.desc, gd.hs, p.origin.code, 1, between(r, gd.minG, gd.maxG), 0)
	p.category = "documents"
}

// addGood adds one line of gd. Shops price like shops (12.99); people
// declare what they think the gift is worth, often a round figure.
func (g *Generator) addGood(p *parcel, grp *group, gd *good, shop bool) {
	r := g.rng
	qty := 1 + r.IntN(1+r.IntN(gd.maxQty))
	unit := p.eur(between(r, gd.minV, gd.maxV))
	switch {
	case shop && p.cur.dec == 2 && unit >= 100 && r.IntN(100) < 50:
		unit = unit/100*100 + 99
	case !shop && r.IntN(100) < 35:
		unit = roundTo(unit, p.cur.dec)
	}
	made := p.origin.code
	if len(grp.made) > 0 && p.origin.code != grp.made[0] && r.IntN(100) < 50 {
		made = grp.made[r.IntN(len(grp.made))]
	}
	p.add(gd.desc, gd.hs, made, qty, qty*between(r, gd.minG, gd.maxG), int64(qty)*unit)
	if shop && p.n > 0 {
		switch {
		case p.origin.code == "US" && r.IntN(100) < 40:
			p.items[p.n-1].hsExt = pickString(r, htsSuffixes)
		case p.origin.eu && r.IntN(100) < 30:
			p.items[p.n-1].hsExt = pickString(r, cnSuffixes)
		}
	}
}

// Tariff-line suffixes: the last digits of EU CN and US HTS codes.
var (
	cnSuffixes  = []string{"00", "10", "90", "80"}
	htsSuffixes = []string{"0000", "0010", "0020", "0040", "9000"}
)

// roundTo rounds a price up to a round figure in its currency: whole units
// of five, or hundreds where the minor unit is tiny.
func roundTo(v int64, dec int) int64 {
	step := int64(500)
	if dec == 0 {
		step = 1000
	}
	return (v/step + 1) * step
}

func between(r *rand.Rand, lo, hi int) int {
	if hi <= lo {
		return lo
	}
	return lo + r.IntN(hi-lo+1)
}

// finish completes what follows from the contents: gross weight, mail
// class, item id, totals and postage. Fields a pattern has set are kept.
func (g *Generator) finish(p *parcel) {
	net, val := p.sums()
	if p.grossG == 0 {
		p.grossG = net + g.packaging(p, net)
	}
	switch {
	case p.class == "":
		p.class = g.class(p)
	case p.class == "letter" && p.grossG > 500:
		// A pattern asked for a letter but the contents came out too
		// heavy for one.
		p.class = "small_packet"
	}
	if p.class == "small_packet" && p.grossG > 2000 {
		p.class = "parcel"
	}
	if len(p.itemID) == 0 {
		g.assignID(p, -1)
	}
	p.declared = val
	p.postage = p.eur(postage(p))
	if p.origin.code == "CN" && p.class == "small_packet" {
		// Chinese small packets travel on subsidised terminal dues.
		p.postage = p.postage * 6 / 10
	}
}

func (g *Generator) packaging(p *parcel, net int) int {
	r := g.rng
	switch {
	case p.category == "documents" || p.class == "letter":
		return between(r, 5, 20)
	case p.op.country == "":
		return between(r, 80, 300)
	case net < 300:
		return between(r, 15, 60)
	case net < 2000:
		return between(r, 40, 200)
	}
	return between(r, 150, 600)
}

// class picks the mail class the item's weight allows.
func (g *Generator) class(p *parcel) string {
	if p.op.country == "" {
		return "express"
	}
	if p.category == "documents" && p.grossG <= 500 {
		return "letter"
	}
	u := g.rng.IntN(100)
	if p.grossG <= 2000 {
		switch {
		case u < 85:
			return "small_packet"
		case u < 93:
			return "parcel"
		}
		return "ems"
	}
	if u < 85 {
		return "parcel"
	}
	return "ems"
}

// postage returns a plausible postage in euro cents.
func postage(p *parcel) int {
	w := p.grossG
	switch p.class {
	case "letter":
		return 150 + w
	case "small_packet":
		return 300 + w*8/10
	case "parcel":
		return 1200 + w*4/10
	case "ems":
		return 2200 + w*12/10
	}
	return 3500 + w*15/10
}

// service returns the S10 service indicators used for a mail class:
// registered letters, tracked small packets, parcels, EMS.
func service(class string) (common, other string) {
	switch class {
	case "letter":
		return "RR", "RA"
	case "small_packet":
		return "LX", "LY"
	case "parcel":
		return "CP", "CA"
	}
	return "EE", "EA"
}

// assignID gives the item its identifier: an S10 id with the next serial of
// a post office (office < 0 draws the office), or an express carrier's
// tracking number.
func (g *Generator) assignID(p *parcel, office int) {
	r := g.rng
	if p.op.country == "" {
		p.itemID = appendTracking(p.itemID[:0], r, p.op)
		// Express items leave from the carrier's station in the sender's
		// region, named in capitals as carriers print it.
		p.office = p.origin.stations[r.IntN(len(p.origin.stations))]
		return
	}
	if office < 0 {
		office = r.IntN(len(p.op.offices))
	}
	p.office = p.op.offices[office]
	i := p.op.office + office
	g.serial[i] += 1 + r.IntN(3)
	if g.serial[i] > 99_999_999 {
		g.serial[i] = 10_000_000
	}
	p.itemID = g.appendS10(p.itemID[:0], p.class, g.serial[i], p.op.country)
}

func (g *Generator) appendS10(dst []byte, class string, serial int, country string) []byte {
	s, other := service(class)
	if g.rng.IntN(100) < 30 {
		s = other
	}
	return append(dst, manifest.FormatS10(s, serial, country)...)
}
