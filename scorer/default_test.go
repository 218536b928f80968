package scorer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
)

// TestDefaultPackCases scores hand-written, real-looking manifests with the
// default pack. Each file under testdata/cases names its expected lane in its
// file name (release_*, review_*, inspect_*) and lists, in a sibling .rules
// file, rules that must fire (one per line) and, prefixed by "!", rules that
// must not.
func TestDefaultPackCases(t *testing.T) {
	loader, err := rules.NewLoader(rules.LoaderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	s := New(loader, Config{Now: func() time.Time { return now }})
	files, _ := filepath.Glob("testdata/cases/*.json")
	if len(files) < 10 {
		t.Fatalf("found %d cases; want the hand-written set", len(files))
	}
	var dec manifest.Decoder
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var p manifest.Parcel
			if err := dec.Decode(raw, now, &p); err != nil {
				t.Fatalf("Decode(%s) = %v", name, err)
			}
			a := s.Score(&p)
			fired := make([]string, len(a.Hits))
			for i, h := range a.Hits {
				fired[i] = h.Rule
				if h.Reason == "" {
					t.Errorf("hit %s has no reason", h.Rule)
				}
			}
			want := Outcome(name[:strings.IndexByte(name, '_')])
			if a.Outcome != want {
				t.Errorf("Score(%s) = %s (score %d, hits %v); want %s", name, a.Outcome, a.Score, fired, want)
			}
			expect, _ := os.ReadFile(strings.TrimSuffix(f, ".json") + ".rules")
			for _, line := range strings.Fields(string(expect)) {
				rule, absent := strings.CutPrefix(line, "!")
				if slices.Contains(fired, rule) == absent {
					t.Errorf("Score(%s): rule %s fired = %v; want %v (hits %v)", name, rule, !absent, absent == false, fired)
				}
			}
		})
	}
}
