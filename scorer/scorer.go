// Package scorer turns a parcel and a rule set into an Assessment: the
// total score, the selectivity lane, the hits with the sentence an officer
// reads, the shadow hits, and random compliance selection.
package scorer

import (
	"math"
	"sync"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
)

// Outcome is a customs selectivity lane.
type Outcome string

// The lanes, from least to most severe.
const (
	Release Outcome = "release" // green: no action
	Review  Outcome = "review"  // yellow: documentary check or request for information
	Inspect Outcome = "inspect" // red: hold for physical inspection
)

func (o Outcome) rank() int {
	switch o {
	case Review:
		return 1
	case Inspect:
		return 2
	}
	return 0
}

// Hit is one rule that fired.
type Hit struct {
	Rule  string `json:"rule"`
	Score int    `json:"score"`
	// Reason is the rule's explanation rendered for this parcel.
	Reason string `json:"reason"`
	// Outcome is the lane the rule forces, if any.
	Outcome Outcome `json:"outcome,omitempty"`
}

// Assessment is the verdict on one parcel.
type Assessment struct {
	ItemID  string  `json:"item_id"`
	Score   int     `json:"score"`
	Outcome Outcome `json:"outcome"`
	// Sampled is set when a parcel the rules would release was picked for
	// inspection at random, so that rule yield can be measured without bias.
	Sampled bool  `json:"sampled"`
	Hits    []Hit `json:"hits"`
	// Shadow holds the hits of rules in shadow mode: recorded, never counted.
	Shadow      []Hit              `json:"shadow_hits"`
	DataQuality []manifest.Finding `json:"data_quality"`
	// Errors lists rules that failed to run on this parcel (they count as
	// not fired).
	Errors     []string  `json:"errors,omitempty"`
	Pack       string    `json:"pack_version"`
	AssessedAt time.Time `json:"assessed_at"`
	ReceivedAt time.Time `json:"received_at"`
}

// Rules is what the scorer needs from the rule loader: the running set.
type Rules interface {
	Current() *rules.Set
}

// Config configures a Scorer.
type Config struct {
	// ReviewAt and InspectAt override the pack's thresholds when non-zero.
	ReviewAt  int
	InspectAt int
	// SampleRate is the share of released parcels selected for inspection
	// at random (0.002 = 0.2%). The choice is a pure function of the item id
	// and Seed, so a redelivered parcel gets the same answer.
	SampleRate float64
	Seed       uint64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Scorer scores parcels. It is safe for concurrent use: each call borrows a
// rules.Machine (one expr VM) from a pool.
type Scorer struct {
	rules     Rules
	cfg       Config
	threshold uint64
	machines  sync.Pool
}

// New returns a Scorer over the running rules.
func New(r Rules, cfg Config) *Scorer {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Scorer{rules: r, cfg: cfg}
	s.threshold = uint64(math.Min(math.Max(cfg.SampleRate, 0), 1) * math.MaxUint64)
	s.machines.New = func() any { return new(machine) }
	return s
}

// Score assesses p with the running rule set. p.ReceivedAt is the moment
// validity windows are judged at; when it is zero, now is used and recorded.
func (s *Scorer) Score(p *manifest.Parcel) Assessment {
	now := s.cfg.Now().UTC()
	if p.ReceivedAt.IsZero() {
		p.ReceivedAt = now
	}
	set := s.rules.Current()
	m := s.machines.Get().(*machine)
	defer s.machines.Put(m)
	m.Load(set, p)

	a := Assessment{
		ItemID:  p.ItemID,
		Outcome: Release,
		// Empty rather than nil, so JSON readers always find arrays.
		Hits:        []Hit{},
		Shadow:      []Hit{},
		DataQuality: p.Quality,
		Pack:        set.Version,
		AssessedAt:  now,
		ReceivedAt:  p.ReceivedAt,
	}
	forced := Release
	fired, errs := m.MatchAll(m.fired)
	m.fired = fired
	for _, err := range errs {
		a.Errors = append(a.Errors, err.Error())
	}
	for i, r := range set.Rules {
		if !fired[i] || !r.ActiveAt(p.ReceivedAt) {
			continue
		}
		hit := Hit{Rule: r.ID, Score: r.Score, Reason: m.Explain(r), Outcome: Outcome(r.Outcome)}
		if r.Mode == rules.ModeShadow {
			a.Shadow = append(a.Shadow, hit)
			continue
		}
		a.Hits = append(a.Hits, hit)
		a.Score += r.Score
		if hit.Outcome.rank() > forced.rank() {
			forced = hit.Outcome
		}
	}

	reviewAt, inspectAt := set.ReviewAt, set.InspectAt
	if s.cfg.ReviewAt > 0 {
		reviewAt = s.cfg.ReviewAt
	}
	if s.cfg.InspectAt > 0 {
		inspectAt = s.cfg.InspectAt
	}
	switch {
	case a.Score >= inspectAt:
		a.Outcome = Inspect
	case a.Score >= reviewAt:
		a.Outcome = Review
	}
	if forced.rank() > a.Outcome.rank() {
		a.Outcome = forced
	}
	if a.DataQuality == nil {
		a.DataQuality = []manifest.Finding{}
	}
	if a.Outcome == Release && s.sampled(p.ItemID) {
		a.Outcome, a.Sampled = Inspect, true
	}
	return a
}

// machine is a rules.Machine with the scratch space one Score call needs.
type machine struct {
	rules.Machine
	fired []bool
}

// sampled decides random compliance selection from the item id and seed
// alone, so the same parcel always gets the same answer.
func (s *Scorer) sampled(itemID string) bool {
	if s.threshold == 0 {
		return false
	}
	// FNV-1a over the item id, seeded, then a splitmix64 finish: FNV alone
	// mixes short inputs poorly and the share would drift.
	x := uint64(14695981039346656037) ^ s.cfg.Seed
	for i := 0; i < len(itemID); i++ {
		x ^= uint64(itemID[i])
		x *= 1099511628211
	}
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x < s.threshold
}
