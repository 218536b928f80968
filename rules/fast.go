package rules

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/expr-lang/expr/ast"
)

// Most of a rule's time in expr's VM goes to reading the environment: every
// field read goes through reflection and boxes the value anew. A rule's when
// and explain are therefore also compiled, from the syntax tree expr has
// checked and optimised, into Go closures that read the fields directly and
// keep every value unboxed. The closures cover the part of the language that
// indicator rules are written in (see fastCompiler.node); an expression that
// uses anything else simply has no closure and runs on the VM.
//
// A field is read at the offset reflection gives for it when the pack
// loads, as the type expr's checker gave the node, which is the field's own
// type: the unsafe reads are as typed as ordinary Go field reads.
//
// The closures must agree with the VM on every parcel. Three things keep
// them honest:
//   - every node is compiled from the type expr's checker gave it, and a node
//     whose type the closures do not handle exactly is refused rather than
//     guessed at;
//   - the operators follow expr's runtime helpers (an int compared with a
//     float is compared as float, / always divides as float, % is integer,
//     len counts a string's characters);
//   - a closure that panics (an integer division by zero, say) is not
//     trusted: the rule runs on the VM instead, which turns the fault into
//     the same error as before.
//
// TestFastAgrees checks the closures against the VM over generated parcels
// for every rule and explanation of the default pack, and
// TestFastConstructs for a table of expressions covering every construct.

// frame is what the closures of one rule run against: the environment and
// the slots of its let variables and predicate elements.
type frame struct {
	env    *Env
	bools  []bool
	ints   []int
	floats []float64
	strs   []string
	ptrs   []unsafe.Pointer
	// buf is where explanations are rendered (see compileFormat), and
	// reason, while an explanation is rendered, the rule's latest one.
	buf    []byte
	reason *string
	// parcel counts the parcels loaded, and terms holds, by list index,
	// the term each list found in descriptions for the parcel whose count
	// it records: several rules ask the same list about the same text.
	parcel uint64
	terms  []termMemo
}

type termMemo struct {
	parcel uint64
	term   string
}

// descriptionsTerm returns l.termIn(descriptions), working it out once per
// parcel.
func (f *frame) descriptionsTerm(l *List) string {
	if l.index >= len(f.terms) {
		f.terms = append(f.terms, make([]termMemo, l.index+1-len(f.terms))...)
	}
	m := &f.terms[l.index]
	if m.parcel != f.parcel {
		m.parcel, m.term = f.parcel, l.termIn(f.env.Descriptions, f.env.plain)
	}
	return m.term
}

// slots counts the slots a rule's closures need, by kind.
type slots struct{ bools, ints, floats, strs, ptrs int }

func (s *slots) grow(o slots) {
	s.bools, s.ints, s.floats = max(s.bools, o.bools), max(s.ints, o.ints), max(s.floats, o.floats)
	s.strs, s.ptrs = max(s.strs, o.strs), max(s.ptrs, o.ptrs)
}

// size makes f hold at least n slots of each kind.
func (f *frame) size(n slots) {
	if len(f.bools) < n.bools {
		f.bools = make([]bool, n.bools)
	}
	if len(f.ints) < n.ints {
		f.ints = make([]int, n.ints)
	}
	if len(f.floats) < n.floats {
		f.floats = make([]float64, n.floats)
	}
	if len(f.strs) < n.strs {
		f.strs = make([]string, n.strs)
	}
	if len(f.ptrs) < n.ptrs {
		f.ptrs = make([]unsafe.Pointer, n.ptrs)
	}
}

// fn is a compiled expression yielding a T.
type fn[T any] func(*frame) T

// A compiled node is one of these, chosen by the node's type:
//
//	fn[bool], fn[int], fn[float64], fn[string]   scalars
//	structFn                                      Env, PartyEnv, S10Env, *ItemEnv
//	sliceFn                                       []string, []int, []*ItemEnv
type (
	structFn struct {
		t reflect.Type // the struct type, never a pointer
		// The struct is the environment or held in it by value at envOff
		// (inEnv), or found at the address addr yields.
		inEnv  bool
		envOff uintptr
		addr   fn[unsafe.Pointer]
	}
	sliceFn struct {
		elem reflect.Type
		len  fn[int]
		// set stores element i in a predicate's slot.
		set func(f *frame, i, slot int)
	}
)

var errUnsupported = errors.New("not supported by the closure compiler")

func unsupported(n ast.Node, why string) error {
	return fmt.Errorf("%w: %s (%T)", errUnsupported, why, n)
}

// scopeVar is a let variable or, with name "", a predicate's element.
type scopeVar struct {
	name string
	t    reflect.Type
	slot int
	// text says the variable holds descriptions or a line's words (see
	// foldedText).
	text bool
}

// fastCompiler compiles one expression's checked tree into closures.
type fastCompiler struct {
	lists map[string]*List
	scope []scopeVar
	n     slots
}

// compileFast returns the closure for a checked when expression, or an error
// wrapping errUnsupported when it uses something the closures do not cover.
func compileFast(tree ast.Node, lists map[string]*List) (fn[bool], slots, error) {
	return compileFastAs[bool](tree, lists)
}

