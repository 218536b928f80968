package stream

import (
	"maps"
	"sync"
	"sync/atomic"

	"github.com/parcelguard/parcelguard/internal/metric"
	"github.com/parcelguard/parcelguard/scorer"
)

// Stats is a snapshot of a Pipeline's counters since New. Counters only
// grow; redelivered messages count again.
type Stats struct {
	// Consumed counts messages fetched from the manifests topic.
	Consumed int64
	// Records counts records the Sink acknowledged.
	Records int64
	// Rejected counts manifests the decoder rejected; DLQWrites those
	// acknowledged by the dead-letter topic, DLQErrors the failed
	// dead-letter write attempts.
	Rejected  int64
	DLQWrites int64
	DLQErrors int64
	// ScreeningFailed counts messages set aside because decoding or
	// scoring them panicked (CodeScreeningFailed): bugs, each logged.
	ScreeningFailed int64
	// Batches counts Sink writes that succeeded, SinkErrors those that
	// failed (each retry counts); both include batches of rejects only.
	Batches    int64
	SinkErrors int64
	// BatchSize is the distribution of records per successful Sink write;
	// SinkLatency that of the duration of every Sink write, in seconds.
	BatchSize   Histogram
	SinkLatency Histogram

	// Commits counts successful offset commits, CommitErrors failed ones.
	Commits      int64
	CommitErrors int64
	// FetchErrors counts errors reading a partition; GroupErrors errors
	// joining the consumer group; Generations the group generations this
	// pipeline took part in (one per rebalance).
	FetchErrors int64
	GroupErrors int64
	Generations int64

	// Published counts assessments acknowledged by the outbound topic;
	// OutboundErrors the failed publish attempts; OutboundLate the
	// assessments whose offsets were committed before they were published
	// because OutboundMaxWait passed; OutboundAbandoned those of them still
	// unpublished at shutdown (they will not be published).
	Published         int64
	OutboundErrors    int64
	OutboundLate      int64
	OutboundAbandoned int64

	// Outcomes counts durable records per lane; Sampled those sent to
	// inspection by random selection; RuleHits and ShadowHits count the
	// hits per rule id; RuleErrors counts rules that failed to run.
	Outcomes   map[scorer.Outcome]int64
	Sampled    int64
	RuleHits   map[string]int64
	ShadowHits map[string]int64
	RuleErrors int64

	// Partitions lists every partition this pipeline has committed or
	// now reads, ordered by topic and partition.
	Partitions []PartitionStats
}

// PartitionStats describes one partition.
type PartitionStats struct {
	Topic     string
	Partition int
	// Committed is the group's committed offset as this pipeline last
	// knew it (its own commit, or the offset it was assigned at), -1 if
	// none.
	Committed int64
	// Assigned reports whether this pipeline reads the partition now.
	Assigned bool
	// Lag is how many messages behind the partition end the reader is, as
	// of its last fetch; -1 when not assigned or not known yet.
	Lag int64
}

// Histogram is a cumulative histogram as Prometheus expects it: Counts[i]
// is the number of observations at most Bounds[i]; Count and Sum cover all
// observations.
type Histogram = metric.Histogram

// Bucket bounds of the histograms.
var (
	batchSizeBounds   = []float64{1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 50000, 100000}
	sinkLatencyBounds = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30}
)

// metrics holds the live counters behind Stats.
type metrics struct {
	consumed, records                     atomic.Int64
	rejected, dlqWrites, dlqErrors        atomic.Int64
	screeningFailed                       atomic.Int64
	batches, sinkErrors                   atomic.Int64
	commits, commitErrors                 atomic.Int64
	fetchErrors, groupErrors, generations atomic.Int64
	published, outboundErrors             atomic.Int64
	outboundLate, outboundAbandoned       atomic.Int64
	sampled, ruleErrors                   atomic.Int64

	batchSize   *metric.Recorder
	sinkLatency *metric.Recorder

	mu         sync.Mutex
	outcomes   map[scorer.Outcome]int64
	ruleHits   map[string]int64
	shadowHits map[string]int64
}

func newMetrics() *metrics {
	return &metrics{
		batchSize:   metric.NewRecorder(batchSizeBounds),
		sinkLatency: metric.NewRecorder(sinkLatencyBounds),
		outcomes:    make(map[scorer.Outcome]int64),
		ruleHits:    make(map[string]int64),
		shadowHits:  make(map[string]int64),
	}
}

// durable counts the outcomes and hits of a batch the Sink acknowledged.
func (m *metrics) durable(batch []Record) {
	m.records.Add(int64(len(batch)))
	var sampled, ruleErrors int64
	m.mu.Lock()
	for i := range batch {
		a := &batch[i].Assessment
		m.outcomes[a.Outcome]++
		for _, h := range a.Hits {
			m.ruleHits[h.Rule]++
		}
		for _, h := range a.Shadow {
			m.shadowHits[h.Rule]++
		}
		if a.Sampled {
			sampled++
		}
		ruleErrors += int64(len(a.Errors))
	}
	m.mu.Unlock()
	m.sampled.Add(sampled)
	m.ruleErrors.Add(ruleErrors)
}

func (m *metrics) snapshot() Stats {
	s := Stats{
		Consumed:          m.consumed.Load(),
		Records:           m.records.Load(),
		Rejected:          m.rejected.Load(),
		DLQWrites:         m.dlqWrites.Load(),
		DLQErrors:         m.dlqErrors.Load(),
		ScreeningFailed:   m.screeningFailed.Load(),
		Batches:           m.batches.Load(),
		SinkErrors:        m.sinkErrors.Load(),
		BatchSize:         m.batchSize.Snapshot(),
		SinkLatency:       m.sinkLatency.Snapshot(),
		Commits:           m.commits.Load(),
		CommitErrors:      m.commitErrors.Load(),
		FetchErrors:       m.fetchErrors.Load(),
		GroupErrors:       m.groupErrors.Load(),
		Generations:       m.generations.Load(),
		Published:         m.published.Load(),
		OutboundErrors:    m.outboundErrors.Load(),
		OutboundLate:      m.outboundLate.Load(),
		OutboundAbandoned: m.outboundAbandoned.Load(),
		Sampled:           m.sampled.Load(),
		RuleErrors:        m.ruleErrors.Load(),
	}
	m.mu.Lock()
	s.Outcomes = maps.Clone(m.outcomes)
	s.RuleHits = maps.Clone(m.ruleHits)
	s.ShadowHits = maps.Clone(m.shadowHits)
	m.mu.Unlock()
	return s
}
