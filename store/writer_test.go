package store

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/google/go-cmp/cmp"
)

// fakeInserter stands in for ClickHouse in the breaker tests: it fails
// while down and records the batches it accepts. rejectsDown fails the
// rejects table alone.
type fakeInserter struct {
	mu          sync.Mutex
	down        bool
	rejectsDown bool
	calls       int
	got         []string // first item id of each accepted batch, in order
	items       []string // every accepted item id, in order
	rejects     []string // every accepted reject's key, in order
}

func (f *fakeInserter) Write(ctx context.Context, batch []Record) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := ctx.Err(); err != nil {
		return err
	}
	if f.down {
		return errors.New("dial tcp 127.0.0.1:19000: connect: connection refused")
	}
	f.got = append(f.got, batch[0].Parcel.ItemID)
	for _, r := range batch {
		f.items = append(f.items, r.Parcel.ItemID)
	}
	return nil
}

func (f *fakeInserter) WriteRejects(ctx context.Context, rejects []Reject) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if err := ctx.Err(); err != nil {
		return err
	}
	if f.down || f.rejectsDown {
		return errors.New("clickhouse: code: 241, message: Memory limit exceeded")
	}
	for _, r := range rejects {
		f.rejects = append(f.rejects, r.Key)
	}
	return nil
}

func (f *fakeInserter) setRejectsDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rejectsDown = down
}

// accepted returns every item id and reject key accepted so far.
func (f *fakeInserter) accepted() (items, rejects []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.items...), append([]string(nil), f.rejects...)
}

func (f *fakeInserter) setDown(down bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.down = down
}

func (f *fakeInserter) state() (calls int, got []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls, append([]string(nil), f.got...)
}

func newTestWriter(t *testing.T, ins inserter, spoolMax int64, cfg WriterConfig) *Writer {
	t.Helper()
	sp, _ := openSpool(t, t.TempDir(), spoolMax)
	w, err := newWriter(ins, sp, cfg)
	if err != nil {
		t.Fatalf("newWriter: %v", err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// waitFor polls cond until it holds or 10 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestWriterSpoolsWhileDownAndReplaysInOrder(t *testing.T) {
	ins := &fakeInserter{down: true}
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 2, OpenFor: 300 * time.Millisecond, ReplayEvery: 5 * time.Millisecond})
	ctx := context.Background()

	var want []string
	for i := 0; i < 5; i++ {
		b := testBatch(i*10, 3)
		if err := w.Write(ctx, b); err != nil {
			t.Fatalf("Write %d while down = %v; want nil (spooled)", i, err)
		}
		want = append(want, b[0].Parcel.ItemID)
	}
	calls, _ := ins.state()
	st := w.Stats()
	if calls != 2 || st.InsertFailures != 2 || st.SpooledBatches != 5 || st.Spool.Files != 5 ||
		st.Breaker != "open" || st.BreakerTrips != 1 {
		t.Fatalf("after 5 writes while down: %d insert calls, Stats() = %+v; want 2 calls (then the open breaker spools directly), 5 spooled, breaker open", calls, st)
	}

	ins.setDown(false)
	w.Run(ctx)
	waitFor(t, "the spool to drain", func() bool { st := w.Stats(); return st.Spool.Files == 0 && st.ReplayedBatches == 5 })
	_, got := ins.state()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("replayed batches (-want +got):\n%s", diff)
	}
	st = w.Stats()
	if st.ReplayedBatches != 5 || st.Inserts != 5 || st.InsertedRecords != 15 || st.Breaker != "closed" {
		t.Errorf("after replay: Stats() = %+v; want 5 replayed, breaker closed", st)
	}

	// With the breaker closed again, batches go straight in.
	if err := w.Write(ctx, testBatch(100, 2)); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.Inserts != 6 || st.SpooledBatches != 5 {
		t.Errorf("live write after recovery: Stats() = %+v; want 6 inserts, 5 spooled", st)
	}
}

