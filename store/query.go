package store

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/ext"

	"github.com/parcelguard/parcelguard/manifest"
)

// The reads behind the officers' API: the work queue, an item's
// dispositions and related items, statistics and the audit log.
//
// Every read collapses redelivered items itself (see Get): an item's
// current state is its delivery with the highest version. Migration 2's
// tables are indexes that materialized views keep from every INSERT into
// assessments: item_versions (every delivery's version, by item id), queue
// (flagged deliveries, by day and score) and parcel_keys (the normalised
// keys of every delivery, by key). queue and parcel_keys can return
// deliveries that are no longer an item's newest, so what they return is
// checked against the newest version in item_versions.
//
// Nothing a client sends is put into SQL text: values go through the
// driver's positional binds, which quote and escape them.

// Queue sorts.
const (
	// SortScore: highest score first, then item id ascending. The default.
	SortScore = "score"
	// SortTime: most recently received first, then item id ascending.
	SortTime = "time"
)

// Disposition status filters.
const (
	StatusAny  = ""
	StatusOpen = "open" // no disposition recorded
	StatusDone = "done" // at least one disposition recorded
)

// ErrBadQuery wraps every validation error of a query. The message names
// the field and says what to send instead.
var ErrBadQuery = errors.New("bad query")

// Limits of the queries.
const (
	DefaultQueueLimit   = 50
	DefaultRelatedLimit = 20
	DefaultAuditLimit   = 100
	MaxLimit            = 1000
	// MaxFilterBytes bounds a text filter (operator, rule, item id, actor,
	// action): longer values cannot match anything stored.
	MaxFilterBytes = 256
)

// QueueQuery selects and orders the flagged items an officer works on.
type QueueQuery struct {
	From, To    time.Time // received_at window [From, To); both required
	Lanes       []string  // subset of "review","inspect"; empty = both
	Operator    string    // exact operator code; "" = any
	Origin      string    // ISO alpha-2 (either case); "" = any
	Destination string
	Rule        string // an active hit rule id; "" = any
	Status      string // StatusAny, StatusOpen or StatusDone
	ItemID      string // case-insensitive substring of item_id; "" = any
	Sort        string // SortScore (default) or SortTime
	// Cursor continues from QueuePage.Next; "" is the first page. It is
	// bound to the filters and sort above, From and To included (so a
	// client paging through "the last 7 days" keeps the first page's
	// times); Limit may change between pages.
	Cursor string
	Limit  int // 1..1000; 0 means 50
}

// QueueItem is one row of the queue.
type QueueItem struct {
	ItemID, Operator, Origin, Destination string
	PostedAt, ReceivedAt                  time.Time
	Score                                 int32
	Outcome                               string // review | inspect
	Sampled                               bool
	Rules                                 []string // active hit rule ids
	Disposition                           string   // latest disposition outcome, "" when open
}

// QueuePage is one page of the queue; Next is "" on the last page.
type QueuePage struct {
	Items []QueueItem
	Next  string
}

// Queue returns one page of the items whose current assessment is in one
// of the lanes asked for and matches the filters.
//
// It reads the queue table for the window and filters, in the order asked,
// and keeps a delivery only when its version is the item's newest: an item
// redelivered or amended shows once, as its newest delivery, and drops out
// when that delivery was released or no longer matches the filters. Pages
// are cut on the sort key (score or received_at, then item id), so paging
// neither repeats nor skips an item whose assessment did not change
// meanwhile.
func (s *Store) Queue(ctx context.Context, q QueueQuery) (QueuePage, error) {
	nq, err := normaliseQueue(q)
	if err != nil {
		return QueuePage{}, err
	}
	after := nq.after
	want := nq.limit + 1 // one more tells whether there is a next page
	items := []QueueItem{}
	var keys []queueKey
	seen := map[string]bool{}
	for fetch := want + want/4 + 4; ; fetch = min(2*fetch, 20_000) {
		cands, err := s.queueCandidates(ctx, nq, after, fetch)
		if err != nil {
			return QueuePage{}, err
		}
		ids := make([]string, len(cands))
		for i, c := range cands {
			ids[i] = c.item.ItemID
		}
		// A newer delivery is never received earlier: From bounds the
		// search for one.
		newest, latest, err := s.newestAndDisposed(ctx, ids, nq.from)
		if err != nil {
			return QueuePage{}, err
		}
		for _, c := range cands {
			id := c.item.ItemID
			if seen[id] || newest[id] != c.version {
				continue
			}
			seen[id] = true
			c.item.Disposition = latest[id]
			items = append(items, c.item)
			keys = append(keys, c.key)
		}
		if len(items) >= want || len(cands) < fetch {
			break
		}
		after = &cands[len(cands)-1].key
	}
	var page QueuePage
	if len(items) > nq.limit {
		items = items[:nq.limit]
		page.Next = nq.cursor(keys[nq.limit-1])
	}
	page.Items = items
	return page, nil
}

// queueKey is the sort key of a queue row: the score or the received_at
// second, then the item id.
type queueKey struct {
	value  int64
	itemID string
}

// queueCandidate is a delivery the queue table returned.
type queueCandidate struct {
	item    QueueItem
	version uint64
	key     queueKey
}

