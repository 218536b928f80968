package e2e

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parcelguard/parcelguard/synth"
)

// apiClient calls the engine's API.
type apiClient struct {
	tb   testing.TB
	base string
	c    *http.Client
}

func newAPIClient(tb testing.TB, e *engine) *apiClient {
	return &apiClient{tb: tb, base: "http://" + e.HTTP, c: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends a request as the test identity who ("" for none) and returns
// the status and body.
func (a *apiClient) do(method, path, who string, body []byte, ctype string) (int, []byte, http.Header) {
	a.tb.Helper()
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	if err != nil {
		a.tb.Fatalf("%s %s: %v", method, path, err)
	}
	if who != "" {
		req.Header.Set("Authorization", "Bearer "+token(who))
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.tb.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return resp.StatusCode, data, resp.Header
}

// getJSON GETs path as who, wants status, and decodes the body into out.
func (a *apiClient) getJSON(path, who string, want int, out any) {
	a.tb.Helper()
	code, body, _ := a.do(http.MethodGet, path, who, nil, "")
	if code != want {
		a.tb.Fatalf("GET %s as %q = %d %s; want %d", path, who, code, body, want)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			a.tb.Fatalf("GET %s: decoding %s: %v", path, body, err)
		}
	}
}

type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// wantError checks an error answer: status, code and, when param is not
// empty, the parameter it names.
func wantError(tb testing.TB, what string, code int, body []byte, wantCode int, wantErr, param string) {
	tb.Helper()
	if code != wantCode {
		tb.Errorf("%s = %d %s; want %d", what, code, body, wantCode)
		return
	}
	var e apiError
	if err := json.Unmarshal(body, &e); err != nil {
		tb.Errorf("%s: the error body %q is not the API's JSON shape: %v", what, body, err)
		return
	}
	if wantErr != "" && e.Error.Code != wantErr {
		tb.Errorf("%s: error code %q (%s); want %q", what, e.Error.Code, e.Error.Message, wantErr)
	}
	if e.Error.Message == "" {
		tb.Errorf("%s: the error has no message", what)
	}
	if param != "" && e.Error.Details["parameter"] != param {
		tb.Errorf("%s: details.parameter = %v (%s); want %q", what, e.Error.Details["parameter"], e.Error.Message, param)
	}
}

type queueItem struct {
	ItemID      string   `json:"item_id"`
	Operator    string   `json:"operator"`
	Origin      string   `json:"origin"`
	Destination string   `json:"destination"`
	Score       int      `json:"score"`
	Outcome     string   `json:"outcome"`
	Rules       []string `json:"rules"`
	Disposition string   `json:"disposition"`
}

type queuePage struct {
	Items []queueItem `json:"items"`
	Next  string      `json:"next_cursor"`
}

// apiFixture is an engine with a screened corpus behind it.
type apiFixture struct {
	e      *engine
	d      *db
	a      *apiClient
	corpus *corpus
}

// newAPIFixture streams a corpus through the real pipeline — the embedded
// broker, the engine binary, ClickHouse — and returns the engine.
func newAPIFixture(t *testing.T) *apiFixture {
	t.Helper()
	addr := needClickHouse(t)
	b := startBroker(t)
	d := newDB(t, addr)
	e := startEngine(t, "engine", engineConfig{
		Brokers: b.Addrs(), GroupID: "api", ClickHouse: addr, Database: d.name, SpoolDir: t.TempDir(),
		Set: []string{"api.max_ingest_bytes=1048576", "api.rate_limit=1000", "api.rate_burst=1000",
			"api.auth_failure_rate=1000", "api.auth_failure_burst=1000",
			"api.proxy_auth.trusted=127.0.0.2"},
	})
	c := newCorpus(11, 3000, 0.01)
	produceAll(t, b.Addrs(), c.msgs)
	waitStored(t, d, len(c.accepted), c.rejectedN, 2*time.Minute, e)
	return &apiFixture{e: e, d: d, a: newAPIClient(t, e), corpus: c}
}

// TestAPI drives every route of the API against the real pipeline and
// ClickHouse: roles, bad tokens, bad parameters, injection attempts, and
// what each route answers.
func TestAPI(t *testing.T) {
	f := newAPIFixture(t)
	a := f.a
	// The client reports to the running subtest.
	run := func(name string, fn func(t *testing.T)) {
		t.Run(name, func(st *testing.T) {
			a.tb = st
			defer func() { a.tb = t }()
			fn(st)
		})
	}

	run("health and readiness need no token", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			if code, body, _ := a.do(http.MethodGet, p, "", nil, ""); code != http.StatusOK {
				t.Errorf("GET %s = %d %s; want 200", p, code, body)
			}
		}
	})

	run("roles", func(t *testing.T) { testRoles(t, f) })
	run("bad tokens", func(t *testing.T) { testBadTokens(t, f) })
	run("queue", func(t *testing.T) { testQueue(t, f) })
	run("bad parameters", func(t *testing.T) { testBadParams(t, f) })
	run("injection", func(t *testing.T) { testInjection(t, f) })
	run("detail and disposition", func(t *testing.T) { testDetail(t, f) })
	run("export", func(t *testing.T) { testExport(t, f) })
	run("ingest and item status", func(t *testing.T) { testIngest(t, f) })
	run("check", func(t *testing.T) { testCheck(t, f) })
	run("rules", func(t *testing.T) {
		var out struct {
			Status struct{ Version string }
			Rules  []struct{ ID, Title string }
		}
		a.getJSON("/api/v1/rules", "analyst", 200, &out)
		if out.Status.Version == "" || len(out.Rules) < 20 {
			t.Errorf("GET /api/v1/rules = version %q, %d rules; want the default pack", out.Status.Version, len(out.Rules))
		}
	})
	run("openapi", func(t *testing.T) {
		code, body, _ := a.do(http.MethodGet, "/openapi.yaml", "officer", nil, "")
		var doc struct {
			OpenAPI string         `yaml:"openapi"`
			Paths   map[string]any `yaml:"paths"`
		}
		if code != 200 || yaml.Unmarshal(body, &doc) != nil || doc.OpenAPI != "3.1.0" || len(doc.Paths) < 10 {
			t.Errorf("GET /openapi.yaml = %d, openapi %q, %d paths; want a 3.1 document", code, doc.OpenAPI, len(doc.Paths))
		}
	})
	run("web session and CSRF", func(t *testing.T) { testWebSession(t, f) })
	run("proxy identity", func(t *testing.T) { testProxy(t, f) })
	run("audit", func(t *testing.T) { testAudit(t, f) })
	run("metrics", func(t *testing.T) {
		code, body, _ := a.do(http.MethodGet, "/metrics", "monitor", nil, "")
		if code != 200 || !bytes.Contains(body, []byte("parcelguard_")) {
			t.Errorf("GET /metrics as monitor = %d; want 200 with parcelguard_ series", code)
		}
		// The parcel views of the subtests above are counted and timed
		// under their route, not their item ids.
		for _, series := range []string{
			`parcelguard_http_requests_total{code="200",method="GET",route="/api/v1/parcels/:id"}`,
			`parcelguard_http_requests_total{code="403",method="GET",route="/api/v1/parcels/:id"}`,
			`parcelguard_http_request_duration_seconds_count{method="GET",route="/api/v1/parcels/:id"}`,
		} {
			if !bytes.Contains(body, []byte(series+" ")) {
				t.Errorf("GET /metrics has no %s", series)
			}
		}
		if bytes.Contains(body, []byte(`route="/api/v1/parcels/`+anyItem(t, f).ItemID)) {
			t.Error("GET /metrics has an item id as a route label")
		}
	})
}