// compileFastAs is compileFast for an expression of type T: bool for a
// when, string for an explain.
func compileFastAs[T any](tree ast.Node, lists map[string]*List) (fn[T], slots, error) {
	c := &fastCompiler{lists: lists}
	v, err := c.compile(tree)
	if err != nil {
		return nil, slots{}, err
	}
	b, ok := v.(fn[T])
	if !ok {
		return nil, slots{}, unsupported(tree, fmt.Sprintf("the expression is not a %v", reflect.TypeFor[T]()))
	}
	return b, c.n, nil
}

var (
	typeBool   = reflect.TypeFor[bool]()
	typeInt    = reflect.TypeFor[int]()
	typeFloat  = reflect.TypeFor[float64]()
	typeString = reflect.TypeFor[string]()
	typeTime   = reflect.TypeFor[time.Time]()
)

// compile compiles n and checks that the result is of n's checked type.
func (c *fastCompiler) compile(n ast.Node) (any, error) {
	v, err := c.node(n)
	if err != nil {
		return nil, err
	}
	want := n.Type()
	if want == nil {
		return nil, unsupported(n, "untyped node")
	}
	if got := typeOf(v); got != want && !(want.Kind() == reflect.Pointer && got == want.Elem()) {
		return nil, unsupported(n, fmt.Sprintf("checked type %v, compiled %v", want, got))
	}
	return v, nil
}

// typeOf returns the Go type a compiled node yields.
func typeOf(v any) reflect.Type {
	switch v := v.(type) {
	case fn[bool]:
		return typeBool
	case fn[int]:
		return typeInt
	case fn[float64]:
		return typeFloat
	case fn[string]:
		return typeString
	case structFn:
		return v.t
	case sliceFn:
		return reflect.SliceOf(v.elem)
	}
	return nil
}

// node compiles the constructs the closures cover: literals, fields of the
// environment and of content lines, let variables, # in predicates, !, -,
// &&, ||, comparisons, arithmetic, in, matches, contains, startsWith,
// endsWith, the ternary, the pack's helper functions with sprintf, money
// and kg, and the builtins len, int, float, any, all, none, one and count.
// Anything else is refused with errUnsupported.
func (c *fastCompiler) node(n ast.Node) (any, error) {
	switch n := n.(type) {
	case *ast.BoolNode:
		v := n.Value
		return fn[bool](func(*frame) bool { return v }), nil
	case *ast.StringNode:
		v := n.Value
		return fn[string](func(*frame) string { return v }), nil
	case *ast.IntegerNode:
		// The checker types an integer literal float where a float is
		// expected, and expr then pushes it as a float.
		switch t := n.Type(); {
		case t == typeInt:
			v := n.Value
			return fn[int](func(*frame) int { return v }), nil
		case t == typeFloat:
			v := float64(n.Value)
			return fn[float64](func(*frame) float64 { return v }), nil
		}
		return nil, unsupported(n, "integer literal of another type")
	case *ast.FloatNode:
		if n.Type() != typeFloat {
			return nil, unsupported(n, "float literal of another type")
		}
		v := n.Value
		return fn[float64](func(*frame) float64 { return v }), nil
	case *ast.ConstantNode:
		return constant(n)
	case *ast.IdentifierNode:
		return c.identifier(n)
	case *ast.PointerNode:
		if n.Name != "" {
			return nil, unsupported(n, "#"+n.Name)
		}
		for i := len(c.scope) - 1; i >= 0; i-- {
			if c.scope[i].name == "" {
				return c.slot(n, c.scope[i])
			}
		}
		return nil, unsupported(n, "# outside a predicate")
	case *ast.MemberNode:
		return c.member(n)
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.VariableDeclaratorNode:
		return c.let(n)
	case *ast.CallNode:
		return c.call(n)
	case *ast.BuiltinNode:
		return c.builtin(n)
	}
	return nil, unsupported(n, "node")
}

func constant(n *ast.ConstantNode) (any, error) {
	switch v := n.Value.(type) {
	case bool:
		return fn[bool](func(*frame) bool { return v }), nil
	case int:
		return fn[int](func(*frame) int { return v }), nil
	case float64:
		return fn[float64](func(*frame) float64 { return v }), nil
	case string:
		return fn[string](func(*frame) string { return v }), nil
	}
	return nil, unsupported(n, fmt.Sprintf("constant of type %T", n.Value))
}

// variable returns the innermost let variable called name.
func (c *fastCompiler) variable(name string) (scopeVar, bool) {
	for i := len(c.scope) - 1; i >= 0; i-- {
		if v := c.scope[i]; v.name != "" && v.name == name {
			return v, true
		}
	}
	return scopeVar{}, false
}

// identifier compiles a let variable or a field of the environment.
func (c *fastCompiler) identifier(n *ast.IdentifierNode) (any, error) {
	if v, ok := c.variable(n.Value); ok {
		return c.slot(n, v)
	}
	env := structFn{t: reflect.TypeFor[Env](), inEnv: true}
	return field(n, env, n.Value)
}

