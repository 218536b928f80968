package store

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// Every table of the store is partitioned by month, so old data goes by
// dropping whole months, which costs the server next to nothing (no rows
// are rewritten) and is the only retention ClickHouse 18.16 offers (TTL
// came later).
var (
	// ParcelTables hold the screened parcels and the indexes built from
	// them, by the month the parcel was received: drop a month from all
	// of them together, or the queue and the related parcels list items
	// whose manifest is gone. rejects holds the manifests that could not
	// be screened, by the month they were received.
	ParcelTables = []string{"assessments", "queue", "item_versions", "parcel_keys", "rejects"}
	// DispositionTables hold the officers' findings, by the month they
	// were recorded.
	DispositionTables = []string{"dispositions"}
	// AuditTables hold the audit log, by the month of the action.
	AuditTables = []string{"audit_log"}
)

// PrunedMonth is one month of one table that Prune dropped, or would drop.
type PrunedMonth struct {
	Table string
	Month int // YYYYMM
	Rows  uint64
	Bytes uint64 // on disk, compressed
}

// Prune drops from each of tables (ParcelTables, DispositionTables,
// AuditTables or a mix) the months before the month of before. With dryRun
// it only lists them. Otherwise it runs under the migration lock, so that it never
// runs beside a migration that copies a table (whose catch-up copy could
// bring a dropped month back).
func (s *Store) Prune(ctx context.Context, tables []string, before time.Time, dryRun bool) ([]PrunedMonth, error) {
	known := slices.Concat(ParcelTables, DispositionTables, AuditTables)
	if len(tables) == 0 {
		return nil, fmt.Errorf("%w: pruning: no table given", ErrBadQuery)
	}
	for _, t := range tables {
		if !slices.Contains(known, t) {
			return nil, fmt.Errorf("%w: pruning: %q is not a table parcelguard prunes (%v)", ErrBadQuery, t, known)
		}
	}
	if before.IsZero() {
		return nil, fmt.Errorf("%w: pruning: the month to keep from is required", ErrBadQuery)
	}
	before = before.UTC()
	cutoff := before.Year()*100 + int(before.Month())
	var out []PrunedMonth
	prune := func() error {
		months, err := s.months(ctx, tables, true)
		if err != nil {
			return err
		}
		for _, m := range months {
			if m.Month >= cutoff {
				continue
			}
			if !dryRun {
				if err := s.ddl(ctx, fmt.Sprintf("ALTER TABLE %s DROP PARTITION %d", m.Table, m.Month)); err != nil {
					return fmt.Errorf("pruning %s, month %d: %w", m.Table, m.Month, err)
				}
				s.log.Info("pruned a month", "table", m.Table, "month", m.Month, "rows", m.Rows)
			}
			out = append(out, m)
		}
		if dryRun || len(out) == 0 {
			return nil
		}
		return s.waitGone(ctx, out)
	}
	if dryRun {
		// Drops nothing: needs no lock (nor the right to create one).
		return out, prune()
	}
	if _, err := s.underLock(ctx, nil, prune); err != nil {
		return out, err
	}
	return out, nil
}

// pruneGoneTimeout bounds how long Prune waits for dropped parts to leave
// the disk: a little over the server's default old_parts_lifetime (8 min).
var pruneGoneTimeout = 10 * time.Minute

// waitGone waits until no part of the dropped months is left on disk. A
// part still in use (by a merge, most likely: DROP PARTITION waits for
// running queries) when its month is dropped stays on disk, inactive, until
// the server removes it (old_parts_lifetime, 8 minutes by default);
// ClickHouse 18.16 restarted before that loads it as a live part again, and
// the month is back (seen here). So Prune returns only once the data is
// gone for good, or says which months are not gone yet.
func (s *Store) waitGone(ctx context.Context, dropped []PrunedMonth) error {
	var tables []string
	for _, m := range dropped {
		if !slices.Contains(tables, m.Table) {
			tables = append(tables, m.Table)
		}
	}
	deadline := time.Now().Add(pruneGoneTimeout)
	for {
		onDisk, err := s.months(ctx, tables, false)
		if err != nil {
			return fmt.Errorf("checking that the pruned months are gone: %w", err)
		}
		var left []string
		for _, m := range onDisk {
			if slices.ContainsFunc(dropped, func(d PrunedMonth) bool { return d.Table == m.Table && d.Month == m.Month }) {
				left = append(left, fmt.Sprintf("%s %d", m.Table, m.Month))
			}
		}
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("pruning: dropped, but still on disk after %v: %v; the server removes such parts after old_parts_lifetime; run prune again after any ClickHouse restart before then", pruneGoneTimeout, left)
		}
		s.log.Info("waiting for the server to remove the dropped parts from disk", "months", left)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(5 * time.Second):
		}
	}
}

// months lists the months that tables hold, table by table, oldest first:
// in their live parts when active, in every part still on disk otherwise
// (dropped and merged-away parts wait there until the server removes them).
func (s *Store) months(ctx context.Context, tables []string, active bool) ([]PrunedMonth, error) {
	live := ""
	if active {
		live = " AND active"
	}
	rows, err := s.conn.Query(ctx, "SELECT table, partition, sum(rows), sum(bytes_on_disk) FROM system.parts"+
		" WHERE database = currentDatabase()"+live+" AND table IN ("+placeholders(len(tables))+") GROUP BY table, partition", anys(tables)...)
	if err != nil {
		return nil, fmt.Errorf("listing the months of %v: %w", tables, err)
	}
	defer rows.Close()
	var out []PrunedMonth
	for rows.Next() {
		var m PrunedMonth
		var partition string
		if err := rows.Scan(&m.Table, &partition, &m.Rows, &m.Bytes); err != nil {
			return nil, fmt.Errorf("listing the months of %v: %w", tables, err)
		}
		if m.Month, err = strconv.Atoi(partition); err != nil || m.Month < 100001 || m.Month > 999912 {
			return nil, fmt.Errorf("table %s has a partition %q that is not a month", m.Table, partition)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing the months of %v: %w", tables, err)
	}
	slices.SortFunc(out, func(a, b PrunedMonth) int {
		if c := slices.Index(tables, a.Table) - slices.Index(tables, b.Table); c != 0 {
			return c
		}
		return a.Month - b.Month
	})
	return out, nil
}