// route is one route with a request that would succeed for an allowed role.
type route struct {
	method, path string
	body         string
	ctype        string
	allowed      []string // test identities allowed (admin always is)
}

func routes(f *apiFixture, item string) []route {
	return []route{
		{"GET", "/metrics", "", "", []string{"monitor"}},
		{"GET", "/openapi.yaml", "", "", []string{"monitor", "officer", "analyst", "operator", "web"}},
		{"GET", "/api/v1/session", "", "", []string{"monitor", "officer", "analyst", "operator", "web"}},
		{"GET", "/api/v1/queue", "", "", []string{"officer", "web"}},
		{"GET", "/api/v1/queue.csv?limit=5", "", "", []string{"officer", "web"}},
		{"GET", "/api/v1/parcels/" + url.PathEscape(item), "", "", []string{"officer", "web"}},
		{"POST", "/api/v1/parcels/" + url.PathEscape(item) + "/dispositions", `{"outcome":"not_inspected","note":"role test"}`, "application/json", []string{"officer", "web"}},
		{"GET", "/api/v1/stats", "", "", []string{"analyst", "web"}},
		{"GET", "/api/v1/rules", "", "", []string{"analyst", "web"}},
		{"POST", "/api/v1/ingest", "[]", "application/json", []string{"operator"}},
		{"POST", "/api/v1/check", "[]", "application/json", []string{"operator", "analyst", "web"}},
		{"GET", "/api/v1/items/" + url.PathEscape(item), "", "", []string{"operator"}},
		{"GET", "/api/v1/audit", "", "", nil},
	}
}

// anyItem returns a flagged item from the queue.
func anyItem(t *testing.T, f *apiFixture) queueItem {
	t.Helper()
	var page queuePage
	f.a.getJSON("/api/v1/queue?limit=1", "officer", 200, &page)
	if len(page.Items) == 0 {
		t.Fatal("the queue is empty: the corpus planted no flagged parcels?")
	}
	return page.Items[0]
}

func testRoles(t *testing.T, f *apiFixture) {
	item := anyItem(t, f).ItemID
	for _, r := range routes(f, item) {
		for _, who := range []string{"monitor", "officer", "analyst", "operator", "admin", "web"} {
			allowed := who == "admin" || slices.Contains(r.allowed, who)
			code, body, _ := f.a.do(r.method, r.path, who, []byte(r.body), r.ctype)
			what := fmt.Sprintf("%s %s as %s", r.method, r.path, who)
			switch {
			case !allowed:
				wantError(t, what, code, body, http.StatusForbidden, "FORBIDDEN", "")
			case code == http.StatusForbidden || code == http.StatusUnauthorized:
				t.Errorf("%s = %d %s; the role should be allowed", what, code, body)
			case r.method == "POST" && strings.HasSuffix(r.path, "ingest") || strings.HasSuffix(r.path, "check"):
				// An empty batch is refused after the role check.
				wantError(t, what, code, body, http.StatusBadRequest, "BAD_BODY", "")
			case strings.HasPrefix(r.path, "/api/v1/items/") && who == "operator":
				// Not the operator's item: the same answer as for none.
				wantError(t, what, code, body, http.StatusNotFound, "NOT_FOUND", "")
			case code >= 300:
				t.Errorf("%s = %d %s; want success", what, code, body)
			}
		}
	}
}

