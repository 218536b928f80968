package store

import (
	stdcmp "cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// qbase is midnight UTC of the day most query-test parcels are received.
var qbase = time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)

// parcel describes one delivery for the query tests; record makes it a
// Record written through Store.Write, so the materialized views see it as
// they see the engine's inserts.
type parcel struct {
	id                  string
	at                  time.Duration // received at qbase+at
	outcome             scorer.Outcome
	score               int
	sampled             bool
	operator            string // OP1 when ""
	origin, destination string // NL, DE when ""
	rules               []string
	amendment           int
	later               time.Duration // assessed this long after the first assessment

	recipientAddress, senderName, senderAddress string
	senderPhone, recipientPhone                 string
	senderEmail, recipientEmail, recipientName  string
}

func (p parcel) record() Record {
	r := testRecord(0)
	r.Parcel.ItemID, r.Assessment.ItemID = p.id, p.id
	r.Parcel.Operator = stdcmp.Or(p.operator, "OP1")
	r.Parcel.OriginCountry = stdcmp.Or(p.origin, "NL")
	r.Parcel.DestinationCountry = stdcmp.Or(p.destination, "DE")
	r.Parcel.ReceivedAt = qbase.Add(p.at)
	r.Parcel.PostedAt = r.Parcel.ReceivedAt.Add(-26 * time.Hour)
	r.Parcel.Amendment = p.amendment
	s, rc := &r.Parcel.Sender, &r.Parcel.Recipient
	s.NameKey, s.AddressKey, s.PhoneE164, s.EmailKey = p.senderName, p.senderAddress, p.senderPhone, p.senderEmail
	rc.NameKey, rc.AddressKey, rc.PhoneE164, rc.EmailKey = p.recipientName, p.recipientAddress, p.recipientPhone, p.recipientEmail
	a := r.Assessment
	a.ReceivedAt = r.Parcel.ReceivedAt
	a.AssessedAt = r.Parcel.ReceivedAt.Add(2*time.Second + p.later)
	a.Outcome, a.Score, a.Sampled = stdcmp.Or(p.outcome, scorer.Review), p.score, p.sampled
	a.Hits = []scorer.Hit{}
	for _, rule := range p.rules {
		a.Hits = append(a.Hits, scorer.Hit{Rule: rule, Score: 10, Reason: "reason of " + rule})
	}
	a.Shadow = []scorer.Hit{{Rule: "shadow_rule", Score: 5, Reason: "not active"}}
	return r
}

// item is the QueueItem a parcel shows as.
func (p parcel) item(disposition string) QueueItem {
	r := p.record()
	return QueueItem{
		ItemID: p.id, Operator: r.Parcel.Operator, Origin: r.Parcel.OriginCountry, Destination: r.Parcel.DestinationCountry,
		PostedAt: r.Parcel.PostedAt, ReceivedAt: r.Parcel.ReceivedAt, Score: int32(p.score), Outcome: string(r.Assessment.Outcome),
		Sampled: p.sampled, Rules: p.rules, Disposition: disposition,
	}
}

func writeParcels(t *testing.T, s *Store, ps ...parcel) {
	t.Helper()
	batch := make([]Record, len(ps))
	for i, p := range ps {
		batch[i] = p.record()
	}
	if err := s.Write(context.Background(), batch); err != nil {
		t.Fatalf("Write: %v", err)
	}
}

func writeDispositions(t *testing.T, s *Store, ds ...Disposition) {
	t.Helper()
	for _, d := range ds {
		if d.Officer == "" {
			d.Officer = "officer1"
		}
		if err := s.WriteDisposition(context.Background(), d); err != nil {
			t.Fatalf("WriteDisposition: %v", err)
		}
	}
}

// stopMerges keeps every delivery its own row, as before a merge.
func stopMerges(t *testing.T, s *Store, tables ...string) {
	t.Helper()
	for _, table := range tables {
		if err := s.conn.Exec(context.Background(), "SYSTEM STOP MERGES "+s.database+"."+table); err != nil {
			t.Fatal(err)
		}
	}
}

// describe shows the fields of a query that are set.
func describe(q QueueQuery) string {
	var parts []string
	add := func(name string, v any, set bool) {
		if set {
			parts = append(parts, fmt.Sprintf("%s=%q", name, fmt.Sprint(v)))
		}
	}
	add("from", q.From.Format(time.RFC3339), !q.From.IsZero())
	add("to", q.To.Format(time.RFC3339), !q.To.IsZero())
	add("lanes", q.Lanes, q.Lanes != nil)
	add("operator", q.Operator, q.Operator != "")
	add("origin", q.Origin, q.Origin != "")
	add("destination", q.Destination, q.Destination != "")
	add("rule", q.Rule, q.Rule != "")
	add("status", q.Status, q.Status != "")
	add("item_id", q.ItemID, q.ItemID != "")
	add("sort", q.Sort, q.Sort != "")
	add("cursor", q.Cursor, q.Cursor != "")
	add("limit", q.Limit, q.Limit != 0)
	return strings.Join(parts, " ")
}

func pageIDs(p QueuePage) []string {
	out := []string{}
	for _, it := range p.Items {
		out = append(out, it.ItemID)
	}
	return out
}

// queueAll pages through a query to the end, failing on a page that is
// neither full nor the last.
func queueAll(t *testing.T, s *Store, q QueueQuery) []string {
	t.Helper()
	var all []string
	for pages := 0; ; pages++ {
		if pages > 10_000 {
			t.Fatalf("Queue(%s): more than 10,000 pages", describe(q))
		}
		page, err := s.Queue(context.Background(), q)
		if err != nil {
			t.Fatalf("Queue(%s): %v", describe(q), err)
		}
		all = append(all, pageIDs(page)...)
		if page.Next == "" {
			return all
		}
		limit := stdcmp.Or(q.Limit, DefaultQueueLimit)
		if len(page.Items) != limit {
			t.Fatalf("Queue(%s) = %d items and a next cursor; want a full page of %d", describe(q), len(page.Items), limit)
		}
		q.Cursor = page.Next
	}
}

