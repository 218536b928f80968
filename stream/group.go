package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// consume is the consumer-group loop. Each generation (the span between
// two rebalances) gets fresh offset bookkeeping and one reader per
// assigned partition; consume returns after the group was left, or at
// the shutdown deadline when the broker does not answer.
//
// The pipeline uses kafka-go's ConsumerGroup rather than a Reader with a
// GroupID because the Reader hides the generation: its CommitMessages
// goes to whatever generation is current when the commit is sent, so an
// offset of a partition lost in a rebalance would still be accepted by
// the broker and could rewind the partition's new owner. Here every
// commit carries the generation it belongs to; after a rebalance the
// broker refuses it (ILLEGAL_GENERATION) instead of applying it.
func (p *Pipeline) consume(ctx context.Context, jobs chan<- job) error {
	cg, err := kafka.NewConsumerGroup(kafka.ConsumerGroupConfig{
		ID:                    p.cfg.GroupID,
		Brokers:               p.cfg.Brokers,
		Dialer:                p.conns.dialer,
		Topics:                []string{p.cfg.ManifestsTopic},
		HeartbeatInterval:     p.cfg.HeartbeatInterval,
		SessionTimeout:        p.cfg.SessionTimeout,
		RebalanceTimeout:      p.cfg.RebalanceTimeout,
		JoinGroupBackoff:      time.Second,
		WatchPartitionChanges: true,
		StartOffset:           kafka.FirstOffset,
		Timeout:               5 * time.Second,
		ErrorLogger:           kafkaLogger(p.log),
	})
	if err != nil {
		return fmt.Errorf("stream: creating consumer group: %w", err)
	}
	l := &leaver{cg: cg, done: make(chan struct{})}
	for {
		gen, err := cg.Next(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, kafka.ErrGroupClosed) {
				break
			}
			p.m.groupErrors.Add(1)
			p.log.Warn("joining consumer group", "err", err)
			continue
		}
		p.m.generations.Add(1)
		p.generation(ctx, gen, jobs, l.leave)
		if ctx.Err() != nil {
			break
		}
	}
	l.leave()
	select {
	case <-l.done:
	case <-time.After(time.Until(p.shutdownDeadline())):
		p.log.Warn("leaving consumer group: gave up at the shutdown deadline")
	}
	return nil
}

// leaver closes the consumer group once. kafka-go's Close sends
// LeaveGroup and waits for it; when the broker is gone that wait is
// bounded only by the connection timeouts, so consume waits for done no
// longer than the shutdown deadline.
type leaver struct {
	once sync.Once
	cg   *kafka.ConsumerGroup
	done chan struct{}
}

func (l *leaver) leave() {
	l.once.Do(func() {
		go func() {
			defer close(l.done)
			_ = l.cg.Close() // always nil
		}()
	})
}

// generation runs one consumer group generation: it reads the assigned
// partitions until the generation ends (a rebalance) or ctx ends (a
// shutdown), then stops fetching, lets the in-flight messages become
// durable (bounded), commits, and only then returns, which lets kafka-go
// rejoin the group. Until it returns the generation is still current at
// the broker, so the final commit is accepted.
func (p *Pipeline) generation(ctx context.Context, kg *kafka.Generation, jobs chan<- job, leave func()) {
	finished := make(chan struct{})
	kg.Start(func(gctx context.Context) {
		defer close(finished)
		g := p.startGeneration(ctx, kg, jobs)
		shutdown := false
		select {
		case <-gctx.Done():
		case <-ctx.Done():
			shutdown = true
		}
		var deadline time.Time
		if shutdown {
			// Keep a share of the shutdown budget for the last commit and
			// for leaving the group, so that the group rebalances at once
			// instead of waiting for this member's session to expire.
			deadline = p.shutdownDeadline().Add(-min(p.cfg.ShutdownTimeout/4, 3*time.Second))
		} else {
			// Without heartbeats the coordinator drops a member after the
			// session timeout, and waits for members to rejoin no longer
			// than the rebalance timeout: drain well within both.
			deadline = time.Now().Add(min(p.cfg.RebalanceTimeout/2, p.cfg.SessionTimeout/2, p.cfg.ShutdownTimeout))
		}
		left := g.stop(deadline)
		if shutdown {
			p.abandoned.Add(left)
			// Close the group before returning: returning first would end
			// the generation and kafka-go would join the group again.
			leave()
			select {
			case <-gctx.Done():
			case <-time.After(time.Until(p.shutdownDeadline())):
			}
		}
	})
	<-finished
}

