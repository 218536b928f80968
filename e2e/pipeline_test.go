package e2e

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/store"
	"github.com/parcelguard/parcelguard/stream"
	"github.com/parcelguard/parcelguard/synth"
)

// setup is what every test starts with: its own database, broker, group
// and spool folder.
type setup struct {
	addr    string // ClickHouse
	db      *db
	broker  *stream.Broker
	brokers []string
	group   string
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	addr := needClickHouse(t)
	s := &setup{addr: addr, db: newDB(t, addr), broker: startBroker(t), group: randomName("e2e-")}
	s.brokers = s.broker.Addrs()
	return s
}

// config returns the configuration of an engine with its own spool.
func (s *setup) config(t *testing.T) engineConfig {
	return engineConfig{
		Brokers:    s.brokers,
		GroupID:    s.group,
		ClickHouse: s.addr,
		Database:   s.db.name,
		SpoolDir:   filepath.Join(t.TempDir(), "spool"),
	}
}

// TestExactlyOnceVisible streams 100,000 manifests, 1% broken, through one
// engine: every accepted one is stored and read back once, every broken one
// is in the rejects table and the dead-letter topic once, with its code.
func TestExactlyOnceVisible(t *testing.T) {
	t.Parallel()
	s := newSetup(t)
	c := newCorpus(1, 100_000, 0.01)
	if c.rejectedN < 500 {
		t.Fatalf("corpus has %d rejected manifests; want about 1,000", c.rejectedN)
	}
	produceAll(t, s.brokers, c.msgs)
	e := startEngine(t, "engine", s.config(t))

	waitStored(t, s.db, len(c.accepted), c.rejectedN, 3*time.Minute, e)
	checkVisibleOnce(t, s.db, c.accepted)
	checkRejects(t, s.db, c, true)
	checkDLQ(t, s.brokers, c)

	m, err := e.metrics()
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	if got, want := m["manifests_rejected_total"], float64(c.rejectedN); got != want {
		t.Errorf("parcelguard_manifests_rejected_total = %v; want %v", got, want)
	}
	if got := m["spool_files"]; got != 0 {
		t.Errorf("parcelguard_spool_files = %v with ClickHouse up; want 0", got)
	}
	e.stop(30 * time.Second)
	t.Logf("%d manifests: %d accepted (%d distinct items), %d rejected", len(c.msgs), len(c.msgs)-c.rejectedN, len(c.accepted), c.rejectedN)
}

// TestClickHouseOutage cuts the engine off ClickHouse for ten seconds while
// manifests keep coming: the batches go to the spool, rejected manifests
// with them, offsets are still committed, and once ClickHouse is back the
// spool drains and every item is stored, none shown twice, and every
// rejected manifest is in the rejects table (at least once).
func TestClickHouseOutage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		broken float64
	}{
		{name: "accepted manifests", broken: 0},
		{name: "with rejected manifests", broken: 0.01},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			testOutage(t, tt.broken)
		})
	}
}

