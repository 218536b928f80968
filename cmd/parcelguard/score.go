package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/synth"
)

func (m *Main) score(ctx context.Context, args []string) error {
	fs := m.newFlags("score", "score [flags] [FILE...]")
	dir := fs.String("rules", "", "rule pack folder (default: the embedded default pack)")
	watch := fs.Bool("watch", false, "reload the pack when its folder changes or on SIGHUP (for long streams on stdin)")
	reviewAt := fs.Int("review-at", 0, "score from which a parcel goes to the review lane (default: the pack's)")
	inspectAt := fs.Int("inspect-at", 0, "score from which a parcel goes to the inspect lane (default: the pack's)")
	sampleRate := fs.Float64("sample-rate", 0.002, "share of released parcels selected for inspection at random (0..1)")
	seed := fs.Uint64("seed", 0, "seed of the random selection")
	now := fs.String("now", "", "score as if the time were this (RFC 3339); default: the real clock")
	maxBytes := fs.Int("max-bytes", manifest.DefaultMaxBytes, "largest manifest accepted, in bytes")
	truth := fs.Bool("truth", false, "compare the outcomes with the \"synthetic\" field that 'parcelguard generate' writes, and report recall and flag rate")
	quiet := fs.Bool("q", false, "print only the summary, not the assessments")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *sampleRate < 0 || *sampleRate > 1 {
		fmt.Fprintf(m.Stderr, "parcelguard score: -sample-rate %v must be between 0 and 1\n", *sampleRate)
		return errUsage
	}
	if *maxBytes <= 0 {
		fmt.Fprintf(m.Stderr, "parcelguard score: -max-bytes %d must be positive\n", *maxBytes)
		return errUsage
	}
	clock := time.Now
	if *now != "" {
		t, err := time.Parse(time.RFC3339, *now)
		if err != nil {
			fmt.Fprintf(m.Stderr, "parcelguard score: -now %q is not an RFC 3339 time such as 2026-11-20T10:15:00Z\n", *now)
			return errUsage
		}
		clock = func() time.Time { return t }
	}

	log := slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	loader, err := rules.NewLoader(rules.LoaderConfig{Dir: *dir, Logger: log, Now: clock})
	if err != nil {
		return m.packFailure(err)
	}
	if *watch {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		go loader.Watch(ctx, 300*time.Millisecond)
		go m.reloadOnSignal(ctx, loader)
	}
	sc := scorer.New(loader, scorer.Config{ReviewAt: *reviewAt, InspectAt: *inspectAt, SampleRate: *sampleRate, Seed: *seed, Now: clock})

	out := bufio.NewWriterSize(m.Stdout, 64<<10)
	defer out.Flush()
	run := &scoreRun{
		scorer:  sc,
		dec:     manifest.Decoder{MaxBytes: *maxBytes},
		out:     out,
		enc:     json.NewEncoder(out),
		stderr:  m.Stderr,
		quiet:   *quiet,
		truth:   *truth,
		clock:   clock,
		sum:     newSummary(),
		started: time.Now(),
	}
	inputs := fs.Args()
	if len(inputs) == 0 {
		inputs = []string{"-"}
	}
	for _, name := range inputs {
		if err := ctx.Err(); err != nil {
			break
		}
		r, closeFn, err := m.open(name)
		if err != nil {
			return err
		}
		err = run.stream(ctx, name, r, *maxBytes)
		closeFn()
		if err != nil {
			return err
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("writing assessments: %w", err)
	}
	run.sum.write(m.Stderr, time.Since(run.started), loader.Current(), *truth)
	return nil
}

func (m *Main) open(name string) (io.Reader, func(), error) {
	if name == "-" {
		return m.Stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}

// reloadOnSignal reloads the pack on every SIGHUP until ctx is done.
func (m *Main) reloadOnSignal(ctx context.Context, l *rules.Loader) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.Signals:
			_ = l.Reload() // a refusal is logged and kept in the status
		}
	}
}

// scoreRun scores a stream of NDJSON manifests.
type scoreRun struct {
	scorer  *scorer.Scorer
	dec     manifest.Decoder
	p       manifest.Parcel
	out     *bufio.Writer
	enc     *json.Encoder
	stderr  io.Writer
	quiet   bool
	truth   bool
	clock   func() time.Time
	sum     *summary
	started time.Time
}

func (r *scoreRun) stream(ctx context.Context, name string, in io.Reader, maxBytes int) error {
	lr := newLineReader(in, maxBytes)
	for ctx.Err() == nil {
		line, n, tooLong, err := lr.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if len(line) == 0 && !tooLong {
			continue // blank lines separate nothing in NDJSON; skip them
		}
		var decodeErr error
		if tooLong {
			decodeErr = &manifest.Rejection{Findings: []manifest.Finding{{
				Code: manifest.CodeTooLarge, Path: "",
				Message: fmt.Sprintf("the manifest is over %d bytes: split the contents or raise -max-bytes", maxBytes),
			}}}
		} else {
			decodeErr = r.dec.Decode(line, r.clock(), &r.p)
		}
		if decodeErr != nil {
			var rej *manifest.Rejection
			if !errors.As(decodeErr, &rej) {
				return decodeErr
			}
			r.sum.reject(rej)
			fmt.Fprintf(r.stderr, "%s:%d: rejected: %v\n", name, n, rej)
			continue
		}
		a := r.scorer.Score(&r.p)
		planted := false
		if r.truth {
			planted = synth.ReadTruth(line).Pattern != ""
		}
		r.sum.add(&a, planted)
		if !r.quiet {
			if err := r.enc.Encode(&a); err != nil {
				return fmt.Errorf("writing assessments: %w", err)
			}
		}
		// A stream that pauses gets its assessments now, not when the
		// buffer fills.
		if lr.r.Buffered() == 0 {
			if err := r.out.Flush(); err != nil {
				return fmt.Errorf("writing assessments: %w", err)
			}
		}
	}
	return ctx.Err()
}

