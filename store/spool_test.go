package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/parcelguard/parcelguard/manifest"
)

func openSpool(t *testing.T, dir string, maxBytes int64) (*Spool, *bytes.Buffer) {
	t.Helper()
	var logs bytes.Buffer
	sp, err := OpenSpool(dir, SpoolConfig{MaxBytes: maxBytes, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("OpenSpool: %v", err)
	}
	return sp, &logs
}

// drainSpool reads and removes every batch, returning their first item ids.
func drainSpool(t *testing.T, sp *Spool) (firsts []string, batches [][]Record) {
	t.Helper()
	for {
		b, ok, err := sp.Oldest()
		if err != nil {
			t.Fatalf("Oldest: %v", err)
		}
		if !ok {
			return firsts, batches
		}
		firsts = append(firsts, b.Records[0].Parcel.ItemID)
		batches = append(batches, b.Records)
		if err := sp.Remove(b.Seq); err != nil {
			t.Fatalf("Remove(%d): %v", b.Seq, err)
		}
	}
}

func TestSpoolReplaysInOrderAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	sp, _ := openSpool(t, dir, 0)
	var put [][]Record
	for i := 0; i < 5; i++ {
		b := testBatch(i*10, 3)
		if err := sp.Put(b); err != nil {
			t.Fatalf("Put: %v", err)
		}
		put = append(put, b)
	}
	if err := sp.Put(nil); err != nil {
		t.Fatalf("Put(nil) = %v; want nil", err)
	}
	if st := sp.Stats(); st.Files != 5 || st.Bytes <= 0 || st.Corrupt != 0 {
		t.Fatalf("Stats() = %+v; want 5 files", st)
	}

	// A restart reads the same files back, in order, and new batches go
	// after them.
	sp, _ = openSpool(t, dir, 0)
	if err := sp.Put(testBatch(50, 2)); err != nil {
		t.Fatal(err)
	}
	put = append(put, testBatch(50, 2))
	_, got := drainSpool(t, sp)
	if len(got) != len(put) {
		t.Fatalf("read %d batches; want %d", len(got), len(put))
	}
	for i := range put {
		// The spool keeps exactly what an insert needs: the same rows.
		want := make([]row, len(put[i]))
		have := make([]row, len(got[i]))
		for j := range put[i] {
			want[j] = toRow(put[i][j])
		}
		for j := range got[i] {
			have[j] = toRow(got[i][j])
		}
		if diff := cmp.Diff(want, have); diff != "" {
			t.Errorf("batch %d (-put +read):\n%s", i, diff)
		}
	}
	if st := sp.Stats(); st.Files != 0 || st.Bytes != 0 {
		t.Errorf("Stats() after draining = %+v; want empty", st)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("files left after draining: %v", left)
	}
}

