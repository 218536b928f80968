package synth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parcelguard/parcelguard/manifest"
)

// sample is one generated manifest with what the tests read from it.
type sample struct {
	raw   []byte
	truth Truth
	p     manifest.Parcel // decoded when not broken
}

const sampleSize = 20_000

var testStart = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// generate returns n manifests of cfg with their truth; with decode, the
// ones not broken are decoded too.
func generate(cfg Config, n int, decode bool) ([]sample, error) {
	g := New(cfg)
	out := make([]sample, n)
	var buf []byte
	for i := range out {
		buf = g.Next(buf[:0])
		s := &out[i]
		s.raw = slices.Clone(buf)
		s.truth = ReadTruth(s.raw)
		if decode && !s.truth.Broken {
			if err := json.Unmarshal(s.raw, &s.p); err != nil {
				return nil, fmt.Errorf("manifest %d does not decode into manifest.Parcel: %v\n%s", i, err, s.raw)
			}
		}
	}
	return out, nil
}

// mixed is a stream with every kind of parcel in useful numbers.
var mixed = Config{Seed: 42, PatternShare: 0.1, DeficientShare: 0.1, BrokenShare: 0.05, Start: testStart, Span: 48 * time.Hour}

var mixedOnce = sync.OnceValues(func() ([]sample, error) { return generate(mixed, sampleSize, true) })

// mixedSamples returns the decoded mixed stream, generated once for all
// the tests that read it.
func mixedSamples(t *testing.T) []sample {
	t.Helper()
	s, err := mixedOnce()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestDeterminism(t *testing.T) {
	run := func(cfg Config) []byte {
		g := New(cfg)
		var all []byte
		for range 3000 {
			all = g.Next(all)
			all = append(all, '\n')
		}
		return all
	}
	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same seed", mixed, mixed, true},
		{"same seed, defaults", Config{Seed: 9}, Config{Seed: 9}, true},
		{"different seed", Config{Seed: 1}, Config{Seed: 2}, false},
		{"different seed, mixed", mixed, Config{Seed: 43, PatternShare: 0.1, DeficientShare: 0.1, BrokenShare: 0.05, Start: testStart, Span: 48 * time.Hour}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bytes.Equal(run(tt.a), run(tt.b)); got != tt.same {
				t.Errorf("equal output = %v; want %v", got, tt.same)
			}
		})
	}
}

// rejected applies the rejection rules of the wire contract: not a JSON
// object, wrong types, a required field missing, no contents, a negative
// weight.
func rejected(raw []byte) string {
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return "not a JSON object"
	}
	for _, f := range []string{"item_id", "operator", "origin_country", "destination_country"} {
		if s, _ := m[f].(string); s == "" {
			return "missing " + f
		}
	}
	if c, _ := m["contents"].([]any); len(c) == 0 {
		return "no contents"
	}
	var p manifest.Parcel
	if err := json.Unmarshal(raw, &p); err != nil {
		return "wrong type: " + err.Error()
	}
	if p.GrossWeightKg < 0 || p.DeclaredValue < 0 {
		return "negative number"
	}
	return ""
}

func TestDecoderVerdict(t *testing.T) {
	for i, s := range mixedSamples(t) {
		reason := rejected(s.raw)
		if s.truth.Broken && reason == "" {
			t.Errorf("manifest %d is broken but passes the rejection rules:\n%s", i, s.raw)
		}
		if !s.truth.Broken && reason != "" {
			t.Errorf("manifest %d is not broken but is rejected (%s):\n%s", i, reason, s.raw)
		}
	}
}

