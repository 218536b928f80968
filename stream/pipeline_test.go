package stream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// TestPipelineExactlyOnceWithoutFailures: N messages in, N records out,
// each exactly once, and every partition committed to its end.
func TestPipelineExactlyOnceWithoutFailures(t *testing.T) {
	b := startTestBroker(t)
	const n = 2000
	produce(t, b, "", genManifests(1, n, 0))
	end := endOffsets(t, b, DefaultManifestsTopic)
	if got := sum(end); got != n {
		t.Fatalf("produced %d messages; want %d", got, n)
	}

	sink := newMemSink()
	p, err := New(testConfig(t, b, "exactly-once", sink))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "all records in the sink", func() bool { return sink.count() == n })
	waitFor(t, 10*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "exactly-once") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	for k, c := range sink.snapshot() {
		if c != 1 {
			t.Errorf("message %+v reached the sink %d times; want 1", k, c)
		}
	}
	for _, msg := range sink.bad {
		t.Error(msg)
	}
	got := committedOffsets(t, b, "exactly-once")
	for part, e := range end {
		if got[part] != e {
			t.Errorf("partition %d committed at %d; want %d", part, got[part], e)
		}
	}
	st := p.Stats()
	if st.Consumed != n || st.Records != n || st.Rejected != 0 {
		t.Errorf("Stats: consumed %d, records %d, rejected %d; want %d, %d, 0", st.Consumed, st.Records, st.Rejected, n, n)
	}
	t.Logf("stats: %+v", st)
}

// TestPipelineSinkFailureBackpressure: while the sink fails nothing is
// committed and fetching stops; after it recovers nothing is lost.
func TestPipelineSinkFailureBackpressure(t *testing.T) {
	b := startTestBroker(t)
	const n = 5000
	produce(t, b, "", genManifests(2, n, 0))
	end := endOffsets(t, b, DefaultManifestsTopic)

	sink := newMemSink()
	sink.failing.Store(true)
	cfg := testConfig(t, b, "sink-fails", sink)
	cfg.BatchSize = 50
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)

	waitFor(t, 10*time.Second, "the sink to fail 10 times", func() bool { return p.Stats().SinkErrors >= 10 })
	time.Sleep(300 * time.Millisecond) // several commit intervals
	for part, off := range committedOffsets(t, b, "sink-fails") {
		if off >= 0 {
			t.Errorf("partition %d committed at %d while the sink was failing", part, off)
		}
	}
	st := p.Stats()
	if st.Records != 0 || sink.count() != 0 {
		t.Errorf("records %d, sink holds %d while the sink was failing; want 0", st.Records, sink.count())
	}
	// Back-pressure: the bounded channels fill and the fetchers stop, far
	// short of the whole topic.
	if st.Consumed >= n/2 {
		t.Errorf("consumed %d of %d messages while the sink was failing; want fetching to stop", st.Consumed, n)
	}
	t.Logf("while failing: consumed %d, sink errors %d", st.Consumed, st.SinkErrors)

	sink.failing.Store(false)
	waitFor(t, 20*time.Second, "all records in the sink", func() bool { return sink.count() == n })
	waitFor(t, 10*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "sink-fails") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := sink.snapshot()
	for part, e := range end {
		for off := int64(0); off < e; off++ {
			if got[pos{part, off}] == 0 {
				t.Errorf("message %d/%d never reached the sink", part, off)
			}
		}
	}
}

