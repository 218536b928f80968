package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/stream"
	"github.com/parcelguard/parcelguard/synth"
)

// The benchmarks take b.N as the number of parcels, so that the smoke run
// (-benchtime 1x) sends one parcel through and the figures come from
//
//	go test ./e2e -run '^$' -bench EndToEnd1M -benchtime 1000000x -timeout 30m
//	go test ./e2e -run '^$' -bench Latency5k -benchtime 100000x -timeout 30m
//
// (100,000 parcels at 5,000/s is 20 s of traffic). The engine inherits the
// environment, so PARCELGUARD_* variables tune it for an experiment, e.g.
// PARCELGUARD_PIPELINE_BATCH_SIZE=20000.

// BenchmarkEndToEnd1M pre-produces b.N manifests (1% broken) into the
// broker, then starts one engine and measures from its start until every
// accepted parcel is readable in ClickHouse and every rejected one is in
// the rejects table. It reports parcels/s and the engine's peak RSS.
func BenchmarkEndToEnd1M(b *testing.B) {
	addr := needClickHouse(b)
	d := newDB(b, addr)
	broker := startBroker(b)
	brokers := broker.Addrs()
	accepted, rejected := preproduce(b, brokers, b.N)
	cfg := engineConfig{Brokers: brokers, GroupID: randomName("e2e-bench-"), ClickHouse: addr, Database: d.name,
		SpoolDir: filepath.Join(b.TempDir(), "spool")}

	before := serverEvents(b, d)
	selfBefore, err := cpuTime(os.Getpid())
	if err != nil {
		b.Fatalf("CPU time: %v", err)
	}
	b.ResetTimer()
	start := time.Now()
	e := startEngineNoWait(b, "engine", cfg)
	waitCount(b, d, accepted, rejected, max(3*time.Minute, time.Duration(b.N)*time.Second/2000), e)
	elapsed := time.Since(start)
	b.StopTimer()

	after := serverEvents(b, d)
	selfAfter, err := cpuTime(os.Getpid())
	if err != nil {
		b.Fatalf("CPU time: %v", err)
	}
	rss, err := e.peakRSS()
	if err != nil {
		b.Fatalf("peak RSS: %v", err)
	}
	cpu, err := e.cpuTime()
	if err != nil {
		b.Fatalf("engine CPU time: %v", err)
	}
	m, err := e.metrics()
	if err != nil {
		b.Fatalf("metrics: %v", err)
	}
	e.stop(30 * time.Second)
	sec := elapsed.Seconds()
	b.ReportMetric(float64(b.N)/sec, "parcels/s")
	b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
	// Where the time goes: the engine's CPU, the embedded broker's (the
	// test process's), the share of the time the engine waited for
	// INSERTs, and the server's query and merge threads (server-wide
	// figures: anything else the server runs counts too).
	b.ReportMetric(cpu.Seconds()/sec, "engine-CPUs")
	b.ReportMetric((selfAfter-selfBefore).Seconds()/sec, "broker-CPUs")
	b.ReportMetric(m["clickhouse_insert_seconds_total"]/sec, "insert-busy")
	b.ReportMetric(float64(after.queryCPU-before.queryCPU)/1e6/sec, "ch-query-CPUs")
	b.ReportMetric(float64(after.mergeMillis-before.mergeMillis)/1e3/sec, "ch-merge-threads")
}

// events are counters of the ClickHouse server.
type events struct {
	queryCPU    uint64 // µs of CPU in query threads
	mergeMillis uint64 // ms spent in merges, all merge threads
}

func serverEvents(tb testing.TB, d *db) events {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ev events
	err := d.conn.QueryRow(ctx, `SELECT
    sumIf(value, event = 'OSCPUVirtualTimeMicroseconds'),
    sumIf(value, event = 'MergesTimeMilliseconds')
FROM system.events`).Scan(&ev.queryCPU, &ev.mergeMillis)
	if err != nil {
		tb.Fatalf("reading system.events: %v", err)
	}
	return ev
}

