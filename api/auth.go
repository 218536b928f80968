package api

import (
	"cmp"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v5"
)

// Roles. A token holds one or more; admin may do everything.
const (
	RoleOfficer  = "officer"  // queue, parcel detail, dispositions
	RoleAnalyst  = "analyst"  // statistics, rule pack status, synchronous check
	RoleOperator = "operator" // ingest, status of its own operator code's items, check
	RoleAdmin    = "admin"    // all of the above and the audit log
	RoleMonitor  = "monitor"  // /metrics only, for a Prometheus scraper
)

var knownRoles = []string{RoleOfficer, RoleAnalyst, RoleOperator, RoleAdmin, RoleMonitor}

// Token is one configured API token. Only its hash is configured, never the
// token itself: HashToken gives the hash of a token, and `parcelguard token
// new` makes a fresh token with its hash.
type Token struct {
	Name  string
	Hash  string // "sha256:" followed by 64 hex digits
	Roles []string
	// Operator is the operator code an operator-role token acts for: it may
	// ingest and read the status of that operator's items only.
	Operator string
}

// ProxyAuth trusts identity headers set by a reverse proxy that has
// authenticated the user (single sign-on). The headers are honoured only on
// connections from Trusted addresses; from anywhere else they are ignored
// and a bearer token is required as usual.
type ProxyAuth struct {
	// Trusted lists the proxy's addresses: IPs or CIDR ranges.
	Trusted []string
	// UserHeader names the user (default X-Forwarded-User).
	UserHeader string
	// RolesHeader lists roles separated by commas (default X-Forwarded-Roles).
	RolesHeader string
	// OperatorHeader gives an operator-role user's operator code
	// (default X-Forwarded-Operator).
	OperatorHeader string
}

// HashToken is the configured form of a token.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// NewToken returns a fresh random token: 32 bytes from crypto/rand.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "pg_" + base64.RawURLEncoding.EncodeToString(b)
}

// Identity is who is calling.
type Identity struct {
	Name     string   `json:"name"`
	Roles    []string `json:"roles"`
	Operator string   `json:"operator"`
	// Via is "token", "session" or "proxy".
	Via string `json:"-"`
}

// has reports whether the identity holds any of roles; admin holds every
// role but monitor's only meaning is to scrape metrics, which admin may too.
func (id *Identity) has(roles ...string) bool {
	if slices.Contains(id.Roles, RoleAdmin) {
		return true
	}
	for _, r := range roles {
		if slices.Contains(id.Roles, r) {
			return true
		}
	}
	return false
}

// role is the identity's main role for the audit log.
func (id *Identity) role() string {
	for _, r := range []string{RoleAdmin, RoleOfficer, RoleAnalyst, RoleOperator, RoleMonitor} {
		if slices.Contains(id.Roles, r) {
			return r
		}
	}
	return ""
}

type tokenEntry struct {
	hash [sha256.Size]byte
	id   Identity
}

// authenticator checks bearer tokens, sessions and proxy headers.
type authenticator struct {
	tokens   []tokenEntry
	proxy    *ProxyAuth
	proxyNet []*net.IPNet
	sessions *sessions
}

