package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v5"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
	"github.com/parcelguard/parcelguard/store"
)

// writeAudit appends one entry to the audit log. Reads of personal data
// are refused when they cannot be audited, so the caller checks the error
// where it matters; here failures are logged.
func (s *Server) writeAudit(c *echo.Context, id *Identity, action, object, detail string) error {
	err := s.cfg.Store.WriteAudit(c.Request().Context(), store.AuditEntry{
		At: s.now().UTC(), Actor: id.Name, Role: id.role(), Action: action,
		Object: object, RemoteAddr: c.RealIP(), Detail: detail,
	})
	if err != nil {
		s.log.Error("writing the audit log", "action", action, "object", object, "actor", id.Name, "err", err)
		return &Error{Status: http.StatusServiceUnavailable, Code: "AUDIT_UNAVAILABLE",
			Message: "the audit log cannot be written just now, so this action is refused; try again shortly"}
	}
	return nil
}

type sessionJSON struct {
	Identity
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (s *Server) sessionInfo(c *echo.Context) error {
	out := sessionJSON{Identity: *identity(c)}
	if ss, ok := c.Get(ctxSession).(*session); ok {
		out.CSRFToken = ss.csrf
	}
	return c.JSON(http.StatusOK, out)
}

// queueItemJSON is one row of the review queue.
type queueItemJSON struct {
	ItemID      string    `json:"item_id"`
	Operator    string    `json:"operator"`
	Origin      string    `json:"origin"`
	Destination string    `json:"destination"`
	PostedAt    time.Time `json:"posted_at"`
	ReceivedAt  time.Time `json:"received_at"`
	Score       int32     `json:"score"`
	Outcome     string    `json:"outcome"`
	Sampled     bool      `json:"sampled"`
	Rules       []string  `json:"rules"`
	Disposition string    `json:"disposition"`
}

func queueItem(it store.QueueItem) queueItemJSON {
	rules := it.Rules
	if rules == nil {
		rules = []string{}
	}
	return queueItemJSON{ItemID: it.ItemID, Operator: it.Operator, Origin: it.Origin, Destination: it.Destination,
		PostedAt: it.PostedAt.UTC(), ReceivedAt: it.ReceivedAt.UTC(), Score: it.Score, Outcome: it.Outcome,
		Sampled: it.Sampled, Rules: rules, Disposition: it.Disposition}
}

func (s *Server) queue(c *echo.Context) error {
	q, perr := s.queueQuery(c.QueryParams(), 1000)
	if perr != nil {
		return perr
	}
	page, err := s.cfg.Store.Queue(c.Request().Context(), q)
	if err != nil {
		return errf("reading the queue", err)
	}
	items := make([]queueItemJSON, len(page.Items))
	for i, it := range page.Items {
		items[i] = queueItem(it)
	}
	return c.JSON(http.StatusOK, map[string]any{"items": items, "next_cursor": nextCursor(c.QueryParams(), q, page.Next)})
}

// queueCSV exports the queue query, every page of it up to ExportLimit
// rows, as CSV. The export is audited with its query.
func (s *Server) queueCSV(c *echo.Context) error {
	q, perr := s.queueQuery(c.QueryParams(), 1000)
	if perr != nil {
		return perr
	}
	if c.QueryParam("limit") == "" {
		q.Limit = 1000
	}
	ctx := c.Request().Context()
	// The first page is read before anything is written, so a failure is
	// still a proper error response.
	page, err := s.cfg.Store.Queue(ctx, q)
	if err != nil {
		return errf("reading the queue", err)
	}
	if err := s.writeAudit(c, identity(c), "queue.export", "", c.QueryParams().Encode()); err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="parcelguard-queue-%s.csv"`, s.now().UTC().Format("20060102T150405Z")))
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	w.Write([]string{"item_id", "outcome", "score", "operator", "origin", "destination", "posted_at", "received_at", "rules", "sampled", "disposition"})
	n := 0
	for {
		for _, it := range page.Items {
			w.Write([]string{csvSafe(it.ItemID), it.Outcome, strconv.Itoa(int(it.Score)), csvSafe(it.Operator), it.Origin, it.Destination,
				it.PostedAt.UTC().Format(time.RFC3339), it.ReceivedAt.UTC().Format(time.RFC3339),
				strings.Join(it.Rules, " "), strconv.FormatBool(it.Sampled), it.Disposition})
			n++
		}
		if page.Next == "" || n >= s.cfg.ExportLimit {
			break
		}
		q.Cursor = page.Next
		if page, err = s.cfg.Store.Queue(ctx, q); err != nil {
			// Headers are gone: the truncation is marked in the file.
			s.log.Error("exporting the queue", "err", err)
			w.Write([]string{"# export interrupted: the store stopped answering; export again"})
			break
		}
	}
	w.Flush()
	return w.Error()
}

// csvSafe keeps a spreadsheet from reading operator-supplied text as a
// formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type hitJSON struct {
	Rule    string `json:"rule"`
	Title   string `json:"title"`
	Score   int    `json:"score"`
	Reason  string `json:"reason"`
	Outcome string `json:"outcome"`
}

type assessmentJSON struct {
	Score       int                `json:"score"`
	Outcome     string             `json:"outcome"`
	Sampled     bool               `json:"sampled"`
	PackVersion string             `json:"pack_version"`
	ReceivedAt  time.Time          `json:"received_at"`
	AssessedAt  time.Time          `json:"assessed_at"`
	Hits        []hitJSON          `json:"hits"`
	ShadowHits  []hitJSON          `json:"shadow_hits"`
	DataQuality []manifest.Finding `json:"data_quality"`
	Errors      []string           `json:"errors"`
}

type dispositionJSON struct {
	RecordedAt time.Time `json:"recorded_at"`
	Officer    string    `json:"officer"`
	Outcome    string    `json:"outcome"`
	Substance  string    `json:"substance"`
	Note       string    `json:"note"`
}

type relatedJSON struct {
	Via         string    `json:"via"`
	Key         string    `json:"key"`
	ItemID      string    `json:"item_id"`
	Operator    string    `json:"operator"`
	Origin      string    `json:"origin"`
	Destination string    `json:"destination"`
	ReceivedAt  time.Time `json:"received_at"`
	Score       int32     `json:"score"`
	Outcome     string    `json:"outcome"`
	Disposition string    `json:"disposition"`
}

// titles maps the running pack's rule ids to their titles; a rule since
// removed from the pack keeps an empty title.
func (s *Server) titles() map[string]string {
	m := map[string]string{}
	if set := s.cfg.Rules.Current(); set != nil {
		for _, r := range set.Rules {
			m[r.ID] = r.Title
		}
	}
	return m
}

func hits(hs []scorer.Hit, titles map[string]string) []hitJSON {
	out := make([]hitJSON, len(hs))
	for i, h := range hs {
		out[i] = hitJSON{Rule: h.Rule, Title: titles[h.Rule], Score: h.Score, Reason: h.Reason, Outcome: string(h.Outcome)}
	}
	return out
}

func assessment(a *scorer.Assessment, titles map[string]string) assessmentJSON {
	dq := a.DataQuality
	if dq == nil {
		dq = []manifest.Finding{}
	}
	errs := a.Errors
	if errs == nil {
		errs = []string{}
	}
	return assessmentJSON{Score: a.Score, Outcome: string(a.Outcome), Sampled: a.Sampled, PackVersion: a.Pack,
		ReceivedAt: a.ReceivedAt.UTC(), AssessedAt: a.AssessedAt.UTC(),
		Hits: hits(a.Hits, titles), ShadowHits: hits(a.Shadow, titles), DataQuality: dq, Errors: errs}
}

func dispositions(ds []store.Disposition) []dispositionJSON {
	out := make([]dispositionJSON, len(ds))
	for i, d := range ds {
		out[i] = dispositionJSON{RecordedAt: d.RecordedAt.UTC(), Officer: d.Officer, Outcome: d.Outcome, Substance: d.Substance, Note: d.Note}
	}
	return out
}

// itemID validates the :id path parameter.
func itemID(c *echo.Context) (string, *Error) {
	id, err := url.PathUnescape(c.Param("id"))
	if err != nil || id == "" || len(id) > 64 || !utf8.ValidString(id) || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return "", badParam("id", "is not an item id: up to 64 printable characters")
	}
	return id, nil
}

// parcel is the detail view: manifest, assessment, disposition history and
// related parcels. Every read is audited before any data is sent.
func (s *Server) parcel(c *echo.Context) error {
	id, perr := itemID(c)
	if perr != nil {
		return perr
	}
	p := newParams(c.QueryParams(), "related_days", "related_limit")
	days := p.integer("related_days", int(s.cfg.RelatedWindow.Hours()/24), 1, 400)
	limit := p.integer("related_limit", 20, 1, 200)
	if p.err != nil {
		return p.err
	}
	// One call reads the parcel, its dispositions and the related parcels
	// side by side; the related window is centred on its received_at. The
	// audit entry is written beside the reads once the parcel is known to
	// exist, and no data leaves without it.
	ctx := c.Request().Context()
	audit := func() error { return s.writeAudit(c, identity(c), "parcel.read", id, "") }
	d, err := s.cfg.Store.DetailAround(ctx, id, time.Duration(days)*24*time.Hour, limit, audit)
	var refused *Error // the audit entry could not be written
	if errors.As(err, &refused) {
		return refused
	}
	if err != nil {
		return errf("reading a parcel", err)
	}
	rec, ds, rel := d.Record, d.Dispositions, d.Related
	related := make([]relatedJSON, len(rel))
	for i, r := range rel {
		related[i] = relatedJSON{Via: r.Via, Key: r.Key, ItemID: r.ItemID, Operator: r.Operator, Origin: r.Origin,
			Destination: r.Destination, ReceivedAt: r.ReceivedAt.UTC(), Score: r.Score, Outcome: r.Outcome, Disposition: r.Disposition}
	}
	raw := json.RawMessage(rec.Parcel.Raw)
	if !json.Valid(raw) {
		raw = json.RawMessage("null")
	}
	return c.JSON(http.StatusOK, map[string]any{
		"item_id":      id,
		"manifest":     raw,
		"assessment":   assessment(rec.Assessment, s.titles()),
		"dispositions": dispositions(ds),
		"related":      related,
	})
}

// Substance classes an officer can record for a seizure.
var substances = []string{"synthetic_opioids", "other_opioids", "cocaine", "cannabis", "amphetamine_type_stimulants",
	"mdma", "new_psychoactive_substances", "benzodiazepines", "precursors", "other"}

type dispositionRequest struct {
	Outcome   string `json:"outcome"`
	Substance string `json:"substance"`
	Note      string `json:"note"`
}

// decodeJSON reads a JSON body strictly: one object, no unknown fields.
func decodeJSON(c *echo.Context, v any) *Error {
	if ct := c.Request().Header.Get(echo.HeaderContentType); !strings.HasPrefix(ct, "application/json") {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE", Message: "send the body as application/json"}
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge interface{ StatusCode() int }
		if errors.As(err, &tooLarge) && tooLarge.StatusCode() == http.StatusRequestEntityTooLarge {
			return fromEcho(err)
		}
		return badRequest("BAD_BODY", "the body is not the JSON object this route takes: %s", jsonProblem(err))
	}
	if dec.More() {
		return badRequest("BAD_BODY", "the body holds more than one JSON value; send one object")
	}
	return nil
}

// jsonProblem turns a decoding error into a short sentence without Go
// type names.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be a %s", typ.Field, typ.Type.Kind())
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, context.Canceled):
		return "the request was cancelled"
	}
	return "it ends early or is malformed"
}

// dispose records an officer's outcome for a parcel. Dispositions are
// append-only: a later one supersedes, both stay.
func (s *Server) dispose(c *echo.Context) error {
	id, perr := itemID(c)
	if perr != nil {
		return perr
	}
	var req dispositionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	switch req.Outcome {
	case store.DispositionCleared, store.DispositionSeized, store.DispositionOtherViolation, store.DispositionNotInspected:
	case "":
		return badParam("outcome", "is required: cleared, seized, other_violation or not_inspected")
	default:
		return badParam("outcome", "%q is not an outcome; use cleared, seized, other_violation or not_inspected", clip(req.Outcome))
	}
	switch {
	case req.Outcome == store.DispositionSeized && req.Substance == "":
		return badParam("substance", "is required for a seizure: one of %s", strings.Join(substances, ", "))
	case req.Substance != "" && !slices.Contains(substances, req.Substance):
		return badParam("substance", "%q is not a substance class; use one of %s", clip(req.Substance), strings.Join(substances, ", "))
	case req.Substance != "" && req.Outcome != store.DispositionSeized:
		return badParam("substance", "is only recorded with a seizure; leave it out for %s", req.Outcome)
	case len(req.Note) > 2000:
		return badParam("note", "is %d bytes long; the limit is 2000", len(req.Note))
	case !utf8.ValidString(req.Note) || strings.ContainsFunc(req.Note, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		return badParam("note", "contains characters that are not text")
	}
	ctx := c.Request().Context()
	if _, err := s.cfg.Store.Get(ctx, id); err != nil {
		return errf("reading a parcel", err)
	}
	who := identity(c)
	d := store.Disposition{ItemID: id, RecordedAt: s.now().UTC().Truncate(time.Second), Officer: who.Name,
		Outcome: req.Outcome, Substance: req.Substance, Note: req.Note}
	detail := req.Outcome
	if req.Substance != "" {
		detail += " " + req.Substance
	}
	if err := s.writeAudit(c, who, "disposition.record", id, detail); err != nil {
		return err
	}
	if err := s.cfg.Store.WriteDisposition(ctx, d); err != nil {
		_ = s.writeAudit(c, who, "disposition.failed", id, detail)
		return errf("recording a disposition", err)
	}
	return c.JSON(http.StatusCreated, dispositionJSON{RecordedAt: d.RecordedAt, Officer: d.Officer, Outcome: d.Outcome, Substance: d.Substance, Note: d.Note})
}

func (s *Server) stats(c *echo.Context) error {
	p := newParams(c.QueryParams(), "from", "to", "operator")
	var q store.StatsQuery
	q.From, q.To = p.window(s.now(), 30*24*time.Hour, 400*24*time.Hour)
	q.Operator = p.text("operator", 128)
	if p.err != nil {
		return p.err
	}
	st, err := s.cfg.Store.Stats(c.Request().Context(), q)
	if err != nil {
		return errf("reading statistics", err)
	}
	type daily struct {
		Day     string `json:"day"`
		Lane    string `json:"lane"`
		Parcels uint64 `json:"parcels"`
	}
	type operator struct {
		Operator string `json:"operator"`
		Parcels  uint64 `json:"parcels"`
		Review   uint64 `json:"review"`
		Inspect  uint64 `json:"inspect"`
	}
	type rule struct {
		Rule      string  `json:"rule"`
		Title     string  `json:"title"`
		Hits      uint64  `json:"hits"`
		Inspected uint64  `json:"inspected"`
		Seized    uint64  `json:"seized"`
		Yield     float64 `json:"yield"`
	}
	out := struct {
		From      time.Time  `json:"from"`
		To        time.Time  `json:"to"`
		Daily     []daily    `json:"daily"`
		Operators []operator `json:"operators"`
		Rules     []rule     `json:"rules"`
	}{From: q.From.UTC(), To: q.To.UTC(), Daily: []daily{}, Operators: []operator{}, Rules: []rule{}}
	for _, d := range st.Daily {
		out.Daily = append(out.Daily, daily{d.Day.UTC().Format(time.DateOnly), d.Lane, d.Parcels})
	}
	for _, o := range st.Operators {
		out.Operators = append(out.Operators, operator{o.Operator, o.Parcels, o.Review, o.Inspect})
	}
	titles := s.titles()
	for _, r := range st.Rules {
		out.Rules = append(out.Rules, rule{r.Rule, titles[r.Rule], r.Hits, r.Inspected, r.Seized, r.Yield})
	}
	return c.JSON(http.StatusOK, out)
}

func (s *Server) rules(c *echo.Context) error {
	type rule struct {
		ID          string     `json:"id"`
		Title       string     `json:"title"`
		Description string     `json:"description"`
		Score       int        `json:"score"`
		Outcome     string     `json:"outcome"`
		Mode        string     `json:"mode"`
		ValidFrom   *time.Time `json:"valid_from,omitempty"`
		ValidUntil  *time.Time `json:"valid_until,omitempty"`
		Tags        []string   `json:"tags"`
		File        string     `json:"file"`
		Line        int        `json:"line"`
	}
	out := []rule{}
	if set := s.cfg.Rules.Current(); set != nil {
		for _, r := range set.Rules {
			x := rule{ID: r.ID, Title: r.Title, Description: r.Description, Score: r.Score, Outcome: r.Outcome,
				Mode: r.Mode, Tags: r.Tags, File: r.File, Line: r.Line}
			if x.Tags == nil {
				x.Tags = []string{}
			}
			if !r.ValidFrom.IsZero() {
				t := r.ValidFrom.UTC()
				x.ValidFrom = &t
			}
			if !r.ValidUntil.IsZero() {
				t := r.ValidUntil.UTC()
				x.ValidUntil = &t
			}
			out = append(out, x)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"status": s.cfg.Rules.Status(), "rules": out})
}

// itemStatus tells an operator what became of one of its items: the lane
// (whether to hold it) and the data-quality findings to fix, not the
// rules that fired, which are customs intelligence.
func (s *Server) itemStatus(c *echo.Context) error {
	id, perr := itemID(c)
	if perr != nil {
		return perr
	}
	if err := newParams(c.QueryParams()).err; err != nil {
		return err
	}
	ctx := c.Request().Context()
	rec, err := s.cfg.Store.Get(ctx, id)
	if err != nil {
		return errf("reading a parcel", err)
	}
	who := identity(c)
	if !who.has(RoleAdmin) && rec.Parcel.Operator != who.Operator {
		// The same answer as for an unknown item: an operator learns
		// nothing about other operators' items.
		return errNotFound
	}
	ds, err := s.cfg.Store.Dispositions(ctx, id)
	if err != nil {
		return errf("reading dispositions", err)
	}
	disp := ""
	if len(ds) > 0 {
		disp = ds[len(ds)-1].Outcome
	}
	a := rec.Assessment
	dq := a.DataQuality
	if dq == nil {
		dq = []manifest.Finding{}
	}
	return c.JSON(http.StatusOK, map[string]any{
		"item_id": id, "operator": rec.Parcel.Operator, "received_at": a.ReceivedAt.UTC(), "assessed_at": a.AssessedAt.UTC(),
		"outcome": a.Outcome, "hold": a.Outcome != scorer.Release || a.Sampled, "disposition": disp, "data_quality": dq,
	})
}

func (s *Server) audit(c *echo.Context) error {
	p := newParams(c.QueryParams(), "from", "to", "actor", "action", "limit")
	var q store.AuditQuery
	q.From, q.To = p.window(s.now(), 7*24*time.Hour, 400*24*time.Hour)
	q.Actor = p.text("actor", 128)
	q.Action = p.ident("action")
	q.Limit = p.integer("limit", 200, 1, 1000)
	if p.err != nil {
		return p.err
	}
	entries, err := s.cfg.Store.Audit(c.Request().Context(), q)
	if err != nil {
		return errf("reading the audit log", err)
	}
	type entry struct {
		At         time.Time `json:"at"`
		Actor      string    `json:"actor"`
		Role       string    `json:"role"`
		Action     string    `json:"action"`
		Object     string    `json:"object"`
		RemoteAddr string    `json:"remote_addr"`
		Detail     string    `json:"detail"`
	}
	out := make([]entry, len(entries))
	for i, e := range entries {
		out[i] = entry{e.At.UTC(), e.Actor, e.Role, e.Action, e.Object, e.RemoteAddr, e.Detail}
	}
	return c.JSON(http.StatusOK, map[string]any{"entries": out})
}
