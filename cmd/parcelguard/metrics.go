package main

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parcelguard/parcelguard/api"
	"github.com/parcelguard/parcelguard/internal/metric"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
)

// collector turns the components' own counters into Prometheus metrics at
// scrape time, so that the hot path keeps plain atomic counters and knows
// nothing of Prometheus.
type collector struct {
	pipeline func() stream.Stats
	writer   func() store.WriterStats
	rules    func() rules.Status
	http     func() []api.RouteStats
}

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc("parcelguard_"+name, help, labels, nil)
}

var (
	mConsumed       = desc("messages_consumed_total", "Messages fetched from the manifests topic.")
	mRecords        = desc("records_durable_total", "Assessed parcels acknowledged as durable by the store.")
	mRejected       = desc("manifests_rejected_total", "Manifests the decoder rejected.")
	mDLQ            = desc("dlq_writes_total", "Rejected manifests acknowledged by the dead-letter topic.")
	mDLQErrors      = desc("dlq_errors_total", "Failed dead-letter write attempts.")
	mScreenFailed   = desc("screening_failed_total", "Messages set aside unscreened because decoding or scoring them failed inside parcelguard (a bug; each is logged).")
	mBatches        = desc("batches_total", "Batches the store acknowledged.")
	mSinkErrors     = desc("sink_errors_total", "Failed batch writes (each retry counts).")
	mBatchSize      = desc("batch_size_records", "Records per acknowledged batch.")
	mSinkLatency    = desc("sink_write_seconds", "Duration of batch writes to the store (ClickHouse or spool).")
	mCommits        = desc("offset_commits_total", "Successful Kafka offset commits.")
	mCommitErrors   = desc("offset_commit_errors_total", "Failed Kafka offset commits.")
	mFetchErrors    = desc("fetch_errors_total", "Errors reading partitions.")
	mGenerations    = desc("group_generations_total", "Consumer group generations joined (rebalances).")
	mPublished      = desc("assessments_published_total", "Assessments acknowledged by the outbound topic.")
	mOutboundErrors = desc("outbound_errors_total", "Failed outbound publish attempts.")
	mOutcomes       = desc("outcomes_total", "Durable assessments per lane.", "lane")
	mSampled        = desc("sampled_total", "Parcels selected for inspection at random.")
	mRuleHits       = desc("rule_hits_total", "Hits per rule (active rules).", "rule")
	mShadowHits     = desc("shadow_hits_total", "Hits per rule in shadow mode.", "rule")
	mRuleErrors     = desc("rule_errors_total", "Rules that failed to run on a parcel.")
	mLag            = desc("consumer_lag_messages", "Messages between the reader and the end of the partition.", "topic", "partition")
	mCommitted      = desc("committed_offset", "Last committed offset.", "topic", "partition")

	mBreaker        = desc("clickhouse_breaker_state", "Circuit breaker around ClickHouse: 0 closed, 1 half-open, 2 open.")
	mTrips          = desc("clickhouse_breaker_trips_total", "Times the breaker opened.")
	mInserts        = desc("clickhouse_inserts_total", "Successful inserts, live and replayed.")
	mInsertFailures = desc("clickhouse_insert_failures_total", "Failed insert attempts.")
	mInsertLatency  = desc("clickhouse_last_insert_seconds", "Duration of the latest insert attempt.")
	mInsertTime     = desc("clickhouse_insert_seconds_total", "Total time of successful inserts.")
	mSpooled        = desc("spool_batches_written_total", "Batches written to the local spool.")
	mReplayed       = desc("spool_batches_replayed_total", "Spooled batches replayed into ClickHouse.")
	mInsertedRows   = desc("clickhouse_rows_inserted_total", "Rows inserted into ClickHouse, live and replayed, per table.", "table")
	mSpooledRows    = desc("spool_rows_written_total", "Rows written to the local spool, per table.", "table")
	mSpoolFiles     = desc("spool_files", "Batches waiting in the spool.")
	mSpoolRows      = desc("spool_rows", "Rows waiting in the spool, per table.", "table")
	mSpoolBytes     = desc("spool_bytes", "Bytes waiting in the spool.")
	mSpoolMax       = desc("spool_max_bytes", "Spool size limit.")
	mSpoolCorrupt   = desc("spool_corrupt_files_total", "Spool files found torn or corrupt and moved aside.")
	mSpoolFull      = desc("spool_full_refusals_total", "Batches neither ClickHouse nor the spool took (back-pressure).")

	mHTTPRequests = desc("http_requests_total", "HTTP requests answered, per registered route (\"unmatched\" for none), method and status code.", "route", "method", "code")
	mHTTPDuration = desc("http_request_duration_seconds", "Time to answer HTTP requests, per registered route and method.", "route", "method")

	mPack        = desc("rule_pack_info", "The running rule pack (value 1).", "name", "version")
	mPackLoaded  = desc("rule_pack_loaded_timestamp_seconds", "When the running pack was loaded.")
	mReloads     = desc("rule_pack_reloads_total", "Reload attempts.")
	mReloadFails = desc("rule_pack_reload_failures_total", "Refused reloads.")
	mReloadError = desc("rule_pack_last_reload_failed", "1 when the latest reload was refused.")
)

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	prometheus.DescribeByCollect(c, ch)
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	if c.pipeline != nil {
		s := c.pipeline()
		counter(mConsumed, float64(s.Consumed))
		counter(mRecords, float64(s.Records))
		counter(mRejected, float64(s.Rejected))
		counter(mDLQ, float64(s.DLQWrites))
		counter(mDLQErrors, float64(s.DLQErrors))
		counter(mScreenFailed, float64(s.ScreeningFailed))
		counter(mBatches, float64(s.Batches))
		counter(mSinkErrors, float64(s.SinkErrors))
		histogram(ch, mBatchSize, s.BatchSize)
		histogram(ch, mSinkLatency, s.SinkLatency)
		counter(mCommits, float64(s.Commits))
		counter(mCommitErrors, float64(s.CommitErrors))
		counter(mFetchErrors, float64(s.FetchErrors))
		counter(mGenerations, float64(s.Generations))
		counter(mPublished, float64(s.Published))
		counter(mOutboundErrors, float64(s.OutboundErrors))
		for lane, n := range s.Outcomes {
			counter(mOutcomes, float64(n), string(lane))
		}
		counter(mSampled, float64(s.Sampled))
		for rule, n := range s.RuleHits {
			counter(mRuleHits, float64(n), rule)
		}
		for rule, n := range s.ShadowHits {
			counter(mShadowHits, float64(n), rule)
		}
		counter(mRuleErrors, float64(s.RuleErrors))
		for _, p := range s.Partitions {
			part := strconv.Itoa(p.Partition)
			if p.Assigned && p.Lag >= 0 {
				gauge(mLag, float64(p.Lag), p.Topic, part)
			}
			if p.Committed >= 0 {
				gauge(mCommitted, float64(p.Committed), p.Topic, part)
			}
		}
	}
	if c.writer != nil {
		w := c.writer()
		gauge(mBreaker, map[string]float64{"closed": 0, "half-open": 1, "open": 2}[w.Breaker])
		counter(mTrips, float64(w.BreakerTrips))
		counter(mInserts, float64(w.Inserts))
		counter(mInsertFailures, float64(w.InsertFailures))
		gauge(mInsertLatency, w.LastInsertLatency.Seconds())
		counter(mInsertTime, w.InsertTime.Seconds())
		counter(mSpooled, float64(w.SpooledBatches))
		counter(mReplayed, float64(w.ReplayedBatches))
		counter(mInsertedRows, float64(w.InsertedRecords), "assessments")
		counter(mInsertedRows, float64(w.InsertedRejects), "rejects")
		counter(mSpooledRows, float64(w.SpooledRecords), "assessments")
		counter(mSpooledRows, float64(w.SpooledRejects), "rejects")
		gauge(mSpoolFiles, float64(w.Spool.Files))
		gauge(mSpoolRows, float64(w.Spool.Records), "assessments")
		gauge(mSpoolRows, float64(w.Spool.Rejects), "rejects")
		gauge(mSpoolBytes, float64(w.Spool.Bytes))
		gauge(mSpoolMax, float64(w.Spool.MaxBytes))
		counter(mSpoolCorrupt, float64(w.Spool.Corrupt))
		counter(mSpoolFull, float64(w.SpoolFullRefusals))
	}
	if c.http != nil {
		for _, r := range c.http() {
			for code, n := range r.Codes {
				counter(mHTTPRequests, float64(n), r.Route, r.Method, strconv.Itoa(code))
			}
			histogram(ch, mHTTPDuration, r.Seconds, r.Route, r.Method)
		}
	}
	if c.rules != nil {
		st := c.rules()
		gauge(mPack, 1, st.Name, st.Version)
		gauge(mPackLoaded, float64(st.LoadedAt.UnixNano())/float64(time.Second))
		counter(mReloads, float64(st.Reloads))
		counter(mReloadFails, float64(st.Failures))
		failed := 0.0
		if st.LastError != "" {
			failed = 1
		}
		gauge(mReloadError, failed)
	}
}

func histogram(ch chan<- prometheus.Metric, d *prometheus.Desc, h metric.Histogram, labels ...string) {
	buckets := make(map[float64]uint64, len(h.Bounds))
	for i, b := range h.Bounds {
		buckets[b] = h.Counts[i]
	}
	ch <- prometheus.MustNewConstHistogram(d, h.Count, h.Sum, buckets, labels...)
}
