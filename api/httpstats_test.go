package api

import (
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestHTTPStats counts answers per registered route, method and status,
// error answers and unmatched paths included, and times each.
func TestHTTPStats(t *testing.T) {
	s, _ := newTestServer(t, &failingStore{err: errors.New("connection refused")}, nil)
	for _, c := range []struct {
		method, path, tok string
		want              int
	}{
		{http.MethodGet, "/healthz", "", 200},
		{http.MethodGet, "/healthz", "", 200},
		{http.MethodGet, "/api/v1/parcels/RR123456785CN", "officer-token", 500},
		{http.MethodGet, "/api/v1/parcels/RR000000000CN", "officer-token", 500},
		{http.MethodGet, "/api/v1/parcels/RR123456785CN", "", 401},
		{http.MethodGet, "/api/v1/parcels/RR123456785CN", "analyst-token", 403},
		{http.MethodGet, "/api/v1/queue", "officer-token", 500},
		{http.MethodGet, "/no/such/page", "officer-token", 404},
		{http.MethodDelete, "/healthz", "", 405},
	} {
		if rec := call(s, c.method, c.path, c.tok); rec.Code != c.want {
			t.Fatalf("%s %s = %d %s; want %d", c.method, c.path, rec.Code, rec.Body, c.want)
		}
	}
	got := map[string]map[int]uint64{}
	for _, r := range s.HTTPStats() {
		got[r.Method+" "+r.Route] = r.Codes
		var n uint64
		for _, c := range r.Codes {
			n += c
		}
		if r.Seconds.Count != n || r.Seconds.Sum <= 0 || len(r.Seconds.Counts) != len(durationBounds) {
			t.Errorf("%s %s: durations %+v for %d answers", r.Method, r.Route, r.Seconds, n)
		}
	}
	want := map[string]map[int]uint64{
		"GET /healthz":            {200: 2},
		"GET /api/v1/parcels/:id": {500: 2, 401: 1, 403: 1},
		"GET /api/v1/queue":       {500: 1},
		"GET unmatched":           {404: 1},
		"DELETE unmatched":        {405: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("HTTPStats (-want +got):\n%s", diff)
	}
}
