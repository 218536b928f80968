package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
)

// migration is one numbered schema change: statements run in order, once.
// Every statement must be idempotent (IF NOT EXISTS), because two processes
// starting together may both run a migration before either records it. A
// migration that needs to look at the database first has run instead: it
// must be just as safe to run again, after a crash at any point or while
// another process runs it.
type migration struct {
	version    uint32
	name       string
	statements func(f features) []string
	run        func(ctx context.Context, s *Store) error
}

// migrations is the schema history, oldest first. Append only: a migration
// that has shipped is never edited.
var migrations = []migration{
	{version: 1, name: "initial tables", statements: func(f features) []string {
		lc := f.lc()
		return []string{
			// assessments holds one row per delivery of an item.
			// ReplacingMergeTree(version) keyed by item_id alone keeps, after
			// merges, the row with the highest version: the newest amendment,
			// then the newest assessment. Merges run in the background and
			// only within a partition, so reads collapse duplicates
			// themselves (see Get). The partition is the month the
			// manifest was received: a value parcelguard controls, unlike
			// posted_at, which an operator could scatter over decades.
			`CREATE TABLE IF NOT EXISTS assessments (
    item_id String,
    operator ` + lc + `,
    operator_kind ` + lc + `,
    mail_class ` + lc + `,
    category ` + lc + `,
    origin_country ` + lc + `,
    destination_country ` + lc + `,
    posted_at DateTime,
    received_at DateTime,
    assessed_at DateTime,
    amendment UInt32,
    version UInt64,
    score Int32,
    outcome ` + lc + `,
    sampled UInt8,
    hit_rules Array(` + lc + `),
    hit_scores Array(Int32),
    hit_reasons Array(String),
    hit_outcomes Array(` + lc + `),
    shadow_rules Array(` + lc + `),
    shadow_scores Array(Int32),
    shadow_reasons Array(String),
    shadow_outcomes Array(` + lc + `),
    quality_codes Array(` + lc + `),
    quality_paths Array(String),
    quality_messages Array(String),
    errors Array(String),
    pack_version ` + lc + `,
    sender_name_key String,
    sender_address_key String,
    sender_phone_e164 String,
    sender_email_key String,
    recipient_name_key String,
    recipient_address_key String,
    recipient_phone_e164 String,
    recipient_email_key String,
    declared_value Float64,
    currency ` + lc + `,
    gross_weight_kg Float64,
    raw String` + f.zstd() + `
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(received_at)
ORDER BY item_id`,
			`CREATE TABLE IF NOT EXISTS rejects (
    received_at DateTime,
    source ` + lc + `,
    topic ` + lc + `,
    ` + "`partition`" + ` Int32,
    ` + "`offset`" + ` Int64,
    key String,
    code ` + lc + `,
    path String,
    message String,
    raw String` + f.zstd() + `
) ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (received_at, code)`,
			`CREATE TABLE IF NOT EXISTS dispositions (
    item_id String,
    recorded_at DateTime,
    officer String,
    outcome ` + lc + `,
    substance String,
    note String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(recorded_at)
ORDER BY (item_id, recorded_at)`,
			`CREATE TABLE IF NOT EXISTS audit_log (
    at DateTime,
    actor String,
    role ` + lc + `,
    action ` + lc + `,
    object String,
    remote_addr String,
    detail String
) ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (at, actor)`,
		}
	}},
	{version: 2, name: "indexes for the officers' queries", statements: func(f features) []string {
		lc := f.lc()
		return []string{
			// item_versions holds every delivery's version, by item id, so
			// that the newest version of a few dozen items is found without
			// reading assessments' wide granules.
			`CREATE TABLE IF NOT EXISTS item_versions (
    item_id String,
    version UInt64,
    received_at DateTime
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(received_at)
ORDER BY item_id
SETTINGS index_granularity = 1024`,
			// queue holds the flagged deliveries (review or inspect) with
			// what the queue shows and filters on, by day and then score, so
			// that the first pages of a window read the top of each day. It
			// may hold deliveries that are no longer an item's newest; Queue
			// checks each against item_versions, which also drops an item
			// whose newest delivery was released.
			`CREATE TABLE IF NOT EXISTS queue (
    received_at DateTime,
    score Int32,
    item_id String,
    version UInt64,
    outcome ` + lc + `,
    sampled UInt8,
    operator ` + lc + `,
    origin_country ` + lc + `,
    destination_country ` + lc + `,
    posted_at DateTime,
    hit_rules Array(` + lc + `)
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(received_at)
ORDER BY (toDate(received_at), score, item_id)`,
			// parcel_keys holds one row per normalised key of each delivery
			// (see Related for which keys), so that the items sharing a key
			// in a window are one primary-key range. Its rows are packed
			// into two strings: a look-up decompresses a block of every
			// column it reads in every part, and with ten columns that was
			// most of the cost of Related. k is
			//   via NUL key NUL (received_at + 10^10, 11 digits) item_id
			// and v is score US outcome US origin US destination US operator
			// (US = 0x1f; the operator, the only free text, comes last).
			// received_at is there for the partition only.
			`CREATE TABLE IF NOT EXISTS parcel_keys (
    received_at DateTime,
    k String,
    version UInt64,
    v String
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(received_at)
ORDER BY k
SETTINGS index_granularity = 256`,
			// The views fill the tables from every later INSERT into
			// assessments, whoever sends it.
			`CREATE MATERIALIZED VIEW IF NOT EXISTS item_versions_feed TO item_versions AS ` + itemVersionsFeed,
			`CREATE MATERIALIZED VIEW IF NOT EXISTS queue_feed TO queue AS ` + queueFeed,
			`CREATE MATERIALIZED VIEW IF NOT EXISTS parcel_keys_feed TO parcel_keys AS ` + parcelKeysFeed,
			// Views see only new inserts: copy what assessments held before.
			// The copies run after the views exist, so nothing inserted
			// meanwhile is missed; a row inserted between the two can be
			// copied twice, and so can everything when a crash or a second
			// process runs this migration again. Duplicates are harmless:
			// reads collapse them, as they do redeliveries, and merges
			// remove them (same sorting key).
			`INSERT INTO item_versions (` + itemVersionsColumns + `) ` + itemVersionsFeed,
			`INSERT INTO queue (` + queueColumns + `) ` + queueFeed,
			`INSERT INTO parcel_keys (` + parcelKeysColumns + `) ` + parcelKeysFeed,
		}
	}},
	{version: 3, name: "assessments in granules of 1024 rows", run: rebuildAssessments},
	{version: 4, name: "item_versions and dispositions in granules of 256 rows", run: rebuildIndexTables},
}

