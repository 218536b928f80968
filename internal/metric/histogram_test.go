package metric

import (
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRecorder(t *testing.T) {
	r := NewRecorder([]float64{1, 10, 100})
	for _, v := range []float64{0.5, 1, 1.5, 10, 99, 100, 101, 1e9} {
		r.Observe(v)
	}
	want := Histogram{Bounds: []float64{1, 10, 100}, Counts: []uint64{2, 4, 6}, Count: 8, Sum: 0.5 + 1 + 1.5 + 10 + 99 + 100 + 101 + 1e9}
	if diff := cmp.Diff(want, r.Snapshot()); diff != "" {
		t.Errorf("Snapshot (-want +got):\n%s", diff)
	}
}

func TestRecorderConcurrent(t *testing.T) {
	r := NewRecorder([]float64{1})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				r.Observe(0.5)
			}
		})
	}
	wg.Wait()
	if s := r.Snapshot(); s.Count != 8000 || s.Counts[0] != 8000 || s.Sum != 4000 {
		t.Errorf("Snapshot = %+v; want 8,000 observations summing to 4,000", s)
	}
}
