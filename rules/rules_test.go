package rules

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/synth"
)

func TestDefaultPack(t *testing.T) {
	set, err := Load(Default, LoadOptions{})
	if err != nil {
		t.Fatalf("Load(Default) = %v", err)
	}
	if set.Version == "" || len(set.Version) != 12 {
		t.Errorf("Version = %q; want a 12-character hash", set.Version)
	}
	cites := regexp.MustCompile(`\bD([1-9]|1[0-8])\b|Mitigation`)
	covered := map[string]bool{}
	for _, r := range set.Rules {
		if !cites.MatchString(r.Description) {
			t.Errorf("rule %s: description cites no indicator (D1..D18)", r.ID)
		}
		if !strings.Contains(r.Description, "Source") && !strings.Contains(r.Description, "Mitigation") {
			t.Errorf("rule %s: description names no source", r.ID)
		}
		for _, m := range cites.FindAllString(r.Description, -1) {
			covered[m] = true
		}
		var fires, quiet int
		for _, tc := range r.Tests {
			if tc.Fires {
				fires++
			} else {
				quiet++
			}
		}
		if fires == 0 || quiet == 0 {
			t.Errorf("rule %s: %d tests that fire and %d that must not; want at least one of each", r.ID, fires, quiet)
		}
	}
	for _, d := range []string{"D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8", "D9", "D10", "D11", "D12", "D13", "D14", "D15", "D16", "D17", "D18"} {
		if !covered[d] {
			t.Errorf("no rule of the default pack encodes indicator %s", d)
		}
	}
	for _, res := range set.Test() {
		if !res.Passed() {
			t.Error(res)
		}
	}
}

// pack builds an in-memory pack from a base pack.yaml, one rules file and
// extra files.
func pack(rulesYAML string, extra ...string) fstest.MapFS {
	fs := fstest.MapFS{
		"pack.yaml": {Data: []byte(`name: t
thresholds: {review: 10, inspect: 20}
lists:
  - {name: vague, file: lists/vague.txt, kind: terms}
  - {name: origins, file: lists/origins.txt, kind: codes}
test_base:
  item_id: CP123456785FR
  operator: LAPOSTE
  origin_country: FR
  destination_country: DE
  contents: [{description: Sweater, quantity: 1, net_weight_kg: 0.4, value: 30}]
  gross_weight_kg: 0.5
`)},
		"lists/vague.txt":   {Data: []byte("gift\nas per invoice\n")},
		"lists/origins.txt": {Data: []byte("# origins\nCN\n")},
		"r.yaml":            {Data: []byte(rulesYAML)},
	}
	for i := 0; i+1 < len(extra); i += 2 {
		fs[extra[i]] = &fstest.MapFile{Data: []byte(extra[i+1])}
	}
	return fs
}

const goodRule = `rules:
  - id: R1
    title: from a listed origin
    description: test rule
    when: in_list("origins", origin_country)
    score: 10
    tests:
      - {name: cn, fires: true, manifest: {origin_country: CN}}
      - {name: fr, fires: false, manifest: {}}
`

