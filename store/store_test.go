package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// clickhouseAddr is the server the tests use: deploy/clickhouse.sh's by
// default.
func clickhouseAddr() string {
	if a := os.Getenv("PARCELGUARD_CLICKHOUSE"); a != "" {
		return a
	}
	return "127.0.0.1:19000"
}

// needClickHouse skips the test when no server answers, except in CI, which
// always provides one.
func needClickHouse(t testing.TB) string {
	t.Helper()
	addr := clickhouseAddr()
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		msg := fmt.Sprintf("ClickHouse is not reachable at %s (start it with deploy/clickhouse.sh start, or set PARCELGUARD_CLICKHOUSE): %v", addr, err)
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	c.Close()
	return addr
}

// testDatabase is a fresh database name, dropped when the test ends.
func testDatabase(t testing.TB, addr string) string {
	t.Helper()
	var b [6]byte
	rand.Read(b[:])
	db := "pgtest_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		s, err := Open(ctx, Config{Addr: []string{addr}, Database: db})
		if err != nil {
			t.Errorf("dropping %s: %v", db, err)
			return
		}
		defer s.Close()
		if err := s.conn.Exec(ctx, "DROP DATABASE IF EXISTS "+db); err != nil {
			t.Errorf("dropping %s: %v", db, err)
		}
	})
	return db
}

// openTest opens a migrated Store on a fresh database.
func openTest(t testing.TB) *Store {
	t.Helper()
	addr := needClickHouse(t)
	db := testDatabase(t, addr)
	ctx := context.Background()
	s, err := Open(ctx, Config{Addr: []string{addr}, Database: db})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return s
}

var base = time.Date(2026, 11, 20, 10, 15, 0, 0, time.UTC)

// testRecord is a screened parcel with every stored field set; i varies it.
func testRecord(i int) Record {
	id := fmt.Sprintf("RR%08dNL", i)
	p := &manifest.Parcel{
		ItemID:             id,
		Operator:           "NLPOST",
		OperatorKind:       "post",
		MailClass:          "parcel",
		Category:           "gift",
		OriginCountry:      "NL",
		DestinationCountry: "DE",
		PostedAt:           base.Add(time.Duration(i) * time.Minute),
		OfficeOfOrigin:     "AMSTERDAM 1",
		Sender: manifest.Party{
			Name: "Jan de Vries", Country: "NL", Phone: "+31 20 123 4567", Email: "Jan@Example.nl",
			NameKey: "de jan vries", AddressKey: "damstraat 1 1012jm nl", PhoneE164: "+31201234567",
			EmailKey: "jan@example.nl", EmailDomain: "example.nl",
		},
		Recipient: manifest.Party{
			Name: "Jürgen Müller", Country: "DE",
			NameKey: "jurgen muller", AddressKey: "hauptstrasse 5 10115 de", PhoneE164: "",
			EmailKey: "", EmailDomain: "",
		},
		Contents:      []manifest.Item{{Description: "tea", Quantity: 1, NetWeightKg: 0.1, Value: 9.99, HSCode: "090230"}},
		GrossWeightKg: 0.15 + float64(i)/1000,
		DeclaredValue: 9.99 + float64(i),
		Currency:      "EUR",
		Amendment:     0,
		ReceivedAt:    base.Add(time.Hour + time.Duration(i)*time.Second),
		Quality: []manifest.Finding{
			{Code: manifest.CodeMissingRecipientPhone, Path: "recipient.phone", Message: "recipient.phone is empty: give the recipient's phone number"},
		},
	}
	raw, _ := json.Marshal(map[string]any{"item_id": id, "operator": "NLPOST", "note": "ünïcode ✓", "i": i})
	p.Raw = raw
	a := &scorer.Assessment{
		ItemID:  id,
		Score:   40 + i,
		Outcome: scorer.Review,
		Hits: []scorer.Hit{
			{Rule: "vague_description", Score: 20, Reason: `the description "tea" is vague`},
			{Rule: "watch_sender_phone", Score: 20 + i, Reason: "the sender's phone is on the watch list", Outcome: scorer.Review},
		},
		Shadow:      []scorer.Hit{{Rule: "new_origin", Score: 5, Reason: "shadow: new origin"}},
		DataQuality: p.Quality,
		Pack:        "sha256:abc123",
		AssessedAt:  p.ReceivedAt.Add(2 * time.Second),
		ReceivedAt:  p.ReceivedAt,
	}
	if i%3 == 1 {
		a.Outcome, a.Score, a.Hits, a.Shadow, a.Sampled = scorer.Inspect, 0, []scorer.Hit{}, []scorer.Hit{}, true
		a.Errors = []string{"rule x: division by zero"}
		a.DataQuality, p.Quality = []manifest.Finding{}, nil
	}
	return Record{Parcel: p, Assessment: a}
}