func testBadTokens(t *testing.T, f *apiFixture) {
	item := anyItem(t, f).ItemID
	headers := map[string]string{
		"none":            "",
		"unknown token":   "Bearer pg_not_a_token",
		"empty bearer":    "Bearer ",
		"basic scheme":    "Basic " + token("admin"),
		"token no scheme": token("admin"),
		"hash as token":   "Bearer sha256:" + strings.Repeat("0", 64),
	}
	for _, r := range routes(f, item) {
		for name, h := range headers {
			req, _ := http.NewRequest(r.method, f.a.base+r.path, strings.NewReader(r.body))
			if h != "" {
				req.Header.Set("Authorization", h)
			}
			if r.ctype != "" {
				req.Header.Set("Content-Type", r.ctype)
			}
			resp, err := f.a.c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			wantError(t, fmt.Sprintf("%s %s with %s", r.method, r.path, name), resp.StatusCode, body, http.StatusUnauthorized, "UNAUTHORIZED", "")
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %s: no WWW-Authenticate header", r.method, r.path, name)
			}
		}
	}
}

// allQueue pages through a queue query and fails on a repeated item.
func allQueue(t *testing.T, f *apiFixture, query string, limit int) []queueItem {
	t.Helper()
	var all []queueItem
	seen := map[string]bool{}
	cursor := ""
	for range 10000 {
		q := query + "&limit=" + fmt.Sprint(limit)
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		var page queuePage
		f.a.getJSON("/api/v1/queue?"+q, "officer", 200, &page)
		for _, it := range page.Items {
			if seen[it.ItemID] {
				t.Fatalf("queue %s: item %s on two pages", query, it.ItemID)
			}
			seen[it.ItemID] = true
		}
		all = append(all, page.Items...)
		if page.Next == "" {
			return all
		}
		cursor = page.Next
	}
	t.Fatal("queue pagination does not end")
	return nil
}

func testQueue(t *testing.T, f *apiFixture) {
	all := allQueue(t, f, "sort=score", 1000)
	if len(all) < 20 {
		t.Fatalf("queue holds %d flagged parcels of %d; want the planted ones", len(all), len(f.corpus.accepted))
	}
	for i, it := range all {
		if it.Outcome != "review" && it.Outcome != "inspect" {
			t.Errorf("queue item %s has outcome %q; the queue holds review and inspect only", it.ItemID, it.Outcome)
		}
		if i > 0 && all[i-1].Score < it.Score {
			t.Errorf("queue not sorted by score: %s (%d) before %s (%d)", all[i-1].ItemID, all[i-1].Score, it.ItemID, it.Score)
		}
		if !f.corpus.accepted[it.ItemID] {
			t.Errorf("queue item %s was never sent", it.ItemID)
		}
	}
	// Small pages give the same set as one large page.
	paged := allQueue(t, f, "sort=score", 7)
	if len(paged) != len(all) {
		t.Errorf("paging by 7 gives %d items; one page gives %d", len(paged), len(all))
	}
	byTime := allQueue(t, f, "sort=time", 13)
	if len(byTime) != len(all) {
		t.Errorf("paging by time gives %d items; by score %d", len(byTime), len(all))
	}
	// Each filter keeps exactly the matching items.
	pick := all[len(all)/2]
	filters := []struct {
		query string
		keep  func(queueItem) bool
	}{
		{"lane=inspect", func(it queueItem) bool { return it.Outcome == "inspect" }},
		{"lane=review", func(it queueItem) bool { return it.Outcome == "review" }},
		{"lane=review,inspect", func(queueItem) bool { return true }},
		{"origin=" + pick.Origin, func(it queueItem) bool { return it.Origin == pick.Origin }},
		{"destination=" + strings.ToLower(pick.Destination), func(it queueItem) bool { return it.Destination == pick.Destination }},
		{"operator=" + url.QueryEscape(pick.Operator), func(it queueItem) bool { return it.Operator == pick.Operator }},
		{"rule=" + pick.Rules[0], func(it queueItem) bool { return slices.Contains(it.Rules, pick.Rules[0]) }},
		{"q=" + strings.ToLower(pick.ItemID[2:8]), func(it queueItem) bool {
			return strings.Contains(strings.ToLower(it.ItemID), strings.ToLower(pick.ItemID[2:8]))
		}},
		{"status=open", func(it queueItem) bool { return it.Disposition == "" }},
	}
	for _, fl := range filters {
		got := allQueue(t, f, fl.query, 1000)
		var want []string
		for _, it := range all {
			if fl.keep(it) {
				want = append(want, it.ItemID)
			}
		}
		var ids []string
		for _, it := range got {
			ids = append(ids, it.ItemID)
		}
		slices.Sort(ids)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("queue %s: %d items; want %d (%v…)", fl.query, len(ids), len(want), head(want, 3))
		}
	}
	// A window in the past holds nothing.
	var page queuePage
	f.a.getJSON("/api/v1/queue?from=2020-01-01&to=2020-01-31", "officer", 200, &page)
	if len(page.Items) != 0 {
		t.Errorf("queue of January 2020 holds %d items; want none", len(page.Items))
	}
}