func TestSpoolMovesBrokenFilesAside(t *testing.T) {
	tests := []struct {
		name   string
		damage func(t *testing.T, file string)
		reason string // in the logged error
	}{
		{"torn: truncated mid-payload", func(t *testing.T, f string) { truncate(t, f, -100) }, "torn write"},
		{"torn: header only", func(t *testing.T, f string) { truncate(t, f, spoolHeaderLen) }, "torn write"},
		{"torn: shorter than header", func(t *testing.T, f string) { truncate(t, f, 10) }, "shorter than the"},
		{"empty", func(t *testing.T, f string) { truncate(t, f, 0) }, "shorter than the"},
		{"flipped payload byte", func(t *testing.T, f string) { flip(t, f, -50) }, "checksum"},
		{"flipped record count", func(t *testing.T, f string) { flip(t, f, 11) }, "checksum"},
		{"flipped magic", func(t *testing.T, f string) { flip(t, f, 0) }, "bad magic"},
		{"unknown version", func(t *testing.T, f string) { flip(t, f, 4) }, "unknown format version"},
		{"unfinished write", func(t *testing.T, f string) {
			if err := os.Rename(f, f+spoolTmpExt); err != nil {
				t.Fatal(err)
			}
		}, "unfinished write"},
	}
	// Both formats: records only (version 1), records and rejects
	// (version 2).
	for _, format := range []struct {
		name    string
		rejects int
	}{{"records", 0}, {"records and rejects", 3}} {
		for _, tt := range tests {
			t.Run(format.name+"/"+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				sp, _ := openSpool(t, dir, 0)
				for i := 0; i < 3; i++ {
					if err := sp.PutBatch(testBatch(i*10, 4), testRejects(i*10, format.rejects)); err != nil {
						t.Fatal(err)
					}
				}
				tt.damage(t, filepath.Join(dir, spoolName(2)))

				sp, logs := openSpool(t, dir, 0)
				if st := sp.Stats(); st.Files != 2 || st.Corrupt != 1 || st.Records != 8 || st.Rejects != 2*format.rejects {
					t.Errorf("Stats() = %+v; want 2 files, 8 records, %d rejects and 1 corrupt", st, 2*format.rejects)
				}
				if !strings.Contains(logs.String(), "spool file is corrupt") || !strings.Contains(logs.String(), tt.reason) {
					t.Errorf("log = %q; want the corrupt file reported with %q", logs.String(), tt.reason)
				}
				moved, _ := filepath.Glob(filepath.Join(dir, corruptDir, "*"))
				if len(moved) != 1 {
					t.Errorf("corrupt/ holds %v; want the one broken file", moved)
				}
				firsts, _ := drainSpool(t, sp)
				if diff := cmp.Diff([]string{"RR00000000NL", "RR00000020NL"}, firsts); diff != "" {
					t.Errorf("replayed batches (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// testRejects returns n rejected manifests; from varies them. Their key,
// path, message and raw value are not valid UTF-8, as a rejected message
// may not be.
func testRejects(from, n int) []Reject {
	out := make([]Reject, n)
	for i := range out {
		j := from + i
		out[i] = Reject{
			ReceivedAt: base.Add(time.Duration(j) * time.Second),
			Source:     "kafka",
			Topic:      "parcel.manifests",
			Partition:  int32(j % 6),
			Offset:     int64(1<<40 + j),
			Key:        fmt.Sprintf("RJ%08d\xff", j),
			Code:       manifest.CodeNotJSON,
			Path:       "sender.\xfename",
			Message:    fmt.Sprintf("reject %d: the message is not JSON: \xc3\x28", j),
			Raw:        []byte(fmt.Sprintf("{not json %d \x00\xff\xfe", j)),
		}
	}
	return out
}

// spoolVersion is the format version in a spool file's header.
func spoolVersion(t *testing.T, file string) uint16 {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return binary.BigEndian.Uint16(data[4:6])
}

func TestSpoolKeepsRejects(t *testing.T) {
	dir := t.TempDir()
	sp, _ := openSpool(t, dir, 0)
	type batch struct {
		records []Record
		rejects []Reject
		version uint16
	}
	put := []batch{
		{testBatch(0, 3), nil, 1},
		{testBatch(10, 2), testRejects(10, 4), 2},
		{nil, testRejects(20, 5), 2},
	}
	for i, b := range put {
		if err := sp.PutBatch(b.records, b.rejects); err != nil {
			t.Fatalf("PutBatch %d: %v", i, err)
		}
		if v := spoolVersion(t, filepath.Join(dir, spoolName(uint64(i+1)))); v != b.version {
			t.Errorf("batch %d written as version %d; want %d", i, v, b.version)
		}
	}
	if err := sp.PutBatch(nil, nil); err != nil {
		t.Errorf("PutBatch(nil, nil) = %v; want nil", err)
	}
	if st := sp.Stats(); st.Files != 3 || st.Records != 5 || st.Rejects != 9 {
		t.Errorf("Stats() = %+v; want 3 files, 5 records, 9 rejects", st)
	}

	// A restart reads them back as they were put, in order.
	sp, _ = openSpool(t, dir, 0)
	if st := sp.Stats(); st.Files != 3 || st.Records != 5 || st.Rejects != 9 || st.Corrupt != 0 {
		t.Errorf("Stats() after reopening = %+v; want 3 files, 5 records, 9 rejects", st)
	}
	for i, want := range put {
		b, ok, err := sp.Oldest()
		if err != nil || !ok {
			t.Fatalf("Oldest() for batch %d = %v, %v", i, ok, err)
		}
		wantRows, gotRows := make([]row, 0), make([]row, 0)
		for _, r := range want.records {
			wantRows = append(wantRows, toRow(r))
		}
		for _, r := range b.Records {
			gotRows = append(gotRows, toRow(r))
		}
		if diff := cmp.Diff(wantRows, gotRows); diff != "" {
			t.Errorf("batch %d records (-put +read):\n%s", i, diff)
		}
		if diff := cmp.Diff(want.rejects, b.Rejects, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("batch %d rejects (-put +read):\n%s", i, diff)
		}
		if err := sp.Remove(b.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if st := sp.Stats(); st.Files != 0 || st.Bytes != 0 || st.Records != 0 || st.Rejects != 0 {
		t.Errorf("Stats() after draining = %+v; want empty", st)
	}
}

// TestSpoolReadsVersion1Files: testdata/spool-v1.batch was written by the
// encoder before rejects could be spooled (format version 1), from
// testBatch(0, 3). A spool left by that release replays after an upgrade.
func TestSpoolReadsVersion1Files(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "spool-v1.batch"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, spoolName(7)), golden, 0o600); err != nil {
		t.Fatal(err)
	}
	sp, _ := openSpool(t, dir, 0)
	if st := sp.Stats(); st.Files != 1 || st.Records != 3 || st.Rejects != 0 || st.Corrupt != 0 || st.Bytes != int64(len(golden)) {
		t.Fatalf("Stats() = %+v; want the version 1 file pending with 3 records", st)
	}
	// New batches go after it.
	if err := sp.PutBatch(testBatch(50, 1), testRejects(50, 1)); err != nil {
		t.Fatal(err)
	}
	_, got := drainSpool(t, sp)
	if len(got) != 2 {
		t.Fatalf("read %d batches; want 2", len(got))
	}
	want := make([]row, 0, 3)
	for _, r := range testBatch(0, 3) {
		want = append(want, toRow(r))
	}
	have := make([]row, 0, len(got[0]))
	for _, r := range got[0] {
		have = append(have, toRow(r))
	}
	if diff := cmp.Diff(want, have); diff != "" {
		t.Errorf("version 1 file (-want +read):\n%s", diff)
	}
	if got[1][0].Parcel.ItemID != "RR00000050NL" {
		t.Errorf("second batch starts with %s; want RR00000050NL", got[1][0].Parcel.ItemID)
	}

	// A batch without rejects is still written as version 1, which the
	// release before rejects could be spooled reads.
	data, err := encodeSpoolFile(testBatch(0, 3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := binary.BigEndian.Uint16(data[4:6]); v != 1 {
		t.Errorf("a batch without rejects is encoded as version %d; want 1", v)
	}
}

func TestSpoolRefusesUnknownFrameKind(t *testing.T) {
	dir := t.TempDir()
	sp, _ := openSpool(t, dir, 0)
	if err := sp.PutBatch(testBatch(0, 1), testRejects(0, 1)); err != nil {
		t.Fatal(err)
	}
	// A well-formed file, checksum included, with a frame kind this
	// release does not know.
	file := filepath.Join(dir, spoolName(1))
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	data[spoolHeaderLen] = 9
	binary.BigEndian.PutUint32(data[20:24], spoolChecksum(data))
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	sp, logs := openSpool(t, dir, 0)
	if st := sp.Stats(); st.Files != 0 || st.Corrupt != 1 {
		t.Errorf("Stats() = %+v; want the file moved aside", st)
	}
	if !strings.Contains(logs.String(), "unknown kind 9") {
		t.Errorf("log = %q; want the unknown frame kind reported", logs.String())
	}
}

func TestSpoolDetectsDamageAfterOpen(t *testing.T) {
	dir := t.TempDir()
	sp, logs := openSpool(t, dir, 0)
	for i := 0; i < 3; i++ {
		if err := sp.Put(testBatch(i*10, 4)); err != nil {
			t.Fatal(err)
		}
	}
	flip(t, filepath.Join(dir, spoolName(1)), -1)
	firsts, _ := drainSpool(t, sp)
	if diff := cmp.Diff([]string{"RR00000010NL", "RR00000020NL"}, firsts); diff != "" {
		t.Errorf("replayed batches (-want +got):\n%s", diff)
	}
	if st := sp.Stats(); st.Corrupt != 1 || st.Files != 0 || st.Bytes != 0 {
		t.Errorf("Stats() = %+v; want 1 corrupt, empty", st)
	}
	if !strings.Contains(logs.String(), "checksum") {
		t.Errorf("log = %q; want a checksum error", logs.String())
	}

	// A second broken file with the same name does not overwrite the first.
	if err := os.WriteFile(filepath.Join(dir, spoolName(1)), []byte("junk"), 0o600); err != nil {
		t.Fatal(err)
	}
	sp, _ = openSpool(t, dir, 0)
	moved, _ := filepath.Glob(filepath.Join(dir, corruptDir, "*"))
	if len(moved) != 2 || sp.Stats().Corrupt != 1 {
		t.Errorf("corrupt/ holds %v, Corrupt = %d; want 2 files, 1 new", moved, sp.Stats().Corrupt)
	}
}

func TestSpoolFull(t *testing.T) {
	dir := t.TempDir()
	batch := testBatch(0, 4)
	probe, _ := encodeSpoolFile(batch, nil)
	size := int64(len(probe))
	limit := 2*size + size/2
	sp, _ := openSpool(t, dir, limit)

	for i := 0; i < 2; i++ {
		if err := sp.Put(batch); err != nil {
			t.Fatalf("Put %d: %v", i, err)
		}
	}
	err := sp.Put(batch)
	if !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Put past MaxBytes = %v; want ErrSpoolFull", err)
	}
	if st := sp.Stats(); st.Files != 2 || st.Bytes != 2*size {
		t.Errorf("Stats() = %+v; want 2 files of %d bytes", st, size)
	}
	// The limit holds across a restart, and frees up as batches replay.
	sp, _ = openSpool(t, dir, limit)
	if err := sp.Put(batch); !errors.Is(err, ErrSpoolFull) {
		t.Fatalf("Put after reopen = %v; want ErrSpoolFull", err)
	}
	b, _, _ := sp.Oldest()
	if err := sp.Remove(b.Seq); err != nil {
		t.Fatal(err)
	}
	if err := sp.Put(batch); err != nil {
		t.Fatalf("Put after a replay: %v", err)
	}
	// A batch bigger than the whole spool never fits, rejects included.
	if err := sp.Put(testBatch(0, 100)); !errors.Is(err, ErrSpoolFull) {
		t.Errorf("Put of an oversized batch = %v; want ErrSpoolFull", err)
	}
	if err := sp.PutBatch(nil, testRejects(0, 200)); !errors.Is(err, ErrSpoolFull) {
		t.Errorf("PutBatch of an oversized batch of rejects = %v; want ErrSpoolFull", err)
	}
	if _, err := OpenSpool(dir, SpoolConfig{MaxBytes: -1}); err == nil {
		t.Error("OpenSpool with negative MaxBytes succeeded")
	}
}

func TestSpoolRefusesInvalidRecords(t *testing.T) {
	sp, _ := openSpool(t, t.TempDir(), 0)
	r := testRecord(1)
	err := sp.Put([]Record{{Parcel: r.Parcel}})
	if !errors.Is(err, ErrInvalidRecord) || !strings.Contains(err.Error(), "Assessment is nil") {
		t.Fatalf("Put = %v; want ErrInvalidRecord naming the nil Assessment", err)
	}
	if st := sp.Stats(); st.Files != 0 {
		t.Errorf("Stats() = %+v; want nothing spooled", st)
	}
}

// truncate cuts file to n bytes, or by -n bytes when n is negative.
func truncate(t *testing.T, file string, n int64) {
	t.Helper()
	if n < 0 {
		fi, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		n += fi.Size()
	}
	if err := os.Truncate(file, n); err != nil {
		t.Fatal(err)
	}
}

// flip inverts one byte of file, counting from the end when at is negative.
func flip(t *testing.T, file string, at int) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if at < 0 {
		at += len(data)
	}
	data[at] ^= 0xff
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestSpoolSkipsFileDeletedByHand(t *testing.T) {
	dir := t.TempDir()
	sp, logs := openSpool(t, dir, 0)
	for i := 0; i < 2; i++ {
		if err := sp.Put(testBatch(i*10, 2)); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(dir, spoolName(1))); err != nil {
		t.Fatal(err)
	}
	firsts, _ := drainSpool(t, sp)
	if diff := cmp.Diff([]string{"RR00000010NL"}, firsts); diff != "" {
		t.Errorf("replayed batches (-want +got):\n%s", diff)
	}
	if !strings.Contains(logs.String(), "vanished") {
		t.Errorf("log = %q; want the missing file reported", logs.String())
	}
}
