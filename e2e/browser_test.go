package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// artifactDir is where the browser test leaves its screenshots:
// PARCELGUARD_ARTIFACTS, or var/artifacts/browser in the repository.
func artifactDir(tb testing.TB) string {
	tb.Helper()
	dir := os.Getenv("PARCELGUARD_ARTIFACTS")
	if dir == "" {
		root, err := moduleRoot()
		if err != nil {
			tb.Fatal(err)
		}
		dir = filepath.Join(root, "var", "artifacts")
	}
	dir = filepath.Join(dir, "browser")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// TestBrowserOfficerWorkflow drives Debian's Chromium through what an
// officer does: log in, filter the queue, open a parcel, record a seizure,
// and find it in the statistics. Screenshots of each step are saved.
func TestBrowserOfficerWorkflow(t *testing.T) {
	chromium := needTool(t, "chromium", "chromium")
	f := newAPIFixture(t)
	shots := artifactDir(t)

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()

	// Any JavaScript error or CSP violation fails the test.
	var consoleMu sync.Mutex
	var consoleErrors []string
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if s := m.String(); strings.Contains(strings.ToLower(s), "error") || strings.Contains(s, "Content Security Policy") {
				consoleMu.Lock()
				consoleErrors = append(consoleErrors, s+" "+m.URL)
				consoleMu.Unlock()
			}
		}
	}()

	step := 0
	shot := func(name string) {
		t.Helper()
		step++
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Errorf("screenshot %s: %v", name, err)
			return
		}
		if err := os.WriteFile(filepath.Join(shots, fmt.Sprintf("%02d-%s.png", step, name)), buf, 0o644); err != nil {
			t.Error(err)
		}
	}
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			if buf, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				_ = os.WriteFile(filepath.Join(shots, "failure.png"), buf, 0o644)
			}
			t.Fatalf("%s: %v (screenshot: %s)", what, err, filepath.Join(shots, "failure.png"))
		}
	}
	eval := func(what, js string) any {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[any](js))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
	settle := chromedp.Sleep(300 * time.Millisecond)

	base := f.a.base
	run("open the page", chromedp.EmulateViewport(1366, 768), chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.ID("login-token")))
	shot("login")
	run("log in",
		chromedp.SendKeys(chromedp.ID("login-token"), token("web")),
		chromedp.Click(chromedp.ID("login-submit")),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-testid=queue-row]`)), settle)
	shot("queue")
	if name := fmt.Sprint(eval("user name", `document.getElementById('user-name').textContent`)); !strings.Contains(name, "web") {
		t.Errorf("the top bar names %q; want the token's name", name)
	}

	// Filter the queue to open parcels of the inspect lane.
	run("filter the queue",
		chromedp.SetValue(chromedp.ID("filter-lane"), "inspect"),
		chromedp.SetValue(chromedp.ID("filter-status"), "open"),
		chromedp.Click(chromedp.ID("queue-apply")),
		settle,
		chromedp.WaitVisible(chromedp.CSS(`tr[data-testid=queue-row][data-lane=inspect]`)), settle)
	shot("queue-filtered")
	if v := eval("lanes", `[...document.querySelectorAll('tr[data-testid=queue-row]')].every(r => r.dataset.lane === 'inspect')`); v != true {
		t.Errorf("the queue filtered to inspect shows other lanes")
	}
	if loc := fmt.Sprint(eval("address", `location.search`)); !strings.Contains(loc, "lane=inspect") || !strings.Contains(loc, "status=open") {
		t.Errorf("the filters are not in the address: %s", loc)
	}

	// Open the first parcel with the keyboard.
	itemID := fmt.Sprint(eval("first item", `document.querySelector('a[data-testid=queue-open]').dataset.itemId`))
	run("open a parcel",
		chromedp.Focus(chromedp.CSS(`a[data-testid=queue-open]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`li[data-testid=hit]`)), settle)
	shot("parcel")
	title := fmt.Sprint(eval("title", `document.getElementById('parcel-title').textContent`))
	if !strings.Contains(title, itemID) {
		t.Errorf("the parcel view is titled %q; want %s", title, itemID)
	}

	// Record a seizure.
	run("record a seizure",
		chromedp.Click(chromedp.ID("disp-outcome-seized")),
		chromedp.WaitVisible(chromedp.ID("disp-substance")),
		chromedp.SetValue(chromedp.ID("disp-substance"), "synthetic_opioids"),
		chromedp.SendKeys(chromedp.ID("disp-note"), "Browser test: 3 g of white powder in a greeting card"),
		chromedp.Click(chromedp.ID("disp-submit")),
		chromedp.WaitVisible(chromedp.ID("disp-confirmation")), settle)
	shot("seized")
	if v := eval("history", `document.querySelector('[data-testid=disp-entry][data-current=true]').textContent.includes('Seized')`); v != true {
		t.Errorf("the current disposition is not the seizure")
	}

	// The statistics count it in the yield of the rules that hit.
	rules := eval("hit rules", `[...document.querySelectorAll('li[data-testid=hit]')].map(h => h.dataset.rule)`)
	run("see it in the statistics",
		chromedp.Click(chromedp.ID("nav-stats")),
		chromedp.WaitVisible(chromedp.ID("stats-chart")),
		chromedp.WaitVisible(chromedp.CSS(`#stats-rules tr[data-rule]`)), settle)
	shot("statistics")
	if v := eval("bars", `document.querySelectorAll('#stats-chart rect.bar').length > 0`); v != true {
		t.Error("the statistics chart has no bars")
	}
	for _, r := range rules.([]any) {
		js := fmt.Sprintf(`(() => { const r = document.querySelector('#stats-rules tr[data-rule=%q]'); return r ? r.textContent : '' })()`, r)
		row := fmt.Sprint(eval("yield row", js))
		if row == "" || !regexp.MustCompile(`[1-9]\d*(\.\d+)?%`).MatchString(row) {
			t.Errorf("the yield of rule %s does not show the seizure: %q", r, row)
		}
	}
	consoleMu.Lock()
	defer consoleMu.Unlock()
	if len(consoleErrors) > 0 {
		t.Errorf("the page logged errors:\n%s", strings.Join(consoleErrors, "\n"))
	}
	t.Logf("screenshots in %s", shots)
}