func TestLoadRefusals(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
		// want lists substrings the error must hold, in order: typically
		// file:line:col, the rule id and the reason.
		want []string
	}{
		{"type error", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: gross_weight_kg + \"kg\"\n"),
			[]string{"r.yaml:6:", "rule R1", "when:", "invalid operation"}},
		{"when not bool", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: gross_weight_kg\n"),
			[]string{"r.yaml:6", "rule R1", "bool"}},
		{"unknown field", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: |\n      origin_country == \"CN\"\n        && sender.phon == \"\"\n"),
			[]string{"r.yaml:8:", "rule R1", "has no field phon", "^"}},
		{"syntax error in expression", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: origin_country == \n"),
			[]string{"r.yaml:6", "rule R1", "unexpected token"}},
		{"YAML syntax error", pack("rules:\n  - id: R1\n    title: [unclosed\n    when: true\n"),
			[]string{"r.yaml:", "did not find expected"}},
		{"unknown rule key", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    scroe: 1\n    when: true\n"),
			[]string{"r.yaml:5", "field scroe not found"}},
		{"failing test", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: origin_country == \"CN\"\n    tests:\n      - {name: should fire, fires: true, manifest: {}}\n"),
			[]string{"r.yaml:8", "rule R1", `test "should fire"`, "want the rule to fire"}},
		{"test manifest rejected", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: true\n    tests:\n      - {name: broken, fires: true, manifest: {item_id: \"\"}}\n"),
			[]string{"rule R1", "MISSING_ITEM_ID"}},
		{"unknown list", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: in_list(\"orgins\", origin_country)\n"),
			[]string{"r.yaml:6:", "rule R1", `unknown list "orgins"`}},
		{"list of the wrong kind", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: has_term(\"origins\", descriptions)\n"),
			[]string{"rule R1", "needs a list of kind"}},
		{"duplicate id", pack(goodRule, "s.yaml", goodRule), []string{"s.yaml", "rule R1", "already used in r.yaml"}},
		{"bad outcome", pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    outcome: hold\n    when: true\n"),
			[]string{"rule R1", `outcome "hold"`}},
		{"missing title", pack("rules:\n  - id: R1\n    description: d\n    score: 1\n    when: true\n"),
			[]string{"rule R1", "title is required"}},
		{"no pack.yaml", fstest.MapFS{"r.yaml": {Data: []byte(goodRule)}}, []string{"pack.yaml", "file not found"}},
		{"undeclared list file missing", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 1, inspect: 2}\nlists: [{name: x, file: lists/x.txt, kind: terms}]\n"),
			[]string{"lists/x.txt", "file not found"}},
		{"bad thresholds", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 30, inspect: 20}\n"),
			[]string{"pack.yaml", "0 < review < inspect"}},
		{"bad list kind", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 1, inspect: 2}\nlists: [{name: x, file: lists/vague.txt, kind: words}]\n"),
			[]string{"pack.yaml", `kind "words"`}},
		{"bad address list", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 1, inspect: 2}\nlists: [{name: a, file: a.csv, kind: addresses}, {name: origins, file: lists/origins.txt, kind: codes}]\n", "a.csv", "street,postcode,country\nMain St 1,123\n"),
			[]string{"a.csv:2", "want 3 columns"}},
		{"unterminated quote in a CSV list", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 1, inspect: 2}\nlists: [{name: a, file: a.csv, kind: addresses}, {name: origins, file: lists/origins.txt, kind: codes}]\n", "a.csv", "street,postcode,country\n\"Main St 1,123,DE\n"),
			[]string{"a.csv", "line 2", "quote"}},
		{"bad rates", pack(goodRule, "pack.yaml", "name: t\nthresholds: {review: 1, inspect: 2}\nrates: rates.csv\nlists: [{name: origins, file: lists/origins.txt, kind: codes}]\n", "rates.csv", "USD,abc\n"),
			[]string{"rates.csv", "line 1"}},
		{"no rules", fstest.MapFS{"pack.yaml": {Data: []byte("name: t\nthresholds: {review: 1, inspect: 2}\n")}}, []string{"no rules"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			set, err := Load(tc.fs, LoadOptions{})
			var pe *PackError
			if !errors.As(err, &pe) {
				t.Fatalf("Load() = %v, %v; want a *PackError", set, err)
			}
			msg := err.Error()
			at := 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Fatalf("Load() error lacks %q (after position %d):\n%s", w, at, msg)
				}
				at += i + len(w)
			}
		})
	}
}