// lineReader reads newline-delimited records, refusing to buffer a record
// longer than max: it skips the rest of that line and reports it too long.
type lineReader struct {
	r    *bufio.Reader
	max  int
	buf  []byte
	line int
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 64<<10), max: max}
}

func (lr *lineReader) next() (line []byte, n int, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	lr.line++
	for {
		chunk, err := lr.r.ReadSlice('\n')
		if !tooLong {
			lr.buf = append(lr.buf, chunk...)
			if len(lr.buf) > lr.max+2 { // +2 for "\r\n"
				tooLong, lr.buf = true, lr.buf[:0]
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(lr.buf) > 0 || tooLong):
			return trimEOL(lr.buf), lr.line, tooLong, nil
		case err != nil:
			return nil, lr.line, false, err
		}
		return trimEOL(lr.buf), lr.line, tooLong, nil
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// summary counts what a score run saw.
type summary struct {
	scored, rejected, withQuality, sampled int
	lanes                                  map[scorer.Outcome]int
	rejectCodes, qualityCodes, ruleHits    map[string]int
	planted, plantedFlagged                int
	clean, cleanFlagged                    int
}

func newSummary() *summary {
	return &summary{lanes: map[scorer.Outcome]int{}, rejectCodes: map[string]int{}, qualityCodes: map[string]int{}, ruleHits: map[string]int{}}
}

func (s *summary) reject(r *manifest.Rejection) {
	s.rejected++
	for _, f := range r.Findings {
		s.rejectCodes[f.Code]++
	}
}

func (s *summary) add(a *scorer.Assessment, planted bool) {
	s.scored++
	s.lanes[a.Outcome]++
	if a.Sampled {
		s.sampled++
	}
	if len(a.DataQuality) > 0 {
		s.withQuality++
	}
	for _, f := range a.DataQuality {
		s.qualityCodes[f.Code]++
	}
	for _, h := range a.Hits {
		s.ruleHits[h.Rule]++
	}
	// Random selection is not the rules' doing: count only what they flagged.
	flagged := a.Outcome != scorer.Release && !a.Sampled
	if planted {
		s.planted++
		if flagged {
			s.plantedFlagged++
		}
	} else {
		s.clean++
		if flagged {
			s.cleanFlagged++
		}
	}
}

func (s *summary) write(w io.Writer, took time.Duration, set *rules.Set, truth bool) {
	rate := float64(s.scored+s.rejected) / took.Seconds()
	fmt.Fprintf(w, "\nscored %d, rejected %d in %s (%.0f manifests/s) with pack %s version %s\n",
		s.scored, s.rejected, took.Round(time.Millisecond), rate, set.Name, set.Version)
	fmt.Fprintf(w, "lanes: release %d (%s), review %d (%s), inspect %d (%s) of which %d selected at random\n",
		s.lanes[scorer.Release], pct(s.lanes[scorer.Release], s.scored),
		s.lanes[scorer.Review], pct(s.lanes[scorer.Review], s.scored),
		s.lanes[scorer.Inspect], pct(s.lanes[scorer.Inspect], s.scored), s.sampled)
	fmt.Fprintf(w, "data quality: %d parcels (%s) with findings\n", s.withQuality, pct(s.withQuality, s.scored))
	writeTop(w, "  rejections", s.rejectCodes, 20)
	writeTop(w, "  data-quality codes", s.qualityCodes, 20)
	writeTop(w, "  rule hits", s.ruleHits, 40)
	if truth {
		fmt.Fprintf(w, "truth: planted %d, flagged %d (recall %s); clean %d, flagged %d (flag rate %s); precision %s\n",
			s.planted, s.plantedFlagged, pct(s.plantedFlagged, s.planted),
			s.clean, s.cleanFlagged, pct(s.cleanFlagged, s.clean),
			pct(s.plantedFlagged, s.plantedFlagged+s.cleanFlagged))
	}
}

func writeTop(w io.Writer, title string, counts map[string]int, n int) {
	if len(counts) == 0 {
		return
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if counts[keys[i]] != counts[keys[j]] {
			return counts[keys[i]] > counts[keys[j]]
		}
		return keys[i] < keys[j]
	})
	fmt.Fprintf(w, "%s:\n", title)
	for i, k := range keys {
		if i == n {
			fmt.Fprintf(w, "    ... %d more\n", len(keys)-n)
			break
		}
		fmt.Fprintf(w, "    %-36s %d\n", k, counts[k])
	}
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
}
