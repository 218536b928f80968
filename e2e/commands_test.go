package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/synth"
)

// TestShutdownFinishesRequests stops the engine with SIGTERM while an
// operator's ingest request is half sent, finishes it once the engine has
// stopped taking requests, and wants it served in full: the engine finishes
// the requests under way before it closes the producer and the store.
func TestShutdownFinishesRequests(t *testing.T) {
	addr := needClickHouse(t)
	b := startBroker(t)
	d := newDB(t, addr)
	e := startEngine(t, "engine", engineConfig{
		Brokers: b.Addrs(), GroupID: "shutdown", ClickHouse: addr, Database: d.name, SpoolDir: t.TempDir(),
	})
	g := synth.New(synth.Config{Seed: 7, PatternShare: -1, DeficientShare: -1})
	const item = "TP000000077DE"
	body := ndjson(withOperator(t, g.Next(nil), "TEST-POST", item))
	conn, err := net.Dial("tcp", e.HTTP)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/ingest HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/x-ndjson\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
		e.HTTP, testTokens["operator"].token, len(body))
	if _, err := conn.Write(body[:len(body)/2]); err != nil {
		t.Fatal(err)
	}
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Once it is no longer ready, give the pipeline and whatever comes
	// after it in the shutdown time to close.
	eventually(t, 30*time.Second, 50*time.Millisecond, "engine not ready", func() (bool, string) {
		resp, err := e.client.Get("http://" + e.HTTP + "/readyz")
		if err != nil {
			return true, ""
		}
		resp.Body.Close()
		return resp.StatusCode != http.StatusOK, resp.Status
	})
	time.Sleep(2 * time.Second)
	if _, err := conn.Write(body[len(body)/2:]); err != nil {
		t.Fatalf("finishing the request: %v", err)
	}
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var out struct{ Accepted, Rejected int }
	if resp.StatusCode != http.StatusOK || json.Unmarshal(answer, &out) != nil || out.Accepted != 1 {
		t.Fatalf("ingest during shutdown = %s %s; want 200 with the item accepted", resp.Status, answer)
	}
	select {
	case <-e.done:
		if e.err != nil {
			t.Errorf("engine exited with %v; want a clean exit", e.err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("engine did not exit within 30 s of SIGTERM")
	}
	var found bool
	for _, m := range readTopic(t, b.Addrs(), "parcel.manifests") {
		found = found || string(m.Key) == item
	}
	if !found {
		t.Errorf("the accepted item %s is not on parcel.manifests", item)
	}
}

// TestPruneCommand streams a corpus (received this month), adds an old
// month of rejects and of audit log, and runs `parcelguard prune`: a dry
// run lists the old months and keeps them, the real run drops them and
// keeps this month's parcels whole.
func TestPruneCommand(t *testing.T) {
	addr := needClickHouse(t)
	b := startBroker(t)
	d := newDB(t, addr)
	e := startEngine(t, "engine", engineConfig{Brokers: b.Addrs(), GroupID: "prune", ClickHouse: addr, Database: d.name, SpoolDir: t.TempDir()})
	c := newCorpus(21, 2000, 0.02)
	produceAll(t, b.Addrs(), c.msgs)
	waitStored(t, d, len(c.accepted), c.rejectedN, 2*time.Minute, e)
	e.stop(30 * time.Second)
	ctx := context.Background()
	// Two years ago: outside a keep of 2 or 12 months, inside one of 36.
	now := time.Now().UTC()
	old := time.Date(now.Year()-2, now.Month(), 10, 10, 0, 0, 0, time.UTC)
	if err := d.store.WriteRejects(ctx, []store.Reject{{ReceivedAt: old, Source: "http", Code: "NOT_JSON", Message: "old", Raw: []byte("x")}}); err != nil {
		t.Fatal(err)
	}
	if err := d.store.WriteAudit(ctx, store.AuditEntry{At: old, Actor: "ann", Role: "officer", Action: "parcel.read", Object: "RR1"}); err != nil {
		t.Fatal(err)
	}
	prune := func(args ...string) string {
		t.Helper()
		args = append([]string{"prune", "-set", "clickhouse.addr=" + addr, "-set", "clickhouse.database=" + d.name}, args...)
		out, err := exec.Command(binary, args...).CombinedOutput()
		if err != nil {
			t.Fatalf("parcelguard %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	count := func(table string) uint64 {
		t.Helper()
		var n uint64
		if err := d.conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	assessments, rejects := count("assessments"), count("rejects")

	out := prune("-keep-months", "2", "-audit-keep-months", "36", "-dry-run")
	keepFrom := time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	for _, want := range []string{"would drop rejects        " + old.Format("2006-01"), "would drop 1 table months",
		"parcels (assessments, queue, item_versions, parcel_keys, rejects): keeping " + keepFrom + " and later"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run said:\n%s\nwant %q", out, want)
		}
	}
	if count("rejects") != rejects || count("audit_log") == 0 {
		t.Fatal("the dry run dropped something")
	}
	out = prune("-keep-months", "2", "-audit-keep-months", "12")
	for _, want := range []string{"dropped rejects", "dropped audit_log", "dropped 2 table months"} {
		if !strings.Contains(out, want) {
			t.Errorf("prune said:\n%s\nwant %q", out, want)
		}
	}
	if got := count("rejects"); got != rejects-1 {
		t.Errorf("rejects after pruning: %d; want %d", got, rejects-1)
	}
	if got := count("assessments"); got != assessments {
		t.Errorf("assessments after pruning: %d; want all %d of this month", got, assessments)
	}
	checkVisibleOnce(t, d, c.accepted)
}