// preproduce writes n synthetic manifests, 1% broken, to the manifests
// topic and returns the distinct accepted items and the rejected manifests.
// It keeps no more than a chunk of manifests in memory.
func preproduce(b *testing.B, brokers []string, n int) (accepted, rejected int) {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	p, err := stream.NewProducer(stream.ProducerConfig{Brokers: brokers, Compression: "zstd"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	g := synth.New(synth.Config{Seed: 42, BrokenShare: 0.01})
	var dec manifest.Decoder
	var parcel manifest.Parcel
	ids := make(map[string]struct{}, n)
	chunk := make([][]byte, 0, 10_000)
	for sent := 0; sent < n; sent += len(chunk) {
		chunk = chunk[:0]
		for range min(cap(chunk), n-sent) {
			m := g.Next(nil)
			chunk = append(chunk, m)
			if id, code := classify(&dec, &parcel, m); code == "" {
				ids[id] = struct{}{}
			} else {
				rejected++
			}
		}
		if err := p.Send(ctx, chunk...); err != nil {
			b.Fatalf("producing manifests: %v", err)
		}
	}
	return len(ids), rejected
}

// waitCount waits until assessments holds accepted distinct items and the
// rejects table rejected rows. It polls count(), which ClickHouse answers
// from part metadata, so that the polling takes no CPU from the engine,
// and confirms with the distinct count.
func waitCount(tb testing.TB, d *db, accepted, rejected int, timeout time.Duration, e *engine) {
	tb.Helper()
	eventually(tb, timeout, 100*time.Millisecond, fmt.Sprintf("%d items and %d rejects stored", accepted, rejected), func() (bool, string) {
		if err := e.exited(); err != nil {
			tb.Fatalf("engine exited: %v", err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var rows, rejects uint64
		if err := d.conn.QueryRow(ctx, "SELECT count() FROM assessments").Scan(&rows); err != nil {
			return false, err.Error()
		}
		if err := d.conn.QueryRow(ctx, "SELECT count() FROM rejects").Scan(&rejects); err != nil {
			return false, err.Error()
		}
		status := fmt.Sprintf("%d rows, %d rejects", rows, rejects)
		if rows < uint64(accepted) || rejects < uint64(rejected) {
			return false, status
		}
		_, distinct, err := d.store.CountDistinct(ctx)
		if err != nil {
			return false, err.Error()
		}
		return distinct >= uint64(accepted), fmt.Sprintf("%s, %d distinct items", status, distinct)
	})
}

// BenchmarkLatency5k produces b.N manifests (1% broken) at a steady 5,000
// a second into a running engine and measures, for every 100th accepted
// one, the time from handing it to the producer until ClickHouse returns
// it. Visibility is polled every 100 ms, which bounds the resolution.
func BenchmarkLatency5k(b *testing.B) {
	const rate = 5000
	addr := needClickHouse(b)
	d := newDB(b, addr)
	broker := startBroker(b)
	brokers := broker.Addrs()
	e := startEngine(b, "engine", engineConfig{Brokers: brokers, GroupID: randomName("e2e-bench-"), ClickHouse: addr,
		Database: d.name, SpoolDir: filepath.Join(b.TempDir(), "spool")})
	e.waitAssigned(time.Minute)

	g := synth.New(synth.Config{Seed: 43, BrokenShare: 0.01})
	var dec manifest.Decoder
	var parcel manifest.Parcel
	msgs := make([][]byte, b.N)
	sampled := make(map[int]string) // index → item id
	for i := range msgs {
		msgs[i] = g.Next(nil)
		if id, code := classify(&dec, &parcel, msgs[i]); code == "" && (i%100 == 0 || len(sampled) == 0) {
			sampled[i] = id
		}
	}
	p, err := stream.NewProducer(stream.ProducerConfig{Brokers: brokers, Compression: "zstd"})
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()

	w := newWatcher(d)
	poll := background(b, w.run)
	b.ResetTimer()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(b.N)*time.Second/rate+5*time.Minute)
	defer cancel()
	// 100 manifests every 20 ms.
	const chunk = rate / 50
	start := time.Now()
	for i := 0; i < len(msgs); i += chunk {
		if wait := time.Until(start.Add(time.Duration(i) * time.Second / rate)); wait > 0 {
			time.Sleep(wait)
		}
		end := min(i+chunk, len(msgs))
		now := time.Now()
		for j := i; j < end; j++ {
			if id, ok := sampled[j]; ok {
				w.sent(id, now)
			}
		}
		if err := p.Send(ctx, msgs[i:end]...); err != nil {
			b.Fatalf("producing: %v", err)
		}
	}
	produced := time.Since(start)
	eventually(b, time.Minute, 100*time.Millisecond, "sampled items stored", func() (bool, string) {
		n := w.pendingCount()
		return n == 0, fmt.Sprintf("%d of %d sampled items not stored", n, len(sampled))
	})
	b.StopTimer()
	w.stop()
	if err := poll.wait(time.Minute); err != nil {
		b.Fatalf("polling ClickHouse: %v", err)
	}
	lat := w.latencies()
	slices.Sort(lat)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(float64(b.N)/produced.Seconds(), "parcels/s")
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
	e.stop(30 * time.Second)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, i-1)]
}

// watcher polls ClickHouse for the items sent and not yet seen, and keeps
// how long each took to appear.
type watcher struct {
	d    *db
	quit chan struct{}

	mu      sync.Mutex
	pending map[string]time.Time
	lat     []time.Duration
}

func newWatcher(d *db) *watcher {
	return &watcher{d: d, quit: make(chan struct{}), pending: make(map[string]time.Time)}
}

func (w *watcher) sent(id string, at time.Time) {
	w.mu.Lock()
	w.pending[id] = at
	w.mu.Unlock()
}

func (w *watcher) pendingCount() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.pending)
}

func (w *watcher) latencies() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.lat)
}

func (w *watcher) stop() { close(w.quit) }

// run polls every 100 ms until stop or ctx ends.
func (w *watcher) run(ctx context.Context) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-w.quit:
			return nil
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if err := w.poll(ctx); err != nil {
			return err
		}
	}
}

func (w *watcher) poll(ctx context.Context) error {
	w.mu.Lock()
	ids := make([]any, 0, len(w.pending))
	for id := range w.pending {
		ids = append(ids, id)
	}
	w.mu.Unlock()
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	// Before the engine created the table the query fails: nothing is
	// visible yet.
	q, err := w.d.conn.Query(ctx, "SELECT item_id FROM assessments WHERE item_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")+")", ids...)
	if err != nil {
		return nil
	}
	defer q.Close()
	var found []string
	for q.Next() {
		var id string
		if err := q.Scan(&id); err != nil {
			return fmt.Errorf("polling: %w", err)
		}
		found = append(found, id)
	}
	if err := q.Err(); err != nil {
		return fmt.Errorf("polling: %w", err)
	}
	now := time.Now()
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, id := range found {
		if at, ok := w.pending[id]; ok {
			w.lat = append(w.lat, now.Sub(at))
			delete(w.pending, id)
		}
	}
	return nil
}
