package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

const benchBatch = 10_000

// benchRecords is a batch of distinct items whose raw manifest is the whole
// wire object, as in production (about 0.9 KB each).
func benchRecords(b *testing.B, round int) []Record {
	b.Helper()
	batch := testBatch(round*benchBatch, benchBatch)
	for _, r := range batch {
		r.Parcel.ItemID = fmt.Sprintf("%s-%d", r.Parcel.ItemID, round)
		r.Assessment.ItemID = r.Parcel.ItemID
		raw, err := json.Marshal(r.Parcel)
		if err != nil {
			b.Fatal(err)
		}
		r.Parcel.Raw = raw
	}
	return batch
}

func reportRecords(b *testing.B, records int) {
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(records), "ns/record")
}

// BenchmarkWrite inserts batches of 10,000 records into the ClickHouse
// server that deploy/clickhouse.sh runs, one INSERT per batch.
func BenchmarkWrite(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		batch := benchRecords(b, i)
		b.StartTimer()
		if err := s.Write(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportRecords(b, b.N*benchBatch)
	_, distinct, err := s.CountDistinct(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if distinct != uint64(b.N*benchBatch) {
		b.Fatalf("stored %d distinct items; want %d", distinct, b.N*benchBatch)
	}
}

// BenchmarkSpoolPut writes batches of 10,000 records to the spool, each one
// file fsync'd: the fallback path while ClickHouse is down.
func BenchmarkSpoolPut(b *testing.B) {
	sp, err := OpenSpool(b.TempDir(), SpoolConfig{MaxBytes: 1 << 40})
	if err != nil {
		b.Fatal(err)
	}
	batch := benchRecords(b, 0)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := sp.Put(batch); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	reportRecords(b, b.N*benchBatch)
	b.ReportMetric(float64(sp.Stats().Bytes)/float64(b.N*benchBatch), "bytes/record")
}

// BenchmarkInsertCost is the server's cost of one 10,000-record INSERT
// into assessments with the schema before migration 3 ("v2"), before
// migration 4 ("v3") and with the current one ("current"), materialized
// views included: one operation
// makes a fresh database of each schema and inserts the same batch into
// each, rotating which goes first, and reads each INSERT's duration and
// CPU time (user + system) from system.query_log. Reported: the medians.
// docs/performance.md quotes -benchtime 15x.
func BenchmarkInsertCost(b *testing.B) {
	addr := needClickHouse(b)
	ctx := context.Background()
	variants := []struct {
		name string
		upTo uint32
	}{{"v2", 2}, {"v3", 3}, {"current", math.MaxUint32}}
	type cost struct{ ms, cpuMs []float64 }
	costs := make([]cost, len(variants))
	for i := 0; i < b.N; i++ {
		batch := benchRecords(b, i)
		for j := range variants {
			v := (i + j) % len(variants)
			s, err := Open(ctx, Config{Addr: []string{addr}, Database: testDatabase(b, addr)})
			if err != nil {
				b.Fatal(err)
			}
			if err := s.migrateTo(ctx, variants[v].upTo); err != nil {
				b.Fatal(err)
			}
			var id [8]byte
			rand.Read(id[:])
			qid := "insertcost-" + hex.EncodeToString(id[:])
			wctx := clickhouse.Context(ctx, clickhouse.WithQueryID(qid), clickhouse.WithSettings(clickhouse.Settings{"log_queries": 1}))
			if err := s.Write(wctx, batch); err != nil {
				b.Fatal(err)
			}
			// The server logs the INSERT's end just after it answers: flush
			// until the row is there.
			var ms, cpuUs uint64
			for try := 0; ; try++ {
				if err := s.conn.Exec(ctx, "SYSTEM FLUSH LOGS"); err != nil {
					b.Fatal(err)
				}
				err := s.conn.QueryRow(ctx, "SELECT query_duration_ms,"+
					" arraySum(arrayFilter((v, n) -> n IN ('UserTimeMicroseconds', 'SystemTimeMicroseconds'), ProfileEvents.Values, ProfileEvents.Names))"+
					" FROM system.query_log WHERE query_id = ? AND type = 2", qid).Scan(&ms, &cpuUs)
				if err == nil {
					break
				}
				if !errors.Is(err, sql.ErrNoRows) || try == 50 {
					b.Fatalf("reading the INSERT's cost from system.query_log: %v", err)
				}
				time.Sleep(100 * time.Millisecond)
			}
			s.Close()
			costs[v].ms = append(costs[v].ms, float64(ms))
			costs[v].cpuMs = append(costs[v].cpuMs, float64(cpuUs)/1000)
		}
	}
	median := func(x []float64) float64 {
		x = slices.Clone(x)
		slices.Sort(x)
		return x[len(x)/2]
	}
	for v, c := range costs {
		b.ReportMetric(median(c.ms), variants[v].name+"-server-ms")
		b.ReportMetric(median(c.cpuMs), variants[v].name+"-cpu-ms")
	}
}