func testBatch(from, n int) []Record {
	out := make([]Record, n)
	for i := range out {
		out[i] = testRecord(from + i)
	}
	return out
}

// stored is what a read gives back for r: the stored fields, times at
// DateTime's one-second resolution.
func stored(r Record) Record {
	var rr row = toRow(r)
	rr.PostedAt = dateTime(rr.PostedAt).Truncate(time.Second)
	rr.ReceivedAt = dateTime(rr.ReceivedAt).Truncate(time.Second)
	rr.AssessedAt = dateTime(rr.AssessedAt).Truncate(time.Second)
	return rr.record()
}

var recordOpts = []cmp.Option{cmpopts.EquateEmpty()}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error; "" for none
	}{
		{"ok", Config{Addr: []string{"127.0.0.1:9000"}, Database: "parcelguard"}, ""},
		{"no address", Config{Database: "parcelguard"}, "at least one ClickHouse address"},
		{"address without port", Config{Addr: []string{"localhost"}, Database: "parcelguard"}, `address "localhost" must be host:port`},
		{"no database", Config{Addr: []string{"127.0.0.1:9000"}}, "database name is required"},
		{"bad database", Config{Addr: []string{"127.0.0.1:9000"}, Database: "p-g; DROP"}, "letters, digits and underscores"},
		{"negative timeout", Config{Addr: []string{"127.0.0.1:9000"}, Database: "pg", DialTimeout: -time.Second}, "dial timeout -1s must not be negative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("validate() = %v; want an error containing %q", err, tt.want)
			}
		})
	}
	// Open refuses a bad config before dialling anything.
	if _, err := Open(context.Background(), Config{}); err == nil || !strings.HasPrefix(err.Error(), "store config: ") {
		t.Errorf("Open(Config{}) = %v; want a store config error", err)
	}
}

func TestFeaturesFollowServerVersion(t *testing.T) {
	tests := []struct {
		v      version
		modern bool
	}{
		{version{18, 16, 1}, false},
		{version{19, 17, 4}, false},
		{version{20, 1, 0}, true},
		{version{24, 8, 4}, true},
	}
	for _, tt := range tests {
		t.Run(tt.v.String(), func(t *testing.T) {
			f := featuresOf(tt.v)
			ddl := strings.Join(migrations[0].statements(f), "\n")
			if got := strings.Contains(ddl, "LowCardinality"); got != tt.modern {
				t.Errorf("schema for %s uses LowCardinality = %v; want %v", tt.v, got, tt.modern)
			}
			if got := strings.Contains(ddl, "CODEC("); got != tt.modern {
				t.Errorf("schema for %s uses codecs = %v; want %v", tt.v, got, tt.modern)
			}
			for _, never := range []string{" TTL ", "async_insert", "insert_deduplication_token"} {
				if strings.Contains(ddl, never) {
					t.Errorf("schema for %s uses %q", tt.v, never)
				}
			}
		})
	}
}

func TestMigrationsAreNumberedInOrder(t *testing.T) {
	for i, m := range migrations {
		if m.version != uint32(i+1) {
			t.Errorf("migrations[%d].version = %d; want %d", i, m.version, i+1)
		}
	}
}