// The filter-test parcels. Item ids sort as their letters.
var (
	pA = parcel{id: "AA000000001NL", at: 1 * time.Hour, outcome: scorer.Review, score: 50, operator: "OP1", origin: "NL", destination: "DE", rules: []string{"phone_watch", "vague"}}
	pB = parcel{id: "BB000000002CN", at: 2 * time.Hour, outcome: scorer.Inspect, score: 90, operator: "OP2", origin: "CN", destination: "DE", rules: []string{"phone_watch"}}
	pC = parcel{id: "CC000000003CN", at: 3 * time.Hour, outcome: scorer.Review, score: 50, operator: "OP1", origin: "CN", destination: "FR", rules: []string{"value"}}
	pD = parcel{id: "DD000000004US", at: 4 * time.Hour, outcome: scorer.Inspect, score: 7, sampled: true, operator: "OP3", origin: "US", destination: "NL"}
	pE = parcel{id: "EE000000005NL", at: 5 * time.Hour, outcome: scorer.Release, score: 10, operator: "OP1", rules: []string{"vague"}}
	pF = parcel{id: "FF000000006NL", at: 30 * time.Hour, outcome: scorer.Review, score: 40, operator: "OP2", rules: []string{"vague"}}
	pG = parcel{id: "GG000000007NL", at: -1 * time.Hour, outcome: scorer.Review, score: 45, operator: "OP1", rules: []string{"vague"}}
	// pH's values are what an injection would send; stored, they are
	// plain text, and on its own day.
	pH = parcel{id: "HH'000000008\\NL", at: 72 * time.Hour, outcome: scorer.Review, score: 60,
		operator: "x' OR 1=1 --", rules: []string{`%`, `_`, `'`, `\`, "a\x00b"}}
)

func TestQueueFilters(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	writeParcels(t, s, pA, pB, pC, pD, pE, pF, pG, pH)
	writeDispositions(t, s,
		Disposition{ItemID: pA.id, RecordedAt: qbase.Add(10 * time.Hour), Outcome: DispositionSeized, Substance: "cocaine"},
		Disposition{ItemID: pB.id, RecordedAt: qbase.Add(10 * time.Hour), Outcome: DispositionCleared},
		Disposition{ItemID: pB.id, RecordedAt: qbase.Add(11 * time.Hour), Outcome: DispositionNotInspected},
	)
	day := QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour)}
	with := func(f func(q *QueueQuery)) QueueQuery {
		q := day
		f(&q)
		return q
	}
	long := strings.Repeat("x", MaxFilterBytes)
	tests := []struct {
		name string
		q    QueueQuery
		want []string
	}{
		{"default: score desc, ties by item id", day, []string{pB.id, pA.id, pC.id, pD.id}},
		{"both lanes named", with(func(q *QueueQuery) { q.Lanes = []string{"inspect", "review", "review"} }), []string{pB.id, pA.id, pC.id, pD.id}},
		{"review", with(func(q *QueueQuery) { q.Lanes = []string{"review"} }), []string{pA.id, pC.id}},
		{"inspect", with(func(q *QueueQuery) { q.Lanes = []string{"inspect"} }), []string{pB.id, pD.id}},
		{"operator", with(func(q *QueueQuery) { q.Operator = "OP1" }), []string{pA.id, pC.id}},
		{"operator is exact", with(func(q *QueueQuery) { q.Operator = "op1" }), []string{}},
		{"origin", with(func(q *QueueQuery) { q.Origin = "CN" }), []string{pB.id, pC.id}},
		{"origin in lower case", with(func(q *QueueQuery) { q.Origin = "cn" }), []string{pB.id, pC.id}},
		{"destination", with(func(q *QueueQuery) { q.Destination = "DE" }), []string{pB.id, pA.id}},
		{"rule", with(func(q *QueueQuery) { q.Rule = "phone_watch" }), []string{pB.id, pA.id}},
		{"rule of a released item only", with(func(q *QueueQuery) { q.Rule = "vague" }), []string{pA.id}},
		{"shadow rules do not count", with(func(q *QueueQuery) { q.Rule = "shadow_rule" }), []string{}},
		{"status open", with(func(q *QueueQuery) { q.Status = StatusOpen }), []string{pC.id, pD.id}},
		{"status done", with(func(q *QueueQuery) { q.Status = StatusDone }), []string{pB.id, pA.id}},
		{"item id substring, any case", with(func(q *QueueQuery) { q.ItemID = "cc0000" }), []string{pC.id}},
		{"item id substring matching several", with(func(q *QueueQuery) { q.ItemID = "CN" }), []string{pB.id, pC.id}},
		{"sort by time", with(func(q *QueueQuery) { q.Sort = SortTime }), []string{pD.id, pC.id, pB.id, pA.id}},
		{"sort by score named", with(func(q *QueueQuery) { q.Sort = SortScore }), []string{pB.id, pA.id, pC.id, pD.id}},
		{"window: From inclusive", QueueQuery{From: qbase.Add(time.Hour), To: qbase.Add(3 * time.Hour)}, []string{pB.id, pA.id}},
		{"window: To exclusive", QueueQuery{From: qbase.Add(time.Hour), To: qbase.Add(3*time.Hour - time.Second)}, []string{pB.id, pA.id}},
		{"window: fractions of a second", QueueQuery{From: qbase.Add(time.Hour + time.Millisecond), To: qbase.Add(3*time.Hour + time.Millisecond)}, []string{pB.id, pC.id}},
		{"window: wide", QueueQuery{From: qbase.Add(-48 * time.Hour), To: qbase.Add(48 * time.Hour)}, []string{pB.id, pA.id, pC.id, pG.id, pF.id, pD.id}},
		{"review + origin + open", with(func(q *QueueQuery) { q.Lanes, q.Origin, q.Status = []string{"review"}, "CN", StatusOpen }), []string{pC.id}},
		{"operator + rule + done", with(func(q *QueueQuery) { q.Operator, q.Rule, q.Status = "OP2", "phone_watch", StatusDone }), []string{pB.id}},
		{"destination + rule + inspect, by time", with(func(q *QueueQuery) {
			q.Destination, q.Rule, q.Lanes, q.Sort = "DE", "phone_watch", []string{"inspect"}, SortTime
		}), []string{pB.id}},
		{"all filters", with(func(q *QueueQuery) {
			q.Lanes, q.Operator, q.Origin, q.Destination, q.Rule, q.Status, q.ItemID = []string{"review"}, "OP1", "NL", "DE", "vague", StatusDone, "aa"
		}), []string{pA.id}},
		{"filters matching nothing together", with(func(q *QueueQuery) { q.Operator, q.Origin = "OP1", "US" }), []string{}},

		// Values an attacker would send are literal values.
		{"operator injection", with(func(q *QueueQuery) { q.Operator = "x' OR 1=1 --" }), []string{}},
		{"operator injection, stored as such", QueueQuery{From: qbase.Add(72 * time.Hour), To: qbase.Add(73 * time.Hour), Operator: "x' OR 1=1 --"}, []string{pH.id}},
		{"operator quote", with(func(q *QueueQuery) { q.Operator = `OP1'` }), []string{}},
		{"operator double quote", with(func(q *QueueQuery) { q.Operator = `OP1"` }), []string{}},
		{"operator backslash", with(func(q *QueueQuery) { q.Operator = `OP1\` }), []string{}},
		{"operator NUL", with(func(q *QueueQuery) { q.Operator = "OP1\x00" }), []string{}},
		{"operator long", with(func(q *QueueQuery) { q.Operator = long }), []string{}},
		{"operator not UTF-8", with(func(q *QueueQuery) { q.Operator = "OP\xff1" }), []string{}},
		{"rule %", with(func(q *QueueQuery) { q.Rule = "%" }), []string{}},
		{"rule _", with(func(q *QueueQuery) { q.Rule = "_" }), []string{}},
		{"rule backslash", with(func(q *QueueQuery) { q.Rule = `\` }), []string{}},
		{"rule injection", with(func(q *QueueQuery) { q.Rule = "') OR 1=1 OR has(hit_rules, '" }), []string{}},
		{"rules stored with metacharacters", QueueQuery{From: qbase.Add(72 * time.Hour), To: qbase.Add(73 * time.Hour), Rule: "a\x00b"}, []string{pH.id}},
		{"rule % stored", QueueQuery{From: qbase.Add(72 * time.Hour), To: qbase.Add(73 * time.Hour), Rule: "%"}, []string{pH.id}},
		{"rule _ is not a wildcard", QueueQuery{From: qbase.Add(72 * time.Hour), To: qbase.Add(73 * time.Hour), Rule: "a_b"}, []string{}},
		{"item id %", with(func(q *QueueQuery) { q.ItemID = "%" }), []string{}},
		{"item id _", with(func(q *QueueQuery) { q.ItemID = "_" }), []string{}},
		{"item id quote", with(func(q *QueueQuery) { q.ItemID = "'" }), []string{}},
		{"item id quote stored", QueueQuery{From: qbase.Add(72 * time.Hour), To: qbase.Add(73 * time.Hour), ItemID: `hh'000000008\n`}, []string{pH.id}},
		{"item id injection", with(func(q *QueueQuery) { q.ItemID = "A') > 0 OR (1" }), []string{}},
		{"item id NUL", with(func(q *QueueQuery) { q.ItemID = "\x00" }), []string{}},
		{"item id ?", with(func(q *QueueQuery) { q.ItemID = "?" }), []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.Queue(ctx, tt.q)
			if err != nil {
				t.Fatalf("Queue(%s): %v", describe(tt.q), err)
			}
			if got := pageIDs(page); !cmp.Equal(got, tt.want) {
				t.Errorf("Queue(%s) = %v; want %v", describe(tt.q), got, tt.want)
			}
			if page.Next != "" {
				t.Errorf("Queue(%s).Next = %q; want none (one page)", describe(tt.q), page.Next)
			}
		})
	}

	// The whole items, dispositions included.
	page, err := s.Queue(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	want := []QueueItem{pB.item(DispositionNotInspected), pA.item(DispositionSeized), pC.item(""), pD.item("")}
	if diff := cmp.Diff(want, page.Items, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Queue(%s) items (-want +got):\n%s", describe(day), diff)
	}
}

func TestQueueBadQuery(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for i := range 5 {
		writeParcels(t, s, parcel{id: fmt.Sprintf("RR%09dNL", i), at: time.Duration(i) * time.Hour, score: 50 + i})
	}
	day := QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour), Limit: 2}
	first, err := s.Queue(ctx, day)
	if err != nil || first.Next == "" {
		t.Fatalf("Queue(%s) = %v, %v; want a next page", describe(day), first, err)
	}
	next := first.Next
	with := func(f func(q *QueueQuery)) QueueQuery {
		q := day
		q.Cursor = ""
		f(&q)
		return q
	}
	flip := func(c string, i int) string {
		b := []byte(c)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	tests := []struct {
		name string
		q    QueueQuery
		want []string // substrings of the error
	}{
		{"no window", QueueQuery{}, []string{"from, to: both are required"}},
		{"no from", with(func(q *QueueQuery) { q.From = time.Time{} }), []string{"from: is required"}},
		{"no to", with(func(q *QueueQuery) { q.To = time.Time{} }), []string{"to: is required"}},
		{"from after to", with(func(q *QueueQuery) { q.From, q.To = q.To, q.From }), []string{"to (2026-11-20T00:00:00Z) must be after from (2026-11-21T00:00:00Z)"}},
		{"empty window", with(func(q *QueueQuery) { q.To = q.From }), []string{"the window is empty"}},
		{"release lane", with(func(q *QueueQuery) { q.Lanes = []string{"review", "release"} }), []string{`lanes: "release" is not a lane of the queue: send review, inspect or both`}},
		{"lane in capitals", with(func(q *QueueQuery) { q.Lanes = []string{"REVIEW"} }), []string{`lanes: "REVIEW"`}},
		{"sort", with(func(q *QueueQuery) { q.Sort = "score desc" }), []string{`sort: "score desc" is not a sort order`}},
		{"status", with(func(q *QueueQuery) { q.Status = "closed" }), []string{`status: "closed" is not a status: send open, done`}},
		{"limit negative", with(func(q *QueueQuery) { q.Limit = -1 }), []string{"limit: -1 is out of range: send 1 to 1000"}},
		{"limit too big", with(func(q *QueueQuery) { q.Limit = 1001 }), []string{"limit: 1001 is out of range"}},
		{"origin three letters", with(func(q *QueueQuery) { q.Origin = "NLD" }), []string{`origin: "NLD" is not an ISO 3166-1 alpha-2 country code`}},
		{"origin injection", with(func(q *QueueQuery) { q.Origin = "x' OR 1=1 --" }), []string{`origin: "x' OR 1=1 --" is not an ISO`}},
		{"destination digits", with(func(q *QueueQuery) { q.Destination = "1'" }), []string{`destination: "1'" is not an ISO`}},
		{"operator too long", with(func(q *QueueQuery) { q.Operator = strings.Repeat("x", MaxFilterBytes+1) }), []string{"operator: is 257 bytes long: send at most 256"}},
		{"rule too long", with(func(q *QueueQuery) { q.Rule = strings.Repeat("'", 100_000) }), []string{"rule: is 100000 bytes long"}},
		{"item id too long", with(func(q *QueueQuery) { q.ItemID = strings.Repeat("\x00", 300) }), []string{"item_id: is 300 bytes long"}},
		{"several at once", with(func(q *QueueQuery) { q.Sort, q.Limit = "up", 5000 }), []string{`sort: "up"`, "limit: 5000"}},
		{"cursor not base64", with(func(q *QueueQuery) { q.Cursor = "!!!" }), []string{"cursor: is not one this API issued"}},
		{"cursor empty payload", with(func(q *QueueQuery) { q.Cursor = "AAAA" }), []string{"cursor: is not one this API issued"}},
		{"cursor tampered", with(func(q *QueueQuery) { q.Cursor = flip(next, len(next)/2) }), []string{"cursor: is not one this API issued, or it was changed"}},
		{"cursor cut short", with(func(q *QueueQuery) { q.Cursor = next[:len(next)-3] }), []string{"cursor: is not one this API issued"}},
		{"cursor too long", with(func(q *QueueQuery) { q.Cursor = strings.Repeat("A", 5000) }), []string{"cursor: is not one this API issued"}},
		{"cursor of other filters", with(func(q *QueueQuery) { q.Cursor, q.Operator = next, "OP1" }), []string{"cursor: belongs to a query with other filters, window or sort"}},
		{"cursor of another window", with(func(q *QueueQuery) { q.Cursor, q.To = next, q.To.Add(time.Second) }), []string{"cursor: belongs to a query with other filters"}},
		{"cursor of another sort", with(func(q *QueueQuery) { q.Cursor, q.Sort = next, SortTime }), []string{"cursor: belongs to a query with other filters"}},
		{"cursor of another lane set", with(func(q *QueueQuery) { q.Cursor, q.Lanes = next, []string{"review"} }), []string{"cursor: belongs to a query"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.Queue(ctx, tt.q)
			if !errors.Is(err, ErrBadQuery) {
				t.Fatalf("Queue(%s) = %v, %v; want ErrBadQuery", describe(tt.q), pageIDs(page), err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Queue(%s) = %v; want an error containing %q", describe(tt.q), err, w)
				}
			}
		})
	}

	// A cursor stays valid when only the limit changes, and when the
	// lanes are the same set written another way.
	for _, q := range []QueueQuery{
		with(func(q *QueueQuery) { q.Cursor, q.Limit = next, 100 }),
		with(func(q *QueueQuery) { q.Cursor, q.Lanes, q.Limit = next, []string{"review", "inspect"}, 100 }),
	} {
		page, err := s.Queue(ctx, q)
		if err != nil {
			t.Fatalf("Queue(%s): %v", describe(q), err)
		}
		if got, want := pageIDs(page), []string{"RR000000002NL", "RR000000001NL", "RR000000000NL"}; !cmp.Equal(got, want) {
			t.Errorf("Queue(%s) = %v; want %v", describe(q), got, want)
		}
	}
}

func TestQueueDuplicatesAndAmendments(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	stopMerges(t, s, "assessments", "queue")

	x := parcel{id: "XX000000001NL", at: time.Hour, score: 50}
	y1 := parcel{id: "YY000000002NL", at: time.Hour, score: 60}
	y2 := y1
	y2.score, y2.later = 80, time.Hour
	z1 := parcel{id: "ZZ000000003NL", at: time.Hour, score: 70}
	z2 := z1
	z2.outcome, z2.score, z2.amendment, z2.at = scorer.Release, 5, 1, 2*time.Hour
	w1 := parcel{id: "WW000000004NL", at: time.Hour, score: 65}
	w2 := w1
	w2.outcome, w2.score, w2.later = scorer.Release, 5, time.Hour // reassessed, same amendment
	v1 := parcel{id: "VV000000005NL", at: time.Hour, outcome: scorer.Release, score: 5}
	v2 := v1
	v2.outcome, v2.score, v2.amendment = scorer.Inspect, 75, 1
	u1 := parcel{id: "UU000000006NL", at: 2 * time.Hour, outcome: scorer.Inspect, score: 85}
	u2 := u1
	u2.at, u2.later = 40*24*time.Hour, 40*24*time.Hour // redelivered in the next month
	t1 := parcel{id: "TT000000007NL", at: time.Hour, score: 30, later: time.Hour}
	t2 := t1
	t2.score, t2.later = 95, 0 // an older assessment replayed from the spool last
	o1 := parcel{id: "OO000000008NL", at: time.Hour, score: 55, operator: "OP1"}
	o2 := o1
	o2.operator, o2.amendment = "OP9", 1 // amended to another operator

	for _, p := range []parcel{x, x, y1, y2, z1, z2, w1, w2, v1, v2, u1, u2, t1, t2, o1, o2} {
		writeParcels(t, s, p) // one INSERT each
	}
	day := QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour)}
	tests := []struct {
		name string
		q    QueueQuery
		want []QueueItem
	}{
		{"each item once, as its newest delivery", day,
			[]QueueItem{y2.item(""), v2.item(""), o2.item(""), x.item(""), t1.item("")}},
		{"a redelivery moved it to another window", QueueQuery{From: qbase.Add(24 * time.Hour), To: qbase.Add(60 * 24 * time.Hour)},
			[]QueueItem{u2.item("")}},
		{"an older delivery's operator does not match", QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour), Operator: "OP1"},
			[]QueueItem{y2.item(""), v2.item(""), x.item(""), t1.item("")}},
		{"the newest delivery's operator matches", QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour), Operator: "OP9"},
			[]QueueItem{o2.item("")}},
		{"an older delivery's time does not count", QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour), Sort: SortTime},
			[]QueueItem{o2.item(""), t1.item(""), v2.item(""), x.item(""), y2.item("")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, err := s.Queue(ctx, tt.q)
			if err != nil {
				t.Fatalf("Queue(%s): %v", describe(tt.q), err)
			}
			if diff := cmp.Diff(tt.want, page.Items, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Queue(%s) (-want +got):\n%s", describe(tt.q), diff)
			}
			// And one item a page.
			q := tt.q
			q.Limit = 1
			var want []string
			for _, it := range tt.want {
				want = append(want, it.ItemID)
			}
			if got := queueAll(t, s, q); !cmp.Equal(got, want, cmpopts.EquateEmpty()) {
				t.Errorf("Queue(%s) paged = %v; want %v", describe(q), got, want)
			}
		})
	}
}

