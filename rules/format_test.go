package rules

import (
	"fmt"
	"math"
	"testing"
)

// TestCompileFormat checks the formats it renders against fmt.Sprintf, and
// that it leaves every other format to fmt.
func TestCompileFormat(t *testing.T) {
	strs := []string{"", "plain", `say "hi"`, "tab\there", "Jörg Groß", "x\xffy", "€5", "%d"}
	ints := []int{0, 7, -42, math.MaxInt, math.MinInt}
	floats := []float64{0, math.Copysign(0, -1), 0.5, 1.5, 2.5, -0.4, 0.125, 1234.5678, 1e21, 1e-7, math.Inf(1), math.Inf(-1), math.NaN()}
	constant := func(v any) any {
		switch v := v.(type) {
		case string:
			return fn[string](func(*frame) string { return v })
		case int:
			return fn[int](func(*frame) int { return v })
		case float64:
			return fn[float64](func(*frame) float64 { return v })
		case bool:
			return fn[bool](func(*frame) bool { return v })
		}
		panic(v)
	}
	check := func(format string, args ...any) {
		t.Helper()
		compiled := make([]any, len(args))
		for i, a := range args {
			compiled[i] = constant(a)
		}
		render := compileFormat(format, compiled)
		if render == nil {
			t.Fatalf("compileFormat(%q, %v) = nil; want a closure", format, args)
		}
		if got, want := render(&frame{}), fmt.Sprintf(format, args...); got != want {
			t.Errorf("compileFormat(%q, %v) renders %q; fmt.Sprintf gives %q", format, args, got, want)
		}
	}
	for _, s := range strs {
		check("%s", s)
		check("name %q at %s.", s, s)
		check("%v!", s)
	}
	for _, n := range ints {
		check("%d pieces, %v times", n, n)
	}
	for _, f := range floats {
		for _, format := range []string{"%.0f", "%.1f h", "%.2f EUR", "%.3f", "%.9f"} {
			check(format, f)
		}
	}
	check("%v and %v", true, false)
	check("100%% sure, %s%%", "quite")
	check("no verbs at all")
	check("")

	// Left to fmt: flags, widths, other verbs, and a verb count other than
	// the arguments'.
	s := constant("x")
	i := constant(1)
	f := constant(1.5)
	for _, c := range []struct {
		format string
		args   []any
	}{
		{"%5s", []any{s}},
		{"%-s", []any{s}},
		{"%x", []any{s}},
		{"%+d", []any{i}},
		{"%.10f", []any{f}},
		{"%f", []any{f}},
		{"%.2g", []any{f}},
		{"%d", []any{s}},
		{"%s", []any{i}},
		{"%q", []any{i}},
		{"%.1f", []any{i}},
		{"%s %s", []any{s}},
		{"%s", []any{s, s}},
		{"trailing %", []any{}},
		{"%!", []any{}},
	} {
		if compileFormat(c.format, c.args) != nil {
			t.Errorf("compileFormat(%q) renders itself; want it left to fmt.Sprintf", c.format)
		}
	}
}
