package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/rules"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/store"
)

// failingStore fails every call with err, as a store that lost its server
// does. Only the error paths are tested with it; everything that reads or
// writes data is tested against ClickHouse through the real pipeline
// (e2e/api_test.go).
type failingStore struct {
	Store
	err error
	// rec, when set, is what Get returns.
	rec *store.Record
	mu  sync.Mutex
	// audits counts WriteAudit calls.
	audits int
}

func (f *failingStore) Get(context.Context, string) (store.Record, error) {
	if f.rec != nil {
		return *f.rec, nil
	}
	return store.Record{}, f.err
}
func (f *failingStore) DetailAround(_ context.Context, _ string, _ time.Duration, _ int, found func() error) (store.Detail, error) {
	if f.rec != nil {
		if err := found(); err != nil {
			return store.Detail{}, err
		}
		return store.Detail{Record: *f.rec}, nil
	}
	return store.Detail{}, f.err
}
func (f *failingStore) Queue(context.Context, store.QueueQuery) (store.QueuePage, error) {
	return store.QueuePage{}, f.err
}
func (f *failingStore) WriteAudit(context.Context, ...store.AuditEntry) error {
	f.mu.Lock()
	f.audits++
	f.mu.Unlock()
	return f.err
}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var testTokens = map[string][]string{
	"officer-token": {RoleOfficer},
	"analyst-token": {RoleAnalyst},
	"admin-token":   {RoleAdmin},
}