// queueCandidates reads up to n queue rows after the key after (nil: from
// the start), in the page order. An item can come more than once.
//
// ClickHouse 18.16 sorts every row that matches before it cuts the first
// n, and reads whole granules of every column it returns to do so. So the
// query first finds the n-th best value of the sort column (reading that
// column and the filtered ones for the window), and then reads the rows at
// or above it, which the table's order (day, score) keeps in a few
// granules per day.
func (s *Store) queueCandidates(ctx context.Context, q normalQueue, after *queueKey, n int) ([]queueCandidate, error) {
	var where []string
	var args []any
	add := func(cond string, a ...any) {
		where = append(where, cond)
		args = append(args, a...)
	}
	// The day bounds repeat the window on the primary key's first column:
	// 18.16 does not derive them from the bounds on received_at.
	add("received_at >= toDateTime(?) AND received_at < toDateTime(?)", q.from, q.to)
	add("toDate(received_at) >= toDate(toDateTime(?)) AND toDate(received_at) <= toDate(toDateTime(?))", q.from, q.to)
	if len(q.lanes) == 1 {
		add("outcome = ?", q.lanes[0])
	}
	if q.operator != "" {
		add("operator = ?", q.operator)
	}
	if q.origin != "" {
		add("origin_country = ?", q.origin)
	}
	if q.destination != "" {
		add("destination_country = ?", q.destination)
	}
	if q.rule != "" {
		add("has(hit_rules, ?)", q.rule)
	}
	if q.itemID != "" {
		add("positionCaseInsensitive(item_id, ?) > 0", q.itemID)
	}
	// An item's dispositions are recorded after it was received: those
	// recorded more than a day (of clock skew) before the window are not
	// read.
	switch q.status {
	case StatusOpen:
		add("item_id NOT IN (SELECT item_id FROM dispositions WHERE recorded_at >= toDateTime(?))", q.from-min(q.from, 86400))
	case StatusDone:
		add("item_id IN (SELECT item_id FROM dispositions WHERE recorded_at >= toDateTime(?))", q.from-min(q.from, 86400))
	}
	sortCol := "score"
	if q.sort == SortTime {
		sortCol = "received_at"
		if after != nil {
			add("received_at <= toDateTime(?) AND (received_at < toDateTime(?) OR item_id > ?)", after.value, after.value, after.itemID)
		}
	} else if after != nil {
		add("score <= ? AND (score < ? OR item_id > ?)", after.value, after.value, after.itemID)
	}
	filter := strings.Join(where, " AND ")
	threshold := sortCol + " >= ((SELECT min(" + sortCol + ") FROM (SELECT " + sortCol + " FROM queue WHERE " + filter +
		" ORDER BY " + sortCol + " DESC LIMIT ?)) AS threshold)"
	if q.sort == SortTime {
		// The newest rows are in the last days: say so on the key.
		threshold += " AND toDate(received_at) >= toDate(threshold)"
	}
	query := "SELECT item_id, version, score, outcome, sampled, operator, origin_country, destination_country, posted_at, received_at, hit_rules" +
		" FROM queue WHERE " + filter + " AND " + threshold +
		" ORDER BY " + sortCol + " DESC, item_id, version DESC LIMIT ?"
	args = append(append(args, args...), n, n)
	rows, err := s.conn.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading the queue: %w", err)
	}
	defer rows.Close()
	var out []queueCandidate
	for rows.Next() {
		var c queueCandidate
		it := &c.item
		if err := rows.Scan(&it.ItemID, &c.version, &it.Score, &it.Outcome, &it.Sampled, &it.Operator,
			&it.Origin, &it.Destination, &it.PostedAt, &it.ReceivedAt, &it.Rules); err != nil {
			return nil, fmt.Errorf("reading the queue: %w", err)
		}
		it.PostedAt, it.ReceivedAt = it.PostedAt.UTC(), it.ReceivedAt.UTC()
		c.key = queueKey{int64(it.Score), it.ItemID}
		if q.sort == SortTime {
			c.key.value = it.ReceivedAt.Unix()
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the queue: %w", err)
	}
	return out, nil
}

// lookup marks a context for a query that reads a few granules of a small
// table by primary key: such queries use the server's uncompressed cache,
// which keeps the decompressed blocks of the index tables' hot columns
// between queries (reads of assessments do not: its granules of raw
// manifests would push everything else out), and one thread, which is all
// a few granules need.
func lookup(ctx context.Context) context.Context {
	return clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"use_uncompressed_cache": 1, "max_threads": 1}))
}

// pointRead marks a context for a query that reads one item of assessments
// by primary key: one thread, which is all one granule per part needs, so
// that the look-ups Detail runs beside it keep the other cores. Unlike
// lookup it leaves the uncompressed cache alone: assessments' granules of
// raw manifests would push the index tables' blocks out of it.
func pointRead(ctx context.Context) context.Context {
	if pointReadThreads == 0 {
		return ctx
	}
	return clickhouse.Context(ctx, clickhouse.WithSettings(clickhouse.Settings{"max_threads": pointReadThreads}))
}

// pointReadThreads is max_threads for pointRead; 0 leaves the server's.
var pointReadThreads = 1

// newestAndDisposed runs newestVersions and latestDispositions side by
// side.
func (s *Store) newestAndDisposed(ctx context.Context, ids []string, since uint32) (map[string]uint64, map[string]string, error) {
	var (
		wg      sync.WaitGroup
		newest  map[string]uint64
		latest  map[string]string
		errN    error
		errD    error
		lookups = lookup(ctx)
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		latest, errD = s.latestDispositions(lookups, ids)
	}()
	newest, errN = s.newestVersions(lookups, ids, since)
	wg.Wait()
	if err := errors.Join(errN, errD); err != nil {
		return nil, nil, err
	}
	return newest, latest, nil
}