func TestLoadGood(t *testing.T) {
	set, err := Load(pack(goodRule), LoadOptions{})
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	if len(set.Rules) != 1 || set.Rules[0].ID != "R1" || set.ReviewAt != 10 || set.InspectAt != 20 {
		t.Errorf("Load() = %d rules, thresholds %d/%d; want R1 and 10/20", len(set.Rules), set.ReviewAt, set.InspectAt)
	}
	again, _ := Load(pack(goodRule), LoadOptions{})
	if again.Version != set.Version {
		t.Errorf("Version differs for the same files: %s, %s", set.Version, again.Version)
	}
	changed, _ := Load(pack(goodRule, "lists/origins.txt", "CN\nHK\n"), LoadOptions{})
	if changed.Version == set.Version {
		t.Errorf("Version = %s after a list changed; want a new one", changed.Version)
	}
}

func TestMaxNodes(t *testing.T) {
	long := "origin_country == \"CN\"" + strings.Repeat(" || origin_country == \"CN\"", 200)
	_, err := Load(pack("rules:\n  - id: R1\n    title: t\n    description: d\n    score: 1\n    when: "+long+"\n"), LoadOptions{MaxNodes: 100})
	if err == nil || !strings.Contains(err.Error(), "exceeds maximum allowed nodes") {
		t.Errorf("Load(expression of 800 nodes, MaxNodes 100) = %v; want the node limit error", err)
	}
}

func TestTerms(t *testing.T) {
	l := &List{Kind: KindTerms, entries: map[string]uint8{}}
	for _, term := range []string{"research chemical", "research chemical sample", "pill", "pick up point", "as per invoice"} {
		l.add(string(manifest.FoldText(nil, term)))
	}
	tests := []struct {
		text, want string
	}{
		{"Research Chemical 10g", "research chemical"},
		{"research chemical sample pack", "research chemical sample"},
		{"RESEARCH chemicals", ""},
		{"Sleeping pill", "pill"},
		{"Pillow case", ""},
		{"Pick-up point Müllerstraße", "pick up point"},
		{"pick up", ""},
		{"goods as per invoice", "as per invoice"},
		{"tee / pill", "pill"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := l.term(tc.text); got != tc.want {
			t.Errorf("term(%q) = %q; want %q", tc.text, got, tc.want)
		}
	}
}

// TestCodePairs checks the bit set that answers two-letter codes against
// the map it stands in for.
func TestCodePairs(t *testing.T) {
	l, err := readList("codes", KindCodes, "codes.txt", strings.NewReader("cn\nIN\nZZ\nAA\nHK-US\nD\nÄT-ÉS\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, value := range []string{"CN", "cn", "In", "ZZ", "AA", "HK-US", "hk-Us", "D", "ät-és", "ÄT-és"} {
		if !l.contains(value) {
			t.Errorf("contains(%q) = false; want true", value)
		}
		if !l.containsCode([]byte(value)) {
			t.Errorf("containsCode(%q) = false; want true", value)
		}
	}
	for _, value := range []string{"US", "AB", "ZY", "HK", "C", "CNX", "C1", "1N", "Ä", "", "[A", "A[", "HK-U", "AT-ES"} {
		if l.contains(value) {
			t.Errorf("contains(%q) = true; want false", value)
		}
		if l.containsCode([]byte(value)) {
			t.Errorf("containsCode(%q) = true; want false", value)
		}
	}
	var set int
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			key := string([]rune{a, b})
			if got, want := l.flags(key), l.entries[key]; got != want {
				t.Errorf("flags(%q) = %d; the map holds %d", key, got, want)
			}
			if l.flags(key) != 0 {
				set++
			}
		}
	}
	if set != 4 {
		t.Errorf("%d two-letter codes are entries; want 4", set)
	}
}

