package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// ErrSpoolFull is returned by Spool.Put, and by Writer.Write when ClickHouse
// failed too, when a batch does not fit in the spool's MaxBytes. The caller
// should stop taking new work until the spool drains.
var ErrSpoolFull = errors.New("spool is full")

// SpoolConfig configures a Spool.
type SpoolConfig struct {
	// MaxBytes bounds the size of the spooled files; zero means 1 GiB.
	MaxBytes int64
	// Logger receives the spool's log lines (corrupt files); nil discards them.
	Logger *slog.Logger
}

// Spool is a folder of batches waiting for ClickHouse. Each batch is one
// file, written under a temporary name, fsync'd and renamed into place, so
// a file either holds a whole batch or is recognisably broken. Files are
// named by a sequence number that only grows, so they replay in the order
// they were put.
//
// File format (integers big-endian):
//
//	magic "PGSP" | version uint16 (1) | reserved uint16 | records uint32 |
//	payload length uint64 | CRC-32C uint32 of the 20 bytes before it and the payload |
//	payload: records × (length uint32 | JSON of one row)
//
// A file that fails these checks (a crash mid-write, a flipped bit) is moved
// to the corrupt/ subfolder with a logged error and counted; it is never
// replayed in part nor deleted.
//
// Put may be called from many goroutines; Oldest and Remove are for one
// consumer.
type Spool struct {
	dir      string
	maxBytes int64
	log      *slog.Logger

	mu      sync.Mutex
	next    uint64 // sequence number of the next Put
	pending []spoolFile
	bytes   int64
	corrupt uint64
}

type spoolFile struct {
	seq  uint64
	size int64
}

// SpoolBatch is one batch read back from the spool.
type SpoolBatch struct {
	// Seq is the batch's sequence number, for Remove.
	Seq     uint64
	Records []Record
}

// SpoolStats describes the spool at one moment.
type SpoolStats struct {
	Files    int
	Bytes    int64
	MaxBytes int64
	// Corrupt counts the files moved to corrupt/ since the spool was opened.
	Corrupt uint64
}

const (
	spoolMagic     = "PGSP"
	spoolVersion   = 1
	spoolHeaderLen = 24
	spoolExt       = ".batch"
	spoolTmpExt    = ".tmp"
	corruptDir     = "corrupt"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// OpenSpool opens the spool in dir, creating the folder if needed. Every
// file already there is checked; broken ones are moved to dir/corrupt/.
func OpenSpool(dir string, cfg SpoolConfig) (*Spool, error) {
	if dir == "" {
		return nil, errors.New("spool config: folder is required")
	}
	if cfg.MaxBytes < 0 {
		return nil, fmt.Errorf("spool config: max bytes %d must not be negative", cfg.MaxBytes)
	}
	if cfg.MaxBytes == 0 {
		cfg.MaxBytes = 1 << 30
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("opening spool: %w", err)
	}
	s := &Spool{dir: dir, maxBytes: cfg.MaxBytes, log: log, next: 1}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("opening spool: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			continue
		}
		if strings.HasSuffix(name, spoolTmpExt) {
			// Put never returned for this batch, so nobody relied on it;
			// it is kept aside all the same.
			if err := s.quarantine(name, errors.New("unfinished write")); err != nil {
				return nil, err
			}
			continue
		}
		seq, ok := parseSpoolName(name)
		if !ok {
			s.log.Warn("ignoring unknown file in spool folder", "file", filepath.Join(dir, name))
			continue
		}
		s.next = max(s.next, seq+1)
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("opening spool: %w", err)
		}
		if _, err := decodeSpoolFile(data); err != nil {
			if err := s.quarantine(name, err); err != nil {
				return nil, err
			}
			continue
		}
		s.pending = append(s.pending, spoolFile{seq: seq, size: int64(len(data))})
		s.bytes += int64(len(data))
	}
	slices.SortFunc(s.pending, func(a, b spoolFile) int { return cmp.Compare(a.seq, b.seq) })
	return s, nil
}