// newestVersions is the newest version of each item found among the
// deliveries received since the given second.
func (s *Store) newestVersions(ctx context.Context, ids []string, since uint32) (map[string]uint64, error) {
	out := make(map[string]uint64, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := append(anys(ids), since)
	rows, err := s.conn.Query(ctx, "SELECT item_id, max(version) FROM item_versions"+
		" PREWHERE item_id IN ("+placeholders(len(ids))+") WHERE received_at >= toDateTime(?) GROUP BY item_id", args...)
	if err != nil {
		return nil, fmt.Errorf("reading item versions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var v uint64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, fmt.Errorf("reading item versions: %w", err)
		}
		out[id] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading item versions: %w", err)
	}
	return out, nil
}

// dispositionOrder orders an item's dispositions, oldest first. recorded_at
// has one-second resolution: dispositions recorded in the same second are
// ordered by their other fields, arbitrarily but always the same way, and
// the last is the latest.
const dispositionOrder = "recorded_at, officer, outcome, substance, note"

// latestDispositions is the latest disposition outcome of each item that
// has one.
func (s *Store) latestDispositions(ctx context.Context, ids []string) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := s.conn.Query(ctx, "SELECT item_id, argMax(outcome, ("+dispositionOrder+")) FROM dispositions"+
		" PREWHERE item_id IN ("+placeholders(len(ids))+") GROUP BY item_id", anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("reading dispositions: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, outcome string
		if err := rows.Scan(&id, &outcome); err != nil {
			return nil, fmt.Errorf("reading dispositions: %w", err)
		}
		out[id] = outcome
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading dispositions: %w", err)
	}
	return out, nil
}

// Dispositions returns the dispositions recorded for an item, oldest
// first; none for an item never disposed of (or never stored).
func (s *Store) Dispositions(ctx context.Context, itemID string) ([]Disposition, error) {
	if err := checkText("item_id", itemID, true); err != nil {
		return nil, err
	}
	rows, err := s.conn.Query(lookup(ctx), "SELECT item_id, recorded_at, officer, outcome, substance, note FROM dispositions"+
		" PREWHERE item_id = ? ORDER BY "+dispositionOrder, itemID)
	if err != nil {
		return nil, fmt.Errorf("reading dispositions of %s: %w", itemID, err)
	}
	defer rows.Close()
	var out []Disposition
	for rows.Next() {
		var d Disposition
		if err := rows.Scan(&d.ItemID, &d.RecordedAt, &d.Officer, &d.Outcome, &d.Substance, &d.Note); err != nil {
			return nil, fmt.Errorf("reading dispositions of %s: %w", itemID, err)
		}
		d.RecordedAt = d.RecordedAt.UTC()
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading dispositions of %s: %w", itemID, err)
	}
	return out, nil
}

// Ways two items are related.
const (
	ViaRecipientAddress = "recipient_address"
	ViaSender           = "sender"
	ViaPhone            = "phone"
	ViaEmail            = "email"
)

// vias is the order Related lists them in.
var vias = []string{ViaRecipientAddress, ViaSender, ViaPhone, ViaEmail}

// Related is another item sharing a key with the one asked about.
type Related struct {
	Via                                   string // "recipient_address" | "sender" | "phone" | "email"
	Key                                   string // the shared normalised key
	ItemID, Operator, Origin, Destination string
	ReceivedAt                            time.Time
	Score                                 int32
	Outcome                               string
	Disposition                           string // latest disposition outcome, "" when none
}

// senderKey identifies a sender: the folded name and the folded address
// together, "" when either is missing. Neither alone is good enough: many
// people share a name, and a fulfilment centre's address is on the parcels
// of thousands of senders. parcelKeysFeed builds the same key in SQL.
func senderKey(nameKey, addressKey string) string {
	if nameKey == "" || addressKey == "" {
		return ""
	}
	return nameKey + " | " + addressKey
}

// Related lists other items (not rec's own) that share a key with rec,
// received in [from, to), newest first, at most limit per Via (0 means
// 20), in the order recipient_address, sender, phone, email:
//
//   - recipient_address: the recipient's address key;
//   - sender: the sender's name key and address key together (senderKey);
//   - phone: the sender's or the recipient's E.164 phone, matched against
//     either party's phone of the other items;
//   - email: likewise for the e-mail keys.
//
// Empty keys never match. Keys are those of each item's newest delivery:
// an item whose newest delivery no longer shares the key is not listed,
// and an item is listed as its newest delivery (lane, score, time). An
// item sharing several keys is listed under each Via. Of a key shared by
// very many deliveries, the newest relatedRowsPerKey in the window are
// looked at.
func (s *Store) Related(ctx context.Context, rec Record, from, to time.Time, limit int) ([]Related, error) {
	var problems []string
	if rec.Parcel == nil {
		problems = append(problems, "record: the record has no Parcel to take keys from")
	}
	w, werr := checkWindow(from, to)
	if werr != "" {
		problems = append(problems, werr)
	}
	limit, lerr := checkLimit(limit, DefaultRelatedLimit)
	if lerr != "" {
		problems = append(problems, lerr)
	}
	if err := badQuery(problems); err != nil {
		return nil, err
	}
	p := rec.Parcel
	keys := map[string][]string{}
	addKey := func(via, key string) {
		if key != "" && !slices.Contains(keys[via], key) {
			keys[via] = append(keys[via], key)
		}
	}
	addKey(ViaRecipientAddress, p.Recipient.AddressKey)
	addKey(ViaSender, senderKey(p.Sender.NameKey, p.Sender.AddressKey))
	addKey(ViaPhone, p.Sender.PhoneE164)
	addKey(ViaPhone, p.Recipient.PhoneE164)
	addKey(ViaEmail, p.Sender.EmailKey)
	addKey(ViaEmail, p.Recipient.EmailKey)
	if len(keys) == 0 {
		return nil, nil
	}
	// One range of parcel_keys per key: its rows received in the window,
	// the newest relatedRowsPerKey of each. The server only reads them;
	// grouping them here is several times cheaper than in the query
	// (ClickHouse 18.16's argMax over tuples and its string functions cost
	// about a microsecond a row), and it lets the candidates be taken in
	// batches below without reading again. The cap keeps a key shared by a
	// big shipper's parcels (hundreds of thousands in a window) from sending
	// them all here.
	type keyRange struct {
		keyPrefix
		from, to string
	}
	var ranges []keyRange
	for _, via := range vias {
		for _, key := range keys[via] {
			ranges = append(ranges, keyRange{keyPrefix{via: via, key: key, prefix: parcelKeyPrefix(via, key)},
				parcelKeyBound(via, key, w.from), parcelKeyBound(via, key, w.to)})
		}
	}
	// The cap counts a row against the first range, in the order of their
	// bounds, whose upper bound is above it: its own, as ranges do not
	// overlap (unless one key is another followed by NUL and the digits of
	// a second in the window; then the two share a cap).
	slices.SortFunc(ranges, func(a, b keyRange) int { return strings.Compare(a.from, b.from) })
	var (
		conds, which []string
		prefixes     []keyPrefix
		rangeArgs    []any
		whichArgs    []any
	)
	for i, r := range ranges {
		conds = append(conds, "(k >= ? AND k < ?)")
		rangeArgs = append(rangeArgs, r.from, r.to)
		if i < len(ranges)-1 {
			which = append(which, "k < ?", strconv.Itoa(i))
			whichArgs = append(whichArgs, r.to)
		}
		prefixes = append(prefixes, r.keyPrefix)
	}
	by := strconv.Itoa(len(ranges) - 1)
	if len(which) > 0 {
		by = "multiIf(" + strings.Join(append(which, by), ", ") + ")"
	}
	query := "SELECT k, version, v FROM parcel_keys PREWHERE " + strings.Join(conds, " OR ") +
		" ORDER BY k DESC LIMIT " + strconv.Itoa(relatedRowsPerKey) + " BY " + by
	cands, err := s.relatedCandidates(ctx, query, append(rangeArgs, whichArgs...), prefixes, p.ItemID)
	if err != nil {
		return nil, err
	}
	// Each Via's candidates are checked in its order, a batch at a time:
	// a candidate whose newest delivery no longer shares the key (or was
	// received after the window) is dropped, and when that leaves a Via
	// short, the next batch goes four times further. Such candidates are
	// rare (an amendment that changed the key), so the first batch is just
	// the limit.
	var (
		out    = map[string][]Related{}
		next   = map[string]int{}
		newest = map[string]uint64{}
		latest = map[string]string{}
	)
	for n := limit; ; n *= 4 {
		var ids []string
		for _, via := range vias {
			for _, c := range cands[via][next[via]:min(n, len(cands[via]))] {
				if _, seen := newest[c.ItemID]; !seen && !slices.Contains(ids, c.ItemID) {
					ids = append(ids, c.ItemID)
				}
			}
		}
		if len(ids) == 0 {
			break
		}
		versions, disposed, err := s.newestAndDisposed(ctx, ids, w.from)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			newest[id] = versions[id] // 0 when received before the window: never a candidate's
			latest[id] = disposed[id]
		}
		short := false
		for _, via := range vias {
			for ; next[via] < min(n, len(cands[via])) && len(out[via]) < limit; next[via]++ {
				c := cands[via][next[via]]
				if newest[c.ItemID] == c.version {
					c.Disposition = latest[c.ItemID]
					out[via] = append(out[via], c.Related)
				}
			}
			if len(out[via]) < limit && next[via] < len(cands[via]) {
				short = true
			}
		}
		if !short {
			break
		}
	}
	var list []Related
	for _, via := range vias {
		list = append(list, out[via]...)
	}
	return list, nil
}