// rejectKeys returns the keys of rejects, in order.
func rejectKeys(rejects ...[]Reject) []string {
	var out []string
	for _, rs := range rejects {
		for _, r := range rs {
			out = append(out, r.Key)
		}
	}
	return out
}

func TestWriterSpoolsRejectsWhileDownAndReplaysInOrder(t *testing.T) {
	ins := &fakeInserter{down: true}
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 2, OpenFor: 300 * time.Millisecond, ReplayEvery: 5 * time.Millisecond})
	ctx := context.Background()

	batches := []struct {
		records []Record
		rejects []Reject
	}{
		{testBatch(0, 3), testRejects(0, 2)},
		{nil, testRejects(10, 3)},
		{testBatch(20, 2), nil},
		{testBatch(30, 1), testRejects(30, 1)},
	}
	var wantItems []string
	var wantRejects []Reject
	for i, b := range batches {
		if err := w.WriteBatch(ctx, b.records, b.rejects); err != nil {
			t.Fatalf("WriteBatch %d while down = %v; want nil (spooled)", i, err)
		}
		for _, r := range b.records {
			wantItems = append(wantItems, r.Parcel.ItemID)
		}
		wantRejects = append(wantRejects, b.rejects...)
	}
	st := w.Stats()
	if st.SpooledBatches != 4 || st.SpooledRecords != 6 || st.SpooledRejects != 6 ||
		st.Spool.Files != 4 || st.Spool.Records != 6 || st.Spool.Rejects != 6 || st.Breaker != "open" {
		t.Fatalf("after 4 writes while down: Stats() = %+v; want 4 batches, 6 records and 6 rejects spooled, breaker open", st)
	}
	if items, rejects := ins.accepted(); len(items)+len(rejects) != 0 {
		t.Fatalf("ClickHouse down accepted %v and %v", items, rejects)
	}

	ins.setDown(false)
	w.Run(ctx)
	waitFor(t, "the spool to drain", func() bool { st := w.Stats(); return st.Spool.Files == 0 && st.ReplayedBatches == 4 })
	items, rejects := ins.accepted()
	if diff := cmp.Diff(wantItems, items); diff != "" {
		t.Errorf("replayed records (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(rejectKeys(wantRejects), rejects); diff != "" {
		t.Errorf("replayed rejects (-want +got):\n%s", diff)
	}
	st = w.Stats()
	if st.InsertedRecords != 6 || st.InsertedRejects != 6 || st.Spool.Rejects != 0 || st.Breaker != "closed" {
		t.Errorf("after replay: Stats() = %+v; want 6 records and 6 rejects inserted, breaker closed", st)
	}

	// With the breaker closed again, both go straight in.
	if err := w.WriteBatch(ctx, testBatch(100, 2), testRejects(100, 2)); err != nil {
		t.Fatal(err)
	}
	if st := w.Stats(); st.InsertedRecords != 8 || st.InsertedRejects != 8 || st.SpooledBatches != 4 {
		t.Errorf("live write after recovery: Stats() = %+v; want 8 records and 8 rejects inserted, 4 batches spooled", st)
	}
}

