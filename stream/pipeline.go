// Package stream connects parcelguard to Kafka. A Pipeline reads manifests
// from a consumer group, decodes and scores them on a pool of workers,
// hands them in batches to a Sink, and commits a partition's offset only
// up to the first message that is not yet durable. Rejected manifests go
// to the Sink in the same call as the records of their batch, then to a
// dead-letter topic with the reason in headers; assessments may be
// published to an outbound topic. StartBroker runs an embedded
// Kafka-protocol broker for local use and tests; Producer writes
// manifests to it or to any Kafka cluster.
//
// Delivery is at least once: after a crash, a rebalance or a Sink that
// failed at the wrong moment, a manifest may reach the Sink (and a
// rejected one the dead-letter topic) twice. The store collapses
// duplicate records by item id; duplicate rejects stay.
package stream

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// Scorer assesses a parcel; *scorer.Scorer satisfies it. It must be safe
// for concurrent use.
type Scorer interface {
	Score(p *manifest.Parcel) scorer.Assessment
}

// Sink stores one batch: the records of the accepted manifests and the
// rejected manifests, either of which may be empty. A nil error means the
// whole batch, records and rejects, is durable (in ClickHouse or in the
// local spool); an error means none of it may be taken as durable: the
// pipeline retries the whole batch and commits nothing past it, so a Sink
// that stored part of a batch before failing is given that part again.
// The Sink may keep the slices; the pipeline does not reuse them.
type Sink interface {
	Write(ctx context.Context, records []Record, rejects []Reject) error
}

// Record is one scored manifest and where it came from.
type Record struct {
	Parcel     *manifest.Parcel
	Assessment scorer.Assessment
	Topic      string
	Partition  int
	Offset     int64
}

// Reject is one manifest the decoder rejected. Code, Path and Message
// come from the first finding; Message lists them all.
type Reject struct {
	ReceivedAt time.Time
	Topic      string
	Partition  int
	Offset     int64
	Key, Value []byte
	Code       string
	Path       string
	Message    string
}

// ErrClosed is returned by Run after Close.
var ErrClosed = errors.New("stream: pipeline is closed")

// ErrShutdownIncomplete is returned by Run when the shutdown deadline
// passed before every fetched message was durable. Nothing is lost: the
// offsets of those messages were not committed, so they are delivered
// again.
var ErrShutdownIncomplete = errors.New("stream: shutdown deadline passed before every message was durable")

const (
	stateIdle = iota
	stateRunning
	stateClosed
)

// Pipeline consumes the manifests topic into a Sink. Build it with New,
// run it with Run, stop it by cancelling Run's context or with Close.
type Pipeline struct {
	cfg   Config
	log   *slog.Logger
	conns connections
	dlq   *kafka.Writer
	out   *kafka.Writer // nil when AssessmentsTopic is off
	m     *metrics

	// flushReq asks the batcher to write what it holds now (a generation
	// is draining).
	flushReq chan struct{}
	// abandoned counts messages given up at the shutdown deadline.
	abandoned atomic.Int64

	shutdownOnce sync.Once
	shutdownAt   time.Time

	mu      sync.Mutex
	state   int
	ran     bool
	closing chan struct{}
	done    chan struct{}

	partsMu sync.Mutex
	parts   map[partKey]*partState
}

type partKey struct {
	topic string
	id    int
}

type partState struct {
	committed int64
	reader    *kafka.Reader // nil while not assigned
}

// New validates cfg and returns a Pipeline. It does not connect: broker
// problems show in Run's log and Stats, and Run keeps trying.
func New(cfg Config) (*Pipeline, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	conns, err := newConnections(cfg.TLS, cfg.SASL)
	if err != nil {
		return nil, fmt.Errorf("stream config: %w", err)
	}
	p := &Pipeline{
		cfg:      cfg,
		log:      cfg.Logger.With("component", "stream", "group", cfg.GroupID),
		conns:    conns,
		m:        newMetrics(),
		flushReq: make(chan struct{}, 1),
		closing:  make(chan struct{}),
		done:     make(chan struct{}),
		parts:    make(map[partKey]*partState),
	}
	p.dlq = newWriter(cfg.Brokers, cfg.DLQTopic, conns.transport, cfg.BatchSize, p.log)
	if cfg.AssessmentsTopic != "" {
		p.out = newWriter(cfg.Brokers, cfg.AssessmentsTopic, conns.transport, cfg.BatchSize, p.log)
	}
	return p, nil
}

