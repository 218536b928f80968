package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/rules"
)

// run runs one command line and returns its outputs.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut}
	err = m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestGenerateScore(t *testing.T) {
	manifests, _, err := run(t, "", "generate", "--n", "20000", "--seed", "7", "--broken", "0.01", "--start", "2026-11-20T00:00:00Z")
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	again, _, _ := run(t, "", "generate", "--n", "20000", "--seed", "7", "--broken", "0.01", "--start", "2026-11-20T00:00:00Z")
	if again != manifests {
		t.Error("generate with the same seed wrote different manifests")
	}
	out, summary, err := run(t, manifests, "score", "--truth", "--now", "2026-11-21T00:00:00Z")
	if err != nil {
		t.Fatalf("score: %v\n%s", err, summary)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 19500 || len(lines) > 19900 {
		t.Errorf("score wrote %d assessments for 20000 manifests with 1%% broken", len(lines))
	}
	var a struct {
		ItemID      *string          `json:"item_id"`
		Score       *int             `json:"score"`
		Outcome     *string          `json:"outcome"`
		Hits        []map[string]any `json:"hits"`
		DataQuality []map[string]any `json:"data_quality"`
	}
	withQuality := 0
	for _, l := range lines {
		a.Hits, a.DataQuality = nil, nil
		if err := json.Unmarshal([]byte(l), &a); err != nil {
			t.Fatalf("assessment %q: %v", l, err)
		}
		if a.ItemID == nil || a.Score == nil || a.Outcome == nil || a.Hits == nil || a.DataQuality == nil {
			t.Fatalf("assessment lacks item_id, score, outcome, hits or data_quality: %s", l)
		}
		if len(a.DataQuality) > 0 {
			withQuality++
		}
	}
	if withQuality < 500 {
		t.Errorf("%d assessments carry data-quality codes; want the deficient share (about 1000)", withQuality)
	}
	rejected := regexp.MustCompile(`(?m)^-:\d+: rejected: [A-Z_]+`).FindAllString(summary, -1)
	if len(rejected) < 100 {
		t.Errorf("stderr names %d rejected lines; want about 200:\n%.2000s", len(rejected), summary)
	}
	m := regexp.MustCompile(`recall ([0-9.]+)%.*flag rate ([0-9.]+)%`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("summary lacks recall and flag rate:\n%s", summary)
	}
	recall, _ := strconv.ParseFloat(m[1], 64)
	flagRate, _ := strconv.ParseFloat(m[2], 64)
	if recall < 75 || flagRate > 2 {
		t.Errorf("recall %.1f%%, flag rate %.1f%%; want planted parcels flagged far more often than clean ones (recall ≥ 75%%, flag rate ≤ 2%%)", recall, flagRate)
	}
}

func TestScoreBadInput(t *testing.T) {
	in := strings.Join([]string{
		`{"item_id":"RR123456785NL","operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[{"description":"Book","quantity":1,"value":10}],"gross_weight_kg":0.4}`,
		`not json`,
		``,
		`[1,2]`,
		`{"operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[]}`,
		`{"item_id":"X1","operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[{"description":"a","quantity":"two"}]}`,
		`{"item_id":"X2","operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[{"description":"a","quantity":1}],"gross_weight_kg":-1}`,
		`{"item_id":"X3","operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[{"description":"` + strings.Repeat("x", 3000) + `","quantity":1}]}`,
	}, "\n")
	out, errOut, err := run(t, in, "score", "--max-bytes", "2048")
	if err != nil {
		t.Fatalf("score = %v; bad lines must not stop the run", err)
	}
	if n := strings.Count(out, "\n"); n != 1 {
		t.Errorf("score wrote %d assessments; want 1:\n%s", n, out)
	}
	for _, want := range []string{
		"-:2: rejected: NOT_JSON",
		"-:4: rejected: NOT_OBJECT",
		"-:5: rejected: MISSING_ITEM_ID",
		"NO_CONTENTS",
		"-:6: rejected: WRONG_TYPE at contents[0].quantity",
		"-:7: rejected: NEGATIVE_VALUE at gross_weight_kg",
		"-:8: rejected: TOO_LARGE",
		"scored 1, rejected 6",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
}

func TestRulesCommands(t *testing.T) {
	if out, _, err := run(t, "", "rules", "check"); err != nil || !strings.Contains(out, "ok: pack default") {
		t.Errorf("rules check = %v, %q", err, out)
	}
	if out, _, err := run(t, "", "rules", "test"); err != nil || !strings.Contains(out, " 0 failed") {
		t.Errorf("rules test = %v, %q", err, out)
	}
	out, _, err := run(t, "", "rules", "env")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sender.phone_e164", "contents[].hs_chapter", "value_per_kg_eur", "in_list(list string", "vague_terms"} {
		if !strings.Contains(out, want) {
			t.Errorf("rules env lacks %q", want)
		}
	}

	dir := t.TempDir()
	copyPack(t, dir)
	bad := filepath.Join(dir, "d99_bad.yaml")
	os.WriteFile(bad, []byte("rules:\n  - id: BAD\n    title: t\n    description: d\n    score: 1\n    when: |\n      gross_weight_kg > 1 && sender.phon == \"\"\n"), 0o644)
	_, errOut, err := run(t, "", "rules", "check", dir)
	if !errors.Is(err, errFailed) || !strings.Contains(errOut, "d99_bad.yaml:7:") || !strings.Contains(errOut, "rule BAD") {
		t.Errorf("rules check on a bad pack = %v:\n%s", err, errOut)
	}
	if _, _, err := run(t, "", "rules", "frobnicate"); !errors.Is(err, errUsage) {
		t.Errorf("rules frobnicate = %v; want a usage error", err)
	}
	if _, _, err := run(t, "", "rules", "check", filepath.Join(dir, "pack.yaml")); err == nil {
		t.Error("rules check FILE = nil; want an error saying to give the folder")
	}
}

// copyPack copies the embedded default pack into dir.
func copyPack(t *testing.T, dir string) {
	t.Helper()
	if err := os.CopyFS(dir, defaultPackFS()); err != nil {
		t.Fatal(err)
	}
}

// TestScoreWatchReload streams manifests through score --watch while the
// pack changes on disk and by SIGHUP: assessments after each change carry the
// new pack version, and a broken pack leaves the running one in place.
func TestScoreWatchReload(t *testing.T) {
	dir := t.TempDir()
	copyPack(t, dir)
	pr, pw, _ := os.Pipe()
	var out, errOut syncBuffer
	hup := make(chan os.Signal, 1)
	m := &Main{Stdin: pr, Stdout: &out, Stderr: &errOut, Signals: hup}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"score", "--watch", "--rules", dir}) }()

	manifest := `{"item_id":"RR123456785NL","operator":"NLPOST","origin_country":"NL","destination_country":"DE","contents":[{"description":"Book","quantity":1,"value":10}],"gross_weight_kg":0.4}` + "\n"
	versionAfter := func(what string, prev string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			pw.WriteString(manifest)
			time.Sleep(50 * time.Millisecond)
			if v := lastVersion(out.String()); v != "" && v != prev {
				return v
			}
		}
		t.Fatalf("no assessment with a new pack version after %s; stderr:\n%s", what, errOut.String())
		return ""
	}
	first := versionAfter("start", "")

	// A change on disk is picked up by the watcher.
	lists := filepath.Join(dir, "lists", "generic_names.txt")
	f, _ := os.OpenFile(lists, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("Hans Wurst\n")
	f.Close()
	second := versionAfter("a list changed", first)

	// A broken pack is refused and the running one keeps scoring.
	os.WriteFile(filepath.Join(dir, "d99.yaml"), []byte("rules: [oops"), 0o644)
	time.Sleep(600 * time.Millisecond)
	pw.WriteString(manifest)
	time.Sleep(100 * time.Millisecond)
	if v := lastVersion(out.String()); v != second {
		t.Errorf("pack version %s after a broken pack; want %s kept", v, second)
	}
	if !strings.Contains(errOut.String(), "reload refused") {
		t.Errorf("stderr does not say the reload was refused:\n%s", errOut.String())
	}

	// SIGHUP reloads the fixed pack.
	os.Remove(filepath.Join(dir, "d99.yaml"))
	original, _ := fs.ReadFile(defaultPackFS(), "lists/generic_names.txt")
	os.WriteFile(filepath.Join(dir, "lists", "generic_names.txt"), original, 0o644)
	hup <- os.Interrupt
	versionAfter("SIGHUP", second)

	pw.Close()
	if err := <-done; err != nil {
		t.Errorf("score = %v", err)
	}
}

func lastVersion(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var a struct {
		Pack string `json:"pack_version"`
	}
	if len(lines) == 0 || json.Unmarshal([]byte(lines[len(lines)-1]), &a) != nil {
		return ""
	}
	return a.Pack
}

func defaultPackFS() fs.FS { return rules.Default }

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPruneRefusesBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "-keep-months 0: say how many months of parcels to keep"},
		{[]string{"-keep-months", "-3"}, "-keep-months -3: say how many months"},
		{[]string{"-keep-months", "13", "-audit-keep-months", "-1"}, "-audit-keep-months -1: must be 0 (keep all) or more"},
		{[]string{"-keep-months", "13", "-dispositions-keep-months", "-2"}, "-dispositions-keep-months -2: must be 0"},
	} {
		_, errOut, err := run(t, "", append([]string{"prune"}, c.args...)...)
		if !errors.Is(err, errUsage) || !strings.Contains(errOut, c.want) {
			t.Errorf("prune %v = %v, %q; want a usage error saying %q", c.args, err, errOut, c.want)
		}
	}
}