// slot compiles a read of a let variable or a predicate element.
func (c *fastCompiler) slot(n ast.Node, v scopeVar) (any, error) {
	i := v.slot
	switch {
	case v.t == typeBool:
		return fn[bool](func(f *frame) bool { return f.bools[i] }), nil
	case v.t == typeInt:
		return fn[int](func(f *frame) int { return f.ints[i] }), nil
	case v.t == typeFloat:
		return fn[float64](func(f *frame) float64 { return f.floats[i] }), nil
	case v.t == typeString:
		return fn[string](func(f *frame) string { return f.strs[i] }), nil
	case isStructPtr(v.t):
		return structFn{t: v.t.Elem(), addr: func(f *frame) unsafe.Pointer { return f.ptrs[i] }}, nil
	}
	return nil, unsupported(n, fmt.Sprintf("variable of type %v", v.t))
}

func isStructPtr(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer && t.Elem().Kind() == reflect.Struct && t.Elem() != typeTime
}

// member compiles a field read such as sender.country or .words.
func (c *fastCompiler) member(n *ast.MemberNode) (any, error) {
	if n.Optional || n.Method {
		return nil, unsupported(n, "optional or method member")
	}
	prop, ok := n.Property.(*ast.StringNode)
	if !ok {
		return nil, unsupported(n, "index or computed member")
	}
	base, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	s, ok := base.(structFn)
	if !ok {
		return nil, unsupported(n, "member of a non-struct")
	}
	return field(n, s, prop.Value)
}

// field compiles the read of the field named name (its expr tag) of the
// struct s. The field's offset and type come from reflection, once; the
// read itself is a plain load from the struct's address.
func field(n ast.Node, s structFn, name string) (any, error) {
	f, ok := fieldByName(s.t, name)
	if !ok {
		return nil, unsupported(n, "unknown field "+name)
	}
	off := f.Offset
	switch t := f.Type; {
	case t == typeBool:
		return load[bool](s, off), nil
	case t == typeInt:
		return load[int](s, off), nil
	case t == typeFloat:
		return load[float64](s, off), nil
	case t == typeString:
		return load[string](s, off), nil
	case t.Kind() == reflect.Struct && t != typeTime:
		if s.inEnv {
			return structFn{t: t, inEnv: true, envOff: s.envOff + off}, nil
		}
		addr := s.addr
		return structFn{t: t, addr: func(f *frame) unsafe.Pointer { return unsafe.Add(addr(f), off) }}, nil
	case t == reflect.TypeFor[[]string]():
		return sliceOf(load[[]string](s, off), func(f *frame, v string, slot int) { f.strs[slot] = v }), nil
	case t == reflect.TypeFor[[]int]():
		return sliceOf(load[[]int](s, off), func(f *frame, v int, slot int) { f.ints[slot] = v }), nil
	case t == reflect.TypeFor[[]*ItemEnv]():
		return sliceOf(load[[]*ItemEnv](s, off), func(f *frame, v *ItemEnv, slot int) { f.ptrs[slot] = unsafe.Pointer(v) }), nil
	}
	return nil, unsupported(n, fmt.Sprintf("field %s of type %v", name, f.Type))
}

// load returns the read of the T at offset off in the struct s. A struct
// held in the environment by value (sender, s10) is read at its offset from
// the environment's address, with no call to work its address out.
func load[T any](s structFn, off uintptr) fn[T] {
	if s.inEnv {
		off += s.envOff
		return func(f *frame) T { return *(*T)(unsafe.Add(unsafe.Pointer(f.env), off)) }
	}
	addr := s.addr
	return func(f *frame) T { return *(*T)(unsafe.Add(addr(f), off)) }
}