// TestPipelineRejects: rejected manifests land in the dead-letter topic
// with the original key and value and the reason in headers, in the Sink,
// and their offsets are committed.
func TestPipelineRejects(t *testing.T) {
	b := startTestBroker(t)
	const maxBytes = 8 << 10
	msgs := genManifests(3, 400, 0.2)
	oversized := append([]byte(`{"item_id":"RR000000000NL","pad":"`), bytes.Repeat([]byte("x"), maxBytes)...)
	oversized = append(oversized, `"}`...)
	msgs = append(msgs, []byte("hello, not json"), oversized)
	produce(t, b, "", msgs)

	// What the decoder rejects, and why, by value.
	dec := manifest.Decoder{MaxBytes: maxBytes}
	wantCode := make(map[string]string)
	for _, m := range msgs {
		if err := dec.Decode(m, time.Now(), new(manifest.Parcel)); err != nil {
			wantCode[string(m)] = err.(*manifest.Rejection).Code()
		}
	}
	if len(wantCode) < 50 || wantCode[string(oversized)] != manifest.CodeTooLarge || wantCode["hello, not json"] != manifest.CodeNotJSON {
		t.Fatalf("test data has %d rejects (oversized: %q, not json: %q); want many, TOO_LARGE and NOT_JSON",
			len(wantCode), wantCode[string(oversized)], wantCode["hello, not json"])
	}

	sink := newMemSink()
	cfg := testConfig(t, b, "rejects", sink)
	cfg.MaxMessageBytes = maxBytes
	rejectedAt := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	cfg.Now = func() time.Time { return rejectedAt }
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "rejects") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	if got, want := sink.count(), len(msgs)-len(wantCode); got != want {
		t.Errorf("sink holds %d records; want %d", got, want)
	}
	dead := readTopic(t, b, DefaultDLQTopic)
	if len(dead) != len(wantCode) {
		t.Fatalf("dead-letter topic holds %d messages; want %d", len(dead), len(wantCode))
	}
	seen := make(map[pos]bool)
	for _, m := range dead {
		h := make(map[string]string)
		for _, x := range m.Headers {
			h[x.Key] = string(x.Value)
		}
		code, ok := wantCode[string(m.Value)]
		if !ok {
			t.Errorf("dead letter with value %.60q was not rejected by the decoder", m.Value)
			continue
		}
		if h[HeaderReasonCode] != code {
			t.Errorf("dead letter %.40q: %s = %q; want %q", m.Value, HeaderReasonCode, h[HeaderReasonCode], code)
		}
		if !strings.Contains(h[HeaderReason], code) {
			t.Errorf("dead letter %.40q: %s = %q; want it to mention %s", m.Value, HeaderReason, h[HeaderReason], code)
		}
		if h[HeaderSourceTopic] != DefaultManifestsTopic || h[HeaderRejectedAt] != "2026-11-20T10:00:00Z" {
			t.Errorf("dead letter headers %v", h)
		}
		part, err1 := strconv.Atoi(h[HeaderSourcePartition])
		off, err2 := strconv.ParseInt(h[HeaderSourceOffset], 10, 64)
		if err1 != nil || err2 != nil {
			t.Errorf("dead letter source %q/%q", h[HeaderSourcePartition], h[HeaderSourceOffset])
			continue
		}
		seen[pos{part, off}] = true
		if want := ItemKey(m.Value); !bytes.Equal(m.Key, want) {
			t.Errorf("dead letter key %q; want the original key %q", m.Key, want)
		}
		if _, ok := h[HeaderPath]; !ok {
			t.Errorf("dead letter has no %s header", HeaderPath)
		}
	}
	if len(seen) != len(wantCode) {
		t.Errorf("dead letters name %d distinct source messages; want %d", len(seen), len(wantCode))
	}
	rejects := sink.gotRejects()
	if len(rejects) != len(wantCode) {
		t.Errorf("Sink got %d rejects; want %d", len(rejects), len(wantCode))
	}
	for _, r := range rejects {
		if r.Code != wantCode[string(r.Value)] || r.Message == "" || r.Topic != DefaultManifestsTopic || r.ReceivedAt.IsZero() {
			t.Errorf("Sink got %+v", r)
			break
		}
	}
	st := p.Stats()
	if st.Rejected != int64(len(wantCode)) || st.DLQWrites != int64(len(wantCode)) {
		t.Errorf("Stats: rejected %d, DLQ writes %d; want %d", st.Rejected, st.DLQWrites, len(wantCode))
	}
}