// relatedRowsPerKey caps the rows of one key Related reads: the newest
// ones in the window. Hundreds of current items per key are far more than
// a page lists, and stale rows (an amendment that changed the key) are rare.
var relatedRowsPerKey = 2000

// keyPrefix is the start of the parcel_keys k of a key's rows.
type keyPrefix struct {
	via, key, prefix string
}

// relatedCandidate is an item's newest delivery among those read with one
// of a Via's keys.
type relatedCandidate struct {
	Related
	version uint64
}

// relatedCandidates reads the parcel_keys rows of the query and keeps, for
// each Via and item other than self, the item's newest delivery among them
// (for phone and e-mail, the greater key when both of its keys match),
// each Via's ordered newest received first, then by item id.
func (s *Store) relatedCandidates(ctx context.Context, query string, args []any, prefixes []keyPrefix, self string) (map[string][]relatedCandidate, error) {
	type viaItem struct{ via, item string }
	best := map[viaItem]*relatedCandidate{}
	rows, err := s.conn.Query(lookup(ctx), query, args...)
	if err != nil {
		return nil, fmt.Errorf("reading related items: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			k, summary string
			version    uint64
		)
		if err := rows.Scan(&k, &version, &summary); err != nil {
			return nil, fmt.Errorf("reading related items: %w", err)
		}
		// The k of a row is the prefix of the key it was read for, the 11
		// digits of its received_at second and the item id. Matching the
		// prefixes rather than splitting on NUL keeps a key holding NUL
		// whole.
		for _, pre := range prefixes {
			rest, ok := strings.CutPrefix(k, pre.prefix)
			if !ok || len(rest) < 11 || rest[11:] == self {
				continue
			}
			ts, err := strconv.ParseUint(rest[:11], 10, 64)
			if err != nil || ts < 1e10 {
				continue
			}
			at := viaItem{pre.via, rest[11:]}
			c := best[at]
			if c != nil && (version < c.version || version == c.version && pre.key <= c.Key) {
				continue
			}
			if c == nil {
				c = &relatedCandidate{}
				best[at] = c
			}
			c.Via, c.ItemID, c.Key, c.version = pre.via, at.item, pre.key, version
			c.ReceivedAt = time.Unix(int64(ts-1e10), 0).UTC()
			c.Score, c.Outcome, c.Origin, c.Destination, c.Operator = parcelSummary(summary)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading related items: %w", err)
	}
	cands := map[string][]relatedCandidate{}
	for _, c := range best {
		cands[c.Via] = append(cands[c.Via], *c)
	}
	for _, list := range cands {
		slices.SortFunc(list, func(a, b relatedCandidate) int {
			if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
				return c
			}
			return strings.Compare(a.ItemID, b.ItemID)
		})
	}
	return cands, nil
}

// Detail is what the item view shows of one item.
type Detail struct {
	// Record is the item's newest delivery as the view shows it: the
	// Assessment whole; of the Parcel the item id, received_at, amendment,
	// data-quality findings and the raw manifest, its other fields zero
	// (the raw manifest says them; Get reads them all).
	Record       Record
	Dispositions []Disposition // oldest first
	Related      []Related
}

