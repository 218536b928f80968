package synth

import (
	"math/rand/v2"
	"strconv"
)

// pattern is a named way drugs are shipped, planted in a share of parcels.
// Each combines several indicators of INDICATORS.md, each with its own
// probability, so that no single rule catches every planted parcel.
type pattern struct {
	name   string
	weight int
	build  func(*Generator, *parcel)
}

var patterns = []pattern{
	{"darknet_vendor_nl", 20, (*Generator).darknetVendor},
	{"synthetic_opioid_cn", 15, (*Generator).syntheticOpioid},
	{"cocaine_latam", 10, (*Generator).cocaineLatAm},
	{"nps_research_chem", 10, (*Generator).researchChem},
	{"mdma_export_au", 10, (*Generator).mdmaExport},
	{"placeholder_party", 7, (*Generator).placeholderParty},
	{"mismatch_sender", 7, (*Generator).mismatchSender},
	{"late_data", 7, (*Generator).lateData},
	{"watchlisted", 8, (*Generator).watchlisted},
	{"drop_address", 6, (*Generator).dropAddress},
}

// weighted is a weighted list of country codes.
type weighted []struct {
	code string
	w    int
}

// pickCountry draws a country from list other than avoid (nil avoids none).
func pickCountry(r *rand.Rand, list weighted, avoid *country) *country {
	t := 0
	for _, e := range list {
		t += e.w
	}
	for {
		n := r.IntN(t)
		for _, e := range list {
			if n -= e.w; n < 0 {
				if c := byCode[e.code]; c != avoid {
					return c
				}
				break
			}
		}
	}
}

var (
	// darknetDest are the European markets darknet vendors in the
	// Netherlands serve by post.
	darknetDest = weighted{
		{"DE", 30}, {"FR", 12}, {"GB", 10}, {"IT", 8}, {"ES", 8}, {"AT", 6}, {"SE", 5},
		{"DK", 4}, {"PL", 4}, {"IE", 4}, {"FI", 3}, {"CZ", 3}, {"PT", 3},
	}
	opioidDest = weighted{
		{"US", 20}, {"CA", 8}, {"AU", 8}, {"GB", 10}, {"DE", 12}, {"NL", 8}, {"FR", 8},
		{"BE", 5}, {"IT", 6}, {"ES", 6}, {"PL", 4}, {"SE", 3}, {"CZ", 2},
	}
	cocaineOrigins = weighted{{"CO", 35}, {"PE", 20}, {"EC", 15}, {"BO", 10}, {"BR", 20}}
	cocaineDest    = weighted{{"ES", 25}, {"NL", 15}, {"BE", 12}, {"IT", 10}, {"DE", 10}, {"FR", 10}, {"PT", 8}, {"GB", 10}}
	npsDest        = weighted{
		{"DE", 20}, {"FR", 10}, {"GB", 12}, {"IT", 6}, {"ES", 6}, {"SE", 6}, {"DK", 4}, {"FI", 4},
		{"AT", 4}, {"IE", 4}, {"PL", 4}, {"CZ", 3}, {"AU", 8}, {"NZ", 3},
	}
	mdmaOrigins = weighted{{"NL", 60}, {"BE", 20}, {"DE", 20}}
	mdmaDest    = weighted{{"AU", 50}, {"NZ", 20}, {"US", 30}}
	// concernOrigins are the origins of concern of INDICATORS.md D7.
	concernOrigins = weighted{
		{"NL", 20}, {"BE", 8}, {"DE", 8}, {"CN", 30}, {"HK", 8}, {"CO", 8}, {"PE", 5}, {"IN", 8}, {"PL", 5},
	}
	lateOrigins = weighted{{"CN", 30}, {"NL", 25}, {"BE", 10}, {"DE", 10}, {"CO", 10}, {"IN", 15}}
)

// Persona pools of the patterns. Vendors recur, so rules over senders
// (fan-out, repeat) have something to find.
const (
	nVendors     = 8
	nBuyers      = 400
	nChemVendors = 6
	nNPSShops    = 6
)