func head(s []string, n int) []string { return s[:min(n, len(s))] }

func testBadParams(t *testing.T, f *apiFixture) {
	cases := []struct {
		path, param string
	}{
		{"/api/v1/queue?lane=release", "lane"},
		{"/api/v1/queue?lane=inspect,green", "lane"},
		{"/api/v1/queue?origin=CHN", "origin"},
		{"/api/v1/queue?destination=1", "destination"},
		{"/api/v1/queue?rule=D1%20OR%201", "rule"},
		{"/api/v1/queue?status=closed", "status"},
		{"/api/v1/queue?sort=price", "sort"},
		{"/api/v1/queue?limit=0", "limit"},
		{"/api/v1/queue?limit=1001", "limit"},
		{"/api/v1/queue?limit=ten", "limit"},
		{"/api/v1/queue?from=yesterday", "from"},
		{"/api/v1/queue?to=2026-13-45", "to"},
		{"/api/v1/queue?from=2026-11-20&to=2026-11-10", "from"},
		{"/api/v1/queue?from=2000-01-01&to=2026-01-01", "from"},
		{"/api/v1/queue?lanes=inspect", "lanes"},
		{"/api/v1/queue?sort=score&sort=time", "sort"},
		{"/api/v1/queue?q=" + strings.Repeat("x", 65), "q"},
		{"/api/v1/queue?q=%00", "q"},
		{"/api/v1/queue?operator=%ff", "operator"},
		{"/api/v1/queue.csv?lane=green", "lane"},
		{"/api/v1/parcels/x?related_days=0", "related_days"},
		{"/api/v1/parcels/x?related_limit=abc", "related_limit"},
		{"/api/v1/parcels/" + strings.Repeat("A", 65), "id"},
		{"/api/v1/stats?to=tomorrow", "to"},
		{"/api/v1/stats?lane=inspect", "lane"},
		{"/api/v1/audit?limit=-1", "limit"},
		{"/api/v1/audit?action=x'y", "action"},
	}
	for _, c := range cases {
		who := "admin"
		code, body, _ := f.a.do(http.MethodGet, c.path, who, nil, "")
		wantError(t, "GET "+c.path, code, body, http.StatusBadRequest, "", c.param)
	}
	// A cursor from elsewhere, or tampered with.
	var page queuePage
	f.a.getJSON("/api/v1/queue?limit=1", "officer", 200, &page)
	if page.Next == "" {
		t.Fatal("no next cursor after one item")
	}
	for _, cur := range []string{"garbage", page.Next + "x", strings.ToUpper(page.Next)} {
		code, body, _ := f.a.do(http.MethodGet, "/api/v1/queue?limit=1&cursor="+url.QueryEscape(cur), "officer", nil, "")
		wantError(t, "queue with cursor "+cur, code, body, http.StatusBadRequest, "", "")
	}
	code, body, _ := f.a.do(http.MethodGet, "/api/v1/queue?lane=inspect&limit=1&cursor="+url.QueryEscape(page.Next), "officer", nil, "")
	wantError(t, "queue with another query's cursor", code, body, http.StatusBadRequest, "", "")
	code, body, _ = f.a.do(http.MethodGet, "/api/v1/nothing", "officer", nil, "")
	wantError(t, "GET /api/v1/nothing", code, body, http.StatusNotFound, "NOT_FOUND", "")
	code, body, _ = f.a.do(http.MethodDelete, "/api/v1/queue", "officer", nil, "")
	if code != http.StatusMethodNotAllowed && code != http.StatusNotFound {
		t.Errorf("DELETE /api/v1/queue = %d %s; want 405", code, body)
	}
}

// injections are values that would change a query built by pasting text.
var injections = []string{
	`' OR 1=1 --`, `x' OR '1'='1`, `"; DROP TABLE assessments; --`, `\`, `\'`, `%`, `_`, `%' OR 1=1 OR '%`,
	"') UNION SELECT item_id FROM assessments --", "`item_id`", "1) OR (1=1", "CN' --",
}

func testInjection(t *testing.T, f *apiFixture) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rowsBefore, distinctBefore, err := f.d.store.CountDistinct(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, param := range []string{"operator", "origin", "destination", "rule", "q", "cursor", "status", "lane", "sort", "from", "to", "limit"} {
		for _, v := range injections {
			path := "/api/v1/queue?" + param + "=" + url.QueryEscape(v)
			code, body, _ := f.a.do(http.MethodGet, path, "officer", nil, "")
			switch code {
			case http.StatusBadRequest:
				wantError(t, "GET "+path, code, body, http.StatusBadRequest, "", "")
			case http.StatusOK:
				var page queuePage
				if err := json.Unmarshal(body, &page); err != nil || len(page.Items) != 0 {
					t.Errorf("GET %s = 200 with %d items; an injection must match nothing", path, len(page.Items))
				}
			default:
				t.Errorf("GET %s = %d %s; want 400 or an empty 200", path, code, body)
			}
		}
	}
	for _, v := range injections {
		for _, path := range []string{
			"/api/v1/parcels/" + url.PathEscape(v),
			"/api/v1/stats?operator=" + url.QueryEscape(v),
			"/api/v1/audit?actor=" + url.QueryEscape(v),
		} {
			code, body, _ := f.a.do(http.MethodGet, path, "admin", nil, "")
			if code != http.StatusNotFound && code != http.StatusBadRequest && code != http.StatusOK {
				t.Errorf("GET %s = %d %s; want 404, 400 or 200", path, code, body)
			}
			if code == http.StatusOK && strings.Contains(path, "stats") && bytes.Contains(body, []byte(`"parcels":`)) {
				var st struct{ Daily []any }
				json.Unmarshal(body, &st)
				if len(st.Daily) != 0 {
					t.Errorf("GET %s matched parcels", path)
				}
			}
		}
	}
	rowsAfter, distinctAfter, err := f.d.store.CountDistinct(ctx)
	if err != nil {
		t.Fatalf("the assessments table after the injection attempts: %v", err)
	}
	if rowsAfter < rowsBefore || distinctAfter != distinctBefore {
		t.Errorf("assessments went from %d rows/%d items to %d/%d", rowsBefore, distinctBefore, rowsAfter, distinctAfter)
	}
}