// fieldByName finds a field the way expr does: by its expr tag, else by its
// name.
func fieldByName(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() || f.Anonymous {
			continue
		}
		tag := f.Tag.Get("expr")
		if tag == "-" {
			continue
		}
		if tag == name || (tag == "" && f.Name == name) {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func sliceOf[T any](get fn[[]T], store func(*frame, T, int)) sliceFn {
	return sliceFn{
		elem: reflect.TypeFor[T](),
		len:  func(f *frame) int { return len(get(f)) },
		set:  func(f *frame, i, slot int) { store(f, get(f)[i], slot) },
	}
}

func (c *fastCompiler) unary(n *ast.UnaryNode) (any, error) {
	v, err := c.compile(n.Node)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "!", "not":
		if b, ok := v.(fn[bool]); ok {
			return fn[bool](func(f *frame) bool { return !b(f) }), nil
		}
	case "-":
		switch x := v.(type) {
		case fn[int]:
			return fn[int](func(f *frame) int { return -x(f) }), nil
		case fn[float64]:
			return fn[float64](func(f *frame) float64 { return -x(f) }), nil
		}
	case "+":
		switch v.(type) {
		case fn[int], fn[float64]:
			return v, nil
		}
	}
	return nil, unsupported(n, "unary "+n.Operator)
}

func (c *fastCompiler) binary(n *ast.BinaryNode) (any, error) {
	switch n.Operator {
	case "in":
		return c.in(n)
	case "matches":
		return c.matches(n)
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	switch n.Operator {
	case "&&", "and", "||", "or":
		lb, ok1 := l.(fn[bool])
		rb, ok2 := r.(fn[bool])
		if !ok1 || !ok2 {
			break
		}
		if n.Operator == "&&" || n.Operator == "and" {
			return fn[bool](func(f *frame) bool { return lb(f) && rb(f) }), nil
		}
		return fn[bool](func(f *frame) bool { return lb(f) || rb(f) }), nil
	case "==", "!=":
		same, ok := equal(l, r, literal(n.Right))
		if !ok {
			break
		}
		if n.Operator == "!=" {
			return fn[bool](func(f *frame) bool { return !same(f) }), nil
		}
		return same, nil
	case "<", ">", "<=", ">=":
		if v, ok := compare(n.Operator, l, r, literal(n.Right)); ok {
			return v, nil
		}
	case "+", "-", "*", "/", "%":
		if v, ok := arithmetic(n.Operator, l, r); ok {
			return v, nil
		}
	case "contains", "startsWith", "endsWith":
		ls, ok1 := l.(fn[string])
		rs, ok2 := r.(fn[string])
		if !ok1 || !ok2 {
			break
		}
		op := map[string]func(string, string) bool{"contains": strings.Contains, "startsWith": strings.HasPrefix, "endsWith": strings.HasSuffix}[n.Operator]
		return fn[bool](func(f *frame) bool { return op(ls(f), rs(f)) }), nil
	}
	return nil, unsupported(n, "operator "+n.Operator+" on these types")
}

// numbers returns l and r as floats when at least one is a float and both
// are numbers, as expr's runtime compares and adds an int with a float.
func numbers(l, r any) (fn[float64], fn[float64], bool) {
	lf, lok := asFloat(l)
	rf, rok := asFloat(r)
	_, lFloat := l.(fn[float64])
	_, rFloat := r.(fn[float64])
	return lf, rf, lok && rok && (lFloat || rFloat)
}

func asFloat(v any) (fn[float64], bool) {
	switch x := v.(type) {
	case fn[float64]:
		return x, true
	case fn[int]:
		return func(f *frame) float64 { return float64(x(f)) }, true
	}
	return nil, false
}

// equal compiles l == r; rConst says r is a literal, which is then read
// once, here.
func equal(l, r any, rConst bool) (fn[bool], bool) {
	switch x := l.(type) {
	case fn[bool]:
		if y, ok := r.(fn[bool]); ok {
			return eq(x, y, rConst), true
		}
	case fn[string]:
		if y, ok := r.(fn[string]); ok {
			return eq(x, y, rConst), true
		}
	case fn[int]:
		if y, ok := r.(fn[int]); ok {
			return eq(x, y, rConst), true
		}
	}
	if x, y, ok := numbers(l, r); ok {
		return eq(x, y, rConst), true
	}
	return nil, false
}

func eq[T comparable](x, y fn[T], yConst bool) fn[bool] {
	if yConst {
		c := y(nil) // a literal reads nothing from the frame
		return func(f *frame) bool { return x(f) == c }
	}
	return func(f *frame) bool { return x(f) == y(f) }
}

func compare(op string, l, r any, rConst bool) (fn[bool], bool) {
	if x, ok := l.(fn[int]); ok {
		if y, ok := r.(fn[int]); ok {
			return ordered(op, x, y, rConst), true
		}
	}
	if x, ok := l.(fn[string]); ok {
		if y, ok := r.(fn[string]); ok {
			return ordered(op, x, y, rConst), true
		}
	}
	if x, y, ok := numbers(l, r); ok {
		return ordered(op, x, y, rConst), true
	}
	return nil, false
}

func ordered[T int | float64 | string](op string, x, y fn[T], yConst bool) fn[bool] {
	if yConst {
		c := y(nil)
		switch op {
		case "<":
			return func(f *frame) bool { return x(f) < c }
		case ">":
			return func(f *frame) bool { return x(f) > c }
		case "<=":
			return func(f *frame) bool { return x(f) <= c }
		}
		return func(f *frame) bool { return x(f) >= c }
	}
	switch op {
	case "<":
		return func(f *frame) bool { return x(f) < y(f) }
	case ">":
		return func(f *frame) bool { return x(f) > y(f) }
	case "<=":
		return func(f *frame) bool { return x(f) <= y(f) }
	}
	return func(f *frame) bool { return x(f) >= y(f) }
}

// literal reports whether n is a literal, whose compiled value reads
// nothing from the frame.
func literal(n ast.Node) bool {
	switch n.(type) {
	case *ast.BoolNode, *ast.StringNode, *ast.IntegerNode, *ast.FloatNode, *ast.ConstantNode:
		return true
	}
	return false
}

func arithmetic(op string, l, r any) (any, bool) {
	if op == "/" {
		// expr divides as float whatever the operands.
		x, xok := asFloat(l)
		y, yok := asFloat(r)
		if !xok || !yok {
			return nil, false
		}
		return fn[float64](func(f *frame) float64 { return x(f) / y(f) }), true
	}
	if x, ok := l.(fn[string]); ok && op == "+" {
		if y, ok := r.(fn[string]); ok {
			return fn[string](func(f *frame) string { return x(f) + y(f) }), true
		}
	}
	if x, ok := l.(fn[int]); ok {
		if y, ok := r.(fn[int]); ok {
			switch op {
			case "+":
				return fn[int](func(f *frame) int { return x(f) + y(f) }), true
			case "-":
				return fn[int](func(f *frame) int { return x(f) - y(f) }), true
			case "*":
				return fn[int](func(f *frame) int { return x(f) * y(f) }), true
			case "%":
				// A zero divisor panics, and the VM then reports it.
				return fn[int](func(f *frame) int { return x(f) % y(f) }), true
			}
		}
	}
	if x, y, ok := numbers(l, r); ok {
		switch op {
		case "+":
			return fn[float64](func(f *frame) float64 { return x(f) + y(f) }), true
		case "-":
			return fn[float64](func(f *frame) float64 { return x(f) - y(f) }), true
		case "*":
			return fn[float64](func(f *frame) float64 { return x(f) * y(f) }), true
		}
	}
	return nil, false
}

// in compiles x in [constants] (which expr's optimiser has turned into a
// set) and x in a slice field.
func (c *fastCompiler) in(n *ast.BinaryNode) (any, error) {
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	if k, ok := n.Right.(*ast.ConstantNode); ok {
		switch set := k.Value.(type) {
		case map[string]struct{}:
			if x, ok := l.(fn[string]); ok {
				return fn[bool](func(f *frame) bool { _, ok := set[x(f)]; return ok }), nil
			}
		case map[int]struct{}:
			if x, ok := l.(fn[int]); ok {
				return fn[bool](func(f *frame) bool { _, ok := set[x(f)]; return ok }), nil
			}
		}
		return nil, unsupported(n, "in on this constant")
	}
	r, err := c.compile(n.Right)
	if err != nil {
		return nil, err
	}
	s, ok := r.(sliceFn)
	if !ok {
		return nil, unsupported(n, "in on a non-slice")
	}
	// The element is compared through a predicate slot, as any() would.
	el := scopeVar{t: s.elem, slot: c.newSlot(s.elem)}
	elem, err := c.slot(n, el)
	if err != nil {
		return nil, err
	}
	same, ok := equal(elem, l, literal(n.Left))
	if !ok {
		return nil, unsupported(n, "in on a slice of this type")
	}
	return s.until(el.slot, same, true), nil
}

func (c *fastCompiler) matches(n *ast.BinaryNode) (any, error) {
	pattern, ok := n.Right.(*ast.StringNode)
	if !ok {
		return nil, unsupported(n, "matches with a computed pattern")
	}
	re, err := regexp.Compile(pattern.Value)
	if err != nil {
		return nil, unsupported(n, err.Error())
	}
	l, err := c.compile(n.Left)
	if err != nil {
		return nil, err
	}
	x, ok := l.(fn[string])
	if !ok {
		return nil, unsupported(n, "matches on a non-string")
	}
	if class, ok := byteClass(pattern.Value); ok {
		return fn[bool](func(f *frame) bool { return class.matches(x(f)) }), nil
	}
	return fn[bool](func(f *frame) bool { return re.MatchString(x(f)) }), nil
}

// byteClassPattern is a pattern of the form ^[...]+$ or ^[...]*$ over ASCII
// characters, such as "^[0-9 ]+$", which a table of bytes answers more
// cheaply than the regexp engine.
type byteClassPattern struct {
	in       [256]bool
	nonEmpty bool
}

// byteClass recognises such a pattern from its parsed, simplified form, as
// regexp.Compile would parse it.
func byteClass(pattern string) (*byteClassPattern, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, false
	}
	re = re.Simplify()
	if re.Op != syntax.OpConcat || len(re.Sub) != 3 ||
		re.Sub[0].Op != syntax.OpBeginText || re.Sub[2].Op != syntax.OpEndText {
		return nil, false
	}
	rep := re.Sub[1]
	if (rep.Op != syntax.OpPlus && rep.Op != syntax.OpStar) || rep.Sub[0].Op != syntax.OpCharClass {
		return nil, false
	}
	p := &byteClassPattern{nonEmpty: rep.Op == syntax.OpPlus}
	ranges := rep.Sub[0].Rune
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1] >= utf8.RuneSelf {
			return nil, false
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			p.in[r] = true
		}
	}
	return p, true
}

