package api

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parcelguard/parcelguard/store"
)

// params reads and validates query parameters. The first problem wins and
// names its parameter; unknown parameters are refused, so a typo
// ("lanes=") is an answer, not a silently ignored filter.
type params struct {
	v   url.Values
	err *Error
}

func newParams(v url.Values, known ...string) *params {
	p := &params{v: v}
	for name := range v {
		if !slices.Contains(known, name) {
			p.fail(badParam(name, "unknown parameter; this route takes %s", strings.Join(known, ", ")))
		}
	}
	for _, name := range known {
		if len(v[name]) > 1 && name != "lane" {
			p.fail(badParam(name, "given %d times; give it once", len(v[name])))
		}
	}
	return p
}

func (p *params) fail(e *Error) {
	if p.err == nil {
		p.err = e
	}
}

// text returns a free-text parameter: valid UTF-8, no control characters,
// at most maxLen bytes. Values are always bound as SQL parameters by the
// store; this check is about giving a clear answer.
func (p *params) text(name string, maxLen int) string {
	s := p.v.Get(name)
	switch {
	case len(s) > maxLen:
		p.fail(badParam(name, "is %d bytes long; the limit is %d", len(s), maxLen))
		return ""
	case !utf8.ValidString(s):
		p.fail(badParam(name, "is not valid UTF-8"))
		return ""
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		p.fail(badParam(name, "contains a control character"))
		return ""
	}
	return strings.TrimSpace(s)
}

// country returns an ISO 3166-1 alpha-2 code, upper-cased.
func (p *params) country(name string) string {
	s := strings.ToUpper(strings.TrimSpace(p.v.Get(name)))
	if s == "" {
		return ""
	}
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		p.fail(badParam(name, "%q is not a two-letter ISO 3166-1 country code such as DE or CN", clip(p.v.Get(name))))
		return ""
	}
	return s
}

// ident returns a rule id or similar: letters, digits, '_', '-', '.'.
func (p *params) ident(name string) string {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return ""
	}
	ok := len(s) <= 64
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			ok = false
		}
	}
	if !ok {
		p.fail(badParam(name, "%q is not an identifier: use up to 64 letters, digits, '_', '-' or '.'", clip(s)))
		return ""
	}
	return s
}

// oneOf returns the parameter when it is one of allowed, or def when absent.
func (p *params) oneOf(name, def string, allowed ...string) string {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return def
	}
	if !slices.Contains(allowed, s) {
		p.fail(badParam(name, "%q is not allowed; use one of %s", clip(s), strings.Join(allowed, ", ")))
		return def
	}
	return s
}

// lanes returns the lane filter: repeated or comma-separated.
func (p *params) lanes(name string) []string {
	var out []string
	for _, v := range p.v[name] {
		for _, s := range strings.Split(v, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			if s != "review" && s != "inspect" {
				p.fail(badParam(name, "%q is not a lane of the queue; use review or inspect", clip(s)))
				return nil
			}
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// integer returns a whole number in [lo, hi], or def when absent.
func (p *params) integer(name string, def, lo, hi int) int {
	s := strings.TrimSpace(p.v.Get(name))
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		p.fail(badParam(name, "%q must be a whole number from %d to %d", clip(s), lo, hi))
		return def
	}
	return n
}

// window returns [from, to) from the from and to parameters: RFC 3339
// times or YYYY-MM-DD dates (a to date includes that whole day). Absent,
// to is now and from is to minus def.
func (p *params) window(now time.Time, def, maxSpan time.Duration) (from, to time.Time) {
	return p.windowEnding(endOf(now), def, maxSpan)
}

// endOf is the default end of a window at now. Stored times have whole
// seconds: the window ends after the current one, so what happened a
// moment ago is in.
func endOf(now time.Time) time.Time { return now.UTC().Truncate(time.Second).Add(time.Second) }

// windowEnding is window with the default end given.
func (p *params) windowEnding(end time.Time, def, maxSpan time.Duration) (from, to time.Time) {
	to = end
	if s := strings.TrimSpace(p.v.Get("to")); s != "" {
		t, ok := parseTime(s, true)
		if !ok {
			p.fail(badParam("to", "%q is not a time: use RFC 3339 (2026-11-20T08:00:00Z) or a date (2026-11-20)", clip(s)))
			return
		}
		to = t
	}
	from = to.Add(-def)
	if s := strings.TrimSpace(p.v.Get("from")); s != "" {
		t, ok := parseTime(s, false)
		if !ok {
			p.fail(badParam("from", "%q is not a time: use RFC 3339 (2026-11-20T08:00:00Z) or a date (2026-11-20)", clip(s)))
			return
		}
		from = t
	}
	switch {
	case !from.Before(to):
		p.fail(badParam("from", "must be before to (%s)", to.UTC().Format(time.RFC3339)))
	case to.Sub(from) > maxSpan:
		p.fail(badParam("from", "the window is longer than %d days; narrow it", int(maxSpan.Hours()/24)))
	}
	return from, to
}

func parseTime(s string, endOfDay bool) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), true
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			t = t.AddDate(0, 0, 1)
		}
		return t, true
	}
	return time.Time{}, false
}

// clip shortens a client value quoted back in a message.
func clip(s string) string {
	if len(s) <= 40 {
		return s
	}
	for i := 40; i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i] + "…"
		}
	}
	return ""
}

// queueParams are the parameters of the queue and its CSV export.
var queueParams = []string{"from", "to", "lane", "operator", "origin", "destination", "rule", "status", "q", "sort", "cursor", "limit"}

// queueQuery reads a queue query. An operator-role caller cannot reach the
// queue at all, so no operator scoping is needed here.
//
// A query without "to" ends now, and now moves between pages; so the next
// cursor of such a query carries the end of its window (after a '.', which
// the store's base64url cursors never hold) and later pages reuse it.
func (s *Server) queueQuery(v url.Values, maxLimit int) (store.QueueQuery, *Error) {
	p := newParams(v, queueParams...)
	var q store.QueueQuery
	end := endOf(s.now())
	cursor := p.text("cursor", 1024)
	if c, suffix, ok := strings.Cut(cursor, "."); ok {
		secs, err := strconv.ParseInt(suffix, 36, 64)
		if err != nil || v.Get("to") != "" {
			p.fail(badParam("cursor", "is not one this API issued, or it was changed: send the next_cursor of the previous page as it came, with the same query"))
		} else {
			end = time.Unix(secs, 0).UTC()
		}
		cursor = c
	}
	q.From, q.To = p.windowEnding(end, 7*24*time.Hour, 400*24*time.Hour)
	q.Lanes = p.lanes("lane")
	q.Operator = p.text("operator", 128)
	q.Origin = p.country("origin")
	q.Destination = p.country("destination")
	q.Rule = p.ident("rule")
	q.Status = p.oneOf("status", store.StatusAny, store.StatusOpen, store.StatusDone)
	q.ItemID = p.text("q", 64)
	q.Sort = p.oneOf("sort", store.SortScore, store.SortScore, store.SortTime)
	q.Cursor = cursor
	q.Limit = p.integer("limit", 50, 1, maxLimit)
	return q, p.err
}

// nextCursor is the cursor the client gets: the store's, with the end of a
// window that moves with the clock.
func nextCursor(v url.Values, q store.QueueQuery, next string) string {
	if next == "" || v.Get("to") != "" {
		return next
	}
	return next + "." + strconv.FormatInt(q.To.Unix(), 36)
}