type detail struct {
	ItemID     string         `json:"item_id"`
	Manifest   map[string]any `json:"manifest"`
	Assessment struct {
		Score       int    `json:"score"`
		Outcome     string `json:"outcome"`
		PackVersion string `json:"pack_version"`
		Hits        []struct {
			Rule, Title, Reason string
			Score               int
		} `json:"hits"`
		DataQuality []struct{ Code string } `json:"data_quality"`
	} `json:"assessment"`
	Dispositions []struct {
		Officer, Outcome, Substance, Note string
	} `json:"dispositions"`
	Related []struct {
		Via, ItemID, Outcome string
	} `json:"related"`
}

func testDetail(t *testing.T, f *apiFixture) {
	a := f.a
	var page queuePage
	a.getJSON("/api/v1/queue?lane=inspect&status=open&limit=5", "officer", 200, &page)
	if len(page.Items) == 0 {
		t.Fatal("no open inspect-lane parcel")
	}
	it := page.Items[0]
	var d detail
	a.getJSON("/api/v1/parcels/"+url.PathEscape(it.ItemID), "officer", 200, &d)
	if d.ItemID != it.ItemID || d.Manifest["item_id"] != it.ItemID || d.Assessment.Outcome != "inspect" || d.Assessment.PackVersion == "" {
		t.Fatalf("detail of %s = %+v; want the manifest and its inspect assessment", it.ItemID, d)
	}
	if len(d.Assessment.Hits) == 0 {
		t.Fatalf("detail of %s has no hits", it.ItemID)
	}
	for _, h := range d.Assessment.Hits {
		if h.Reason == "" || h.Title == "" {
			t.Errorf("hit %s of %s has no reason or title: %+v", h.Rule, it.ItemID, h)
		}
	}
	for _, r := range d.Related {
		if r.ItemID == it.ItemID {
			t.Errorf("detail of %s lists itself as related", it.ItemID)
		}
	}
	code, body, _ := a.do(http.MethodGet, "/api/v1/parcels/NO-SUCH-ITEM", "officer", nil, "")
	wantError(t, "detail of an unknown item", code, body, http.StatusNotFound, "NOT_FOUND", "")

	// Dispositions: bad ones are refused, good ones append.
	post := func(body, ctype string) (int, []byte) {
		code, resp, _ := a.do(http.MethodPost, "/api/v1/parcels/"+url.PathEscape(it.ItemID)+"/dispositions", "officer", []byte(body), ctype)
		return code, resp
	}
	bad := []struct{ body, ctype, param string }{
		{`{"outcome":"destroyed"}`, "application/json", "outcome"},
		{`{"note":"x"}`, "application/json", "outcome"},
		{`{"outcome":"seized"}`, "application/json", "substance"},
		{`{"outcome":"seized","substance":"sugar"}`, "application/json", "substance"},
		{`{"outcome":"cleared","substance":"cocaine"}`, "application/json", "substance"},
		{`{"outcome":"cleared","note":"` + strings.Repeat("n", 2001) + `"}`, "application/json", "note"},
		{`{"outcome":"cleared","officer":"someone else"}`, "application/json", ""},
		{`{"outcome":`, "application/json", ""},
		{`{"outcome":"cleared"} {}`, "application/json", ""},
		{`outcome=cleared`, "application/x-www-form-urlencoded", ""},
	}
	for _, b := range bad {
		code, resp := post(b.body, b.ctype)
		want := http.StatusBadRequest
		if b.ctype != "application/json" {
			want = http.StatusUnsupportedMediaType
		}
		wantError(t, "disposition "+clipText(b.body), code, resp, want, "", b.param)
	}
	code, body = post(`{"outcome":"cleared","note":"first look"}`, "application/json")
	if code != http.StatusCreated {
		t.Fatalf("disposition cleared = %d %s; want 201", code, body)
	}
	time.Sleep(1100 * time.Millisecond) // recorded_at has one-second resolution
	code, body = post(`{"outcome":"seized","substance":"synthetic_opioids","note":"12 g white powder in a greeting card"}`, "application/json")
	if code != http.StatusCreated {
		t.Fatalf("disposition seized = %d %s; want 201", code, body)
	}
	a.getJSON("/api/v1/parcels/"+url.PathEscape(it.ItemID), "officer", 200, &d)
	if len(d.Dispositions) != 2 || d.Dispositions[0].Outcome != "cleared" || d.Dispositions[1].Outcome != "seized" ||
		d.Dispositions[1].Officer != "officer" || d.Dispositions[1].Substance != "synthetic_opioids" {
		t.Errorf("dispositions of %s = %+v; want cleared then seized, both kept", it.ItemID, d.Dispositions)
	}
	// The queue shows the latest, and status filters follow it.
	done := allQueue(t, f, "status=done", 1000)
	if !slices.ContainsFunc(done, func(q queueItem) bool { return q.ItemID == it.ItemID && q.Disposition == "seized" }) {
		t.Errorf("queue status=done does not show %s as seized", it.ItemID)
	}
	for _, q := range allQueue(t, f, "status=open", 1000) {
		if q.ItemID == it.ItemID {
			t.Errorf("queue status=open still shows %s", it.ItemID)
		}
	}
	// Statistics count the seizure in the yield of the rules that hit.
	var st struct {
		Daily []struct {
			Day, Lane string
			Parcels   int
		}
		Rules []struct {
			Rule            string
			Hits, Inspected int
			Seized          int
			Yield           float64
		}
	}
	a.getJSON("/api/v1/stats", "analyst", 200, &st)
	total := 0
	for _, d := range st.Daily {
		total += d.Parcels
	}
	if total != len(f.corpus.accepted) {
		t.Errorf("stats count %d parcels; %d were stored", total, len(f.corpus.accepted))
	}
	for _, h := range d.Assessment.Hits {
		i := slices.IndexFunc(st.Rules, func(r struct {
			Rule            string
			Hits, Inspected int
			Seized          int
			Yield           float64
		}) bool {
			return r.Rule == h.Rule
		})
		if i < 0 || st.Rules[i].Seized < 1 || st.Rules[i].Inspected < 1 || st.Rules[i].Yield <= 0 {
			t.Errorf("stats for rule %s = %+v; want the seizure of %s counted", h.Rule, st.Rules, it.ItemID)
		}
	}
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

func testExport(t *testing.T, f *apiFixture) {
	code, body, h := f.a.do(http.MethodGet, "/api/v1/queue.csv?lane=inspect", "officer", nil, "")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("GET /api/v1/queue.csv = %d %s; want CSV", code, h.Get("Content-Type"))
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatalf("the export is not CSV: %v", err)
	}
	want := allQueue(t, f, "lane=inspect", 1000)
	if len(recs) != len(want)+1 || recs[0][0] != "item_id" {
		t.Errorf("the export has %d lines; want a header and %d rows", len(recs), len(want))
	}
}

