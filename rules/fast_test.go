package rules

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/synth"
)

// generated decodes n generated parcels of every pattern and defect and
// calls check with the machine loaded for each.
func generated(t *testing.T, set *Set, n int, check func(m *Machine, raw []byte)) {
	t.Helper()
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	g := synth.New(synth.Config{Seed: 11, PatternShare: 0.3, DeficientShare: 0.3, Start: now.Add(-24 * time.Hour), Span: 24 * time.Hour})
	var (
		dec manifest.Decoder
		p   manifest.Parcel
		m   Machine
	)
	decoded := 0
	for i := 0; i < n; i++ {
		raw := g.Next(nil)
		if err := dec.Decode(raw, now, &p); err != nil {
			continue
		}
		decoded++
		m.Load(set, &p)
		check(&m, raw)
	}
	if decoded < n*9/10 {
		t.Fatalf("only %d of %d generated parcels decoded", decoded, n)
	}
}

// TestFastAgrees checks, for every rule of the default pack, its closure
// against its own VM program and against the program that evaluates all
// rules at once, over generated parcels; and that MatchAll agrees with them.
func TestFastAgrees(t *testing.T) {
	set := defaultSet(t)
	for _, r := range set.Rules {
		if r.fast == nil {
			_, _, err := compileFast(r.when.Node(), set.lists)
			t.Errorf("rule %s has no closure and runs on the VM: %v", r.ID, err)
		}
	}
	explained := 0
	for _, r := range set.Rules {
		if r.fastExplain != nil {
			explained++
		}
	}
	if explained < len(set.Rules)*3/4 {
		t.Errorf("only %d of %d explanations have closures", explained, len(set.Rules))
	}
	all := set.combine(set.Rules, DefaultMaxNodes)
	if all == nil {
		t.Fatal("the default pack's rules do not combine into one program")
	}
	var fired []bool
	fires := 0
	generated(t, set, 5000, func(m *Machine, raw []byte) {
		out, err := m.vm.Run(all, &m.env)
		if err != nil {
			t.Fatalf("combined program: %v", err)
		}
		res := out.([]any)
		for _, it := range m.env.Contents {
			if want := string(manifest.FoldText(nil, it.Description)); it.Words != want {
				t.Fatalf("words of %q = %q; want %q", it.Description, it.Words, want)
			}
		}
		fired, _ = m.MatchAll(fired)
		for j, r := range set.Rules {
			want, err := m.matchVM(r)
			if err != nil {
				t.Fatalf("rule %s: %v", r.ID, err)
			}
			got, ok := runFast(m, r.fast)
			if !ok || got != want || res[j] != want || fired[j] != want {
				t.Fatalf("rule %s: VM %v, closure %v (ok %v), combined %v, MatchAll %v\n%s", r.ID, want, got, ok, res[j], fired[j], raw)
			}
			if want {
				fires++
			}
			if r.fastExplain == nil {
				continue
			}
			out, err := m.vm.Run(r.explain, &m.env)
			text, ok := runFast(m, r.fastExplain)
			if (err == nil) != ok || err == nil && text != out.(string) {
				t.Fatalf("explanation of %s: VM %q (%v), closure %q (ok %v)\n%s", r.ID, out, err, text, ok, raw)
			}
			// Explain goes through the rule's latest explanation on the
			// machine, which must not leak from one parcel to the next.
			if got := m.Explain(r); err == nil && out.(string) != "" && got != out.(string) {
				t.Fatalf("Explain(%s) = %q; the VM says %q\n%s", r.ID, got, out, raw)
			}
		}
	})
	if fires < 1000 {
		t.Errorf("only %d rule hits over 5000 parcels; the comparison proves little", fires)
	}
}

