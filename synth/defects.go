package synth

// defect is a data-quality problem the decoder accepts but reports.
type defect int

const (
	defRecipientPhone defect = iota // recipient phone missing
	defSenderEmail                  // sender e-mail missing
	defCheckDigit                   // S10 check digit wrong
	defShortHS                      // HS code of four digits
	defCurrency                     // currency not ISO 4217
	defNetOverGross                 // net weights add up to more than the gross
	defValue                        // declared value differs from the item sum
	numDefects
)

// deficient plants one defect, now and then two, in p.
func (g *Generator) deficient(p *parcel) {
	r := g.rng
	want := 1
	if r.IntN(100) < 20 {
		want = 2
	}
	done := 0
	var planted [numDefects]bool
	// Not every defect applies to every parcel (an express number has no
	// S10 check digit): draw until enough have been planted. A defect
	// planted twice could undo itself (a check digit changed back).
	for tries := 0; done < want && tries < 16; tries++ {
		d := defect(r.IntN(int(numDefects)))
		if !planted[d] && g.plant(p, d) {
			planted[d] = true
			done++
		}
	}
	p.truth.Deficient = done > 0
}

// plant applies d to p and reports whether it changed anything.
func (g *Generator) plant(p *parcel, d defect) bool {
	r := g.rng
	switch d {
	case defRecipientPhone:
		if len(p.recipient.phone) == 0 {
			return false
		}
		p.recipient.phone = p.recipient.phone[:0]
	case defSenderEmail:
		// A watch-listed parcel's e-mail may be the very hit its pattern
		// is about: keep it.
		if len(p.sender.email) == 0 || p.truth.Pattern == "watchlisted" {
			return false
		}
		p.sender.email = p.sender.email[:0]
	case defCheckDigit:
		if p.op.country == "" || len(p.itemID) != 13 {
			return false
		}
		c := int(p.itemID[10] - '0')
		p.itemID[10] = byte('0' + (c+1+r.IntN(9))%10)
	case defShortHS:
		for i := range p.items[:p.n] {
			if it := &p.items[i]; len(it.hs) >= 6 {
				it.hs, it.hsExt = it.hs[:4], ""
				return true
			}
		}
		return false
	case defCurrency:
		if p.cur.code == unknownCurrency.code {
			return false
		}
		p.cur.code = unknownCurrency.code
	case defNetOverGross:
		net, _ := p.sums()
		if net < 10 {
			return false
		}
		p.grossG = net * between(r, 60, 95) / 100
	case defValue:
		_, val := p.sums()
		switch {
		case val == 0:
			p.declared = p.eur(between(r, 500, 5000))
		case r.IntN(2) == 0:
			p.declared = val + max(1, val*int64(between(r, 10, 60))/100)
		default:
			p.declared = max(1, val*int64(between(r, 20, 80))/100)
		}
		if p.declared == val {
			p.declared++
		}
	default:
		return false
	}
	return true
}

// brokenKind is a way a manifest is damaged so that the decoder must
// reject it.
type brokenKind uint8

const (
	notBroken      brokenKind = iota
	brokenTruncate            // not JSON: the object is cut off
	brokenArray               // JSON, but an array around the object
	brokenNoItemID            // item_id missing
	brokenQuantity            // "quantity": "two"
	brokenWeight              // "gross_weight_kg": -1
	brokenContents            // "contents": []
	brokenNoDest              // destination_country missing
	brokenPostedAt            // "posted_at": "yesterday"
	numBroken      = int(brokenPostedAt)
)
