package rules

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/manifest"
)

// Set is one compiled, tested rule pack. It is immutable once loaded and
// safe to share between goroutines; evaluate it through a Machine.
type Set struct {
	Name        string
	Description string
	// Version is a content hash of every file of the pack.
	Version string
	// ReviewAt and InspectAt are the score thresholds of the review and
	// inspect lanes.
	ReviewAt  int
	InspectAt int
	// Rules are in file order, then in order within a file.
	Rules []*Rule

	lists map[string]*List
	rates manifest.Rates
	// all evaluates, in one VM run, the when of every rule that has no
	// closure (see fast.go), returning a []any of bools in the order of
	// slow, the indexes of those rules. It saves the per-run set-up that
	// dominates small expressions. Nil when every rule has a closure or the
	// combined program could not be built; Machine.MatchAll then runs the
	// remaining rules one by one.
	all  *vm.Program
	slow []int
	// slots is the most slots any rule's closures need.
	slots   slots
	helpers helpers
	// senderAddress and recipientAddress say whether the pack's
	// expressions read a party's folded address or locker check, which cost
	// more than the rest of the party together.
	senderAddress, recipientAddress bool
	// locker is the list that decides PartyEnv.Locker, nil when the pack
	// has none.
	locker *List
}

// Lists returns the pack's lists sorted by name.
func (s *Set) Lists() []*List {
	out := make([]*List, 0, len(s.lists))
	for _, l := range s.lists {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Rule is one compiled indicator.
type Rule struct {
	ID          string
	Title       string
	Description string
	When        string
	Explain     string
	Score       int
	// Outcome, when set, forces at least that lane.
	Outcome string
	// Mode is active or shadow; shadow hits are recorded but never counted.
	Mode       string
	ValidFrom  time.Time
	ValidUntil time.Time
	Tags       []string
	Tests      []Test
	File       string
	Line       int

	when    *vm.Program
	explain *vm.Program
	// fast and fastExplain are when and explain compiled to closures; nil
	// when they use something the closures do not cover, and the VM runs
	// them.
	fast        fn[bool]
	fastExplain fn[string]
	// index is the rule's position in Set.Rules.
	index int
}

// ActiveAt reports whether t falls inside the rule's validity window.
func (r *Rule) ActiveAt(t time.Time) bool {
	if !r.ValidFrom.IsZero() && t.Before(r.ValidFrom) {
		return false
	}
	return r.ValidUntil.IsZero() || t.Before(r.ValidUntil)
}

// Test is an example manifest on which a rule must or must not fire.
type Test struct {
	Name       string
	Fires      bool
	ReceivedAt time.Time
	Line       int
	// Data is the test's manifest as JSON, test_base included.
	Data []byte

	manifest yaml.Node
}

// Machine evaluates rules for one parcel at a time. It holds an expr VM and
// the parcel's environment, so it is not safe for concurrent use: keep one
// per goroutine.
type Machine struct {
	vm    vm.VM
	env   Env
	frame frame
	set   *Set
	// reasons holds each rule's latest explanation, by Rule.index.
	reasons []string
}

// Load prepares the machine to evaluate set's rules on p.
func (m *Machine) Load(set *Set, p *manifest.Parcel) {
	m.set = set
	m.env.fill(p, set)
	m.frame.env = &m.env
	m.frame.size(set.slots)
	m.frame.parcel++
}

// Env returns the environment of the loaded parcel.
func (m *Machine) Env() *Env { return &m.env }

// Match reports whether r fires on the loaded parcel. A runtime error (a
// division by zero, an index out of range) is returned and counts as no fire.
func (m *Machine) Match(r *Rule) (bool, error) {
	if r.fast != nil {
		if fired, ok := runFast(m, r.fast); ok {
			return fired, nil
		}
	}
	return m.matchVM(r)
}

func (m *Machine) matchVM(r *Rule) (bool, error) {
	out, err := m.vm.Run(r.when, &m.env)
	if err != nil {
		return false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	fired, _ := out.(bool)
	return fired, nil
}

// runFast runs a closure of a rule. A closure that panics is not trusted
// (ok false): the caller runs the rule on the VM, which reports the fault
// as the rule's error.
func runFast[T any](m *Machine, f fn[T]) (v T, ok bool) {
	defer func() {
		if recover() != nil {
			var zero T
			v, ok = zero, false
		}
	}()
	return f(&m.frame), true
}

// MatchAll evaluates every rule of the loaded set and stores in fired
// whether each fired, in rule order; fired is grown to len(set.Rules). A rule
// that fails to run counts as not fired and its error is returned in errs.
func (m *Machine) MatchAll(fired []bool) ([]bool, []error) {
	rules := m.set.Rules
	fired = append(fired[:0], make([]bool, len(rules))...)
	var errs []error
	for i := 0; i < len(rules); i++ {
		i = m.matchFast(fired, i)
		if i < len(rules) {
			// Rule i's closure panicked.
			var err error
			if fired[i], err = m.matchVM(rules[i]); err != nil {
				errs = append(errs, err)
			}
		}
	}
	if len(m.set.slow) == 0 {
		return fired, errs
	}
	if m.set.all != nil {
		out, err := m.vm.Run(m.set.all, &m.env)
		if res, ok := out.([]any); ok && err == nil && len(res) == len(m.set.slow) {
			for j, v := range res {
				fired[m.set.slow[j]], _ = v.(bool)
			}
			return fired, errs
		}
		// One rule failed: run them one by one to say which.
	}
	for _, i := range m.set.slow {
		var err error
		if fired[i], err = m.matchVM(rules[i]); err != nil {
			errs = append(errs, err)
		}
	}
	return fired, errs
}

// matchFast runs the closures of the rules from from on, stopping at the
// first that panics; it returns that rule's index, or len(rules).
func (m *Machine) matchFast(fired []bool, from int) (i int) {
	rules := m.set.Rules
	defer func() {
		if recover() != nil {
			fired[i] = false
		}
	}()
	for i = from; i < len(rules); i++ {
		if fast := rules[i].fast; fast != nil {
			fired[i] = fast(&m.frame)
		}
	}
	return i
}

// Explain renders r's explanation for the loaded parcel; the title stands in
// when the rule has none or it fails.
func (m *Machine) Explain(r *Rule) string {
	if r.explain == nil {
		return r.Title
	}
	if r.fastExplain != nil {
		// The rule's latest explanation on this machine: when this one
		// reads the same, as it mostly does (the same origin, the same
		// weights), it is returned rather than made anew.
		if r.index >= len(m.reasons) {
			m.reasons = append(m.reasons, make([]string, r.index+1-len(m.reasons))...)
		}
		m.frame.reason = &m.reasons[r.index]
		s, ok := runFast(m, r.fastExplain)
		m.frame.reason = nil
		if ok && s != "" {
			return s
		}
	}
	out, err := m.vm.Run(r.explain, &m.env)
	if s, ok := out.(string); ok && err == nil && s != "" {
		return s
	}
	return r.Title
}

// helpers are the list and text functions rules call most, bound to one
// set's lists. They reach rules as fields of Env rather than as expr
// functions because expr calls a typed function field directly off its
// stack, while an expr function costs an argument slice per call.
type helpers struct {
	inList    func(string, string) bool
	hasTerm   func(string, string) bool
	term      func(string, string) string
	hasPrefix func(string, string) bool
}

func (s *Set) bindHelpers() {
	// The list names are checked at compile time (listCheck), so a lookup
	// cannot miss.
	s.helpers = helpers{
		inList:    func(list, v string) bool { return s.lists[list].contains(v) },
		hasTerm:   func(list, text string) bool { return s.lists[list].hasTerm(text) },
		term:      func(list, text string) string { return s.lists[list].term(text) },
		hasPrefix: func(list, code string) bool { return s.lists[list].hasPrefix(code) },
	}
}

// functions declares the functions used mostly in explanations.
func (s *Set) functions() []expr.Option {
	return []expr.Option{
		expr.Function("money", func(p ...any) (any, error) {
			return money(p[0].(float64)), nil
		}, new(func(float64) string)),
		expr.Function("kg", func(p ...any) (any, error) {
			return kg(p[0].(float64)), nil
		}, new(func(float64) string)),
		expr.Function("sprintf", func(p ...any) (any, error) {
			return fmt.Sprintf(p[0].(string), p[1:]...), nil
		}, new(func(string, ...any) string)),
	}
}

// money and kg are the rule functions money(x) and kg(x); appendMoney and
// appendKg append the same text to b.
func money(x float64) string { return string(appendMoney(nil, x)) }
func kg(x float64) string    { return string(appendKg(nil, x)) }

func appendMoney(b []byte, x float64) []byte { return strconv.AppendFloat(b, x, 'f', 2, 64) }
func appendKg(b []byte, x float64) []byte {
	return append(strconv.AppendFloat(b, x, 'f', 3, 64), " kg"...)
}

// cents is the rule function cents(x).
func cents(x float64) int { return int(math.Round(x*100)) % 100 }

// Functions documents the helper functions for `parcelguard rules env`.
var Functions = []struct{ Signature, Doc string }{
	{`in_list(list string, value string) bool`, `value is an entry of the list (normalised as the list's kind says)`},
	{`has_term(list string, text string) bool`, `text contains a term of the list on word boundaries, ignoring case, accents and punctuation`},
	{`term(list string, text string) string`, `the first (longest) term of the list found in text, or ""`},
	{`has_prefix(list string, code string) bool`, `an entry of a codes list is a prefix of code (HS codes: "2933" matches "293339")`},
	{`money(x float) string`, `x with two decimals, for explanations`},
	{`kg(x float) string`, `x as "0.350 kg", for explanations`},
	{`cents(x float) int`, `the cents of x (9.99 → 99), for round-value checks`},
	{`repeated(s string) bool`, `s, spaces aside, is one character written three or more times ("xxx", "1111")`},
	{`sprintf(format string, args ...any) string`, `Go's fmt.Sprintf, for explanations`},
}

// repeated reports whether s, spaces aside, is one character three or more
// times over.
func repeated(s string) bool {
	var first rune
	n := 0
	for _, r := range s {
		switch {
		case r == ' ':
			continue
		case n == 0:
			first = r
		case r != first:
			return false
		}
		n++
	}
	return n >= 3
}
