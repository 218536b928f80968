package rules

import (
	"math"
	"strings"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
)

// Env is the environment every rule expression runs against: the manifest's
// wire fields under their wire names, plus fields derived once per parcel.
// The doc tags are printed by `parcelguard rules env`.
type Env struct {
	ItemID             string     `expr:"item_id" doc:"the item identifier (UPU S10 or the carrier's tracking number)"`
	Operator           string     `expr:"operator" doc:"the operator code that sent the manifest"`
	OperatorKind       string     `expr:"operator_kind" doc:"post or express (empty when not sent)"`
	MailClass          string     `expr:"mail_class" doc:"letter, small_packet, parcel, ems or express (empty when not sent)"`
	Category           string     `expr:"category" doc:"CN 23 category: gift, commercial_sample, documents, returned_goods, sale_of_goods or other"`
	OriginCountry      string     `expr:"origin_country" doc:"ISO country where the item was posted"`
	DestinationCountry string     `expr:"destination_country" doc:"ISO country the item is addressed to"`
	PostedAt           time.Time  `expr:"posted_at" doc:"when the item was posted (zero time when not sent)"`
	OfficeOfOrigin     string     `expr:"office_of_origin" doc:"the office of exchange or acceptance office"`
	Sender             PartyEnv   `expr:"sender" doc:"the sender (fields below)"`
	Recipient          PartyEnv   `expr:"recipient" doc:"the recipient (fields below)"`
	Contents           []*ItemEnv `expr:"contents" doc:"the content lines (fields below)"`
	GrossWeightKg      float64    `expr:"gross_weight_kg" doc:"gross weight in kg (0 when not sent)"`
	DeclaredValue      float64    `expr:"declared_value" doc:"total declared value in the manifest's currency"`
	Currency           string     `expr:"currency" doc:"ISO 4217 currency of the values"`
	PostagePaid        float64    `expr:"postage_paid" doc:"postage paid, in the manifest's currency"`
	InvoiceNumber      string     `expr:"invoice_number" doc:"invoice number (CN 23 attached documents)"`
	LicenceNumber      string     `expr:"licence_number" doc:"import or export licence number"`
	CertificateNumber  string     `expr:"certificate_number" doc:"certificate number"`
	Amendment          int        `expr:"amendment" doc:"how often the operator re-sent this item's data (0 = first submission)"`

	ValueEUR       float64   `expr:"value_eur" doc:"declared value in EUR through the pack's rate table (0 when the currency has no rate)"`
	ValueKnown     bool      `expr:"value_known" doc:"whether value_eur could be computed (the currency has a rate)"`
	ValuePerKgEUR  float64   `expr:"value_per_kg_eur" doc:"value_eur divided by gross weight (0 when either is unknown)"`
	ContentsValue  float64   `expr:"contents_value" doc:"sum of the content lines' values, in the manifest's currency"`
	NetWeightKg    float64   `expr:"net_weight_kg" doc:"sum of the content lines' net weights"`
	TotalQuantity  int       `expr:"total_quantity" doc:"sum of the content lines' quantities"`
	MaxQuantity    int       `expr:"max_quantity" doc:"largest quantity on one content line"`
	HSChapters     []int     `expr:"hs_chapters" doc:"HS chapters (first two digits) of the content lines that have an HS code"`
	Descriptions   string    `expr:"descriptions" doc:"all content descriptions folded (lower case, no accents or punctuation), joined by ' / '"`
	S10            S10Env    `expr:"s10" doc:"the item id read as a UPU S10 identifier (fields below)"`
	ReceivedAt     time.Time `expr:"received_at" doc:"when parcelguard received the manifest"`
	DataDelayHours float64   `expr:"data_delay_hours" doc:"hours between posting and receipt of the data (negative when sent in advance; 0 when posted_at is missing)"`
	Quality        []string  `expr:"quality" doc:"data-quality codes found on the manifest, e.g. MISSING_SENDER_PHONE"`

	// The helper functions (see helpers). Their doc tags are in Functions.
	InList    func(list, value string) bool  `expr:"in_list"`
	HasTerm   func(list, text string) bool   `expr:"has_term"`
	Term      func(list, text string) string `expr:"term"`
	HasPrefix func(list, code string) bool   `expr:"has_prefix"`
	Cents     func(x float64) int            `expr:"cents"`
	Repeated  func(s string) bool            `expr:"repeated"`

	// items backs Contents. Contents holds pointers because expr boxes
	// every element it touches: a pointer boxes for free, a struct does not.
	items []ItemEnv
	// text and ends are the buffer Descriptions is built in and where each
	// line's words end in it.
	text []byte
	ends []int
	// plain says Descriptions is in FoldText's form, and so every line's
	// Words too, with nothing outside ASCII (see fastCompiler.foldedText).
	plain bool
}