var (
	vendorOrigins  = [nVendors]string{"NL", "NL", "NL", "BE", "DE", "NL", "BE", "DE"}
	npsShopOrigins = [nNPSShops]string{"NL", "NL", "CN", "CN", "IN", "PL"}
	chemAliases    = []string{"Amy", "Coco", "Kevin", "Linda", "Sunny", "Alice", "Jack", "Lily", "Daisy", "Leo"}
	chemTrades     = []string{"Biotech", "Chemical", "Trading", "Pharmaceutical Technology", "New Material Technology"}
	npsTrades      = []string{"Research Chemicals", "Lab Supplies", "Chemicals", "Reagents"}
	chemMail       = []string{"gmail.com", "outlook.com", "protonmail.com", "163.com", "qq.com"}
	// chemHS are the chapter 29 and 30 codes chemical vendors declare.
	chemHS = []string{"293399", "293339", "292149", "294200", "300490", "293990", "292229"}
	// roundValues are what a vendor writes in the value box, in euro cents.
	roundValues = []int{500, 999, 1000, 1000, 1500, 2000, 2500, 3000, 5000}
)

// appendHandle appends a made-up mailbox such as quickparcel77@domain.
func appendHandle(dst []byte, r *rand.Rand, domain string) []byte {
	dst = append(dst, handleAdj[r.IntN(len(handleAdj))]...)
	dst = append(dst, handleNoun[r.IntN(len(handleNoun))]...)
	dst = strconv.AppendInt(dst, int64(r.IntN(100)), 10)
	dst = append(dst, '@')
	return append(dst, domain...)
}