func spoolName(seq uint64) string {
	return fmt.Sprintf("%020d%s", seq, spoolExt)
}

func parseSpoolName(name string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, spoolExt)
	if !ok || len(digits) != 20 {
		return 0, false
	}
	seq, err := strconv.ParseUint(digits, 10, 64)
	return seq, err == nil
}

// Dir is the spool's folder.
func (s *Spool) Dir() string {
	return s.dir
}

// Put writes batch to the spool durably: when Put returns nil the batch
// survives a crash. It returns an error wrapping ErrSpoolFull when the batch
// does not fit in MaxBytes.
func (s *Spool) Put(batch []Record) error {
	if err := validate(batch); err != nil {
		return err
	}
	if len(batch) == 0 {
		return nil
	}
	data, err := encodeSpoolFile(batch)
	if err != nil {
		return fmt.Errorf("spooling batch: %w", err)
	}
	size := int64(len(data))

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bytes+size > s.maxBytes {
		return fmt.Errorf("spooling batch of %d records (%d bytes; %d of %d bytes in use): %w",
			len(batch), size, s.bytes, s.maxBytes, ErrSpoolFull)
	}
	seq := s.next
	s.next++
	final := filepath.Join(s.dir, spoolName(seq))
	tmp := final + spoolTmpExt
	if err := writeFileSync(tmp, data); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spooling batch: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("spooling batch: %w", err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("spooling batch: %w", err)
	}
	s.pending = append(s.pending, spoolFile{seq: seq, size: size})
	s.bytes += size
	return nil
}

// Oldest returns the oldest batch in the spool; ok is false when the spool
// is empty. A file found broken now is moved to corrupt/ and the next one is
// tried.
func (s *Spool) Oldest() (b SpoolBatch, ok bool, err error) {
	for {
		s.mu.Lock()
		if len(s.pending) == 0 {
			s.mu.Unlock()
			return SpoolBatch{}, false, nil
		}
		f := s.pending[0]
		s.mu.Unlock()

		name := spoolName(f.seq)
		data, err := os.ReadFile(filepath.Join(s.dir, name))
		if errors.Is(err, os.ErrNotExist) {
			// Deleted by hand: nothing left to replay or keep.
			s.log.Error("spooled batch vanished from the spool folder", "file", filepath.Join(s.dir, name))
			s.mu.Lock()
			s.drop(f.seq)
			s.mu.Unlock()
			continue
		}
		if err != nil {
			return SpoolBatch{}, false, fmt.Errorf("reading spooled batch: %w", err)
		}
		recs, derr := decodeSpoolFile(data)
		if derr == nil {
			return SpoolBatch{Seq: f.seq, Records: recs}, true, nil
		}
		s.mu.Lock()
		err = s.quarantine(name, derr)
		s.drop(f.seq)
		s.mu.Unlock()
		if err != nil {
			return SpoolBatch{}, false, err
		}
	}
}

// Remove deletes a replayed batch.
func (s *Spool) Remove(seq uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The directory is not fsync'd: a removal lost in a crash replays the
	// batch once more, and reads collapse the duplicate.
	if err := os.Remove(filepath.Join(s.dir, spoolName(seq))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing spooled batch %d: %w", seq, err)
	}
	s.drop(seq)
	return nil
}

// drop forgets a pending file; s.mu is held.
func (s *Spool) drop(seq uint64) {
	for i, f := range s.pending {
		if f.seq == seq {
			s.bytes -= f.size
			s.pending = slices.Delete(s.pending, i, i+1)
			return
		}
	}
}

// Stats reports the spool's depth.
func (s *Spool) Stats() SpoolStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SpoolStats{Files: len(s.pending), Bytes: s.bytes, MaxBytes: s.maxBytes, Corrupt: s.corrupt}
}