// PartyEnv is a sender or recipient in the rule environment.
type PartyEnv struct {
	Name               string `expr:"name" doc:"name as sent"`
	Business           string `expr:"business" doc:"business name as sent"`
	Street             string `expr:"street" doc:"street and house number as sent"`
	City               string `expr:"city" doc:"city as sent"`
	Postcode           string `expr:"postcode" doc:"postcode as sent"`
	Country            string `expr:"country" doc:"ISO country as sent"`
	Phone              string `expr:"phone" doc:"phone as sent"`
	Email              string `expr:"email" doc:"e-mail as sent"`
	TaxID              string `expr:"tax_id" doc:"tax or EORI number as sent"`
	NameKey            string `expr:"name_key" doc:"name folded for matching: lower case, no accents, tokens sorted"`
	NameTokens         int    `expr:"name_tokens" doc:"number of words in the name"`
	AddressKey         string `expr:"address_key" doc:"street|postcode|country folded for matching, abbreviations expanded"`
	Address            string `expr:"address" doc:"street, postcode and city folded into words, for term matching"`
	PhoneE164          string `expr:"phone_e164" doc:"phone as E.164 (+ and digits), empty when it cannot be made international"`
	PhoneInternational bool   `expr:"phone_international" doc:"whether the phone was sent in international form (+ or 00), as E.123 asks"`
	EmailKey           string `expr:"email_key" doc:"e-mail lower-cased, empty when malformed"`
	EmailDomain        string `expr:"email_domain" doc:"the e-mail's domain, empty when malformed"`
	Locker             bool   `expr:"locker" doc:"whether the address matches the pack's locker_terms list (parcel locker, pick-up point, PO box)"`
}

// ItemEnv is one content line in the rule environment.
type ItemEnv struct {
	Description   string  `expr:"description" doc:"description as sent"`
	Words         string  `expr:"words" doc:"description folded: lower case, no accents, punctuation turned into single spaces"`
	Quantity      int     `expr:"quantity" doc:"quantity"`
	NetWeightKg   float64 `expr:"net_weight_kg" doc:"net weight in kg"`
	Value         float64 `expr:"value" doc:"value in the manifest's currency"`
	HSCode        string  `expr:"hs_code" doc:"HS tariff code, digits only"`
	HSChapter     int     `expr:"hs_chapter" doc:"first two digits of the HS code (0 when none)"`
	OriginCountry string  `expr:"origin_country" doc:"country of origin of the goods"`
}

// S10Env is the item id read as a UPU S10 identifier.
type S10Env struct {
	Form    bool   `expr:"form" doc:"whether the id has the S10 shape (AA999999999AA)"`
	Valid   bool   `expr:"valid" doc:"whether shape, check digit and country suffix are all right"`
	CheckOK bool   `expr:"check_ok" doc:"whether the check digit agrees with the serial number"`
	Service string `expr:"service" doc:"the two service indicator letters"`
	Country string `expr:"country" doc:"the country suffix"`
}