func (p *byteClassPattern) matches(s string) bool {
	if p.nonEmpty && s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !p.in[s[i]] {
			return false
		}
	}
	return true
}

func (c *fastCompiler) conditional(n *ast.ConditionalNode) (any, error) {
	cond, err := c.compile(n.Cond)
	if err != nil {
		return nil, err
	}
	a, err := c.compile(n.Exp1)
	if err != nil {
		return nil, err
	}
	b, err := c.compile(n.Exp2)
	if err != nil {
		return nil, err
	}
	cb, ok := cond.(fn[bool])
	if !ok {
		return nil, unsupported(n, "condition not a bool")
	}
	switch x := a.(type) {
	case fn[bool]:
		if y, ok := b.(fn[bool]); ok {
			return choose(cb, x, y), nil
		}
	case fn[int]:
		if y, ok := b.(fn[int]); ok {
			return choose(cb, x, y), nil
		}
	case fn[float64]:
		if y, ok := b.(fn[float64]); ok {
			return choose(cb, x, y), nil
		}
	case fn[string]:
		if y, ok := b.(fn[string]); ok {
			return choose(cb, x, y), nil
		}
	}
	return nil, unsupported(n, "branches of different types")
}

func choose[T any](cond fn[bool], a, b fn[T]) fn[T] {
	return func(f *frame) T {
		if cond(f) {
			return a(f)
		}
		return b(f)
	}
}

