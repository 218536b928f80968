package rules

import (
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/synth"
)

// TestCombinedAgrees checks the fast path — all rules in one program with
// field reads rewritten — against evaluating each rule's own program, over
// generated parcels of every pattern and defect.
func TestCombinedAgrees(t *testing.T) {
	set, err := Load(Default, LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if set.all == nil {
		t.Fatal("the default pack has no combined program; every parcel would run rule by rule")
	}
	now := time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC)
	g := synth.New(synth.Config{Seed: 11, PatternShare: 0.3, DeficientShare: 0.3, Start: now.Add(-24 * time.Hour), Span: 24 * time.Hour})
	var (
		dec   manifest.Decoder
		p     manifest.Parcel
		m     Machine
		fired []bool
		fires int
	)
	for i := 0; i < 5000; i++ {
		raw := g.Next(nil)
		if err := dec.Decode(raw, now, &p); err != nil {
			continue
		}
		m.Load(set, &p)
		out, err := m.vm.Run(set.all, &m.env)
		if err != nil {
			t.Fatalf("combined program on %s: %v", p.ItemID, err)
		}
		res := out.([]any)
		fired, _ = m.MatchAll(fired)
		for j, r := range set.Rules {
			want, err := m.Match(r)
			if err != nil {
				t.Fatalf("rule %s on %s: %v", r.ID, p.ItemID, err)
			}
			if res[j] != want || fired[j] != want {
				t.Fatalf("rule %s on %s: combined %v, MatchAll %v, alone %v\n%s", r.ID, p.ItemID, res[j], fired[j], want, raw)
			}
			if want {
				fires++
			}
		}
	}
	if fires < 1000 {
		t.Errorf("only %d rule hits over 5000 parcels; the comparison proves little", fires)
	}
}
