package stream

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"

	"github.com/segmentio/kafka-go"
)

// ProducerConfig configures a Producer.
type ProducerConfig struct {
	// Brokers are the bootstrap brokers, as host:port.
	Brokers []string
	// Topic is written; "" means DefaultManifestsTopic.
	Topic string
	// Compression is "none" (or ""), "gzip", "snappy", "lz4" or "zstd".
	Compression string
	// Rate limits the messages per second; 0 means as fast as possible.
	Rate float64
	// BatchSize is the most messages per produce request; 0 means 1000.
	BatchSize int
	// TLS and SASL are used for every broker connection when set.
	TLS  *tls.Config
	SASL *SASL
	// Now is the clock the rate limit is kept with; nil means time.Now.
	Now func() time.Time
}

// Producer writes manifests to a topic, keyed by item id so that the
// messages of one item stay in order on one partition. It is for demos,
// load generation and tests; operators use their own Kafka clients. A
// Producer is not safe for concurrent use.
type Producer struct {
	w         *kafka.Writer
	transport *kafka.Transport
	rate      float64
	batch     int
	now       func() time.Time
	// mu guards the pacing state: Send may be called from several
	// goroutines (the API's ingest handlers).
	mu    sync.Mutex
	start time.Time
	sent  int64
}

// NewProducer validates cfg and returns a Producer.
func NewProducer(cfg ProducerConfig) (*Producer, error) {
	if cfg.Topic == "" {
		cfg.Topic = DefaultManifestsTopic
	}
	if cfg.BatchSize == 0 {
		cfg.BatchSize = 1000
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var errs []error
	if err := checkBrokers(cfg.Brokers); err != nil {
		errs = append(errs, err)
	}
	if err := checkTopic(cfg.Topic); err != nil {
		errs = append(errs, err)
	}
	var codec kafka.Compression
	if cfg.Compression != "" {
		if err := codec.UnmarshalText([]byte(cfg.Compression)); err != nil {
			errs = append(errs, fmt.Errorf("compression %q is unknown: use none, gzip, snappy, lz4 or zstd", cfg.Compression))
		}
	}
	if cfg.Rate < 0 {
		errs = append(errs, fmt.Errorf("rate is %v: it must be positive (0 means unlimited)", cfg.Rate))
	}
	if cfg.BatchSize < 1 || cfg.BatchSize > MaxBatchSize {
		errs = append(errs, fmt.Errorf("batch size is %d: it must be between 1 and %d", cfg.BatchSize, MaxBatchSize))
	}
	conns, err := newConnections(cfg.TLS, cfg.SASL)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("producer config: %w", errors.Join(errs...))
	}
	w := &kafka.Writer{
		Addr:         kafka.TCP(cfg.Brokers...),
		Topic:        cfg.Topic,
		Balancer:     &kafka.Murmur2Balancer{},
		RequiredAcks: kafka.RequireAll,
		BatchTimeout: 5 * time.Millisecond,
		BatchSize:    cfg.BatchSize,
		Compression:  codec,
		Transport:    conns.transport,
	}
	return &Producer{w: w, transport: conns.transport, rate: cfg.Rate, batch: cfg.BatchSize, now: cfg.Now}, nil
}

// Send writes manifests, one message each, keyed by their item id, and
// returns when the broker acknowledged them all. With a rate limit it
// paces itself over successive calls.
func (p *Producer) Send(ctx context.Context, manifests ...[]byte) error {
	chunk := p.batch
	if p.rate > 0 {
		// About 20 ms worth of messages per request.
		chunk = max(1, min(p.batch, int(p.rate/50)))
	}
	msgs := make([]kafka.Message, 0, min(chunk, len(manifests)))
	for len(manifests) > 0 {
		n := min(chunk, len(manifests))
		msgs = msgs[:0]
		for _, m := range manifests[:n] {
			msgs = append(msgs, kafka.Message{Key: ItemKey(m), Value: m})
		}
		if err := p.pace(ctx); err != nil {
			return err
		}
		if err := p.w.WriteMessages(ctx, msgs...); err != nil {
			return fmt.Errorf("producing manifests: %w", err)
		}
		p.mu.Lock()
		p.sent += int64(n)
		p.mu.Unlock()
		manifests = manifests[n:]
	}
	return nil
}

