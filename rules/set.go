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
	vm  vm.VM
	env Env
	set *Set
}

// Load prepares the machine to evaluate set's rules on p.
func (m *Machine) Load(set *Set, p *manifest.Parcel) {
	m.set = set
	m.env.fill(p, set)
}

// Env returns the environment of the loaded parcel.
func (m *Machine) Env() *Env { return &m.env }

// Match reports whether r fires on the loaded parcel. A runtime error (a
// division by zero, an index out of range) is returned and counts as no fire.
func (m *Machine) Match(r *Rule) (bool, error) {
	out, err := m.vm.Run(r.when, &m.env)
	if err != nil {
		return false, fmt.Errorf("rule %s: %w", r.ID, err)
	}
	fired, _ := out.(bool)
	return fired, nil
}

// Explain renders r's explanation for the loaded parcel; the title stands in
// when the rule has none or it fails.
func (m *Machine) Explain(r *Rule) string {
	if r.explain == nil {
		return r.Title
	}
	out, err := m.vm.Run(r.explain, &m.env)
	if s, ok := out.(string); ok && err == nil && s != "" {
		return s
	}
	return r.Title
}

// functions binds the helper functions to this set's lists.
func (s *Set) functions() []expr.Option {
	list := func(name any) *List { return s.lists[name.(string)] }
	return []expr.Option{
		expr.Function("in_list", func(p ...any) (any, error) {
			return list(p[0]).contains(p[1].(string)), nil
		}, new(func(string, string) bool)),
		expr.Function("has_term", func(p ...any) (any, error) {
			return list(p[0]).hasTerm(p[1].(string)), nil
		}, new(func(string, string) bool)),
		expr.Function("term", func(p ...any) (any, error) {
			return list(p[0]).term(p[1].(string)), nil
		}, new(func(string, string) string)),
		expr.Function("has_prefix", func(p ...any) (any, error) {
			return list(p[0]).hasPrefix(p[1].(string)), nil
		}, new(func(string, string) bool)),
		expr.Function("money", func(p ...any) (any, error) {
			return strconv.FormatFloat(p[0].(float64), 'f', 2, 64), nil
		}, new(func(float64) string)),
		expr.Function("kg", func(p ...any) (any, error) {
			return strconv.FormatFloat(p[0].(float64), 'f', 3, 64) + " kg", nil
		}, new(func(float64) string)),
		expr.Function("cents", func(p ...any) (any, error) {
			return int(math.Round(p[0].(float64)*100)) % 100, nil
		}, new(func(float64) int)),
		expr.Function("repeated", func(p ...any) (any, error) {
			return repeated(p[0].(string)), nil
		}, new(func(string) bool)),
		expr.Function("sprintf", func(p ...any) (any, error) {
			return fmt.Sprintf(p[0].(string), p[1:]...), nil
		}, new(func(string, ...any) string)),
	}
}

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