func (c *fastCompiler) newSlot(t reflect.Type) int {
	var p *int
	switch {
	case t == typeBool:
		p = &c.n.bools
	case t == typeInt:
		p = &c.n.ints
	case t == typeFloat:
		p = &c.n.floats
	case t == typeString:
		p = &c.n.strs
	default:
		p = &c.n.ptrs
	}
	*p++
	return *p - 1
}

// let compiles let name = value; expr.
func (c *fastCompiler) let(n *ast.VariableDeclaratorNode) (any, error) {
	v, err := c.compile(n.Value)
	if err != nil {
		return nil, err
	}
	t := n.Value.Type()
	sv := scopeVar{name: n.Name, t: t, slot: c.newSlot(t), text: c.foldedText(n.Value)}
	store, err := storeIn(n, v, sv)
	if err != nil {
		return nil, err
	}
	c.scope = append(c.scope, sv)
	body, err := c.compile(n.Expr)
	c.scope = c.scope[:len(c.scope)-1]
	if err != nil {
		return nil, err
	}
	switch b := body.(type) {
	case fn[bool]:
		return then(store, b), nil
	case fn[int]:
		return then(store, b), nil
	case fn[float64]:
		return then(store, b), nil
	case fn[string]:
		return then(store, b), nil
	}
	return nil, unsupported(n, "let body of this type")
}

func then[T any](first func(*frame), body fn[T]) fn[T] {
	return func(f *frame) T { first(f); return body(f) }
}

// storeIn returns the closure that evaluates v into the variable's slot.
func storeIn(n ast.Node, v any, sv scopeVar) (func(*frame), error) {
	i := sv.slot
	switch x := v.(type) {
	case fn[bool]:
		return func(f *frame) { f.bools[i] = x(f) }, nil
	case fn[int]:
		return func(f *frame) { f.ints[i] = x(f) }, nil
	case fn[float64]:
		return func(f *frame) { f.floats[i] = x(f) }, nil
	case fn[string]:
		return func(f *frame) { f.strs[i] = x(f) }, nil
	case structFn:
		if isStructPtr(sv.t) && !x.inEnv {
			return func(f *frame) { f.ptrs[i] = x.addr(f) }, nil
		}
	}
	return nil, unsupported(n, fmt.Sprintf("variable of type %v", sv.t))
}

