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
const (
	assessmentsGranularity = 1024
	rebuildTable           = "assessments_rebuild"
	beforeRebuildTable     = "assessments_before_v3"
)

// feedViews are migration 2's materialized views and their selects.
var feedViews = []struct{ name, target, feed string }{
	{"item_versions_feed", "item_versions", itemVersionsFeed},
	{"queue_feed", "queue", queueFeed},
	{"parcel_keys_feed", "parcel_keys", parcelKeysFeed},
}

func rebuildAssessments(ctx context.Context, s *Store) error {
	assessments, err := s.tableEngine(ctx, "assessments")
	if err != nil {
		return err
	}
	rebuilt := strings.Contains(assessments, fmt.Sprintf("index_granularity = %d", assessmentsGranularity))
	switch {
	case assessments == "":
		// Between the two renames of step 3.
		if err := s.ddl(ctx, "RENAME TABLE "+rebuildTable+" TO assessments"); err != nil {
			return fmt.Errorf("finishing the swap of assessments: %w", err)
		}
	case !rebuilt:
		s.log.Info("migration 3: copying assessments into granules of 1024 rows (stopping writers first makes it shorter)")
		for _, stmt := range []string{
			"DROP TABLE IF EXISTS " + rebuildTable,
			"CREATE TABLE " + rebuildTable + " AS assessments ENGINE = ReplacingMergeTree(version)" +
				" PARTITION BY toYYYYMM(received_at) ORDER BY item_id" +
				fmt.Sprintf(" SETTINGS index_granularity = %d", assessmentsGranularity),
			"INSERT INTO " + rebuildTable + " SELECT * FROM assessments",
			"RENAME TABLE assessments TO " + beforeRebuildTable + ", " + rebuildTable + " TO assessments",
		} {
			if err := s.ddl(ctx, stmt); err != nil {
				return err
			}
		}
	default:
		// Done, or another process did it: what a process that lost the
		// race copied is not needed.
		if err := s.ddl(ctx, "DROP TABLE IF EXISTS "+rebuildTable); err != nil {
			return err
		}
	}
	if err := s.feedFromAssessments(ctx); err != nil {
		return err
	}
	before, err := s.tableEngine(ctx, beforeRebuildTable)
	if err != nil || before == "" {
		return err
	}
	// Rows written to the old table while it was copied, one partition at
	// a time so that the set of rows already copied stays small.
	rows, err := s.conn.Query(ctx, "SELECT DISTINCT partition FROM system.parts WHERE database = currentDatabase() AND table = ? AND active", beforeRebuildTable)
	if err != nil {
		return err
	}
	var partitions []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			rows.Close()
			return err
		}
		partitions = append(partitions, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range partitions {
		month := "toYYYYMM(received_at) = " + p
		if strings.Trim(p, "0123456789") != "" {
			return fmt.Errorf("unexpected partition %q of %s", p, beforeRebuildTable)
		}
		if err := s.ddl(ctx, "INSERT INTO assessments SELECT * FROM "+beforeRebuildTable+" WHERE "+month+
			" AND (item_id, version) NOT IN (SELECT item_id, version FROM assessments WHERE "+month+")"); err != nil {
			return fmt.Errorf("copying the rows written during the copy: %w", err)
		}
	}
	return s.ddl(ctx, "DROP TABLE IF EXISTS "+beforeRebuildTable)
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
		s.log.Warn("migration 3: creating a view again on the rebuilt assessments", "view", v.name)
		for _, stmt := range []string{
			"DROP TABLE IF EXISTS " + v.name,
			"CREATE MATERIALIZED VIEW IF NOT EXISTS " + v.name + " TO " + v.target + " AS " + v.feed,
		} {
			if err := s.ddl(ctx, stmt); err != nil {
				return err
			}
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