// TestFastConstructs compiles expressions covering every construct the
// closures handle and checks each against expr's VM over generated parcels.
func TestFastConstructs(t *testing.T) {
	set := defaultSet(t)
	exprs := []string{
		`gross_weight_kg > 1`,
		`gross_weight_kg * 2 >= declared_value / 3 - 1.5`,
		`total_quantity + 1 > max_quantity * 2 - amendment`,
		`total_quantity % 3 == 1`,
		`total_quantity / 2 > 1.5`,
		`max_quantity == gross_weight_kg || max_quantity != value_eur`,
		`max_quantity < value_eur && value_eur <= total_quantity * 100`,
		`-declared_value < -10 && +total_quantity > 0 && -max_quantity < 0`,
		`declared_value + total_quantity > 40`,
		`declared_value / (gross_weight_kg - gross_weight_kg) > 1`,
		`sender.country + "-" + recipient.country == origin_country + "-" + destination_country`,
		`sender.country < recipient.country || sender.name >= "M"`,
		`category in ["gift", "documents"]`,
		`category not in ["gift", "documents", "sale_of_goods"]`,
		`max_quantity in [1, 2, 3]`,
		`49 in hs_chapters || 30 in hs_chapters`,
		`"MISSING_SENDER_PHONE" in quality`,
		`value_eur in hs_chapters`,
		`!(category == "gift") and not s10.valid or s10.check_ok`,
		`sender.name matches "^[A-Z][a-z]+ [A-Z]"`,
		`descriptions contains "tea" || item_id startsWith "RR" || item_id endsWith "CN"`,
		`len(contents) > 1 && len(descriptions) > 20 && len(quality) == 0`,
		`len(hs_chapters) == len(contents)`,
		`len(sender.name) == 11 || len(recipient.street) == 14`,
		`int(gross_weight_kg) >= 1 || float(total_quantity) > 2.5 || int(total_quantity) == 1`,
		`all(contents, .value > 0)`,
		`none(contents, .hs_chapter == 30)`,
		`one(contents, .quantity > 1)`,
		`count(contents, .net_weight_kg > 0.1) >= 2`,
		`count(quality, # startsWith "MISSING") > 1`,
		`any(hs_chapters, # == 30 || # == 29)`,
		`any(contents, let d = .description; any(quality, len(#) > len(d)))`,
		`any(contents, .origin_country != origin_country && any(contents, .origin_country == origin_country))`,
		`let w = gross_weight_kg; let n = total_quantity; let s = s10.valid; let c = category; (w > 1 || n > 3) == s || c == "gift"`,
		`(category == "gift" ? value_eur : declared_value) > 20`,
		`(s10.form ? "post" : operator_kind) == "post"`,
		`(gross_weight_kg > 1 ? 2 : 1) == 2`,
		`gross_weight_kg > 1 ? s10.form : s10.valid`,
		`cents(declared_value) == 99 || cents(gross_weight_kg) == 50`,
		`repeated(sender.name) || repeated(recipient.postcode)`,
		`term("medicine_terms", descriptions) != "" || has_term("vague_terms", descriptions)`,
		`has_prefix("hs_of_concern", "2933") && any(contents, has_prefix("hs_of_concern", .hs_code))`,
		`in_list("origins_cocaine", origin_country) || in_list("disposable_email_domains", sender.email_domain)`,
		`in_list("routes_of_concern", sender.country + "-" + destination_country) || in_list("routes_of_concern", category + origin_country)`,
		`data_delay_hours < 0 || amendment > 0`,
		`sender.locker || recipient.locker || sender.name_tokens == 1 || recipient.phone_international`,
		`len(sprintf("%s %d %.1f %v %q", category, amendment, gross_weight_kg, s10.valid, sender.name)) > 30`,
		`sprintf("%s/%s/%s", sprintf("%d-%s", amendment, category), origin_country, sprintf("%v", s10.valid)) matches "^0-gift/"`,
		`sprintf("%5s|%x", category, amendment) startsWith " gift|"`,
		`money(value_eur) + " / " + kg(gross_weight_kg) + kg(2) contains ".5"`,
		"sprintf(\"%s|%v|%s\", kg(gross_weight_kg), money(value_eur), kg(2)) matches `^0\\.[0-9]{3} kg\\|[0-9]+\\.[0-9]{2}\\|2\\.000 kg$`",
		`sprintf("%q", kg(gross_weight_kg)) startsWith "\"0."`,
		`value_known && value_per_kg_eur < 3 && contents_value != declared_value && net_weight_kg < gross_weight_kg`,
	}
	// Expressions outside the closures, which must run on the VM.
	fallback := []string{
		`posted_at < received_at`,
		`join(map(contents, .description), "; ") != ""`,
		`money(total_quantity) == "1.00"`,
		`len(contents) > 0 && contents[0].value > 1`,
		`first(contents)?.value > 1`,
		`lower(sender.name) == "x"`,
		`max_quantity ** 2 > 4`,
		`(total_quantity > 1 ? 1 : "one") == 1`,
		`sum(map(contents, .value)) > 1`,
		`let first_line = contents[0]; true`,
	}
	for _, src := range fallback {
		if _, err := compileTest(set, src); !errors.Is(err, errUnsupported) {
			t.Errorf("compileFast(%s) = %v; want a fallback to the VM", src, err)
		}
	}
	progs := compileAll(t, set, exprs)
	truths := make([]int, len(progs))
	generated(t, set, 3000, func(m *Machine, raw []byte) {
		agree(t, m, progs, truths, string(raw))
	})
	// An expression that is always or never true proves little.
	for i, p := range progs {
		if truths[i] == 0 {
			t.Errorf("%s: never true over the generated parcels", p.src)
		}
	}
}

