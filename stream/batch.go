package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parcelguard/parcelguard/manifest"
)

// Dead-letter headers.
const (
	HeaderReasonCode      = "parcelguard-reason-code"
	HeaderReason          = "parcelguard-reason"
	HeaderPath            = "parcelguard-path"
	HeaderSourceTopic     = "parcelguard-source-topic"
	HeaderSourcePartition = "parcelguard-source-partition"
	HeaderSourceOffset    = "parcelguard-source-offset"
	HeaderRejectedAt      = "parcelguard-rejected-at"
	// HeaderTruncated is set, to the original length, on a dead letter
	// whose value had to be shortened because the topic refused it whole.
	HeaderTruncated = "parcelguard-truncated"
)

// job is a fetched message on its way to a worker.
type job struct {
	msg kafka.Message
	ref ref
}

// item is a worker's result: a record, or a reject with its dead letter.
type item struct {
	ref    ref
	record Record
	// value is the assessment JSON for the outbound topic, nil when off.
	value  []byte
	reject *Reject
	dead   kafka.Message
}

// work decodes and scores jobs until jobs is closed. Each worker has its
// own Decoder; each message gets its own Parcel, which keeps the message
// value as Parcel.Raw.
func (p *Pipeline) work(ctx context.Context, jobs <-chan job, out chan<- item) {
	dec := manifest.Decoder{MaxBytes: p.cfg.MaxMessageBytes}
	for j := range jobs {
		if j.ref.part.revoked.Load() {
			j.ref.part.drop(j.ref.seq)
			continue
		}
		if ctx.Err() != nil {
			p.abandon([]ref{j.ref})
			continue
		}
		it := p.process(&dec, &j.msg)
		it.ref = j.ref
		select {
		case out <- it:
		case <-ctx.Done():
			p.abandon([]ref{j.ref})
		}
	}
}

// CodeScreeningFailed is the reason code of a message set aside because
// decoding or scoring it failed inside parcelguard (a panic): a bug, not a
// finding about the manifest.
const CodeScreeningFailed = "SCREENING_FAILED"

// process decodes and scores one message. The receipt time is the Kafka
// message timestamp, so that a redelivered message is received at the
// same time; messages without one get the clock's time.
//
// A panic while decoding or scoring is contained to the message: left to
// crash the engine, the message would be fetched again after every restart
// and stop its partition for good. It is logged with its stack and its
// position, counted, and the message goes the way of a rejected one (the
// rejects table and the dead-letter topic) with CodeScreeningFailed, to be
// replayed once the bug is fixed.
func (p *Pipeline) process(dec *manifest.Decoder, m *kafka.Message) (it item) {
	received := m.Time
	if received.Unix() <= 0 {
		received = p.cfg.Now()
	}
	received = received.UTC()
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		p.m.screeningFailed.Add(1)
		p.log.Error("screening a message failed inside parcelguard; it goes to the dead-letter topic",
			"topic", m.Topic, "partition", m.Partition, "offset", m.Offset, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
		// The decoder may have been left half-way through a message.
		*dec = manifest.Decoder{MaxBytes: p.cfg.MaxMessageBytes}
		it = p.setAside(m, received, CodeScreeningFailed, "",
			CodeScreeningFailed+": parcelguard failed while screening this message (an internal error, logged"+
				" with its topic, partition and offset); it was set aside unscreened: report it to the people who run parcelguard")
	}()
	parcel := new(manifest.Parcel)
	if err := dec.Decode(m.Value, received, parcel); err != nil {
		p.m.rejected.Add(1)
		code, path := "INVALID", ""
		var rej *manifest.Rejection
		if errors.As(err, &rej) && len(rej.Findings) > 0 {
			code, path = rej.Code(), rej.Findings[0].Path
		}
		return p.setAside(m, received, code, path, err.Error())
	}
	a := p.cfg.Scorer.Score(parcel)
	it = item{record: Record{Parcel: parcel, Assessment: a, Topic: m.Topic, Partition: m.Partition, Offset: m.Offset}}
	if p.out != nil {
		v, err := json.Marshal(&it.record.Assessment)
		if err != nil {
			// An Assessment holds strings, ints and times only.
			p.log.Error("encoding assessment", "item_id", a.ItemID, "err", err)
		}
		it.value = v
	}
	return it
}

// setAside is the item of a message that is not screened: a reject for
// the rejects table and its dead letter.
func (p *Pipeline) setAside(m *kafka.Message, received time.Time, code, path, msg string) item {
	r := &Reject{
		ReceivedAt: received,
		Topic:      m.Topic,
		Partition:  m.Partition,
		Offset:     m.Offset,
		Key:        m.Key,
		Value:      m.Value,
		Code:       code,
		Path:       path,
		Message:    msg,
	}
	return item{reject: r, dead: deadLetter(r, p.cfg.Now())}
}