// quarantine moves a broken file to corrupt/, logging why. It is called
// while opening or with s.mu held.
func (s *Spool) quarantine(name string, reason error) error {
	dst := filepath.Join(s.dir, corruptDir)
	if err := os.MkdirAll(dst, 0o700); err != nil {
		return fmt.Errorf("moving corrupt spool file %s aside: %w", name, err)
	}
	target := filepath.Join(dst, name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		target = filepath.Join(dst, fmt.Sprintf("%s.%d", name, i))
	}
	if err := os.Rename(filepath.Join(s.dir, name), target); err != nil {
		return fmt.Errorf("moving corrupt spool file %s aside: %w", name, err)
	}
	if err := syncDir(dst); err != nil {
		return fmt.Errorf("moving corrupt spool file %s aside: %w", name, err)
	}
	if err := syncDir(s.dir); err != nil {
		return fmt.Errorf("moving corrupt spool file %s aside: %w", name, err)
	}
	s.corrupt++
	s.log.Error("spool file is corrupt; moved aside, not replayed", "file", target, "reason", reason)
	return nil
}

func encodeSpoolFile(batch []Record) ([]byte, error) {
	var buf bytes.Buffer
	buf.Write(make([]byte, spoolHeaderLen))
	var frame [4]byte
	for _, r := range batch {
		data, err := json.Marshal(toRow(r))
		if err != nil {
			return nil, fmt.Errorf("encoding record %s: %w", r.Parcel.ItemID, err)
		}
		binary.BigEndian.PutUint32(frame[:], uint32(len(data)))
		buf.Write(frame[:])
		buf.Write(data)
	}
	out := buf.Bytes()
	h := out[:spoolHeaderLen]
	copy(h[0:4], spoolMagic)
	binary.BigEndian.PutUint16(h[4:6], spoolVersion)
	binary.BigEndian.PutUint32(h[8:12], uint32(len(batch)))
	binary.BigEndian.PutUint64(h[12:20], uint64(len(out)-spoolHeaderLen))
	binary.BigEndian.PutUint32(h[20:24], spoolChecksum(out))
	return out, nil
}

func spoolChecksum(file []byte) uint32 {
	c := crc32.Update(0, castagnoli, file[:20])
	return crc32.Update(c, castagnoli, file[spoolHeaderLen:])
}

func decodeSpoolFile(data []byte) ([]Record, error) {
	if len(data) < spoolHeaderLen {
		return nil, fmt.Errorf("file is %d bytes, shorter than the %d-byte header", len(data), spoolHeaderLen)
	}
	if string(data[0:4]) != spoolMagic {
		return nil, fmt.Errorf("bad magic %q", data[0:4])
	}
	if v := binary.BigEndian.Uint16(data[4:6]); v != spoolVersion {
		return nil, fmt.Errorf("unknown format version %d", v)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	if n := binary.BigEndian.Uint64(data[12:20]); n != uint64(len(data)-spoolHeaderLen) {
		return nil, fmt.Errorf("payload is %d bytes, header says %d (torn write)", len(data)-spoolHeaderLen, n)
	}
	if sum, want := spoolChecksum(data), binary.BigEndian.Uint32(data[20:24]); sum != want {
		return nil, fmt.Errorf("checksum %08x, header says %08x", sum, want)
	}
	payload := data[spoolHeaderLen:]
	recs := make([]Record, 0, count)
	for i := uint32(0); i < count; i++ {
		if len(payload) < 4 {
			return nil, fmt.Errorf("record %d: truncated length", i)
		}
		n := binary.BigEndian.Uint32(payload)
		payload = payload[4:]
		if uint64(n) > uint64(len(payload)) {
			return nil, fmt.Errorf("record %d: length %d past the end", i, n)
		}
		var r row
		if err := json.Unmarshal(payload[:n], &r); err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		recs = append(recs, r.record())
		payload = payload[n:]
	}
	if len(payload) != 0 {
		return nil, fmt.Errorf("%d bytes after the last record", len(payload))
	}
	return recs, nil
}

func writeFileSync(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
