package api

import (
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
	"golang.org/x/time/rate"
)

// limiters holds one token bucket per key (a token's name, an address).
// Buckets idle for a while are dropped so the map cannot grow without
// bound.
type limiters struct {
	mu    sync.Mutex
	rate  rate.Limit
	burst int
	now   func() time.Time
	m     map[string]*limiter
}

type limiter struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiters(perSecond float64, burst int, now func() time.Time) *limiters {
	return &limiters{rate: rate.Limit(perSecond), burst: max(burst, 1), now: now, m: map[string]*limiter{}}
}

// allow takes one request from key's bucket.
func (l *limiters) allow(key string) bool {
	if l.rate <= 0 {
		return true
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.m[key]
	if !ok {
		if len(l.m) >= 10000 {
			for k, v := range l.m {
				if now.Sub(v.seen) > 10*time.Minute {
					delete(l.m, k)
				}
			}
		}
		b = &limiter{l: rate.NewLimiter(l.rate, l.burst)}
		l.m[key] = b
	}
	b.seen = now
	return b.l.AllowN(now, 1)
}

// rateLimit applies the per-identity limit; it runs after authentication.
func (s *Server) rateLimit(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		if id := identity(c); id != nil && !s.limits.allow(id.Via+":"+id.Name) {
			return &Error{Status: http.StatusTooManyRequests, Code: "RATE_LIMITED",
				Message: "too many requests for this token; slow down and retry after a second"}
		}
		return next(c)
	}
}
