package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The query benchmarks read a database of generated assessments that is
// loaded once and kept between runs: pgbench_queries_v<shape>_<rows>. It is
// reloaded only when it is incomplete (a run interrupted while loading).
// benchShape changes with the generator or the schema, which gives a new
// database; drop the old ones by hand.
//
// PARCELGUARD_BENCH_ROWS sets how many assessments it holds; 10,000,000 by
// default. The CI smoke run sets a small number.
const benchShape = 6

// The generated assessments were received over 30 days ending at benchEnd,
// which crosses a month boundary as real data usually does.
var (
	benchEnd   = time.Date(2026, 11, 15, 0, 0, 0, 0, time.UTC)
	benchStart = benchEnd.Add(-30 * 24 * time.Hour)
)

func benchRows(b *testing.B) int {
	b.Helper()
	v := os.Getenv("PARCELGUARD_BENCH_ROWS")
	if v == "" {
		return 10_000_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 || n > 100_000_000 {
		b.Fatalf("PARCELGUARD_BENCH_ROWS=%q: want a number of rows from 1000 to 100000000", v)
	}
	return n
}

// benchStore opens the benchmark database, loading it first when needed.
func benchStore(b *testing.B) *Store {
	b.Helper()
	addr := needClickHouse(b)
	rows := benchRows(b)
	db := fmt.Sprintf("pgbench_queries_v%d_%d", benchShape, rows)
	ctx := context.Background()
	open := func() *Store {
		s, err := Open(ctx, Config{Addr: []string{addr}, Database: db, ReadTimeout: 30 * time.Minute})
		if err != nil {
			b.Fatalf("Open: %v", err)
		}
		if err := s.Migrate(ctx); err != nil {
			b.Fatalf("Migrate: %v", err)
		}
		return s
	}
	s := open()
	b.Cleanup(func() { s.Close() })
	var done uint64
	if err := s.conn.QueryRow(ctx, "SELECT count() FROM system.tables WHERE database = ? AND name = 'bench_loaded'", db).Scan(&done); err != nil {
		b.Fatal(err)
	}
	if done == 0 {
		b.Logf("loading %d assessments into %s (kept for later runs; a run stopped while loading resumes)", rows, db)
		start := time.Now()
		if err := loadBench(ctx, s, rows, b.Logf); err != nil {
			b.Fatalf("loading the benchmark data: %v", err)
		}
		b.Logf("loaded %d assessments in %v", rows, time.Since(start).Round(time.Second))
	}
	return s
}

// benchChunk is how many assessments one INSERT of the load generates: a
// run stopped while loading (go test's default timeout is 10 minutes, the
// load about 7) resumes at the chunk it was in.
const benchChunk = 1_000_000

// loadBench fills assessments server-side, so that the materialized views
// fire as for the engine's inserts, then records dispositions for part of
// the flagged items and waits for the background merges to settle.
//
// Shape: item ids in no relation to the order of the inserts (so that
// every part holds ids from the whole range, as in production); 30 days of
// received_at; ~2% inspect, ~8% review, the rest release; scores in steps
// of 5 as rule scores add up, with the default pack's thresholds: release
// 0-35, review 40-75, inspect from 80 with a tail (mean 100, about 1 in
// 1,000 above 215), a fifth of the inspected items sampled from the
// released ones (score 0-35); 50 operators; 1–4 active hits (of 30 rule
// ids) per flagged item, one low-scoring hit on a third of the released
// ones; 0.5% of the rows are redeliveries of an item 100 rows earlier,
// assessed an hour later with an independent outcome (so some flagged
// items are released again); recipient addresses drawn from 3 million, 1%
// of the parcels from 1,000 busy ones; senders (name + address) from
// 200,000, 60% with a phone, 40% with an e-mail address; 30% of recipients
// with a phone, 20% with an e-mail address; a raw manifest of about 750
// bytes.
func loadBench(ctx context.Context, s *Store, rows int, logf func(format string, args ...any)) error {
	// The steps done so far. A step interrupted in its INSERT is done
	// again: the rows it generates are the same, so the ones it had
	// inserted become redeliveries of themselves, which reads collapse.
	if err := s.conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS bench_progress (step String) ENGINE = TinyLog"); err != nil {
		return err
	}
	done := map[string]bool{}
	steps, err := s.conn.Query(ctx, "SELECT step FROM bench_progress")
	if err != nil {
		return err
	}
	for steps.Next() {
		var step string
		if err := steps.Scan(&step); err != nil {
			steps.Close()
			return err
		}
		done[step] = true
	}
	steps.Close()
	run := func(step, stmt string) error {
		if done[step] {
			return nil
		}
		start := time.Now()
		if err := s.conn.Exec(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
		logf("%s: %v", step, time.Since(start).Round(time.Second))
		batch, err := s.conn.PrepareBatch(ctx, "INSERT INTO bench_progress (step)")
		if err != nil {
			return err
		}
		if err := batch.Append(step); err != nil {
			return err
		}
		return batch.Send()
	}

	names := make([]string, len(assessmentColumns))
	for i, c := range assessmentColumns {
		names[i] = c.name
	}
	rules := make([]string, 30)
	for i := range rules {
		rules[i] = fmt.Sprintf("'rule_%02d'", i)
	}
	countries := `['CN','US','GB','DE','NL','FR','HK','TR','IN','PL','IT','ES']`
	gen := `SELECT
    item_id, operator, operator_kind, mail_class, category, origin_country, destination_country,
    posted_at, received_at, assessed_at, amendment, version, score, outcome, sampled,
    hit_rules, hit_scores, hit_reasons, hit_outcomes,
    shadow_rules, shadow_scores, shadow_reasons, shadow_outcomes,
    quality_codes, quality_paths, quality_messages, errors, pack_version,
    sender_name_key, sender_address_key, sender_phone_e164, sender_email_key,
    recipient_name_key, recipient_address_key, recipient_phone_e164, recipient_email_key,
    declared_value, currency, gross_weight_kg, raw
FROM (SELECT
    number AS n,
    if(n % 200 = 199, toUInt64(n - 100), n) AS m,
    intHash64(m) AS h,
    intHash64(m + 1000000000) AS h2,
    intHash32(n) % 1000 AS r,
    concat(['RR','LX','CP','EE','UA','LY','RB','CX'][h % 8 + 1], toString(10000000000 + (m * 2654435761) % 4294967296), ['NL','DE','CN','US','GB'][h2 % 5 + 1]) AS item_id,
    concat('OP', toString(h % 50)) AS operator,
    if(h % 50 < 10, 'post', 'express') AS operator_kind,
    'parcel' AS mail_class,
    'sale_of_goods' AS category,
    ` + countries + `[bitShiftRight(h, 6) % 12 + 1] AS origin_country,
    ` + countries + `[bitShiftRight(h, 10) % 12 + 1] AS destination_country,
    toDateTime(` + strconv.FormatInt(benchStart.Unix(), 10) + ` + bitShiftRight(h, 16) % 2592000) AS received_at,
    toDateTime(toUInt32(received_at) - bitShiftRight(h, 24) % 432000) AS posted_at,
    toDateTime(toUInt32(received_at) + 2 + if(n % 200 = 199, 3600, 0)) AS assessed_at,
    toUInt32(0) AS amendment,
    toUInt64(assessed_at) * 1000 AS version,
    multiIf(r < 20, 'inspect', r < 100, 'review', 'release') AS outcome,
    (intHash32(n + 7) % 1000000 + 1) / 1000001 AS u,
    toInt32(5 * multiIf(r < 4, intHash32(n + 7) % 8, r < 20, 16 + toUInt32(-log(u) * 4), r < 100, 8 + intHash32(n + 7) % 8, intHash32(n + 7) % 8)) AS score,
    toUInt8(r < 4) AS sampled,
    multiIf(r < 4, 0, r < 100, 1 + h2 % 4, h2 % 3 = 0, 1, 0) AS k,
    arrayMap(i -> [` + strings.Join(rules, ",") + `][(intHash32(h2 + i) + if(r < 100, 0, 20)) % if(r < 100, 30, 10) + 1], range(k)) AS hit_rules,
    arrayMap(i -> toInt32(10 + 5 * i), range(k)) AS hit_scores,
    arrayMap(i -> concat('the parcel matches indicator ', toString(i)), range(k)) AS hit_reasons,
    arrayMap(i -> '', range(k)) AS hit_outcomes,
    emptyArrayString() AS shadow_rules, emptyArrayInt32() AS shadow_scores,
    emptyArrayString() AS shadow_reasons, emptyArrayString() AS shadow_outcomes,
    emptyArrayString() AS quality_codes, emptyArrayString() AS quality_paths,
    emptyArrayString() AS quality_messages, emptyArrayString() AS errors,
    'sha256:bench' AS pack_version,
    bitShiftRight(h, 12) % 200000 AS sid,
    if(bitShiftRight(h, 40) % 100 = 0, bitShiftRight(h, 8) % 1000, bitShiftRight(h, 8) % 3000000) AS aid,
    concat('shop ', toString(sid)) AS sender_name_key,
    concat('industrial road ', toString(sid % 20000), ' 518000 cn') AS sender_address_key,
    if(sid % 10 < 6, concat('+86', toString(13000000000 + sid)), '') AS sender_phone_e164,
    if(sid % 10 < 4, concat('shop', toString(sid), '@example.cn'), '') AS sender_email_key,
    concat('name ', toString(bitShiftRight(h, 20) % 5000000)) AS recipient_name_key,
    concat('hauptstrasse ', toString(aid), ' ', toString(10000 + aid % 90000), ' de') AS recipient_address_key,
    if(bitShiftRight(h, 30) % 10 < 3, concat('+49', toString(1500000000 + aid)), '') AS recipient_phone_e164,
    if(bitShiftRight(h, 34) % 10 < 2, concat('r', toString(aid), '@mail.de'), '') AS recipient_email_key,
    toFloat64(bitShiftRight(h, 3) % 50000) / 100 AS declared_value,
    'EUR' AS currency,
    toFloat64(bitShiftRight(h, 5) % 3000) / 1000 AS gross_weight_kg,
    concat('{"item_id":"', item_id, '","operator":"', operator, '","mail_class":"parcel","category":"sale_of_goods",',
        '"origin_country":"', origin_country, '","destination_country":"', destination_country, '",',
        '"sender":{"name":"', sender_name_key, '","street":"', sender_address_key, '","phone":"', sender_phone_e164, '","email":"', sender_email_key, '"},',
        '"recipient":{"name":"', recipient_name_key, '","street":"', recipient_address_key, '","phone":"', recipient_phone_e164, '","email":"', recipient_email_key, '"},',
        '"contents":[{"description":"item ', hex(SHA256(item_id)), '","quantity":1,"hs_code":"', toString(h % 999999), '"},',
        '{"description":"', lower(hex(SHA1(toString(h)))), '","quantity":2,"net_weight_kg":0.25}],',
        '"declared_value":', toString(declared_value), ',"currency":"EUR","gross_weight_kg":', toString(gross_weight_kg), ',',
        '"posted_at":"', toString(posted_at), '","office_of_origin":"OFFICE ', toString(h % 977), '","tracking":"', hex(MD5(toString(n))), '"}') AS raw
    FROM numbers(@from, @count))`
	for from := 0; from < rows; from += benchChunk {
		n := min(benchChunk, rows-from)
		step := fmt.Sprintf("assessments %d-%d", from, from+n)
		chunk := strings.NewReplacer("@from", strconv.Itoa(from), "@count", strconv.Itoa(n)).Replace(gen)
		if err := run(step, "INSERT INTO assessments ("+strings.Join(names, ", ")+") "+chunk); err != nil {
			return err
		}
	}
	// Officers have recorded outcomes for a third of the flagged items: for
	// every fifth of those a second, later one.
	disp := `INSERT INTO dispositions (item_id, recorded_at, officer, outcome, substance, note)
SELECT item_id, toDateTime(toUInt32(received_at) + 3600 + cityHash64(item_id) % 86400 + d * 7200),
    concat('officer', toString(cityHash64(item_id) % 40)),
    ['cleared','cleared','cleared','seized','other_violation','not_inspected'][(cityHash64(item_id) + d) % 6 + 1],
    '', ''
FROM assessments ARRAY JOIN range(if(cityHash64(item_id) % 15 = 0, 2, 1)) AS d
WHERE outcome != 'release' AND cityHash64(item_id) % 3 = 0`
	if !done["dispositions"] {
		// An interrupted attempt left some: start again.
		if err := s.conn.Exec(ctx, "TRUNCATE TABLE dispositions"); err != nil {
			return err
		}
	}
	if err := run("dispositions", disp); err != nil {
		return err
	}
	if err := settleMerges(ctx, s, 20*time.Minute); err != nil {
		return err
	}
	return s.conn.Exec(ctx, "CREATE TABLE bench_loaded (rows UInt64) ENGINE = TinyLog")
}

// settleMerges waits until no merge has run in the store's database for a
// few seconds in a row: the state a table reaches some time after its
// inserts, which is what an officer's query meets.
func settleMerges(ctx context.Context, s *Store, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	quiet := 0
	for quiet < 5 {
		if time.Now().After(deadline) {
			return fmt.Errorf("merges still running after %v", limit)
		}
		var n uint64
		if err := s.conn.QueryRow(ctx, "SELECT count() FROM system.merges WHERE database = ?", s.database).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			quiet++
		} else {
			quiet = 0
		}
		time.Sleep(time.Second)
	}
	return nil
}

