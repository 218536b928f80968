package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lookup tables derived from data.go once.
var (
	byCode        = map[string]*country{}
	originOf      = map[string]*origin{}
	allLocales    []*locale
	originCum     []int
	destCountries []*country
	destCum       []int
	patternCum    []int
	numOffices    int
)

func init() {
	seen := map[*locale]bool{}
	for _, c := range countries {
		byCode[c.code] = c
		if !seen[c.loc] {
			seen[c.loc] = true
			allLocales = append(allLocales, c.loc)
		}
		for _, ci := range c.cities {
			up := strings.ToUpper(ci.name)
			if c.code == "TR" {
				// İzmir is İZMİR, not İZMIR: Turkish keeps the dot.
				up = strings.ToUpperSpecial(unicode.TurkishCase, ci.name)
			}
			c.stations = append(c.stations, up)
		}
	}
	for _, op := range posts {
		c := byCode[op.country]
		if c == nil {
			panic("synth: post " + op.code + " of unknown country " + op.country)
		}
		c.post = op
		op.office = numOffices
		numOffices += len(op.offices)
	}
	for _, c := range countries {
		if c.post == nil {
			panic("synth: no post for " + c.code)
		}
	}
	for i, o := range origins {
		originOf[o.code] = &origins[i]
		if byCode[o.code] == nil {
			panic("synth: unknown origin " + o.code)
		}
		originCum = cumulate(originCum, o.w)
	}
	for _, d := range destinations {
		destCountries = append(destCountries, byCode[d.code])
		destCum = cumulate(destCum, d.w)
	}
	for _, p := range patterns {
		patternCum = cumulate(patternCum, p.weight)
	}
}

func cumulate(cum []int, w int) []int {
	t := w
	if len(cum) > 0 {
		t += cum[len(cum)-1]
	}
	return append(cum, t)
}

// pick draws an index with the weights whose running totals are cum.
func pick(r *rand.Rand, cum []int) int {
	n := r.IntN(cum[len(cum)-1])
	lo, hi := 0, len(cum)-1
	for lo < hi {
		m := (lo + hi) / 2
		if cum[m] > n {
			hi = m
		} else {
			lo = m + 1
		}
	}
	return lo
}

func pickMix(r *rand.Rand, m mix) int {
	t := 0
	for _, e := range m {
		t += e.w
	}
	n := r.IntN(t)
	for i, e := range m {
		if n -= e.w; n < 0 {
			return i
		}
	}
	return len(m) - 1
}

func currencyOf(code string) currency {
	for _, c := range currencies {
		if c.code == code {
			return c
		}
	}
	panic("synth: no rate for currency " + code)
}

// localeFor picks whose names a resident of c has: mostly c's own, some
// from anywhere, as in any country with immigrants.
func localeFor(r *rand.Rand, c *country) *locale {
	if r.IntN(100) < 8 {
		return allLocales[r.IntN(len(allLocales))]
	}
	return c.loc
}

// Persona kinds salt the aux seed so that shop 5 and vendor 5 differ.
const (
	kindShop uint64 = iota + 1
	kindCustomer
	kindVendor
	kindBuyer
	kindChemVendor
	kindNPSShop
)

// persona reseeds aux for persona idx of a kind and returns it.
func (g *Generator) persona(kind, idx uint64) *rand.Rand {
	g.auxSrc.Seed(g.seed^kind*0x9e3779b97f4a7c15, idx)
	return g.aux
}

// person fills pt with a resident of c with a name from loc. Most people
// write their phone in international form as E.123 asks; one in ten writes
// it as dialled at home.
func (g *Generator) person(r *rand.Rand, pt *party, c *country, loc *locale) {
	var first, last string
	pt.name, first, last = appendName(pt.name[:0], r, loc)
	g.address(r, pt, c)
	pt.phone = appendPhone(pt.phone[:0], r, c, r.IntN(100) >= 10)
	pt.email = appendEmail(pt.email[:0], r, first, last, c.mail[r.IntN(len(c.mail))], loc == locDE)
}