// TestWriterSpoolsOnlyWhatFailed: when the records went in and the rejects
// did not, only the rejects are spooled, and a replay that stopped between
// the two does not insert the records again.
func TestWriterSpoolsOnlyWhatFailed(t *testing.T) {
	ins := &fakeInserter{}
	ins.setRejectsDown(true)
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 10, OpenFor: 20 * time.Millisecond, ReplayEvery: 5 * time.Millisecond})
	ctx := context.Background()
	if err := w.WriteBatch(ctx, testBatch(0, 3), testRejects(0, 2)); err != nil {
		t.Fatalf("WriteBatch = %v; want nil (rejects spooled)", err)
	}
	items, rejects := ins.accepted()
	st := w.Stats()
	if len(items) != 3 || len(rejects) != 0 || st.SpooledRecords != 0 || st.SpooledRejects != 2 ||
		st.Spool.Records != 0 || st.Spool.Rejects != 2 {
		t.Fatalf("records inserted %v, rejects %v, Stats() = %+v; want the 3 records inserted and only the 2 rejects spooled", items, rejects, st)
	}

	// A batch spooled whole, replayed while only the rejects table fails:
	// its records go in once, however often the rejects are retried.
	ins.setDown(true)
	w2 := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 1, OpenFor: 20 * time.Millisecond, ReplayEvery: 5 * time.Millisecond})
	if err := w2.WriteBatch(ctx, testBatch(10, 3), testRejects(10, 2)); err != nil {
		t.Fatal(err)
	}
	if st := w2.Stats(); st.Spool.Records != 3 || st.Spool.Rejects != 2 {
		t.Fatalf("Stats() = %+v; want the whole batch spooled", st)
	}
	ins.setDown(false)
	w2.Run(ctx)
	waitFor(t, "three failed replays", func() bool { return w2.Stats().ReplayFailures >= 3 })
	if items, _ := ins.accepted(); len(items) != 6 {
		t.Errorf("records inserted: %v; want each once", items)
	}
	ins.setRejectsDown(false)
	waitFor(t, "the spool to drain", func() bool { return w2.Stats().Spool.Files == 0 })
	items, rejects = ins.accepted()
	if diff := cmp.Diff(rejectKeys(testRejects(10, 2)), rejects); diff != "" {
		t.Errorf("replayed rejects (-want +got):\n%s", diff)
	}
	want := []string{"RR00000000NL", "RR00000001NL", "RR00000002NL", "RR00000010NL", "RR00000011NL", "RR00000012NL"}
	if diff := cmp.Diff(want, items); diff != "" {
		t.Errorf("records inserted (-want +got):\n%s", diff)
	}
}

func TestWriterFailedProbeReopensBreaker(t *testing.T) {
	ins := &fakeInserter{down: true}
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 1, OpenFor: 50 * time.Millisecond})
	ctx := context.Background()
	if err := w.Write(ctx, testBatch(0, 1)); err != nil {
		t.Fatal(err)
	}
	if got := w.Stats().Breaker; got != "open" {
		t.Fatalf("breaker %s after a failure with TripAfter 1; want open", got)
	}
	time.Sleep(60 * time.Millisecond)
	// The open → half-open move happens on this call, which is the probe.
	if err := w.Write(ctx, testBatch(10, 1)); err != nil {
		t.Fatal(err)
	}
	calls, _ := ins.state()
	st := w.Stats()
	if calls != 2 || st.Breaker != "open" || st.BreakerTrips != 2 || st.SpooledBatches != 2 {
		t.Errorf("after a failed probe: %d calls, Stats() = %+v; want 2 calls, open again, 2 trips, 2 spooled", calls, st)
	}
}

func TestWriterReturnsErrSpoolFullWhenBothFail(t *testing.T) {
	ins := &fakeInserter{down: true}
	probe, _ := encodeSpoolFile(testBatch(0, 3), nil)
	w := newTestWriter(t, ins, int64(len(probe))+100, WriterConfig{})
	ctx := context.Background()
	if err := w.Write(ctx, testBatch(0, 3)); err != nil {
		t.Fatalf("first Write = %v; want nil (spooled)", err)
	}
	err := w.Write(ctx, testBatch(0, 3))
	if !errors.Is(err, ErrSpoolFull) || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("Write with ClickHouse down and spool full = %v; want ErrSpoolFull with the insert error", err)
	}
	if st := w.Stats(); st.SpoolFullRefusals != 1 || st.SpooledBatches != 1 {
		t.Errorf("Stats() = %+v; want 1 refusal, 1 spooled", st)
	}
	// Rejects count against the same bound.
	err = w.WriteBatch(ctx, nil, testRejects(0, 5))
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("WriteBatch of rejects with ClickHouse down and spool full = %v; want ErrSpoolFull", err)
	}
	if st := w.Stats(); st.SpoolFullRefusals != 2 || st.SpooledRejects != 0 || st.Spool.Rejects != 0 {
		t.Errorf("Stats() = %+v; want 2 refusals, no rejects spooled", st)
	}
}

