// Package api serves parcelguard's HTTP API and the officers' web page:
// the review queue, parcel detail with related parcels, dispositions,
// statistics, HTTP ingest, rule pack status, health and metrics. Every
// route but health and readiness needs a bearer token, a session from the
// web page's log-in, or identity headers from a trusted reverse proxy.
package api

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/store"
)

// Store is what the API reads and writes.
type Store interface {
	Queue(ctx context.Context, q store.QueueQuery) (store.QueuePage, error)
	Get(ctx context.Context, itemID string) (store.Record, error)
	Dispositions(ctx context.Context, itemID string) ([]store.Disposition, error)
	// DetailAround reads a parcel, its dispositions and the parcels related
	// to it received within around of it, side by side, calling found once
	// the parcel is known to exist (see store.Store.DetailAround).
	DetailAround(ctx context.Context, itemID string, around time.Duration, limit int, found func() error) (store.Detail, error)
	WriteDisposition(ctx context.Context, d store.Disposition) error
	Stats(ctx context.Context, q store.StatsQuery) (store.Stats, error)
	Audit(ctx context.Context, q store.AuditQuery) ([]store.AuditEntry, error)
	WriteAudit(ctx context.Context, entries ...store.AuditEntry) error
}

// Rules is the running rule pack.
type Rules interface {
	Current() *rules.Set
	Status() rules.Status
}

// Scorer scores a parcel with the running pack.
type Scorer interface {
	Score(p *manifest.Parcel) scorer.Assessment
}

// Publisher writes accepted manifests to the manifests topic and returns
// once the broker has acknowledged them.
type Publisher interface {
	Send(ctx context.Context, manifests ...[]byte) error
}

// Config configures the API. Zero values take the documented defaults.
type Config struct {
	Tokens    []Token
	ProxyAuth *ProxyAuth
	// RateLimit is requests per second per identity (default 20), with
	// bursts of RateBurst (default 40).
	RateLimit float64
	RateBurst int
	// AuthFailureRate is failed authentications per second per client
	// address (default 1), bursts of AuthFailureBurst (default 20); beyond
	// that the address gets 429, which makes guessing tokens hopeless.
	AuthFailureRate  float64
	AuthFailureBurst int
	// MaxBodyBytes bounds request bodies (default 64 KiB); MaxIngestBytes
	// bounds ingest and check bodies (default 16 MiB), which hold at most
	// MaxIngestItems manifests (default 10,000; check takes 1,000).
	MaxBodyBytes   int64
	MaxIngestBytes int64
	MaxIngestItems int
	// CORSOrigins lists the origins allowed to call the API from a browser.
	// Empty (the default) turns CORS off: only the same origin may.
	CORSOrigins []string
	// SecureCookies sets the Secure flag on cookies: turn it on whenever
	// users reach the page over HTTPS (directly or through a proxy).
	SecureCookies bool
	// SessionTTL is how long a web log-in lasts (default 8 h; idle sessions
	// end after an hour).
	SessionTTL time.Duration
	// RelatedWindow is how far before and after a parcel related parcels
	// are looked for (default 90 days).
	RelatedWindow time.Duration
	// ExportLimit caps the rows of one CSV export (default 100,000).
	ExportLimit int

	Store     Store
	Rules     Rules
	Scorer    Scorer
	Publisher Publisher // nil: ingest answers 503
	// Ready reports whether the engine can take work; nil means always.
	Ready func() error
	// Metrics serves the Prometheus metrics; nil: /metrics answers 404.
	Metrics http.Handler

	Logger *slog.Logger
	Now    func() time.Time
}

// Server is the API.
type Server struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	auth     *authenticator
	limits   *limiters
	failures *limiters
	echo     *echo.Echo
	web      fs.FS
	http     httpStats
}

//go:embed openapi.yaml
var openapiYAML []byte

//go:embed all:web
var webFS embed.FS

