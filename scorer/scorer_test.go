package scorer

import (
	"fmt"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
)

// fixed is a rules source that never changes.
type fixed struct{ set *rules.Set }

func (f fixed) Current() *rules.Set { return f.set }

const testPack = `name: t
thresholds: {review: 20, inspect: 50}
`

const testRules = `rules:
  - id: LIGHT
    title: light
    description: light item
    when: gross_weight_kg < 1
    score: 15
    explain: sprintf("weighs %s", kg(gross_weight_kg))
  - id: CN
    title: from China
    description: origin
    when: origin_country == "CN"
    score: 10
  - id: GIFT
    title: gift
    description: forces review
    when: category == "gift"
    score: 1
    outcome: review
  - id: PO
    title: locker
    description: forces inspection
    when: recipient.street == "PO Box 1"
    score: 0
    outcome: inspect
  - id: SHADOW
    title: shadow
    description: counted nowhere
    when: "true"
    score: 100
    mode: shadow
  - id: OLD
    title: expired
    description: ran until 2025
    when: "true"
    score: 100
    valid_until: 2025-01-01T00:00:00Z
  - id: LATER
    title: not yet
    description: runs from 2030
    when: "true"
    score: 100
    valid_from: 2030-01-01T00:00:00Z
  - id: BOOM
    title: runtime error
    description: fails on parcels with three content lines
    when: len(contents) == 3 && contents[5].quantity > 0
    score: 100
`

func testScorer(t testing.TB, cfg Config) *Scorer {
	t.Helper()
	set, err := rules.Load(fstest.MapFS{
		"pack.yaml": {Data: []byte(testPack)},
		"r.yaml":    {Data: []byte(testRules)},
	}, rules.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC) }
	}
	return New(fixed{set}, cfg)
}

func parcel(t testing.TB, json string) *manifest.Parcel {
	t.Helper()
	p, err := manifest.Decode([]byte(json))
	if err != nil {
		t.Fatalf("Decode(%s) = %v", json, err)
	}
	return p
}

func manifestJSON(origin string, weight float64, category, street string) string {
	return fmt.Sprintf(`{"item_id":"CP123456785FR","operator":"LAPOSTE","origin_country":%q,"destination_country":"DE",
	  "category":%q,"recipient":{"name":"A B","street":%q},
	  "contents":[{"description":"Sweater","quantity":1,"net_weight_kg":0.3,"value":20}],"gross_weight_kg":%v}`, origin, category, street, weight)
}