func testOutage(t *testing.T, broken float64) {
	s := newSetup(t)
	px := startProxy(t, s.addr)
	c := newCorpus(2, 30_000, broken)
	cfg := s.config(t)
	cfg.ClickHouse = px.Addr()
	e := startEngine(t, "engine", cfg)
	e.waitAssigned(60 * time.Second)

	// 30,000 manifests over 20 s: production goes on through the outage.
	prod := background(t, func(ctx context.Context) error { return produce(ctx, s.brokers, c.msgs, 1500) })

	eventually(t, time.Minute, 100*time.Millisecond, "first items stored", func() (bool, string) {
		_, distinct, err := s.db.store.CountDistinct(context.Background())
		if err != nil {
			return false, err.Error()
		}
		return distinct >= 1000, ""
	})

	px.setDown(true)
	upAgain := time.Now().Add(10 * time.Second)
	t.Log("ClickHouse unreachable")
	_, storedBefore, err := s.db.store.CountDistinct(context.Background())
	if err != nil {
		t.Fatalf("CountDistinct: %v", err)
	}
	spoolFiles := 0.0
	eventually(t, 10*time.Second, 100*time.Millisecond, "spool fills", func() (bool, string) {
		spoolFiles = e.metric("spool_files")
		return spoolFiles > 0, "parcelguard_spool_files 0"
	})
	commitsBefore := e.metric("offset_commits_total")
	spooled, spooledRejects := spooledContents(t, cfg.SpoolDir)
	if len(spooled)+len(spooledRejects) == 0 {
		t.Errorf("parcelguard_spool_files = %v but %s holds no readable batch", spoolFiles, cfg.SpoolDir)
	}
	for id := range spooled {
		if !c.accepted[id] {
			t.Errorf("the spool holds item %s, which was never sent", id)
			break
		}
	}
	for raw := range spooledRejects {
		if _, ok := c.rejected[raw]; !ok {
			t.Errorf("the spool holds a reject that was not rejected: %.200s", raw)
			break
		}
	}
	time.Sleep(time.Until(upAgain))
	m, err := e.metrics()
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	const spooledRejectRows = `spool_rows_written_total{table="rejects"}`
	t.Logf("ClickHouse back after 10 s: spool holds %v batches (%v bytes, %v rejects), breaker state %v, %v breaker trips, %v manifests consumed, %v offset commits during the outage",
		m["spool_files"], m["spool_bytes"], m[`spool_rows{table="rejects"}`], m["clickhouse_breaker_state"], m["clickhouse_breaker_trips_total"],
		m["messages_consumed_total"], m["offset_commits_total"]-commitsBefore)
	if m["spool_files"] < 2 {
		t.Errorf("parcelguard_spool_files = %v after 10 s of outage; want several batches", m["spool_files"])
	}
	// The spool let the offsets move on: commits went on during the outage.
	if got := m["offset_commits_total"] - commitsBefore; got < 2 {
		t.Errorf("%v offset commits during the outage; want commits to go on while batches are spooled", got)
	}
	if broken > 0 && m[spooledRejectRows] == 0 {
		t.Errorf("parcelguard_%s = 0 after 10 s of outage with rejected manifests in the stream; want them spooled", spooledRejectRows)
	}
	_, storedAfter, err := s.db.store.CountDistinct(context.Background())
	if err != nil {
		t.Fatalf("CountDistinct: %v", err)
	}
	// A batch on its way when the proxy cut may still have landed.
	if storedAfter-storedBefore > 5000 {
		t.Errorf("%d items reached ClickHouse during the outage: the proxy did not cut the engine off", storedAfter-storedBefore)
	}
	px.setDown(false)

	if err := prod.wait(3 * time.Minute); err != nil {
		t.Fatalf("producing: %v", err)
	}
	waitStored(t, s.db, len(c.accepted), c.rejectedN, 3*time.Minute, e)
	eventually(t, time.Minute, 250*time.Millisecond, "spool drained", func() (bool, string) {
		m, err := e.metrics()
		if err != nil {
			return false, err.Error()
		}
		return m["spool_files"] == 0, "parcelguard_spool_files " + formatFloat(m["spool_files"])
	})
	if batches, _ := filepath.Glob(filepath.Join(cfg.SpoolDir, "*.batch")); len(batches) > 0 {
		t.Errorf("spool drained but %s still holds %v", cfg.SpoolDir, batches)
	}
	if corrupt, _ := os.ReadDir(filepath.Join(cfg.SpoolDir, "corrupt")); len(corrupt) > 0 {
		t.Errorf("%d spool files were moved to corrupt/", len(corrupt))
	}
	m, err = e.metrics()
	if err != nil {
		t.Fatalf("metrics: %v", err)
	}
	if m["spool_batches_replayed_total"] == 0 {
		t.Errorf("parcelguard_spool_batches_replayed_total = 0; the stored items did not come from the spool")
	}
	if m[`spool_rows{table="rejects"}`] != 0 {
		t.Errorf(`parcelguard_spool_rows{table="rejects"} = %v after the spool drained; want 0`, m[`spool_rows{table="rejects"}`])
	}
	if got, want := m[`clickhouse_rows_inserted_total{table="rejects"}`], float64(c.rejectedN); got < want {
		t.Errorf(`parcelguard_clickhouse_rows_inserted_total{table="rejects"} = %v; want at least %v`, got, want)
	}
	checkVisibleOnce(t, s.db, c.accepted)
	checkRejects(t, s.db, c, false)
	e.stop(30 * time.Second)
}