// generationState is the per-generation part of the pipeline.
type generationState struct {
	p       *Pipeline
	kg      *kafka.Generation
	parts   []*partition
	readers []*kafka.Reader

	stopFetch context.CancelFunc
	fetchers  sync.WaitGroup

	stopCommit chan struct{}
	committer  sync.WaitGroup
	// commitMu guards the commits and the fields below.
	commitMu      sync.Mutex
	commitFailing bool
}

// startGeneration opens a reader per assigned partition at the group's
// committed offset and starts the fetchers and the committer.
func (p *Pipeline) startGeneration(ctx context.Context, kg *kafka.Generation, jobs chan<- job) *generationState {
	fetchCtx, stopFetch := context.WithCancel(ctx)
	g := &generationState{p: p, kg: kg, stopFetch: stopFetch, stopCommit: make(chan struct{})}
	var assigned []int
	for topic, as := range kg.Assignments {
		for _, a := range as {
			part := newPartition(topic, a.ID, a.Offset)
			r := kafka.NewReader(kafka.ReaderConfig{
				Brokers:   p.cfg.Brokers,
				Topic:     topic,
				Partition: a.ID,
				Dialer:    p.conns.dialer,
				// The reader prefetches this many messages; keep it small,
				// the pipeline's channels do the buffering.
				QueueCapacity:         max(16, min(p.cfg.BatchSize, 256)),
				MinBytes:              1,
				MaxBytes:              max(4<<20, 2*p.cfg.MaxMessageBytes+(64<<10)),
				MaxWait:               500 * time.Millisecond,
				ReadLagInterval:       -1,
				OffsetOutOfRangeError: true,
				ErrorLogger:           kafkaLogger(p.log),
			})
			if err := r.SetOffset(a.Offset); err != nil {
				p.log.Warn("setting reader offset", "topic", topic, "partition", a.ID, "offset", a.Offset, "err", err)
			}
			g.parts = append(g.parts, part)
			g.readers = append(g.readers, r)
			assigned = append(assigned, a.ID)
			p.assign(part, r)
			g.fetchers.Go(func() { g.fetch(fetchCtx, r, part, jobs) })
		}
	}
	p.log.Info("consumer group generation started", "generation", kg.ID, "member", kg.MemberID, "partitions", assigned)
	g.committer.Go(g.commitLoop)
	return g
}

// fetch reads one partition into jobs, registering every message with the
// partition's bookkeeping first.
func (g *generationState) fetch(ctx context.Context, r *kafka.Reader, part *partition, jobs chan<- job) {
	p := g.p
	attempt := 0
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, io.EOF) {
				return
			}
			p.m.fetchErrors.Add(1)
			if errors.Is(err, kafka.OffsetOutOfRange) {
				// Retention removed the committed offset: start from the
				// oldest message left, as auto.offset.reset=earliest would.
				p.log.Warn("committed offset out of range, reading from the oldest message", "topic", part.topic, "partition", part.id)
				if err := r.SetOffset(kafka.FirstOffset); err != nil {
					return
				}
				continue
			}
			p.log.Warn("fetching messages", "topic", part.topic, "partition", part.id, "err", err)
			if !sleep(ctx, p.backoff(attempt)) {
				return
			}
			attempt++
			continue
		}
		attempt = 0
		p.m.consumed.Add(1)
		seq := part.add(m.Offset)
		select {
		case jobs <- job{msg: m, ref: ref{part, seq}}:
		case <-ctx.Done():
			part.drop(seq)
			return
		}
	}
}