// Run consumes until ctx is cancelled or Close is called, then shuts down
// gracefully within Config.ShutdownTimeout: it stops fetching, writes the
// in-flight batch, commits what is durable, leaves the group and closes
// its connections. It returns nil after a complete shutdown,
// ErrShutdownIncomplete when the deadline cut it short, and ErrClosed
// when the pipeline was closed before Run. Run may be called once.
func (p *Pipeline) Run(ctx context.Context) error {
	p.mu.Lock()
	switch p.state {
	case stateClosed:
		p.mu.Unlock()
		return ErrClosed
	case stateRunning:
		p.mu.Unlock()
		return errors.New("stream: Run called twice")
	}
	p.state, p.ran = stateRunning, true
	p.mu.Unlock()
	defer close(p.done)

	// runCtx ends the reading; the stages after the reader run on workCtx,
	// which outlives runCtx by at most the shutdown timeout so that the
	// in-flight batch can still be written. The watcher owns that timer.
	runCtx, stopRun := context.WithCancel(ctx)
	workCtx, stopWork := context.WithCancel(context.WithoutCancel(ctx))
	finished := make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Go(func() {
		select {
		case <-p.closing:
			stopRun()
		case <-runCtx.Done():
		case <-finished:
			return
		}
		t := time.NewTimer(time.Until(p.shutdownDeadline()))
		defer t.Stop()
		select {
		case <-t.C:
			stopWork()
		case <-finished:
		}
	})
	defer func() {
		close(finished)
		watcher.Wait()
		stopRun()
		stopWork()
	}()

	jobs := make(chan job, 4*p.cfg.Workers)
	items := make(chan item, min(p.cfg.BatchSize, 4096))
	var pubs chan *pubBatch
	if p.out != nil {
		pubs = make(chan *pubBatch, 1)
	}

	var workers sync.WaitGroup
	for range p.cfg.Workers {
		workers.Go(func() { p.work(workCtx, jobs, items) })
	}
	var batcher, publisher sync.WaitGroup
	batcher.Go(func() { p.batch(workCtx, items, pubs) })
	if pubs != nil {
		publisher.Go(func() { p.publish(workCtx, pubs) })
	}

	err := p.consume(runCtx, jobs)
	// consume returns when runCtx ended, or at once when it cannot start;
	// either way the shutdown deadline runs from here.
	stopRun()

	close(jobs)
	workers.Wait()
	close(items)
	batcher.Wait()
	if pubs != nil {
		close(pubs)
		publisher.Wait()
	}
	p.closeWriters()

	if err != nil {
		return err
	}
	if n := p.abandoned.Load(); n > 0 {
		return fmt.Errorf("%w: %d messages will be delivered again", ErrShutdownIncomplete, n)
	}
	return nil
}

// Close stops Run and waits for its graceful shutdown; without Run it
// releases the connections. Close may be called more than once.
func (p *Pipeline) Close() {
	p.mu.Lock()
	prev, ran := p.state, p.ran
	if prev != stateClosed {
		p.state = stateClosed
		close(p.closing)
	}
	p.mu.Unlock()
	switch {
	case ran:
		<-p.done
	case prev == stateIdle:
		p.closeWriters()
	}
}

// Stats returns a snapshot of the counters.
func (p *Pipeline) Stats() Stats {
	s := p.m.snapshot()
	p.partsMu.Lock()
	for k, st := range p.parts {
		ps := PartitionStats{Topic: k.topic, Partition: k.id, Committed: st.committed, Lag: -1}
		if st.reader != nil {
			ps.Assigned = true
			ps.Lag = st.reader.Lag()
		}
		s.Partitions = append(s.Partitions, ps)
	}
	p.partsMu.Unlock()
	sortPartitions(s.Partitions)
	return s
}

// shutdownDeadline returns when the graceful shutdown must end; the first
// call, made when Run's context ends, fixes it.
func (p *Pipeline) shutdownDeadline() time.Time {
	p.shutdownOnce.Do(func() { p.shutdownAt = time.Now().Add(p.cfg.ShutdownTimeout) })
	return p.shutdownAt
}

// closeWriters closes the dead-letter and outbound writers, giving up at
// the shutdown deadline.
func (p *Pipeline) closeWriters() {
	until := time.Until(p.shutdownDeadline())
	for _, w := range []*kafka.Writer{p.dlq, p.out} {
		if w == nil {
			continue
		}
		if err := closeWithin(until, w.Close); err != nil {
			p.log.Warn("closing kafka writer", "topic", w.Topic, "err", err)
		}
	}
	p.conns.transport.CloseIdleConnections()
}

// assign records that part is read by r.
func (p *Pipeline) assign(part *partition, r *kafka.Reader) {
	p.partsMu.Lock()
	defer p.partsMu.Unlock()
	k := partKey{part.topic, part.id}
	st := p.parts[k]
	if st == nil {
		st = &partState{committed: -1}
		p.parts[k] = st
	}
	st.reader = r
	st.committed = max(st.committed, part.committed)
}

// unassign records that part is no longer read.
func (p *Pipeline) unassign(part *partition) {
	p.partsMu.Lock()
	defer p.partsMu.Unlock()
	if st := p.parts[partKey{part.topic, part.id}]; st != nil {
		st.reader = nil
	}
}

// committed records a successful commit.
func (p *Pipeline) committed(part *partition, offset int64) {
	p.partsMu.Lock()
	defer p.partsMu.Unlock()
	if st := p.parts[partKey{part.topic, part.id}]; st != nil {
		st.committed = max(st.committed, offset)
	}
}

// backoff returns the pause before retry attempt+1.
func (p *Pipeline) backoff(attempt int) time.Duration {
	d := p.cfg.RetryBackoff
	for range min(attempt, 30) {
		d *= 2
		if d >= p.cfg.MaxRetryBackoff {
			return p.cfg.MaxRetryBackoff
		}
	}
	return d
}

// abandon drops messages given up because the shutdown deadline passed.
// Those of revoked partitions were counted when the partition was
// released.
func (p *Pipeline) abandon(refs []ref) {
	var n int64
	for _, r := range refs {
		if !r.part.revoked.Load() {
			n++
		}
		r.part.drop(r.seq)
	}
	p.abandoned.Add(n)
}

// requestFlush asks the batcher to write what it holds now.
func (p *Pipeline) requestFlush() {
	select {
	case p.flushReq <- struct{}{}:
	default:
	}
}

// sleep pauses for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// closeWithin runs close and waits at most d for it: kafka-go's Close
// methods wait for network round trips that never end when the broker is
// gone. After the deadline the close goes on in the background.
func closeWithin(d time.Duration, close func() error) error {
	d = max(d, 100*time.Millisecond)
	errc := make(chan error, 1)
	go func() { errc <- close() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-errc:
		return err
	case <-t.C:
		return fmt.Errorf("gave up after %v", d)
	}
}