// deadLetter builds the dead-letter message of r: the original key and
// value, and the reason in headers.
func deadLetter(r *Reject, at time.Time) kafka.Message {
	return kafka.Message{
		Key:   r.Key,
		Value: r.Value,
		Headers: []kafka.Header{
			{Key: HeaderReasonCode, Value: []byte(r.Code)},
			{Key: HeaderReason, Value: []byte(r.Message)},
			{Key: HeaderPath, Value: []byte(r.Path)},
			{Key: HeaderSourceTopic, Value: []byte(r.Topic)},
			{Key: HeaderSourcePartition, Value: strconv.AppendInt(nil, int64(r.Partition), 10)},
			{Key: HeaderSourceOffset, Value: strconv.AppendInt(nil, r.Offset, 10)},
			{Key: HeaderRejectedAt, Value: []byte(at.UTC().Format(time.RFC3339))},
		},
	}
}

// batch is what the batcher holds between two flushes.
type batch struct {
	records []Record
	recRefs []ref
	values  [][]byte
	rejects []Reject
	rejRefs []ref
	dead    []kafka.Message
}

func (b *batch) len() int { return len(b.records) + len(b.rejects) }

func (b *batch) add(it item) {
	if it.reject != nil {
		b.rejects = append(b.rejects, *it.reject)
		b.rejRefs = append(b.rejRefs, it.ref)
		b.dead = append(b.dead, it.dead)
		return
	}
	b.records = append(b.records, it.record)
	b.recRefs = append(b.recRefs, it.ref)
	b.values = append(b.values, it.value)
}

// batch collects items into batches of at most BatchSize, written when
// full, when the first item is BatchAge old, or when a draining
// generation asks. While a write is retried nothing is read from in, so
// the workers and then the fetchers stop: back-pressure becomes consumer
// lag in Kafka.
func (p *Pipeline) batch(ctx context.Context, in <-chan item, pubs chan<- *pubBatch) {
	var b batch
	age := time.NewTimer(time.Hour)
	age.Stop()
	defer age.Stop()
	flush := func() {
		age.Stop()
		if b.len() > 0 {
			p.flush(ctx, &b, pubs)
			b = batch{}
		}
	}
	for {
		select {
		case it, ok := <-in:
			if !ok {
				flush()
				return
			}
			if b.len() == 0 {
				age.Reset(p.cfg.BatchAge)
			}
			b.add(it)
			if b.len() >= p.cfg.BatchSize {
				flush()
			}
		case <-age.C:
			flush()
		case <-p.flushReq:
			flush()
		}
	}
}

// flush makes a batch durable: its records and rejects in one Sink call,
// then the dead letters. Records do not wait for the dead-letter topic:
// they are settled (or published) as soon as the Sink acknowledged them.
// Offsets are settled only for what was acknowledged.
func (p *Pipeline) flush(ctx context.Context, b *batch, pubs chan<- *pubBatch) {
	if !p.writeSink(ctx, b) {
		return
	}
	if len(b.records) > 0 {
		p.settleRecords(ctx, b.records, b.recRefs, b.values, pubs)
	}
	if len(b.rejects) > 0 {
		p.writeDeadLetters(ctx, b.rejects, b.rejRefs, b.dead)
	}
}

// writeSink writes the records and rejects of b to the Sink in one call,
// retrying with backoff until it succeeds or ctx ends (the shutdown
// deadline). Messages of partitions revoked meanwhile are left out of b
// before each attempt: the partition's new owner reads them again from the
// committed offset. It reports whether the Sink acknowledged what is left
// in b; false when the batch was abandoned or nothing is left.
func (p *Pipeline) writeSink(ctx context.Context, b *batch) bool {
	for attempt := 0; ; attempt++ {
		b.records, b.recRefs, b.values = ownedRecords(b.records, b.recRefs, b.values)
		b.rejects, b.rejRefs, b.dead = ownedRejects(b.rejects, b.rejRefs, b.dead)
		if b.len() == 0 {
			return false
		}
		if ctx.Err() != nil {
			p.abandon(b.recRefs)
			p.abandon(b.rejRefs)
			return false
		}
		start := time.Now()
		err := p.cfg.Sink.Write(ctx, b.records, b.rejects)
		p.m.sinkLatency.Observe(time.Since(start).Seconds())
		if err == nil {
			break
		}
		p.m.sinkErrors.Add(1)
		p.log.Warn("writing batch to sink", "records", len(b.records), "rejects", len(b.rejects), "attempt", attempt+1, "err", err)
		if !sleep(ctx, p.backoff(attempt)) {
			p.abandon(b.recRefs)
			p.abandon(b.rejRefs)
			return false
		}
	}
	p.m.batches.Add(1)
	p.m.batchSize.Observe(float64(len(b.records)))
	p.m.durable(b.records)
	return true
}

// settleRecords settles the offsets of records the Sink acknowledged, or
// hands them to the publisher when there is an outbound topic.
func (p *Pipeline) settleRecords(ctx context.Context, records []Record, refs []ref, values [][]byte, pubs chan<- *pubBatch) {
	if pubs == nil {
		settle(refs)
		return
	}
	pb := &pubBatch{refs: refs, since: time.Now()}
	pb.msgs = make([]kafka.Message, 0, len(records))
	for i := range records {
		if values[i] != nil {
			pb.msgs = append(pb.msgs, kafka.Message{Key: []byte(records[i].Assessment.ItemID), Value: values[i]})
		}
	}
	select {
	case pubs <- pb:
	case <-ctx.Done():
		p.abandon(refs)
	}
}

