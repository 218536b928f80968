package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/labstack/echo/v5"

	"github.com/parcelguard/parcelguard/manifest"
)

// CodeOperatorMismatch rejects a manifest an operator-role token sends for
// another operator.
const CodeOperatorMismatch = "OPERATOR_MISMATCH"

// readManifests splits a request body into manifests: a JSON array of
// objects (application/json) or one object per line
// (application/x-ndjson). The shape of the whole body is checked here;
// each manifest is checked by the decoder, item by item.
func readManifests(c *echo.Context, maxItems int) ([][]byte, *Error) {
	ct, _, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		if e := fromEcho(err); e != nil {
			return nil, e
		}
		return nil, badRequest("BAD_BODY", "the body could not be read to the end")
	}
	var out [][]byte
	switch ct {
	case "application/json":
		dec := json.NewDecoder(bytes.NewReader(body))
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			return nil, badRequest("BAD_BODY", "an application/json body must be a JSON array of manifests, [ {...}, {...} ]; for one manifest a line send application/x-ndjson")
		}
		for dec.More() {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return nil, badRequest("BAD_BODY", "the array is not valid JSON after %d manifests (%s); nothing was accepted", len(out), jsonProblem(err))
			}
			out = append(out, raw)
			if len(out) > maxItems {
				return nil, tooMany(maxItems)
			}
		}
		if _, err := dec.Token(); err != nil {
			return nil, badRequest("BAD_BODY", "the array is not closed; nothing was accepted")
		}
		if _, err := dec.Token(); err != io.EOF {
			return nil, badRequest("BAD_BODY", "there is data after the array; send one array")
		}
	case "application/x-ndjson", "application/jsonl", "application/jsonlines":
		// The lines are cut from body, which stays as it is: each manifest
		// keeps its own bytes.
		for rest := body; len(rest) > 0; {
			var line []byte
			line, rest, _ = bytes.Cut(rest, []byte("\n"))
			line = bytes.TrimSpace(line)
			if len(line) == 0 {
				continue
			}
			out = append(out, line)
			if len(out) > maxItems {
				return nil, tooMany(maxItems)
			}
		}
	default:
		return nil, &Error{Status: http.StatusUnsupportedMediaType, Code: "UNSUPPORTED_MEDIA_TYPE",
			Message: "send a JSON array of manifests as application/json, or one manifest a line as application/x-ndjson"}
	}
	if len(out) == 0 {
		return nil, badRequest("BAD_BODY", "the body holds no manifests")
	}
	return out, nil
}

func tooMany(n int) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: "TOO_MANY_ITEMS",
		Message: fmt.Sprintf("a request takes at most %d manifests; split the batch", n)}
}

// itemResult is the answer for one manifest of an ingest or check.
type itemResult struct {
	Index       int                `json:"index"`
	ItemID      string             `json:"item_id"`
	Status      string             `json:"status"`
	Findings    []manifest.Finding `json:"findings,omitempty"`
	DataQuality []manifest.Finding `json:"data_quality,omitempty"`
	Assessment  *assessmentJSON    `json:"assessment,omitempty"`
	Outcome     string             `json:"outcome,omitempty"`
	parcel      *manifest.Parcel   `json:"-"`
	raw         []byte             `json:"-"`
}

// validate decodes each manifest. An operator-role caller (not admin) may
// only send its own operator's items.
func (s *Server) validate(c *echo.Context, msgs [][]byte) []itemResult {
	who := identity(c)
	scoped := who.Operator != "" && !slices.Contains(who.Roles, RoleAdmin)
	now := s.now().UTC()
	var dec manifest.Decoder
	out := make([]itemResult, len(msgs))
	for i, m := range msgs {
		p := new(manifest.Parcel)
		r := itemResult{Index: i, raw: m}
		err := dec.Decode(m, now, p)
		r.ItemID = p.ItemID
		var rej *manifest.Rejection
		switch {
		case errors.As(err, &rej):
			r.Status, r.Findings = "rejected", rej.Findings
		case err != nil:
			r.Status, r.Findings = "rejected", []manifest.Finding{{Code: manifest.CodeNotJSON, Message: "the manifest could not be read"}}
		case scoped && p.Operator != who.Operator:
			r.Status = "rejected"
			r.Findings = []manifest.Finding{{Code: CodeOperatorMismatch, Path: "operator",
				Message: fmt.Sprintf("operator is %q but this token sends for %q; send each operator's items with its own token", clip(p.Operator), who.Operator)}}
		default:
			r.Status, r.parcel = "accepted", p
			r.DataQuality = append([]manifest.Finding(nil), p.Quality...)
		}
		out[i] = r
	}
	return out
}

// ingest validates manifests and writes the good ones to the manifests
// topic, where the pipeline screens them like any other. The answer lists
// every item as accepted or rejected.
func (s *Server) ingest(c *echo.Context) error {
	msgs, perr := readManifests(c, s.cfg.MaxIngestItems)
	if perr != nil {
		return perr
	}
	if s.cfg.Publisher == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "INGEST_UNAVAILABLE", Message: "HTTP ingest is not enabled on this server; send manifests to the Kafka topic"}
	}
	results := s.validate(c, msgs)
	var good [][]byte
	for _, r := range results {
		if r.Status == "accepted" {
			good = append(good, r.raw)
		}
	}
	if len(good) > 0 {
		if err := s.cfg.Publisher.Send(c.Request().Context(), good...); err != nil {
			s.log.Error("ingest: writing to the manifests topic", "items", len(good), "err", err)
			return &Error{Status: http.StatusServiceUnavailable, Code: "BROKER_UNAVAILABLE",
				Message: "the manifests could not be written to Kafka; resend the whole batch (items already sent are screened once)"}
		}
	}
	who := identity(c)
	_ = s.writeAudit(c, who, "ingest", who.Operator, fmt.Sprintf("%d accepted, %d rejected", len(good), len(results)-len(good)))
	return c.JSON(http.StatusOK, map[string]any{"accepted": len(good), "rejected": len(results) - len(good), "items": results})
}

// check scores manifests with the running pack and stores nothing.
// Analysts see the whole assessment; operators see the lane and the
// data-quality findings, not which rules fired.
func (s *Server) check(c *echo.Context) error {
	msgs, perr := readManifests(c, min(1000, s.cfg.MaxIngestItems))
	if perr != nil {
		return perr
	}
	who := identity(c)
	full := who.has(RoleAnalyst)
	results := s.validate(c, msgs)
	titles := s.titles()
	for i := range results {
		r := &results[i]
		if r.parcel == nil {
			continue
		}
		a := s.cfg.Scorer.Score(r.parcel)
		r.Status = "scored"
		r.Outcome = string(a.Outcome)
		if full {
			aj := assessment(&a, titles)
			r.Assessment = &aj
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"items": results})
}