// gateSink holds every Write that carries rejects until open is closed,
// then fails the first of them once; other writes go to the memSink.
type gateSink struct {
	*memSink
	held   chan []pos // the messages of the first held write
	open   chan struct{}
	once   sync.Once
	failed atomic.Bool
}

func (s *gateSink) Write(ctx context.Context, records []Record, rejects []Reject) error {
	if len(rejects) > 0 {
		s.once.Do(func() {
			var ps []pos
			for _, r := range records {
				ps = append(ps, pos{r.Partition, r.Offset})
			}
			for _, r := range rejects {
				ps = append(ps, pos{r.Partition, r.Offset})
			}
			s.held <- ps
		})
		select {
		case <-s.open:
		case <-ctx.Done():
			return ctx.Err()
		}
		if s.failed.CompareAndSwap(false, true) {
			return errors.New("store is down")
		}
	}
	return s.memSink.Write(ctx, records, rejects)
}

// TestPipelineRejectsCommittedAfterSink: the rejects of a batch reach the
// Sink in the same call as its records, and neither is committed before
// that call returns nil; the dead letters follow it.
func TestPipelineRejectsCommittedAfterSink(t *testing.T) {
	b := startTestBroker(t)
	msgs := genManifests(15, 600, 0.1)
	produce(t, b, "", msgs)
	var dec manifest.Decoder
	rejected := 0
	for _, m := range msgs {
		if dec.Decode(m, time.Now(), new(manifest.Parcel)) != nil {
			rejected++
		}
	}
	if rejected < 20 {
		t.Fatalf("test data has %d rejects; want more", rejected)
	}

	sink := &gateSink{memSink: newMemSink(), held: make(chan []pos, 1), open: make(chan struct{})}
	p, err := New(testConfig(t, b, "rejects-commit", sink))
	if err != nil {
		t.Fatal(err)
	}
	stop := runPipeline(t, p)
	var held []pos
	select {
	case held = <-sink.held:
	case <-time.After(20 * time.Second):
		t.Fatal("no batch with rejects reached the sink")
	}
	time.Sleep(300 * time.Millisecond) // several commit intervals
	committed := committedOffsets(t, b, "rejects-commit")
	for _, m := range held {
		if c, ok := committed[m.partition]; ok && c > m.offset {
			t.Errorf("message %d/%d committed (at %d) while the sink call holding it had not returned", m.partition, m.offset, c)
		}
	}
	if n := sum(endOffsets(t, b, DefaultDLQTopic)); n != 0 {
		t.Errorf("dead-letter topic holds %d messages before the sink acknowledged their batch; want 0", n)
	}

	close(sink.open)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "rejects-commit") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := sink.count(), len(msgs)-rejected; got != want {
		t.Errorf("sink holds %d records; want %d", got, want)
	}
	seen := make(map[pos]int)
	for _, r := range sink.gotRejects() {
		seen[pos{r.Partition, r.Offset}]++
	}
	if len(seen) != rejected {
		t.Errorf("sink holds %d distinct rejects; want %d", len(seen), rejected)
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("reject %+v reached the sink %d times; want 1 (the failed write stored nothing)", k, n)
		}
	}
	if dead := readTopic(t, b, DefaultDLQTopic); len(dead) != rejected {
		t.Errorf("dead-letter topic holds %d messages; want %d", len(dead), rejected)
	}
	if st := p.Stats(); st.SinkErrors != 1 || st.Rejected != int64(rejected) {
		t.Errorf("Stats: sink errors %d, rejected %d; want 1 and %d", st.SinkErrors, st.Rejected, rejected)
	}
}

// TestPipelineCompressed: messages compressed with every codec Kafka
// knows are consumed.
func TestPipelineCompressed(t *testing.T) {
	b := startTestBroker(t)
	codecs := []string{"gzip", "snappy", "lz4", "zstd"}
	const per = 50
	for i, c := range codecs {
		produce(t, b, c, genManifests(uint64(10+i), per, 0))
	}
	sink := newMemSink()
	p, err := New(testConfig(t, b, "compressed", sink))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	want := per * len(codecs)
	waitFor(t, 20*time.Second, "all records in the sink", func() bool { return sink.count() == want })
	waitFor(t, 10*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "compressed") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st := p.Stats(); st.Rejected != 0 {
		t.Errorf("%d compressed messages rejected; want 0", st.Rejected)
	}
}