// call compiles the pack's helper functions. The list functions find their
// list once, here: listCheck has made sure the name is a literal string of
// a list the pack declares.
func (c *fastCompiler) call(n *ast.CallNode) (any, error) {
	callee, ok := n.Callee.(*ast.IdentifierNode)
	if !ok {
		return nil, unsupported(n, "computed callee")
	}
	if _, ok := c.variable(callee.Value); ok {
		return nil, unsupported(n, "call of a variable")
	}
	_, isList := listFuncs[callee.Value]
	args := make([]any, len(n.Arguments))
	for i, a := range n.Arguments {
		if isList && i == 0 {
			continue // the list's name, resolved below
		}
		v, err := c.compile(a)
		if err != nil {
			return nil, err
		}
		args[i] = v
	}
	switch callee.Value {
	case "in_list", "has_term", "term", "has_prefix":
		name, ok := n.Arguments[0].(*ast.StringNode)
		if !ok || len(args) != 2 {
			return nil, unsupported(n, "list function without a literal list name")
		}
		list := c.lists[name.Value]
		arg, ok := args[1].(fn[string])
		if list == nil || !ok {
			return nil, unsupported(n, "unknown list or non-string argument")
		}
		switch callee.Value {
		case "in_list":
			if list.Kind == KindTerms && c.foldedText(n.Arguments[1]) {
				return fn[bool](func(f *frame) bool {
					v := arg(f)
					if f.env.plain {
						return list.flags(v)&isEntry != 0
					}
					return list.contains(v)
				}), nil
			}
			if list.Kind == KindEmails && c.emailKey(n.Arguments[1]) {
				// The decoder has lower-cased it already.
				return fn[bool](func(f *frame) bool { return list.flags(arg(f))&isEntry != 0 }), nil
			}
			// A route such as origin_country + "-" + destination_country
			// is looked up in a codes list without being made a string.
			if parts := c.concat(n.Arguments[1]); list.Kind == KindCodes && len(parts) > 1 {
				return fn[bool](func(f *frame) bool {
					var buf [32]byte
					b := buf[:0]
					for _, p := range parts {
						b = append(b, p(f)...)
					}
					return list.containsCode(b)
				}), nil
			}
			return fn[bool](func(f *frame) bool { return list.contains(arg(f)) }), nil
		case "has_term":
			if c.descriptions(n.Arguments[1]) {
				return fn[bool](func(f *frame) bool { return f.descriptionsTerm(list) != "" }), nil
			}
			if c.foldedText(n.Arguments[1]) {
				return fn[bool](func(f *frame) bool { return list.termIn(arg(f), f.env.plain) != "" }), nil
			}
			return fn[bool](func(f *frame) bool { return list.hasTerm(arg(f)) }), nil
		case "term":
			if c.descriptions(n.Arguments[1]) {
				return fn[string](func(f *frame) string { return f.descriptionsTerm(list) }), nil
			}
			if c.foldedText(n.Arguments[1]) {
				return fn[string](func(f *frame) string { return list.termIn(arg(f), f.env.plain) }), nil
			}
			return fn[string](func(f *frame) string { return list.term(arg(f)) }), nil
		default:
			return fn[bool](func(f *frame) bool { return list.hasPrefix(arg(f)) }), nil
		}
	case "sprintf":
		// As the VM's sprintf: each argument boxed as its own type.
		if len(args) == 0 {
			break
		}
		if lit, ok := n.Arguments[0].(*ast.StringNode); ok {
			formatArgs := slices.Clone(args[1:])
			for i, a := range n.Arguments[1:] {
				if app := c.appender(a); app != nil {
					formatArgs[i] = app
				}
			}
			if render := compileFormat(lit.Value, formatArgs); render != nil {
				return render, nil
			}
		}
		format, ok := args[0].(fn[string])
		boxes := make([]fn[any], len(args)-1)
		for i, a := range args[1:] {
			if boxes[i] = boxed(a); boxes[i] == nil {
				ok = false
			}
		}
		if !ok {
			break
		}
		return fn[string](func(f *frame) string {
			a := make([]any, len(boxes))
			for i, b := range boxes {
				a[i] = b(f)
			}
			return fmt.Sprintf(format(f), a...)
		}), nil
	case "money", "kg":
		// The VM's money and kg take a float64 and nothing else.
		x, ok := one(args).(fn[float64])
		if !ok {
			break
		}
		if callee.Value == "money" {
			return fn[string](func(f *frame) string { return money(x(f)) }), nil
		}
		return fn[string](func(f *frame) string { return kg(x(f)) }), nil
	case "cents":
		if x, ok := asFloat(one(args)); ok {
			return fn[int](func(f *frame) int { return cents(x(f)) }), nil
		}
	case "repeated":
		if x, ok := one(args).(fn[string]); ok {
			return fn[bool](func(f *frame) bool { return repeated(x(f)) }), nil
		}
	}
	return nil, unsupported(n, "call of "+callee.Value)
}

// concat returns the operands of a chain of string concatenations, or nil
// when n is not one or an operand does not compile.
func (c *fastCompiler) concat(n ast.Node) []fn[string] {
	b, ok := n.(*ast.BinaryNode)
	if !ok || b.Operator != "+" || b.Type() != typeString {
		v, err := c.compile(n)
		if x, ok := v.(fn[string]); ok && err == nil {
			return []fn[string]{x}
		}
		return nil
	}
	l := c.concat(b.Left)
	r := c.concat(b.Right)
	if l == nil || r == nil {
		return nil
	}
	return append(l, r...)
}

// memberOf reports whether n reads a field of a T (or *T) named one of
// names.
func memberOf[T any](n ast.Node, names ...string) bool {
	m, ok := n.(*ast.MemberNode)
	if !ok || m.Optional {
		return false
	}
	prop, ok := m.Property.(*ast.StringNode)
	t := m.Node.Type()
	return ok && slices.Contains(names, prop.Value) && (t == reflect.TypeFor[T]() || t == reflect.TypeFor[*T]())
}

// emailKey reports whether n reads a party's email_key or email_domain,
// which manifest.Decoder lower-cases as an emails list's entries are.
func (c *fastCompiler) emailKey(n ast.Node) bool {
	return memberOf[PartyEnv](n, "email_key", "email_domain")
}

// descriptions reports whether n reads the environment's descriptions.
func (c *fastCompiler) descriptions(n ast.Node) bool {
	id, ok := n.(*ast.IdentifierNode)
	if !ok || id.Value != "descriptions" {
		return false
	}
	_, shadowed := c.variable(id.Value)
	return !shadowed
}

// foldedText reports whether n reads descriptions or a line's words, or a
// variable holding one of them: text that Env.fill has folded already.
// When Env.plain says the parcel's text is plain ASCII, the list functions
// take it as it is rather than check it is folded on every call.
func (c *fastCompiler) foldedText(n ast.Node) bool {
	if id, ok := n.(*ast.IdentifierNode); ok {
		if v, ok := c.variable(id.Value); ok {
			return v.text
		}
	}
	return c.descriptions(n) || memberOf[ItemEnv](n, "words")
}

