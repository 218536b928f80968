package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Migration 3 rebuilds assessments with index_granularity 1024 instead of
// the default 8192. A look-up by item id (Get, and the keys Related starts
// from) decompresses the whole granule that holds the item in every column
// it reads, and with ~1 KB of raw manifest a row, an 8,192-row granule of
// raw alone is 8 MB: most of the cost of opening an item. With 1,024 rows
// it is an eighth of that. The granularity is fixed when a table is
// created (ClickHouse 18.16 has no adaptive granularity and its parts
// cannot move between tables of different granularity), so the migration
// copies the table:
//
//  1. create assessments_rebuild, with assessments' columns and engine and
//     the new granularity;
//  2. copy every row of assessments into it;
//  3. rename assessments to assessments_before_v3 and assessments_rebuild
//     to assessments;
//  4. copy again the rows of assessments_before_v3 that assessments lacks
//     (those written while step 2 ran), then drop assessments_before_v3.
//
// Migration 2's materialized views read FROM assessments by name, so after
// step 3 the renamed table feeds them (checked on 18.16, also after the
// views are detached and attached again, as at a server start); step 2
// does not feed them, and step 4 feeds them rows they already had, which
// is harmless (reads collapse duplicates). Should a server bind the views
// to the old table instead, they are created again on assessments.
//
// Each step looks at what the tables are before it acts, so the migration
// runs again after a crash at any point: a crash in step 2 leaves a partial
// assessments_rebuild, which is dropped and copied again; a crash between
// the two renames of step 3 (18.16 renames one after the other) leaves no
// assessments, and the rename is finished.
const assessmentsGranularity = 1024

// feedView is one of migration 2's materialized views: it fills target's
// columns from assessments with feed, a SELECT … FROM assessments.
type feedView struct{ name, target, columns, feed string }

// feedViews are migration 2's materialized views.
var feedViews = []feedView{
	{"item_versions_feed", "item_versions", itemVersionsColumns, itemVersionsFeed},
	{"queue_feed", "queue", queueColumns, queueFeed},
	{"parcel_keys_feed", "parcel_keys", parcelKeysColumns, parcelKeysFeed},
}