// latencies collects one duration per operation for percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	pct := func(p float64) float64 {
		i := int(p*float64(len(s))+0.5) - 1
		i = max(0, min(i, len(s)-1))
		return float64(s[i].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(s[len(s)-1].Microseconds())/1000, "max-ms")
}

// BenchmarkQueue10M is the officers' queue on the benchmark database: the
// first page of the last 7 days, both lanes, by score, 50 items; one
// operation is one Queue call. The variants show other common queries.
func BenchmarkQueue10M(b *testing.B) {
	s := benchStore(b)
	last7 := QueueQuery{From: benchEnd.Add(-7 * 24 * time.Hour), To: benchEnd}
	with := func(f func(q *QueueQuery)) QueueQuery {
		q := last7
		f(&q)
		return q
	}
	b.Run("default", func(b *testing.B) { benchQueue(b, s, last7, 1) })
	b.Run("time", func(b *testing.B) { benchQueue(b, s, with(func(q *QueueQuery) { q.Sort = SortTime }), 1) })
	b.Run("inspect+operator+open", func(b *testing.B) {
		benchQueue(b, s, with(func(q *QueueQuery) { q.Lanes, q.Operator, q.Status = []string{"inspect"}, "OP7", StatusOpen }), 1)
	})
	b.Run("rule", func(b *testing.B) { benchQueue(b, s, with(func(q *QueueQuery) { q.Rule = "rule_07" }), 1) })
	b.Run("item_id", func(b *testing.B) { benchQueue(b, s, with(func(q *QueueQuery) { q.ItemID = "00042" }), 1) })
	b.Run("page5", func(b *testing.B) { benchQueue(b, s, last7, 5) })
}