// pace waits until sending the next message keeps to the rate.
func (p *Producer) pace(ctx context.Context) error {
	if p.rate <= 0 {
		return nil
	}
	now := p.now()
	p.mu.Lock()
	if p.start.IsZero() {
		p.start = now
	}
	due := p.start.Add(time.Duration(float64(p.sent) / p.rate * float64(time.Second)))
	p.mu.Unlock()
	if wait := due.Sub(now); wait > 0 && !sleep(ctx, wait) {
		return ctx.Err()
	}
	return nil
}

// SendNDJSON writes one manifest per non-blank line of r (newline-
// delimited JSON) and returns how many it sent.
func (p *Producer) SendNDJSON(ctx context.Context, r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxMessageBytesLimit)
	var pending [][]byte
	total := 0
	flush := func() error {
		if err := p.Send(ctx, pending...); err != nil {
			return err
		}
		total += len(pending)
		pending = pending[:0]
		return nil
	}
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		pending = append(pending, bytes.Clone(line))
		if len(pending) >= p.batch {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := sc.Err(); err != nil {
		return total, fmt.Errorf("reading manifests: %w", err)
	}
	if err := flush(); err != nil {
		return total, err
	}
	return total, nil
}

// Close flushes and closes the producer, giving up after 10 seconds.
func (p *Producer) Close() error {
	err := closeWithin(10*time.Second, p.w.Close)
	p.transport.CloseIdleConnections()
	if err != nil {
		return fmt.Errorf("closing producer: %w", err)
	}
	return nil
}

// ItemKey returns the item_id of a manifest as a message key, reading no
// more of the JSON than it must and allocating only the key. It returns
// nil when the manifest has no top-level string item_id (the partitioner
// then picks a partition); such a manifest is rejected downstream anyway.
func ItemKey(manifest []byte) []byte {
	s := jsonScanner{b: manifest}
	s.space()
	if !s.eat('{') {
		return nil
	}
	for {
		s.space()
		if s.eat('}') {
			return nil
		}
		k, ok := s.str()
		if !ok {
			return nil
		}
		s.space()
		if !s.eat(':') {
			return nil
		}
		s.space()
		if string(k) == `"item_id"` {
			v, ok := s.str()
			if !ok {
				return nil
			}
			if bytes.IndexByte(v, '\\') < 0 {
				return bytes.Clone(v[1 : len(v)-1])
			}
			u, err := strconv.Unquote(string(v))
			if err != nil {
				return nil
			}
			return []byte(u)
		}
		if !s.skipValue() {
			return nil
		}
		s.space()
		if !s.eat(',') {
			return nil
		}
	}
}

// jsonScanner is just enough of a JSON scanner to find a top-level key.
type jsonScanner struct {
	b []byte
	i int
}

func (s *jsonScanner) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str returns the string at the cursor with its quotes.
func (s *jsonScanner) str() ([]byte, bool) {
	if s.i >= len(s.b) || s.b[s.i] != '"' {
		return nil, false
	}
	start := s.i
	for j := s.i + 1; j < len(s.b); j++ {
		switch s.b[j] {
		case '\\':
			j++
		case '"':
			s.i = j + 1
			return s.b[start:s.i], true
		}
	}
	return nil, false
}

// skipValue moves past one value of any kind.
func (s *jsonScanner) skipValue() bool {
	if s.i >= len(s.b) {
		return false
	}
	switch s.b[s.i] {
	case '"':
		_, ok := s.str()
		return ok
	case '{', '[':
		depth := 0
		for s.i < len(s.b) {
			switch s.b[s.i] {
			case '"':
				if _, ok := s.str(); !ok {
					return false
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					s.i++
					return true
				}
			}
			s.i++
		}
		return false
	}
	// A number, true, false or null: up to the next delimiter.
	start := s.i
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return s.i > start
		}
		s.i++
	}
	return s.i > start
}