// fill resets e and fills it from p, reusing e's slices so that a worker
// that keeps one Env allocates little per parcel.
func (e *Env) fill(p *manifest.Parcel, s *Set) {
	contents, chapters, quality, items := e.Contents[:0], e.HSChapters[:0], e.Quality[:0], e.items[:0]
	text, ends := e.text[:0], e.ends[:0]
	*e = Env{
		ItemID:             p.ItemID,
		Operator:           p.Operator,
		OperatorKind:       p.OperatorKind,
		MailClass:          p.MailClass,
		Category:           p.Category,
		OriginCountry:      p.OriginCountry,
		DestinationCountry: p.DestinationCountry,
		PostedAt:           p.PostedAt,
		OfficeOfOrigin:     p.OfficeOfOrigin,
		GrossWeightKg:      p.GrossWeightKg,
		DeclaredValue:      p.DeclaredValue,
		Currency:           p.Currency,
		PostagePaid:        p.PostagePaid,
		InvoiceNumber:      p.InvoiceNumber,
		LicenceNumber:      p.LicenceNumber,
		CertificateNumber:  p.CertificateNumber,
		Amendment:          p.Amendment,
		ReceivedAt:         p.ReceivedAt,
		InList:             s.helpers.inList,
		HasTerm:            s.helpers.hasTerm,
		Term:               s.helpers.term,
		HasPrefix:          s.helpers.hasPrefix,
		Cents:              cents,
		Repeated:           repeated,
		S10: S10Env{
			Form:    p.S10.Form,
			Valid:   p.S10.Valid,
			CheckOK: p.S10.CheckOK,
			Service: p.S10.Service,
			Country: p.S10.Country,
		},
	}
	e.Sender.fill(&p.Sender)
	e.Recipient.fill(&p.Recipient)

	// The lines' folded words, and the parties' folded addresses when the
	// pack reads them, are cut from one string rather than allocated one
	// by one.
	for i := range p.Contents {
		it := &p.Contents[i]
		if i > 0 {
			text = append(text, " / "...)
		}
		text = manifest.FoldText(text, it.Description)
		ends = append(ends, len(text))
		hs := digitsOnly(it.HSCode)
		chapter := hsChapter(hs)
		items = append(items, ItemEnv{
			Description:   it.Description,
			Quantity:      it.Quantity,
			NetWeightKg:   it.NetWeightKg,
			Value:         it.Value,
			HSCode:        hs,
			HSChapter:     chapter,
			OriginCountry: it.OriginCountry,
		})
		if chapter > 0 {
			chapters = append(chapters, chapter)
		}
		e.ContentsValue += it.Value
		e.NetWeightKg += it.NetWeightKg
		e.TotalQuantity += it.Quantity
		e.MaxQuantity = max(e.MaxQuantity, it.Quantity)
	}
	descEnd := len(text)
	var sender, recipient span
	if s.senderAddress {
		text, sender = appendAddress(text, &p.Sender)
	}
	if s.recipientAddress {
		text, recipient = appendAddress(text, &p.Recipient)
	}
	e.text, e.ends = text, ends
	all := string(text)
	e.Descriptions = all[:descEnd]
	e.plain = isFolded(e.Descriptions)
	start := 0
	for i := range items {
		items[i].Words = e.Descriptions[start:ends[i]]
		start = ends[i] + len(" / ")
		contents = append(contents, &items[i])
	}
	if s.senderAddress {
		e.Sender.address(all[sender.off:sender.end], &p.Sender, s)
	}
	if s.recipientAddress {
		e.Recipient.address(all[recipient.off:recipient.end], &p.Recipient, s)
	}
	e.Contents, e.HSChapters, e.items = contents, chapters, items

	for _, f := range p.Quality {
		quality = append(quality, f.Code)
	}
	e.Quality = quality

	if eur, ok := s.rates.ToEUR(p.DeclaredValue, p.Currency); ok {
		e.ValueEUR, e.ValueKnown = round2(eur), true
		if p.GrossWeightKg > 0 {
			e.ValuePerKgEUR = round2(eur / p.GrossWeightKg)
		}
	}
	if !p.PostedAt.IsZero() && !p.ReceivedAt.IsZero() {
		e.DataDelayHours = math.Round(p.ReceivedAt.Sub(p.PostedAt).Hours()*100) / 100
	}
}

// fill fills pe from p but for its address and locker flag, which cost
// more than the rest together and are worked out only when the pack reads
// them (see address); no expression can tell the difference.
func (pe *PartyEnv) fill(p *manifest.Party) {
	*pe = PartyEnv{
		Name:               p.Name,
		Business:           p.Business,
		Street:             p.Street,
		City:               p.City,
		Postcode:           p.Postcode,
		Country:            p.Country,
		Phone:              p.Phone,
		Email:              p.Email,
		TaxID:              p.TaxID,
		NameKey:            p.NameKey,
		NameTokens:         strings.Count(p.NameKey, " ") + 1,
		AddressKey:         p.AddressKey,
		PhoneE164:          p.PhoneE164,
		PhoneInternational: p.PhoneInternational,
		EmailKey:           p.EmailKey,
		EmailDomain:        p.EmailDomain,
	}
	if p.NameKey == "" {
		pe.NameTokens = 0
	}
}

// span is the half-open byte range [off, end) of Env.text.
type span struct{ off, end int }

// appendAddress appends the folded street, postcode and city of p to dst,
// one space between those that fold to anything.
func appendAddress(dst []byte, p *manifest.Party) ([]byte, span) {
	start := len(dst)
	for _, part := range [...]string{p.Street, p.Postcode, p.City} {
		mark := len(dst)
		if mark > start {
			dst = append(dst, ' ')
		}
		if dst = manifest.FoldText(dst, part); len(dst) == mark+1 && mark > start {
			dst = dst[:mark] // the part folded to nothing: no space for it
		}
	}
	return dst, span{start, len(dst)}
}

// address sets pe's folded address and, from it and the business name,
// whether it is a locker or pick-up point.
func (pe *PartyEnv) address(folded string, p *manifest.Party, s *Set) {
	pe.Address = folded
	if l := s.locker; l != nil {
		pe.Locker = l.hasTerm(pe.Address) || (p.Business != "" && l.hasTerm(p.Business))
	}
}

// hsChapter returns the first two digits of an HS code as a number, or 0.
func hsChapter(code string) int {
	if len(code) < 2 || code[0] < '0' || code[0] > '9' || code[1] < '0' || code[1] > '9' {
		return 0
	}
	return int(code[0]-'0')*10 + int(code[1]-'0')
}

// digitsOnly drops the dots and spaces operators write in HS codes
// ("6109.10" → "610910"), allocating only when there are any.
func digitsOnly(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			b := make([]byte, 0, len(s))
			for j := 0; j < len(s); j++ {
				if s[j] >= '0' && s[j] <= '9' {
					b = append(b, s[j])
				}
			}
			return string(b)
		}
	}
	return s
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
