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

// TestRebuildAssessments upgrades a database of schema version 2 that
// holds assessments, starting from the states a crash during migration 3
// can leave, and checks that no row is lost, that the table has the new
// granularity and that migration 2's views still follow its inserts.
func TestRebuildAssessments(t *testing.T) {
	const copyStarted, betweenRenames, swapped = "crash while copying", "crash between the renames", "crash after the swap"
	for _, crash := range []string{"", copyStarted, betweenRenames, swapped} {
		name := crash
		if name == "" {
			name = "no crash"
		}
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			addr := needClickHouse(t)
			db := testDatabase(t, addr)
			ctx := context.Background()
			s, err := Open(ctx, Config{Addr: []string{addr}, Database: db})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if err := s.migrateTo(ctx, 2); err != nil {
				t.Fatal(err)
			}
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
			create := "CREATE TABLE " + rebuildTable + " AS assessments ENGINE = ReplacingMergeTree(version) PARTITION BY toYYYYMM(received_at) ORDER BY item_id" +
				fmt.Sprintf(" SETTINGS index_granularity = %d", assessmentsGranularity)
			// The copy saw OLD1 only: OLD2 and OLD3 stand for rows written
			// while it ran.
			partial := "INSERT INTO " + rebuildTable + " SELECT * FROM assessments WHERE item_id = 'OLD1'"
			switch crash {
			case copyStarted:
				exec(create, partial)
			case betweenRenames:
				exec(create, partial, "RENAME TABLE assessments TO "+beforeRebuildTable)
			case swapped:
				exec(create, partial, "RENAME TABLE assessments TO "+beforeRebuildTable+", "+rebuildTable+" TO assessments")
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
			for _, gone := range []string{rebuildTable, beforeRebuildTable} {
				if e, err := s.tableEngine(ctx, gone); err != nil || e != "" {
					t.Errorf("table %s left behind (%q, %v)", gone, e, err)
				}
			}
			rows, distinct, err := s.CountDistinct(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rows != 3 || distinct != 3 {
				t.Errorf("assessments holds %d rows of %d items; want 3 of 3", rows, distinct)
			}
			// Inserts into the new table feed the views.
			newer := parcel{id: "NEW1", at: 3 * time.Hour, outcome: scorer.Inspect, score: 70, recipientAddress: "a 1"}
			writeParcels(t, s, newer)
			q := QueueQuery{From: qbase.Add(-60 * 24 * time.Hour), To: qbase.Add(24 * time.Hour)}
			page, err := s.Queue(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := pageIDs(page), []string{"NEW1", "OLD1", "OLD3"}; !cmp.Equal(got, want) {
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
