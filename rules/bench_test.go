package rules

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// bigPack writes a pack of n rules, of the shapes the default pack uses,
// each with one test that fires and one that must not.
func bigPack(tb testing.TB, n int) string {
	tb.Helper()
	dir := tb.TempDir()
	files := packFiles(goodRule)
	var b strings.Builder
	b.WriteString("rules:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `  - id: R%d
    title: rule %d
    description: generated rule %d
    when: |
      in_list("origins", origin_country) && gross_weight_kg < %d.5
        && any(contents, .quantity > 0 && !has_term("vague", .words)) && sender.country != "X%d"
    score: %d
    explain: |
      sprintf("rule %d: %%s from %%s", kg(gross_weight_kg), origin_country)
    tests:
      - {name: fires, fires: true, manifest: {origin_country: CN}}
      - {name: quiet, fires: false, manifest: {}}
`, i, i, i, i%5+1, i, i%50, i)
	}
	files["r.yaml"] = b.String()
	writePack(tb, dir, files)
	return dir
}

// BenchmarkLoad1000Rules compiles, type-checks and tests a pack of 1,000
// rules and swaps it in, as a reload does; it reports the heap the loaded
// set holds.
func BenchmarkLoad1000Rules(b *testing.B) {
	dir := bigPack(b, 1000)
	l, err := NewLoader(LoaderConfig{Dir: dir})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		// Touch a rule so that the reload builds and swaps a new set.
		writePack(b, dir, map[string]string{"lists/origins.txt": fmt.Sprintf("# %d\nCN\n", i)})
		if err := l.Reload(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if got := len(l.Current().Rules); got != 1000 {
		b.Fatalf("loaded %d rules; want 1000", got)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/reload")
	b.ReportMetric(setHeapMB(b, dir), "MB/set")
}

// setHeapMB measures the live heap one loaded set of the pack holds.
func setHeapMB(tb testing.TB, dir string) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	set, err := Load(os.DirFS(dir), LoadOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(set)
	return float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
}

func TestBigPackLoads(t *testing.T) {
	if testing.Short() {
		t.Skip("loads a 1,000-rule pack")
	}
	dir := bigPack(t, 1000)
	set, err := Load(os.DirFS(filepath.Clean(dir)), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range set.Rules {
		if r.fast == nil {
			t.Fatalf("rule %s of the 1,000-rule pack has no closure and would run on the VM", r.ID)
		}
	}
	if mb := setHeapMB(t, dir); mb > 100 {
		t.Errorf("a loaded 1,000-rule set holds %.1f MB; want under 100", mb)
	}
}