// TestPipelineRestart: a pipeline stopped mid-stream commits exactly what
// is durable; a new one in the same group goes on from there, so every
// message arrives, none twice, and no committed offset goes backwards.
func TestPipelineRestart(t *testing.T) {
	b := startTestBroker(t)
	const n = 3000
	produce(t, b, "", genManifests(4, n, 0))
	end := endOffsets(t, b, DefaultManifestsTopic)
	watchCommits(t, b, "restart")

	first := newMemSink()
	first.delay = 10 * time.Millisecond
	cfg := testConfig(t, b, "restart", first)
	cfg.BatchSize = 50
	p1, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop1 := runPipeline(t, p1)
	waitFor(t, 20*time.Second, "some records in the first sink", func() bool { return first.count() >= 600 })
	if err := stop1(); err != nil {
		t.Fatalf("first Run: %v", err)
	}
	committed := committedOffsets(t, b, "restart")
	got1 := first.snapshot()
	if first.count() >= n {
		t.Fatalf("the first pipeline got all %d messages before it was stopped; slow the sink", n)
	}
	// A graceful stop commits exactly what is durable: per partition, the
	// first sink holds offsets 0 to committed-1 and nothing else.
	for part := range end {
		c := max(committed[part], 0)
		for off := int64(0); off < c; off++ {
			if got1[pos{part, off}] != 1 {
				t.Errorf("partition %d committed at %d but offset %d reached the first sink %d times", part, c, off, got1[pos{part, off}])
			}
		}
	}
	if int64(len(got1)) != sum(committed) {
		st := p1.Stats()
		t.Errorf("first sink holds %d messages, committed offsets add up to %d; want equal after a graceful stop (committed %v, generations %d, commit errors %d, stats partitions %+v)",
			len(got1), sum(committed), committed, st.Generations, st.CommitErrors, st.Partitions)
		for part := range end {
			var offs []int64
			for k := range got1 {
				if k.partition == part && k.offset >= committed[part] {
					offs = append(offs, k.offset)
				}
			}
			if len(offs) > 0 {
				t.Errorf("partition %d: durable past the committed offset %d: %v", part, committed[part], offs)
			}
		}
	}

	second := newMemSink()
	cfg.Sink = second
	p2, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop2 := runPipeline(t, p2)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "restart") })
	if err := stop2(); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	got2 := second.snapshot()
	for part, e := range end {
		for off := int64(0); off < e; off++ {
			k := pos{part, off}
			if got1[k]+got2[k] != 1 {
				t.Errorf("message %d/%d reached the sinks %d+%d times; want once", part, off, got1[k], got2[k])
			}
		}
	}
}