func (g *Generator) address(r *rand.Rand, pt *party, c *country) {
	ci := &c.cities[r.IntN(len(c.cities))]
	pt.street = appendStreet(pt.street[:0], r, c.streets[r.IntN(len(c.streets))], c)
	pt.city = append(pt.city[:0], ci.name...)
	pt.postcode = appendPostcode(pt.postcode[:0], r, ci.postcode)
	pt.country = c.code
}

// locker moves the recipient to a parcel locker, pick-up point or PO box
// in the same city.
func (g *Generator) locker(r *rand.Rand, pt *party, c *country) {
	pt.street = appendStreet(pt.street[:0], r, c.lockers[r.IntN(len(c.lockers))], c)
}

// firmKey marks the shop keys of firms that send documents, apart from
// the keys sale() gives shops (origin and line in the upper bits).
const firmKey = 1 << 63

// nCustomers is the size of the pool of regular online shoppers.
const nCustomers = 5000

// customer makes regular shopper idx the recipient. Regulars receive light
// parcels from China again and again, the innocent twin of a repeat buyer.
func (g *Generator) customer(p *parcel, idx int) {
	a := g.persona(kindCustomer, uint64(idx))
	d := destCountries[pick(a, destCum)]
	if d == p.origin {
		g.person(g.rng, &p.recipient, p.dest, localeFor(g.rng, p.dest))
		return
	}
	p.dest = d
	g.person(a, &p.recipient, d, localeFor(a, d))
	if a.IntN(100) < 15 {
		g.locker(a, &p.recipient, d)
	}
}

// shop fills the sender with shop key of line grp in c, the same shop each
// time for a key, and returns its invoice numbering style. The sender's
// tax id holds the shop's IOSS number (non-EU shops) or VAT number; the
// caller clears it where it does not apply.
func (g *Generator) shop(p *parcel, c *country, grp *group, key uint64) int {
	a := g.persona(kindShop, key)
	pt := &p.sender
	g.address(a, pt, c)
	b := pt.business[:0]
	var brand string
	switch c.code {
	case "CN":
		brand = pinyinWords[a.IntN(len(pinyinWords))]
		b = append(b, pt.city...)
		b = append(b, ' ')
	case "HK":
		brand = pinyinWords[a.IntN(len(pinyinWords))]
	default:
		brand = brandWords[a.IntN(len(brandWords))]
	}
	b = append(b, brand...)
	b = append(b, ' ')
	b = append(b, grp.trade...)
	b = append(b, ' ')
	b = append(b, c.company[a.IntN(len(c.company))]...)
	pt.business = b

	if a.IntN(100) < 75 {
		pt.name, _, _ = appendName(pt.name[:0], a, c.loc)
	} else {
		pt.name = append(pt.name[:0], serviceNames[a.IntN(len(serviceNames))]...)
	}
	pt.phone = appendPhone(pt.phone[:0], a, c, a.IntN(100) >= 5)

	e := pt.email[:0]
	if (c.code == "CN" || c.code == "HK") && a.IntN(100) < 35 {
		e = appendFolded(e, brand, false)
		e = strconv.AppendInt(e, int64(a.IntN(100)), 10)
		e = append(e, '@')
		e = append(e, c.mail[a.IntN(len(c.mail))]...)
	} else {
		e = append(e, shopMailboxes[a.IntN(len(shopMailboxes))]...)
		e = append(e, '@')
		e = appendFolded(e, brand, false)
		e = append(e, '-')
		trade := grp.trade
		if i := strings.IndexByte(trade, ' '); i > 0 {
			trade = trade[:i]
		}
		e = appendFolded(e, trade, false)
		e = append(e, tld(c.code)...)
	}
	pt.email = e

	t := pt.taxID[:0]
	if c.eu {
		t = appendDigits(t, a, c.vat)
	} else {
		// IOSS numbers are issued by the member state of identification:
		// marketplaces favour the Netherlands, Ireland and Luxembourg.
		t = append(t, "IM"...)
		t = append(t, iossStates[a.IntN(len(iossStates))]...)
		t = appendDigits(t, a, "#######")
	}
	pt.taxID = t

	if grp == grpPharmacy {
		p.licence = appendLicence(p.licence[:0], a, pt.city)
	}
	return a.IntN(numInvoiceStyles)
}