func newTestServer(t *testing.T, st Store, mod func(*Config)) (*Server, *clock) {
	t.Helper()
	loader, err := rules.NewLoader(rules.LoaderConfig{})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	cfg := Config{Store: st, Rules: loader, Scorer: scorer.New(loader, scorer.Config{}), Now: clk.now, Logger: testLogger(t)}
	for tok, roles := range testTokens {
		cfg.Tokens = append(cfg.Tokens, Token{Name: strings.TrimSuffix(tok, "-token"), Hash: HashToken(tok), Roles: roles})
	}
	if mod != nil {
		mod(&cfg)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, clk
}

func call(s *Server, method, path, tok string, mod ...func(*http.Request)) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for _, m := range mod {
		m(req)
	}
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// TestOpenAPIMatchesRoutes keeps openapi.yaml true: every route is
// documented with its method, and every documented operation is a route.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	s, _ := newTestServer(t, &failingStore{}, nil)
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openapiYAML, &doc); err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi.yaml is version %q; want 3.1.0", doc.OpenAPI)
	}
	var documented, served []string
	for p, ops := range doc.Paths {
		for m := range ops {
			if m == "parameters" || m == "summary" || m == "description" {
				continue
			}
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	for _, r := range s.echo.Router().Routes() {
		if !slices.Contains([]string{"GET", "POST", "PUT", "PATCH", "DELETE"}, r.Method) {
			continue // the groups' not-found routes
		}
		p := r.Path
		for _, name := range r.Parameters {
			p = strings.Replace(p, ":"+name, "{"+name+"}", 1)
		}
		p = strings.Replace(p, "/*", "/{path}", 1)
		served = append(served, r.Method+" "+p)
	}
	slices.Sort(documented)
	slices.Sort(served)
	served = slices.Compact(served)
	if diff := cmp.Diff(documented, served); diff != "" {
		t.Errorf("openapi.yaml paths (-) differ from the routes served (+):\n%s", diff)
	}
}

func TestTokenConfigRefused(t *testing.T) {
	good := HashToken("x")
	cases := []struct {
		name   string
		tokens []Token
		proxy  *ProxyAuth
		want   string
	}{
		{"no name", []Token{{Hash: good, Roles: []string{RoleOfficer}}}, nil, "name is required"},
		{"duplicate", []Token{{Name: "a", Hash: good, Roles: []string{RoleOfficer}}, {Name: "a", Hash: HashToken("y"), Roles: []string{RoleOfficer}}}, nil, "used twice"},
		{"plain token", []Token{{Name: "a", Hash: "pg_secret", Roles: []string{RoleOfficer}}}, nil, "plain tokens are not accepted"},
		{"short hash", []Token{{Name: "a", Hash: "sha256:abcd", Roles: []string{RoleOfficer}}}, nil, "64 hex digits"},
		{"no roles", []Token{{Name: "a", Hash: good}}, nil, "at least one of"},
		{"unknown role", []Token{{Name: "a", Hash: good, Roles: []string{"root"}}}, nil, `"root" is not a role`},
		{"operator without code", []Token{{Name: "a", Hash: good, Roles: []string{RoleOperator}}}, nil, "must name its operator code"},
		{"bad proxy address", nil, &ProxyAuth{Trusted: []string{"proxy.example"}}, "neither an IP address nor a CIDR"},
	}
	for _, c := range cases {
		_, err := newAuthenticator(c.tokens, c.proxy, 0)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: newAuthenticator = %v; want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestBearer(t *testing.T) {
	var tokens []Token
	for i := range 50 {
		tokens = append(tokens, Token{Name: fmt.Sprint("t", i), Hash: HashToken(fmt.Sprint("secret-", i)), Roles: []string{RoleOfficer}})
	}
	a, err := newAuthenticator(tokens, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 17, 49} {
		id, ok := a.bearer(fmt.Sprint("secret-", i))
		if !ok || id.Name != fmt.Sprint("t", i) {
			t.Errorf("bearer(secret-%d) = %v, %v; want t%d", i, id, ok, i)
		}
	}
	for _, bad := range []string{"", "secret-", "secret-50", HashToken("secret-1"), "SECRET-1"} {
		if id, ok := a.bearer(bad); ok {
			t.Errorf("bearer(%q) = %v; want no identity", bad, id)
		}
	}
}

func TestProxyHeadersOnlyFromTrustedPeer(t *testing.T) {
	a, err := newAuthenticator(nil, &ProxyAuth{Trusted: []string{"10.0.0.0/8", "192.0.2.7"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		peer, user, roles, op string
		want                  *Identity
	}{
		{"10.1.2.3:5000", "ana", "officer", "", &Identity{Name: "ana", Roles: []string{"officer"}, Via: "proxy"}},
		{"192.0.2.7:5000", "ana", "officer, analyst, wizard", "", &Identity{Name: "ana", Roles: []string{"officer", "analyst"}, Via: "proxy"}},
		{"192.0.2.8:5000", "ana", "officer", "", nil},   // not the proxy
		{"10.1.2.3:5000", "", "officer", "", nil},       // no user
		{"10.1.2.3:5000", "ana", "wizard", "", nil},     // no known role
		{"10.1.2.3:5000", "ana", "operator", "", nil},   // operator without code
		{"[2001:db8::1]:5000", "ana", "admin", "", nil}, // not the proxy
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = c.peer
		r.Header.Set("X-Forwarded-For", "10.1.2.3")
		r.Header.Set("X-Forwarded-User", c.user)
		r.Header.Set("X-Forwarded-Roles", c.roles)
		r.Header.Set("X-Forwarded-Operator", c.op)
		id, _ := a.fromProxy(r)
		if diff := cmp.Diff(c.want, id); diff != "" {
			t.Errorf("fromProxy(peer %s, user %q, roles %q) differs (-want +got):\n%s", c.peer, c.user, c.roles, diff)
		}
	}
}

func TestRateLimits(t *testing.T) {
	st := &failingStore{err: store.ErrNotFound}
	s, clk := newTestServer(t, st, func(c *Config) { c.RateLimit, c.RateBurst = 1, 3 })
	codes := func(n int, tok string) []int {
		var out []int
		for range n {
			out = append(out, call(s, http.MethodGet, "/api/v1/session", tok).Code)
		}
		return out
	}
	if got, want := codes(4, "officer-token"), []int{200, 200, 200, 429}; !slices.Equal(got, want) {
		t.Errorf("4 quick requests with a burst of 3 = %v; want %v", got, want)
	}
	// Another token has its own bucket.
	if got := codes(1, "analyst-token"); got[0] != 200 {
		t.Errorf("another token = %v; want 200", got)
	}
	clk.add(time.Second)
	if got := codes(1, "officer-token"); got[0] != 200 {
		t.Errorf("after a second = %v; want 200", got)
	}
	rec := call(s, http.MethodGet, "/api/v1/session", "officer-token")
	if rec.Code != 429 || rec.Header().Get("Retry-After") == "" || !strings.Contains(rec.Body.String(), "RATE_LIMITED") {
		t.Errorf("over the limit = %d %q, Retry-After %q; want 429 RATE_LIMITED with Retry-After", rec.Code, rec.Body, rec.Header().Get("Retry-After"))
	}
	// Guessing tokens from one address is slowed: after a burst of
	// failures, 429 instead of 401.
	var last int
	for range 25 {
		last = call(s, http.MethodGet, "/api/v1/session", "guess").Code
	}
	if last != 429 {
		t.Errorf("the 25th bad token from one address = %d; want 429", last)
	}
}

// TestErrorsHideInternals: a store failure is a 500 (or 503) with a generic
// message; the internal error text stays in the log.
func TestErrorsHideInternals(t *testing.T) {
	secret := "dial tcp 10.9.8.7:9000: code 516 password for user default is wrong"
	s, _ := newTestServer(t, &failingStore{err: errors.New(secret)}, nil)
	for _, path := range []string{"/api/v1/queue", "/api/v1/parcels/RR123456785CN", "/api/v1/queue.csv"} {
		rec := call(s, http.MethodGet, path, "officer-token")
		if rec.Code != 500 || strings.Contains(rec.Body.String(), "10.9.8.7") || !strings.Contains(rec.Body.String(), `"code":"INTERNAL"`) {
			t.Errorf("GET %s with a failing store = %d %s; want 500 INTERNAL without the internal detail", path, rec.Code, rec.Body)
		}
	}
	// A parcel read that cannot be audited is refused.
	st := &failingStore{err: errors.New("audit table gone"), rec: &store.Record{
		Parcel: &manifest.Parcel{ItemID: "RR123456785CN", Raw: []byte(`{"item_id":"RR123456785CN"}`)}, Assessment: &scorer.Assessment{ItemID: "RR123456785CN"}}}
	s, _ = newTestServer(t, st, nil)
	rec := call(s, http.MethodGet, "/api/v1/parcels/RR123456785CN", "officer-token")
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "AUDIT_UNAVAILABLE") || strings.Contains(rec.Body.String(), "RR123456785CN") {
		t.Errorf("a parcel read that cannot be audited = %d %s; want 503 AUDIT_UNAVAILABLE and no parcel data", rec.Code, rec.Body)
	}
	if st.audits != 1 {
		t.Errorf("%d audit writes tried; want 1", st.audits)
	}
}

func TestSecurityHeaders(t *testing.T) {
	s, _ := newTestServer(t, &failingStore{}, nil)
	for _, path := range []string{"/healthz", "/login", "/api/v1/session", "/assets/app.js"} {
		rec := call(s, http.MethodGet, path, "officer-token")
		h := rec.Header()
		for k, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
			if h.Get(k) != want {
				t.Errorf("GET %s: %s = %q; want %q", path, k, h.Get(k), want)
			}
		}
		if !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") {
			t.Errorf("GET %s: CSP %q", path, h.Get("Content-Security-Policy"))
		}
		if h.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("GET %s: CORS is on by default", path)
		}
	}
	// Assets cannot escape their folder.
	for _, p := range []string{"/assets/../login.html", "/assets/%2e%2e/index.html", "/assets/nope.js"} {
		if rec := call(s, http.MethodGet, p, ""); rec.Code == 200 {
			body, _ := io.ReadAll(rec.Body)
			t.Errorf("GET %s = 200 (%d bytes); want 404", p, len(body))
		}
	}
	// CORS when configured.
	s, _ = newTestServer(t, &failingStore{}, func(c *Config) { c.CORSOrigins = []string{"https://ops.example"} })
	rec := call(s, http.MethodOptions, "/api/v1/session", "", func(r *http.Request) {
		r.Header.Set("Origin", "https://ops.example")
		r.Header.Set("Access-Control-Request-Method", "GET")
	})
	if rec.Header().Get("Access-Control-Allow-Origin") != "https://ops.example" {
		t.Errorf("CORS preflight from an allowed origin: Allow-Origin %q", rec.Header().Get("Access-Control-Allow-Origin"))
	}
}

func TestBodyLimit(t *testing.T) {
	s, _ := newTestServer(t, &failingStore{err: store.ErrNotFound}, func(c *Config) { c.MaxBodyBytes = 100 })
	req := httptest.NewRequest(http.MethodPost, "/api/v1/parcels/X/dispositions", strings.NewReader(`{"outcome":"cleared","note":"`+strings.Repeat("n", 200)+`"}`))
	req.Header.Set("Authorization", "Bearer officer-token")
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "BODY_TOO_LARGE") {
		t.Errorf("an oversize body = %d %s; want 413 BODY_TOO_LARGE", rec.Code, rec.Body)
	}
}

// testLogger logs through t.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, nil))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
