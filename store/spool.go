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
	"time"
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
// they were put. A batch holds assessment records, rejected manifests
// (rows of the rejects table), or both.
//
// File format (integers big-endian):
//
//	magic "PGSP" | version uint16 | reserved uint16 | frames uint32 |
//	payload length uint64 | CRC-32C uint32 of the 20 bytes before it and the payload |
//	payload: frames × frame
//
// Version 1 frames are assessments rows only: length uint32 | JSON of one
// row. Version 2 frames carry their kind: kind uint8 (1 an assessments row,
// 2 a rejects row) | length uint32 | JSON of the row. Put writes version 1
// when a batch holds no rejects, so that those files stay readable by
// releases that know version 1 only, and version 2 otherwise; both are read.
//
// A file that fails these checks (a crash mid-write, a flipped bit, an
// unknown version or frame kind) is moved to the corrupt/ subfolder with a
// logged error and counted; it is never replayed in part nor deleted.
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
	records int // rows waiting in pending, by kind
	rejects int
	corrupt uint64
}

type spoolFile struct {
	seq     uint64
	size    int64
	records int
	rejects int
}

// SpoolBatch is one batch read back from the spool.
type SpoolBatch struct {
	// Seq is the batch's sequence number, for Remove.
	Seq     uint64
	Records []Record
	Rejects []Reject
}

// SpoolStats describes the spool at one moment.
type SpoolStats struct {
	Files    int
	Bytes    int64
	MaxBytes int64
	// Records and Rejects count the assessments and rejects rows waiting
	// in those files.
	Records int
	Rejects int
	// Corrupt counts the files moved to corrupt/ since the spool was opened.
	Corrupt uint64
}

const (
	spoolMagic = "PGSP"
	// spoolV1 files hold assessments rows only; spoolV2 files hold frames
	// of either kind.
	spoolV1        = 1
	spoolV2        = 2
	spoolHeaderLen = 24
	spoolExt       = ".batch"
	spoolTmpExt    = ".tmp"
	corruptDir     = "corrupt"
)

// Frame kinds of a version 2 file.
const (
	frameAssessment byte = 1
	frameReject     byte = 2
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
		recs, rejects, err := decodeSpoolFile(data)
		if err != nil {
			if err := s.quarantine(name, err); err != nil {
				return nil, err
			}
			continue
		}
		s.add(spoolFile{seq: seq, size: int64(len(data)), records: len(recs), rejects: len(rejects)})
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
	return s.PutBatch(batch, nil)
}