var (
	shopMailboxes = []string{"service", "sales", "orders", "info", "support", "shop", "hello"}
	iossStates    = []string{"528", "372", "442", "276", "250"}
)

func tld(code string) string {
	switch code {
	case "GB":
		return ".co.uk"
	case "US", "CN":
		return ".com"
	case "HK":
		return ".com.hk"
	case "JP":
		return ".co.jp"
	case "KR":
		return ".co.kr"
	case "AU":
		return ".com.au"
	case "NZ":
		return ".co.nz"
	case "BR":
		return ".com.br"
	case "CO":
		return ".com.co"
	case "TR":
		return ".com.tr"
	case "IN":
		return ".in"
	case "DE":
		return ".de"
	case "NL":
		return ".nl"
	case "FR":
		return ".fr"
	case "IT":
		return ".it"
	case "ES":
		return ".es"
	case "PL":
		return ".pl"
	case "CH":
		return ".ch"
	case "AT":
		return ".at"
	case "BE":
		return ".be"
	case "CZ":
		return ".cz"
	case "SE":
		return ".se"
	case "DK":
		return ".dk"
	case "FI":
		return ".fi"
	case "PT":
		return ".pt"
	case "IE":
		return ".ie"
	case "CA":
		return ".ca"
	}
	return ".com"
}

// appendName appends a full name from loc and returns the given and family
// name it is made of, for the e-mail address.
func appendName(dst []byte, r *rand.Rand, loc *locale) (out []byte, first, last string) {
	fi := r.IntN(len(loc.first))
	first, last = loc.first[fi], loc.last[r.IntN(len(loc.last))]
	female := fi >= loc.female
	switch loc.style {
	case familyFirst:
		// Chinese senders write the family name first or, for foreign
		// forms, last: both are common on labels.
		if r.IntN(2) == 0 {
			dst = append(dst, last...)
			dst = append(dst, ' ')
			return append(dst, first...), first, last
		}
	case twoSurnames:
		dst = append(dst, first...)
		dst = append(dst, ' ')
		dst = append(dst, last...)
		if r.IntN(100) < 40 {
			dst = append(dst, ' ')
			dst = append(dst, loc.last[r.IntN(len(loc.last))]...)
		}
		return dst, first, last
	case polish:
		dst = append(dst, first...)
		dst = append(dst, ' ')
		if female && strings.HasSuffix(last, "ki") {
			dst = append(dst, last[:len(last)-1]...)
			return append(dst, 'a'), first, last
		}
		return append(dst, last...), first, last
	case czech:
		dst = append(dst, first...)
		dst = append(dst, ' ')
		if female {
			return appendCzechFeminine(dst, last), first, last
		}
		return append(dst, last...), first, last
	}
	dst = append(dst, first...)
	dst = append(dst, ' ')
	return append(dst, last...), first, last
}

// appendCzechFeminine appends the form a Czech family name takes for a
// woman: Novotný → Novotná, Svoboda → Svobodová, Hájek → Hájková,
// Němec → Němcová, Novák → Nováková.
func appendCzechFeminine(dst []byte, last string) []byte {
	switch {
	case strings.HasSuffix(last, "ý"):
		dst = append(dst, last[:len(last)-len("ý")]...)
		return append(dst, "á"...)
	case strings.HasSuffix(last, "a"):
		dst = append(dst, last[:len(last)-1]...)
	case strings.HasSuffix(last, "ek"):
		dst = append(dst, last[:len(last)-2]...)
		dst = append(dst, 'k')
	case strings.HasSuffix(last, "ec"):
		dst = append(dst, last[:len(last)-2]...)
		dst = append(dst, 'c')
	default:
		dst = append(dst, last...)
	}
	return append(dst, "ová"...)
}