// Detail reads what the item view shows of one item: the view's part of
// Get, Dispositions and Related over [from, to) with limit per Via, the
// three at once. Related starts from the keys of the item's newest
// delivery, read by a small query of its own, so it need not wait for the
// record. An item never stored is ErrNotFound.
func (s *Store) Detail(ctx context.Context, itemID string, from, to time.Time, limit int) (Detail, error) {
	var problems []string
	if p := checkTextProblem("item_id", itemID, true); p != "" {
		problems = append(problems, p)
	}
	if _, p := checkWindow(from, to); p != "" {
		problems = append(problems, p)
	}
	if _, p := checkLimit(limit, DefaultRelatedLimit); p != "" {
		problems = append(problems, p)
	}
	if err := badQuery(problems); err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, itemID, func(time.Time) (time.Time, time.Time) { return from, to }, limit, nil)
}

// DetailAround is Detail with the related items received within around of
// the item (of its newest delivery's received_at), before or after: the
// parcel view's window. It takes no longer than Detail: the received_at
// comes with the keys Related starts from.
//
// found, when not nil, is called once the item is known to exist, while the
// other reads go on, and its error fails the call: the API writes its audit
// entry there, so that the entry costs no time of its own, is written only
// for items that exist, and no data is returned without it. An error of
// found is returned as it is.
func (s *Store) DetailAround(ctx context.Context, itemID string, around time.Duration, limit int, found func() error) (Detail, error) {
	var problems []string
	if p := checkTextProblem("item_id", itemID, true); p != "" {
		problems = append(problems, p)
	}
	if around <= 0 {
		problems = append(problems, fmt.Sprintf("around: %v is not a window: send a positive duration", around))
	}
	if _, p := checkLimit(limit, DefaultRelatedLimit); p != "" {
		problems = append(problems, p)
	}
	if err := badQuery(problems); err != nil {
		return Detail{}, err
	}
	return s.detail(ctx, itemID, func(at time.Time) (time.Time, time.Time) { return at.Add(-around), at.Add(around) }, limit, found)
}

// detail runs Get, Dispositions and Related side by side; window is the
// related items' window given the item's received_at; found (optional) runs
// beside Related once the keys look-up has found the item.
func (s *Store) detail(ctx context.Context, itemID string, window func(receivedAt time.Time) (from, to time.Time), limit int, found func() error) (Detail, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		d                      Detail
		wg                     sync.WaitGroup
		errG, errD, errR, errF error
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		if d.Record, errG = s.get(ctx, viewColumns, itemID); errG != nil {
			cancel()
		}
	}()
	go func() {
		defer wg.Done()
		keys, err := s.parcelKeys(ctx, itemID)
		if err == nil {
			if found != nil {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if errF = found(); errF != nil {
						cancel()
					}
				}()
			}
			from, to := window(keys.Parcel.ReceivedAt)
			d.Related, err = s.Related(ctx, keys, from, to, limit)
		}
		if errR = err; err != nil {
			cancel()
		}
	}()
	if d.Dispositions, errD = s.Dispositions(ctx, itemID); errD != nil {
		cancel()
	}
	wg.Wait()
	// The error that cancelled the others: ErrNotFound for an unknown
	// item rather than the cancellation it caused elsewhere, found's own
	// error before the reads'.
	errs := []error{errF, errG, errD, errR}
	for _, err := range errs {
		if errors.Is(err, ErrNotFound) {
			return Detail{}, err
		}
	}
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return Detail{}, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return Detail{}, err
	}
	return d, nil
}

// parcelKeys reads the keys Related looks for of an item's newest delivery,
// and its received_at, as a Record holding those alone.
func (s *Store) parcelKeys(ctx context.Context, itemID string) (Record, error) {
	p := &manifest.Parcel{ItemID: itemID}
	err := s.conn.QueryRow(pointRead(ctx), "SELECT sender_name_key, sender_address_key, sender_phone_e164, sender_email_key,"+
		" recipient_address_key, recipient_phone_e164, recipient_email_key, received_at"+
		" FROM assessments PREWHERE item_id = ? ORDER BY version DESC LIMIT 1", itemID).
		Scan(&p.Sender.NameKey, &p.Sender.AddressKey, &p.Sender.PhoneE164, &p.Sender.EmailKey,
			&p.Recipient.AddressKey, &p.Recipient.PhoneE164, &p.Recipient.EmailKey, &p.ReceivedAt)
	p.ReceivedAt = p.ReceivedAt.UTC()
	if errors.Is(err, sql.ErrNoRows) {
		return Record{}, fmt.Errorf("reading item %s: %w", itemID, ErrNotFound)
	}
	if err != nil {
		return Record{}, fmt.Errorf("reading the keys of %s: %w", itemID, err)
	}
	return Record{Parcel: p}, nil
}

// parcelKeyBound is the parcel_keys k of the key's deliveries received at
// the second t, less any item id: the bound of a window's range.
func parcelKeyBound(via, key string, t uint32) string {
	return parcelKeyPrefix(via, key) + strconv.FormatUint(uint64(t)+1e10, 10)
}

// parcelKeyPrefix is what the parcel_keys k of every row of a key starts
// with.
func parcelKeyPrefix(via, key string) string {
	return via + "\x00" + key + "\x00"
}

// parcelSummary unpacks parcel_keys' v.
func parcelSummary(v string) (score int32, outcome, origin, destination, operator string) {
	f := strings.SplitN(v, "\x1f", 5)
	for len(f) < 5 {
		f = append(f, "")
	}
	n, _ := strconv.ParseInt(f[0], 10, 32)
	return int32(n), f[1], f[2], f[3], f[4]
}

// StatsQuery selects the items Stats counts: received in [From, To), of
// one operator when Operator is set.
type StatsQuery struct {
	From, To time.Time
	Operator string
}

// DailyLane counts the parcels received on one day (UTC) in one lane.
type DailyLane struct {
	Day     time.Time
	Lane    string
	Parcels uint64
}