// commitLoop commits the durable marks every CommitInterval.
func (g *generationState) commitLoop() {
	t := time.NewTicker(g.p.cfg.CommitInterval)
	defer t.Stop()
	for {
		select {
		case <-g.stopCommit:
			return
		case <-t.C:
			g.commit()
		}
	}
}

// commit commits, for every partition of the generation, the offset below
// which everything is durable, when it moved since the last commit. A
// mark never moves backwards and starts at the group's committed offset,
// so a commit never rewinds a partition.
func (g *generationState) commit() {
	g.commitMu.Lock()
	defer g.commitMu.Unlock()
	var parts []*partition
	var marks []int64
	offsets := make(map[string]map[int]int64)
	for _, part := range g.parts {
		if part.revoked.Load() {
			continue
		}
		mark := part.commitMark()
		if mark <= part.committed {
			continue
		}
		if offsets[part.topic] == nil {
			offsets[part.topic] = make(map[int]int64)
		}
		offsets[part.topic][part.id] = mark
		parts = append(parts, part)
		marks = append(marks, mark)
	}
	if len(parts) == 0 {
		return
	}
	if err := g.kg.CommitOffsets(offsets); err != nil {
		g.p.m.commitErrors.Add(1)
		// The next commit carries the same offsets or later ones; warn
		// once per run of failures.
		level := slog.LevelDebug
		if !g.commitFailing {
			level = slog.LevelWarn
		}
		g.commitFailing = true
		g.p.log.Log(context.Background(), level, "committing offsets", "generation", g.kg.ID, "offsets", offsets, "err", err)
		return
	}
	if g.commitFailing {
		g.p.log.Info("committing offsets again", "generation", g.kg.ID)
		g.commitFailing = false
	}
	g.p.m.commits.Add(1)
	for i, part := range parts {
		part.committed = marks[i]
		g.p.committed(part, marks[i])
	}
}

// stop ends the generation: it stops fetching, waits until deadline for
// the fetched messages to become durable, commits, and revokes the
// partitions so that their messages still in the pipeline are skipped.
// It returns how many messages were not durable at the deadline.
func (g *generationState) stop(deadline time.Time) int64 {
	p := g.p
	g.stopFetch()
	g.fetchers.Wait()
	readersClosed := make(chan struct{})
	go func() {
		defer close(readersClosed)
		var wg sync.WaitGroup
		for _, r := range g.readers {
			wg.Go(func() { _ = r.Close() })
		}
		wg.Wait()
	}()

	var inflight int64
	for {
		inflight = 0
		for _, part := range g.parts {
			inflight += part.inflight.Load()
		}
		if inflight == 0 {
			break
		}
		if !time.Now().Before(deadline) {
			p.log.Warn("partitions released with messages not durable; they will be delivered again", "generation", g.kg.ID, "messages", inflight)
			break
		}
		p.requestFlush()
		time.Sleep(5 * time.Millisecond)
	}

	close(g.stopCommit)
	g.committer.Wait()
	g.commit()
	for _, part := range g.parts {
		part.revoked.Store(true)
		p.unassign(part)
	}
	select {
	case <-readersClosed:
	case <-time.After(max(time.Until(deadline), 100*time.Millisecond)):
		p.log.Warn("closing partition readers: gave up at the deadline", "generation", g.kg.ID)
	}
	return inflight
}

// kafkaLogger adapts slog to kafka-go's error logger. kafka-go reports
// every retried connection error; they are debug-level news here because
// the pipeline counts and logs what matters.
func kafkaLogger(l *slog.Logger) kafka.LoggerFunc {
	return func(msg string, args ...any) {
		if l.Enabled(context.Background(), slog.LevelDebug) {
			l.Debug("kafka-go: " + fmt.Sprintf(msg, args...))
		}
	}
}
