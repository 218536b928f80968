package stream

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"
)

// countSink is a Sink that only counts.
type countSink struct{ n atomic.Int64 }

func (s *countSink) Write(_ context.Context, batch []Record, _ []Reject) error {
	s.n.Add(int64(len(batch)))
	return nil
}

// BenchmarkPipeline consumes 100,000 synthetic manifests from the
// embedded broker through decode, the default rule pack and a Sink that
// only counts, and reports messages per second end to end (fetch to
// commit-ready). Run it with -benchtime=1x; each iteration is a new
// consumer group reading the same topic from the start.
func BenchmarkPipeline(b *testing.B) {
	const n = 100_000
	br := startTestBroker(b)
	produce(b, br, "", genManifests(100, n, 0.01))
	sc := newTestScorer(b)
	b.ResetTimer()
	var total time.Duration
	for i := range b.N {
		sink := new(countSink)
		group := fmt.Sprintf("bench-%d", i)
		cfg := Config{
			Brokers:   br.Addrs(),
			GroupID:   group,
			BatchSize: 1000,
			Scorer:    sc,
			Sink:      sink,
		}
		p, err := New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		stop := runPipeline(b, p)
		for {
			st := p.Stats()
			if st.Records+st.DLQWrites >= n {
				break
			}
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("consumed %d of %d in 5 minutes", st.Records+st.DLQWrites, n)
			}
			time.Sleep(2 * time.Millisecond)
		}
		total += time.Since(start)
		if err := stop(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/total.Seconds(), "msgs/s")
	b.ReportMetric(float64(total.Nanoseconds())/float64(n*b.N), "ns/msg")
}
