package stream

import "testing"

func TestPartitionMark(t *testing.T) {
	p := newPartition("t", 0, -1)
	// Offsets with a gap (compaction or a transaction marker at 3).
	offsets := []int64{0, 1, 2, 4, 5, 6}
	seqs := make([]uint64, len(offsets))
	for i, o := range offsets {
		seqs[i] = p.add(o)
	}
	steps := []struct {
		name   string
		settle func()
		want   int64
	}{
		{"nothing durable", func() {}, -1},
		{"second before first", func() { p.done(seqs[1]) }, -1},
		{"first", func() { p.done(seqs[0]) }, 2},
		{"fourth before third", func() { p.done(seqs[3]) }, 2},
		{"third closes the gap", func() { p.done(seqs[2]) }, 5},
		{"dropped fifth holds the mark", func() { p.drop(seqs[4]); p.done(seqs[5]) }, 5},
		{"done after drop is ignored", func() { p.done(seqs[4]) }, 5},
		{"done twice is ignored", func() { p.done(seqs[0]) }, 5},
	}
	for _, s := range steps {
		s.settle()
		if got := p.commitMark(); got != s.want {
			t.Errorf("after %s: commitMark() = %d; want %d", s.name, got, s.want)
		}
	}
	if got := p.inflight.Load(); got != 0 {
		t.Errorf("inflight = %d; want 0", got)
	}
}

func TestPartitionMarkCompacts(t *testing.T) {
	p := newPartition("t", 0, 41)
	const n = 10000
	seqs := make([]uint64, n)
	for i := range n {
		seqs[i] = p.add(int64(42 + i))
	}
	// Settle in reverse halves: the mark must stay put until the first
	// message is done, then jump.
	for i := n - 1; i >= 1; i-- {
		p.done(seqs[i])
	}
	if got := p.commitMark(); got != -1 {
		t.Fatalf("commitMark() = %d before the first message; want -1", got)
	}
	p.done(seqs[0])
	if got, want := p.commitMark(), int64(42+n); got != want {
		t.Fatalf("commitMark() = %d; want %d", got, want)
	}
	// Interleave adds and dones long enough to compact many times.
	for i := range 5000 {
		s := p.add(int64(42 + n + i))
		p.done(s)
	}
	if got, want := p.commitMark(), int64(42+n+5000); got != want {
		t.Errorf("commitMark() = %d; want %d", got, want)
	}
	if len(p.slots) > 2048 {
		t.Errorf("%d slots kept for no pending message; want the settled prefix dropped", len(p.slots))
	}
}
