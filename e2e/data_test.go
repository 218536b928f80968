package e2e

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/segmentio/kafka-go"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/stream"
	"github.com/parcelguard/parcelguard/synth"
)

// corpus is a set of synthetic manifests and what the engine must make of
// them, as the decoder says.
type corpus struct {
	msgs [][]byte
	// accepted holds the item id of every manifest the decoder accepts.
	// synth may repeat an id; the store then shows the item once.
	accepted map[string]bool
	// rejected maps each rejected manifest to its expected reason code.
	rejected map[string]string
	// rejectedN counts the rejected manifests, equal ones included.
	rejectedN int
}

// newCorpus generates n manifests, a share broken of which the decoder
// rejects.
func newCorpus(seed uint64, n int, broken float64) *corpus {
	g := synth.New(synth.Config{Seed: seed, BrokenShare: broken})
	c := &corpus{msgs: make([][]byte, n), accepted: make(map[string]bool, n), rejected: make(map[string]string)}
	var dec manifest.Decoder
	var p manifest.Parcel
	for i := range c.msgs {
		m := g.Next(nil)
		c.msgs[i] = m
		id, code := classify(&dec, &p, m)
		if code != "" {
			c.rejected[string(m)] = code
			c.rejectedN++
			continue
		}
		c.accepted[id] = true
	}
	return c
}

// classify decodes m and returns its item id when accepted, or the reason
// code the dead letter and the rejects table must carry: the rejection's
// code ("INVALID" for an error that is not a *manifest.Rejection).
func classify(dec *manifest.Decoder, p *manifest.Parcel, m []byte) (id, code string) {
	err := dec.Decode(m, time.Time{}, p)
	if err == nil {
		return p.ItemID, ""
	}
	var rej *manifest.Rejection
	if errors.As(err, &rej) && len(rej.Findings) > 0 {
		return "", rej.Code()
	}
	return "", "INVALID"
}

// ids returns the accepted item ids, sorted.
func (c *corpus) ids() []string { return slices.Sorted(maps.Keys(c.accepted)) }

// produce sends msgs to the manifests topic with a zstd producer at rate
// messages per second (0: as fast as possible).
func produce(ctx context.Context, brokers []string, msgs [][]byte, rate float64) error {
	p, err := stream.NewProducer(stream.ProducerConfig{Brokers: brokers, Compression: "zstd", Rate: rate})
	if err != nil {
		return err
	}
	err = p.Send(ctx, msgs...)
	if cerr := p.Close(); err == nil {
		err = cerr
	}
	return err
}

// produceAll sends msgs and fails the test on error.
func produceAll(tb testing.TB, brokers []string, msgs [][]byte) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := produce(ctx, brokers, msgs, 0); err != nil {
		tb.Fatalf("producing %d manifests: %v", len(msgs), err)
	}
}

