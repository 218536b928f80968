package main

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/parcelguard/parcelguard/api"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
)

func TestCollector(t *testing.T) {
	c := &collector{
		pipeline: func() stream.Stats {
			return stream.Stats{
				Consumed: 10, Records: 8, Rejected: 2, DLQWrites: 2,
				Outcomes:   map[scorer.Outcome]int64{scorer.Release: 6, scorer.Inspect: 2},
				RuleHits:   map[string]int64{"D1-VAGUE-DESCRIPTION": 3},
				BatchSize:  stream.Histogram{Bounds: []float64{1, 10}, Counts: []uint64{0, 2}, Count: 2, Sum: 8},
				Partitions: []stream.PartitionStats{{Topic: "parcel.manifests", Partition: 3, Committed: 41, Assigned: true, Lag: 7}},
			}
		},
		writer: func() store.WriterStats {
			return store.WriterStats{Breaker: "open", SpooledRecords: 900, SpooledRejects: 12,
				Spool: store.SpoolStats{Files: 4, Bytes: 4096, Records: 300, Rejects: 5}}
		},
		rules: func() rules.Status {
			return rules.Status{Name: "default", Version: "abc123", LoadedAt: time.Unix(100, 0), LastError: "bad pack", Failures: 1, Reloads: 3}
		},
		http: func() []api.RouteStats {
			return []api.RouteStats{{Route: "/api/v1/parcels/:id", Method: "GET", Codes: map[int]uint64{200: 5, 403: 1},
				Seconds: stream.Histogram{Bounds: []float64{0.05, 0.1}, Counts: []uint64{4, 5}, Count: 6, Sum: 0.4}}}
		},
	}
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	want := `
# HELP parcelguard_http_request_duration_seconds Time to answer HTTP requests, per registered route and method.
# TYPE parcelguard_http_request_duration_seconds histogram
parcelguard_http_request_duration_seconds_bucket{method="GET",route="/api/v1/parcels/:id",le="0.05"} 4
parcelguard_http_request_duration_seconds_bucket{method="GET",route="/api/v1/parcels/:id",le="0.1"} 5
parcelguard_http_request_duration_seconds_bucket{method="GET",route="/api/v1/parcels/:id",le="+Inf"} 6
parcelguard_http_request_duration_seconds_sum{method="GET",route="/api/v1/parcels/:id"} 0.4
parcelguard_http_request_duration_seconds_count{method="GET",route="/api/v1/parcels/:id"} 6
# HELP parcelguard_http_requests_total HTTP requests answered, per registered route ("unmatched" for none), method and status code.
# TYPE parcelguard_http_requests_total counter
parcelguard_http_requests_total{code="200",method="GET",route="/api/v1/parcels/:id"} 5
parcelguard_http_requests_total{code="403",method="GET",route="/api/v1/parcels/:id"} 1
# HELP parcelguard_clickhouse_breaker_state Circuit breaker around ClickHouse: 0 closed, 1 half-open, 2 open.
# TYPE parcelguard_clickhouse_breaker_state gauge
parcelguard_clickhouse_breaker_state 2
# HELP parcelguard_consumer_lag_messages Messages between the reader and the end of the partition.
# TYPE parcelguard_consumer_lag_messages gauge
parcelguard_consumer_lag_messages{partition="3",topic="parcel.manifests"} 7
# HELP parcelguard_outcomes_total Durable assessments per lane.
# TYPE parcelguard_outcomes_total counter
parcelguard_outcomes_total{lane="inspect"} 2
parcelguard_outcomes_total{lane="release"} 6
# HELP parcelguard_rule_pack_info The running rule pack (value 1).
# TYPE parcelguard_rule_pack_info gauge
parcelguard_rule_pack_info{name="default",version="abc123"} 1
# HELP parcelguard_rule_pack_last_reload_failed 1 when the latest reload was refused.
# TYPE parcelguard_rule_pack_last_reload_failed gauge
parcelguard_rule_pack_last_reload_failed 1
# HELP parcelguard_spool_files Batches waiting in the spool.
# TYPE parcelguard_spool_files gauge
parcelguard_spool_files 4
# HELP parcelguard_spool_rows Rows waiting in the spool, per table.
# TYPE parcelguard_spool_rows gauge
parcelguard_spool_rows{table="assessments"} 300
parcelguard_spool_rows{table="rejects"} 5
# HELP parcelguard_spool_rows_written_total Rows written to the local spool, per table.
# TYPE parcelguard_spool_rows_written_total counter
parcelguard_spool_rows_written_total{table="assessments"} 900
parcelguard_spool_rows_written_total{table="rejects"} 12
`
	names := []string{"parcelguard_http_request_duration_seconds", "parcelguard_http_requests_total", "parcelguard_clickhouse_breaker_state", "parcelguard_consumer_lag_messages", "parcelguard_outcomes_total",
		"parcelguard_rule_pack_info", "parcelguard_rule_pack_last_reload_failed", "parcelguard_spool_files",
		"parcelguard_spool_rows", "parcelguard_spool_rows_written_total"}
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	if n, err := testutil.GatherAndCount(reg, "parcelguard_batch_size_records"); err != nil || n != 1 {
		t.Errorf("batch size histogram: %d series, %v", n, err)
	}
}

func TestRunRefusesBadConfig(t *testing.T) {
	_, errOut, err := run(t, "", "run", "-set", "scoring.sample_rate=7", "-set", "kafka.group_id=")
	if err == nil || !strings.Contains(errOut, "scoring.sample_rate 7 must be between 0 and 1") || !strings.Contains(errOut, "kafka.group_id is required") {
		t.Errorf("run with a bad config = %v:\n%s", err, errOut)
	}
}