func newAuthenticator(tokens []Token, proxy *ProxyAuth, ttl time.Duration) (*authenticator, error) {
	a := &authenticator{sessions: newSessions(ttl)}
	names := map[string]bool{}
	for i, t := range tokens {
		where := fmt.Sprintf("api.tokens[%d]", i)
		if t.Name == "" {
			return nil, fmt.Errorf("%s: name is required", where)
		}
		where += " (" + t.Name + ")"
		if names[t.Name] {
			return nil, fmt.Errorf("%s: the name is used twice; each token needs its own name for the audit log", where)
		}
		names[t.Name] = true
		hexHash, ok := strings.CutPrefix(t.Hash, "sha256:")
		raw, err := hex.DecodeString(hexHash)
		if !ok || err != nil || len(raw) != sha256.Size {
			return nil, fmt.Errorf("%s: hash must be \"sha256:\" and 64 hex digits (run `parcelguard token new`, or `parcelguard token hash` for an existing token); plain tokens are not accepted in the configuration", where)
		}
		if err := checkRoles(t.Roles, t.Operator); err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		e := tokenEntry{id: Identity{Name: t.Name, Roles: slices.Clone(t.Roles), Operator: t.Operator, Via: "token"}}
		copy(e.hash[:], raw)
		a.tokens = append(a.tokens, e)
	}
	if proxy != nil && len(proxy.Trusted) > 0 {
		p := *proxy
		p.UserHeader = cmp.Or(p.UserHeader, "X-Forwarded-User")
		p.RolesHeader = cmp.Or(p.RolesHeader, "X-Forwarded-Roles")
		p.OperatorHeader = cmp.Or(p.OperatorHeader, "X-Forwarded-Operator")
		for _, s := range p.Trusted {
			n, err := parseNet(s)
			if err != nil {
				return nil, fmt.Errorf("api.proxy_auth.trusted: %q is neither an IP address nor a CIDR range", s)
			}
			a.proxyNet = append(a.proxyNet, n)
		}
		a.proxy = &p
	}
	return a, nil
}