// waitStored waits until every accepted item is stored and, when rejects
// is at least 0, the rejects table holds that many rows or more. It fails
// at once when every engine has exited.
func waitStored(tb testing.TB, d *db, want int, rejects int, timeout time.Duration, engines ...*engine) {
	tb.Helper()
	eventually(tb, timeout, 250*time.Millisecond, fmt.Sprintf("%d items stored", want), func() (bool, string) {
		if len(engines) > 0 && !slices.ContainsFunc(engines, func(e *engine) bool { return e.exited() == nil }) {
			tb.Fatalf("every engine exited before the items were stored")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		rows, distinct, err := d.store.CountDistinct(ctx)
		if err != nil {
			return false, err.Error()
		}
		status := fmt.Sprintf("%d rows, %d distinct items", rows, distinct)
		if distinct > uint64(want) {
			tb.Fatalf("%d distinct items stored; only %d were sent", distinct, want)
		}
		if distinct < uint64(want) {
			return false, status
		}
		if rejects < 0 {
			return true, status
		}
		n, err := d.rejectCount(ctx)
		if err != nil {
			return false, status + "; rejects: " + err.Error()
		}
		return n >= uint64(rejects), fmt.Sprintf("%s, %d rejects", status, n)
	})
}

// checkVisibleOnce checks that reads which collapse redeliveries show each
// item of want exactly once, and nothing else.
func checkVisibleOnce(tb testing.TB, d *db, want map[string]bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	rows, distinct, err := d.store.CountDistinct(ctx)
	if err != nil {
		tb.Fatalf("CountDistinct: %v", err)
	}
	if distinct != uint64(len(want)) {
		tb.Errorf("CountDistinct = %d distinct items; want %d (every accepted manifest)", distinct, len(want))
	}
	tb.Logf("assessments: %d rows for %d distinct items (%d redelivered rows not yet merged away)", rows, distinct, rows-distinct)

	// The read every query of the store makes: the newest row per item.
	q, err := d.conn.Query(ctx, "SELECT item_id FROM (SELECT item_id FROM assessments ORDER BY version DESC LIMIT 1 BY item_id)")
	if err != nil {
		tb.Fatalf("collapsed read: %v", err)
	}
	seen := make(map[string]int, len(want))
	for q.Next() {
		var id string
		if err := q.Scan(&id); err != nil {
			tb.Fatalf("collapsed read: %v", err)
		}
		seen[id]++
	}
	if err := q.Err(); err != nil {
		tb.Fatalf("collapsed read: %v", err)
	}
	q.Close()
	var twice, extra, missing []string
	for id, n := range seen {
		if n > 1 {
			twice = append(twice, id)
		}
		if !want[id] {
			extra = append(extra, id)
		}
	}
	for id := range want {
		if seen[id] == 0 {
			missing = append(missing, id)
		}
	}
	report := func(what string, ids []string) {
		if len(ids) > 0 {
			slices.Sort(ids)
			tb.Errorf("collapsed read: %d items %s, e.g. %v", len(ids), what, ids[:min(10, len(ids))])
		}
	}
	report("shown more than once", twice)
	report("never sent", extra)
	report("missing", missing)

	// GetMany, the API's read, on a sample.
	all := slices.Sorted(maps.Keys(want))
	var sample []string
	for i := 0; i < len(all); i += max(1, len(all)/500) {
		sample = append(sample, all[i])
	}
	recs, err := d.store.GetMany(ctx, sample)
	if err != nil {
		tb.Fatalf("GetMany: %v", err)
	}
	got := make([]string, len(recs))
	for i, r := range recs {
		got[i] = r.Parcel.ItemID
	}
	if diff := cmp.Diff(sample, got); diff != "" {
		tb.Errorf("GetMany(%d sampled items) item ids (-want +got):\n%s", len(sample), diff)
	}
}

// checkRejects checks the rejects table against c. With exact it must hold
// each rejected manifest exactly once; otherwise at least once (a
// redelivered reject is stored again).
func checkRejects(tb testing.TB, d *db, c *corpus, exact bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q, err := d.conn.Query(ctx, "SELECT raw, code FROM rejects")
	if err != nil {
		tb.Fatalf("reading rejects: %v", err)
	}
	defer q.Close()
	got := make(map[string]int)
	rows, wrong := 0, 0
	for q.Next() {
		var raw, code string
		if err := q.Scan(&raw, &code); err != nil {
			tb.Fatalf("reading rejects: %v", err)
		}
		rows++
		want, ok := c.rejected[raw]
		switch {
		case !ok:
			tb.Errorf("rejects holds a manifest that was not rejected: %.200s", raw)
		case code != want:
			if wrong++; wrong <= 5 {
				tb.Errorf("rejects: code %s; want %s for %.200s", code, want, raw)
			}
		}
		got[raw]++
	}
	if err := q.Err(); err != nil {
		tb.Fatalf("reading rejects: %v", err)
	}
	if wrong > 5 {
		tb.Errorf("rejects: %d rows with the wrong code", wrong)
	}
	if missing := len(c.rejected) - len(got); missing > 0 {
		tb.Errorf("rejects: %d of %d rejected manifests missing", missing, len(c.rejected))
	}
	if exact && rows != c.rejectedN {
		tb.Errorf("rejects holds %d rows; want %d, one per rejected manifest", rows, c.rejectedN)
	}
	if rows < c.rejectedN {
		tb.Errorf("rejects holds %d rows; want at least %d", rows, c.rejectedN)
	}
}

// readTopic returns every message of topic, partition by partition.
func readTopic(tb testing.TB, brokers []string, topic string) []kafka.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := kafka.DialContext(ctx, "tcp", brokers[0])
	if err != nil {
		tb.Fatalf("connecting to the broker: %v", err)
	}
	parts, err := conn.ReadPartitions(topic)
	conn.Close()
	if err != nil {
		tb.Fatalf("reading the partitions of %s: %v", topic, err)
	}
	var out []kafka.Message
	for _, p := range parts {
		out = append(out, readPartition(ctx, tb, brokers, topic, p.ID)...)
	}
	return out
}

