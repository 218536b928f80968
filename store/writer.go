package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sony/gobreaker/v2"
)

// inserter is what the Writer needs from ClickHouse; *Store is one.
type inserter interface {
	Write(ctx context.Context, batch []Record) error
	WriteRejects(ctx context.Context, rejects []Reject) error
}

// WriterConfig configures a Writer.
type WriterConfig struct {
	// TripAfter is how many inserts in a row must fail to open the breaker;
	// zero means 3.
	TripAfter uint32
	// OpenFor is how long the open breaker sends batches straight to the
	// spool before one probe insert is let through; zero means 5 s.
	OpenFor time.Duration
	// InsertTimeout bounds one insert; zero means 30 s.
	InsertTimeout time.Duration
	// ReplayEvery is how often the replay loop looks for spooled batches;
	// zero means 1 s.
	ReplayEvery time.Duration
	// OnInsert, when set, is called after every insert attempt that reached
	// the inserter (not those the open breaker refused), with how long it
	// took and how many rows it held (assessments or rejects: a batch with
	// both is two inserts): a hook for a latency histogram. It must not
	// block.
	OnInsert func(d time.Duration, rows int, err error)
	// Logger receives the writer's log lines; nil discards them.
	Logger *slog.Logger
}

func (c *WriterConfig) validate() error {
	var errs []error
	if c.OpenFor < 0 {
		errs = append(errs, fmt.Errorf("breaker open time %v must not be negative", c.OpenFor))
	}
	if c.InsertTimeout < 0 {
		errs = append(errs, fmt.Errorf("insert timeout %v must not be negative", c.InsertTimeout))
	}
	if c.ReplayEvery < 0 {
		errs = append(errs, fmt.Errorf("replay interval %v must not be negative", c.ReplayEvery))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("writer config: %w", err)
	}
	if c.TripAfter == 0 {
		c.TripAfter = 3
	}
	if c.OpenFor == 0 {
		c.OpenFor = 5 * time.Second
	}
	if c.InsertTimeout == 0 {
		c.InsertTimeout = 30 * time.Second
	}
	if c.ReplayEvery == 0 {
		c.ReplayEvery = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}

// Writer makes batches durable: in ClickHouse when it answers, otherwise in
// the spool, from which a replay loop inserts them once ClickHouse answers
// again. A circuit breaker stops a ClickHouse that keeps failing from
// slowing every batch down: while it is open, batches go straight to the
// spool.
//
// A batch may hold assessment records, rejected manifests, or both
// (WriteBatch). They take the same path: both tables are inserted through
// the breaker, assessments first, and whatever was not inserted is spooled
// in one file and replayed in the same order. Assessments are at least once
// and visible once (reads collapse redeliveries by item id); rejects are at
// least once: the rejects table keeps every row it is given, so a replay
// after an insert that reached ClickHouse but was not acknowledged, or a
// spool file whose removal was lost in a crash, shows a reject twice.
type Writer struct {
	ins   inserter
	spool *Spool
	cb    *gobreaker.CircuitBreaker[struct{}]
	cfg   WriterConfig
	log   *slog.Logger

	inserts         atomic.Uint64
	insertFailures  atomic.Uint64
	insertedRecords atomic.Uint64
	insertedRejects atomic.Uint64
	insertNanos     atomic.Int64
	lastInsertNanos atomic.Int64
	spooled         atomic.Uint64
	spooledRecords  atomic.Uint64
	spooledRejects  atomic.Uint64
	spoolRefusals   atomic.Uint64
	replayed        atomic.Uint64
	replayFailures  atomic.Uint64
	trips           atomic.Uint64

	// recordsDone is the sequence number of the spooled batch whose
	// records the replay loop inserted while its rejects failed, so that
	// the next attempt inserts the rejects only; 0 for none. Only the
	// replay loop uses it.
	recordsDone uint64

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewWriter returns a Writer that inserts into s and spools to sp. Call Run
// to start replaying the spool, and Close to stop.
func NewWriter(s *Store, sp *Spool, cfg WriterConfig) (*Writer, error) {
	if s == nil {
		return nil, errors.New("writer config: a store is required")
	}
	return newWriter(s, sp, cfg)
}

func newWriter(ins inserter, sp *Spool, cfg WriterConfig) (*Writer, error) {
	if sp == nil {
		return nil, errors.New("writer config: a spool is required")
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	w := &Writer{ins: ins, spool: sp, cfg: cfg, log: cfg.Logger}
	w.cb = gobreaker.NewCircuitBreaker[struct{}](gobreaker.Settings{
		Name: "clickhouse",
		// One probe at a time while half-open; its success closes the breaker.
		MaxRequests: 1,
		Timeout:     cfg.OpenFor,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= cfg.TripAfter },
		// A caller giving up says nothing about ClickHouse.
		IsExcluded: func(err error) bool { return errors.Is(err, context.Canceled) },
		// OnStateChange runs under the breaker's lock: it must not call the
		// breaker, so it only logs and counts.
		OnStateChange: func(name string, from, to gobreaker.State) {
			if to == gobreaker.StateOpen {
				w.trips.Add(1)
			}
			w.log.Warn("clickhouse circuit breaker changed state", "from", from.String(), "to", to.String())
		},
	})
	return w, nil
}

// Write makes batch durable. It inserts it into ClickHouse through the
// breaker; when the breaker is open or the insert fails, it puts the batch
// in the spool and still returns nil. It returns an error only when the
// batch is durable nowhere: an invalid batch (ErrInvalidRecord), or a spool
// that failed too — wrapping ErrSpoolFull when it is full, the caller's
// signal to stop taking new work for a while.
func (w *Writer) Write(ctx context.Context, batch []Record) error {
	return w.WriteBatch(ctx, batch, nil)
}

// WriteBatch is Write for the records and the rejected manifests of one
// batch: when it returns nil both are durable, each in ClickHouse or in the
// spool. The records are inserted first, then the rejects; when the records
// went in and the rejects did not, only the rejects are spooled. An invalid
// record refuses the whole batch before anything is written.
func (w *Writer) WriteBatch(ctx context.Context, records []Record, rejects []Reject) error {
	if err := validate(records); err != nil {
		return err
	}
	if len(records) == 0 && len(rejects) == 0 {
		return nil
	}
	recordsDone, insErr := w.insert(ctx, records, rejects)
	if insErr == nil {
		return nil
	}
	if recordsDone {
		records = nil
	}
	if err := w.spool.PutBatch(records, rejects); err != nil {
		if errors.Is(err, ErrSpoolFull) {
			w.spoolRefusals.Add(1)
		}
		return fmt.Errorf("writing batch: clickhouse: %v; %w", insErr, err)
	}
	w.spooled.Add(1)
	w.spooledRecords.Add(uint64(len(records)))
	w.spooledRejects.Add(uint64(len(rejects)))
	w.log.Warn("clickhouse write failed; batch spooled", "records", len(records), "rejects", len(rejects), "error", insErr)
	return nil
}

// insert runs the inserts of one batch through the breaker, as one call:
// the records, then the rejects. recordsDone reports that the records were
// inserted, even when the rejects then failed.
func (w *Writer) insert(ctx context.Context, records []Record, rejects []Reject) (recordsDone bool, err error) {
	_, err = w.cb.Execute(func() (struct{}, error) {
		if len(records) > 0 {
			if err := w.timed(ctx, len(records), func(ctx context.Context) error { return w.ins.Write(ctx, records) }); err != nil {
				return struct{}{}, err
			}
			w.insertedRecords.Add(uint64(len(records)))
			recordsDone = true
		}
		if len(rejects) > 0 {
			if err := w.timed(ctx, len(rejects), func(ctx context.Context) error { return w.ins.WriteRejects(ctx, rejects) }); err != nil {
				return struct{}{}, err
			}
			w.insertedRejects.Add(uint64(len(rejects)))
		}
		return struct{}{}, nil
	})
	return recordsDone, err
}

// timed runs one insert of rows rows within InsertTimeout and counts it.
func (w *Writer) timed(ctx context.Context, rows int, insert func(context.Context) error) error {
	ictx, cancel := context.WithTimeout(ctx, w.cfg.InsertTimeout)
	defer cancel()
	start := time.Now()
	err := insert(ictx)
	d := time.Since(start)
	w.lastInsertNanos.Store(int64(d))
	if err != nil {
		w.insertFailures.Add(1)
	} else {
		w.inserts.Add(1)
		w.insertNanos.Add(int64(d))
	}
	if w.cfg.OnInsert != nil {
		w.cfg.OnInsert(d, rows, err)
	}
	return err
}

// Run starts the replay loop in the background. The loop stops when ctx is
// done or Close is called. Calling Run again has no effect.
func (w *Writer) Run(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done != nil {
		return
	}
	ctx, w.cancel = context.WithCancel(ctx)
	w.done = make(chan struct{})
	go w.replay(ctx, w.done)
}

// Close stops the replay loop and waits for it. A batch being replayed is
// left in the spool unless its insert had completed. Close leaves the Store
// and the Spool open: they belong to the caller.
func (w *Writer) Close() error {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	return nil
}

func (w *Writer) replay(ctx context.Context, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(w.cfg.ReplayEvery)
	defer t.Stop()
	for {
		w.drain(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// drain replays spooled batches, oldest first, until the spool is empty or
// an insert fails. A batch is removed only after its insert succeeded.
func (w *Writer) drain(ctx context.Context) {
	for ctx.Err() == nil {
		if w.spool.Stats().Files == 0 {
			return
		}
		// While the breaker is open, reading a batch only to have it refused
		// is wasted work. State moves an expired open breaker to half-open,
		// and the insert below is then its probe.
		if w.cb.State() == gobreaker.StateOpen {
			return
		}
		b, ok, err := w.spool.Oldest()
		if err != nil {
			w.log.Error("reading spool", "error", err)
			return
		}
		if !ok {
			return
		}
		records := b.Records
		if w.recordsDone == b.Seq {
			records = nil
		}
		recordsDone, err := w.insert(ctx, records, b.Rejects)
		if err != nil {
			if recordsDone {
				w.recordsDone = b.Seq
			}
			if ctx.Err() == nil && !errors.Is(err, gobreaker.ErrOpenState) && !errors.Is(err, gobreaker.ErrTooManyRequests) {
				w.replayFailures.Add(1)
				w.log.Warn("replaying spooled batch failed; will retry", "seq", b.Seq, "records", len(records), "rejects", len(b.Rejects), "error", err)
			}
			return
		}
		if err := w.spool.Remove(b.Seq); err != nil {
			w.log.Error("removing replayed batch", "seq", b.Seq, "error", err)
			return
		}
		w.recordsDone = 0
		w.replayed.Add(1)
		w.log.Info("replayed spooled batch", "seq", b.Seq, "records", len(b.Records), "rejects", len(b.Rejects))
	}
}

// WriterStats are the Writer's counters and gauges, for metrics.
type WriterStats struct {
	// Breaker is the breaker's state: "closed", "half-open" or "open".
	Breaker string
	// BreakerTrips counts the times the breaker opened.
	BreakerTrips uint64
	// Inserts counts successful inserts, live and replayed (a batch with
	// records and rejects is two inserts); InsertedRecords and
	// InsertedRejects the rows they held; InsertFailures the failed
	// attempts.
	Inserts         uint64
	InsertedRecords uint64
	InsertedRejects uint64
	InsertFailures  uint64
	// InsertTime is the total time of the successful inserts;
	// LastInsertLatency the time of the latest attempt.
	InsertTime        time.Duration
	LastInsertLatency time.Duration
	// SpooledBatches counts batches written to the spool, SpooledRecords
	// and SpooledRejects the rows they held, ReplayedBatches the batches
	// inserted from it, ReplayFailures the failed replay attempts,
	// SpoolFullRefusals the batches neither ClickHouse nor the spool took.
	SpooledBatches    uint64
	SpooledRecords    uint64
	SpooledRejects    uint64
	ReplayedBatches   uint64
	ReplayFailures    uint64
	SpoolFullRefusals uint64
	// Spool is the spool's depth and corrupt-file count.
	Spool SpoolStats
}

// Stats returns the current counters and gauges.
func (w *Writer) Stats() WriterStats {
	return WriterStats{
		Breaker:           w.cb.State().String(),
		BreakerTrips:      w.trips.Load(),
		Inserts:           w.inserts.Load(),
		InsertedRecords:   w.insertedRecords.Load(),
		InsertedRejects:   w.insertedRejects.Load(),
		InsertFailures:    w.insertFailures.Load(),
		InsertTime:        time.Duration(w.insertNanos.Load()),
		LastInsertLatency: time.Duration(w.lastInsertNanos.Load()),
		SpooledBatches:    w.spooled.Load(),
		SpooledRecords:    w.spooledRecords.Load(),
		SpooledRejects:    w.spooledRejects.Load(),
		ReplayedBatches:   w.replayed.Load(),
		ReplayFailures:    w.replayFailures.Load(),
		SpoolFullRefusals: w.spoolRefusals.Load(),
		Spool:             w.spool.Stats(),
	}
}
