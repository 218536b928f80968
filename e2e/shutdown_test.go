package e2e

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

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