// TestKill9 kills the engine with SIGKILL mid-stream and starts it again
// with the same group and spool: nothing is lost, nothing shows twice, and
// at the kill no committed offset was ahead of the stored data.
func TestKill9(t *testing.T) {
	t.Parallel()
	s := newSetup(t)
	c := newCorpus(3, 30_000, 0.01)
	cfg := s.config(t)
	e := startEngine(t, "engine-1", cfg)
	e.waitAssigned(60 * time.Second)

	// 30,000 manifests over 6 s.
	prod := background(t, func(ctx context.Context) error { return produce(ctx, s.brokers, c.msgs, 5000) })
	eventually(t, time.Minute, 50*time.Millisecond, "first items stored", func() (bool, string) {
		_, distinct, err := s.db.store.CountDistinct(context.Background())
		if err != nil {
			return false, err.Error()
		}
		// Some commits must have happened (every second) for the check
		// of committed offsets to mean anything.
		return distinct >= 5000 && e.metric("offset_commits_total") >= 1, ""
	})
	e.kill()
	t.Log("engine-1 killed")

	committed := checkCommittedStored(t, s, cfg.SpoolDir)

	e2 := startEngine(t, "engine-2", cfg)
	if err := prod.wait(3 * time.Minute); err != nil {
		t.Fatalf("producing: %v", err)
	}
	// The killed member stays in the group until its session times out
	// (30 s); only then does the new engine get its partitions.
	waitStored(t, s.db, len(c.accepted), c.rejectedN, 3*time.Minute, e2)
	consumed := e2.metric("messages_consumed_total")
	if remaining := float64(len(c.msgs) - int(committed)); consumed < remaining {
		t.Errorf("engine-2 consumed %v manifests; want at least the %v after the committed offsets", consumed, remaining)
	}
	t.Logf("engine-2 resumed at the committed offsets and consumed %v manifests", consumed)
	checkVisibleOnce(t, s.db, c.accepted)
	checkRejects(t, s.db, c, false)
	e2.stop(30 * time.Second)
}

