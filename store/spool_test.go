package store

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sp, _ := openSpool(t, dir, 0)
			for i := 0; i < 3; i++ {
				if err := sp.Put(testBatch(i*10, 4)); err != nil {
					t.Fatal(err)
				}
			}
			tt.damage(t, filepath.Join(dir, spoolName(2)))

			sp, logs := openSpool(t, dir, 0)
			if st := sp.Stats(); st.Files != 2 || st.Corrupt != 1 {
				t.Errorf("Stats() = %+v; want 2 files and 1 corrupt", st)
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
	probe, _ := encodeSpoolFile(batch)
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
	// A batch bigger than the whole spool never fits.
	if err := sp.Put(testBatch(0, 100)); !errors.Is(err, ErrSpoolFull) {
		t.Errorf("Put of an oversized batch = %v; want ErrSpoolFull", err)
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
