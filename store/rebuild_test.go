package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parcelguard/parcelguard/scorer"
)

// openAtVersion opens a Store on a fresh database migrated up to version.
func openAtVersion(t *testing.T, version uint32) *Store {
	t.Helper()
	addr := needClickHouse(t)
	db := testDatabase(t, addr)
	s, err := Open(context.Background(), Config{Addr: []string{addr}, Database: db})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.migrateTo(context.Background(), version); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRebuildAssessments upgrades a database of schema version 2 that
// holds assessments, starting from the states a crash during migration 3
// can leave, and checks that no row is lost, that the table has the new
// granularity and that migration 2's views still follow its inserts.
func TestRebuildAssessments(t *testing.T) {
	const copyStarted, betweenRenames, swapped = "crash while copying", "crash between the renames", "crash after the swap"
	// As a server that binds views to their source by UUID leaves things:
	// the swapped table feeds no queue_feed, and a delivery written to it
	// then is missing from queue.
	const viewLost = "crash after the swap with a view lost"
	for _, crash := range []string{"", copyStarted, betweenRenames, swapped, viewLost} {
		name := crash
		if name == "" {
			name = "no crash"
		}
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			s := openAtVersion(t, 2)
			ctx := context.Background()
			self := parcel{id: "OLD1", at: time.Hour, score: 60, recipientAddress: "a 1"}
			old2 := parcel{id: "OLD2", at: 2 * time.Hour, outcome: scorer.Release, recipientAddress: "a 1"}
			// In another month: another partition.
			old3 := parcel{id: "OLD3", at: -40 * 24 * time.Hour, score: 50, recipientAddress: "a 1"}
			writeParcels(t, s, self, old2, old3)
			exec := func(stmts ...string) {
				t.Helper()
				for _, stmt := range stmts {
					if err := s.ddl(ctx, stmt); err != nil {
						t.Fatalf("%s: %v", stmt, err)
					}
				}
			}
			create := "CREATE TABLE " + assessmentsRebuild.rebuildName() + " AS assessments ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(received_at) ORDER BY item_id" +
				fmt.Sprintf(" SETTINGS index_granularity = %d", assessmentsGranularity)
			// The copy saw OLD1 only: OLD2 and OLD3 stand for rows written
			// while it ran.
			partial := "INSERT INTO " + assessmentsRebuild.rebuildName() + " SELECT * FROM assessments WHERE item_id = 'OLD1'"
			switch crash {
			case copyStarted:
				exec(create, partial)
			case betweenRenames:
				exec(create, partial, "RENAME TABLE assessments TO "+assessmentsRebuild.beforeName())
			case swapped:
				exec(create, partial, "RENAME TABLE assessments TO "+assessmentsRebuild.beforeName()+", "+assessmentsRebuild.rebuildName()+" TO assessments")
			case viewLost:
				exec(create, partial, "RENAME TABLE assessments TO "+assessmentsRebuild.beforeName()+", "+assessmentsRebuild.rebuildName()+" TO assessments",
					"DROP TABLE queue_feed")
				writeParcels(t, s, parcel{id: "MID1", at: 4 * time.Hour, outcome: scorer.Review, score: 45, recipientAddress: "a 2"})
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate: %v", err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatalf("Migrate again: %v", err)
			}
			engine, err := s.tableEngine(ctx, "assessments")
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(engine, "index_granularity = 1024") {
				t.Errorf("assessments: %s; want index_granularity = 1024", engine)
			}
			for _, gone := range []string{assessmentsRebuild.rebuildName(), assessmentsRebuild.beforeName()} {
				if e, err := s.tableEngine(ctx, gone); err != nil || e != "" {
					t.Errorf("table %s left behind (%q, %v)", gone, e, err)
				}
			}
			rows, distinct, err := s.CountDistinct(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := uint64(3)
			if crash == viewLost {
				want = 4
			}
			if rows != want || distinct != want {
				t.Errorf("assessments holds %d rows of %d items; want %d of %d", rows, distinct, want, want)
			}
			// Inserts into the new table feed the views.
			newer := parcel{id: "NEW1", at: 3 * time.Hour, outcome: scorer.Inspect, score: 70, recipientAddress: "a 1"}
			writeParcels(t, s, newer)
			q := QueueQuery{From: qbase.Add(-60 * 24 * time.Hour), To: qbase.Add(24 * time.Hour)}
			page, err := s.Queue(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			wantQueue := []string{"NEW1", "OLD1", "OLD3"}
			if crash == viewLost {
				wantQueue = []string{"NEW1", "OLD1", "OLD3", "MID1"}
			}
			if got, want := pageIDs(page), wantQueue; !cmp.Equal(got, want) {
				t.Errorf("Queue(%s) = %v; want %v", describe(q), got, want)
			}
			d, err := s.Detail(ctx, "OLD1", q.From, q.To, 0)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range d.Related {
				ids = append(ids, r.ItemID)
			}
			if want := []string{"NEW1", "OLD2", "OLD3"}; !cmp.Equal(ids, want) {
				t.Errorf("Detail(OLD1).Related = %v; want %v", ids, want)
			}
		})
	}
}

// TestRebuildIndexTables upgrades a database of schema version 3 holding
// deliveries and dispositions, from each state a crash during migration 4
// can leave in each of its tables, and checks that no row is lost, that
// both tables have granules of 256 rows, and that later writes (the view
// feeding item_versions, and dispositions) reach the new tables.
func TestRebuildIndexTables(t *testing.T) {
	const copyStarted, betweenRenames, swapped = "crash while copying", "crash between the renames", "crash after the swap"
	for _, crash := range []string{"", copyStarted, betweenRenames, swapped} {
		for _, r := range indexRebuilds {
			name := crash
			if name == "" {
				name = "no crash"
			}
			t.Run(strings.ReplaceAll(r.table+" "+name, " ", "_"), func(t *testing.T) {
				s := openAtVersion(t, 3)
				ctx := context.Background()
				self := parcel{id: "OLD1", at: time.Hour, score: 60, recipientAddress: "a 1"}
				old2 := parcel{id: "OLD2", at: 2 * time.Hour, score: 55, recipientAddress: "a 1"}
				old3 := parcel{id: "OLD3", at: -40 * 24 * time.Hour, score: 50, recipientAddress: "a 1"}
				writeParcels(t, s, self, old2, old3)
				writeDispositions(t, s,
					Disposition{ItemID: "OLD2", RecordedAt: qbase.Add(3 * time.Hour), Outcome: DispositionCleared},
					Disposition{ItemID: "OLD2", RecordedAt: qbase.Add(4 * time.Hour), Outcome: DispositionSeized, Substance: "cocaine"},
					Disposition{ItemID: "OLD3", RecordedAt: qbase.Add(-30 * 24 * time.Hour), Outcome: DispositionCleared})
				exec := func(stmts ...string) {
					t.Helper()
					for _, stmt := range stmts {
						if err := s.ddl(ctx, stmt); err != nil {
							t.Fatalf("%s: %v", stmt, err)
						}
					}
				}
				create := "CREATE TABLE " + r.rebuildName() + " AS " + r.table + " ENGINE = " + r.engine +
					fmt.Sprintf(" SETTINGS index_granularity = %d", r.granularity)
				// The copy saw OLD1 only (none of the dispositions): the
				// rest stands for rows written while it ran.
				partial := "INSERT INTO " + r.rebuildName() + " SELECT * FROM " + r.table + " WHERE item_id = 'OLD1'"
				switch crash {
				case copyStarted:
					exec(create, partial)
				case betweenRenames:
					exec(create, partial, "RENAME TABLE "+r.table+" TO "+r.beforeName())
				case swapped:
					exec(create, partial, "RENAME TABLE "+r.table+" TO "+r.beforeName()+", "+r.rebuildName()+" TO "+r.table)
				}
				if err := s.Migrate(ctx); err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				if err := s.Migrate(ctx); err != nil {
					t.Fatalf("Migrate again: %v", err)
				}
				for _, r := range indexRebuilds {
					engine, err := s.tableEngine(ctx, r.table)
					if err != nil {
						t.Fatal(err)
					}
					if !strings.Contains(engine, "index_granularity = 256") {
						t.Errorf("%s: %s; want index_granularity = 256", r.table, engine)
					}
					for _, gone := range []string{r.rebuildName(), r.beforeName()} {
						if e, err := s.tableEngine(ctx, gone); err != nil || e != "" {
							t.Errorf("table %s left behind (%q, %v)", gone, e, err)
						}
					}
				}
				// Later writes reach the new tables.
				newer := parcel{id: "NEW1", at: 5 * time.Hour, outcome: scorer.Inspect, score: 70, recipientAddress: "a 1"}
				writeParcels(t, s, newer)
				writeDispositions(t, s, Disposition{ItemID: "NEW1", RecordedAt: qbase.Add(6 * time.Hour), Outcome: DispositionOtherViolation})
				var versions, disps uint64
				if err := s.conn.QueryRow(ctx, "SELECT count() FROM item_versions").Scan(&versions); err != nil {
					t.Fatal(err)
				}
				if err := s.conn.QueryRow(ctx, "SELECT count() FROM dispositions").Scan(&disps); err != nil {
					t.Fatal(err)
				}
				if versions != 4 || disps != 4 {
					t.Errorf("item_versions holds %d rows, dispositions %d; want 4 and 4", versions, disps)
				}
				q := QueueQuery{From: qbase.Add(-60 * 24 * time.Hour), To: qbase.Add(24 * time.Hour)}
				d, err := s.Detail(ctx, "OLD1", q.From, q.To, 0)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]string{}
				for _, r := range d.Related {
					got[r.ItemID] = r.Disposition
				}
				want := map[string]string{"NEW1": DispositionOtherViolation, "OLD2": DispositionSeized, "OLD3": DispositionCleared}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Detail(OLD1).Related dispositions (-want +got):\n%s", diff)
				}
				ds, err := s.Dispositions(ctx, "OLD2")
				if err != nil {
					t.Fatal(err)
				}
				if len(ds) != 2 || ds[1].Outcome != DispositionSeized {
					t.Errorf("Dispositions(OLD2) = %+v; want cleared then seized", ds)
				}
			})
		}
	}
}