// TestPipelineRebalance: two pipelines share a group; one stops
// mid-stream and the other takes over its partitions. Every message
// reaches a sink at least once and no committed offset goes backwards.
func TestPipelineRebalance(t *testing.T) {
	b := startTestBroker(t)
	const n = 6000
	produce(t, b, "", genManifests(5, n, 0))
	end := endOffsets(t, b, DefaultManifestsTopic)
	watchCommits(t, b, "rebalance")

	sinkA, sinkB := newMemSink(), newMemSink()
	sinkA.delay, sinkB.delay = 20*time.Millisecond, 20*time.Millisecond
	cfgA := testConfig(t, b, "rebalance", sinkA)
	cfgA.BatchSize = 50
	cfgB := cfgA
	cfgB.Sink = sinkB
	a, err := New(cfgA)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	pb, err := New(cfgB)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stopA := runPipeline(t, a)
	waitFor(t, 20*time.Second, "A to store records", func() bool { return sinkA.count() >= 300 })
	stopB := runPipeline(t, pb)
	waitFor(t, 20*time.Second, "B to store records", func() bool { return sinkB.count() >= 100 })
	if sinkA.count()+sinkB.count() >= n {
		t.Fatalf("all messages stored before A stopped; slow the sinks")
	}
	if err := stopA(); err != nil {
		t.Fatalf("A Run: %v", err)
	}
	waitFor(t, 25*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "rebalance") })
	if err := stopB(); err != nil {
		t.Fatalf("B Run: %v", err)
	}
	gotA, gotB := sinkA.snapshot(), sinkB.snapshot()
	dups := 0
	for part, e := range end {
		for off := int64(0); off < e; off++ {
			k := pos{part, off}
			switch c := gotA[k] + gotB[k]; {
			case c == 0:
				t.Errorf("message %d/%d never reached a sink", part, off)
			case c > 1:
				dups += c - 1
			}
		}
	}
	sa, sb := a.Stats(), pb.Stats()
	t.Logf("A stored %d, B stored %d, %d duplicates; generations A %d, B %d; commit errors A %d, B %d",
		len(gotA), len(gotB), dups, sa.Generations, sb.Generations, sa.CommitErrors, sb.CommitErrors)
	if sb.Generations < 2 {
		t.Errorf("B saw %d generations; want a rebalance when A left", sb.Generations)
	}
}

// TestPipelineOutbound: every durable assessment is published to the
// outbound topic, keyed by item id.
func TestPipelineOutbound(t *testing.T) {
	b := startTestBroker(t)
	const n = 300
	produce(t, b, "", genManifests(6, n, 0))
	sink := newMemSink()
	cfg := testConfig(t, b, "outbound", sink)
	cfg.AssessmentsTopic = DefaultAssessmentsTopic
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "outbound") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	out := readTopic(t, b, DefaultAssessmentsTopic)
	if len(out) != n {
		t.Fatalf("outbound topic holds %d messages; want %d", len(out), n)
	}
	for _, m := range out {
		var a scorer.Assessment
		if err := json.Unmarshal(m.Value, &a); err != nil {
			t.Fatalf("outbound message %q: %v", m.Value, err)
		}
		if a.ItemID == "" || string(m.Key) != a.ItemID || a.Outcome == "" || a.Pack == "" {
			t.Errorf("outbound message key %q, assessment %+v", m.Key, a)
		}
	}
	if st := p.Stats(); st.Published != n || st.OutboundLate != 0 {
		t.Errorf("Stats: published %d, late %d; want %d, 0", st.Published, st.OutboundLate, n)
	}
}

// TestPipelineOutboundOutage: while the outbound topic cannot be written,
// offsets are committed after OutboundMaxWait and the publisher keeps
// retrying; once the topic is there every assessment is published.
func TestPipelineOutboundOutage(t *testing.T) {
	b := startTestBroker(t)
	const n = 200
	const topic = "parcel.assessments.outage"
	produce(t, b, "", genManifests(7, n, 0))
	sink := newMemSink()
	cfg := testConfig(t, b, "outage", sink)
	cfg.AssessmentsTopic = topic
	cfg.OutboundMaxWait = 300 * time.Millisecond
	// Few large batches: the publisher holds at most maxPublishQueue of
	// them, and a batch beyond that waits (back-pressure), as it should,
	// which this test is not about.
	cfg.BatchSize, cfg.BatchAge = n, time.Second
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, time.Minute, "all records in the sink", func() bool { return sink.count() == n })
	time.Sleep(100 * time.Millisecond)
	if allCommitted(t, b, "outage") && p.Stats().OutboundLate == 0 {
		t.Errorf("offsets committed before the assessments were published and before OutboundMaxWait")
	}
	waitFor(t, time.Minute, "offsets committed after OutboundMaxWait", func() bool { return allCommitted(t, b, "outage") })
	if st := p.Stats(); st.OutboundLate != n || st.OutboundErrors == 0 || st.Published != 0 {
		t.Errorf("Stats during outage: late %d, errors %d, published %d; want %d, >0, 0", st.OutboundLate, st.OutboundErrors, st.Published, n)
	}
	if err := b.CreateTopic(topic, testPartitions); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "assessments published", func() bool { return p.Stats().Published == n })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st := p.Stats(); st.OutboundAbandoned != 0 {
		t.Errorf("abandoned %d assessments; want 0", st.OutboundAbandoned)
	}
}

