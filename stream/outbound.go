package stream

import (
	"context"
	"errors"
	"time"

	"github.com/segmentio/kafka-go"
)

// Publishing assessments to the outbound topic.
//
// A batch the Sink acknowledged goes to the publisher, and its offsets
// become committable when the outbound topic acknowledged its
// assessments. So a crash or a restart before that leaves the offsets
// uncommitted and the assessments are published again on redelivery:
// the outbound topic is at least once too.
//
// Failed publishes are counted and retried with backoff, never dropped
// while the pipeline runs. To keep an outbound outage from stopping
// commits forever, a batch waits for its publish at most OutboundMaxWait;
// after that its offsets are committed anyway (counted in OutboundLate)
// and the publisher keeps retrying it. At most maxPublishQueue batches
// wait for the publisher; when they are all taken the batcher stops, so a
// long outbound outage ends as back-pressure (consumer lag), not as
// unbounded memory. Assessments committed late and still unpublished at
// the shutdown deadline are lost to the outbound topic (counted in
// OutboundAbandoned, logged); the store still has them.

// maxPublishQueue is how many Sink batches may wait for the publisher.
const maxPublishQueue = 4

// pubBatch is the outbound side of one durable Sink batch.
type pubBatch struct {
	msgs []kafka.Message
	refs []ref
	// since is when the Sink acknowledged the batch.
	since    time.Time
	released bool
}

// publish sends batches to the outbound topic in order, until in is
// closed and everything is sent, or ctx ends.
func (p *Pipeline) publish(ctx context.Context, in <-chan *pubBatch) {
	var queue []*pubBatch
	var retry <-chan time.Time
	attempt := 0
	for ctx.Err() == nil {
		if len(queue) > 0 && retry == nil {
			// One attempt waits at most OutboundMaxWait: a writer stuck
			// on a missing topic must not hold back releasing the
			// batches behind it.
			sctx, cancel := context.WithTimeout(ctx, p.cfg.OutboundMaxWait)
			ok := p.send(sctx, queue[0])
			cancel()
			if ok {
				queue[0] = nil
				queue = queue[1:]
				attempt = 0
				continue
			}
			p.releaseOverdue(queue)
			retry = time.After(p.backoff(attempt))
			attempt++
		}
		if in == nil && len(queue) == 0 {
			return
		}
		var recv <-chan *pubBatch
		if in != nil && len(queue) < maxPublishQueue {
			recv = in
		}
		// A batch that comes due while the publisher waits to retry is
		// released on time, not at the next failure.
		var due <-chan time.Time
		if d, ok := nextDue(queue, p.cfg.OutboundMaxWait); ok && retry != nil {
			due = time.After(time.Until(d))
		}
		select {
		case b, ok := <-recv:
			if !ok {
				in = nil
				continue
			}
			queue = append(queue, b)
		case <-retry:
			retry = nil
		case <-due:
			p.releaseOverdue(queue)
		case <-ctx.Done():
		}
	}
	for _, b := range queue {
		p.giveUp(b)
	}
	if in != nil {
		for b := range in {
			p.giveUp(b)
		}
	}
}

// send publishes what is left of b; it reports whether all of it is
// acknowledged. Only the messages that failed stay in b.
func (p *Pipeline) send(ctx context.Context, b *pubBatch) bool {
	if len(b.msgs) > 0 {
		err := p.out.WriteMessages(ctx, b.msgs...)
		if err != nil {
			p.m.outboundErrors.Add(1)
			p.log.Warn("publishing assessments", "messages", len(b.msgs), "err", err)
			var werrs kafka.WriteErrors
			if errors.As(err, &werrs) && len(werrs) == len(b.msgs) {
				failed := b.msgs[:0:0]
				for i, e := range werrs {
					if e != nil {
						failed = append(failed, b.msgs[i])
					}
				}
				p.m.published.Add(int64(len(b.msgs) - len(failed)))
				b.msgs = failed
			}
			return false
		}
		p.m.published.Add(int64(len(b.msgs)))
		b.msgs = nil
	}
	if !b.released {
		b.released = true
		settle(b.refs)
	}
	return true
}

// nextDue is when the first unreleased batch of queue is overdue.
func nextDue(queue []*pubBatch, maxWait time.Duration) (time.Time, bool) {
	for _, b := range queue {
		if !b.released {
			return b.since.Add(maxWait), true
		}
	}
	return time.Time{}, false
}

// releaseOverdue lets the offsets of batches that waited longer than
// OutboundMaxWait be committed.
func (p *Pipeline) releaseOverdue(queue []*pubBatch) {
	now := time.Now()
	for _, b := range queue {
		if b.released || now.Sub(b.since) < p.cfg.OutboundMaxWait {
			continue
		}
		b.released = true
		p.m.outboundLate.Add(int64(len(b.msgs)))
		p.log.Warn("committing offsets before the assessments are published", "messages", len(b.msgs), "waited", now.Sub(b.since).Round(time.Millisecond))
		settle(b.refs)
	}
}

// giveUp ends b at the shutdown deadline: offsets not yet committable
// stay uncommitted (the messages come again and are published then);
// assessments already committed are lost to the outbound topic.
func (p *Pipeline) giveUp(b *pubBatch) {
	if !b.released {
		p.abandon(b.refs)
		return
	}
	if n := len(b.msgs); n > 0 {
		p.m.outboundAbandoned.Add(int64(n))
		p.log.Error("assessments not published at shutdown; their offsets were committed", "messages", n)
	}
}