// TestQueuePaging pages through a few hundred items with many equal scores
// and times, redeliveries and released amendments, and checks every page
// against the order worked out here.
func TestQueuePaging(t *testing.T) {
	s := openTest(t)
	stopMerges(t, s, "assessments", "queue")
	rng := rand.New(rand.NewPCG(1, 2))
	type state struct {
		p      parcel
		listed bool
	}
	var items []state
	var batch []parcel
	for i := range 400 {
		p := parcel{
			id:      fmt.Sprintf("%c%c%09dNL", 'A'+rng.IntN(3), 'A'+rng.IntN(3), i),
			at:      time.Duration(rng.IntN(20)) * time.Minute, // many equal times
			outcome: []scorer.Outcome{scorer.Review, scorer.Inspect, scorer.Release}[rng.IntN(3)],
			score:   rng.IntN(12) * 10, // many equal scores
		}
		batch = append(batch, p)
		st := state{p: p, listed: p.outcome != scorer.Release}
		switch rng.IntN(6) {
		case 0: // the same delivery again
			batch = append(batch, p)
		case 1: // reassessed later, another score
			p.later, p.score = time.Minute, rng.IntN(12)*10+5
			batch = append(batch, p)
			st.p = p
		case 2: // amended and released
			p.amendment, p.outcome = 1, scorer.Release
			batch = append(batch, p)
			st = state{p: p}
		case 3: // amended and flagged, a higher score than anything
			p.amendment, p.outcome, p.score = 1, scorer.Inspect, 200+rng.IntN(3)
			batch = append(batch, p)
			st = state{p: p, listed: true}
		}
		items = append(items, st)
	}
	rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
	for len(batch) > 0 {
		n := min(len(batch), 1+rng.IntN(60))
		writeParcels(t, s, batch[:n]...)
		batch = batch[n:]
	}

	var listed []parcel
	for _, st := range items {
		if st.listed {
			listed = append(listed, st.p)
		}
	}
	order := map[string]func(a, b parcel) int{
		SortScore: func(a, b parcel) int {
			if a.score != b.score {
				return b.score - a.score
			}
			return strings.Compare(a.id, b.id)
		},
		SortTime: func(a, b parcel) int {
			if a.at != b.at {
				return int(b.at - a.at)
			}
			return strings.Compare(a.id, b.id)
		},
	}
	for _, sort := range []string{SortScore, SortTime} {
		slices.SortFunc(listed, order[sort])
		var want []string
		for _, p := range listed {
			want = append(want, p.id)
		}
		for _, limit := range []int{1, 7, 50, 1000} {
			q := QueueQuery{From: qbase, To: qbase.Add(time.Hour), Sort: sort, Limit: limit}
			got := queueAll(t, s, q)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Queue(%s) paged (-want +got):\n%s", describe(q), diff)
			}
		}
	}
}