type exprProgram struct {
	src   string
	prog  *vm.Program
	fast  fn[bool]
	slots slots
}

// defaultSet loads the default pack, failing the test if it does not load.
func defaultSet(t *testing.T) *Set {
	t.Helper()
	set, err := Load(Default, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// compileAll compiles each of exprs with compileTest, failing the test on
// any error.
func compileAll(t *testing.T, set *Set, exprs []string) []*exprProgram {
	t.Helper()
	var progs []*exprProgram
	for _, src := range exprs {
		p, err := compileTest(set, src)
		if err != nil {
			t.Fatalf("compileFast(%s): %v", src, err)
		}
		progs = append(progs, p)
	}
	return progs
}

// agree runs each of progs on the parcel loaded in m, on the VM and as a
// closure, fails the test unless they agree, and counts in truths those
// that were true. what names the parcel in a failure.
func agree(t *testing.T, m *Machine, progs []*exprProgram, truths []int, what string) {
	t.Helper()
	for i, p := range progs {
		m.frame.size(p.slots)
		out, err := m.vm.Run(p.prog, &m.env)
		if err != nil {
			t.Fatalf("%s: VM: %v", p.src, err)
		}
		got, ok := runFast(m, p.fast)
		if !ok || got != out.(bool) {
			t.Fatalf("%s: closure %v (ok %v), VM %v\n%s", p.src, got, ok, out, what)
		}
		if got {
			truths[i]++
		}
	}
}

// compileTest compiles src as a when expression of set, for the VM and
// for the closures.
func compileTest(set *Set, src string) (*exprProgram, error) {
	lists := &listCheck{lists: set.lists}
	prog, err := expr.Compile(src, append(set.functions(), expr.Env(Env{}), expr.AsBool(), expr.Patch(lists))...)
	if err != nil {
		return nil, err
	}
	fast, n, err := compileFast(prog.Node(), set.lists)
	return &exprProgram{src: src, prog: prog, fast: fast, slots: n}, err
}

// TestEmailKeys checks that the closures, which take a party's email_key
// and email_domain as lower-cased already, agree with the VM, which
// lower-cases every value it looks up in an emails list.
func TestEmailKeys(t *testing.T) {
	set := defaultSet(t)
	exprs := []string{
		`in_list("vendor_emails", sender.email_key)`,
		`in_list("disposable_email_domains", recipient.email_domain)`,
		`in_list("vendor_emails", sender.email)`,
	}
	progs := compileAll(t, set, exprs)
	truths := make([]int, len(progs))
	var m Machine
	for _, email := range []string{"shop.express@protonmail.com", "Shop.Express@ProtonMail.COM", " SHOP.EXPRESS@PROTONMAIL.COM ",
		"x@10MinuteMail.com", "Ünal@10minutemail.com", "KELVIN\u212a@example.com", "x@example.com", "not an address"} {
		raw := `{"item_id":"RR123456785DE","operator":"DPAG","origin_country":"DE","destination_country":"FR",` +
			`"sender":{"name":"A B","email":"` + email + `"},"recipient":{"name":"C D","email":"` + email + `"},` +
			`"contents":[{"description":"tea","quantity":1,"value":1}]}`
		p, err := manifest.Decode([]byte(raw))
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		m.Load(set, p)
		agree(t, &m, progs, truths, email)
	}
	if fires := truths[0] + truths[1] + truths[2]; fires < 5 {
		t.Errorf("only %d look-ups found their address; the check proves little", fires)
	}
}

// TestFoldedText checks the list functions that take descriptions or a
// line's words as they are when the parcel's text is plain ASCII, against
// the VM, which folds whatever is not folded: on text outside ASCII, on a
// phrase that only the folding of the joined descriptions brings together,
// and on lines that fold to nothing.
func TestFoldedText(t *testing.T) {
	set := defaultSet(t)
	exprs := []string{
		`has_term("medicine_terms", descriptions)`,
		`term("medicine_terms", descriptions) == "research chemical"`,
		`in_list("vague_terms", descriptions)`,
		`any(contents, in_list("vague_terms", .words))`,
		`any(contents, let w = .words; in_list("vague_terms", w) || has_term("medicine_terms", w))`,
		`let d = descriptions; has_term("medicine_terms", d) && term("medicine_terms", d) != "pill"`,
		`any(contents, has_term("medicine_terms", .words))`,
	}
	parcels := []struct {
		descriptions []string
		plain        bool
	}{
		{[]string{"Research chemical", "sample"}, true},
		{[]string{"PILLS!", "Tee"}, true},
		{[]string{"sample"}, true},
		{[]string{"Зелёный чай research", "chemical"}, false},
		{[]string{"Café research", "chemical"}, true},
		{[]string{"!!!", "pills"}, false},
		{[]string{"sample", "…"}, false},
		{[]string{"ＰＩＬＬ", "sample"}, false},
	}
	progs := compileAll(t, set, exprs)
	truths := make([]int, len(progs))
	var m Machine
	for _, tc := range parcels {
		p := manifest.Parcel{OriginCountry: "DE", DestinationCountry: "FR"}
		for _, d := range tc.descriptions {
			p.Contents = append(p.Contents, manifest.Item{Description: d, Quantity: 1})
		}
		m.Load(set, &p)
		if m.env.plain != tc.plain {
			t.Errorf("%q: plain = %v; want %v", tc.descriptions, m.env.plain, tc.plain)
		}
		agree(t, &m, progs, truths, strings.Join(tc.descriptions, " | "))
	}
}

// TestFastPanicFallsBack checks that a closure that panics leaves the
// answer, and the error, to the VM, and that the other rules still run.
func TestFastPanicFallsBack(t *testing.T) {
	set, err := Load(pack(`rules:
  - id: DIVIDES
    title: divides by zero
    description: modulo of zero
    when: total_quantity % (max_quantity - max_quantity) == 0
    score: 10
  - id: AFTER
    title: runs after
    description: fires always
    when: total_quantity >= 0
    score: 10
`), LoadOptions{SkipTests: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if r.fast == nil {
			t.Fatalf("rule %s has no closure", r.ID)
		}
	}
	generated(t, set, 20, func(m *Machine, _ []byte) {
		if _, err := m.Match(set.Rules[0]); err == nil || !strings.Contains(err.Error(), "DIVIDES") {
			t.Fatalf("Match(DIVIDES) error = %v; want the VM's error naming the rule", err)
		}
		fired, errs := m.MatchAll(nil)
		if !reflect.DeepEqual(fired, []bool{false, true}) || len(errs) != 1 {
			t.Fatalf("MatchAll = %v, %v; want [false true] and one error", fired, errs)
		}
	})
}

// TestByteClass checks the table that stands in for patterns like
// ^[0-9 ]+$ against the regexp engine, and that other patterns are left to
// the engine.
func TestByteClass(t *testing.T) {
	patterns := []string{`^[0-9 ]+$`, `^[a-z]*$`, `^[[:punct:] ]+$`, `^\d+$`, `^[A-Fa-f0-9]+$`}
	inputs := []string{"", " ", "123", "12 34", "12a", "abc", "ABC", "ÄBC", "12\n", "\n", "...", "?!", "x\xff", "é", "0\x00", "ffEE09", "-_-"}
	for _, p := range patterns {
		class, ok := byteClass(p)
		if !ok {
			t.Errorf("byteClass(%s) not recognised", p)
			continue
		}
		re := regexp.MustCompile(p)
		for _, s := range inputs {
			if got, want := class.matches(s), re.MatchString(s); got != want {
				t.Errorf("byteClass(%s).matches(%q) = %v; want %v", p, s, got, want)
			}
		}
	}
	for _, p := range []string{`^[0-9]+`, `[0-9]+$`, `(?m)^[0-9]+$`, `^[0-9]+[a-z]$`, `^[é0-9]+$`, `(?i)^[k]+$`, `^[^0-9]+$x`, `^[0-9]?$`, `^[^a-z]+$`} {
		if _, ok := byteClass(p); ok {
			t.Errorf("byteClass(%s) recognised; want it left to the regexp engine", p)
		}
	}
}
