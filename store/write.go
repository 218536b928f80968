package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Write inserts batch into the assessments table in one INSERT. A batch
// holding a record without a Parcel or an Assessment is refused whole with
// ErrInvalidRecord before anything is sent.
func (s *Store) Write(ctx context.Context, batch []Record) error {
	if err := validate(batch); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	rows := make([]row, len(batch))
	for i, r := range batch {
		rows[i] = toRow(r)
	}
	if err := insert(ctx, s.conn, "assessments", assessmentColumns, rows); err != nil {
		return fmt.Errorf("writing batch to clickhouse: %w", err)
	}
	return nil
}

// insert sends rows as one INSERT that names every column, appending a
// whole column at a time.
func insert[R any](ctx context.Context, conn driver.Conn, table string, cols []column[R], rows []R) error {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = "`" + c.name + "`"
	}
	batch, err := conn.PrepareBatch(ctx, "INSERT INTO "+table+" ("+strings.Join(names, ", ")+")")
	if err != nil {
		return err
	}
	// Close ends an INSERT that failed before Send without sending the
	// buffered rows; after Send it does nothing.
	defer func() { _ = batch.Close() }()
	for i, c := range cols {
		var err error
		if c.appendRows != nil {
			err = c.appendRows(batch.Column(i), rows)
		} else {
			err = batch.Column(i).Append(c.values(rows))
		}
		if err != nil {
			return fmt.Errorf("column %s: %w", c.name, err)
		}
	}
	return batch.Send()
}

// ErrNotFound is returned by Get for an item that was never stored.
var ErrNotFound = errors.New("not found")

// Get returns the stored record of one item: its newest delivery.
//
// Reads collapse redelivered items themselves rather than trusting
// ReplacingMergeTree, whose merges run at some later time and only within
// one partition. ORDER BY version DESC and LIMIT 1 (LIMIT 1 BY item_id in
// GetMany) pick the same row a merge would keep; it works on ClickHouse 18.16 and current releases
// alike and, unlike FINAL, collapses across partitions too (FINAL is also
// single-threaded on old servers). PREWHERE makes the server read the other
// columns only from the granules that hold one of the items: without it
// 18.16 reads them from every granule the primary key could not rule out,
// which for a table of millions of ~1 KB raw manifests is most of the cost.
func (s *Store) Get(ctx context.Context, itemID string) (Record, error) {
	return s.get(ctx, assessmentColumns, itemID)
}

// get is Get reading the given columns: the fields of other columns are
// left zero.
func (s *Store) get(ctx context.Context, columns []column[row], itemID string) (Record, error) {
	recs, err := s.readRecords(pointRead(ctx), columns, "PREWHERE item_id = ? ORDER BY version DESC LIMIT 1", itemID)
	if err != nil {
		return Record{}, err
	}
	if len(recs) == 0 {
		return Record{}, fmt.Errorf("reading item %s: %w", itemID, ErrNotFound)
	}
	return recs[0], nil
}

// GetMany returns the stored records of the given items, one per item
// found, ordered by item id. Items never stored are left out.
func (s *Store) GetMany(ctx context.Context, itemIDs []string) ([]Record, error) {
	if len(itemIDs) == 0 {
		return nil, nil
	}
	return s.readRecords(ctx, assessmentColumns, "PREWHERE item_id IN ("+placeholders(len(itemIDs))+")"+
		" ORDER BY item_id, version DESC LIMIT 1 BY item_id", anys(itemIDs)...)
}

// readRecords reads the given columns of the assessments that the rest of
// the query (from its PREWHERE on) selects.
func (s *Store) readRecords(ctx context.Context, columns []column[row], rest string, args ...any) ([]Record, error) {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name
	}
	rows, err := s.conn.Query(ctx, "SELECT "+strings.Join(names, ", ")+" FROM assessments "+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("reading assessments: %w", err)
	}
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r row
		dest := make([]any, len(columns))
		for i, c := range columns {
			dest[i] = c.dest(&r)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("reading assessments: %w", err)
		}
		out = append(out, r.record())
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading assessments: %w", err)
	}
	return out, nil
}

// CountDistinct counts the rows stored in assessments (redeliveries not yet
// merged away included) and the distinct items among them. Tests use it to
// show that nothing was lost (distinct) or inserted twice (rows).
func (s *Store) CountDistinct(ctx context.Context) (rows, distinct uint64, err error) {
	if err := s.conn.QueryRow(ctx, "SELECT count(), uniqExact(item_id) FROM assessments").Scan(&rows, &distinct); err != nil {
		return 0, 0, fmt.Errorf("counting assessments: %w", err)
	}
	return rows, distinct, nil
}

