package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

// TestPrune fills every table over three months (September to November
// 2026) and prunes the parcel tables before November and the dispositions
// before October: a dry run lists and keeps, the real run drops exactly
// those months, and what stays still reads.
func TestPrune(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	sep, oct, nov := -61*24*time.Hour, -31*24*time.Hour, time.Hour // qbase is 20 November
	writeParcels(t, s,
		parcel{id: "SEP1", at: sep, outcome: scorer.Inspect, score: 80, recipientAddress: "a 1"},
		parcel{id: "OCT1", at: oct, outcome: scorer.Review, score: 40, recipientAddress: "a 1"},
		parcel{id: "NOV1", at: nov, outcome: scorer.Inspect, score: 90, recipientAddress: "a 1"})
	writeDispositions(t, s,
		Disposition{ItemID: "SEP1", RecordedAt: qbase.Add(sep + time.Hour), Outcome: DispositionSeized, Substance: "fentanyl"},
		Disposition{ItemID: "OCT1", RecordedAt: qbase.Add(oct + time.Hour), Outcome: DispositionCleared})
	if err := s.WriteRejects(ctx, []Reject{
		{ReceivedAt: qbase.Add(sep), Source: "http", Code: manifest.CodeNotJSON, Message: "m", Raw: []byte("x")},
		{ReceivedAt: qbase.Add(nov), Source: "http", Code: manifest.CodeNotJSON, Message: "m", Raw: []byte("y")},
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteAudit(ctx, AuditEntry{At: qbase.Add(sep), Actor: "ann", Role: "officer", Action: "parcel.read", Object: "SEP1"}); err != nil {
		t.Fatal(err)
	}
	months := func() map[string][]int {
		t.Helper()
		ms, err := s.months(ctx, slices.Concat(ParcelTables, DispositionTables, AuditTables), true)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]int{}
		for _, m := range ms {
			out[m.Table] = append(out[m.Table], m.Month)
		}
		return out
	}
	all := map[string][]int{
		"assessments": {202609, 202610, 202611}, "item_versions": {202609, 202610, 202611},
		"parcel_keys": {202609, 202610, 202611}, "queue": {202609, 202610, 202611},
		"rejects": {202609, 202611}, "dispositions": {202609, 202610}, "audit_log": {202609},
	}
	if diff := cmp.Diff(all, months()); diff != "" {
		t.Fatalf("months before pruning (-want +got):\n%s", diff)
	}
	listed := func(ps []PrunedMonth) []string {
		var out []string
		for _, p := range ps {
			if p.Rows == 0 {
				t.Errorf("%s %d listed with no rows", p.Table, p.Month)
			}
			out = append(out, fmt.Sprintf("%s %d-%02d", p.Table, p.Month/100, p.Month%100))
		}
		return out
	}
	novFirst := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	wantParcels := []string{"assessments 2026-09", "assessments 2026-10", "queue 2026-09", "queue 2026-10",
		"item_versions 2026-09", "item_versions 2026-10", "parcel_keys 2026-09", "parcel_keys 2026-10", "rejects 2026-09"}

	dry, err := s.Prune(ctx, ParcelTables, novFirst.Add(5*24*time.Hour), true)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantParcels, listed(dry)); diff != "" {
		t.Errorf("dry run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(all, months()); diff != "" {
		t.Errorf("a dry run dropped something (-want +got):\n%s", diff)
	}

	pruned, err := s.Prune(ctx, ParcelTables, novFirst, false)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantParcels, listed(pruned)); diff != "" {
		t.Errorf("pruned (-want +got):\n%s", diff)
	}
	if pruned, err = s.Prune(ctx, DispositionTables, time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), false); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"dispositions 2026-09"}, listed(pruned)); diff != "" {
		t.Errorf("pruned dispositions (-want +got):\n%s", diff)
	}
	want := map[string][]int{
		"assessments": {202611}, "item_versions": {202611}, "parcel_keys": {202611}, "queue": {202611},
		"rejects": {202611}, "dispositions": {202610}, "audit_log": {202609},
	}
	if diff := cmp.Diff(want, months()); diff != "" {
		t.Errorf("months after pruning (-want +got):\n%s", diff)
	}
	// What stays reads as before; what went is gone everywhere.
	q := QueueQuery{From: qbase.Add(-90 * 24 * time.Hour), To: qbase.Add(24 * time.Hour)}
	page, err := s.Queue(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got := pageIDs(page); !cmp.Equal(got, []string{"NOV1"}) {
		t.Errorf("queue after pruning = %v; want [NOV1]", got)
	}
	if _, err := s.Get(ctx, "SEP1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get(SEP1) after pruning = %v; want ErrNotFound", err)
	}
	d, err := s.Detail(ctx, "NOV1", q.From, q.To, 0)
	if err != nil || len(d.Related) != 0 {
		t.Errorf("Detail(NOV1) after pruning = %d related, %v; want none", len(d.Related), err)
	}
	// Pruning again finds nothing.
	if pruned, err = s.Prune(ctx, ParcelTables, novFirst, false); err != nil || len(pruned) != 0 {
		t.Errorf("pruning again = %v, %v; want nothing", pruned, err)
	}
}

func TestPruneRefusesBadArguments(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	for _, c := range []struct {
		tables []string
		before time.Time
		want   string
	}{
		{[]string{"assessments", "schema_migrations"}, qbase, `"schema_migrations" is not a table parcelguard prunes`},
		{[]string{"assessments; DROP TABLE queue"}, qbase, "is not a table parcelguard prunes"},
		{ParcelTables, time.Time{}, "the month to keep from is required"},
		{nil, qbase, "no table given"},
	} {
		if _, err := s.Prune(ctx, c.tables, c.before, false); !errors.Is(err, ErrBadQuery) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Prune(%v, %v) = %v; want ErrBadQuery saying %q", c.tables, c.before, err, c.want)
		}
	}
}