// TestPipelineShutdownBrokerGone: with the broker gone, shutdown still
// ends within the shutdown timeout.
func TestPipelineShutdownBrokerGone(t *testing.T) {
	b := startTestBroker(t)
	produce(t, b, "", genManifests(8, 1000, 0))
	sink := newMemSink()
	sink.delay = 20 * time.Millisecond
	cfg := testConfig(t, b, "broker-gone", sink)
	cfg.ShutdownTimeout = 2 * time.Second
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "some records in the sink", func() bool { return sink.count() >= 100 })
	// The in-flight batch can never become durable and the broker is
	// gone for the last commit and for leaving the group.
	sink.failing.Store(true)
	b.Close()
	start := time.Now()
	err = stop()
	took := time.Since(start)
	if !errors.Is(err, ErrShutdownIncomplete) {
		t.Errorf("Run: %v; want ErrShutdownIncomplete", err)
	}
	if took > cfg.ShutdownTimeout+2*time.Second {
		t.Errorf("shutdown took %v with the broker gone; want about %v at most", took, cfg.ShutdownTimeout)
	}
	t.Logf("shutdown took %v: %v", took, err)
}

// TestPipelineCloseAndRun covers the life cycle outside Run.
func TestPipelineCloseAndRun(t *testing.T) {
	b := startTestBroker(t)
	p, err := New(testConfig(t, b, "close", newMemSink()))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	p.Close()
	p.Close()
	if err := p.Run(t.Context()); !errors.Is(err, ErrClosed) {
		t.Errorf("Run after Close = %v; want ErrClosed", err)
	}

	p, err = New(testConfig(t, b, "close", newMemSink()))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- p.Run(context.Background()) }()
	time.Sleep(200 * time.Millisecond)
	p.Close()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Run after Close = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after Close")
	}
}