func TestDispositions(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	ds := []Disposition{
		{ItemID: "RR1", RecordedAt: qbase.Add(2 * time.Hour), Officer: "b", Outcome: DispositionSeized, Substance: "MDMA", Note: "second"},
		{ItemID: "RR1", RecordedAt: qbase.Add(time.Hour), Officer: "a", Outcome: DispositionCleared, Note: "first"},
		{ItemID: "RR2", RecordedAt: qbase, Officer: "a", Outcome: DispositionNotInspected},
		{ItemID: "RR1", RecordedAt: qbase.Add(3 * time.Hour), Officer: "c", Outcome: DispositionOtherViolation, Note: "third: it's \\ 'quoted'"},
	}
	writeDispositions(t, s, ds...)
	tests := []struct {
		id   string
		want []Disposition
	}{
		{"RR1", []Disposition{ds[1], ds[0], ds[3]}},
		{"RR2", []Disposition{ds[2]}},
		{"RR3", nil},
		{"RR1' OR '1'='1", nil},
	}
	for _, tt := range tests {
		got, err := s.Dispositions(ctx, tt.id)
		if err != nil {
			t.Fatalf("Dispositions(%q): %v", tt.id, err)
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Dispositions(%q) (-want +got):\n%s", tt.id, diff)
		}
	}
	for _, bad := range []string{"", strings.Repeat("x", 300)} {
		if _, err := s.Dispositions(ctx, bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Dispositions(%.10q…) = %v; want ErrBadQuery", bad, err)
		}
	}
	latest, err := s.latestDispositions(ctx, []string{"RR1", "RR2", "RR3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]string{"RR1": DispositionOtherViolation, "RR2": DispositionNotInspected}; !cmp.Equal(latest, want) {
		t.Errorf("latestDispositions = %v; want %v", latest, want)
	}
}

func TestRelated(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	stopMerges(t, s, "assessments", "parcel_keys")

	self := parcel{id: "SELF00000000", at: 10 * time.Hour, score: 50,
		recipientAddress: "hauptstrasse 5 10115 de", recipientName: "jurgen muller",
		senderName: "o'brien \\ x", senderAddress: "damstraat 1 1012jm nl",
		senderPhone: "+31201234567", recipientPhone: "+4915112345678",
		senderEmail: "jan@example.nl"}
	p := func(id string, at time.Duration, f func(p *parcel)) parcel {
		q := parcel{id: id, at: at, outcome: scorer.Release, score: 5}
		f(&q)
		return q
	}
	addr1 := p("ADDR1", 9*time.Hour, func(p *parcel) { p.recipientAddress = self.recipientAddress; p.recipientName = "someone else" })
	addr2 := p("ADDR2", 11*time.Hour, func(p *parcel) {
		p.recipientAddress, p.outcome, p.score, p.operator, p.origin = self.recipientAddress, scorer.Inspect, 80, "OP7", "CN"
	})
	addrOld := p("ADDROLD", -100*24*time.Hour, func(p *parcel) { p.recipientAddress = self.recipientAddress })
	addrSenderSide := p("ADDRSENDER", 9*time.Hour, func(p *parcel) { p.senderAddress = self.recipientAddress })
	addrMoved1 := p("ADDRMOVED", 9*time.Hour, func(p *parcel) { p.recipientAddress = self.recipientAddress })
	addrMoved2 := addrMoved1
	addrMoved2.recipientAddress, addrMoved2.amendment = "elsewhere 1 10115 de", 1
	addrReleased1 := p("ADDRREL", 8*time.Hour, func(p *parcel) {
		p.recipientAddress, p.outcome, p.score = self.recipientAddress, scorer.Review, 40
	})
	addrReleased2 := addrReleased1
	addrReleased2.outcome, addrReleased2.score, addrReleased2.amendment = scorer.Release, 3, 1
	sender1 := p("SENDER1", 5*time.Hour, func(p *parcel) { p.senderName, p.senderAddress = self.senderName, self.senderAddress })
	senderOtherAddr := p("SENDER2", 5*time.Hour, func(p *parcel) { p.senderName, p.senderAddress = self.senderName, "elsewhere 2" })
	senderNoName := p("SENDER3", 5*time.Hour, func(p *parcel) { p.senderAddress = self.senderAddress })
	phoneCross := p("PHONE1", 4*time.Hour, func(p *parcel) { p.recipientPhone = self.senderPhone })
	phoneCross2 := p("PHONE2", 3*time.Hour, func(p *parcel) { p.senderPhone = self.recipientPhone })
	phoneBoth := p("PHONE3", 2*time.Hour, func(p *parcel) { p.senderPhone, p.recipientPhone = self.senderPhone, self.recipientPhone })
	email := p("EMAIL1", 1*time.Hour, func(p *parcel) { p.recipientEmail = self.senderEmail })
	empty := p("EMPTY", 1*time.Hour, func(p *parcel) {}) // every key empty, as self's recipient e-mail
	selfAgain := self
	selfAgain.later = time.Minute

	writeParcels(t, s, self, addr1, addr2, addrOld, addrSenderSide, addrMoved1, addrReleased1,
		sender1, senderOtherAddr, senderNoName, phoneCross, phoneCross2, phoneBoth, email, empty)
	writeParcels(t, s, addrMoved2, addrReleased2, selfAgain)
	writeDispositions(t, s, Disposition{ItemID: "ADDR2", RecordedAt: qbase.Add(12 * time.Hour), Outcome: DispositionSeized})

	rel := func(via, key string, q parcel, disposition string) Related {
		r := q.record()
		return Related{Via: via, Key: key, ItemID: q.id, Operator: r.Parcel.Operator, Origin: r.Parcel.OriginCountry,
			Destination: r.Parcel.DestinationCountry, ReceivedAt: r.Parcel.ReceivedAt, Score: int32(q.score),
			Outcome: string(r.Assessment.Outcome), Disposition: disposition}
	}
	senderKey := "o'brien \\ x | damstraat 1 1012jm nl"
	from, to := qbase.Add(-90*24*time.Hour), qbase.Add(24*time.Hour)
	rec := self.record()
	tests := []struct {
		name     string
		rec      Record
		from, to time.Time
		limit    int
		want     []Related
	}{
		{"every via, newest first", rec, from, to, 0, []Related{
			rel(ViaRecipientAddress, self.recipientAddress, addr2, DispositionSeized),
			rel(ViaRecipientAddress, self.recipientAddress, addr1, ""),
			rel(ViaRecipientAddress, self.recipientAddress, addrReleased2, ""),
			rel(ViaSender, senderKey, sender1, ""),
			rel(ViaPhone, self.senderPhone, phoneCross, ""),
			rel(ViaPhone, self.recipientPhone, phoneCross2, ""),
			rel(ViaPhone, self.recipientPhone, phoneBoth, ""), // either key
			rel(ViaEmail, self.senderEmail, email, ""),
		}},
		{"limit per via", rec, from, to, 1, []Related{
			rel(ViaRecipientAddress, self.recipientAddress, addr2, DispositionSeized),
			rel(ViaSender, senderKey, sender1, ""),
			rel(ViaPhone, self.senderPhone, phoneCross, ""),
			rel(ViaEmail, self.senderEmail, email, ""),
		}},
		{"window", rec, qbase.Add(3 * time.Hour), qbase.Add(9*time.Hour + time.Second), 0, []Related{
			rel(ViaRecipientAddress, self.recipientAddress, addr1, ""),
			rel(ViaRecipientAddress, self.recipientAddress, addrReleased2, ""),
			rel(ViaSender, senderKey, sender1, ""),
			rel(ViaPhone, self.senderPhone, phoneCross, ""),
			rel(ViaPhone, self.recipientPhone, phoneCross2, ""),
		}},
		{"a long window reaches the old item", rec, qbase.Add(-200 * 24 * time.Hour), qbase.Add(-50 * 24 * time.Hour), 0, []Related{
			rel(ViaRecipientAddress, self.recipientAddress, addrOld, ""),
		}},
		{"no keys", parcel{id: "NOKEYS"}.record(), from, to, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Related(ctx, tt.rec, tt.from, tt.to, tt.limit)
			if err != nil {
				t.Fatalf("Related(%s): %v", tt.rec.Parcel.ItemID, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Related(%s, %s, %s, %d) (-want +got):\n%s", tt.rec.Parcel.ItemID,
					tt.from.Format(time.RFC3339), tt.to.Format(time.RFC3339), tt.limit, diff)
			}
		})
	}

	for _, bad := range []struct {
		name     string
		rec      Record
		from, to time.Time
		limit    int
		want     string
	}{
		{"no parcel", Record{}, from, to, 0, "record: the record has no Parcel"},
		{"no window", rec, time.Time{}, time.Time{}, 0, "from, to: both are required"},
		{"window backwards", rec, to, from, 0, "must be after from"},
		{"limit", rec, from, to, 1001, "limit: 1001 is out of range"},
	} {
		if _, err := s.Related(ctx, bad.rec, bad.from, bad.to, bad.limit); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Related(%s) = %v; want ErrBadQuery containing %q", bad.name, err, bad.want)
		}
	}
}

