package api

import (
	"cmp"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/parcelguard/parcelguard/internal/metric"
)

// RouteStats counts the answers of one route and method since New.
type RouteStats struct {
	// Route is the registered path ("/api/v1/parcels/:id"), "unmatched"
	// for requests that matched no route.
	Route  string
	Method string
	// Codes counts the answers per HTTP status code.
	Codes map[int]uint64
	// Seconds is the time from the request's arrival at the router to the
	// end of its handler, error answers included.
	Seconds metric.Histogram
}

// durationBounds are the buckets of the answer times, in seconds: fine
// around the parcel view's 50 ms target, coarse up to exports and ingests.
var durationBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60}

type routeKey struct{ route, method string }

type routeRecord struct {
	seconds *metric.Recorder
	codes   map[int]uint64 // under httpStats.mu
}

// httpStats holds the live counters behind Server.HTTPStats.
type httpStats struct {
	mu     sync.Mutex
	routes map[routeKey]*routeRecord
}

func (h *httpStats) observe(route, method string, code int, d time.Duration) {
	k := routeKey{route, method}
	h.mu.Lock()
	if h.routes == nil {
		h.routes = map[routeKey]*routeRecord{}
	}
	r := h.routes[k]
	if r == nil {
		r = &routeRecord{seconds: metric.NewRecorder(durationBounds), codes: map[int]uint64{}}
		h.routes[k] = r
	}
	r.codes[code]++
	h.mu.Unlock()
	r.seconds.Observe(d.Seconds())
}

// HTTPStats returns the requests answered so far per route and method,
// sorted by route and method.
func (s *Server) HTTPStats() []RouteStats {
	s.http.mu.Lock()
	out := make([]RouteStats, 0, len(s.http.routes))
	for k, r := range s.http.routes {
		out = append(out, RouteStats{Route: k.route, Method: k.method, Codes: maps.Clone(r.codes), Seconds: r.seconds.Snapshot()})
	}
	s.http.mu.Unlock()
	slices.SortFunc(out, func(a, b RouteStats) int {
		return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.Method, b.Method))
	})
	return out
}

// observe times every request and counts its answer. An error the handler
// returns is answered here, by the error handler, so that its status is
// known; the route is the registered path, so that item ids do not become
// labels.
func (s *Server) observe(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		start := time.Now()
		if err := next(c); err != nil {
			s.handleError(c, err)
		}
		route := c.RouteInfo().Path
		if route == "" {
			route = "unmatched"
		}
		code := 0
		if resp, err := echo.UnwrapResponse(c.Response()); err == nil {
			code = resp.Status
		}
		s.http.observe(route, c.Request().Method, code, time.Since(start))
		return nil
	}
}