// OperatorVolume counts one operator's parcels, and those in review and
// inspect.
type OperatorVolume struct {
	Operator                 string
	Parcels, Review, Inspect uint64
}

// RuleYield is how often a rule hit and what inspections of those items
// found.
type RuleYield struct {
	Rule      string
	Hits      uint64  // items the rule hit (active hits)
	Inspected uint64  // of those, items whose latest disposition is not not_inspected
	Seized    uint64  // of those, items whose latest disposition is seized
	Yield     float64 // Seized / Inspected, 0 when Inspected == 0
}

// Stats are the figures of a window: Daily by day then lane, Operators by
// parcels (most first) then name, Rules by hits (most first) then id.
type Stats struct {
	Daily     []DailyLane
	Operators []OperatorVolume
	Rules     []RuleYield
}

// Stats counts the items received in the window, each once, as its newest
// delivery: its lane, operator, day (UTC) and active hits are that
// delivery's, and its disposition is the latest recorded. An item counts
// in the window of its newest delivery's received_at.
//
// It reads the deliveries received since From (those received before are
// taken to be older versions: a newer version of an item is never received
// earlier), so its cost grows with the deliveries received from From to
// now, not with the result: about a second per million on the benchmark
// machine (see docs/performance.md).
func (s *Store) Stats(ctx context.Context, q StatsQuery) (Stats, error) {
	var problems []string
	w, werr := checkWindow(q.From, q.To)
	if werr != "" {
		problems = append(problems, werr)
	}
	if p := checkTextProblem("operator", q.Operator, false); p != "" {
		problems = append(problems, p)
	}
	if err := badQuery(problems); err != nil {
		return Stats{}, err
	}
	// The newest delivery of each item received since From: an item
	// delivered once (most) is its row; the few delivered more than once
	// are collapsed. Collapsing every item instead needs a hash table of
	// all the window's item ids with their rows' values: more than the
	// server's 4 GB for ten million. The items delivered more than once
	// are found first (by a hash of the item id, so a collision only sends
	// an item the longer way) and sent back with the query as an external
	// table, so that the server works them out once.
	dupRows, err := s.conn.Query(ctx, "SELECT cityHash64(item_id) AS h FROM assessments WHERE received_at >= toDateTime(?)"+
		" GROUP BY h HAVING count() > 1", w.from)
	if err != nil {
		return Stats{}, fmt.Errorf("reading statistics: %w", err)
	}
	dupTable, err := ext.NewTable("redelivered", ext.Column("h", "UInt64"))
	if err != nil {
		dupRows.Close()
		return Stats{}, err
	}
	for dupRows.Next() {
		var h uint64
		if err := dupRows.Scan(&h); err != nil {
			dupRows.Close()
			return Stats{}, fmt.Errorf("reading statistics: %w", err)
		}
		if err := dupTable.Append(h); err != nil {
			dupRows.Close()
			return Stats{}, err
		}
	}
	dupRows.Close()
	if err := dupRows.Err(); err != nil {
		return Stats{}, fmt.Errorf("reading statistics: %w", err)
	}
	dups := "(SELECT h FROM redelivered)"
	// Latest dispositions, of items received since From (recorded after
	// them, give or take a day of clock skew).
	latest := func(cond string) string {
		return "(SELECT item_id FROM (SELECT item_id, argMax(outcome, (" + dispositionOrder + ")) AS last FROM dispositions" +
			" WHERE recorded_at >= toDateTime(?) GROUP BY item_id) WHERE " + cond + ")"
	}
	since := w.from - min(w.from, 86400)
	opOnce, opNewest := "", ""
	var args []any
	args = append(args, since, since, w.from, w.to)
	if q.Operator != "" {
		opOnce = " AND operator = ?"
		args = append(args, q.Operator)
	}
	args = append(args, w.from, w.to)
	if q.Operator != "" {
		opNewest = " AND op = ?"
		args = append(args, q.Operator)
	}
	// One row per (day, lane, operator) with rule "", and one per rule:
	// each item is counted once in the first kind and once per distinct
	// active hit in the second.
	query := `SELECT if(rule = '', day, 0) AS d, if(rule = '', lane, '') AS l, if(rule = '', op, '') AS o, rule,
    count(), sum(inspected), sum(seized)
FROM (
    SELECT day, lane, op, rules,
        item_id IN ` + latest("last != '"+DispositionNotInspected+"'") + ` AS inspected,
        item_id IN ` + latest("last = '"+DispositionSeized+"'") + ` AS seized
    FROM (
        SELECT intDiv(toUInt32(received_at), 86400) AS day, outcome AS lane, operator AS op, hit_rules AS rules, item_id
        FROM assessments
        WHERE received_at >= toDateTime(?) AND received_at < toDateTime(?)
            AND cityHash64(item_id) NOT IN ` + dups + opOnce + `
        UNION ALL
        SELECT intDiv(toUInt32(r), 86400), lane, op, rules, item_id FROM (
            SELECT item_id, argMax(outcome, version) AS lane, argMax(received_at, version) AS r,
                argMax(operator, version) AS op, argMax(hit_rules, version) AS rules
            FROM assessments
            WHERE received_at >= toDateTime(?) AND cityHash64(item_id) IN ` + dups + `
            GROUP BY item_id
            HAVING r < toDateTime(?)` + opNewest + `
        )
    )
)
ARRAY JOIN arrayPushFront(arrayDistinct(rules), '') AS rule
GROUP BY d, l, o, rule`
	rows, err := s.conn.Query(clickhouse.Context(ctx, clickhouse.WithExternalTable(dupTable)), query, args...)
	if err != nil {
		return Stats{}, fmt.Errorf("reading statistics: %w", err)
	}
	defer rows.Close()
	var st Stats
	ops := map[string]*OperatorVolume{}
	for rows.Next() {
		var day uint32
		var lane, op, rule string
		var n, inspected, seized uint64
		if err := rows.Scan(&day, &lane, &op, &rule, &n, &inspected, &seized); err != nil {
			return Stats{}, fmt.Errorf("reading statistics: %w", err)
		}
		if rule != "" {
			y := RuleYield{Rule: rule, Hits: n, Inspected: inspected, Seized: seized}
			if inspected > 0 {
				y.Yield = float64(seized) / float64(inspected)
			}
			st.Rules = append(st.Rules, y)
			continue
		}
		st.Daily = append(st.Daily, DailyLane{Day: time.Unix(int64(day)*86400, 0).UTC(), Lane: lane, Parcels: n})
		v := ops[op]
		if v == nil {
			v = &OperatorVolume{Operator: op}
			ops[op] = v
		}
		v.Parcels += n
		switch lane {
		case "review":
			v.Review += n
		case "inspect":
			v.Inspect += n
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, fmt.Errorf("reading statistics: %w", err)
	}
	// Days and lanes come once per operator: add them up.
	type dayLane struct {
		day  int64
		lane string
	}
	daily := map[dayLane]uint64{}
	for _, d := range st.Daily {
		daily[dayLane{d.Day.Unix(), d.Lane}] += d.Parcels
	}
	st.Daily = st.Daily[:0]
	for k, n := range daily {
		st.Daily = append(st.Daily, DailyLane{Day: time.Unix(k.day, 0).UTC(), Lane: k.lane, Parcels: n})
	}
	for _, v := range ops {
		st.Operators = append(st.Operators, *v)
	}
	st.sort()
	return st, nil
}

func (s *Stats) sort() {
	slices.SortFunc(s.Daily, func(a, b DailyLane) int {
		return cmp.Or(a.Day.Compare(b.Day), strings.Compare(a.Lane, b.Lane))
	})
	slices.SortFunc(s.Operators, func(a, b OperatorVolume) int {
		return cmp.Or(cmp.Compare(b.Parcels, a.Parcels), strings.Compare(a.Operator, b.Operator))
	})
	slices.SortFunc(s.Rules, func(a, b RuleYield) int {
		return cmp.Or(cmp.Compare(b.Hits, a.Hits), strings.Compare(a.Rule, b.Rule))
	})
}

// AuditQuery selects audit log entries: at in [From, To), of one actor
// and one action when set, at most Limit (1..1000; 0 means 100).
type AuditQuery struct {
	From, To      time.Time
	Actor, Action string
	Limit         int
}

// Audit returns the audit log entries the query selects, newest first.
func (s *Store) Audit(ctx context.Context, q AuditQuery) ([]AuditEntry, error) {
	var problems []string
	w, werr := checkWindow(q.From, q.To)
	if werr != "" {
		problems = append(problems, werr)
	}
	limit, lerr := checkLimit(q.Limit, DefaultAuditLimit)
	if lerr != "" {
		problems = append(problems, lerr)
	}
	for _, f := range []struct{ name, v string }{{"actor", q.Actor}, {"action", q.Action}} {
		if err := checkTextProblem(f.name, f.v, false); err != "" {
			problems = append(problems, err)
		}
	}
	if err := badQuery(problems); err != nil {
		return nil, err
	}
	where := "at >= toDateTime(?) AND at < toDateTime(?)"
	args := []any{w.from, w.to}
	if q.Actor != "" {
		where += " AND actor = ?"
		args = append(args, q.Actor)
	}
	if q.Action != "" {
		where += " AND action = ?"
		args = append(args, q.Action)
	}
	args = append(args, limit)
	rows, err := s.conn.Query(ctx, "SELECT at, actor, role, action, object, remote_addr, detail FROM audit_log WHERE "+where+
		" ORDER BY at DESC, actor, role, action, object, remote_addr, detail LIMIT ?", args...)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.At, &e.Actor, &e.Role, &e.Action, &e.Object, &e.RemoteAddr, &e.Detail); err != nil {
			return nil, fmt.Errorf("reading the audit log: %w", err)
		}
		e.At = e.At.UTC()
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	return out, nil
}

