package scorer

import (
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/synth"
)

// BenchmarkScoreDefaultPack decodes, validates and scores one realistic
// manifest per operation with the default pack, on one goroutine: the
// per-parcel cost of the screening core.
func BenchmarkScoreDefaultPack(b *testing.B) {
	loader, err := rules.NewLoader(rules.LoaderConfig{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	s := New(loader, Config{SampleRate: 0.002, Now: func() time.Time { return now }})
	g := synth.New(synth.Config{Seed: 7, PatternShare: 0.02, DeficientShare: 0.05, Start: now.Add(-24 * time.Hour), Span: 24 * time.Hour})
	const n = 4096
	inputs := make([][]byte, n)
	size := 0
	for i := range inputs {
		inputs[i] = g.Next(nil)
		size += len(inputs[i])
	}
	var (
		dec     manifest.Decoder
		p       manifest.Parcel
		flagged int
	)
	b.SetBytes(int64(size / n))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := dec.Decode(inputs[i%n], now, &p); err != nil {
			b.Fatalf("Decode() = %v", err)
		}
		if a := s.Score(&p); a.Outcome != Release {
			flagged++
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "parcels/s")
	_ = flagged
}

// BenchmarkScoreDefaultPackParallel is BenchmarkScoreDefaultPack on every
// core, each goroutine with its own decoder: the throughput of one engine.
func BenchmarkScoreDefaultPackParallel(b *testing.B) {
	loader, err := rules.NewLoader(rules.LoaderConfig{})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	s := New(loader, Config{SampleRate: 0.002, Now: func() time.Time { return now }})
	g := synth.New(synth.Config{Seed: 7, Start: now.Add(-24 * time.Hour), Span: 24 * time.Hour})
	const n = 4096
	inputs := make([][]byte, n)
	for i := range inputs {
		inputs[i] = g.Next(nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var (
			dec manifest.Decoder
			p   manifest.Parcel
		)
		for i := 0; pb.Next(); i++ {
			if err := dec.Decode(inputs[i%n], now, &p); err != nil {
				b.Error(err)
				return
			}
			s.Score(&p)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "parcels/s")
}