// benchQueue measures the page-th page of q.
func benchQueue(b *testing.B, s *Store, q QueueQuery, page int) {
	ctx := context.Background()
	for range page - 1 {
		p, err := s.Queue(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		q.Cursor = p.Next
	}
	for range 3 { // warm up
		if _, err := s.Queue(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	lat := make(latencies, 0, b.N)
	var items int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		p, err := s.Queue(ctx, q)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		items += len(p.Items)
	}
	b.StopTimer()
	lat.report(b)
	b.ReportMetric(float64(items)/float64(b.N), "items/op")
}

// BenchmarkDetail10M is an officer opening an item of the queue: its
// record, its dispositions and the items related to it over 90 days, 20
// per Via; one operation is one item. "calls" makes the three calls one
// after the other (Get, Dispositions, Related); "Detail" makes the one
// call that runs them side by side. The items are up to 5,000 flagged
// items of the last 7 days in a random order, taken in turn, so that a run
// of fewer operations opens each item once.
func BenchmarkDetail10M(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var ids []string
	rows, err := s.conn.Query(ctx, "SELECT DISTINCT item_id FROM queue WHERE received_at >= toDateTime(?) ORDER BY cityHash64(item_id) LIMIT 5000",
		uint32(benchEnd.Add(-7*24*time.Hour).Unix()))
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 10 {
		b.Fatal("too few flagged items in the benchmark data")
	}
	from, to := benchEnd.Add(-90*24*time.Hour), benchEnd
	calls := func(id string) (int, error) {
		rec, err := s.Get(ctx, id)
		if err != nil {
			return 0, err
		}
		if _, err := s.Dispositions(ctx, id); err != nil {
			return 0, err
		}
		rel, err := s.Related(ctx, rec, from, to, 20)
		return len(rel), err
	}
	detail := func(id string) (int, error) {
		d, err := s.Detail(ctx, id, from, to, 20)
		return len(d.Related), err
	}
	for _, bm := range []struct {
		name string
		f    func(id string) (int, error)
		skip int // items the other sub-benchmark opened
	}{{"calls", calls, 0}, {"Detail", detail, len(ids) / 2}} {
		b.Run(bm.name, func(b *testing.B) {
			next := bm.skip
			item := func() string {
				id := ids[next%len(ids)]
				next++
				return id
			}
			for range 5 { // warm up
				if _, err := bm.f(item()); err != nil {
					b.Fatal(err)
				}
			}
			lat := make(latencies, 0, b.N)
			var related int
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				n, err := bm.f(item())
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				related += n
			}
			b.StopTimer()
			lat.report(b)
			b.ReportMetric(float64(related)/float64(b.N), "related/op")
		})
	}
}

// BenchmarkStats10M is the statistics of the last 7 days and of all 30
// days of the benchmark database; one operation is one Stats call.
func BenchmarkStats10M(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	for _, days := range []int{7, 30} {
		b.Run(fmt.Sprintf("%ddays", days), func(b *testing.B) {
			q := StatsQuery{From: benchEnd.Add(-time.Duration(days) * 24 * time.Hour), To: benchEnd}
			lat := make(latencies, 0, b.N)
			for i := 0; i < b.N; i++ {
				start := time.Now()
				st, err := s.Stats(ctx, q)
				lat = append(lat, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(st.Daily) == 0 || len(st.Rules) == 0 {
					b.Fatalf("Stats(last %d days) = %+v; want figures", days, st)
				}
			}
			lat.report(b)
		})
	}
}