// ndjson joins manifests one a line.
func ndjson(msgs ...[]byte) []byte { return append(bytes.Join(msgs, []byte("\n")), '\n') }

// withOperator rewrites a generated manifest's operator and item id.
func withOperator(t *testing.T, m []byte, op, id string) []byte {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(m, &v); err != nil {
		t.Fatal(err)
	}
	v["operator"], v["item_id"] = op, id
	out, _ := json.Marshal(v)
	return out
}

func testIngest(t *testing.T, f *apiFixture) {
	g := synth.New(synth.Config{Seed: 99, PatternShare: -1, DeficientShare: -1})
	own := [][]byte{
		withOperator(t, g.Next(nil), "TEST-POST", "TP000000001DE"),
		withOperator(t, g.Next(nil), "TEST-POST", "TP000000002DE"),
		withOperator(t, g.Next(nil), "TEST-POST", "TP000000003DE"),
	}
	other := withOperator(t, g.Next(nil), "OTHER-POST", "OP000000001DE")
	broken := []byte(`{"item_id":"TP000000004DE","operator":"TEST-POST"}`)
	body := ndjson(own[0], other, own[1], broken, own[2])
	code, resp, _ := f.a.do(http.MethodPost, "/api/v1/ingest", "operator", body, "application/x-ndjson")
	if code != 200 {
		t.Fatalf("ingest = %d %s; want 200", code, resp)
	}
	var out struct {
		Accepted, Rejected int
		Items              []struct {
			Index    int
			ItemID   string `json:"item_id"`
			Status   string
			Findings []struct{ Code, Path, Message string }
		}
	}
	if err := json.Unmarshal(resp, &out); err != nil {
		t.Fatal(err)
	}
	if out.Accepted != 3 || out.Rejected != 2 || len(out.Items) != 5 {
		t.Fatalf("ingest = %s; want 3 accepted, 2 rejected", resp)
	}
	if it := out.Items[1]; it.Status != "rejected" || len(it.Findings) == 0 || it.Findings[0].Code != "OPERATOR_MISMATCH" {
		t.Errorf("item for another operator = %+v; want rejected OPERATOR_MISMATCH", it)
	}
	if it := out.Items[3]; it.Status != "rejected" || len(it.Findings) == 0 || it.Findings[0].Code == "" {
		t.Errorf("broken item = %+v; want rejected with codes", it)
	}
	// A body well over the buffers of a line reader: every line intact.
	var many [][]byte
	for i := range 300 {
		many = append(many, withOperator(t, g.Next(nil), "TEST-POST", fmt.Sprintf("TP%09dDE", 1000+i)))
	}
	code, resp, _ = f.a.do(http.MethodPost, "/api/v1/ingest", "operator", ndjson(many...), "application/x-ndjson")
	var bulk struct{ Accepted, Rejected int }
	if code != 200 || json.Unmarshal(resp, &bulk) != nil || bulk.Accepted != 300 {
		t.Errorf("ingest of 300 manifests (%d bytes) = %d, %d accepted, %d rejected; want all accepted", len(ndjson(many...)), code, bulk.Accepted, bulk.Rejected)
	}
	// The JSON array form, bad bodies.
	for _, c := range []struct {
		body, ctype string
		status      int
	}{
		{"[" + string(own[0]) + "]", "application/json", 200},
		{`{"item_id":"x"}`, "application/json", 400},
		{`[{"item_id":"x"}`, "application/json", 400},
		{`[] []`, "application/json", 400},
		{"", "application/x-ndjson", 400},
		{string(own[0]), "text/plain", 415},
		{"[" + strings.Repeat(string(own[0])+",", 1<<20/len(own[0])+1) + string(own[0]) + "]", "application/json", 413},
	} {
		code, resp, _ := f.a.do(http.MethodPost, "/api/v1/ingest", "operator", []byte(c.body), c.ctype)
		if code != c.status {
			t.Errorf("ingest %s %s = %d %s; want %d", c.ctype, clipText(c.body), code, clipText(string(resp)), c.status)
		}
	}
	// The accepted items go through the pipeline; the operator can read
	// their status, and nobody else's.
	eventually(t, time.Minute, 200*time.Millisecond, "ingested items stored", func() (bool, string) {
		code, body, _ := f.a.do(http.MethodGet, "/api/v1/items/TP000000003DE", "operator", nil, "")
		return code == 200, fmt.Sprintf("%d %s", code, body)
	})
	var st struct {
		ItemID   string `json:"item_id"`
		Operator string
		Outcome  string
		Hold     bool
	}
	f.a.getJSON("/api/v1/items/TP000000001DE", "operator", 200, &st)
	if st.Operator != "TEST-POST" || st.Outcome == "" {
		t.Errorf("item status = %+v; want TEST-POST's item with an outcome", st)
	}
	code, resp, _ = f.a.do(http.MethodGet, "/api/v1/items/"+url.PathEscape(anyItem(t, f).ItemID), "operator", nil, "")
	wantError(t, "status of another operator's item", code, resp, http.StatusNotFound, "NOT_FOUND", "")
	code, resp, _ = f.a.do(http.MethodGet, "/api/v1/items/OP000000001DE", "operator", nil, "")
	wantError(t, "status of the refused item", code, resp, http.StatusNotFound, "NOT_FOUND", "")
}

