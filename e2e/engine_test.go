package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// engineConfig is what differs between the engines the tests run.
type engineConfig struct {
	Brokers    []string
	GroupID    string
	ClickHouse string
	Database   string
	SpoolDir   string
	// Set holds more -set key=value overrides.
	Set []string
}

// engine is one `parcelguard run` subprocess.
type engine struct {
	tb      testing.TB
	name    string
	cmd     *exec.Cmd
	logPath string
	// HTTP is the host:port of health, readiness and metrics.
	HTTP   string
	client *http.Client
	// done is closed when the process has exited; err is then Wait's result.
	done chan struct{}
	err  error
}

// startEngine starts `parcelguard run` and waits until it is ready. The
// end of the test kills it if it still runs, and prints its log when the
// test failed.
func startEngine(tb testing.TB, name string, cfg engineConfig) *engine {
	tb.Helper()
	e := startEngineNoWait(tb, name, cfg)
	e.waitReady(90 * time.Second)
	return e
}

// startEngineNoWait starts `parcelguard run` and returns at once.
func startEngineNoWait(tb testing.TB, name string, cfg engineConfig) *engine {
	tb.Helper()
	e := &engine{
		tb:      tb,
		name:    name,
		logPath: filepath.Join(tb.TempDir(), name+".log"),
		HTTP:    freePort(tb),
		client:  &http.Client{Timeout: 5 * time.Second},
		done:    make(chan struct{}),
	}
	args := []string{"run",
		"-set", "kafka.brokers=" + strings.Join(cfg.Brokers, ","),
		"-set", "kafka.group_id=" + cfg.GroupID,
		"-set", "clickhouse.addr=" + cfg.ClickHouse,
		"-set", "clickhouse.database=" + cfg.Database,
		"-set", "spool.dir=" + cfg.SpoolDir,
		"-set", "http.addr=" + e.HTTP,
		"-set", "rules.watch=false",
		"-set", "api.tokens_file=" + writeTokensFile(tb),
	}
	for _, kv := range cfg.Set {
		args = append(args, "-set", kv)
	}
	// PARCELGUARD_ENGINE_CPUPROFILE=DIR profiles every engine a test
	// starts into DIR/<name>.pprof.
	if dir := os.Getenv("PARCELGUARD_ENGINE_CPUPROFILE"); dir != "" {
		args = append(args, "-cpuprofile", filepath.Join(dir, name+".pprof"))
	}
	logFile, err := os.Create(e.logPath)
	if err != nil {
		tb.Fatalf("creating the engine log: %v", err)
	}
	e.cmd = exec.Command(binary, args...)
	e.cmd.Stdout, e.cmd.Stderr = logFile, logFile
	if err := e.cmd.Start(); err != nil {
		logFile.Close()
		tb.Fatalf("starting %s: %v", name, err)
	}
	logFile.Close() // the child has its own descriptor
	go func() {
		e.err = e.cmd.Wait()
		close(e.done)
	}()
	tb.Cleanup(func() {
		e.kill()
		if tb.Failed() {
			tb.Logf("%s log (last lines of %s):\n%s", e.name, e.logPath, e.logTail(40))
		}
	})
	return e
}

// waitReady waits until /readyz answers 200.
func (e *engine) waitReady(timeout time.Duration) {
	e.tb.Helper()
	eventually(e.tb, timeout, 100*time.Millisecond, e.name+" ready", func() (bool, string) {
		if err := e.exited(); err != nil {
			e.tb.Fatalf("%s exited before it was ready: %v\n%s", e.name, err, e.logTail(40))
		}
		resp, err := e.client.Get("http://" + e.HTTP + "/readyz")
		if err != nil {
			return false, err.Error()
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK, fmt.Sprintf("%s: %s", resp.Status, body)
	})
}

// exited returns nil while the process runs, and why it ended after.
func (e *engine) exited() error {
	select {
	case <-e.done:
		if e.err == nil {
			return errors.New("exit status 0")
		}
		return e.err
	default:
		return nil
	}
}

// stop sends SIGTERM and waits for a graceful exit; it fails the test when
// the process does not exit within timeout or exits with an error.
func (e *engine) stop(timeout time.Duration) {
	e.tb.Helper()
	select {
	case <-e.done:
		e.tb.Fatalf("%s had exited before it was stopped: %v", e.name, e.err)
	default:
	}
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		e.tb.Fatalf("stopping %s: %v", e.name, err)
	}
	select {
	case <-e.done:
		if e.err != nil {
			e.tb.Errorf("%s exited after SIGTERM with %v; want a clean exit", e.name, e.err)
		}
	case <-time.After(timeout):
		e.kill()
		e.tb.Fatalf("%s did not exit within %v of SIGTERM", e.name, timeout)
	}
}

// kill sends SIGKILL, as the kernel's OOM killer or a lost node would, and
// waits for the process to be gone.
func (e *engine) kill() {
	select {
	case <-e.done:
		return
	default:
	}
	_ = e.cmd.Process.Kill()
	select {
	case <-e.done:
	case <-time.After(30 * time.Second):
		e.tb.Errorf("%s (pid %d) still running 30 s after SIGKILL", e.name, e.cmd.Process.Pid)
	}
}

// metrics scrapes /metrics into a map from series (name with labels, the
// "parcelguard_" prefix dropped) to value.
func (e *engine) metrics() (map[string]float64, error) {
	req, err := http.NewRequest(http.MethodGet, "http://"+e.HTTP+"/metrics", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token("monitor"))
	resp, err := e.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	m := make(map[string]float64)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			continue
		}
		m[strings.TrimPrefix(line[:i], "parcelguard_")] = v
	}
	return m, sc.Err()
}

// metric returns one series of /metrics, failing the test when the engine
// does not answer.
func (e *engine) metric(series string) float64 {
	e.tb.Helper()
	m, err := e.metrics()
	if err != nil {
		e.tb.Fatalf("%s metrics: %v", e.name, err)
	}
	return m[series]
}

// waitAssigned waits until the engine has joined its consumer group.
func (e *engine) waitAssigned(timeout time.Duration) {
	e.tb.Helper()
	eventually(e.tb, timeout, 100*time.Millisecond, e.name+" joined the consumer group", func() (bool, string) {
		if err := e.exited(); err != nil {
			e.tb.Fatalf("%s exited: %v", e.name, err)
		}
		m, err := e.metrics()
		if err != nil {
			return false, err.Error()
		}
		return m["group_generations_total"] >= 1, fmt.Sprintf("generations %v", m["group_generations_total"])
	})
}

// peakRSS returns the process's peak resident set size (VmHWM) in bytes.
func (e *engine) peakRSS() (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("VmHWM %q: %w", rest, err)
			}
			return kb << 10, nil
		}
	}
	return 0, errors.New("no VmHWM in /proc/<pid>/status")
}

// logTail returns the end of the engine's log.
func (e *engine) logTail(n int) string {
	data, err := os.ReadFile(e.logPath)
	if err != nil {
		return err.Error()
	}
	return tail(data, n)
}

// cpuTime returns the user and system CPU time the process has used.
func (e *engine) cpuTime() (time.Duration, error) { return cpuTime(e.cmd.Process.Pid) }

// cpuTime returns the user and system CPU time process pid has used.
func cpuTime(pid int) (time.Duration, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The fields after the command name, which may hold spaces, are
	// space-separated; utime and stime are the 14th and 15th fields.
	s := string(data)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 13 {
		return 0, fmt.Errorf("short /proc/pid/stat: %q", s)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}