// TestPipelineRejectTooLargeForDLQ: a rejected manifest too large for the
// dead-letter topic is shortened, first to MaxMessageBytes (kafka-go
// refuses it before sending), then to nothing (the topic refuses it),
// marked with a header, and its offset committed; the pipeline goes on.
func TestPipelineRejectTooLargeForDLQ(t *testing.T) {
	c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.SeedTopics(testPartitions, DefaultManifestsTopic),
		kfake.BrokerConfigs(map[string]string{"message.max.bytes": strconv.Itoa(8 << 20)}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.CreateTopic(DefaultDLQTopic, testPartitions, map[string]string{"max.message.bytes": "100000"}); err != nil {
		t.Fatal(err)
	}
	b := &Broker{c: c}
	huge := append([]byte(`{"item_id":"RR000000000NL","pad":"`), bytes.Repeat([]byte("y"), 3<<20)...)
	huge = append(huge, `"}`...)
	w := &kafka.Writer{Addr: kafka.TCP(b.Addrs()...), Topic: DefaultManifestsTopic, BatchBytes: 8 << 20, RequiredAcks: kafka.RequireAll, BatchTimeout: 5 * time.Millisecond}
	if err := w.WriteMessages(t.Context(), kafka.Message{Key: []byte("RR000000000NL"), Value: huge}); err != nil {
		t.Fatalf("writing a 3 MiB message: %v", err)
	}
	w.Close()
	produce(t, b, "", genManifests(14, 20, 0))

	sink := newMemSink()
	p, err := New(testConfig(t, b, "too-large", sink))
	if err != nil {
		t.Fatal(err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "too-large") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	dead := readTopic(t, b, DefaultDLQTopic)
	if len(dead) != 1 {
		t.Fatalf("dead-letter topic holds %d messages; want 1", len(dead))
	}
	h := make(map[string]string)
	for _, x := range dead[0].Headers {
		h[x.Key] = string(x.Value)
	}
	if h[HeaderReasonCode] != manifest.CodeTooLarge || h[HeaderTruncated] != strconv.Itoa(len(huge)) || len(dead[0].Value) != 0 || string(dead[0].Key) != "RR000000000NL" {
		t.Errorf("dead letter: key %q, %d bytes, headers %v; want TOO_LARGE, no value, %s", dead[0].Key, len(dead[0].Value), h, HeaderTruncated)
	}
	if st := p.Stats(); st.DLQErrors < 2 || st.DLQWrites != 1 {
		t.Errorf("Stats: DLQ errors %d, writes %d; want at least 2 and 1", st.DLQErrors, st.DLQWrites)
	}
	if sink.count() != 20 {
		t.Errorf("sink holds %d records; want 20", sink.count())
	}
}

// panickyScorer panics on the parcels whose item id is in bad and scores
// the others.
type panickyScorer struct {
	Scorer
	bad map[string]bool
}

func (s panickyScorer) Score(p *manifest.Parcel) scorer.Assessment {
	if s.bad[p.ItemID] {
		panic("index out of range [3] with length 3")
	}
	return s.Scorer.Score(p)
}

// TestPipelineContainsPanics: a message whose screening panics is set
// aside like a rejected one, with SCREENING_FAILED, and the stream goes on:
// every other message is stored, every offset committed.
func TestPipelineContainsPanics(t *testing.T) {
	b := startTestBroker(t)
	msgs := genManifests(5, 300, 0)
	bad := map[string]bool{}
	badValue := map[string]bool{}
	for _, i := range []int{7, 150, 299} {
		p, err := manifest.Decode(msgs[i])
		if err != nil {
			t.Fatalf("test manifest %d: %v", i, err)
		}
		bad[p.ItemID] = true
		badValue[string(msgs[i])] = true
	}
	produce(t, b, "", msgs)

	sink := newMemSink()
	cfg := testConfig(t, b, "panics", sink)
	cfg.Scorer = panickyScorer{Scorer: cfg.Scorer, bad: bad}
	p, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	stop := runPipeline(t, p)
	waitFor(t, 20*time.Second, "all offsets committed", func() bool { return allCommitted(t, b, "panics") })
	if err := stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}

	if got, want := sink.count(), len(msgs)-len(bad); got != want {
		t.Errorf("sink holds %d records; want %d", got, want)
	}
	rejects := sink.gotRejects()
	if len(rejects) != len(bad) {
		t.Fatalf("Sink got %d rejects; want %d", len(rejects), len(bad))
	}
	for _, r := range rejects {
		if r.Code != CodeScreeningFailed || !badValue[string(r.Value)] || !strings.Contains(r.Message, "internal error") || r.ReceivedAt.IsZero() {
			t.Errorf("reject %+v; want SCREENING_FAILED for one of the panicking messages", r)
		}
	}
	dead := readTopic(t, b, DefaultDLQTopic)
	if len(dead) != len(bad) {
		t.Fatalf("dead-letter topic holds %d messages; want %d", len(dead), len(bad))
	}
	for _, m := range dead {
		reason := ""
		for _, h := range m.Headers {
			if h.Key == HeaderReasonCode {
				reason = string(h.Value)
			}
		}
		if reason != CodeScreeningFailed {
			t.Errorf("dead letter %.40q has reason %q; want %s", m.Value, reason, CodeScreeningFailed)
		}
		if !badValue[string(m.Value)] {
			t.Errorf("dead letter %.40q is not one of the panicking messages", m.Value)
		}
	}
	if st := p.Stats(); st.ScreeningFailed != int64(len(bad)) || st.Rejected != 0 {
		t.Errorf("Stats: screening failed %d, rejected %d; want %d and 0", st.ScreeningFailed, st.Rejected, len(bad))
	}
}