func testCheck(t *testing.T, f *apiFixture) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, before, _ := f.d.store.CountDistinct(ctx)
	g := synth.New(synth.Config{Seed: 5, PatternShare: 1})
	flagged := withOperator(t, g.Next(nil), "TEST-POST", "CK000000001DE")
	body := ndjson(flagged, []byte(`not json`))
	type result struct {
		Status     string
		Outcome    string
		Assessment *struct {
			Score int
			Hits  []struct{ Rule string }
		}
		Findings []struct{ Code string }
	}
	var out struct{ Items []result }
	code, resp, _ := f.a.do(http.MethodPost, "/api/v1/check", "analyst", body, "application/x-ndjson")
	if code != 200 || json.Unmarshal(resp, &out) != nil || len(out.Items) != 2 {
		t.Fatalf("check as analyst = %d %s", code, resp)
	}
	if out.Items[0].Status != "scored" || out.Items[0].Assessment == nil || out.Items[0].Outcome == "" {
		t.Errorf("check as analyst, item 0 = %+v; want the whole assessment", out.Items[0])
	}
	if out.Items[1].Status != "rejected" || len(out.Items[1].Findings) == 0 || out.Items[1].Findings[0].Code != "NOT_JSON" {
		t.Errorf("check, item 1 = %+v; want rejected NOT_JSON", out.Items[1])
	}
	code, resp, _ = f.a.do(http.MethodPost, "/api/v1/check", "operator", body, "application/x-ndjson")
	out.Items = nil
	if code != 200 || json.Unmarshal(resp, &out) != nil || len(out.Items) != 2 {
		t.Fatalf("check as operator = %d %s", code, resp)
	}
	if out.Items[0].Assessment != nil || out.Items[0].Outcome == "" {
		t.Errorf("check as operator = %+v; want the lane without the rules", out.Items[0])
	}
	time.Sleep(time.Second)
	if _, after, _ := f.d.store.CountDistinct(ctx); after != before {
		t.Errorf("check stored something: %d items before, %d after", before, after)
	}
}