func TestValidateNamesTheBadRecord(t *testing.T) {
	good := testRecord(1)
	tests := []struct {
		name  string
		batch []Record
		want  string
	}{
		{"nil assessment", []Record{good, {Parcel: good.Parcel}}, `record 1 (item "RR00000001NL"): Assessment is nil`},
		{"nil parcel", []Record{{Assessment: good.Assessment}}, `record 0 (item "RR00000001NL"): Parcel is nil`},
		{"both nil", []Record{good, good, {}}, "record 2: Parcel and Assessment are nil"},
		{"empty item id", []Record{{Parcel: &manifest.Parcel{}, Assessment: &scorer.Assessment{}}}, "record 0: Parcel.ItemID is empty"},
		{"ids differ", []Record{{Parcel: good.Parcel, Assessment: &scorer.Assessment{ItemID: "X"}}}, `Assessment.ItemID "X" differs from Parcel.ItemID "RR00000001NL"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Store.Write checks before it touches the connection.
			err := (&Store{}).Write(context.Background(), tt.batch)
			if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Write() = %v; want ErrInvalidRecord naming %q", err, tt.want)
			}
		})
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	addr := needClickHouse(t)
	db := testDatabase(t, addr)
	ctx := context.Background()

	// Two processes starting together on an empty database.
	stores := make([]*Store, 3)
	for i := range stores {
		s, err := Open(ctx, Config{Addr: []string{addr}, Database: db})
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer s.Close()
		stores[i] = s
	}
	errs := make(chan error, len(stores))
	for _, s := range stores {
		go func() { errs <- s.Migrate(ctx) }()
	}
	for range stores {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent Migrate: %v", err)
		}
	}
	// And again, as every later start does.
	for i := 0; i < 2; i++ {
		if err := stores[0].Migrate(ctx); err != nil {
			t.Fatalf("Migrate run %d: %v", i+2, err)
		}
	}

	s := stores[0]
	v, err := s.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := migrations[len(migrations)-1].version; v != want {
		t.Errorf("SchemaVersion() = %d; want %d", v, want)
	}
	var distinct uint64
	if err := s.conn.QueryRow(ctx, "SELECT uniqExact(version) FROM schema_migrations").Scan(&distinct); err != nil {
		t.Fatal(err)
	}
	if distinct != uint64(len(migrations)) {
		t.Errorf("schema_migrations holds %d versions; want %d", distinct, len(migrations))
	}
	rows, err := s.conn.Query(ctx, "SELECT name FROM system.tables WHERE database = ? ORDER BY name", db)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	want := []string{"assessments", "audit_log", "dispositions", "item_versions", "item_versions_feed", "parcel_keys", "parcel_keys_feed", "queue", "queue_feed", "rejects", "schema_migrations"}
	if diff := cmp.Diff(want, tables); diff != "" {
		t.Errorf("tables (-want +got):\n%s", diff)
	}
}

// A migration statement may run longer than the read timeout, which the
// driver otherwise applies to a whole statement: migration 2 copies every
// assessment.
func TestMigrationStatementOutlivesReadTimeout(t *testing.T) {
	addr := needClickHouse(t)
	db := testDatabase(t, addr)
	ctx := context.Background()
	s, err := Open(ctx, Config{Addr: []string{addr}, Database: db, ReadTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const slow = "SELECT sleep(1)"
	if err := s.conn.Exec(ctx, slow); err == nil {
		t.Fatalf("Exec(%s) with a 300 ms read timeout succeeded; the test no longer shows anything", slow)
	}
	if err := s.ddl(ctx, slow); err != nil {
		t.Errorf("ddl(%s) = %v; want it to outlive the read timeout", slow, err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := s.ddl(short, slow); err == nil {
		t.Errorf("ddl(%s) with a 200 ms context succeeded; want the caller's deadline kept", slow)
	}
}

func TestWriteReadBack(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()

	batch := testBatch(1, 6)
	// Values at the edges of what the columns hold.
	edge := testRecord(100)
	edge.Parcel.PostedAt = time.Time{}
	edge.Parcel.Raw = nil
	edge.Parcel.Amendment = 2
	edge.Assessment.Hits = nil
	edge.Assessment.DataQuality = nil
	edge.Parcel.Quality = nil
	far := testRecord(101)
	far.Parcel.PostedAt = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)
	far.Parcel.Sender.NameKey = "o'brien \\ \"x\""
	batch = append(batch, edge, far)

	if err := s.Ping(ctx); err != nil {
		t.Fatal(err)
	}
	if v := s.ServerVersion(); !strings.Contains(v, ".") || s.Database() == "" {
		t.Errorf("ServerVersion() = %q, Database() = %q", v, s.Database())
	}
	if err := s.Write(ctx, batch); err != nil {
		t.Fatalf("Write: %v", err)
	}
	for _, r := range batch {
		got, err := s.Get(ctx, r.Parcel.ItemID)
		if err != nil {
			t.Fatalf("Get(%s): %v", r.Parcel.ItemID, err)
		}
		if diff := cmp.Diff(stored(r), got, recordOpts...); diff != "" {
			t.Errorf("Get(%s) (-want +got):\n%s", r.Parcel.ItemID, diff)
		}
	}
	if got := stored(edge).Parcel.PostedAt; !got.Equal(time.Unix(0, 0)) {
		t.Errorf("zero posted_at stored as %v; want the Unix epoch", got)
	}

	ids := []string{batch[3].Parcel.ItemID, "NOPE", batch[0].Parcel.ItemID}
	many, err := s.GetMany(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	want := []Record{stored(batch[0]), stored(batch[3])}
	if diff := cmp.Diff(want, many, recordOpts...); diff != "" {
		t.Errorf("GetMany(%v) (-want +got):\n%s", ids, diff)
	}
	if _, err := s.Get(ctx, "NOPE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(NOPE) = %v; want ErrNotFound", err)
	}
	rows, distinct, err := s.CountDistinct(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows != uint64(len(batch)) || distinct != uint64(len(batch)) {
		t.Errorf("CountDistinct() = %d, %d; want %d, %d", rows, distinct, len(batch), len(batch))
	}
}

func TestRedeliveredItemsReadOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	// Keep every delivery as its own row, as before a merge.
	if err := s.conn.Exec(ctx, "SYSTEM STOP MERGES "+s.database+".assessments"); err != nil {
		t.Fatal(err)
	}

	deliver := func(i int, amendment int, assessedAfter time.Duration, receivedShift time.Duration, score int) Record {
		r := testRecord(i)
		r.Parcel.Amendment = amendment
		r.Parcel.ReceivedAt = r.Parcel.ReceivedAt.Add(receivedShift)
		r.Assessment.ReceivedAt = r.Parcel.ReceivedAt
		r.Assessment.AssessedAt = base.Add(assessedAfter)
		r.Assessment.Score = score
		return r
	}
	tests := []struct {
		name       string
		deliveries []Record // one INSERT each, in this order
		wantScore  int
	}{
		{"same delivery three times", []Record{deliver(1, 0, time.Hour, 0, 10), deliver(1, 0, time.Hour, 0, 10), deliver(1, 0, time.Hour, 0, 10)}, 10},
		{"reassessed later", []Record{deliver(2, 0, time.Hour, 0, 10), deliver(2, 0, 2*time.Hour, 0, 20)}, 20},
		{"spooled older delivery replayed last", []Record{deliver(3, 0, 2*time.Hour, 0, 20), deliver(3, 0, time.Hour, 0, 10)}, 20},
		{"amendment beats a later reassessment of the original", []Record{deliver(4, 1, time.Hour, 0, 40), deliver(4, 0, 3*time.Hour, 0, 5)}, 40},
		{"redelivered in another month's partition", []Record{deliver(5, 0, time.Hour, 0, 10), deliver(5, 0, 50*24*time.Hour, 45*24*time.Hour, 50)}, 50},
	}
	var ids []string
	var nrows int
	for _, tt := range tests {
		for _, d := range tt.deliveries {
			if err := s.Write(ctx, []Record{d}); err != nil {
				t.Fatal(err)
			}
			nrows++
		}
		ids = append(ids, tt.deliveries[0].Parcel.ItemID)
	}
	many, err := s.GetMany(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(many) != len(ids) {
		t.Fatalf("GetMany returned %d records for %d items", len(many), len(ids))
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Get(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if got.Assessment.Score != tt.wantScore {
				t.Errorf("Get(%s).Score = %d; want %d", ids[i], got.Assessment.Score, tt.wantScore)
			}
			if many[i].Assessment.Score != tt.wantScore {
				t.Errorf("GetMany()[%d].Score = %d; want %d", i, many[i].Assessment.Score, tt.wantScore)
			}
		})
	}
	rows, distinct, err := s.CountDistinct(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rows != uint64(nrows) || distinct != uint64(len(ids)) {
		t.Errorf("CountDistinct() = %d, %d; want %d rows (merges stopped), %d items", rows, distinct, nrows, len(ids))
	}
}

func TestWriteRejectsDispositionsAudit(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()

	rejects := []Reject{
		{ReceivedAt: base, Source: "kafka", Topic: "parcel.manifests", Partition: 3, Offset: 1 << 40, Key: "RR1",
			Code: manifest.CodeNotJSON, Path: "", Message: "the message is not JSON", Raw: []byte("{not json")},
		{ReceivedAt: base, Source: "http", Code: manifest.CodeMissingItemID, Path: "item_id", Message: "item_id is required", Raw: []byte(`{}`)},
	}
	if err := s.WriteRejects(ctx, rejects); err != nil {
		t.Fatalf("WriteRejects: %v", err)
	}
	var got []Reject
	rows, err := s.conn.Query(ctx, "SELECT received_at, source, topic, `partition`, `offset`, key, code, path, message, raw FROM rejects ORDER BY source DESC")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var r Reject
		if err := rows.Scan(&r.ReceivedAt, &r.Source, &r.Topic, &r.Partition, &r.Offset, &r.Key, &r.Code, &r.Path, &r.Message, (*bytesScanner)(&r.Raw)); err != nil {
			t.Fatal(err)
		}
		got = append(got, r)
	}
	rows.Close()
	if diff := cmp.Diff(rejects, got); diff != "" {
		t.Errorf("rejects (-want +got):\n%s", diff)
	}

	d := Disposition{ItemID: "RR00000001NL", RecordedAt: base, Officer: "officer7", Outcome: DispositionSeized, Substance: "MDMA", Note: "in tea tin"}
	if err := s.WriteDisposition(ctx, d); err != nil {
		t.Fatalf("WriteDisposition: %v", err)
	}
	for _, bad := range []struct {
		d    Disposition
		want string
	}{
		{Disposition{ItemID: "X", Officer: "o", Outcome: "lost"}, `outcome "lost" must be cleared, seized, other_violation or not_inspected`},
		{Disposition{ItemID: "X", Outcome: DispositionCleared}, "officer is required"},
		{Disposition{Officer: "o", Outcome: DispositionCleared}, "item id is required"},
	} {
		if err := s.WriteDisposition(ctx, bad.d); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("WriteDisposition(%+v) = %v; want an error containing %q", bad.d, err, bad.want)
		}
	}
	var gotD Disposition
	if err := s.conn.QueryRow(ctx, "SELECT item_id, recorded_at, officer, outcome, substance, note FROM dispositions").
		Scan(&gotD.ItemID, &gotD.RecordedAt, &gotD.Officer, &gotD.Outcome, &gotD.Substance, &gotD.Note); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(d, gotD); diff != "" {
		t.Errorf("disposition (-want +got):\n%s", diff)
	}

	entries := []AuditEntry{
		{At: base, Actor: "officer7", Role: "officer", Action: "read_parcel", Object: "RR00000001NL", RemoteAddr: "127.0.0.1:5555"},
		{At: base.Add(time.Second), Actor: "officer7", Role: "officer", Action: "record_outcome", Object: "RR00000001NL", RemoteAddr: "127.0.0.1:5555", Detail: "seized"},
	}
	if err := s.WriteAudit(ctx, entries...); err != nil {
		t.Fatalf("WriteAudit: %v", err)
	}
	var n uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM audit_log WHERE actor = ?", "officer7").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("audit_log holds %d entries; want 2", n)
	}
}
