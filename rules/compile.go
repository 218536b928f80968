package rules

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"
)

var ruleID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,63}$`)

// compileRule checks and compiles one rule; it records problems and returns
// nil when the rule is unusable.
func (l *loader) compileRule(name string, ry *ruleYAML) *Rule {
	before := len(l.problems)
	bad := func(line int, format string, args ...any) {
		l.fail(Problem{File: name, Rule: ry.ID, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	line := ry.When.Line
	if !ruleID.MatchString(ry.ID) {
		bad(line, "id %q must start with a letter and hold only letters, digits, '.', '_' or '-' (at most 64)", ry.ID)
	}
	if strings.TrimSpace(ry.Title) == "" {
		bad(line, "title is required: one line an officer reads in the queue")
	}
	if strings.TrimSpace(ry.Description) == "" {
		bad(line, "description is required: say what the indicator is, why it matters and its source")
	}
	if ry.When.Kind == 0 || strings.TrimSpace(ry.When.Value) == "" {
		bad(line, "when is required: an expression that is true when the rule fires")
	}
	if ry.Score < -1000 || ry.Score > 1000 {
		bad(line, "score %d is outside -1000..1000", ry.Score)
	}
	switch ry.Outcome {
	case "", OutcomeReview, OutcomeInspect:
	default:
		bad(line, "outcome %q must be review, inspect or left out", ry.Outcome)
	}
	switch ry.Mode {
	case "":
		ry.Mode = ModeActive
	case ModeActive, ModeShadow:
	default:
		bad(line, "mode %q must be active or shadow", ry.Mode)
	}
	if !ry.ValidFrom.IsZero() && !ry.ValidUntil.IsZero() && !ry.ValidUntil.After(ry.ValidFrom) {
		bad(line, "valid_until %s is not after valid_from %s", ry.ValidUntil.Format(time.DateOnly), ry.ValidFrom.Format(time.DateOnly))
	}
	if len(l.problems) > before {
		return nil
	}
	r := &Rule{
		ID:          ry.ID,
		Title:       strings.TrimSpace(ry.Title),
		Description: strings.TrimSpace(ry.Description),
		When:        ry.When.Value,
		Explain:     ry.Explain.Value,
		Score:       ry.Score,
		Outcome:     ry.Outcome,
		Mode:        ry.Mode,
		ValidFrom:   ry.ValidFrom,
		ValidUntil:  ry.ValidUntil,
		Tags:        ry.Tags,
		File:        name,
		Line:        line,
	}
	var ok bool
	if r.when, ok = l.compileExpr(name, r.ID, "when", &ry.When, expr.AsBool()); !ok {
		return nil
	}
	if fast, n, err := compileFast(r.when.Node(), l.set.lists); err == nil {
		r.fast = fast
		l.set.slots.grow(n)
	}
	if ry.Explain.Kind != 0 {
		if r.explain, ok = l.compileExpr(name, r.ID, "explain", &ry.Explain, expr.AsKind(reflect.String)); !ok {
			return nil
		}
		if fast, n, err := compileFastAs[string](r.explain.Node(), l.set.lists); err == nil {
			r.fastExplain = fast
			l.set.slots.grow(n)
		}
	}
	for _, t := range ry.Tests {
		if t.Fires == nil {
			bad(t.Manifest.Line, "test %q: fires: true or fires: false is required", t.Name)
			continue
		}
		r.Tests = append(r.Tests, Test{Name: t.Name, Fires: *t.Fires, ReceivedAt: t.ReceivedAt, Line: t.Manifest.Line, manifest: t.Manifest})
	}
	return r
}

// compileExpr compiles one expression. Errors keep expr's line:column and
// caret snippet, and give the line in the YAML file.
func (l *loader) compileExpr(name, id, field string, n *yaml.Node, kind expr.Option) (*vm.Program, bool) {
	lists := &listCheck{lists: l.set.lists}
	opts := append(l.set.functions(), expr.Env(Env{}), kind, expr.MaxNodes(l.opts.MaxNodes), expr.Patch(lists))
	prog, err := expr.Compile(n.Value, opts...)
	if err == nil && lists.err != nil {
		err = lists.err.Bind(file.NewSource(n.Value))
	}
	if err == nil {
		return prog, true
	}
	p := Problem{File: name, Rule: id, Line: n.Line, Message: field + ": " + err.Error()}
	var fe *file.Error
	if errors.As(err, &fe) {
		// Block scalars (when: |) start on the line after the key.
		offset := 0
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			offset = 1
		}
		p.Line = n.Line + offset + fe.Line - 1
		p.Column = fe.Column + 1
		p.Message = fmt.Sprintf("%s: %s (expression %d:%d)%s", field, fe.Message, fe.Line, fe.Column+1, fe.Snippet)
	}
	l.fail(p)
	return nil, false
}

// listFuncs maps each list function to the list kinds it accepts.
var listFuncs = map[string][]ListKind{
	"in_list":    nil, // any kind
	"has_term":   {KindTerms},
	"term":       {KindTerms},
	"has_prefix": {KindCodes},
}

// listCheck makes sure every list function names, as a literal string, a
// list the pack declares, so that a typo is an error at load time rather
// than a rule that silently never fires.
type listCheck struct {
	lists map[string]*List
	err   *file.Error
}

func (c *listCheck) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok || c.err != nil {
		return
	}
	ident, ok := call.Callee.(*ast.IdentifierNode)
	if !ok {
		return
	}
	kinds, ok := listFuncs[ident.Value]
	if !ok || len(call.Arguments) == 0 {
		return
	}
	str, ok := call.Arguments[0].(*ast.StringNode)
	if !ok {
		c.err = &file.Error{Location: call.Arguments[0].Location(), Message: ident.Value + ": the list name must be a literal string, e.g. " + ident.Value + `("vague_terms", ...)`}
		return
	}
	list := c.lists[str.Value]
	switch {
	case list == nil:
		c.err = &file.Error{Location: str.Location(), Message: fmt.Sprintf("unknown list %q: declare it under lists: in %s", str.Value, PackFile)}
	case kinds != nil && !containsKind(kinds, list.Kind):
		c.err = &file.Error{Location: str.Location(), Message: fmt.Sprintf("%s needs a list of kind %v, but %q is %s", ident.Value, kinds, str.Value, list.Kind)}
	}
}

func containsKind(kinds []ListKind, k ListKind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// compileAll records in set.slow the rules without a closure and builds
// their combined program (see combine).
func (l *loader) compileAll() *vm.Program {
	var slow []*Rule
	l.set.slow = nil
	for i, r := range l.set.Rules {
		if r.fast == nil {
			slow = append(slow, r)
			l.set.slow = append(l.set.slow, i)
		}
	}
	return l.set.combine(slow, l.opts.MaxNodes)
}

// combine builds one program that evaluates the when of each of rules in
// order, returning a []any of bools, and reads each environment field once
// (see hoisted). Each expression was compiled and type-checked on its own
// already; should the combination fail to build, or rules be empty, it
// returns nil and the rules run one by one.
func (s *Set) combine(rules []*Rule, maxNodes uint) *vm.Program {
	if len(rules) == 0 {
		return nil
	}
	whens := make([]string, len(rules))
	for i, r := range rules {
		whens[i] = r.When
	}
	source, h := hoisted(whens)
	opts := append(s.functions(), expr.Env(Env{}), expr.MaxNodes(maxNodes*uint(len(rules)+1)), expr.Patch(h))
	prog, err := expr.Compile(source, opts...)
	if err != nil {
		return nil
	}
	return prog
}
