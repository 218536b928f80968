package stream

import (
	"sync"
	"sync/atomic"
)

// partition is the offset bookkeeping of one partition for one consumer
// group generation. Messages are registered in fetch order (add), settle
// in any order (done, drop), and the commit mark only moves past a prefix
// of messages that are all done: everything below the mark is durable.
// Offsets need not be contiguous (compaction, transaction markers); order
// is what counts, so each message gets a sequence number.
type partition struct {
	topic string
	id    int

	mu sync.Mutex
	// slots holds the unsettled suffix of the fetched messages from index
	// head on; first is the sequence number of slots[0].
	slots []slot
	head  int
	first uint64
	next  uint64
	// mark is the offset to commit: one past the last message of the done
	// prefix, -1 while there is none.
	mark int64

	// inflight counts messages added and neither done nor dropped.
	inflight atomic.Int64
	// revoked is set when the generation lost the partition: its messages
	// still in the pipeline are skipped, its mark is never committed.
	revoked atomic.Bool
	// committed is the offset last committed in this generation (or the
	// group's offset at assignment); only the generation's committer
	// touches it.
	committed int64
}

type slotState uint8

const (
	slotPending slotState = iota
	slotDone
	slotDropped
)

type slot struct {
	offset int64
	state  slotState
}

// newPartition returns the bookkeeping of a partition assigned at offset
// committed (negative when the group has no offset for it).
func newPartition(topic string, id int, committed int64) *partition {
	if committed < 0 {
		committed = -1
	}
	return &partition{topic: topic, id: id, mark: -1, committed: committed}
}

// add registers a fetched message and returns its sequence number.
func (p *partition) add(offset int64) uint64 {
	p.mu.Lock()
	seq := p.next
	p.next++
	p.slots = append(p.slots, slot{offset: offset})
	p.mu.Unlock()
	p.inflight.Add(1)
	return seq
}

// done records that message seq is durable and advances the mark over
// the done prefix.
func (p *partition) done(seq uint64) {
	p.settle(seq, slotDone)
}

// drop records that message seq left the pipeline without becoming
// durable. The mark never passes it, so it is redelivered after the next
// rebalance or restart.
func (p *partition) drop(seq uint64) {
	p.settle(seq, slotDropped)
}

func (p *partition) settle(seq uint64, to slotState) {
	p.mu.Lock()
	i := int(seq - p.first)
	if seq < p.first+uint64(p.head) || i >= len(p.slots) || p.slots[i].state != slotPending {
		p.mu.Unlock()
		return
	}
	p.slots[i].state = to
	for p.head < len(p.slots) && p.slots[p.head].state == slotDone {
		p.mark = p.slots[p.head].offset + 1
		p.head++
	}
	// Keep the slice from growing without bound: drop the settled prefix
	// once it is most of the slice.
	if p.head > 1024 && p.head*2 > len(p.slots) {
		n := copy(p.slots, p.slots[p.head:])
		p.slots = p.slots[:n]
		p.first += uint64(p.head)
		p.head = 0
	}
	p.mu.Unlock()
	p.inflight.Add(-1)
}

// commitMark returns the offset below which every fetched message is
// durable, or -1.
func (p *partition) commitMark() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.mark
}

// ref names one message in the bookkeeping.
type ref struct {
	part *partition
	seq  uint64
}