// appendStreet expands a street or locker template (see data.go).
func appendStreet(dst []byte, r *rand.Rand, tmpl string, c *country) []byte {
	for i := 0; i < len(tmpl); i++ {
		switch ch := tmpl[i]; ch {
		case '%':
			// House numbers cluster low: most streets are short.
			dst = strconv.AppendInt(dst, int64(1+r.IntN(1+r.IntN(c.numMax))), 10)
			if c.suffixes != "" && r.IntN(100) < 6 {
				dst = append(dst, c.suffixes[r.IntN(len(c.suffixes))])
			}
		case '^':
			dst = strconv.AppendInt(dst, int64(1+r.IntN(40)), 10)
		case '&':
			dst = strconv.AppendInt(dst, int64(100+r.IntN(900)), 10)
		case '~':
			dst = strconv.AppendInt(dst, int64(1000+r.IntN(9000)), 10)
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}

// postcodeLetters are the letters British and Dutch postcodes use.
const postcodeLetters = "ABDEFGHJLNPRSTUWXYZ"

func appendPostcode(dst []byte, r *rand.Rand, tmpl string) []byte {
	for i := 0; i < len(tmpl); i++ {
		switch ch := tmpl[i]; ch {
		case '#':
			dst = append(dst, byte('0'+r.IntN(10)))
		case '@':
			dst = append(dst, postcodeLetters[r.IntN(len(postcodeLetters))])
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}

// appendDigits expands '#' in tmpl to random digits.
func appendDigits(dst []byte, r *rand.Rand, tmpl string) []byte {
	for i := 0; i < len(tmpl); i++ {
		switch ch := tmpl[i]; ch {
		case '#':
			dst = append(dst, byte('0'+r.IntN(10)))
		case '@':
			dst = append(dst, 'A'+byte(r.IntN(26)))
		default:
			dst = append(dst, ch)
		}
	}
	return dst
}

// appendPhone appends a number of c in international form ("+49 151
// 23456789") or as dialled inside the country ("0151 23456789"). A '#' in
// a prefix is a random digit, for countries that group digits in fours.
func appendPhone(dst []byte, r *rand.Rand, c *country, intl bool) []byte {
	pre := c.prefixes[r.IntN(len(c.prefixes))]
	if intl {
		dst = append(dst, c.dial...)
		dst = append(dst, ' ')
	} else {
		dst = append(dst, c.trunk...)
	}
	dst = appendDigits(dst, r, pre)
	dst = append(dst, ' ')
	x := r.Uint64()
	dst = append(dst, byte('1'+x%9))
	x /= 9
	for i := 1; i < c.subLen; i++ {
		dst = append(dst, byte('0'+x%10))
		x /= 10
	}
	return dst
}

// appendEmail appends an address made the ways people make them from their
// name. German speakers spell umlauts out (mueller@).
func appendEmail(dst []byte, r *rand.Rand, first, last, domain string, german bool) []byte {
	if domain == "qq.com" && r.IntN(10) < 7 {
		// QQ mailboxes are usually the account number.
		dst = strconv.AppendInt(dst, int64(10_000+r.IntN(2_000_000_000)), 10)
	} else {
		switch r.IntN(7) {
		case 0:
			dst = appendFolded(dst, first, german)
			dst = append(dst, '.')
			dst = appendFolded(dst, last, german)
		case 1:
			dst = appendFolded(dst, first, german)
			dst = appendFolded(dst, last, german)
		case 2:
			f := appendFolded(dst, first, german)
			dst = f[:len(dst)+1]
			dst = append(dst, '.')
			dst = appendFolded(dst, last, german)
		case 3:
			dst = appendFolded(dst, first, german)
			dst = append(dst, '_')
			dst = appendFolded(dst, last, german)
		case 4:
			dst = appendFolded(dst, first, german)
			dst = strconv.AppendInt(dst, int64(10+r.IntN(90)), 10)
		case 5:
			dst = appendFolded(dst, last, german)
			dst = strconv.AppendInt(dst, int64(1960+r.IntN(47)), 10)
		default:
			dst = appendFolded(dst, first, german)
			dst = append(dst, '.')
			dst = appendFolded(dst, last, german)
			dst = strconv.AppendInt(dst, int64(1+r.IntN(99)), 10)
		}
	}
	dst = append(dst, '@')
	return append(dst, domain...)
}

// appendFolded appends s as an e-mail local part: lower-case ASCII letters
// and digits, accents dropped, spaces and punctuation left out.
func appendFolded(dst []byte, s string, german bool) []byte {
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			dst = append(dst, byte(c))
		case c >= 'A' && c <= 'Z':
			dst = append(dst, byte(c+'a'-'A'))
		case c < utf8.RuneSelf:
		default:
			dst = append(dst, foldLetter(c, german)...)
		}
	}
	return dst
}

// foldLetter folds the accented letters of the name tables to ASCII.
func foldLetter(c rune, german bool) string {
	if german {
		switch c {
		case 'ä', 'Ä':
			return "ae"
		case 'ö', 'Ö':
			return "oe"
		case 'ü', 'Ü':
			return "ue"
		}
	}
	switch c {
	case 'ß':
		return "ss"
	case 'æ', 'Æ':
		return "ae"
	case 'à', 'á', 'â', 'ã', 'ä', 'å', 'ą', 'ă', 'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'Ą':
		return "a"
	case 'ç', 'ć', 'č', 'Ç', 'Ć', 'Č':
		return "c"
	case 'ď', 'Ď':
		return "d"
	case 'è', 'é', 'ê', 'ë', 'ě', 'ę', 'È', 'É', 'Ê', 'Ë', 'Ě', 'Ę':
		return "e"
	case 'ğ', 'Ğ':
		return "g"
	case 'ì', 'í', 'î', 'ï', 'ı', 'İ', 'Ì', 'Í', 'Î', 'Ï':
		return "i"
	case 'ł', 'Ł':
		return "l"
	case 'ñ', 'ń', 'ň', 'Ñ', 'Ń', 'Ň':
		return "n"
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø', 'ő', 'Ò', 'Ó', 'Ô', 'Õ', 'Ö', 'Ø':
		return "o"
	case 'ř', 'Ř':
		return "r"
	case 'ś', 'š', 'ş', 'Ś', 'Š', 'Ş':
		return "s"
	case 'ť', 'Ť':
		return "t"
	case 'ù', 'ú', 'û', 'ü', 'ů', 'ű', 'Ù', 'Ú', 'Û', 'Ü', 'Ů':
		return "u"
	case 'ý', 'ÿ', 'Ý':
		return "y"
	case 'ź', 'ż', 'ž', 'Ź', 'Ż', 'Ž':
		return "z"
	}
	return ""
}

// appendLicence appends an Indian retail and wholesale drug licence number
// (forms 20B and 21B) of the state the pharmacy is in.
func appendLicence(dst []byte, r *rand.Rand, city []byte) []byte {
	state := "MH"
	switch string(city) {
	case "New Delhi":
		state = "DL"
	case "Bengaluru":
		state = "KA"
	case "Chennai":
		state = "TN"
	case "Hyderabad":
		state = "TS"
	case "Kolkata":
		state = "WB"
	case "Ahmedabad":
		state = "GJ"
	case "Jaipur":
		state = "RJ"
	}
	dst = append(dst, "20B/21B-"...)
	dst = append(dst, state...)
	dst = append(dst, '-')
	return appendDigits(dst, r, "######")
}

// appendCertificate appends a phytosanitary certificate number.
func appendCertificate(dst []byte, r *rand.Rand, country string, year int) []byte {
	dst = append(dst, "PC "...)
	dst = append(dst, country...)
	dst = append(dst, '-')
	dst = strconv.AppendInt(dst, int64(year), 10)
	dst = append(dst, '-')
	return appendDigits(dst, r, "######")
}

const numInvoiceStyles = 5

// appendInvoice appends an invoice or order number in one of the styles
// shops number them.
func appendInvoice(dst []byte, r *rand.Rand, style, year int) []byte {
	switch style {
	case 0:
		dst = append(dst, "INV-"...)
		dst = strconv.AppendInt(dst, int64(year), 10)
		dst = append(dst, '-')
		return appendDigits(dst, r, "######")
	case 1:
		dst = append(dst, "RE"...)
		dst = strconv.AppendInt(dst, int64(year), 10)
		dst = append(dst, '-')
		return appendDigits(dst, r, "#####")
	case 2:
		// Marketplace order numbers.
		dst = append(dst, '8')
		return appendDigits(dst, r, "###############")
	case 3:
		dst = append(dst, '#')
		return strconv.AppendInt(dst, int64(1001+r.IntN(98000)), 10)
	}
	dst = append(dst, "SO"...)
	return appendDigits(dst, r, "########")
}