// TestListFilters checks the cheap tests that rule most values out of a
// list (length, first and last byte, letters and digits against the
// longest entry) against plain map look-ups of the normalised value.
func TestListFilters(t *testing.T) {
	set := defaultSet(t)
	values := []string{"", "×× test", "…unknown", "×", "\u0301test", "Tést", "t×est", "test×", "«unknown»", "'sender'", "Not applicable", "NOT-APPLICABLE!!", "N/A", "n.a.", "Sender!!", "  unknown ", "SAME AS ABOVE", "Same-as-above!", "x", "X X", "Ｘ", "ÜNKNOWN",
		"test\u0301", "Dr Sarah Thompson", "Anna Łukasiewicz", "42 Station Rd", "noname1", "tést", "a@b.c", "+4930123456"}
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	g := synth.New(synth.Config{Seed: 3, PatternShare: 0.3, DeficientShare: 0.3, Start: now, Span: time.Hour})
	var dec manifest.Decoder
	var p manifest.Parcel
	for range 300 {
		if dec.Decode(g.Next(nil), now, &p) != nil {
			continue
		}
		for _, pt := range []manifest.Party{p.Sender, p.Recipient} {
			values = append(values, pt.Name, pt.Street, pt.City, pt.Business, pt.NameKey, pt.AddressKey, pt.EmailKey, pt.EmailDomain, pt.PhoneE164)
		}
		for _, it := range p.Contents {
			values = append(values, it.Description, string(manifest.FoldText(nil, it.Description)))
		}
	}
	found := 0
	for name, l := range set.lists {
		for _, v := range values {
			var key string
			switch l.Kind {
			case KindTerms:
				key = string(manifest.FoldText(nil, v))
			case KindCodes:
				key = strings.ToUpper(v)
			case KindEmails:
				key = strings.ToLower(v)
			case KindNames:
				key = manifest.NameKey(v)
			default:
				key = v
			}
			want := l.entries[key]&isEntry != 0
			if got := l.contains(v); got != want {
				t.Errorf("list %s: contains(%q) = %v; the map says %v", name, v, got, want)
			}
			if want {
				found++
			}
		}
	}
	if found < 20 {
		t.Errorf("only %d values found in a list; the check proves little", found)
	}
}

// TestPartyAddress checks the folded address a party's address and locker
// flag come from: one space between the parts that fold to anything.
func TestPartyAddress(t *testing.T) {
	set := defaultSet(t)
	tests := []struct {
		street, postcode, city, business string
		want                             string
		locker                           bool
	}{
		{"Königsallee 92a", "40212", "Düsseldorf", "", "konigsallee 92a 40212 dusseldorf", false},
		{"Packstation 123", "", "Berlin", "", "packstation 123 berlin", true},
		{"", "", "Berlin", "", "berlin", false},
		{"5", "!", "Y", "", "5 y", false},
		{"-", "", "", "", "", false},
		{"", "", "", "", "", false},
		{"Hauptstr. 1", "10115", "Berlin", "Pick-up point Späti", "hauptstr 1 10115 berlin", true},
	}
	var m Machine
	for _, tc := range tests {
		party := manifest.Party{Street: tc.street, Postcode: tc.postcode, City: tc.city, Business: tc.business, Country: "DE"}
		m.Load(set, &manifest.Parcel{Sender: party, Recipient: party, Contents: []manifest.Item{{Description: "tea"}}})
		if got := m.env.Recipient.Address; got != tc.want {
			t.Errorf("address of %q, %q, %q = %q; want %q", tc.street, tc.postcode, tc.city, got, tc.want)
		}
		if got := m.env.Recipient.Locker; got != tc.locker {
			t.Errorf("locker of %q, %q, %q, %q = %v; want %v", tc.street, tc.postcode, tc.city, tc.business, got, tc.locker)
		}
		if m.env.Descriptions != "tea" || m.env.Contents[0].Words != "tea" {
			t.Errorf("descriptions %q, words %q; want both \"tea\"", m.env.Descriptions, m.env.Contents[0].Words)
		}
	}
}

func TestRepeated(t *testing.T) {
	for s, want := range map[string]bool{"xxx": true, "x x x": true, "aa": false, "abc": false, "1111": true, "": false, "ééé": true} {
		if got := repeated(s); got != want {
			t.Errorf("repeated(%q) = %v; want %v", s, got, want)
		}
	}
}