// Validation.

// window is a validated [from, to) in DateTime seconds.
type window struct{ from, to uint32 }

// dateTimeSecond is t as a DateTime bound: rounded up to the next second
// (DateTime has no fractions, so received_at >= 10:00:00.5 means 10:00:01
// and later, and received_at < 10:00:00.5 means 10:00:00 and earlier) and
// clamped into what DateTime holds.
func dateTimeSecond(t time.Time) uint32 {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	return uint32(max(0, min(sec, math.MaxUint32)))
}

func checkWindow(from, to time.Time) (window, string) {
	switch {
	case from.IsZero() && to.IsZero():
		return window{}, "from, to: both are required: send the start and the end of the time window"
	case from.IsZero():
		return window{}, "from: is required: send the start of the time window"
	case to.IsZero():
		return window{}, "to: is required: send the end of the time window"
	case !to.After(from):
		return window{}, fmt.Sprintf("from, to: the window is empty: to (%s) must be after from (%s)",
			to.UTC().Format(time.RFC3339), from.UTC().Format(time.RFC3339))
	}
	return window{dateTimeSecond(from), dateTimeSecond(to)}, ""
}

func checkLimit(limit, def int) (int, string) {
	switch {
	case limit == 0:
		return def, ""
	case limit < 1 || limit > MaxLimit:
		return 0, fmt.Sprintf("limit: %d is out of range: send 1 to %d, or nothing for %d", limit, MaxLimit, def)
	}
	return limit, ""
}

// checkTextProblem refuses a text filter too long to match anything.
// Anything else, quotes and backslashes included, is a literal value.
func checkTextProblem(field, v string, required bool) string {
	switch {
	case required && v == "":
		return field + ": is required"
	case len(v) > MaxFilterBytes:
		return fmt.Sprintf("%s: is %d bytes long: send at most %d", field, len(v), MaxFilterBytes)
	}
	return ""
}

func checkText(field, v string, required bool) error {
	if p := checkTextProblem(field, v, required); p != "" {
		return badQuery([]string{p})
	}
	return nil
}

