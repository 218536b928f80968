// Package metric holds the lock-free histogram the engine's components
// record into; cmd/parcelguard turns its snapshots into Prometheus metrics
// at scrape time, so the components know nothing of Prometheus.
package metric

import (
	"math"
	"slices"
	"sync/atomic"
)

// Histogram is a cumulative histogram as Prometheus expects it: Counts[i]
// is the number of observations at most Bounds[i]; Count and Sum cover all
// observations.
type Histogram struct {
	Bounds []float64
	Counts []uint64
	Count  uint64
	Sum    float64
}

// Recorder is a histogram that observations go into, safe for concurrent
// use without locks.
type Recorder struct {
	bounds []float64
	counts []atomic.Uint64 // per bucket, last one for +Inf
	sum    atomic.Uint64   // float64 bits
}

// NewRecorder returns a Recorder with the given bucket bounds, which must
// be sorted.
func NewRecorder(bounds []float64) *Recorder {
	return &Recorder{bounds: bounds, counts: make([]atomic.Uint64, len(bounds)+1)}
}

// Observe records v.
func (r *Recorder) Observe(v float64) {
	i, _ := slices.BinarySearch(r.bounds, v)
	r.counts[i].Add(1)
	for {
		old := r.sum.Load()
		if r.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

// Snapshot returns what has been recorded so far.
func (r *Recorder) Snapshot() Histogram {
	s := Histogram{Bounds: slices.Clone(r.bounds), Counts: make([]uint64, len(r.bounds))}
	var cum uint64
	for i := range r.counts {
		cum += r.counts[i].Load()
		if i < len(r.bounds) {
			s.Counts[i] = cum
		}
	}
	s.Count = cum
	s.Sum = math.Float64frombits(r.sum.Load())
	return s
}