// PutBatch is Put for a batch of records and rejected manifests, kept in
// one file: both are durable, or neither.
func (s *Spool) PutBatch(records []Record, rejects []Reject) error {
	if err := validate(records); err != nil {
		return err
	}
	if len(records) == 0 && len(rejects) == 0 {
		return nil
	}
	data, err := encodeSpoolFile(records, rejects)
	if err != nil {
		return fmt.Errorf("spooling batch: %w", err)
	}
	size := int64(len(data))

	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bytes+size > s.maxBytes {
		return fmt.Errorf("spooling batch of %d records and %d rejects (%d bytes; %d of %d bytes in use): %w",
			len(records), len(rejects), size, s.bytes, s.maxBytes, ErrSpoolFull)
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
	s.add(spoolFile{seq: seq, size: size, records: len(records), rejects: len(rejects)})
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
		recs, rejects, derr := decodeSpoolFile(data)
		if derr == nil {
			return SpoolBatch{Seq: f.seq, Records: recs, Rejects: rejects}, true, nil
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
	// batch once more. Reads collapse its duplicate assessments; its rejects
	// are stored twice (rejects are at least once, see Writer).
	if err := os.Remove(filepath.Join(s.dir, spoolName(seq))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing spooled batch %d: %w", seq, err)
	}
	s.drop(seq)
	return nil
}

// add records a pending file; s.mu is held (or the spool is being opened).
func (s *Spool) add(f spoolFile) {
	s.pending = append(s.pending, f)
	s.bytes += f.size
	s.records += f.records
	s.rejects += f.rejects
}

// drop forgets a pending file; s.mu is held.
func (s *Spool) drop(seq uint64) {
	for i, f := range s.pending {
		if f.seq == seq {
			s.bytes -= f.size
			s.records -= f.records
			s.rejects -= f.rejects
			s.pending = slices.Delete(s.pending, i, i+1)
			return
		}
	}
}

// Stats reports the spool's depth.
func (s *Spool) Stats() SpoolStats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return SpoolStats{Files: len(s.pending), Bytes: s.bytes, MaxBytes: s.maxBytes,
		Records: s.records, Rejects: s.rejects, Corrupt: s.corrupt}
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

// encodeSpoolFile encodes a batch: as version 1 when it holds no rejects,
// as version 2 otherwise.
func encodeSpoolFile(records []Record, rejects []Reject) ([]byte, error) {
	version := uint16(spoolV1)
	if len(rejects) > 0 {
		version = spoolV2
	}
	var buf bytes.Buffer
	buf.Write(make([]byte, spoolHeaderLen))
	frame := func(kind byte, data []byte) {
		if version >= spoolV2 {
			buf.WriteByte(kind)
		}
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		buf.Write(n[:])
		buf.Write(data)
	}
	for _, r := range records {
		data, err := json.Marshal(toRow(r))
		if err != nil {
			return nil, fmt.Errorf("encoding record %s: %w", r.Parcel.ItemID, err)
		}
		frame(frameAssessment, data)
	}
	for i := range rejects {
		data, err := json.Marshal(toRejectRow(&rejects[i]))
		if err != nil {
			return nil, fmt.Errorf("encoding reject %d: %w", i, err)
		}
		frame(frameReject, data)
	}
	out := buf.Bytes()
	h := out[:spoolHeaderLen]
	copy(h[0:4], spoolMagic)
	binary.BigEndian.PutUint16(h[4:6], version)
	binary.BigEndian.PutUint32(h[8:12], uint32(len(records)+len(rejects)))
	binary.BigEndian.PutUint64(h[12:20], uint64(len(out)-spoolHeaderLen))
	binary.BigEndian.PutUint32(h[20:24], spoolChecksum(out))
	return out, nil
}

func spoolChecksum(file []byte) uint32 {
	c := crc32.Update(0, castagnoli, file[:20])
	return crc32.Update(c, castagnoli, file[spoolHeaderLen:])
}

// decodeSpoolFile checks and decodes a file of either version.
func decodeSpoolFile(data []byte) ([]Record, []Reject, error) {
	if len(data) < spoolHeaderLen {
		return nil, nil, fmt.Errorf("file is %d bytes, shorter than the %d-byte header", len(data), spoolHeaderLen)
	}
	if string(data[0:4]) != spoolMagic {
		return nil, nil, fmt.Errorf("bad magic %q", data[0:4])
	}
	version := binary.BigEndian.Uint16(data[4:6])
	if version != spoolV1 && version != spoolV2 {
		return nil, nil, fmt.Errorf("unknown format version %d", version)
	}
	count := binary.BigEndian.Uint32(data[8:12])
	if n := binary.BigEndian.Uint64(data[12:20]); n != uint64(len(data)-spoolHeaderLen) {
		return nil, nil, fmt.Errorf("payload is %d bytes, header says %d (torn write)", len(data)-spoolHeaderLen, n)
	}
	if sum, want := spoolChecksum(data), binary.BigEndian.Uint32(data[20:24]); sum != want {
		return nil, nil, fmt.Errorf("checksum %08x, header says %08x", sum, want)
	}
	payload := data[spoolHeaderLen:]
	var recs []Record
	var rejects []Reject
	for i := uint32(0); i < count; i++ {
		kind := frameAssessment
		if version >= spoolV2 {
			if len(payload) < 1 {
				return nil, nil, fmt.Errorf("frame %d: truncated kind", i)
			}
			kind = payload[0]
			payload = payload[1:]
		}
		if len(payload) < 4 {
			return nil, nil, fmt.Errorf("frame %d: truncated length", i)
		}
		n := binary.BigEndian.Uint32(payload)
		payload = payload[4:]
		if uint64(n) > uint64(len(payload)) {
			return nil, nil, fmt.Errorf("frame %d: length %d past the end", i, n)
		}
		switch kind {
		case frameAssessment:
			var r row
			if err := json.Unmarshal(payload[:n], &r); err != nil {
				return nil, nil, fmt.Errorf("frame %d: %w", i, err)
			}
			recs = append(recs, r.record())
		case frameReject:
			var r rejectRow
			if err := json.Unmarshal(payload[:n], &r); err != nil {
				return nil, nil, fmt.Errorf("frame %d: %w", i, err)
			}
			rejects = append(rejects, r.reject())
		default:
			return nil, nil, fmt.Errorf("frame %d: unknown kind %d", i, kind)
		}
		payload = payload[n:]
	}
	if len(payload) != 0 {
		return nil, nil, fmt.Errorf("%d bytes after the last frame", len(payload))
	}
	return recs, rejects, nil
}

// rejectRow is a Reject as the spool keeps it. The key, path, message and
// raw value come from the input and need not be valid UTF-8, which a JSON
// string would not keep: they are stored as bytes (base64).
type rejectRow struct {
	ReceivedAt time.Time `json:"received_at"`
	Source     string    `json:"source"`
	Topic      string    `json:"topic"`
	Partition  int32     `json:"partition"`
	Offset     int64     `json:"offset"`
	Key        []byte    `json:"key"`
	Code       string    `json:"code"`
	Path       []byte    `json:"path"`
	Message    []byte    `json:"message"`
	Raw        []byte    `json:"raw"`
}

func toRejectRow(r *Reject) rejectRow {
	return rejectRow{
		ReceivedAt: r.ReceivedAt, Source: r.Source, Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Key: []byte(r.Key), Code: r.Code, Path: []byte(r.Path), Message: []byte(r.Message), Raw: r.Raw,
	}
}

func (r *rejectRow) reject() Reject {
	return Reject{
		ReceivedAt: r.ReceivedAt, Source: r.Source, Topic: r.Topic, Partition: r.Partition, Offset: r.Offset,
		Key: string(r.Key), Code: r.Code, Path: string(r.Path), Message: string(r.Message), Raw: r.Raw,
	}
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