func TestWriterRefusesInvalidBatch(t *testing.T) {
	ins := &fakeInserter{}
	w := newTestWriter(t, ins, 0, WriterConfig{})
	r := testRecord(7)
	err := w.Write(context.Background(), []Record{testRecord(1), {Parcel: r.Parcel}})
	if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), `record 1 (item "RR00000007NL"): Assessment is nil`) {
		t.Fatalf("Write = %v; want ErrInvalidRecord naming record 1's nil Assessment", err)
	}
	calls, _ := ins.state()
	if st := w.Stats(); calls != 0 || st.Spool.Files != 0 {
		t.Errorf("an invalid batch reached the inserter (%d calls) or the spool (%+v)", calls, st.Spool)
	}
}

func TestWriterCancelledCallerDoesNotTripBreaker(t *testing.T) {
	ins := &fakeInserter{}
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 1})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for i := 0; i < 3; i++ {
		if err := w.Write(ctx, testBatch(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if st := w.Stats(); st.Breaker != "closed" || st.SpooledBatches != 3 {
		t.Errorf("Stats() = %+v; want breaker closed, the batches spooled", st)
	}
}

func TestWriterCloseStopsReplay(t *testing.T) {
	ins := &fakeInserter{down: true}
	w := newTestWriter(t, ins, 0, WriterConfig{TripAfter: 1, OpenFor: time.Millisecond, ReplayEvery: time.Millisecond})
	if err := w.Close(); err != nil {
		t.Errorf("Close before Run = %v", err)
	}
	w.Run(context.Background())
	w.Run(context.Background()) // no second loop
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(context.Background(), testBatch(0, 1)); err != nil {
		t.Fatal(err)
	}
	ins.setDown(false)
	time.Sleep(50 * time.Millisecond)
	if st := w.Stats(); st.Spool.Files != 1 || st.ReplayedBatches != 0 {
		t.Errorf("replay ran after Close: Stats() = %+v", st)
	}
	if err := w.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

func TestWriterStopsWithContext(t *testing.T) {
	ins := &fakeInserter{}
	w := newTestWriter(t, ins, 0, WriterConfig{ReplayEvery: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	w.Run(ctx)
	cancel()
	done := make(chan struct{})
	go func() { w.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return after the context was cancelled")
	}
}

func TestNewWriterValidates(t *testing.T) {
	sp, _ := openSpool(t, t.TempDir(), 0)
	tests := []struct {
		name  string
		store *Store
		spool *Spool
		cfg   WriterConfig
		want  string
	}{
		{"no store", nil, sp, WriterConfig{}, "a store is required"},
		{"no spool", &Store{}, nil, WriterConfig{}, "a spool is required"},
		{"negative open time", &Store{}, sp, WriterConfig{OpenFor: -time.Second}, "breaker open time -1s must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewWriter(tt.store, tt.spool, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("NewWriter() = %v; want an error containing %q", err, tt.want)
			}
		})
	}
}

// switchInserter lets a test move a Writer from one ClickHouse to another.
type switchInserter struct {
	cur atomic.Pointer[Store]
}

func (s *switchInserter) Write(ctx context.Context, batch []Record) error {
	return s.cur.Load().Write(ctx, batch)
}

func (s *switchInserter) WriteRejects(ctx context.Context, rejects []Reject) error {
	return s.cur.Load().WriteRejects(ctx, rejects)
}

func TestWriterRealServerOutageAndRecovery(t *testing.T) {
	live := openTest(t)
	ctx := context.Background()

	// A Store whose address has nothing listening.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := ln.Addr().String()
	ln.Close()
	cfg := Config{Addr: []string{deadAddr}, Database: live.database, DialTimeout: time.Second}
	conn, err := clickhouse.Open(cfg.options(live.database))
	if err != nil {
		t.Fatal(err)
	}
	dead := &Store{conn: conn, database: live.database, log: live.log}
	defer dead.Close()

	var sw switchInserter
	sw.cur.Store(dead)
	w := newTestWriter(t, &sw, 0, WriterConfig{TripAfter: 2, OpenFor: 200 * time.Millisecond, ReplayEvery: 10 * time.Millisecond})

	// Batch i holds i rejects besides its records.
	const batches, size = 4, 100
	var wantRejects []Reject
	for i := 0; i < batches; i++ {
		rejects := testRejects(i*size, i)
		if err := w.WriteBatch(ctx, testBatch(i*size, size), rejects); err != nil {
			t.Fatalf("WriteBatch %d with ClickHouse unreachable = %v; want nil (spooled)", i, err)
		}
		wantRejects = append(wantRejects, rejects...)
	}
	if st := w.Stats(); st.SpooledBatches != batches || st.Spool.Files != batches || st.Spool.Rejects != len(wantRejects) || st.Inserts != 0 {
		t.Fatalf("Stats() = %+v; want every batch spooled, %d rejects", st, len(wantRejects))
	}

	sw.cur.Store(live)
	w.Run(ctx)
	waitFor(t, "the spool to drain into ClickHouse", func() bool { return w.Stats().Spool.Files == 0 })
	rows, distinct, err := live.CountDistinct(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows != batches*size || distinct != batches*size {
		t.Errorf("CountDistinct() = %d rows, %d items; want %d of each (nothing lost, nothing doubled)", rows, distinct, batches*size)
	}
	got, err := live.Get(ctx, testRecord(size+7).Parcel.ItemID)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(stored(testRecord(size+7)), got, recordOpts...); diff != "" {
		t.Errorf("replayed record (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRejects, storedRejects(t, live)); diff != "" {
		t.Errorf("replayed rejects (-want +got):\n%s", diff)
	}

	// The real Writer over the live Store writes straight through.
	w2, err := NewWriter(live, w.spool, WriterConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w2.Write(ctx, testBatch(batches*size, size)); err != nil {
		t.Fatal(err)
	}
	if st := w2.Stats(); st.Inserts != 1 || st.SpooledBatches != 0 {
		t.Errorf("live Writer Stats() = %+v; want 1 insert, nothing spooled", st)
	}
	if _, distinct, _ := live.CountDistinct(ctx); distinct != (batches+1)*size {
		t.Errorf("distinct items = %d; want %d", distinct, (batches+1)*size)
	}
	more := testRejects(batches*size, 2)
	if err := w2.WriteBatch(ctx, testBatch(batches*size+size, 1), more); err != nil {
		t.Fatal(err)
	}
	if st := w2.Stats(); st.Inserts != 3 || st.InsertedRejects != 2 || st.SpooledBatches != 0 {
		t.Errorf("live Writer Stats() = %+v; want 3 inserts (1 of 2 rejects), nothing spooled", st)
	}
	if got := storedRejects(t, live); len(got) != len(wantRejects)+len(more) {
		t.Errorf("rejects table holds %d rows; want %d", len(got), len(wantRejects)+len(more))
	}
}

// storedRejects reads the rejects table, ordered by offset.
func storedRejects(t *testing.T, s *Store) []Reject {
	t.Helper()
	rows, err := s.conn.Query(context.Background(), "SELECT received_at, source, topic, `partition`, `offset`, key, code, path, message, raw FROM rejects ORDER BY `offset`")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Reject
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.ReceivedAt, &r.Source, &r.Topic, &r.Partition, &r.Offset, &r.Key, &r.Code, &r.Path, &r.Message, (*bytesScanner)(&r.Raw)); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