func pickString(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// darknetVendor: a vendor in the Netherlands (or just across the border)
// posts orders bought on a darknet market as letters and small packets to
// buyers across Europe, many at parcel lockers. The vendor is one of a few
// personas with an alias, a phone in national form or none, a throw-away
// mailbox, and a roll of labels numbered in sequence.
func (g *Generator) darknetVendor(p *parcel) {
	r := g.rng
	v := r.IntN(nVendors)
	office := g.darknetSender(p, v)
	if r.IntN(100) < 35 {
		p.sender.phone = p.sender.phone[:0]
	}
	if r.IntN(100) < 15 {
		p.sender.email = p.sender.email[:0]
	}
	if r.IntN(2) == 0 {
		g.buyer(p, r.IntN(nBuyers))
	} else {
		p.dest = pickCountry(r, darknetDest, p.origin)
		g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
		if r.IntN(100) < 45 {
			g.locker(r, &p.recipient, p.dest)
		}
	}
	p.cur = currencyOf("EUR")
	switch u := r.IntN(100); {
	case u < 55:
		p.category = "gift"
	case u < 85:
		p.category = "documents"
	default:
		p.category = "commercial_sample"
	}
	w := vagueDarknet[r.IntN(len(vagueDarknet))]
	hs := w.hs
	if r.IntN(100) < 20 {
		hs = ""
	}
	p.add(w.desc, hs, p.origin.code, 1, between(r, 15, 350), g.vendorValue(p))
	if r.IntN(100) < 15 {
		c := coverGoods[r.IntN(len(coverGoods))]
		p.add(c.desc, c.hs, "CN", 1, between(r, 10, 50), p.eur(between(r, 100, 500)))
	}
	p.class = "small_packet"
	if r.IntN(100) < 40 {
		p.class = "letter"
	}
	// Padded envelopes: a few grams of packaging.
	net, _ := p.sums()
	p.grossG = net + between(r, 5, 40)
	// A vendor drops a batch at the counter: labels from one roll,
	// numbered in sequence.
	g.vendor[v]++
	if g.vendor[v] > 99_999_999 {
		g.vendor[v] = 10_000_000
	}
	p.office = p.op.offices[office]
	p.itemID = g.appendS10(p.itemID[:0], p.class, g.vendor[v], p.op.country)
	g.finish(p)
	p.posted = g.postedAt()
}

// vendorValue is a round or nil value in euro cents, converted.
func (g *Generator) vendorValue(p *parcel) int64 {
	r := g.rng
	if p.category == "documents" && r.IntN(2) == 0 {
		return 0
	}
	return p.eur(roundValues[r.IntN(len(roundValues))])
}

// darknetSender fills the sender with darknet vendor v and returns the
// office the vendor posts at.
func (g *Generator) darknetSender(p *parcel, v int) int {
	a := g.persona(kindVendor, uint64(v))
	c := byCode[vendorOrigins[v]]
	p.origin, p.op = c, c.post
	pt := &p.sender
	g.address(a, pt, c)
	if a.IntN(100) < 60 {
		pt.name = append(pt.name[:0], pickString(a, aliasNames)...)
	} else {
		pt.name, _, _ = appendName(pt.name[:0], a, c.loc)
	}
	pt.phone = appendPhone(pt.phone[:0], a, c, a.IntN(100) < 40)
	domain := pickString(a, disposableDomains)
	if a.IntN(2) == 0 {
		domain = pickString(a, anonDomains)
	}
	pt.email = appendHandle(pt.email[:0], a, domain)
	return a.IntN(len(c.post.offices))
}

// buyer makes darknet buyer idx the recipient: buyers order again and
// again, often to a parcel locker.
func (g *Generator) buyer(p *parcel, idx int) {
	a := g.persona(kindBuyer, uint64(idx))
	d := pickCountry(a, darknetDest, p.origin)
	p.dest = d
	g.person(a, &p.recipient, d, localeFor(a, d))
	if a.IntN(100) < 55 {
		g.locker(a, &p.recipient, d)
	}
	if a.IntN(100) < 20 {
		p.recipient.email = appendHandle(p.recipient.email[:0], a, pickString(a, disposableDomains))
	}
}

// syntheticOpioid: a Chinese "trading company" ships fentanyl analogues or
// nitazenes as medicine, intermediates or a harmless powder, light, by EMS
// or express, with a low value and often as a sample or documents.
func (g *Generator) syntheticOpioid(p *parcel) {
	r := g.rng
	g.chemVendor(p, r.IntN(nChemVendors))
	p.dest = pickCountry(r, opioidDest, p.origin)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	if r.IntN(100) < 20 {
		g.locker(r, &p.recipient, p.dest)
	}
	if r.IntN(100) < 10 {
		p.recipient.name = append(p.recipient.name[:0], pickString(r, aliasNames)...)
	}
	if r.IntN(100) < 30 {
		p.op = g.express(p.origin)
	} else {
		p.op = p.origin.post
		p.class = "small_packet"
		if r.IntN(2) == 0 {
			p.class = "ems"
		}
	}
	switch {
	case r.IntN(100) < 85:
		p.cur = currencyOf("USD")
	default:
		p.cur = currencyOf(p.origin.currency)
	}
	w := opioidWords[r.IntN(len(opioidWords))]
	hs := w.hs
	if hs[:2] != "29" && hs[:2] != "30" && r.IntN(100) < 70 {
		hs = pickString(r, chemHS)
	}
	p.add(w.desc, hs, p.origin.code, 1, between(r, 50, 700), p.eur(between(r, 400, 3500)))
	if r.IntN(100) < 20 {
		c := coverGoods[r.IntN(len(coverGoods))]
		p.add(c.desc, c.hs, p.origin.code, 1+r.IntN(3), between(r, 20, 80), p.eur(between(r, 100, 500)))
	}
	switch u := r.IntN(100); {
	case u < 40:
		p.category = "sale_of_goods"
		if r.IntN(2) == 0 {
			p.invoice = append(p.invoice[:0], "PI"...)
			p.invoice = appendDigits(p.invoice, r, "########")
		}
	case u < 70:
		p.category = "commercial_sample"
	case u < 85:
		p.category = "documents"
	default:
		p.category = "gift"
	}
	g.finish(p)
	p.posted = g.postedAt()
}

// chemVendor fills the sender with chemical vendor v: a generic trading
// company in China or Hong Kong with a contact who goes by one English
// name and a webmail address.
func (g *Generator) chemVendor(p *parcel, v int) {
	a := g.persona(kindChemVendor, uint64(v))
	c := byCode["CN"]
	if v == nChemVendors-1 {
		c = byCode["HK"]
	}
	p.origin = c
	pt := &p.sender
	g.address(a, pt, c)
	word := pickString(a, pinyinWords)
	b := append(pt.business[:0], pickString(a, cnProvinces)...)
	b = append(b, ' ')
	b = append(b, word...)
	b = append(b, ' ')
	b = append(b, pickString(a, chemTrades)...)
	pt.business = append(b, " Co., Ltd."...)
	if a.IntN(100) < 60 {
		pt.name = append(pt.name[:0], pickString(a, chemAliases)...)
	} else {
		pt.name, _, _ = appendName(pt.name[:0], a, c.loc)
	}
	pt.phone = appendPhone(pt.phone[:0], a, c, a.IntN(100) < 90)
	e := appendFolded(pt.email[:0], word, false)
	e = append(e, '.')
	e = appendFolded(e, pickString(a, chemAliases), false)
	e = strconv.AppendInt(e, int64(a.IntN(100)), 10)
	e = append(e, '@')
	pt.email = append(e, pickString(a, chemMail)...)
}

// cocaineLatAm: cocaine from the Andes and Brazil, by express or EMS, in
// handicrafts, coffee or books that weigh far more than their value or
// category explains.
func (g *Generator) cocaineLatAm(p *parcel) {
	r := g.rng
	c := pickCountry(r, cocaineOrigins, nil)
	p.origin = c
	p.dest = pickCountry(r, cocaineDest, c)
	g.person(r, &p.sender, c, c.loc)
	if r.IntN(100) < 15 {
		p.sender.name = append(p.sender.name[:0], pickString(r, aliasNames)...)
	}
	switch u := r.IntN(100); {
	case u < 35:
		p.sender.phone = appendPhone(p.sender.phone[:0], r, c, false)
	case u < 45:
		p.sender.phone = p.sender.phone[:0]
	}
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	if r.IntN(100) < 15 {
		g.locker(r, &p.recipient, p.dest)
	}
	if r.IntN(100) < 60 {
		switch u := r.IntN(100); {
		case u < 50:
			p.op = dhl
		case u < 75:
			p.op = fdx
		default:
			p.op = ups
		}
	} else {
		p.op = c.post
		p.class = "ems"
	}
	if r.IntN(100) < 70 {
		p.cur = currencyOf("USD")
	} else {
		p.cur = currencyOf(c.currency)
	}
	switch r.IntN(4) {
	case 0, 1:
		// Heavy for the value: a kilo or more of "coffee" worth a few dollars.
		total := between(r, 800, 3000)
		val := p.eur(between(r, 300, 1500))
		w := cocaineWords[r.IntN(len(cocaineWords))]
		if r.IntN(2) == 0 {
			first := total * between(r, 40, 70) / 100
			w2 := cocaineWords[r.IntN(len(cocaineWords))]
			p.add(w.desc, w.hs, c.code, 1, first, val/2)
			p.add(w2.desc, w2.hs, c.code, 1, total-first, val-val/2)
		} else {
			p.add(w.desc, w.hs, c.code, 1, total, val)
		}
		switch u := r.IntN(100); {
		case u < 60:
			p.category = "gift"
		case u < 85:
			p.category = "sale_of_goods"
		default:
			p.category = "commercial_sample"
		}
	case 2:
		// "Documents" that weigh like a book.
		if r.IntN(2) == 0 {
			p.add("documents", "491199", c.code, 1, between(r, 600, 2000), 0)
		} else {
			p.add("papers", "491199", c.code, 1, between(r, 600, 2000), 0)
		}
		p.category = "documents"
	default:
		w := cocaineWords[r.IntN(len(cocaineWords))]
		p.add(w.desc, w.hs, c.code, 1+r.IntN(2), between(r, 1500, 4000), p.eur(between(r, 500, 1000)))
		p.category = "gift"
	}
	g.finish(p)
	p.posted = g.postedAt()
}

// researchChem: new psychoactive substances sold openly as research
// chemicals, bath salts or plant food "not for human consumption", in
// gram quantities, from a webshop in the Netherlands, China, India or
// Poland.
func (g *Generator) researchChem(p *parcel) {
	r := g.rng
	inv := g.npsShop(p, r.IntN(nNPSShops))
	p.dest = pickCountry(r, npsDest, p.origin)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	if r.IntN(100) < 25 {
		g.locker(r, &p.recipient, p.dest)
	}
	if r.IntN(100) < 30 {
		p.op = g.express(p.origin)
	} else {
		p.op = p.origin.post
		p.class = "small_packet"
		if r.IntN(100) < 40 {
			p.class = "letter"
		}
	}
	switch p.origin.code {
	case "CN", "IN":
		p.cur = currencyOf("USD")
	default:
		g.setCurrency(p, p.origin)
	}
	for range 1 + r.IntN(3) {
		w := npsWords[r.IntN(len(npsWords))]
		p.add(w.desc, w.hs, p.origin.code, 1, between(r, 1, 50), p.eur(between(r, 1000, 6000)))
	}
	p.category = "sale_of_goods"
	if r.IntN(100) < 40 {
		p.category = "commercial_sample"
	}
	if r.IntN(100) < 70 {
		p.invoice = appendInvoice(p.invoice[:0], r, inv, g.year)
	}
	g.finish(p)
	p.posted = g.postedAt()
}

// npsShop fills the sender with research-chemical shop v and returns its
// invoice style.
func (g *Generator) npsShop(p *parcel, v int) int {
	a := g.persona(kindNPSShop, uint64(v))
	c := byCode[npsShopOrigins[v]]
	p.origin = c
	pt := &p.sender
	g.address(a, pt, c)
	brand := pickString(a, brandWords)
	b := append(pt.business[:0], brand...)
	b = append(b, ' ')
	b = append(b, pickString(a, npsTrades)...)
	b = append(b, ' ')
	pt.business = append(b, pickString(a, c.company)...)
	pt.name, _, _ = appendName(pt.name[:0], a, c.loc)
	pt.phone = appendPhone(pt.phone[:0], a, c, true)
	if a.IntN(2) == 0 {
		e := append(pt.email[:0], "info@"...)
		e = appendFolded(e, brand, false)
		e = append(e, "-chem"...)
		pt.email = append(e, tld(c.code)...)
	} else {
		pt.email = appendHandle(pt.email[:0], a, pickString(a, anonDomains))
	}
	return a.IntN(numInvoiceStyles)
}

// mdmaExport: ecstasy posted from the Low Countries to Australia, New
// Zealand and the US, where it sells for many times the European price:
// light gifts with vague descriptions and round values.
func (g *Generator) mdmaExport(p *parcel) {
	r := g.rng
	p.origin = pickCountry(r, mdmaOrigins, nil)
	p.dest = pickCountry(r, mdmaDest, p.origin)
	g.suspectSender(p, 40)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	if r.IntN(100) < 35 {
		g.locker(r, &p.recipient, p.dest)
	}
	if r.IntN(100) < 30 {
		p.op = g.express(p.origin)
	} else {
		p.op = p.origin.post
		p.class = "small_packet"
	}
	p.cur = currencyOf("EUR")
	switch u := r.IntN(100); {
	case u < 80:
		p.category = "gift"
	case u < 90:
		p.category = "commercial_sample"
	default:
		p.category = "documents"
	}
	total := between(r, 50, 600)
	if r.IntN(2) == 0 {
		w := vagueMDMA[r.IntN(len(vagueMDMA))]
		p.add(w.desc, w.hs, p.origin.code, 1, total, g.vendorValue(p))
	} else {
		w1, w2 := vagueMDMA[r.IntN(len(vagueMDMA))], vagueMDMA[r.IntN(len(vagueMDMA))]
		first := total * between(r, 30, 70) / 100
		p.add(w1.desc, w1.hs, p.origin.code, 1, first, g.vendorValue(p))
		p.add(w2.desc, w2.hs, p.origin.code, 1, total-first, g.vendorValue(p))
	}
	g.finish(p)
	p.posted = g.postedAt()
}

// suspectSender fills the sender with a resident of the origin who hides:
// an alias in aliasPct percent of parcels, a phone in national form or
// none, often a throw-away mailbox.
func (g *Generator) suspectSender(p *parcel, aliasPct int) {
	r := g.rng
	c := p.origin
	g.person(r, &p.sender, c, c.loc)
	if r.IntN(100) < aliasPct {
		p.sender.name = append(p.sender.name[:0], pickString(r, aliasNames)...)
	}
	switch u := r.IntN(100); {
	case u < 40:
		p.sender.phone = appendPhone(p.sender.phone[:0], r, c, false)
	case u < 60:
		p.sender.phone = p.sender.phone[:0]
	}
	if r.IntN(100) < 40 {
		p.sender.email = appendHandle(p.sender.email[:0], r, pickString(r, disposableDomains))
	}
}

// shadyContents adds what a drug shipment declares: a vague or chemical
// word with a round value, or ordinary light goods of the origin, which
// is what careful vendors write.
func (g *Generator) shadyContents(p *parcel, words []vague) {
	r := g.rng
	if o := originOf[p.origin.code]; o != nil && r.IntN(100) < 40 {
		src := o.goods[pickMix(r, o.goods)].g
		gd := &src.goods[r.IntN(len(src.goods))]
		p.add(gd.desc, gd.hs, p.origin.code, 1, between(r, gd.minG, min(gd.maxG, 500)), p.eur(between(r, gd.minV, gd.maxV)))
		return
	}
	w := words[r.IntN(len(words))]
	p.add(w.desc, w.hs, p.origin.code, 1, between(r, 20, 450), g.vendorValue(p))
}

// lightCategory is how light suspect parcels are declared.
func (g *Generator) lightCategory(p *parcel) {
	switch u := g.rng.IntN(100); {
	case u < 50:
		p.category = "gift"
	case u < 75:
		p.category = "sale_of_goods"
	case u < 90:
		p.category = "documents"
	default:
		p.category = "commercial_sample"
	}
}

// wordsFor returns the vocabulary vendors of an origin use.
func wordsFor(c *country) []vague {
	switch c.code {
	case "CN", "HK", "IN":
		return opioidWords
	case "CO", "PE", "BO", "EC", "BR":
		return cocaineWords
	}
	return vagueDarknet
}

// placeholderParty: the sender or recipient is "unknown", "private",
// "n/a" or "test", in the name or the address, from an origin of concern.
func (g *Generator) placeholderParty(p *parcel) {
	r := g.rng
	p.origin = pickCountry(r, concernOrigins, nil)
	p.dest = pickCountry(r, darknetDest, p.origin)
	g.person(r, &p.sender, p.origin, p.origin.loc)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	mask := 1 + r.IntN(15)
	if mask&1 != 0 {
		p.sender.name = append(p.sender.name[:0], pickString(r, placeholderNames)...)
	}
	if mask&2 != 0 {
		p.sender.street = append(p.sender.street[:0], pickString(r, placeholderStreets)...)
	}
	if mask&4 != 0 {
		p.recipient.name = append(p.recipient.name[:0], pickString(r, placeholderNames)...)
	}
	if mask&8 != 0 {
		p.recipient.street = append(p.recipient.street[:0], pickString(r, placeholderStreets)...)
	}
	switch u := r.IntN(100); {
	case u < 30:
		p.sender.phone = append(p.sender.phone[:0], pickString(r, placeholderPhones)...)
	case u < 50:
		p.sender.phone = p.sender.phone[:0]
	}
	if r.IntN(100) < 25 {
		p.sender.email = append(p.sender.email[:0], pickString(r, placeholderEmails)...)
	}
	g.finishLight(p)
}

// lightOperator sends a light suspect parcel by post, as a small packet
// or letter, or now and then by express.
func (g *Generator) lightOperator(p *parcel) {
	r := g.rng
	if r.IntN(100) < 20 {
		p.op = g.express(p.origin)
		return
	}
	p.op = p.origin.post
	p.class = "small_packet"
	if r.IntN(100) < 25 {
		p.class = "letter"
	}
}

// mismatchSender: the S10 id says one country, the origin another and the
// sender's address a third, as when a vendor crosses a nearby border to
// post and gives an address in yet another country.
func (g *Generator) mismatchSender(p *parcel) {
	r := g.rng
	trio := borderTrios[r.IntN(len(borderTrios))]
	perm := trioOrders[r.IntN(len(trioOrders))]
	x, y, z := byCode[trio[perm[0]]], byCode[trio[perm[1]]], byCode[trio[perm[2]]]
	p.op, p.origin = x.post, y
	p.dest = pickCountry(r, darknetDest, y)
	for p.dest == x || p.dest == z {
		p.dest = pickCountry(r, darknetDest, y)
	}
	g.person(r, &p.sender, z, z.loc)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	g.setCurrency(p, y)
	g.lightCategory(p)
	g.shadyContents(p, wordsFor(y))
	p.class = "small_packet"
	if r.IntN(100) < 25 {
		p.class = "letter"
	}
	g.finish(p)
	p.posted = g.postedAt()
}

// borderTrios are three countries close enough for a sender to live in one,
// post in another and have the item registered by the third's post.
var borderTrios = [][3]string{
	{"NL", "BE", "DE"}, {"NL", "BE", "DE"}, {"NL", "BE", "DE"},
	{"DE", "AT", "CH"}, {"FR", "BE", "NL"}, {"PL", "DE", "CZ"}, {"CN", "HK", "GB"},
}

var trioOrders = [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}

// lateData: the advance data arrives days after the item was posted and
// has been amended again and again, for a light item from an origin of
// concern.
func (g *Generator) lateData(p *parcel) {
	r := g.rng
	p.origin = pickCountry(r, lateOrigins, nil)
	p.dest = pickCountry(r, darknetDest, p.origin)
	g.suspectSender(p, 15)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	g.setCurrency(p, p.origin)
	g.lightCategory(p)
	g.shadyContents(p, wordsFor(p.origin))
	g.lightOperator(p)
	g.finish(p)
	p.posted = g.end - int64(between(r, 3*86400, 10*86400))
	p.amendment = 2 + r.IntN(4)
}

// watchlisted: a sender phone, a sender e-mail or a recipient address seen
// in earlier seizures (WatchlistPhones, WatchlistEmails,
// WatchlistAddresses) turns up again.
func (g *Generator) watchlisted(p *parcel) {
	r := g.rng
	mask := 1 + r.IntN(7)
	if mask&4 != 0 {
		a := watchAddrs[r.IntN(len(watchAddrs))]
		p.dest = byCode[a.country]
		g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
		p.recipient.street = append(p.recipient.street[:0], a.street...)
		p.recipient.city = append(p.recipient.city[:0], a.city...)
		p.recipient.postcode = append(p.recipient.postcode[:0], a.postcode...)
	}
	phone := -1
	if mask&1 != 0 {
		phone = r.IntN(len(watchPhones))
		for p.dest != nil && byCode[watchPhones[phone].country] == p.dest {
			phone = (phone + 1) % len(watchPhones)
		}
		p.origin = byCode[watchPhones[phone].country]
	} else {
		p.origin = pickCountry(r, concernOrigins, p.dest)
	}
	if p.dest == nil {
		p.dest = pickCountry(r, darknetDest, p.origin)
		g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	}
	g.suspectSender(p, 30)
	if phone >= 0 {
		p.sender.phone = append(p.sender.phone[:0], watchPhones[phone].phone...)
	}
	if mask&2 != 0 {
		p.sender.email = append(p.sender.email[:0], pickString(r, watchEmails)...)
	}
	g.finishLight(p)
}

// dropAddress: many differently named recipients at one address, spelt
// several ways, receiving light items from origins of concern.
func (g *Generator) dropAddress(p *parcel) {
	r := g.rng
	s := &dropSites[r.IntN(len(dropSites))]
	p.dest = byCode[s.country]
	p.origin = pickCountry(r, concernOrigins, p.dest)
	g.suspectSender(p, 20)
	g.person(r, &p.recipient, p.dest, localeFor(r, p.dest))
	p.recipient.street = append(p.recipient.street[:0], pickString(r, s.spellings)...)
	p.recipient.city = append(p.recipient.city[:0], s.city...)
	p.recipient.postcode = append(p.recipient.postcode[:0], s.postcode...)
	g.finishLight(p)
}

// finishLight completes a light suspect parcel: currency, a light category,
// shady contents worded for the origin, a light operator, totals and the
// posting time.
func (g *Generator) finishLight(p *parcel) {
	g.setCurrency(p, p.origin)
	g.lightCategory(p)
	g.shadyContents(p, wordsFor(p.origin))
	g.lightOperator(p)
	g.finish(p)
	p.posted = g.postedAt()
}