// writeDeadLetters writes the dead letters of rejects the Sink
// acknowledged, retrying like the Sink, until the topic acknowledges every
// one; then their offsets are settled. Only the dead letters that failed
// are sent again.
func (p *Pipeline) writeDeadLetters(ctx context.Context, rejects []Reject, refs []ref, dead []kafka.Message) {
	pending := make([]int, len(dead))
	for i := range pending {
		pending[i] = i
	}
	shrunk := make([]int, len(dead))
	for attempt := 0; len(pending) > 0; attempt++ {
		pending = ownedIndexes(pending, refs)
		if len(pending) == 0 {
			break
		}
		if ctx.Err() != nil {
			p.abandon(refs)
			return
		}
		msgs := make([]kafka.Message, len(pending))
		for i, j := range pending {
			msgs[i] = dead[j]
		}
		err := p.dlq.WriteMessages(ctx, msgs...)
		if err == nil {
			p.m.dlqWrites.Add(int64(len(pending)))
			break
		}
		p.m.dlqErrors.Add(1)
		p.log.Warn("writing dead letters", "messages", len(pending), "attempt", attempt+1, "err", err)
		var werrs kafka.WriteErrors
		if errors.As(err, &werrs) && len(werrs) == len(pending) {
			failed := pending[:0:0]
			for i, e := range werrs {
				if e == nil {
					p.m.dlqWrites.Add(1)
					continue
				}
				if errors.Is(e, kafka.MessageSizeTooLarge) {
					p.shrink(&dead[pending[i]], &shrunk[pending[i]], len(rejects[pending[i]].Value))
				}
				failed = append(failed, pending[i])
			}
			pending = failed
		} else if errors.Is(err, kafka.MessageSizeTooLarge) {
			// kafka-go refused before sending: shrink the largest.
			big := pending[0]
			for _, j := range pending {
				if len(dead[j].Value) > len(dead[big].Value) {
					big = j
				}
			}
			p.shrink(&dead[big], &shrunk[big], len(rejects[big].Value))
		}
		if len(pending) > 0 && !sleep(ctx, p.backoff(attempt)) {
			p.abandon(refs)
			return
		}
	}
	settle(refs)
}

// shrink shortens a dead letter the topic refused as too large: first to
// MaxMessageBytes, then to nothing. The reason headers always fit, so the
// operator learns why even when the topic cannot hold the original.
func (p *Pipeline) shrink(m *kafka.Message, level *int, original int) {
	switch *level {
	case 0:
		m.Value = m.Value[:min(len(m.Value), p.cfg.MaxMessageBytes)]
		m.Headers = append(m.Headers[:len(m.Headers):len(m.Headers)], kafka.Header{Key: HeaderTruncated, Value: strconv.AppendInt(nil, int64(original), 10)})
	default:
		m.Value = nil
	}
	*level++
}

// settle marks messages durable.
func settle(refs []ref) {
	for _, r := range refs {
		r.part.done(r.seq)
	}
}

// ownedRecords leaves out the records of revoked partitions, copying only
// when there are any (the Sink may keep the slice it was given).
func ownedRecords(records []Record, refs []ref, values [][]byte) ([]Record, []ref, [][]byte) {
	if !anyRevoked(refs) {
		return records, refs, values
	}
	var rs []Record
	var fs []ref
	var vs [][]byte
	for i, r := range refs {
		if r.part.revoked.Load() {
			r.part.drop(r.seq)
			continue
		}
		rs = append(rs, records[i])
		fs = append(fs, r)
		vs = append(vs, values[i])
	}
	return rs, fs, vs
}

// ownedRejects is ownedRecords for rejects and their dead letters.
func ownedRejects(rejects []Reject, refs []ref, dead []kafka.Message) ([]Reject, []ref, []kafka.Message) {
	if !anyRevoked(refs) {
		return rejects, refs, dead
	}
	var rs []Reject
	var fs []ref
	var ds []kafka.Message
	for i, r := range refs {
		if r.part.revoked.Load() {
			r.part.drop(r.seq)
			continue
		}
		rs = append(rs, rejects[i])
		fs = append(fs, r)
		ds = append(ds, dead[i])
	}
	return rs, fs, ds
}

// ownedIndexes leaves out the indexes into refs of revoked partitions.
func ownedIndexes(idx []int, refs []ref) []int {
	out := idx[:0:0]
	for _, i := range idx {
		if refs[i].part.revoked.Load() {
			continue
		}
		out = append(out, i)
	}
	return out
}

func anyRevoked(refs []ref) bool {
	for _, r := range refs {
		if r.part.revoked.Load() {
			return true
		}
	}
	return false
}
