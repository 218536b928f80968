package store

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
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