// Reject is a manifest that was not screened: why, and where it came from.
type Reject struct {
	ReceivedAt time.Time
	// Source is "kafka" or "http".
	Source string
	// Topic, Partition, Offset and Key locate a Kafka message; zero for HTTP.
	Topic     string
	Partition int32
	Offset    int64
	Key       string
	// Code, Path and Message are the manifest finding that rejected it.
	Code    string
	Path    string
	Message string
	// Raw is the message as received.
	Raw []byte
}

var rejectColumns = []column[Reject]{
	timeCol("received_at", func(r *Reject) *time.Time { return &r.ReceivedAt }),
	col("source", func(r *Reject) *string { return &r.Source }),
	col("topic", func(r *Reject) *string { return &r.Topic }),
	col("partition", func(r *Reject) *int32 { return &r.Partition }),
	col("offset", func(r *Reject) *int64 { return &r.Offset }),
	col("key", func(r *Reject) *string { return &r.Key }),
	col("code", func(r *Reject) *string { return &r.Code }),
	col("path", func(r *Reject) *string { return &r.Path }),
	col("message", func(r *Reject) *string { return &r.Message }),
	bytesCol("raw", func(r *Reject) *[]byte { return &r.Raw }),
}

// WriteRejects inserts rejected manifests into the rejects table in one
// INSERT.
func (s *Store) WriteRejects(ctx context.Context, rejects []Reject) error {
	if len(rejects) == 0 {
		return nil
	}
	if err := insert(ctx, s.conn, "rejects", rejectColumns, rejects); err != nil {
		return fmt.Errorf("writing rejects to clickhouse: %w", err)
	}
	return nil
}

// Disposition outcomes: what an inspection found.
const (
	DispositionCleared        = "cleared"
	DispositionSeized         = "seized"
	DispositionOtherViolation = "other_violation"
	DispositionNotInspected   = "not_inspected"
)

// Disposition is an officer's recorded outcome for one parcel.
type Disposition struct {
	ItemID     string
	RecordedAt time.Time
	Officer    string
	// Outcome is one of the Disposition… constants.
	Outcome string
	// Substance names what was seized, when anything was.
	Substance string
	Note      string
}

var dispositionColumns = []column[Disposition]{
	col("item_id", func(d *Disposition) *string { return &d.ItemID }),
	timeCol("recorded_at", func(d *Disposition) *time.Time { return &d.RecordedAt }),
	col("officer", func(d *Disposition) *string { return &d.Officer }),
	col("outcome", func(d *Disposition) *string { return &d.Outcome }),
	col("substance", func(d *Disposition) *string { return &d.Substance }),
	col("note", func(d *Disposition) *string { return &d.Note }),
}

// WriteDisposition appends an officer's outcome to the dispositions table.
// Outcomes are never updated: a correction is a newer disposition.
func (s *Store) WriteDisposition(ctx context.Context, d Disposition) error {
	switch {
	case d.ItemID == "":
		return errors.New("writing disposition: item id is required")
	case d.Officer == "":
		return fmt.Errorf("writing disposition of %s: officer is required", d.ItemID)
	}
	switch d.Outcome {
	case DispositionCleared, DispositionSeized, DispositionOtherViolation, DispositionNotInspected:
	default:
		return fmt.Errorf("writing disposition of %s: outcome %q must be cleared, seized, other_violation or not_inspected", d.ItemID, d.Outcome)
	}
	if err := insert(ctx, s.conn, "dispositions", dispositionColumns, []Disposition{d}); err != nil {
		return fmt.Errorf("writing disposition to clickhouse: %w", err)
	}
	return nil
}

// AuditEntry is one line of the append-only audit log: who did what to
// which object, from where.
type AuditEntry struct {
	At         time.Time
	Actor      string
	Role       string
	Action     string
	Object     string
	RemoteAddr string
	Detail     string
}

var auditColumns = []column[AuditEntry]{
	timeCol("at", func(e *AuditEntry) *time.Time { return &e.At }),
	col("actor", func(e *AuditEntry) *string { return &e.Actor }),
	col("role", func(e *AuditEntry) *string { return &e.Role }),
	col("action", func(e *AuditEntry) *string { return &e.Action }),
	col("object", func(e *AuditEntry) *string { return &e.Object }),
	col("remote_addr", func(e *AuditEntry) *string { return &e.RemoteAddr }),
	col("detail", func(e *AuditEntry) *string { return &e.Detail }),
}

// WriteAudit appends entries to the audit log in one INSERT.
func (s *Store) WriteAudit(ctx context.Context, entries ...AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	if err := insert(ctx, s.conn, "audit_log", auditColumns, entries); err != nil {
		return fmt.Errorf("writing audit log to clickhouse: %w", err)
	}
	return nil
}
