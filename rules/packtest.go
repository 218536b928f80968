package rules

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/manifest"
)

// TestResult is the outcome of one rule test.
type TestResult struct {
	Rule  string
	Name  string
	File  string
	Line  int
	Want  bool
	Fired bool
	// Err is set when the test manifest is rejected or the rule fails to run.
	Err string
}

// Passed reports whether the rule behaved as the test expects.
func (r TestResult) Passed() bool { return r.Err == "" && r.Fired == r.Want }

func (r TestResult) String() string {
	verdict := "ok"
	switch {
	case r.Err != "":
		verdict = "FAIL: " + r.Err
	case r.Fired != r.Want && r.Want:
		verdict = "FAIL: want the rule to fire, it did not"
	case r.Fired != r.Want:
		verdict = "FAIL: want the rule not to fire, it fired"
	}
	return fmt.Sprintf("%s:%d: rule %s: test %q: %s", r.File, r.Line, r.Rule, r.Name, verdict)
}

// testEpoch is when tests run if neither the test nor its manifest says.
var testEpoch = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

// prepareTests builds every test's manifest: the pack's test_base with the
// test's fields laid over it.
func (l *loader) prepareTests(base *yaml.Node) {
	var baseMap map[string]any
	if base != nil {
		if err := base.Decode(&baseMap); err != nil {
			l.fail(Problem{File: PackFile, Line: base.Line, Message: "test_base: " + err.Error()})
			return
		}
	}
	for _, r := range l.set.Rules {
		for i := range r.Tests {
			t := &r.Tests[i]
			var over map[string]any
			if t.manifest.Kind != 0 {
				if err := t.manifest.Decode(&over); err != nil {
					l.fail(Problem{File: r.File, Rule: r.ID, Line: t.Line, Message: fmt.Sprintf("test %q: manifest: %v", t.Name, err)})
					continue
				}
			}
			data, err := json.Marshal(merge(baseMap, over))
			if err != nil {
				l.fail(Problem{File: r.File, Rule: r.ID, Line: t.Line, Message: fmt.Sprintf("test %q: manifest: %v", t.Name, err)})
				continue
			}
			t.Data = data
		}
	}
}

// merge lays over on base: objects merge key by key, anything else
// (including lists) replaces. Neither argument is modified.
func merge(base, over map[string]any) map[string]any {
	out := make(map[string]any, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		bm, ok1 := out[k].(map[string]any)
		om, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = merge(bm, om)
		} else {
			out[k] = v
		}
	}
	return out
}

func (l *loader) runTests() {
	for _, res := range l.set.Test() {
		if !res.Passed() {
			l.fail(Problem{File: res.File, Rule: res.Rule, Line: res.Line, Message: res.String()[len(fmt.Sprintf("%s:%d: rule %s: ", res.File, res.Line, res.Rule)):]})
		}
	}
}

// Test runs every rule's tests, ignoring validity windows so that a pack
// does not start failing the day a rule expires.
func (s *Set) Test() []TestResult {
	var (
		out []TestResult
		m   Machine
		dec manifest.Decoder
		p   manifest.Parcel
	)
	for _, r := range s.Rules {
		for _, t := range r.Tests {
			res := TestResult{Rule: r.ID, Name: t.Name, File: r.File, Line: t.Line, Want: t.Fires}
			if err := dec.Decode(t.Data, time.Time{}, &p); err != nil {
				var rej *manifest.Rejection
				if errors.As(err, &rej) {
					res.Err = "the test manifest is rejected: " + rej.Error()
				} else {
					res.Err = err.Error()
				}
				out = append(out, res)
				continue
			}
			p.ReceivedAt = t.ReceivedAt
			if p.ReceivedAt.IsZero() {
				p.ReceivedAt = testEpoch
				if !p.PostedAt.IsZero() {
					p.ReceivedAt = p.PostedAt.Add(time.Hour)
				}
			}
			m.Load(s, &p)
			fired, err := m.Match(r)
			if err != nil {
				res.Err = err.Error()
			}
			res.Fired = fired
			out = append(out, res)
		}
	}
	return out
}