func TestShares(t *testing.T) {
	tests := []struct {
		name                       string
		cfg                        Config
		pattern, deficient, broken float64
	}{
		{"defaults", Config{Seed: 1}, 0.02, 0.05, 0},
		{"configured", Config{Seed: 2, PatternShare: 0.1, DeficientShare: 0.2, BrokenShare: 0.05}, 0.1, 0.2, 0.05},
		{"none", Config{Seed: 3, PatternShare: -1, DeficientShare: -1, BrokenShare: -1}, 0, 0, 0},
		{"all broken", Config{Seed: 4, BrokenShare: 1}, 0, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pat, def, brk int
			samples, err := generate(tt.cfg, sampleSize, false)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range samples {
				if s.truth.Pattern != "" {
					pat++
				}
				if s.truth.Deficient {
					def++
				}
				if s.truth.Broken {
					brk++
				}
			}
			check := func(what string, n int, want float64) {
				got := float64(n) / sampleSize
				// Four standard deviations of a binomial share.
				tol := 4*math.Sqrt(want*(1-want)/sampleSize) + 0.001
				if math.Abs(got-want) > tol {
					t.Errorf("%s share = %.4f; want %.4f ± %.4f", what, got, want, tol)
				}
			}
			check("pattern", pat, tt.pattern)
			check("deficient", def, tt.deficient)
			check("broken", brk, tt.broken)
		})
	}
}