func badQuery(problems []string) error {
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrBadQuery, strings.Join(problems, "; "))
}

// normalQueue is a validated QueueQuery.
type normalQueue struct {
	from, to                                    uint32
	lanes                                       []string // sorted, distinct; both when empty
	operator, origin, destination, rule, itemID string
	status, sort                                string
	limit                                       int
	after                                       *queueKey
	filterHash                                  [8]byte
}

func normaliseQueue(q QueueQuery) (normalQueue, error) {
	var problems []string
	var n normalQueue
	w, werr := checkWindow(q.From, q.To)
	if werr != "" {
		problems = append(problems, werr)
	}
	n.from, n.to = w.from, w.to
	for _, l := range q.Lanes {
		switch l {
		case "review", "inspect":
			if !slices.Contains(n.lanes, l) {
				n.lanes = append(n.lanes, l)
			}
		default:
			problems = append(problems, fmt.Sprintf("lanes: %s is not a lane of the queue: send review, inspect or both", quoteValue(l)))
		}
	}
	slices.Sort(n.lanes)
	if len(n.lanes) == 2 {
		n.lanes = nil
	}
	for _, f := range []struct {
		name string
		v    string
		dst  *string
	}{{"operator", q.Operator, &n.operator}, {"rule", q.Rule, &n.rule}, {"item_id", q.ItemID, &n.itemID}} {
		if p := checkTextProblem(f.name, f.v, false); p != "" {
			problems = append(problems, p)
		}
		*f.dst = f.v
	}
	for _, f := range []struct {
		name string
		v    string
		dst  *string
	}{{"origin", q.Origin, &n.origin}, {"destination", q.Destination, &n.destination}} {
		if f.v == "" {
			continue
		}
		if !isCountryCode(f.v) {
			problems = append(problems, fmt.Sprintf("%s: %s is not an ISO 3166-1 alpha-2 country code: send two letters such as NL or DE", f.name, quoteValue(f.v)))
			continue
		}
		*f.dst = strings.ToUpper(f.v)
	}
	switch q.Status {
	case StatusAny, StatusOpen, StatusDone:
		n.status = q.Status
	default:
		problems = append(problems, fmt.Sprintf("status: %s is not a status: send open, done or nothing for both", quoteValue(q.Status)))
	}
	switch q.Sort {
	case "", SortScore:
		n.sort = SortScore
	case SortTime:
		n.sort = SortTime
	default:
		problems = append(problems, fmt.Sprintf("sort: %s is not a sort order: send score (highest first) or time (newest first)", quoteValue(q.Sort)))
	}
	limit, lerr := checkLimit(q.Limit, DefaultQueueLimit)
	if lerr != "" {
		problems = append(problems, lerr)
	}
	n.limit = limit
	if len(problems) > 0 {
		return normalQueue{}, badQuery(problems)
	}
	n.filterHash = n.hash()
	if q.Cursor != "" {
		after, p := n.decodeCursor(q.Cursor)
		if p != "" {
			return normalQueue{}, badQuery([]string{p})
		}
		n.after = &after
	}
	return n, nil
}

func isCountryCode(s string) bool {
	if len(s) != 2 {
		return false
	}
	for i := 0; i < 2; i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// quoteValue shows a client's value in a message: quoted, cut short when
// long.
func quoteValue(v string) string {
	if len(v) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(v[cut]) {
			cut--
		}
		return fmt.Sprintf("%q…", v[:cut])
	}
	return fmt.Sprintf("%q", v)
}

// The cursor is base64url (no padding) of
//
//	version (1 byte) | filter hash (8) | key value (8, big endian) | item id | checksum (8)
//
// The filter hash binds it to the query's filters and sort; the checksum
// (SHA-256 of the rest) catches a cursor that was cut or edited. It is not
// a secret: a cursor only says where a page of a query starts, which any
// client may ask anyway.
const (
	cursorVersion  = 1
	cursorFixed    = 1 + 8 + 8 + 8
	maxCursorBytes = 1024
)

// hash is a digest of everything that decides which rows the query
// returns and in which order, Limit excepted.
func (n *normalQueue) hash() [8]byte {
	var b bytes.Buffer
	field := func(s string) {
		var l [4]byte
		binary.BigEndian.PutUint32(l[:], uint32(len(s)))
		b.Write(l[:])
		b.WriteString(s)
	}
	field("parcelguard queue")
	field(fmt.Sprint(n.from, n.to))
	field(strings.Join(n.lanes, ","))
	for _, s := range []string{n.operator, n.origin, n.destination, n.rule, n.itemID, n.status, n.sort} {
		field(s)
	}
	sum := sha256.Sum256(b.Bytes())
	return [8]byte(sum[:8])
}

func (n *normalQueue) cursor(k queueKey) string {
	b := make([]byte, 0, cursorFixed+len(k.itemID))
	b = append(b, cursorVersion)
	b = append(b, n.filterHash[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(k.value))
	b = append(b, k.itemID...)
	sum := sha256.Sum256(b)
	b = append(b, sum[:8]...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (n *normalQueue) decodeCursor(c string) (queueKey, string) {
	const notOurs = "cursor: is not one this API issued, or it was changed or cut short: send the next cursor of the previous page as it came, or none for the first page"
	if len(c) > maxCursorBytes {
		return queueKey{}, notOurs
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < cursorFixed || b[0] != cursorVersion {
		return queueKey{}, notOurs
	}
	body, sum := b[:len(b)-8], b[len(b)-8:]
	want := sha256.Sum256(body)
	if !bytes.Equal(sum, want[:8]) {
		return queueKey{}, notOurs
	}
	if !bytes.Equal(body[1:9], n.filterHash[:]) {
		return queueKey{}, "cursor: belongs to a query with other filters, window or sort: send the same query as for the first page (only limit may change), or no cursor to start again"
	}
	return queueKey{value: int64(binary.BigEndian.Uint64(body[9:17])), itemID: string(body[17:])}, ""
}

// placeholders is n positional binds separated by commas.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