// testWebSession logs in as the web page does and checks the CSRF rules.
func testWebSession(t *testing.T, f *apiFixture) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path string) (int, []byte, http.Header) {
		resp, err := c.Get(f.a.base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	post := func(path string, form url.Values, header map[string]string, body []byte, ctype string) (int, []byte, http.Header) {
		if form != nil {
			body, ctype = []byte(form.Encode()), "application/x-www-form-urlencoded"
		}
		req, _ := http.NewRequest(http.MethodPost, f.a.base+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", ctype)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	if code, _, h := get("/"); code != http.StatusSeeOther || h.Get("Location") != "/login" {
		t.Fatalf("GET / without a session = %d to %q; want 303 to /login", code, h.Get("Location"))
	}
	code, page, h := get("/login")
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("GET /login = %d, no csrf field in the form", code)
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'self'") {
		t.Errorf("the log-in page has CSP %q", h.Get("Content-Security-Policy"))
	}
	csrfField := string(m[1])
	// Without the form's CSRF token, and with a bad token.
	if code, _, _ := post("/login", url.Values{"token": {token("web")}, "csrf": {"forged"}}, nil, nil, ""); code != http.StatusForbidden {
		t.Errorf("log-in with a forged form token = %d; want 403", code)
	}
	_, page, _ = get("/login")
	csrfField = string(regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)[1])
	if code, _, _ := post("/login", url.Values{"token": {"pg_wrong"}, "csrf": {csrfField}}, nil, nil, ""); code != http.StatusUnauthorized {
		t.Errorf("log-in with a bad token = %d; want 401", code)
	}
	_, page, _ = get("/login")
	csrfField = string(regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindSubmatch(page)[1])
	code, _, h = post("/login", url.Values{"token": {token("web")}, "csrf": {csrfField}}, nil, nil, "")
	if code != http.StatusSeeOther || h.Get("Location") != "/" {
		t.Fatalf("log-in = %d to %q; want 303 to /", code, h.Get("Location"))
	}
	if sc := h.Get("Set-Cookie"); !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Strict") {
		t.Errorf("session cookie %q; want HttpOnly and SameSite=Strict", sc)
	}
	if code, _, _ := get("/"); code != 200 {
		t.Errorf("GET / with a session = %d; want the page", code)
	}
	var sess struct {
		Name  string
		CSRF  string `json:"csrf_token"`
		Roles []string
	}
	code, body, _ := get("/api/v1/session")
	if code != 200 || json.Unmarshal(body, &sess) != nil || sess.Name != "web" || sess.CSRF == "" {
		t.Fatalf("GET /api/v1/session = %d %s", code, body)
	}
	item := anyItem(t, f).ItemID
	disp := "/api/v1/parcels/" + url.PathEscape(item) + "/dispositions"
	code, body, _ = post(disp, nil, nil, []byte(`{"outcome":"not_inspected"}`), "application/json")
	wantError(t, "disposition by session without the CSRF header", code, body, http.StatusForbidden, "CSRF_TOKEN_INVALID", "")
	code, body, _ = post(disp, nil, map[string]string{"X-CSRF-Token": "forged"}, []byte(`{"outcome":"not_inspected"}`), "application/json")
	wantError(t, "disposition by session with a forged CSRF header", code, body, http.StatusForbidden, "CSRF_TOKEN_INVALID", "")
	code, body, _ = post(disp, nil, map[string]string{"X-CSRF-Token": sess.CSRF}, []byte(`{"outcome":"not_inspected","note":"session"}`), "application/json")
	if code != http.StatusCreated {
		t.Errorf("disposition by session with its CSRF token = %d %s; want 201", code, body)
	}
	// Log out; the session is gone.
	if code, _, _ := post("/logout", url.Values{"csrf": {sess.CSRF}}, nil, nil, ""); code != http.StatusSeeOther {
		t.Errorf("log-out = %d; want 303", code)
	}
	code, body, _ = get("/api/v1/session")
	wantError(t, "session after log-out", code, body, http.StatusUnauthorized, "UNAUTHORIZED", "")
}

// testProxy checks that identity headers count only from the trusted
// proxy address (127.0.0.2 in this engine's configuration).
func testProxy(t *testing.T, f *apiFixture) {
	from := func(local string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
	}
	req := func(c *http.Client) (int, []byte) {
		r, _ := http.NewRequest(http.MethodGet, f.a.base+"/api/v1/session", nil)
		r.Header.Set("X-Forwarded-User", "sso.user@customs.example")
		r.Header.Set("X-Forwarded-Roles", "officer")
		r.Header.Set("X-Forwarded-For", "127.0.0.2")
		resp, err := c.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, body := req(from("127.0.0.1"))
	wantError(t, "identity headers from an untrusted address", code, body, http.StatusUnauthorized, "UNAUTHORIZED", "")
	code, body = req(from("127.0.0.2"))
	if code != 200 || !bytes.Contains(body, []byte("sso.user@customs.example")) {
		t.Errorf("identity headers from the trusted proxy = %d %s; want the SSO user", code, body)
	}
}

func testAudit(t *testing.T, f *apiFixture) {
	var out struct {
		Entries []struct {
			Actor, Role, Action, Object string
			RemoteAddr                  string `json:"remote_addr"`
		}
	}
	f.a.getJSON("/api/v1/audit?limit=1000", "admin", 200, &out)
	count := map[string]int{}
	for _, e := range out.Entries {
		count[e.Action]++
		if e.Actor == "" || e.RemoteAddr == "" {
			t.Errorf("audit entry without actor or address: %+v", e)
		}
	}
	for _, action := range []string{"parcel.read", "disposition.record", "queue.export", "session.login", "ingest"} {
		if count[action] == 0 {
			t.Errorf("no %s entry in the audit log (%v)", action, count)
		}
	}
	var only struct{ Entries []struct{ Action string } }
	f.a.getJSON("/api/v1/audit?action=parcel.read", "admin", 200, &only)
	for _, e := range only.Entries {
		if e.Action != "parcel.read" {
			t.Errorf("audit?action=parcel.read lists %s", e.Action)
		}
	}
}
