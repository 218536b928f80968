package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/synth"
)

const testPartitions = 6

// startTestBroker starts an embedded broker with the default topics and
// closes it when the test ends.
func startTestBroker(t testing.TB) *Broker {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	b, err := StartBroker(ctx, BrokerConfig{Addr: "127.0.0.1:0", Partitions: testPartitions})
	if err != nil {
		t.Fatalf("StartBroker: %v", err)
	}
	t.Cleanup(b.Close)
	return b
}

var (
	scorerOnce sync.Once
	testScorer *scorer.Scorer
	scorerErr  error
)

// newTestScorer returns a scorer over the embedded default rule pack.
func newTestScorer(t testing.TB) *scorer.Scorer {
	t.Helper()
	scorerOnce.Do(func() {
		loader, err := rules.NewLoader(rules.LoaderConfig{})
		if err != nil {
			scorerErr = err
			return
		}
		testScorer = scorer.New(loader, scorer.Config{})
	})
	if scorerErr != nil {
		t.Fatalf("loading default rule pack: %v", scorerErr)
	}
	return testScorer
}

// testLogger logs to stderr when STREAM_TEST_LOG is set.
func testLogger() *slog.Logger {
	if os.Getenv("STREAM_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testConfig returns a pipeline config tuned for fast tests.
func testConfig(t testing.TB, b *Broker, group string, sink Sink) Config {
	return Config{
		Brokers:           b.Addrs(),
		GroupID:           group,
		Workers:           2,
		BatchSize:         100,
		BatchAge:          20 * time.Millisecond,
		CommitInterval:    50 * time.Millisecond,
		ShutdownTimeout:   5 * time.Second,
		SessionTimeout:    6 * time.Second,
		HeartbeatInterval: 200 * time.Millisecond,
		RebalanceTimeout:  6 * time.Second,
		RetryBackoff:      10 * time.Millisecond,
		MaxRetryBackoff:   100 * time.Millisecond,
		Scorer:            newTestScorer(t),
		Sink:              sink,
		Logger:            testLogger(),
	}
}

// pos is where a message was in Kafka.
type pos struct {
	partition int
	offset    int64
}

// memSink is a Sink that records what it was given and can be told to
// fail.
type memSink struct {
	failing atomic.Bool
	delay   time.Duration

	mu       sync.Mutex
	got      map[pos]int
	ids      map[pos]string
	rejects  []Reject
	batches  []int
	calls    int
	failures int
	bad      []string
}

func newMemSink() *memSink {
	return &memSink{got: make(map[pos]int), ids: make(map[pos]string)}
}

// gotRejects returns a copy of the rejects the sink holds.
func (s *memSink) gotRejects() []Reject {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reject(nil), s.rejects...)
}

func (s *memSink) Write(ctx context.Context, batch []Record, rejects []Reject) error {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if s.delay > 0 {
		select {
		case <-time.After(s.delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if s.failing.Load() {
		s.mu.Lock()
		s.failures++
		s.mu.Unlock()
		return errors.New("sink is down")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejects = append(s.rejects, rejects...)
	if len(batch) == 0 {
		return nil
	}
	s.batches = append(s.batches, len(batch))
	for _, r := range batch {
		k := pos{r.Partition, r.Offset}
		s.got[k]++
		if r.Parcel == nil {
			s.bad = append(s.bad, fmt.Sprintf("record %+v has no parcel", k))
			continue
		}
		s.ids[k] = r.Parcel.ItemID
		if r.Assessment.ItemID != r.Parcel.ItemID || r.Topic != DefaultManifestsTopic {
			s.bad = append(s.bad, fmt.Sprintf("record %+v from %s: assessment for %q, parcel %q", k, r.Topic, r.Assessment.ItemID, r.Parcel.ItemID))
		}
		if r.Parcel.ReceivedAt.IsZero() || !r.Parcel.ReceivedAt.Equal(r.Assessment.ReceivedAt) {
			s.bad = append(s.bad, fmt.Sprintf("record %+v received at %v, assessed as received at %v", k, r.Parcel.ReceivedAt, r.Assessment.ReceivedAt))
		}
	}
	return nil
}

// count returns how many distinct messages the sink holds.
func (s *memSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// snapshot returns a copy of the messages held and their counts.
func (s *memSink) snapshot() map[pos]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := make(map[pos]int, len(s.got))
	for k, v := range s.got {
		c[k] = v
	}
	return c
}

// genManifests returns n synthetic manifests.
func genManifests(seed uint64, n int, broken float64) [][]byte {
	g := synth.New(synth.Config{Seed: seed, BrokenShare: broken})
	out := make([][]byte, n)
	for i := range out {
		out[i] = g.Next(nil)
	}
	return out
}

// produce writes manifests to the manifests topic.
func produce(t testing.TB, b *Broker, compression string, manifests [][]byte) {
	t.Helper()
	p, err := NewProducer(ProducerConfig{Brokers: b.Addrs(), Compression: compression})
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	defer p.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := p.Send(ctx, manifests...); err != nil {
		t.Fatalf("Send: %v", err)
	}
}

// endOffsets returns the high watermark of every partition of topic.
func endOffsets(t testing.TB, b *Broker, topic string) map[int]int64 {
	t.Helper()
	c := &kafka.Client{Addr: kafka.TCP(b.Addrs()...), Timeout: 5 * time.Second}
	req := &kafka.ListOffsetsRequest{Topics: map[string][]kafka.OffsetRequest{}}
	for i := range testPartitions {
		req.Topics[topic] = append(req.Topics[topic], kafka.LastOffsetOf(i))
	}
	resp, err := c.ListOffsets(t.Context(), req)
	if err != nil {
		t.Fatalf("ListOffsets: %v", err)
	}
	out := make(map[int]int64)
	for _, p := range resp.Topics[topic] {
		if p.Error != nil {
			t.Fatalf("ListOffsets %s/%d: %v", topic, p.Partition, p.Error)
		}
		out[p.Partition] = p.LastOffset
	}
	return out
}

// committedOffsets returns the group's committed offset of every
// partition of the manifests topic (-1 for none).
func committedOffsets(t testing.TB, b *Broker, group string) map[int]int64 {
	t.Helper()
	out, err := fetchCommitted(t.Context(), b, group)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func fetchCommitted(ctx context.Context, b *Broker, group string) (map[int]int64, error) {
	c := &kafka.Client{Addr: kafka.TCP(b.Addrs()...), Timeout: 5 * time.Second}
	parts := make([]int, testPartitions)
	for i := range parts {
		parts[i] = i
	}
	resp, err := c.OffsetFetch(ctx, &kafka.OffsetFetchRequest{GroupID: group, Topics: map[string][]int{DefaultManifestsTopic: parts}})
	if err != nil {
		return nil, fmt.Errorf("OffsetFetch: %w", err)
	}
	if errors.Is(resp.Error, kafka.GroupIdNotFound) {
		// Not joined yet: nothing committed.
		return map[int]int64{}, nil
	}
	if resp.Error != nil {
		return nil, fmt.Errorf("OffsetFetch: %w", resp.Error)
	}
	out := make(map[int]int64)
	for _, p := range resp.Topics[DefaultManifestsTopic] {
		if p.Error != nil {
			return nil, fmt.Errorf("OffsetFetch partition %d: %w", p.Partition, p.Error)
		}
		out[p.Partition] = p.CommittedOffset
	}
	return out, nil
}

// watchCommits polls the group's committed offsets until the test ends
// and reports any that went backwards.
func watchCommits(t *testing.T, b *Broker, group string) {
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	var violations []string
	var polls int
	go func() {
		defer close(done)
		last := make(map[int]int64)
		for ctx.Err() == nil {
			got, err := fetchCommitted(ctx, b, group)
			if err == nil {
				polls++
				for p, off := range got {
					prev, ok := last[p]
					if ok && off < prev {
						violations = append(violations, fmt.Sprintf("partition %d committed offset went back from %d to %d", p, prev, off))
					}
					if !ok || off > prev {
						last[p] = off
					}
				}
			}
			select {
			case <-ctx.Done():
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		for _, v := range violations {
			t.Error(v)
		}
		t.Logf("watched committed offsets %d times", polls)
	})
}

// readTopic returns every message of topic.
func readTopic(t testing.TB, b *Broker, topic string) []kafka.Message {
	t.Helper()
	var out []kafka.Message
	for part, end := range endOffsets(t, b, topic) {
		if end == 0 {
			continue
		}
		r := kafka.NewReader(kafka.ReaderConfig{Brokers: b.Addrs(), Topic: topic, Partition: part, MaxWait: 100 * time.Millisecond})
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		for {
			m, err := r.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("reading %s/%d: %v", topic, part, err)
			}
			out = append(out, m)
			if m.Offset == end-1 {
				break
			}
		}
		cancel()
		r.Close()
	}
	return out
}

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runPipeline starts p.Run in the background; the returned function
// stops it and returns Run's error.
func runPipeline(t testing.TB, p *Pipeline) (stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { errc <- p.Run(ctx) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case err = <-errc:
			case <-time.After(20 * time.Second):
				err = errors.New("Run did not return within 20s of cancel")
			}
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return stop
}

// allCommitted reports whether the group committed every partition up to
// its end.
func allCommitted(t testing.TB, b *Broker, group string) bool {
	end := endOffsets(t, b, DefaultManifestsTopic)
	got := committedOffsets(t, b, group)
	for p, e := range end {
		if c, ok := got[p]; e > 0 && (!ok || c != e) {
			return false
		}
	}
	return true
}

// sum adds up offsets, counting "none" (-1) as 0.
func sum(m map[int]int64) int64 {
	var n int64
	for _, v := range m {
		n += max(v, 0)
	}
	return n
}