func parseNet(s string) (*net.IPNet, error) {
	if !strings.Contains(s, "/") {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, fmt.Errorf("bad address %q", s)
		}
		bits := 128
		if ip.To4() != nil {
			ip, bits = ip.To4(), 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	_, n, err := net.ParseCIDR(s)
	return n, err
}

func checkRoles(roles []string, operator string) error {
	if len(roles) == 0 {
		return fmt.Errorf("roles: at least one of %s is required", strings.Join(knownRoles, ", "))
	}
	for _, r := range roles {
		if !slices.Contains(knownRoles, r) {
			return fmt.Errorf("roles: %q is not a role; use %s", r, strings.Join(knownRoles, ", "))
		}
	}
	if slices.Contains(roles, RoleOperator) && operator == "" {
		return fmt.Errorf("operator: a token with the operator role must name its operator code")
	}
	return nil
}

// bearer finds the token's identity. Every configured hash is compared, in
// constant time, whatever matches, so timing tells nothing about which
// tokens exist.
func (a *authenticator) bearer(token string) (*Identity, bool) {
	sum := sha256.Sum256([]byte(token))
	found := -1
	for i := range a.tokens {
		if subtle.ConstantTimeCompare(sum[:], a.tokens[i].hash[:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return nil, false
	}
	id := a.tokens[found].id
	return &id, true
}

// fromProxy reads identity headers, only when the connection comes from a
// trusted proxy. The peer address is the TCP one, never a forwarded one.
func (a *authenticator) fromProxy(r *http.Request) (*Identity, bool) {
	if a.proxy == nil {
		return nil, false
	}
	user := strings.TrimSpace(r.Header.Get(a.proxy.UserHeader))
	if user == "" || !a.trustedPeer(r.RemoteAddr) {
		return nil, false
	}
	var roles []string
	for _, s := range strings.Split(r.Header.Get(a.proxy.RolesHeader), ",") {
		if s = strings.TrimSpace(s); slices.Contains(knownRoles, s) {
			roles = append(roles, s)
		}
	}
	op := strings.TrimSpace(r.Header.Get(a.proxy.OperatorHeader))
	if len(roles) == 0 || (slices.Contains(roles, RoleOperator) && op == "") {
		return nil, false
	}
	return &Identity{Name: user, Roles: roles, Operator: op, Via: "proxy"}, true
}

func (a *authenticator) trustedPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range a.proxyNet {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// Session cookies of the web page.
const (
	sessionCookie = "parcelguard_session"
	loginCookie   = "parcelguard_login"
	csrfHeader    = "X-CSRF-Token"
)

// session is a logged-in web user. Sessions live in memory: a restart logs
// everyone out, which is acceptable for a tool used in shifts.
type session struct {
	id       Identity
	csrf     string
	created  time.Time
	lastSeen time.Time
}

type sessions struct {
	mu   sync.Mutex
	ttl  time.Duration
	idle time.Duration
	m    map[string]*session
}

func newSessions(ttl time.Duration) *sessions {
	if ttl <= 0 {
		ttl = 8 * time.Hour
	}
	return &sessions{ttl: ttl, idle: min(ttl, time.Hour), m: map[string]*session{}}
}

func randomString() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// create starts a session and returns its cookie value. The map is keyed by
// a hash of the cookie, so a memory dump does not hand out live sessions.
func (s *sessions) create(id Identity, now time.Time) (cookie string, ss *session) {
	cookie = randomString()
	id.Via = "session"
	ss = &session{id: id, csrf: randomString(), created: now, lastSeen: now}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.m {
		if s.expired(v, now) {
			delete(s.m, k)
		}
	}
	s.m[sessionKey(cookie)] = ss
	return cookie, ss
}

func sessionKey(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return string(sum[:])
}

func (s *sessions) expired(v *session, now time.Time) bool {
	return now.Sub(v.created) > s.ttl || now.Sub(v.lastSeen) > s.idle
}

func (s *sessions) get(cookie string, now time.Time) (*session, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sessionKey(cookie)
	v, ok := s.m[k]
	if !ok {
		return nil, false
	}
	if s.expired(v, now) {
		delete(s.m, k)
		return nil, false
	}
	v.lastSeen = now
	return v, true
}

func (s *sessions) remove(cookie string) {
	s.mu.Lock()
	delete(s.m, sessionKey(cookie))
	s.mu.Unlock()
}

// Context keys.
const (
	ctxIdentity = "parcelguard.identity"
	ctxSession  = "parcelguard.session"
)

// identity is the caller, set by the authenticate middleware.
func identity(c *echo.Context) *Identity {
	id, _ := c.Get(ctxIdentity).(*Identity)
	return id
}

// authenticate finds the caller from, in order: a bearer token, trusted
// proxy headers, a session cookie. A request that presents a bad bearer
// token fails even if it also carries a good cookie. Session requests that
// change something must carry the session's CSRF token.
func (s *Server) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c *echo.Context) error {
		r := c.Request()
		if h := r.Header.Get("Authorization"); h != "" {
			scheme, tok, _ := strings.Cut(h, " ")
			if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
				return s.authFailed(c)
			}
			id, ok := s.auth.bearer(strings.TrimSpace(tok))
			if !ok {
				return s.authFailed(c)
			}
			c.Set(ctxIdentity, id)
			return next(c)
		}
		if id, ok := s.auth.fromProxy(r); ok {
			c.Set(ctxIdentity, id)
			return next(c)
		}
		if ck, err := r.Cookie(sessionCookie); err == nil {
			if ss, ok := s.auth.sessions.get(ck.Value, s.now()); ok {
				if !safeMethod(r.Method) && subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(ss.csrf)) != 1 {
					return errCSRF
				}
				id := ss.id
				c.Set(ctxIdentity, &id)
				c.Set(ctxSession, ss)
				return next(c)
			}
		}
		return s.authFailed(c)
	}
}

// authFailed answers 401, or 429 when one address keeps failing: guessing
// tokens is slowed to a crawl.
func (s *Server) authFailed(c *echo.Context) error {
	if !s.failures.allow("ip:" + c.RealIP()) {
		return &Error{Status: http.StatusTooManyRequests, Code: "RATE_LIMITED",
			Message: "too many failed authentication attempts from this address; wait a minute"}
	}
	c.Response().Header().Set("WWW-Authenticate", `Bearer realm="parcelguard"`)
	return errUnauthorized
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// require lets the request through only when the caller holds one of roles.
func require(roles ...string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c *echo.Context) error {
			id := identity(c)
			if id == nil {
				return errUnauthorized
			}
			if !id.has(roles...) {
				return errForbidden
			}
			return next(c)
		}
	}
}

// CheckToken validates one token entry as New would.
func CheckToken(t Token) error {
	_, err := newAuthenticator([]Token{t}, nil, 0)
	return err
}