// readPartition reads one partition from its first to its last message.
func readPartition(ctx context.Context, tb testing.TB, brokers []string, topic string, partition int) []kafka.Message {
	tb.Helper()
	leader, err := kafka.DialLeader(ctx, "tcp", brokers[0], topic, partition)
	if err != nil {
		tb.Fatalf("connecting to the leader of %s/%d: %v", topic, partition, err)
	}
	first, last, err := leader.ReadOffsets()
	leader.Close()
	if err != nil {
		tb.Fatalf("reading the offsets of %s/%d: %v", topic, partition, err)
	}
	return readRange(ctx, tb, brokers, topic, partition, first, last)
}

// readRange reads the messages of a partition at offsets [from, to).
func readRange(ctx context.Context, tb testing.TB, brokers []string, topic string, partition int, from, to int64) []kafka.Message {
	tb.Helper()
	if from >= to {
		return nil
	}
	r := kafka.NewReader(kafka.ReaderConfig{Brokers: brokers, Topic: topic, Partition: partition, MinBytes: 1, MaxBytes: 16 << 20, MaxWait: 200 * time.Millisecond})
	defer r.Close()
	if err := r.SetOffset(from); err != nil {
		tb.Fatalf("%s/%d: setting offset %d: %v", topic, partition, from, err)
	}
	out := make([]kafka.Message, 0, to-from)
	for {
		m, err := r.ReadMessage(ctx)
		if err != nil {
			tb.Fatalf("%s/%d: reading offset %d of [%d, %d): %v", topic, partition, len(out), from, to, err)
		}
		if m.Offset >= to {
			return out
		}
		out = append(out, m)
		if m.Offset == to-1 {
			return out
		}
	}
}

// checkDLQ checks that the dead-letter topic holds every rejected manifest
// exactly once, with its reason code in the headers.
func checkDLQ(tb testing.TB, brokers []string, c *corpus) {
	tb.Helper()
	msgs := readTopic(tb, brokers, stream.DefaultDLQTopic)
	if len(msgs) != c.rejectedN {
		tb.Errorf("dead-letter topic holds %d messages; want %d, one per rejected manifest", len(msgs), c.rejectedN)
	}
	got := make(map[string]int)
	wrong := 0
	for _, m := range msgs {
		got[string(m.Value)]++
		want, ok := c.rejected[string(m.Value)]
		if !ok {
			tb.Errorf("dead letter at %d/%d is no rejected manifest: %.200s", m.Partition, m.Offset, m.Value)
			continue
		}
		headers := make(map[string]string)
		for _, h := range m.Headers {
			headers[h.Key] = string(h.Value)
		}
		code, ok := headers[stream.HeaderReasonCode]
		if !ok || code != want || headers[stream.HeaderReason] == "" || headers[stream.HeaderSourceTopic] != stream.DefaultManifestsTopic {
			if wrong++; wrong <= 5 {
				tb.Errorf("dead letter at %d/%d: headers %v; want %s %s, a reason and source topic %s",
					m.Partition, m.Offset, headers, stream.HeaderReasonCode, want, stream.DefaultManifestsTopic)
			}
		}
		if _, err := strconv.ParseInt(headers[stream.HeaderSourceOffset], 10, 64); err != nil {
			if wrong++; wrong <= 5 {
				tb.Errorf("dead letter at %d/%d: %s %q is no offset", m.Partition, m.Offset, stream.HeaderSourceOffset, headers[stream.HeaderSourceOffset])
			}
		}
	}
	if wrong > 5 {
		tb.Errorf("%d dead letters with wrong headers", wrong)
	}
	if missing := len(c.rejected) - len(got); missing > 0 {
		tb.Errorf("dead-letter topic misses %d of %d rejected manifests", missing, len(c.rejected))
	}
}

// committedOffsets returns the offsets the group has committed on the
// manifests topic, by partition.
func committedOffsets(tb testing.TB, brokers []string, group string) map[int]int64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	tr := &kafka.Transport{}
	defer tr.CloseIdleConnections()
	cl := &kafka.Client{Addr: kafka.TCP(brokers...), Timeout: 10 * time.Second, Transport: tr}
	resp, err := cl.OffsetFetch(ctx, &kafka.OffsetFetchRequest{
		Addr:    cl.Addr,
		GroupID: group,
		Topics:  map[string][]int{stream.DefaultManifestsTopic: {0, 1, 2, 3, 4, 5}},
	})
	if err == nil {
		err = resp.Error
	}
	if err != nil {
		tb.Fatalf("fetching the committed offsets of group %s: %v", group, err)
	}
	out := make(map[int]int64)
	for _, p := range resp.Topics[stream.DefaultManifestsTopic] {
		if p.Error != nil {
			tb.Fatalf("fetching the committed offset of partition %d: %v", p.Partition, p.Error)
		}
		out[p.Partition] = p.CommittedOffset
	}
	return out
}