// appender returns money(x) or kg(x) as an appender, which renders into
// the explanation's buffer rather than into a string of its own; nil when
// n is not such a call.
func (c *fastCompiler) appender(n ast.Node) appender {
	call, ok := n.(*ast.CallNode)
	if !ok || len(call.Arguments) != 1 {
		return nil
	}
	callee, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || callee.Value != "money" && callee.Value != "kg" {
		return nil
	}
	v, err := c.compile(call.Arguments[0])
	x, ok := v.(fn[float64])
	if err != nil || !ok {
		return nil
	}
	render := appendKg
	if callee.Value == "money" {
		render = appendMoney
	}
	return func(f *frame, b []byte) []byte { return render(b, x(f)) }
}

// boxed returns v's value as an any of its own type, or nil when v is not
// a scalar.
func boxed(v any) fn[any] {
	switch x := v.(type) {
	case fn[bool]:
		return func(f *frame) any { return x(f) }
	case fn[int]:
		return func(f *frame) any { return x(f) }
	case fn[float64]:
		return func(f *frame) any { return x(f) }
	case fn[string]:
		return func(f *frame) any { return x(f) }
	}
	return nil
}

func one(args []any) any {
	if len(args) != 1 {
		return nil
	}
	return args[0]
}

// builtin compiles len, int, float and the predicate builtins any, all,
// none, one and count.
func (c *fastCompiler) builtin(n *ast.BuiltinNode) (any, error) {
	if n.Map != nil {
		return nil, unsupported(n, "folded map")
	}
	switch n.Name {
	case "len", "int", "float":
		if len(n.Arguments) != 1 {
			break
		}
		v, err := c.compile(n.Arguments[0])
		if err != nil {
			return nil, err
		}
		switch x := v.(type) {
		case fn[string]:
			if n.Name == "len" {
				// expr counts a string's length in characters.
				return fn[int](func(f *frame) int { return utf8.RuneCountInString(x(f)) }), nil
			}
		case sliceFn:
			if n.Name == "len" {
				return x.len, nil
			}
		case fn[int]:
			switch n.Name {
			case "int":
				return x, nil
			case "float":
				return fn[float64](func(f *frame) float64 { return float64(x(f)) }), nil
			}
		case fn[float64]:
			switch n.Name {
			case "int":
				return fn[int](func(f *frame) int { return int(x(f)) }), nil
			case "float":
				return x, nil
			}
		}
	case "any", "all", "none", "one", "count":
		return c.predicate(n)
	}
	return nil, unsupported(n, "builtin "+n.Name)
}

// predicate compiles any, all, none, one and count over a slice.
func (c *fastCompiler) predicate(n *ast.BuiltinNode) (any, error) {
	if len(n.Arguments) != 2 {
		return nil, unsupported(n, n.Name+" without a predicate")
	}
	pred, ok := n.Arguments[1].(*ast.PredicateNode)
	if !ok {
		return nil, unsupported(n, n.Name+" without a predicate")
	}
	v, err := c.compile(n.Arguments[0])
	if err != nil {
		return nil, err
	}
	s, ok := v.(sliceFn)
	if !ok {
		return nil, unsupported(n, n.Name+" over a non-slice")
	}
	el := scopeVar{t: s.elem, slot: c.newSlot(s.elem)}
	c.scope = append(c.scope, el)
	body, err := c.compile(pred.Node)
	c.scope = c.scope[:len(c.scope)-1]
	if err != nil {
		return nil, err
	}
	b, ok := body.(fn[bool])
	if !ok {
		return nil, unsupported(n, "predicate not a bool")
	}
	switch n.Name {
	case "any":
		return s.until(el.slot, b, true), nil
	case "all":
		return s.until(el.slot, b, false), nil
	case "none":
		anyOf := s.until(el.slot, b, true)
		return fn[bool](func(f *frame) bool { return !anyOf(f) }), nil
	}
	slot := el.slot
	count := func(f *frame, limit int) int {
		hits := 0
		for i, n := 0, s.len(f); i < n && hits < limit; i++ {
			s.set(f, i, slot)
			if b(f) {
				hits++
			}
		}
		return hits
	}
	if n.Name == "one" {
		// Stopping at the second hit gives the answer expr gives.
		return fn[bool](func(f *frame) bool { return count(f, 2) == 1 }), nil
	}
	return fn[int](func(f *frame) int { return count(f, math.MaxInt) }), nil
}

// until returns whether some element (want true) or every element (want
// false) satisfies p, stopping at the first element that settles it, as
// expr's any and all do.
func (s sliceFn) until(slot int, p fn[bool], want bool) fn[bool] {
	return func(f *frame) bool {
		for i, n := 0, s.len(f); i < n; i++ {
			s.set(f, i, slot)
			if p(f) == want {
				return want
			}
		}
		return !want
	}
}