func TestReadTruth(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Truth
	}{
		{"clean", `{"synthetic":{"pattern":"","deficient":false,"broken":false},"item_id":"RR123456785NL"}`, Truth{}},
		{"pattern", `{"synthetic":{"pattern":"late_data","deficient":true,"broken":false},"item_id":"x"}`, Truth{Pattern: "late_data", Deficient: true}},
		{"not first", `{"item_id":"x","contents":[{"a":1}],"synthetic":{"pattern":"watchlisted","deficient":false,"broken":false}}`, Truth{Pattern: "watchlisted"}},
		{"in an array", `[{"synthetic":{"pattern":"","deficient":false,"broken":true},"item_id":"x"}]`, Truth{Broken: true}},
		{"truncated", `{"synthetic":{"pattern":"","deficient":false,"broken":true},"item_id":"RR12`, Truth{Broken: true}},
		{"absent", `{"item_id":"x"}`, Truth{}},
		{"not JSON", `item_id=x`, Truth{}},
		{"empty", ``, Truth{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ReadTruth([]byte(tt.raw))); diff != "" {
				t.Errorf("ReadTruth(%s) mismatch (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

func TestReadTruthRoundTrip(t *testing.T) {
	for i, s := range mixedSamples(t) {
		if s.truth.Broken {
			if s.truth.Pattern != "" || s.truth.Deficient {
				t.Errorf("manifest %d: broken manifest carries %+v", i, s.truth)
			}
			continue
		}
		var m struct {
			Synthetic Truth `json:"synthetic"`
		}
		if err := json.Unmarshal(s.raw, &m); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(m.Synthetic, s.truth); diff != "" {
			t.Errorf("manifest %d: ReadTruth mismatch (-decoded +ReadTruth):\n%s", i, diff)
		}
	}
}

func TestRequiredFields(t *testing.T) {
	for i, s := range mixedSamples(t) {
		if s.truth.Broken {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(s.raw, &m); err != nil {
			t.Fatalf("manifest %d: %v", i, err)
		}
		for _, f := range []string{"item_id", "operator", "operator_kind", "mail_class", "category", "origin_country", "destination_country", "posted_at", "sender", "recipient", "contents"} {
			if _, ok := m[f]; !ok {
				t.Errorf("manifest %d: no %s:\n%s", i, f, s.raw)
			}
		}
	}
}

func TestItemIDs(t *testing.T) {
	for i, s := range mixedSamples(t) {
		if s.truth.Broken {
			continue
		}
		p := &s.p
		id := manifest.ParseS10(p.ItemID)
		switch p.OperatorKind {
		case "post":
			if !id.Form {
				t.Errorf("manifest %d: post item id %q is not an S10 id", i, p.ItemID)
				continue
			}
			if !s.truth.Deficient && !id.CheckOK {
				t.Errorf("manifest %d: S10 id %q fails its check digit", i, p.ItemID)
			}
			if want := recomputeCheck(id.Serial); !s.truth.Deficient && id.Check != want {
				t.Errorf("manifest %d: S10 id %q has check digit %d; want %d", i, p.ItemID, id.Check, want)
			}
			if s.truth.Pattern != "mismatch_sender" && id.Country != p.OriginCountry {
				t.Errorf("manifest %d: S10 id %q from %s", i, p.ItemID, p.OriginCountry)
			}
			if want := classService[p.MailClass]; !strings.Contains(want, id.Service) {
				t.Errorf("manifest %d: %s item has service indicator %s; want one of %s", i, p.MailClass, id.Service, want)
			}
		case "express":
			if id.Form {
				t.Errorf("manifest %d: express item id %q is an S10 id", i, p.ItemID)
			}
			if err := checkTracking(p.Operator, p.ItemID); err != nil {
				t.Errorf("manifest %d: %v", i, err)
			}
		default:
			t.Errorf("manifest %d: operator_kind %q", i, p.OperatorKind)
		}
	}
}

var classService = map[string]string{"letter": "RR RA", "small_packet": "LX LY", "parcel": "CP CA", "ems": "EE EA"}

// recomputeCheck is the S10 check digit from the standard, independently
// of manifest.S10CheckDigit.
func recomputeCheck(serial string) int {
	w := []int{8, 6, 4, 2, 3, 5, 9, 7}
	sum := 0
	for i, c := range serial {
		sum += int(c-'0') * w[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 0
	case 11:
		return 5
	default:
		return c
	}
}

func checkTracking(op, id string) error {
	allDigits := func(s string) bool { return strings.Trim(s, "0123456789") == "" }
	switch op {
	case "DHLEXPRESS":
		if len(id) != 10 || !allDigits(id) {
			return fmt.Errorf("DHL waybill %q is not ten digits", id)
		}
		var n int
		fmt.Sscan(id[:9], &n)
		if int(id[9]-'0') != n%7 {
			return fmt.Errorf("DHL waybill %q fails its mod-7 check", id)
		}
	case "FEDEX":
		if len(id) != 12 || !allDigits(id) {
			return fmt.Errorf("FedEx number %q is not twelve digits", id)
		}
	case "UPS":
		if len(id) != 18 || !strings.HasPrefix(id, "1Z") || !allDigits(id[10:]) {
			return fmt.Errorf("UPS number %q is not 1Z + 16", id)
		}
	case "SFEXPRESS":
		if len(id) != 15 || !strings.HasPrefix(id, "SF") || !allDigits(id[2:]) {
			return fmt.Errorf("SF Express number %q is not SF + 13 digits", id)
		}
	default:
		return fmt.Errorf("unknown express carrier %q", op)
	}
	return nil
}

// grams and minor convert decoded amounts back to the integers the
// generator wrote.
func grams(kg float64) int64         { return int64(math.Round(kg * 1000)) }
func minor(v float64) int64          { return int64(math.Round(v * 100)) }
func isDigits(s string) bool         { return s != "" && strings.Trim(s, "0123456789") == "" }
func in(s string, set []string) bool { return slices.Contains(set, s) }

// TestOrdinaryParcels checks that parcels with neither a pattern nor a
// defect are complete and consistent, so that any data-quality code on
// them is the decoder's mistake.
func TestOrdinaryParcels(t *testing.T) {
	end := testStart.Add(mixed.Span)
	known := map[string]bool{}
	for _, c := range currencies {
		known[c.code] = true
	}
	n := 0
	for i, s := range mixedSamples(t) {
		if s.truth != (Truth{}) {
			continue
		}
		n++
		p := &s.p
		errorf := func(format string, args ...any) {
			t.Helper()
			t.Errorf("manifest %d: %s\n%s", i, fmt.Sprintf(format, args...), s.raw)
		}
		for _, pt := range []struct {
			role string
			p    manifest.Party
		}{{"sender", p.Sender}, {"recipient", p.Recipient}} {
			if pt.p.Name == "" || pt.p.Street == "" || pt.p.City == "" || pt.p.Postcode == "" || pt.p.Country == "" {
				errorf("%s address incomplete: %+v", pt.role, pt.p)
			}
			if pt.p.Phone == "" || pt.p.Email == "" || strings.Count(pt.p.Email, "@") != 1 {
				errorf("%s contact incomplete: %q %q", pt.role, pt.p.Phone, pt.p.Email)
			}
			if in(pt.p.Phone, WatchlistPhones) || in(pt.p.Email, WatchlistEmails) || in(pt.p.Street, WatchlistAddresses) {
				errorf("%s is on the watch list", pt.role)
			}
		}
		if p.Sender.Country != p.OriginCountry || p.Recipient.Country != p.DestinationCountry {
			errorf("party countries %s→%s, parcel %s→%s", p.Sender.Country, p.Recipient.Country, p.OriginCountry, p.DestinationCountry)
		}
		if p.OriginCountry == p.DestinationCountry {
			errorf("domestic parcel")
		}
		if !known[p.Currency] {
			errorf("currency %q", p.Currency)
		}
		var net, val int64
		for _, it := range p.Contents {
			if len(it.HSCode) < 6 || len(it.HSCode) > 10 || !isDigits(it.HSCode) {
				errorf("HS code %q", it.HSCode)
			}
			if it.Description == "" || it.Quantity < 1 || it.NetWeightKg <= 0 || it.Value < 0 || it.OriginCountry == "" {
				errorf("item %+v", it)
			}
			net += grams(it.NetWeightKg)
			val += minor(it.Value)
		}
		if gross := grams(p.GrossWeightKg); gross < net {
			errorf("gross %d g below net %d g", gross, net)
		}
		if minor(p.DeclaredValue) != val {
			errorf("declared %v, items add up to %v", p.DeclaredValue, float64(val)/100)
		}
		if p.Category == "documents" && val != 0 || p.Category != "documents" && val == 0 {
			errorf("category %s with value %v", p.Category, p.DeclaredValue)
		}
		if p.PostedAt.Before(testStart) || p.PostedAt.After(end) {
			errorf("posted_at %v outside [%v, %v]", p.PostedAt, testStart, end)
		}
		if p.Amendment > 1 {
			errorf("amendment %d", p.Amendment)
		}
		if p.Category == "sale_of_goods" && p.InvoiceNumber == "" && p.Sender.Business == "" {
			errorf("sale without a business sender")
		}
		if p.PostagePaid <= 0 {
			errorf("postage %v", p.PostagePaid)
		}
	}
	if n < sampleSize/2 {
		t.Fatalf("only %d ordinary parcels of %d", n, sampleSize)
	}
}

func TestMailClass(t *testing.T) {
	for i, s := range mixedSamples(t) {
		if s.truth.Broken {
			continue
		}
		p := &s.p
		if limit, ok := classLimit[p.MailClass]; !ok || p.GrossWeightKg > limit {
			t.Errorf("manifest %d: mail class %s for %.3f kg\n%s", i, p.MailClass, p.GrossWeightKg, s.raw)
		}
		if (p.OperatorKind == "express") != (p.MailClass == "express") {
			t.Errorf("manifest %d: %s operator with mail class %s\n%s", i, p.OperatorKind, p.MailClass, s.raw)
		}
	}
}

// classLimit is the heaviest gross weight in kg each mail class takes.
var classLimit = map[string]float64{"letter": 0.5, "small_packet": 2, "parcel": 30, "ems": 30, "express": 70}

// TestLookAlikes checks that ordinary traffic carries the innocent twins
// of the indicators, so that flag rates measured on it are honest.
func TestLookAlikes(t *testing.T) {
	var n, national, locker, light, giftNL, supplementsUS, pharmacyIN, cn int
	for _, s := range mixedSamples(t) {
		if s.truth != (Truth{}) {
			continue
		}
		p := &s.p
		n++
		if !strings.HasPrefix(p.Recipient.Phone, "+") {
			national++
		}
		if isLocker(p.Recipient.Street) {
			locker++
		}
		if p.GrossWeightKg < 0.5 {
			light++
		}
		if p.OriginCountry == "CN" {
			cn++
		}
		switch {
		case p.OriginCountry == "NL" && p.DestinationCountry == "DE" && p.Category == "gift":
			giftNL++
		case p.OriginCountry == "US" && strings.HasPrefix(p.Contents[0].HSCode, "2106"):
			supplementsUS++
		case p.OriginCountry == "IN" && p.LicenceNumber != "" && p.InvoiceNumber != "" && strings.HasPrefix(p.Contents[0].HSCode, "30"):
			pharmacyIN++
		}
	}
	tests := []struct {
		name   string
		got    int
		lo, hi float64 // share of ordinary parcels
	}{
		{"national-form recipient phones", national, 0.07, 0.14},
		{"recipients at lockers and PO boxes", locker, 0.02, 0.06},
		{"light parcels under 0.5 kg", light, 0.4, 0.9},
		{"parcels from China", cn, 0.4, 0.65},
		{"gifts from NL to DE", giftNL, 0.0005, 0.01},
		{"supplements from US", supplementsUS, 0.005, 0.03},
		{"pharmacy orders from IN", pharmacyIN, 0.001, 0.02},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := float64(tt.got) / float64(n)
			if got < tt.lo || got > tt.hi {
				t.Errorf("share = %.4f; want within [%.4f, %.4f]", got, tt.lo, tt.hi)
			}
		})
	}
}

func isLocker(street string) bool {
	s := strings.ToLower(street)
	for _, w := range []string{"packstation", "postfach", "postfiliale", "paketshop", "po box", "locker", "postbus", "automa", "paczkomat", "box", "pick", "point", "punt", "relais", "consigne", "bp ", "apartado", "casella", "punto", "citypaq", "station", "parcel", "post partner", "abholstation", "z-box", "balíkovna", "skrytka", "punkt", "pakke", "posti", "pl ", "cacifo", "caixa", "casilla", "kargomat", "pk ", "bag", "pod", "hub", "collect", "nærboks", "instabox"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// TestDeficientParcels checks that every parcel marked deficient shows at
// least one defect of the wire contract's data-quality list.
func TestDeficientParcels(t *testing.T) {
	for i, s := range mixedSamples(t) {
		if !s.truth.Deficient {
			continue
		}
		p := &s.p
		var net, val int64
		short := false
		for _, it := range p.Contents {
			net += grams(it.NetWeightKg)
			val += minor(it.Value)
			short = short || len(it.HSCode) < 6
		}
		id := manifest.ParseS10(p.ItemID)
		switch {
		case p.Recipient.Phone == "", p.Sender.Email == "":
		case id.Form && !id.CheckOK:
		case short, p.Currency == "XYZ":
		case grams(p.GrossWeightKg) < net:
		case p.Currency != "JPY" && p.Currency != "KRW" && minor(p.DeclaredValue) != val:
		case (p.Currency == "JPY" || p.Currency == "KRW") && math.Round(p.DeclaredValue) != float64(val)/100:
		default:
			t.Errorf("manifest %d is marked deficient but shows no defect:\n%s", i, s.raw)
		}
	}
}

// TestPatterns checks that each planted pattern carries the indicators it
// is named for.
func TestPatterns(t *testing.T) {
	end := testStart.Add(mixed.Span)
	byPattern := map[string][]sample{}
	for _, s := range mixedSamples(t) {
		if s.truth.Pattern != "" {
			byPattern[s.truth.Pattern] = append(byPattern[s.truth.Pattern], s)
		}
	}
	words := func(vs []vague) []string {
		var out []string
		for _, v := range vs {
			out = append(out, v.desc)
		}
		return out
	}
	dropStreets := map[string]bool{}
	for _, d := range dropSites {
		for _, sp := range d.spellings {
			dropStreets[d.country+"|"+d.postcode+"|"+sp] = true
		}
	}
	tests := []struct {
		pattern string
		check   func(p *manifest.Parcel) string
	}{
		{"darknet_vendor_nl", func(p *manifest.Parcel) string {
			switch {
			case !in(p.OriginCountry, []string{"NL", "BE", "DE"}):
				return "origin " + p.OriginCountry
			case p.MailClass != "letter" && p.MailClass != "small_packet":
				return "mail class " + p.MailClass
			case p.GrossWeightKg > 0.5:
				return "too heavy"
			case p.Category == "sale_of_goods":
				return "sold, not gifted"
			}
			return ""
		}},
		{"synthetic_opioid_cn", func(p *manifest.Parcel) string {
			it := p.Contents[0]
			switch {
			case !in(p.OriginCountry, []string{"CN", "HK"}):
				return "origin " + p.OriginCountry
			case !strings.HasPrefix(it.HSCode, "29") && !strings.HasPrefix(it.HSCode, "30") && !in(it.Description, words(opioidWords)):
				return "neither chemical HS code nor wording"
			case it.NetWeightKg < 0.05 || it.NetWeightKg > 0.7:
				return "weight"
			case !strings.HasSuffix(p.Sender.Business, "Co., Ltd."):
				return "sender business " + p.Sender.Business
			}
			return ""
		}},
		{"cocaine_latam", func(p *manifest.Parcel) string {
			switch {
			case !in(p.OriginCountry, []string{"CO", "PE", "EC", "BO", "BR"}):
				return "origin " + p.OriginCountry
			case p.MailClass != "express" && p.MailClass != "ems":
				return "mail class " + p.MailClass
			case p.GrossWeightKg < 0.6:
				return "too light"
			}
			return ""
		}},
		{"nps_research_chem", func(p *manifest.Parcel) string {
			if !in(p.OriginCountry, []string{"NL", "CN", "IN", "PL"}) {
				return "origin " + p.OriginCountry
			}
			for _, it := range p.Contents {
				if !in(it.Description, words(npsWords)) || it.NetWeightKg > 0.05 {
					return "item " + it.Description
				}
			}
			return ""
		}},
		{"mdma_export_au", func(p *manifest.Parcel) string {
			switch {
			case !in(p.OriginCountry, []string{"NL", "BE", "DE"}):
				return "origin " + p.OriginCountry
			case !in(p.DestinationCountry, []string{"AU", "NZ", "US"}):
				return "destination " + p.DestinationCountry
			case p.GrossWeightKg > 1:
				return "too heavy"
			}
			return ""
		}},
		{"placeholder_party", func(p *manifest.Parcel) string {
			for _, f := range []string{p.Sender.Name, p.Recipient.Name} {
				if in(f, placeholderNames) {
					return ""
				}
			}
			for _, f := range []string{p.Sender.Street, p.Recipient.Street} {
				if in(f, placeholderStreets) {
					return ""
				}
			}
			return "no placeholder"
		}},
		{"mismatch_sender", func(p *manifest.Parcel) string {
			s10 := manifest.ParseS10(p.ItemID).Country
			if s10 == p.OriginCountry || s10 == p.Sender.Country || p.OriginCountry == p.Sender.Country {
				return fmt.Sprintf("S10 %s, origin %s, sender %s", s10, p.OriginCountry, p.Sender.Country)
			}
			return ""
		}},
		{"late_data", func(p *manifest.Parcel) string {
			if p.Amendment < 2 || p.Amendment > 5 {
				return fmt.Sprintf("amendment %d", p.Amendment)
			}
			if late := end.Sub(p.PostedAt); late < 72*time.Hour || late > 240*time.Hour {
				return fmt.Sprintf("posted %v before the end of the stream", late)
			}
			return ""
		}},
		{"watchlisted", func(p *manifest.Parcel) string {
			if in(p.Sender.Phone, WatchlistPhones) || in(p.Sender.Email, WatchlistEmails) || in(p.Recipient.Street, WatchlistAddresses) {
				return ""
			}
			return "no watch-list hit"
		}},
		{"drop_address", func(p *manifest.Parcel) string {
			if !dropStreets[p.DestinationCountry+"|"+p.Recipient.Postcode+"|"+p.Recipient.Street] {
				return "recipient not at a drop site"
			}
			return ""
		}},
	}
	if len(tests) != len(patterns) {
		t.Fatalf("%d pattern checks for %d patterns", len(tests), len(patterns))
	}
	for _, tt := range tests {
		t.Run(tt.pattern, func(t *testing.T) {
			got := byPattern[tt.pattern]
			if len(got) < 50 {
				t.Fatalf("%d parcels; want at least 50", len(got))
			}
			for _, s := range got {
				if why := tt.check(&s.p); why != "" {
					t.Errorf("%s: %s\n%s", tt.pattern, why, s.raw)
				}
				if s.p.OriginCountry == s.p.DestinationCountry {
					t.Errorf("%s: domestic parcel\n%s", tt.pattern, s.raw)
				}
			}
		})
	}
}

// TestVendorRuns checks that a darknet vendor's items carry consecutive
// S10 serials, the label-roll trace of indicator D15.
func TestVendorRuns(t *testing.T) {
	last := map[string]int{}
	runs := 0
	for _, s := range mixedSamples(t) {
		if s.truth.Pattern != "darknet_vendor_nl" {
			continue
		}
		var serial int
		id := manifest.ParseS10(s.p.ItemID)
		fmt.Sscan(id.Serial, &serial)
		vendor := s.p.Sender.Street + "|" + s.p.Sender.Postcode
		if prev, ok := last[vendor]; ok {
			if serial != prev+1 {
				t.Errorf("vendor %s: serial %d after %d", vendor, serial, prev)
			}
			runs++
		}
		last[vendor] = serial
	}
	if len(last) != nVendors || runs == 0 {
		t.Errorf("%d vendors, %d consecutive pairs; want %d vendors and runs", len(last), runs, nVendors)
	}
}

func TestPatternsList(t *testing.T) {
	want := []string{
		"darknet_vendor_nl", "synthetic_opioid_cn", "cocaine_latam", "nps_research_chem", "mdma_export_au",
		"placeholder_party", "mismatch_sender", "late_data", "watchlisted", "drop_address",
	}
	if diff := cmp.Diff(want, Patterns()); diff != "" {
		t.Errorf("Patterns() mismatch (-want +got):\n%s", diff)
	}
}

func TestAppendJSONString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Hauptstraße 12", `"Hauptstraße 12"`},
		{"quote and backslash", `O"Brien \ Co`, `"O\"Brien \\ Co"`},
		{"short escapes", "a\nb\rc\td\be\ff", `"a\nb\rc\td\be\ff"`},
		{"other controls", "\x00\x1f", `"\u0000\u001f"`},
		{"DEL and line separator pass", "\x7f\u2028", "\"\x7f\u2028\""},
		{"invalid UTF-8", "a\xffb\xc3", `"a\ufffdb\ufffd"`},
		{"accents", "Dvořák, Łukasz, François", `"Dvořák, Łukasz, François"`},
		{"empty", "", `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(appendJSONString(nil, tt.in))
			if got != tt.want {
				t.Errorf("appendJSONString(%q) = %s; want %s", tt.in, got, tt.want)
			}
			if b := string(appendJSONString(nil, []byte(tt.in))); b != got {
				t.Errorf("appendJSONString([]byte(%q)) = %s; want %s", tt.in, b, got)
			}
			var back string
			if err := json.Unmarshal([]byte(got), &back); err != nil {
				t.Fatalf("encoding/json rejects %s: %v", got, err)
			}
			if want := strings.ToValidUTF8(tt.in, "\uFFFD"); tt.name != "invalid UTF-8" && back != want {
				t.Errorf("round trip = %q; want %q", back, want)
			}
		})
	}
}

func TestAppendFixed(t *testing.T) {
	tests := []struct {
		v    int64
		dec  int
		want string
	}{
		{150, 3, "0.150"},
		{1, 3, "0.001"},
		{12345, 3, "12.345"},
		{999, 2, "9.99"},
		{1000, 2, "10.00"},
		{0, 2, "0.00"},
		{-5, 2, "-0.05"},
		{2500, 0, "2500"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := string(appendFixed(nil, tt.v, tt.dec)); got != tt.want {
				t.Errorf("appendFixed(%d, %d) = %s; want %s", tt.v, tt.dec, got, tt.want)
			}
		})
	}
}

func TestCzechFeminine(t *testing.T) {
	tests := []struct{ last, want string }{
		{"Novotný", "Novotná"},
		{"Svoboda", "Svobodová"},
		{"Hájek", "Hájková"},
		{"Němec", "Němcová"},
		{"Dvořák", "Dvořáková"},
	}
	for _, tt := range tests {
		t.Run(tt.last, func(t *testing.T) {
			if got := string(appendCzechFeminine(nil, tt.last)); got != tt.want {
				t.Errorf("appendCzechFeminine(%s) = %s; want %s", tt.last, got, tt.want)
			}
		})
	}
}

func BenchmarkNext(b *testing.B) {
	g := New(Config{Seed: 1})
	buf := make([]byte, 0, 4096)
	var n int64
	b.ReportAllocs()
	for b.Loop() {
		buf = g.Next(buf[:0])
		n += int64(len(buf))
	}
	b.SetBytes(n / int64(b.N))
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "manifests/s")
}