// createViewAgain drops and creates v, so that it writes into the table
// now called v.target and reads the one now called assessments.
func (s *Store) createViewAgain(ctx context.Context, v feedView) error {
	for _, stmt := range []string{
		"DROP TABLE IF EXISTS " + v.name,
		"CREATE MATERIALIZED VIEW IF NOT EXISTS " + v.name + " TO " + v.target + " AS " + v.feed,
	} {
		if err := s.ddl(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// tableRebuild copies a table into one of another index granularity, in
// the steps described above, under the names <table>_rebuild and
// <table>_before_v<migration>.
type tableRebuild struct {
	migration   int
	table       string
	engine      string // the engine clause, without SETTINGS
	granularity int
	partition   string // the partition expression
	rowKey      string // the columns that tell rows apart
	// derived, when set, is the view that fills the table: the table is
	// filled, and caught up, from assessments through the view's select
	// rather than copied from the old table, and the view is created again
	// on the new table.
	derived *feedView
	// afterSwap, when set, runs once the new table has the name.
	afterSwap func(ctx context.Context, s *Store) error
}

var assessmentsRebuild = tableRebuild{
	migration: 3, table: "assessments",
	engine:      "ReplacingMergeTree(version) PARTITION BY toYYYYMM(received_at) ORDER BY item_id",
	granularity: assessmentsGranularity, partition: "toYYYYMM(received_at)", rowKey: "item_id, version",
	afterSwap: func(ctx context.Context, s *Store) error { return s.feedFromAssessments(ctx) },
}

func rebuildAssessments(ctx context.Context, s *Store) error {
	return assessmentsRebuild.run(ctx, s)
}

// Migration 4 rebuilds item_versions and dispositions with granules of 256
// rows (1,024 and 8,192 before). Related checks its ~30 candidates against
// both, and each candidate costs a granule in every part it may be in: the
// latest-disposition check read 237,000 rows of the benchmark database's
// 400,000 dispositions to find 30 items' (8 ms of server CPU), and the
// version check 61,000 rows. With 256 rows a granule they read 15,000 each
// (3.8 and 5.5 ms). Both tables are small beside assessments, so the copy
// is short. item_versions is filled from assessments through its view's
// select, and its view is created again on the new table after the swap:
// 18.16 binds a view to its target by name, but newer releases by the
// table's UUID, and would go on writing into the renamed table. The
// catch-up copy then takes from assessments every row item_versions lacks
// (written during the copy, or while the view was being created again).
// Dispositions are written by name and copied as assessments are.
var indexRebuilds = []tableRebuild{
	{
		migration: 4, table: "item_versions",
		engine:      "ReplacingMergeTree(version) PARTITION BY toYYYYMM(received_at) ORDER BY item_id",
		granularity: 256, partition: "toYYYYMM(received_at)", rowKey: "item_id, version",
		derived: &feedViews[0],
	},
	{
		migration: 4, table: "dispositions",
		engine:      "MergeTree PARTITION BY toYYYYMM(recorded_at) ORDER BY (item_id, recorded_at)",
		granularity: 256, partition: "toYYYYMM(recorded_at)", rowKey: "item_id, recorded_at, officer, outcome, substance, note",
	},
}

func rebuildIndexTables(ctx context.Context, s *Store) error {
	for _, r := range indexRebuilds {
		if err := r.run(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func (r tableRebuild) rebuildName() string { return r.table + "_rebuild" }

func (r tableRebuild) beforeName() string { return fmt.Sprintf("%s_before_v%d", r.table, r.migration) }

func (r tableRebuild) run(ctx context.Context, s *Store) error {
	current, err := s.tableEngine(ctx, r.table)
	if err != nil {
		return err
	}
	rebuilt := strings.Contains(current, fmt.Sprintf("index_granularity = %d", r.granularity))
	switch {
	case current == "":
		// Between the two renames of step 3.
		if err := s.ddl(ctx, "RENAME TABLE "+r.rebuildName()+" TO "+r.table); err != nil {
			return fmt.Errorf("finishing the swap of %s: %w", r.table, err)
		}
	case !rebuilt:
		s.log.Info(fmt.Sprintf("migration %d: copying %s into granules of %d rows (stopping writers first makes it shorter)", r.migration, r.table, r.granularity))
		engine := " ENGINE = " + r.engine + fmt.Sprintf(" SETTINGS index_granularity = %d", r.granularity)
		// A copy has the old table's columns; a derived table takes those
		// of its view's select, which the view created again must match.
		create := []string{"CREATE TABLE " + r.rebuildName() + " AS " + r.table + engine,
			"INSERT INTO " + r.rebuildName() + " SELECT * FROM " + r.table}
		if v := r.derived; v != nil {
			create = []string{"CREATE TABLE " + r.rebuildName() + engine + " AS " + v.feed}
		}
		for _, stmt := range slices.Concat([]string{"DROP TABLE IF EXISTS " + r.rebuildName()}, create,
			[]string{"RENAME TABLE " + r.table + " TO " + r.beforeName() + ", " + r.rebuildName() + " TO " + r.table}) {
			if err := s.ddl(ctx, stmt); err != nil {
				return err
			}
		}
	default:
		// Done, or another process did it: what a process that lost the
		// race copied is not needed.
		if err := s.ddl(ctx, "DROP TABLE IF EXISTS "+r.rebuildName()); err != nil {
			return err
		}
	}
	if r.derived != nil {
		// A server may have bound the view to the renamed table (newer
		// releases bind by the table's UUID): create it again on the new
		// one. What assessments receives meanwhile reaches the table
		// through the catch-up copy below, which reads assessments.
		if err := s.createViewAgain(ctx, *r.derived); err != nil {
			return err
		}
	}
	if r.afterSwap != nil {
		if err := r.afterSwap(ctx, s); err != nil {
			return err
		}
	}
	before, err := s.tableEngine(ctx, r.beforeName())
	// A derived table is caught up whenever its view was created again,
	// the old table gone or not.
	if err != nil || (before == "" && r.derived == nil) {
		return err
	}
	// Rows written to the old table while it was copied (for a derived
	// table: rows of assessments it lacks), one partition at a time so that
	// the set of rows already copied stays small.
	source := r.beforeName()
	if r.derived != nil {
		source = "assessments"
	}
	months, err := s.months(ctx, []string{source}, true)
	if err != nil {
		return err
	}
	for _, m := range months {
		month := fmt.Sprintf("%s = %d", r.partition, m.Month)
		missing := " WHERE " + month + " AND (" + r.rowKey + ") NOT IN (SELECT " + r.rowKey + " FROM " + r.table + " WHERE " + month + ")"
		stmt := "INSERT INTO " + r.table + " SELECT * FROM " + r.beforeName() + missing
		if v := r.derived; v != nil {
			stmt = "INSERT INTO " + r.table + " (" + v.columns + ") " + v.feed + missing
		}
		if err := s.ddl(ctx, stmt); err != nil {
			return fmt.Errorf("copying the rows of %s written during the copy: %w", r.table, err)
		}
	}
	return s.ddl(ctx, "DROP TABLE IF EXISTS "+r.beforeName())
}

// feedFromAssessments makes sure migration 2's views read from the table
// now called assessments, creating them again if the server bound them to
// the renamed one.
func (s *Store) feedFromAssessments(ctx context.Context) error {
	var deps []string
	if err := s.conn.QueryRow(ctx, "SELECT dependencies_table FROM system.tables WHERE database = currentDatabase() AND name = 'assessments'").Scan(&deps); err != nil {
		return fmt.Errorf("reading the views of assessments: %w", err)
	}
	for _, v := range feedViews {
		if slices.Contains(deps, v.name) {
			continue
		}
		s.log.Warn("migration 3: creating a view again on the rebuilt assessments, and copying into its table what it missed", "view", v.name)
		if err := s.createViewAgain(ctx, v); err != nil {
			return err
		}
		// Rows written to the rebuilt table before the view exists again
		// would never reach the view's table: copy everything again, as
		// migration 2 did; the duplicates collapse as redeliveries do.
		if err := s.ddl(ctx, "INSERT INTO "+v.target+" ("+v.columns+") "+v.feed); err != nil {
			return err
		}
	}
	return nil
}

// tableEngine is the engine clause of a table of the store's database, ""
// when there is no such table.
func (s *Store) tableEngine(ctx context.Context, name string) (string, error) {
	var engines []string
	rows, err := s.conn.Query(ctx, "SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = ?", name)
	if err != nil {
		return "", fmt.Errorf("reading the definition of %s: %w", name, err)
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return "", fmt.Errorf("reading the definition of %s: %w", name, err)
		}
		engines = append(engines, e)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading the definition of %s: %w", name, err)
	}
	if len(engines) == 0 {
		return "", nil
	}
	return engines[0], nil
}