// The selects that feed migration 2's tables from assessments, in the views
// and in the copies of older rows. Part of migration 2: do not edit.
const (
	itemVersionsColumns = "item_id, version, received_at"
	itemVersionsFeed    = `SELECT ` + itemVersionsColumns + ` FROM assessments`

	queueColumns = "received_at, score, item_id, version, outcome, sampled, operator, origin_country, destination_country, posted_at, hit_rules"
	queueFeed    = `SELECT ` + queueColumns + ` FROM assessments WHERE outcome != 'release'`

	// One row per non-empty key of a delivery, packed as Related reads
	// them (parcelKeyBound, parcelSummary). The sender key is the name key
	// and the address key together (see senderKey).
	parcelKeysColumns = "received_at, k, version, v"
	parcelKeysFeed    = `SELECT received_at,
    concat(kv.1, '\0', kv.2, '\0', toString(toUInt64(received_at) + 10000000000), item_id) AS k,
    version,
    concat(toString(score), '\x1f', outcome, '\x1f', origin_country, '\x1f', destination_country, '\x1f', operator) AS v
FROM assessments
ARRAY JOIN arrayFilter(x -> x.2 != '', [
    ('recipient_address', recipient_address_key),
    ('sender', if(sender_name_key != '' AND sender_address_key != '', concat(sender_name_key, ' | ', sender_address_key), '')),
    ('phone', sender_phone_e164),
    ('phone', recipient_phone_e164),
    ('email', sender_email_key),
    ('email', recipient_email_key)]) AS kv`
)

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version UInt32,
    name String,
    applied_at DateTime
) ENGINE = ReplacingMergeTree
ORDER BY version`

type appliedMigration struct {
	Version   uint32
	Name      string
	AppliedAt time.Time
}

var appliedColumns = []column[appliedMigration]{
	col("version", func(m *appliedMigration) *uint32 { return &m.Version }),
	col("name", func(m *appliedMigration) *string { return &m.Name }),
	timeCol("applied_at", func(m *appliedMigration) *time.Time { return &m.AppliedAt }),
}

// Migrate brings the schema up to date: it applies, in order, every
// migration not yet recorded in schema_migrations and records it. It is safe
// to run on every start and from two processes at once.
func (s *Store) Migrate(ctx context.Context) error {
	return s.migrateTo(ctx, math.MaxUint32)
}

// migrateTo applies the migrations up to version upTo: the benchmarks
// compare a schema with the one before it.
func (s *Store) migrateTo(ctx context.Context, upTo uint32) error {
	if err := s.ddl(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	applied, err := s.appliedMigrations(ctx)
	if err != nil {
		return err
	}
	for _, m := range migrations {
		if applied[m.version] || m.version > upTo {
			continue
		}
		apply := func() error {
			if m.run != nil {
				if err := m.run(ctx, s); err != nil {
					return fmt.Errorf("applying migration %d (%s): %w", m.version, m.name, err)
				}
			}
			if m.statements != nil {
				for i, stmt := range m.statements(s.features) {
					if err := s.ddl(ctx, stmt); err != nil {
						return fmt.Errorf("applying migration %d (%s), statement %d: %w", m.version, m.name, i+1, err)
					}
				}
			}
			// Two processes racing here both insert a row; the table
			// collapses them and readers use DISTINCT.
			applied := []appliedMigration{{Version: m.version, Name: m.name, AppliedAt: time.Now()}}
			if err := insert(ctx, s.conn, "schema_migrations", appliedColumns, applied); err != nil {
				return fmt.Errorf("recording migration %d: %w", m.version, err)
			}
			s.log.Info("applied schema migration", "version", m.version, "name", m.name)
			return nil
		}
		if m.run == nil {
			if err := apply(); err != nil {
				return err
			}
			continue
		}
		if _, err := s.underMigrationLock(ctx, m.version, apply); err != nil {
			return fmt.Errorf("migration %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

// SchemaVersion is the highest migration applied to the database, 0 when
// none is.
func (s *Store) SchemaVersion(ctx context.Context) (uint32, error) {
	var v uint32
	if err := s.conn.QueryRow(ctx, "SELECT max(version) FROM schema_migrations").Scan(&v); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return v, nil
}

func (s *Store) appliedMigrations(ctx context.Context) (map[uint32]bool, error) {
	rows, err := s.conn.Query(ctx, "SELECT DISTINCT version FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("reading applied migrations: %w", err)
	}
	defer rows.Close()
	applied := map[uint32]bool{}
	for rows.Next() {
		var v uint32
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("reading applied migrations: %w", err)
		}
		applied[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading applied migrations: %w", err)
	}
	return applied, nil
}

// migrationStatementTimeout bounds one migration statement when the
// caller's context sets no deadline. The driver bounds a whole statement
// by Config.ReadTimeout (60 s by default) unless the context has a
// deadline, and a statement that copies a large table runs longer:
// migration 2 took three and a half minutes for ten million assessments on
// the 2-core development machine.
const migrationStatementTimeout = 24 * time.Hour

// ddl runs one idempotent schema statement. ClickHouse can refuse a CREATE
// ... IF NOT EXISTS that races another session creating the same table
// ("already exists" or "is creating or attaching right now"); running it
// again then succeeds, so those errors are retried a few times.
func (s *Store) ddl(ctx context.Context, stmt string) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, migrationStatementTimeout)
		defer cancel()
	}
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		if err = s.conn.Exec(ctx, stmt); err == nil || !ddlRace(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		}
	}
	return err
}

func ddlRace(err error) bool {
	var ex *clickhouse.Exception
	if !errors.As(err, &ex) {
		return false
	}
	const tableAlreadyExists = 57
	return ex.Code == tableAlreadyExists || strings.Contains(ex.Message, "right now")
}

// Migrations with a run function copy tables and rename them, which two
// processes must not do at once (ClickHouse 18.16 can even deadlock on a
// CREATE, a RENAME and a DROP of the same tables racing). They run under
// a lock: the table migration_lock, which only one CREATE makes. Its holder
// appends a heartbeat row every few seconds and drops it when done; a lock
// with no heartbeat for migrationLockStale belongs to a process that died,
// and the first process to rename it away takes over.
const (
	migrationLockHeartbeat = 5 * time.Second
	migrationLockStale     = time.Minute
)

// underMigrationLock runs f holding the migration lock, unless migration
// version is, or gets while waiting, applied by another process: then it
// returns done.
func (s *Store) underMigrationLock(ctx context.Context, version uint32, f func() error) (done bool, err error) {
	applied := func() (bool, error) {
		applied, err := s.appliedMigrations(ctx)
		return applied[version], err
	}
	return s.underLock(ctx, applied, f)
}

// underLock runs f holding the migration lock. skip, when not nil, is
// asked before each attempt to take the lock and once it is taken; when
// it answers true, f is not run and underLock returns skipped.
func (s *Store) underLock(ctx context.Context, skip func() (bool, error), f func() error) (skipped bool, err error) {
	if skip == nil {
		skip = func() (bool, error) { return false, nil }
	}
	for {
		done, err := skip()
		if err != nil {
			return false, err
		}
		if done {
			return true, nil
		}
		err = s.conn.Exec(ctx, "CREATE TABLE migration_lock (at DateTime) ENGINE = Log")
		if err == nil {
			break
		}
		if !ddlRace(err) {
			return false, fmt.Errorf("taking the migration lock: %w", err)
		}
		// Held by another process: wait, or take it over when stale.
		var idle int64
		if err := s.conn.QueryRow(ctx, "SELECT toInt64(now()) - greatest(toInt64(max(metadata_modification_time)),"+
			" (SELECT toInt64(max(at)) FROM migration_lock)) FROM system.tables WHERE database = currentDatabase() AND name = 'migration_lock'").Scan(&idle); err != nil {
			idle = 0 // gone meanwhile: try again
		}
		if time.Duration(idle)*time.Second > migrationLockStale {
			stale := fmt.Sprintf("migration_lock_stale_%d", time.Now().UnixNano())
			if err := s.conn.Exec(ctx, "RENAME TABLE migration_lock TO "+stale); err == nil {
				s.log.Warn("took over the migration lock of a process that stopped", "idle", time.Duration(idle)*time.Second)
				_ = s.conn.Exec(ctx, "DROP TABLE IF EXISTS "+stale)
			}
			continue
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(time.Second):
		}
	}
	stop := make(chan struct{})
	beats := make(chan struct{})
	go func() {
		defer close(beats)
		for {
			_ = s.conn.Exec(context.WithoutCancel(ctx), "INSERT INTO migration_lock SELECT now()")
			select {
			case <-stop:
				return
			case <-time.After(migrationLockHeartbeat):
			}
		}
	}()
	defer func() {
		close(stop)
		<-beats
		if derr := s.conn.Exec(context.WithoutCancel(ctx), "DROP TABLE IF EXISTS migration_lock"); derr != nil && err == nil {
			err = fmt.Errorf("dropping the migration lock: %w", derr)
		}
	}()
	// Done by another process between the check and the lock?
	done, err := skip()
	if err != nil || done {
		return err == nil, err
	}
	return false, f()
}