// checkCommittedStored checks, while no engine runs, that every accepted
// manifest below a committed offset is durable: in ClickHouse or in the
// spool. It returns the number of messages below the committed offsets.
func checkCommittedStored(t *testing.T, s *setup, spoolDir string) (committedMsgs int64) {
	t.Helper()
	committed := committedOffsets(t, s.brokers, s.group)
	durable := spooledItems(t, spoolDir)
	spooled := len(durable)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	q, err := s.db.conn.Query(ctx, "SELECT DISTINCT item_id FROM assessments")
	if err != nil {
		t.Fatalf("reading stored items: %v", err)
	}
	for q.Next() {
		var id string
		if err := q.Scan(&id); err != nil {
			t.Fatalf("reading stored items: %v", err)
		}
		durable[id] = true
	}
	if err := q.Err(); err != nil {
		t.Fatalf("reading stored items: %v", err)
	}
	q.Close()

	var dec manifest.Decoder
	var p manifest.Parcel
	var below, lost int
	for part, off := range committed {
		if off <= 0 {
			continue
		}
		committedMsgs += off
		for _, m := range readRange(ctx, t, s.brokers, stream.DefaultManifestsTopic, part, 0, off) {
			id, code := classify(&dec, &p, m.Value)
			if code != "" {
				continue
			}
			below++
			if !durable[id] {
				if lost++; lost <= 5 {
					t.Errorf("item %s at offset %d/%d is below the committed offset %d but neither in ClickHouse nor in the spool", id, part, m.Offset, off)
				}
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d committed items not durable at the kill", lost, below)
	}
	if below == 0 {
		t.Errorf("no offset committed at the kill (%v): the check proves nothing", committed)
	}
	t.Logf("at the kill: committed offsets %v cover %d accepted items, all durable (%d stored items, %d in the spool)", committed, below, len(durable)-spooled, spooled)
	return committedMsgs
}

// spooledItems returns the item ids in the spool at dir, read from a copy
// so that the spool itself stays as the engine left it.
func spooledItems(t *testing.T, dir string) map[string]bool {
	t.Helper()
	ids, _ := spooledContents(t, dir)
	return ids
}

// spooledContents returns the item ids and the raw rejected manifests in
// the spool at dir, read from a copy so that the spool itself stays as the
// engine left it.
func spooledContents(t *testing.T, dir string) (ids, rejects map[string]bool) {
	t.Helper()
	ids, rejects = make(map[string]bool), make(map[string]bool)
	files, _ := filepath.Glob(filepath.Join(dir, "*.batch"))
	if len(files) == 0 {
		return ids, rejects
	}
	cp := t.TempDir()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if errors.Is(err, fs.ErrNotExist) {
			continue // replayed meanwhile
		}
		if err != nil {
			t.Fatalf("copying the spool: %v", err)
		}
		if err := os.WriteFile(filepath.Join(cp, filepath.Base(f)), data, 0o600); err != nil {
			t.Fatalf("copying the spool: %v", err)
		}
	}
	sp, err := store.OpenSpool(cp, store.SpoolConfig{})
	if err != nil {
		t.Fatalf("opening the spool copy: %v", err)
	}
	for {
		b, ok, err := sp.Oldest()
		if err != nil {
			t.Fatalf("reading the spool copy: %v", err)
		}
		if !ok {
			return ids, rejects
		}
		for _, r := range b.Records {
			ids[r.Parcel.ItemID] = true
		}
		for _, r := range b.Rejects {
			rejects[string(r.Raw)] = true
		}
		if err := sp.Remove(b.Seq); err != nil {
			t.Fatalf("reading the spool copy: %v", err)
		}
	}
}

// TestRebalance runs two engines in one group on six partitions and stops
// one with SIGTERM mid-stream: the other takes its partitions over, and
// every item is stored, none shown twice.
func TestRebalance(t *testing.T) {
	t.Parallel()
	s := newSetup(t)
	c := newCorpus(4, 45_000, 0.01)
	a := startEngine(t, "engine-a", s.config(t))
	b := startEngine(t, "engine-b", s.config(t))

	// 45,000 manifests over 15 s.
	prod := background(t, func(ctx context.Context) error { return produce(ctx, s.brokers, c.msgs, 3000) })
	// Each engine reads about half the stream, 1,500 a second.
	eventually(t, time.Minute, 100*time.Millisecond, "both engines consuming", func() (bool, string) {
		ma, mb := a.metric("messages_consumed_total"), b.metric("messages_consumed_total")
		return ma >= 2000 && mb >= 2000, formatFloat(ma) + " and " + formatFloat(mb) + " consumed"
	})
	if !prod.running() {
		t.Fatalf("production ended before engine-b was stopped: the test proves nothing")
	}
	generations := a.metric("group_generations_total")
	t.Logf("engine-b stops after %v manifests", b.metric("messages_consumed_total"))
	b.stop(30 * time.Second)

	// The producer keeps its rate only when the machine has room; under
	// the race detector beside other packages' tests it may take longer.
	if err := prod.wait(3 * time.Minute); err != nil {
		t.Fatalf("producing: %v", err)
	}
	waitStored(t, s.db, len(c.accepted), c.rejectedN, 3*time.Minute, a)
	if got := a.metric("group_generations_total"); got <= generations {
		t.Errorf("engine-a took part in %v group generations, as many as before engine-b stopped; want a rebalance", got)
	}
	checkVisibleOnce(t, s.db, c.accepted)
	checkRejects(t, s.db, c, false)
	a.stop(30 * time.Second)
}

// TestKcatZstd produces a manifest with kcat (librdkafka), zstd-compressed,
// and reads it back from the store as sent.
func TestKcatZstd(t *testing.T) {
	t.Parallel()
	kcat := needTool(t, "kcat", "kcat")
	s := newSetup(t)
	e := startEngine(t, "engine", s.config(t))

	g := synth.New(synth.Config{Seed: 5})
	var dec manifest.Decoder
	var p manifest.Parcel
	raw := g.Next(nil)
	id, code := classify(&dec, &p, raw)
	if code != "" {
		t.Fatalf("synthetic manifest rejected (%s): %s", code, raw)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, kcat, "-P", "-b", strings.Join(s.brokers, ","), "-t", stream.DefaultManifestsTopic, "-z", "zstd", "-k", id)
	cmd.Stdin = bytes.NewReader(append(raw, '\n'))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kcat: %v\n%s", err, out)
	}

	var rec store.Record
	eventually(t, time.Minute, 100*time.Millisecond, "item "+id+" stored", func() (bool, string) {
		var err error
		rec, err = s.db.store.Get(context.Background(), id)
		if err != nil {
			return false, err.Error()
		}
		return true, ""
	})
	if rec.Parcel.ItemID != id || !bytes.Equal(rec.Parcel.Raw, raw) {
		t.Errorf("Get(%s) = item %s, raw %.200s; want the manifest as sent: %.200s", id, rec.Parcel.ItemID, rec.Parcel.Raw, raw)
	}
	if rec.Assessment == nil || rec.Assessment.ItemID != id {
		t.Errorf("Get(%s).Assessment = %+v; want the item's assessment", id, rec.Assessment)
	}
	e.stop(30 * time.Second)
}
