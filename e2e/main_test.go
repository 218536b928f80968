package e2e

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
)

// binary is the parcelguard executable TestMain builds.
var binary string

// TestMain builds the binary once, as operators get it: without the race
// detector, whatever flags the tests run with.
func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "parcelguard-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	binary = filepath.Join(dir, "parcelguard")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", binary, "./cmd/parcelguard")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: building ./cmd/parcelguard in %s: %v\n%s", root, err, out)
		return 1
	}
	return m.Run()
}

// moduleRoot is the folder of the go.mod this package belongs to.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("go env GOMOD: not inside a module")
	}
	return filepath.Dir(mod), nil
}

// skipOrFail skips the test when run bare and fails it in CI, which
// always provides ClickHouse and the tools.
func skipOrFail(tb testing.TB, msg string) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// clickhouseAddr is the server the tests use: deploy/clickhouse.sh's by
// default.
func clickhouseAddr() string {
	if a := os.Getenv("PARCELGUARD_CLICKHOUSE"); a != "" {
		return a
	}
	return "127.0.0.1:19000"
}

// needClickHouse returns the address of a ClickHouse that answers.
func needClickHouse(tb testing.TB) string {
	tb.Helper()
	addr := clickhouseAddr()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		skipOrFail(tb, fmt.Sprintf("ClickHouse is not reachable at %s (start it with deploy/clickhouse.sh start, or set PARCELGUARD_CLICKHOUSE): %v", addr, err))
	}
	c.Close()
	return addr
}

// needTool returns the path of an executable on PATH.
func needTool(tb testing.TB, name, pkg string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		skipOrFail(tb, fmt.Sprintf("%s is not installed (Debian package %s; make test-deps installs it): %v", name, pkg, err))
	}
	return path
}

// randomName is prefix followed by 12 random hex digits.
func randomName(prefix string) string {
	var b [6]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// db is one test's ClickHouse database, dropped when the test ends: the
// store's reads, plus a raw connection for the queries the store does not
// offer.
type db struct {
	name  string
	store *store.Store
	conn  driver.Conn
}

// newDB creates a fresh database on the server at addr.
func newDB(tb testing.TB, addr string) *db {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	d := &db{name: randomName("e2e_")}
	var err error
	// Open creates the database; the engine migrates it.
	d.store, err = store.Open(ctx, store.Config{Addr: []string{addr}, Database: d.name})
	if err != nil {
		tb.Fatalf("opening database %s: %v", d.name, err)
	}
	d.conn, err = clickhouse.Open(&clickhouse.Options{
		Protocol:    clickhouse.Native,
		Addr:        []string{addr},
		Auth:        clickhouse.Auth{Database: d.name},
		DialTimeout: 5 * time.Second,
		ReadTimeout: time.Minute,
	})
	if err != nil {
		d.store.Close()
		tb.Fatalf("connecting to %s: %v", d.name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := d.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+d.name); err != nil {
			tb.Errorf("dropping database %s: %v", d.name, err)
		}
		d.conn.Close()
		d.store.Close()
	})
	return d
}

// rejectCount returns the rows of the rejects table.
func (d *db) rejectCount(ctx context.Context) (uint64, error) {
	var n uint64
	err := d.conn.QueryRow(ctx, "SELECT count() FROM rejects").Scan(&n)
	return n, err
}

// startBroker starts the embedded broker in the test process, so that
// stopping or killing an engine leaves the topics as they are.
func startBroker(tb testing.TB) *stream.Broker {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := stream.StartBroker(ctx, stream.BrokerConfig{Addr: "127.0.0.1:0", Partitions: 6})
	if err != nil {
		tb.Fatalf("StartBroker: %v", err)
	}
	tb.Cleanup(b.Close)
	return b
}

// freePort returns a loopback address no one listened on a moment ago.
func freePort(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("finding a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// eventually calls check every poll until it reports done, and fails the
// test with check's last status when timeout passes first.
func eventually(tb testing.TB, timeout, poll time.Duration, what string, check func() (done bool, status string)) {
	tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		done, status := check()
		if done {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: not after %v; last: %s", what, timeout, status)
		}
		time.Sleep(poll)
	}
}

// task is a function running in the background.
type task struct {
	done chan struct{}
	err  error
}

// background runs fn in a goroutine under a context that the end of the
// test cancels. The test's cleanup waits for fn, so no goroutine outlives
// the test.
func background(tb testing.TB, fn func(ctx context.Context) error) *task {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t := &task{done: make(chan struct{})}
	go func() {
		defer close(t.done)
		t.err = fn(ctx)
	}()
	tb.Cleanup(func() {
		cancel()
		<-t.done
	})
	return t
}

// running reports whether fn has not returned yet.
func (t *task) running() bool {
	select {
	case <-t.done:
		return false
	default:
		return true
	}
}

// wait waits up to timeout for fn and returns its error.
func (t *task) wait(timeout time.Duration) error {
	select {
	case <-t.done:
		return t.err
	case <-time.After(timeout):
		return fmt.Errorf("still running after %v", timeout)
	}
}

// formatFloat formats a metric value.
func formatFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// tail returns the last n lines of s, each cut to 400 bytes.
func tail(s []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(s, "\n"), []byte("\n"))
	lines = lines[max(0, len(lines)-n):]
	var b strings.Builder
	for _, l := range lines {
		if len(l) > 400 {
			l = append(l[:400:400], "…"...)
		}
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.String()
}
