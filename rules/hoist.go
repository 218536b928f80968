package rules

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
)

// Reading a field of the environment is the costliest step of rule
// evaluation: expr goes through reflection and boxes the value anew on every
// read, and the rules of a pack read the same fields (origin_country,
// category, gross_weight_kg, in_list...) over and over. The program that
// evaluates all rules at once therefore reads each field once, into a let
// variable, and the rules read the variables:
//
//	let __f0 = category; let __f1 = origin_country; ...; [(rule 1), (rule 2), ...]
//
// The rewrite is done on the syntax tree after expr has resolved it, so the
// variables keep the fields' types and the program type-checks as before.

// envPaths lists every path a rule may read from the environment that is not
// itself a struct of further fields ("origin_country", "sender.country",
// "contents"), true for those worth hoisting.
var (
	envPaths = map[string]bool{}
	envTypes = map[string]reflect.Type{}
)

func init() { collectPaths("", reflect.TypeFor[Env]()) }

func collectPaths(prefix string, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := f.Tag.Get("expr")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
			collectPaths(prefix+name+".", f.Type)
			continue
		}
		envPaths[prefix+name] = true
		envTypes[prefix+name] = f.Type
	}
}

// hoisted builds the combined source of whens, with every environment
// field they read bound once by let, and the patch that makes the rules read
// the variables.
func hoisted(whens []string) (string, *hoist) {
	body := "[(" + strings.Join(whens, "\n),\n(") + "\n)]"
	h := &hoist{vars: map[string]string{}}
	tree, err := parser.Parse(body)
	if err != nil {
		return body, h
	}
	seen := pathCollector{}
	ast.Walk(&tree.Node, seen)
	// A field read once gains nothing from a variable and would lose the
	// short-circuit that may skip reading it.
	paths := make([]string, 0, len(seen))
	for p, n := range seen {
		if n > 1 {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	var prefix strings.Builder
	for i, p := range paths {
		name := fmt.Sprintf("__f%d", i)
		h.vars[p] = name
		fmt.Fprintf(&prefix, "let %s = %s;\n", name, p)
	}
	h.from = prefix.Len()
	return prefix.String() + body, h
}

// pathCollector counts the reads of each environment path in a tree.
type pathCollector map[string]int

func (c pathCollector) Visit(node *ast.Node) {
	if p, ok := envPath(*node); ok && envPaths[p] {
		c[p]++
	}
}

// hoist replaces reads of environment paths after position from (the rules,
// not the let bindings) with the variables bound to them.
type hoist struct {
	vars map[string]string
	from int
}

func (h *hoist) Visit(node *ast.Node) {
	if (*node).Location().From < h.from {
		return
	}
	p, ok := envPath(*node)
	if !ok {
		return
	}
	if name, ok := h.vars[p]; ok {
		ident := &ast.IdentifierNode{Value: name}
		// Typed here as well: a function called through an untyped
		// variable would be called by reflection.
		ident.SetType(envTypes[p])
		ast.Patch(node, ident)
	}
}

// envPath returns "sender.country" for the node sender.country: a plain read
// rooted at an identifier. Element reads (.words, #) have no path.
func envPath(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return n.Value, true
	case *ast.MemberNode:
		if n.Optional || n.Method {
			return "", false
		}
		prop, ok := n.Property.(*ast.StringNode)
		if !ok {
			return "", false
		}
		base, ok := envPath(n.Node)
		if !ok {
			return "", false
		}
		return base + "." + prop.Value, true
	}
	return "", false
}

// uses returns the environment paths that the pack's expressions read.
func (l *loader) uses() map[string]bool {
	c := pathCollector{}
	for _, r := range l.set.Rules {
		for _, src := range []string{r.When, r.Explain} {
			if tree, err := parser.Parse(src); err == nil {
				ast.Walk(&tree.Node, c)
			}
		}
	}
	out := make(map[string]bool, len(c))
	for p := range c {
		out[p] = true
	}
	return out
}