func TestRelatedManyCandidatesMovedAway(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	// The newest ten items at the address were amended to another one:
	// Related must look past them for the two it was asked for.
	self := parcel{id: "SELF", at: 0, recipientAddress: "a 1"}
	var ps, amended []parcel
	for i := range 12 {
		p := parcel{id: fmt.Sprintf("R%02d", i), at: time.Duration(i) * time.Minute, recipientAddress: "a 1", score: 30}
		ps = append(ps, p)
		if i >= 2 {
			p.amendment, p.recipientAddress = 1, "b 2"
			amended = append(amended, p)
		}
	}
	writeParcels(t, s, append(ps, self)...)
	writeParcels(t, s, amended...)
	got, err := s.Related(ctx, self.record(), qbase.Add(-time.Hour), qbase.Add(time.Hour), 2)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.ItemID)
	}
	if want := []string{"R01", "R00"}; !cmp.Equal(ids, want) {
		t.Errorf("Related(SELF, limit 2) = %v; want %v", ids, want)
	}
}

// TestRelatedRowsPerKey: Related reads the newest relatedRowsPerKey rows of
// each key, so a key shared by a big shipper's parcels lists the newest.
func TestRelatedRowsPerKey(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	defer func(n int) { relatedRowsPerKey = n }(relatedRowsPerKey)
	relatedRowsPerKey = 5
	self := parcel{id: "SELF", recipientAddress: "a 1", senderPhone: "+311"}
	ps := []parcel{self}
	for i := range 12 {
		ps = append(ps, parcel{id: fmt.Sprintf("R%02d", i), at: time.Duration(i+1) * time.Minute, recipientAddress: "a 1"})
	}
	ps = append(ps, parcel{id: "PHONE", at: time.Minute, recipientPhone: "+311"})
	writeParcels(t, s, ps...)
	for _, tt := range []struct {
		limit int
		want  []string
	}{
		{3, []string{"R11", "R10", "R09", "PHONE"}},
		{10, []string{"R11", "R10", "R09", "R08", "R07", "PHONE"}}, // five of the address's twelve
	} {
		got, err := s.Related(ctx, self.record(), qbase.Add(-time.Hour), qbase.Add(time.Hour), tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range got {
			ids = append(ids, r.ItemID)
		}
		if !cmp.Equal(ids, tt.want) {
			t.Errorf("Related(SELF, limit %d) with 5 rows a key = %v; want %v", tt.limit, ids, tt.want)
		}
	}
}

// TestRelatedKeysHoldingNUL: a key is matched whole, even when it holds
// the NUL that separates the parts of parcel_keys' k.
func TestRelatedKeysHoldingNUL(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	key := "a\x00b"
	self := parcel{id: "SELF", recipientAddress: key}
	same := parcel{id: "SAME", at: time.Minute, recipientAddress: key}
	shorter := parcel{id: "SHORTER", at: time.Minute, recipientAddress: "a"}
	longer := parcel{id: "LONGER", at: time.Minute, recipientAddress: key + "\x00c"}
	// A key whose rows fall in the window's range of key's rows: what
	// follows key's prefix in their k starts with the digits of a second
	// in the window.
	digits := parcel{id: "DIGITS", at: time.Minute, recipientAddress: key + "\x00" + strconv.FormatInt(qbase.Unix()+1e10, 10)}
	otherVia := parcel{id: "EMAIL", at: time.Minute, recipientEmail: key}
	writeParcels(t, s, self, same, shorter, longer, digits, otherVia)
	got, err := s.Related(ctx, self.record(), qbase.Add(-time.Hour), qbase.Add(time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range got {
		ids = append(ids, r.Via+" "+r.ItemID)
		if r.Key != key {
			t.Errorf("Related: %s listed with key %q; want %q", r.ItemID, r.Key, key)
		}
	}
	if want := []string{"recipient_address SAME"}; !cmp.Equal(ids, want) {
		t.Errorf("Related(SELF) = %v; want %v", ids, want)
	}
}

func TestStats(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	stopMerges(t, s, "assessments")
	day1 := 24 * time.Hour
	ps := []parcel{
		{id: "I1", at: time.Hour, outcome: scorer.Review, score: 40, operator: "OP1", rules: []string{"a", "b"}},
		{id: "I2", at: 2 * time.Hour, outcome: scorer.Inspect, score: 80, operator: "OP1", rules: []string{"a"}},
		{id: "I3", at: 3 * time.Hour, outcome: scorer.Release, operator: "OP2"},
		{id: "I4", at: 4 * time.Hour, outcome: scorer.Release, score: 10, operator: "OP2", rules: []string{"c", "c"}},
		{id: "I5", at: day1 + time.Hour, outcome: scorer.Inspect, score: 90, operator: "OP2", rules: []string{"a", "c"}},
		{id: "I6", at: day1 + 2*time.Hour, outcome: scorer.Review, score: 40, operator: "OP1", rules: []string{"b"}},
		{id: "I6", at: day1 + 3*time.Hour, outcome: scorer.Release, score: 0, operator: "OP1", amendment: 1},
		{id: "I7", at: day1 + 4*time.Hour, outcome: scorer.Review, score: 45, operator: "OP2", rules: []string{"a"}},
		{id: "I7", at: day1 + 4*time.Hour, outcome: scorer.Review, score: 45, operator: "OP2", rules: []string{"a"}},
		{id: "I8", at: 3 * day1, outcome: scorer.Inspect, score: 99, operator: "OP1", rules: []string{"a"}},
		// Received in the window, amended and released after it: counts in
		// the amendment's window, not this one.
		{id: "I9", at: day1 + 5*time.Hour, outcome: scorer.Review, score: 50, operator: "OP1", rules: []string{"a"}},
		{id: "I9", at: 3*day1 + time.Hour, outcome: scorer.Release, operator: "OP1", amendment: 1},
	}
	for _, p := range ps {
		writeParcels(t, s, p)
	}
	writeDispositions(t, s,
		Disposition{ItemID: "I1", RecordedAt: qbase.Add(5 * time.Hour), Outcome: DispositionCleared},
		Disposition{ItemID: "I2", RecordedAt: qbase.Add(5 * time.Hour), Outcome: DispositionSeized},
		Disposition{ItemID: "I5", RecordedAt: qbase.Add(day1 + 5*time.Hour), Outcome: DispositionNotInspected},
		Disposition{ItemID: "I5", RecordedAt: qbase.Add(day1 + 6*time.Hour), Outcome: DispositionSeized},
		Disposition{ItemID: "I7", RecordedAt: qbase.Add(day1 + 5*time.Hour), Outcome: DispositionSeized},
		Disposition{ItemID: "I7", RecordedAt: qbase.Add(day1 + 6*time.Hour), Outcome: DispositionNotInspected},
		Disposition{ItemID: "I8", RecordedAt: qbase.Add(3*day1 + time.Hour), Outcome: DispositionSeized},
	)
	d0, d1 := qbase, qbase.Add(day1)
	tests := []struct {
		q    StatsQuery
		want Stats
	}{
		{StatsQuery{From: qbase, To: qbase.Add(2 * day1)}, Stats{
			Daily: []DailyLane{
				{d0, "inspect", 1}, {d0, "release", 2}, {d0, "review", 1},
				{d1, "inspect", 1}, {d1, "release", 1}, {d1, "review", 1},
			},
			Operators: []OperatorVolume{{"OP2", 4, 1, 1}, {"OP1", 3, 1, 1}},
			Rules: []RuleYield{
				{Rule: "a", Hits: 4, Inspected: 3, Seized: 2, Yield: 2.0 / 3},
				{Rule: "c", Hits: 2, Inspected: 1, Seized: 1, Yield: 1},
				{Rule: "b", Hits: 1, Inspected: 1, Seized: 0, Yield: 0},
			},
		}},
		{StatsQuery{From: qbase, To: qbase.Add(2 * day1), Operator: "OP1"}, Stats{
			Daily:     []DailyLane{{d0, "inspect", 1}, {d0, "review", 1}, {d1, "release", 1}},
			Operators: []OperatorVolume{{"OP1", 3, 1, 1}},
			Rules: []RuleYield{
				{Rule: "a", Hits: 2, Inspected: 2, Seized: 1, Yield: 0.5},
				{Rule: "b", Hits: 1, Inspected: 1, Seized: 0, Yield: 0},
			},
		}},
		{StatsQuery{From: qbase.Add(day1), To: qbase.Add(day1 + 2*time.Hour)}, Stats{
			Daily:     []DailyLane{{d1, "inspect", 1}},
			Operators: []OperatorVolume{{"OP2", 1, 0, 1}},
			Rules: []RuleYield{
				{Rule: "a", Hits: 1, Inspected: 1, Seized: 1, Yield: 1},
				{Rule: "c", Hits: 1, Inspected: 1, Seized: 1, Yield: 1},
			},
		}},
		{StatsQuery{From: qbase, To: qbase.Add(2 * day1), Operator: "OP1' OR '1'='1"}, Stats{}},
		{StatsQuery{From: qbase.Add(10 * day1), To: qbase.Add(11 * day1)}, Stats{}},
	}
	for _, tt := range tests {
		got, err := s.Stats(ctx, tt.q)
		if err != nil {
			t.Fatalf("Stats(%+v): %v", tt.q, err)
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty(), cmpopts.EquateApprox(0, 1e-9)); diff != "" {
			t.Errorf("Stats(%s, %s, %q) (-want +got):\n%s", tt.q.From.Format(time.RFC3339), tt.q.To.Format(time.RFC3339), tt.q.Operator, diff)
		}
	}
	for _, bad := range []StatsQuery{{}, {From: qbase, To: qbase}, {From: qbase, To: qbase.Add(time.Hour), Operator: strings.Repeat("x", 257)}} {
		if _, err := s.Stats(ctx, bad); !errors.Is(err, ErrBadQuery) {
			t.Errorf("Stats(%+v) = %v; want ErrBadQuery", bad, err)
		}
	}
}

func TestAudit(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	e := func(at time.Duration, actor, action, object string) AuditEntry {
		return AuditEntry{At: qbase.Add(at), Actor: actor, Role: "officer", Action: action, Object: object, RemoteAddr: "10.0.0.1:5000", Detail: "d"}
	}
	entries := []AuditEntry{
		e(time.Hour, "ann", "read_parcel", "RR1"),
		e(2*time.Hour, "bob", "read_parcel", "RR2"),
		e(3*time.Hour, "ann", "record_outcome", "RR1"),
		e(4*time.Hour, "ann", "read_queue", ""),
		e(25*time.Hour, "bob", "read_parcel", "RR3"),
		e(-time.Hour, "ann", "read_parcel", "RR0"),
		e(3*time.Hour, "bob", "read_parcel", "RR4"), // same second as another
	}
	if err := s.WriteAudit(ctx, entries...); err != nil {
		t.Fatal(err)
	}
	day := AuditQuery{From: qbase, To: qbase.Add(24 * time.Hour)}
	with := func(f func(q *AuditQuery)) AuditQuery {
		q := day
		f(&q)
		return q
	}
	tests := []struct {
		name string
		q    AuditQuery
		want []AuditEntry
	}{
		{"window, newest first", day, []AuditEntry{entries[3], entries[2], entries[6], entries[1], entries[0]}},
		{"actor", with(func(q *AuditQuery) { q.Actor = "ann" }), []AuditEntry{entries[3], entries[2], entries[0]}},
		{"action", with(func(q *AuditQuery) { q.Action = "read_parcel" }), []AuditEntry{entries[6], entries[1], entries[0]}},
		{"actor and action", with(func(q *AuditQuery) { q.Actor, q.Action = "bob", "read_parcel" }), []AuditEntry{entries[6], entries[1]}},
		{"limit", with(func(q *AuditQuery) { q.Limit = 2 }), []AuditEntry{entries[3], entries[2]}},
		{"wide", AuditQuery{From: qbase.Add(-24 * time.Hour), To: qbase.Add(48 * time.Hour), Actor: "bob"}, []AuditEntry{entries[4], entries[6], entries[1]}},
		{"injection", with(func(q *AuditQuery) { q.Actor = "ann' OR 1=1 --" }), nil},
		{"backslash", with(func(q *AuditQuery) { q.Actor = `ann\` }), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Audit(ctx, tt.q)
			if err != nil {
				t.Fatalf("Audit(%+v): %v", tt.q, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Audit(%+v) (-want +got):\n%s", tt.q, diff)
			}
		})
	}
	for _, bad := range []struct {
		q    AuditQuery
		want string
	}{
		{AuditQuery{}, "from, to: both are required"},
		{with(func(q *AuditQuery) { q.Limit = -5 }), "limit: -5 is out of range"},
		{with(func(q *AuditQuery) { q.Action = strings.Repeat("a", 1000) }), "action: is 1000 bytes long"},
	} {
		if _, err := s.Audit(ctx, bad.q); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Audit(%+v) = %v; want ErrBadQuery containing %q", bad.q, err, bad.want)
		}
	}
}

// TestMigrationBackfills upgrades a database that has assessments from
// before migration 2, and runs the migration's statements a second time,
// as after a crash before it was recorded.
func TestMigrationBackfills(t *testing.T) {
	addr := needClickHouse(t)
	db := testDatabase(t, addr)
	ctx := context.Background()
	s, err := Open(ctx, Config{Addr: []string{addr}, Database: db})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Schema version 1 only.
	if err := s.ddl(ctx, createMigrationsTable); err != nil {
		t.Fatal(err)
	}
	for _, stmt := range migrations[0].statements(s.features) {
		if err := s.ddl(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}
	if err := insert(ctx, s.conn, "schema_migrations", appliedColumns, []appliedMigration{{Version: 1, Name: "initial tables", AppliedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	self := parcel{id: "OLD1", at: time.Hour, score: 60, recipientAddress: "a 1"}
	old2 := parcel{id: "OLD2", at: 2 * time.Hour, outcome: scorer.Release, recipientAddress: "a 1"}
	writeParcels(t, s, self, old2)

	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	newer := parcel{id: "NEW1", at: 3 * time.Hour, outcome: scorer.Inspect, score: 70, recipientAddress: "a 1"}
	writeParcels(t, s, newer)
	// Migration 2 again: the views exist, the copy runs a second time.
	for _, stmt := range migrations[1].statements(s.features) {
		if err := s.ddl(ctx, stmt); err != nil {
			t.Fatal(err)
		}
	}

	q := QueueQuery{From: qbase, To: qbase.Add(24 * time.Hour)}
	page, err := s.Queue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := pageIDs(page), []string{"NEW1", "OLD1"}; !cmp.Equal(got, want) {
		t.Errorf("Queue(%s) = %v; want %v", describe(q), got, want)
	}
	rel, err := s.Related(ctx, self.record(), qbase, qbase.Add(24*time.Hour), 0)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, r := range rel {
		ids = append(ids, r.ItemID)
	}
	if want := []string{"NEW1", "OLD2"}; !cmp.Equal(ids, want) {
		t.Errorf("Related(OLD1) = %v; want %v", ids, want)
	}
}

func TestDetail(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	self := parcel{id: "SELF", at: time.Hour, score: 70, recipientAddress: "a 1", senderName: "n", senderAddress: "s 1", senderPhone: "+311"}
	selfAmended := self
	selfAmended.amendment, selfAmended.recipientAddress, selfAmended.score = 1, "a 2", 75
	writeParcels(t, s, self,
		parcel{id: "OLDADDR", at: 2 * time.Hour, recipientAddress: "a 1"},
		parcel{id: "NEWADDR", at: 3 * time.Hour, recipientAddress: "a 2"},
		parcel{id: "PHONE", at: 4 * time.Hour, recipientPhone: "+311"},
	)
	writeParcels(t, s, selfAmended)
	writeDispositions(t, s,
		Disposition{ItemID: "SELF", RecordedAt: qbase.Add(5 * time.Hour), Outcome: DispositionCleared},
		Disposition{ItemID: "PHONE", RecordedAt: qbase.Add(5 * time.Hour), Outcome: DispositionSeized},
	)
	from, to := qbase.Add(-24*time.Hour), qbase.Add(24*time.Hour)

	got, err := s.Detail(ctx, "SELF", from, to, 0)
	if err != nil {
		t.Fatalf("Detail(SELF): %v", err)
	}
	rec, err := s.Get(ctx, "SELF")
	if err != nil {
		t.Fatal(err)
	}
	ds, err := s.Dispositions(ctx, "SELF")
	if err != nil {
		t.Fatal(err)
	}
	rel, err := s.Related(ctx, rec, from, to, 0)
	if err != nil {
		t.Fatal(err)
	}
	// The record as the view shows it: the assessment whole, of the
	// parcel what the raw manifest does not say.
	view := Record{Assessment: rec.Assessment, Parcel: &manifest.Parcel{ItemID: rec.Parcel.ItemID,
		ReceivedAt: rec.Parcel.ReceivedAt, Amendment: rec.Parcel.Amendment, Quality: rec.Parcel.Quality, Raw: rec.Parcel.Raw}}
	if rec.Parcel.Operator == "" || len(rec.Parcel.Raw) == 0 || rec.Parcel.Amendment != 1 {
		t.Fatalf("Get(SELF) = %+v; want a record with an operator, the raw manifest and amendment 1", rec.Parcel)
	}
	want := Detail{Record: view, Dispositions: ds, Related: rel}
	if diff := cmp.Diff(want, got, recordOpts...); diff != "" {
		t.Errorf("Detail(SELF) (-want +got):\n%s", diff)
	}
	// The newest delivery's keys: the amended address, not the first one.
	var relIDs []string
	for _, r := range got.Related {
		relIDs = append(relIDs, r.Via+":"+r.ItemID+":"+r.Disposition)
	}
	if want := []string{"recipient_address:NEWADDR:", "phone:PHONE:seized"}; !cmp.Equal(relIDs, want) {
		t.Errorf("Detail(SELF).Related = %v; want %v", relIDs, want)
	}
	if got.Record.Assessment.Score != 75 {
		t.Errorf("Detail(SELF).Record.Score = %d; want the amendment's 75", got.Record.Assessment.Score)
	}

	// DetailAround: the window is centred on the newest delivery's
	// received_at (1h): 2h30m either side reaches NEWADDR (3h), not PHONE
	// (4h).
	around, err := s.DetailAround(ctx, "SELF", 150*time.Minute, 0, nil)
	if err != nil {
		t.Fatalf("DetailAround(SELF): %v", err)
	}
	want.Related = want.Related[:1]
	if diff := cmp.Diff(want, around, recordOpts...); diff != "" {
		t.Errorf("DetailAround(SELF, 2h30m) (-want +got):\n%s", diff)
	}
	if _, err := s.DetailAround(ctx, "NOPE", time.Hour, 0, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("DetailAround(NOPE) = %v; want ErrNotFound", err)
	}
	// found runs once for an item that exists, never for one that does
	// not, and its error is the call's, with no data.
	calls := 0
	if _, err := s.DetailAround(ctx, "SELF", time.Hour, 0, func() error { calls++; return nil }); err != nil || calls != 1 {
		t.Errorf("DetailAround(SELF, found) = %v with %d calls of found; want no error and 1 call", err, calls)
	}
	calls = 0
	if _, err := s.DetailAround(ctx, "NOPE", time.Hour, 0, func() error { calls++; return nil }); !errors.Is(err, ErrNotFound) || calls != 0 {
		t.Errorf("DetailAround(NOPE, found) = %v with %d calls of found; want ErrNotFound and none", err, calls)
	}
	refused := errors.New("audit log unavailable")
	if got, err := s.DetailAround(ctx, "SELF", time.Hour, 0, func() error { return refused }); err != refused || got.Record.Parcel != nil {
		t.Errorf("DetailAround(SELF, failing found) = %+v, %v; want no data and the error as it is", got, err)
	}
	if _, err := s.DetailAround(ctx, "SELF", 0, 0, nil); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), "around: 0s is not a window") {
		t.Errorf("DetailAround(SELF, 0) = %v; want ErrBadQuery", err)
	}
	if _, err := s.Detail(ctx, "NOPE", from, to, 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Detail(NOPE) = %v; want ErrNotFound", err)
	}
	for _, bad := range []struct {
		id       string
		from, to time.Time
		limit    int
		want     string
	}{
		{"", from, to, 0, "item_id: is required"},
		{"SELF", to, from, 0, "must be after from"},
		{"SELF", from, to, -1, "limit: -1 is out of range"},
		{strings.Repeat("x", 1000), time.Time{}, to, 0, "item_id: is 1000 bytes long: send at most 256; from: is required"},
	} {
		if _, err := s.Detail(ctx, bad.id, bad.from, bad.to, bad.limit); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("Detail(%.10q…) = %v; want ErrBadQuery containing %q", bad.id, err, bad.want)
		}
	}
}