func TestScore(t *testing.T) {
	tests := []struct {
		name     string
		manifest string
		want     Assessment
	}{
		{"nothing fires", manifestJSON("FR", 2, "sale_of_goods", "Main St 1"),
			Assessment{Outcome: Release}},
		{"one rule under the threshold", manifestJSON("FR", 0.5, "sale_of_goods", "Main St 1"),
			Assessment{Score: 15, Outcome: Release, Hits: []Hit{{Rule: "LIGHT", Score: 15, Reason: "weighs 0.500 kg"}}}},
		{"two rules reach review", manifestJSON("CN", 0.5, "sale_of_goods", "Main St 1"),
			Assessment{Score: 25, Outcome: Review, Hits: []Hit{{Rule: "LIGHT", Score: 15, Reason: "weighs 0.500 kg"}, {Rule: "CN", Score: 10, Reason: "from China"}}}},
		{"a rule forces review", manifestJSON("FR", 2, "gift", "Main St 1"),
			Assessment{Score: 1, Outcome: Review, Hits: []Hit{{Rule: "GIFT", Score: 1, Reason: "gift", Outcome: Review}}}},
		{"the stricter forced lane wins", manifestJSON("FR", 2, "gift", "PO Box 1"),
			Assessment{Score: 1, Outcome: Inspect, Hits: []Hit{{Rule: "GIFT", Score: 1, Reason: "gift", Outcome: Review}, {Rule: "PO", Score: 0, Reason: "locker", Outcome: Inspect}}}},
	}
	s := testScorer(t, Config{})
	ignore := cmpIgnore()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := s.Score(parcel(t, tc.manifest))
			if got.Hits == nil || got.Shadow == nil || got.DataQuality == nil {
				t.Errorf("Score() has nil slices; want empty ones for JSON readers")
			}
			if got.Pack == "" || got.ItemID != "CP123456785FR" {
				t.Errorf("Score() item %q pack %q; want both set", got.ItemID, got.Pack)
			}
			if len(got.Shadow) != 1 || got.Shadow[0].Rule != "SHADOW" {
				t.Errorf("Score() shadow hits = %v; want SHADOW recorded", got.Shadow)
			}
			if diff := cmp.Diff(tc.want, got, ignore); diff != "" {
				t.Errorf("Score(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func cmpIgnore() cmp.Option {
	return cmp.Options{cmpopts.EquateEmpty(), cmp.FilterPath(func(p cmp.Path) bool {
		switch p.Last().String() {
		case ".ItemID", ".Pack", ".AssessedAt", ".ReceivedAt", ".Shadow", ".DataQuality", ".Errors":
			return true
		}
		return false
	}, cmp.Ignore())}
}

func TestScoreThresholdOverride(t *testing.T) {
	s := testScorer(t, Config{ReviewAt: 10, InspectAt: 25})
	if got := s.Score(parcel(t, manifestJSON("CN", 0.5, "sale_of_goods", "x"))); got.Outcome != Inspect {
		t.Errorf("Score() with inspect at 25 = %s (score %d); want inspect", got.Outcome, got.Score)
	}
}

func TestScoreRuntimeError(t *testing.T) {
	s := testScorer(t, Config{})
	p := parcel(t, `{"item_id":"X1","operator":"O","origin_country":"FR","destination_country":"DE","gross_weight_kg":2,
	  "contents":[{"description":"a","quantity":1},{"description":"b","quantity":1},{"description":"c","quantity":1}]}`)
	got := s.Score(p)
	if len(got.Errors) != 1 || got.Score != 0 {
		t.Errorf("Score() = score %d, errors %q; want BOOM's error recorded and not counted", got.Score, got.Errors)
	}
}

func TestSampling(t *testing.T) {
	const n = 200000
	s := testScorer(t, Config{SampleRate: 0.01, Seed: 42})
	picked := 0
	for i := 0; i < n; i++ {
		if s.sampled(manifest.FormatS10("LX", i, "CN")) {
			picked++
		}
	}
	if share := float64(picked) / n; share < 0.009 || share > 0.011 {
		t.Errorf("sampled share = %.4f over %d ids; want 0.01 ± 0.001", share, n)
	}
	other := testScorer(t, Config{SampleRate: 0.01, Seed: 43})
	same := 0
	for i := 0; i < 1000; i++ {
		id := manifest.FormatS10("LX", i, "CN")
		if s.sampled(id) != s.sampled(id) {
			t.Fatalf("sampled(%s) is not deterministic", id)
		}
		if s.sampled(id) && other.sampled(id) {
			same++
		}
	}
	if same > 3 {
		t.Errorf("seeds 42 and 43 picked %d of the same ids out of 1000; want independent choices", same)
	}
	none := testScorer(t, Config{})
	if none.sampled("LX000000005CN") {
		t.Error("sampled() with rate 0 = true")
	}

	// A sampled release becomes an inspection, flagged as sampled.
	all := testScorer(t, Config{SampleRate: 1})
	if got := all.Score(parcel(t, manifestJSON("FR", 2, "sale_of_goods", "x"))); got.Outcome != Inspect || !got.Sampled {
		t.Errorf("Score() with rate 1 = %s sampled %v; want inspect, sampled", got.Outcome, got.Sampled)
	}
}

func TestScoreConcurrent(t *testing.T) {
	s := testScorer(t, Config{})
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				origin := []string{"CN", "FR"}[i%2]
				got := s.Score(parcel(t, manifestJSON(origin, 0.5, "sale_of_goods", "x")))
				if want := map[string]int{"CN": 25, "FR": 15}[origin]; got.Score != want {
					t.Errorf("Score(%s) = %d; want %d", origin, got.Score, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