// New validates cfg and builds the routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Rules == nil || cfg.Scorer == nil {
		return nil, errors.New("api: Store, Rules and Scorer are required")
	}
	s := &Server{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	def := func(v *int64, d int64) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&s.cfg.MaxBodyBytes, 64<<10)
	def(&s.cfg.MaxIngestBytes, 16<<20)
	if s.cfg.MaxIngestItems <= 0 {
		s.cfg.MaxIngestItems = 10000
	}
	if s.cfg.RateLimit == 0 {
		s.cfg.RateLimit = 20
	}
	if s.cfg.RateBurst <= 0 {
		s.cfg.RateBurst = 40
	}
	if s.cfg.RelatedWindow <= 0 {
		s.cfg.RelatedWindow = 90 * 24 * time.Hour
	}
	if s.cfg.ExportLimit <= 0 {
		s.cfg.ExportLimit = 100000
	}
	var err error
	if s.auth, err = newAuthenticator(cfg.Tokens, cfg.ProxyAuth, cfg.SessionTTL); err != nil {
		return nil, err
	}
	s.limits = newLimiters(s.cfg.RateLimit, s.cfg.RateBurst, s.now)
	if s.cfg.AuthFailureRate == 0 {
		s.cfg.AuthFailureRate = 1
	}
	if s.cfg.AuthFailureBurst <= 0 {
		s.cfg.AuthFailureBurst = 20
	}
	s.failures = newLimiters(s.cfg.AuthFailureRate, s.cfg.AuthFailureBurst, s.now)
	if s.web, err = fs.Sub(webFS, "web"); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Handler is the API as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

// HTTPServer returns an http.Server for h with timeouts that keep slow or
// stalled clients from holding connections.
func HTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       60 * time.Second, // an ingest body of 16 MiB over a slow link
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// routes registers every route. Keep openapi.yaml in step: a test checks
// that each route here is documented there and the other way round.
func (s *Server) routes() {
	e := echo.NewWithConfig(echo.Config{
		Logger:           s.log,
		HTTPErrorHandler: s.handleError,
		// The client address is the TCP peer's. Forwarding headers are
		// ignored: anyone can send them.
		IPExtractor: echo.ExtractIPDirect(),
	})
	e.Use(s.observe)
	e.Use(middleware.Recover())
	e.Use(s.securityHeaders)
	if len(s.cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:     s.cfg.CORSOrigins,
			AllowHeaders:     []string{"Authorization", "Content-Type", csrfHeader},
			AllowCredentials: false,
		}))
	}
	small := middleware.BodyLimit(s.cfg.MaxBodyBytes)
	large := middleware.BodyLimit(s.cfg.MaxIngestBytes)

	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)

	// The web page.
	e.GET("/", s.index)
	e.GET("/login", s.loginPage)
	e.POST("/login", s.login, small)
	e.POST("/logout", s.logout, small)
	e.GET("/assets/*", s.asset)

	auth := []echo.MiddlewareFunc{s.authenticate, s.rateLimit}
	e.GET("/metrics", s.metrics, append(auth, require(RoleMonitor))...)
	e.GET("/openapi.yaml", s.openapi, auth...)

	g := e.Group("/api/v1", auth...)
	officer := require(RoleOfficer)
	g.GET("/session", s.sessionInfo)
	g.GET("/queue", s.queue, officer)
	g.GET("/queue.csv", s.queueCSV, officer)
	g.GET("/parcels/:id", s.parcel, officer)
	g.POST("/parcels/:id/dispositions", s.dispose, officer, small)
	g.GET("/stats", s.stats, require(RoleAnalyst))
	g.GET("/rules", s.rules, require(RoleAnalyst))
	g.POST("/ingest", s.ingest, require(RoleOperator), large)
	g.POST("/check", s.check, require(RoleOperator, RoleAnalyst), large)
	g.GET("/items/:id", s.itemStatus, require(RoleOperator))
	g.GET("/audit", s.audit, require(RoleAdmin))
	s.echo = e
}

// securityHeaders keeps pages from being framed, sniffed, cached or
// leaking referrers, and scripts to the page's own files.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		h := c.Response().Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("Cache-Control", "no-store")
		return next(c)
	}
}

func (s *Server) healthz(c *echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) readyz(c *echo.Context) error {
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready(); err != nil {
			return c.JSON(http.StatusServiceUnavailable, errorBody{&Error{Code: "NOT_READY", Message: err.Error()}})
		}
	}
	st := s.cfg.Rules.Status()
	return c.JSON(http.StatusOK, map[string]string{"status": "ready", "pack_version": st.Version})
}

func (s *Server) metrics(c *echo.Context) error {
	if s.cfg.Metrics == nil {
		return errNotFound
	}
	s.cfg.Metrics.ServeHTTP(c.Response(), c.Request())
	return nil
}

func (s *Server) openapi(c *echo.Context) error {
	return c.Blob(http.StatusOK, "application/yaml", openapiYAML)
}

// isUnavailable tells a store that does not answer from other failures.
func isUnavailable(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded)
}

// errf wraps an internal error with the action that failed, for the log.
func errf(action string, err error) error { return fmt.Errorf("%s: %w", action, err) }
