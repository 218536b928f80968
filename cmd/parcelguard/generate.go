package main

import (
	"bufio"
	"context"
	"fmt"
	"time"

	"github.com/parcelguard/parcelguard/synth"
)

func (m *Main) generate(ctx context.Context, args []string) error {
	fs := m.newFlags("generate", "generate [flags]")
	n := fs.Int("n", 1000, "number of manifests")
	seed := fs.Uint64("seed", 1, "random seed: the same seed writes the same manifests")
	patterns := fs.Float64("patterns", 0.02, "share of parcels carrying a drug-shipping pattern (0..1)")
	deficient := fs.Float64("deficient", 0.05, "share of parcels with deficient data (0..1)")
	broken := fs.Float64("broken", 0, "share of manifests the decoder must reject (0..1)")
	start := fs.String("start", "", "earliest posting time (RFC 3339); default: 24 hours ago")
	span := fs.Duration("span", 24*time.Hour, "posting times spread over this long from -start")
	if err := parse(fs, args); err != nil {
		return err
	}
	for name, v := range map[string]float64{"patterns": *patterns, "deficient": *deficient, "broken": *broken} {
		if v < 0 || v > 1 {
			fmt.Fprintf(m.Stderr, "parcelguard generate: -%s %v must be between 0 and 1\n", name, v)
			return errUsage
		}
	}
	if *n < 0 || *span <= 0 {
		fmt.Fprintf(m.Stderr, "parcelguard generate: -n must be ≥ 0 and -span positive\n")
		return errUsage
	}
	from := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Minute)
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			fmt.Fprintf(m.Stderr, "parcelguard generate: -start %q is not an RFC 3339 time such as 2026-11-20T00:00:00Z\n", *start)
			return errUsage
		}
		from = t
	}
	g := synth.New(synth.Config{Seed: *seed, PatternShare: *patterns, DeficientShare: *deficient, BrokenShare: *broken, Start: from, Span: *span})
	w := bufio.NewWriterSize(m.Stdout, 256<<10)
	var buf []byte
	for i := 0; i < *n; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			break
		}
		buf = append(g.Next(buf[:0]), '\n')
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("writing manifests: %w", err)
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("writing manifests: %w", err)
	}
	return ctx.Err()
}
