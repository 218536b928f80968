package stream

import (
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"

	"github.com/parcelguard/parcelguard/manifest"
)

// Default topic names (DESIGN.md "Data flow").
const (
	DefaultManifestsTopic   = "parcel.manifests"
	DefaultDLQTopic         = "parcel.manifests.dlq"
	DefaultAssessmentsTopic = "parcel.assessments"
)

// Defaults applied by New to the zero values of Config.
const (
	DefaultBatchSize         = 1000
	DefaultBatchAge          = 500 * time.Millisecond
	DefaultCommitInterval    = time.Second
	DefaultShutdownTimeout   = 15 * time.Second
	DefaultSessionTimeout    = 30 * time.Second
	DefaultHeartbeatInterval = 3 * time.Second
	DefaultRebalanceTimeout  = 30 * time.Second
	DefaultRetryBackoff      = 100 * time.Millisecond
	DefaultMaxRetryBackoff   = 10 * time.Second
	DefaultOutboundMaxWait   = 30 * time.Second
	// MaxBatchSize is the largest BatchSize New accepts.
	MaxBatchSize = 100_000
	// maxMessageBytesLimit bounds MaxMessageBytes: a manifest is one
	// postal item, and the reader fetches at least twice this per request.
	maxMessageBytesLimit = 64 << 20
)

// The SASL mechanisms Config.SASL accepts.
const (
	SASLPlain       = "plain"
	SASLScramSHA256 = "scram-sha-256"
	SASLScramSHA512 = "scram-sha-512"
)

// SASL holds the credentials for SASL authentication with the brokers.
type SASL struct {
	// Mechanism is SASLPlain, SASLScramSHA256 or SASLScramSHA512.
	Mechanism string
	Username  string
	Password  string
}

// Config configures a Pipeline. The zero value of every duration, size
// and topic means its default; New rejects values that cannot work.
type Config struct {
	// Brokers are the bootstrap brokers, as host:port.
	Brokers []string
	// GroupID is the Kafka consumer group the pipeline joins.
	GroupID string
	// ManifestsTopic is read; "" means DefaultManifestsTopic.
	ManifestsTopic string
	// DLQTopic receives rejected manifests; "" means DefaultDLQTopic.
	DLQTopic string
	// AssessmentsTopic, when set, receives every durable assessment as
	// JSON keyed by item id (DefaultAssessmentsTopic is the usual name).
	// "" turns the outbound topic off.
	AssessmentsTopic string

	// Workers is the number of decode-and-score goroutines; 0 means one
	// per core (GOMAXPROCS).
	Workers int
	// BatchSize is the most records handed to the Sink in one Write
	// (1..MaxBatchSize); 0 means DefaultBatchSize.
	BatchSize int
	// BatchAge is how long the first record of a batch waits for the batch
	// to fill before the batch is written anyway; 0 means DefaultBatchAge.
	BatchAge time.Duration
	// MaxMessageBytes is the size limit of one manifest; a larger message
	// is rejected with manifest.CodeTooLarge. 0 means
	// manifest.DefaultMaxBytes.
	MaxMessageBytes int

	// CommitInterval is how often durable offsets are committed; 0 means
	// DefaultCommitInterval. Offsets are also committed when partitions
	// are revoked and at shutdown.
	CommitInterval time.Duration
	// ShutdownTimeout bounds the whole graceful shutdown: draining the
	// in-flight batch, the last commit, leaving the group and closing the
	// connections. 0 means DefaultShutdownTimeout.
	ShutdownTimeout time.Duration
	// SessionTimeout, HeartbeatInterval and RebalanceTimeout are the
	// consumer group timings; 0 means the defaults (30 s, 3 s, 30 s).
	// The heartbeat is also how fast a rebalance is noticed.
	SessionTimeout    time.Duration
	HeartbeatInterval time.Duration
	RebalanceTimeout  time.Duration
	// RetryBackoff is the first pause after a failed Sink, dead-letter or
	// outbound write; it doubles up to MaxRetryBackoff. 0 means the
	// defaults (100 ms, 10 s).
	RetryBackoff    time.Duration
	MaxRetryBackoff time.Duration
	// OutboundMaxWait is how long a durable batch's offsets wait for its
	// assessments to reach AssessmentsTopic before they are committed
	// anyway (publishing goes on in the background). 0 means
	// DefaultOutboundMaxWait.
	OutboundMaxWait time.Duration

	// TLS, when set, is used for every broker connection.
	TLS *tls.Config
	// SASL, when set, authenticates every broker connection.
	SASL *SASL

	// Scorer assesses every accepted manifest. Required.
	Scorer Scorer
	// Sink stores the records and the rejected manifests. Required.
	Sink Sink

	// Logger receives warnings about retries and the broker; nil means
	// none.
	Logger *slog.Logger
	// Now is the clock for receipt times of messages without a Kafka
	// timestamp and for rejection times; nil means time.Now.
	Now func() time.Time
}

// withDefaults returns c with every zero value replaced by its default.
func (c Config) withDefaults() Config {
	if c.ManifestsTopic == "" {
		c.ManifestsTopic = DefaultManifestsTopic
	}
	if c.DLQTopic == "" {
		c.DLQTopic = DefaultDLQTopic
	}
	if c.Workers == 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.BatchAge == 0 {
		c.BatchAge = DefaultBatchAge
	}
	if c.MaxMessageBytes == 0 {
		c.MaxMessageBytes = manifest.DefaultMaxBytes
	}
	if c.CommitInterval == 0 {
		c.CommitInterval = DefaultCommitInterval
	}
	if c.ShutdownTimeout == 0 {
		c.ShutdownTimeout = DefaultShutdownTimeout
	}
	if c.SessionTimeout == 0 {
		c.SessionTimeout = DefaultSessionTimeout
	}
	if c.HeartbeatInterval == 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.RebalanceTimeout == 0 {
		c.RebalanceTimeout = DefaultRebalanceTimeout
	}
	if c.RetryBackoff == 0 {
		c.RetryBackoff = DefaultRetryBackoff
	}
	if c.MaxRetryBackoff == 0 {
		c.MaxRetryBackoff = DefaultMaxRetryBackoff
	}
	if c.OutboundMaxWait == 0 {
		c.OutboundMaxWait = DefaultOutboundMaxWait
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// validate reports every problem with c (after withDefaults), one plain
// sentence each.
func (c Config) validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if err := checkBrokers(c.Brokers); err != nil {
		errs = append(errs, err)
	}
	if c.GroupID == "" {
		bad("group id is empty: set GroupID to the consumer group to join")
	}
	for _, t := range []struct{ field, name string }{
		{"ManifestsTopic", c.ManifestsTopic},
		{"DLQTopic", c.DLQTopic},
		{"AssessmentsTopic", c.AssessmentsTopic},
	} {
		if t.name == "" {
			continue
		}
		if err := checkTopic(t.name); err != nil {
			bad("%s: %v", t.field, err)
		}
	}
	if c.DLQTopic == c.ManifestsTopic {
		bad("DLQTopic %q is the manifests topic: rejected manifests would be read again", c.DLQTopic)
	}
	if c.AssessmentsTopic != "" && (c.AssessmentsTopic == c.ManifestsTopic || c.AssessmentsTopic == c.DLQTopic) {
		bad("AssessmentsTopic %q is also the manifests or dead-letter topic: give it its own topic", c.AssessmentsTopic)
	}
	if c.Workers < 1 {
		bad("worker count is %d: it must be at least 1 (0 means one per core)", c.Workers)
	}
	if c.BatchSize < 1 || c.BatchSize > MaxBatchSize {
		bad("batch size is %d: it must be between 1 and %d", c.BatchSize, MaxBatchSize)
	}
	if c.BatchAge <= 0 {
		bad("batch age is %v: it must be positive", c.BatchAge)
	}
	if c.MaxMessageBytes < 1 || c.MaxMessageBytes > maxMessageBytesLimit {
		bad("max message bytes is %d: it must be between 1 and %d", c.MaxMessageBytes, maxMessageBytesLimit)
	}
	for _, d := range []struct {
		name string
		v    time.Duration
	}{
		{"commit interval", c.CommitInterval},
		{"shutdown timeout", c.ShutdownTimeout},
		{"session timeout", c.SessionTimeout},
		{"heartbeat interval", c.HeartbeatInterval},
		{"rebalance timeout", c.RebalanceTimeout},
		{"retry backoff", c.RetryBackoff},
		{"max retry backoff", c.MaxRetryBackoff},
		{"outbound max wait", c.OutboundMaxWait},
	} {
		if d.v < 0 {
			bad("%s is %v: it must be positive (0 means the default)", d.name, d.v)
		}
	}
	if c.HeartbeatInterval >= c.SessionTimeout {
		bad("heartbeat interval %v is not shorter than the session timeout %v: the group would drop this member", c.HeartbeatInterval, c.SessionTimeout)
	}
	if c.RetryBackoff > c.MaxRetryBackoff {
		bad("retry backoff %v is longer than max retry backoff %v", c.RetryBackoff, c.MaxRetryBackoff)
	}
	if c.SASL != nil {
		if _, err := c.SASL.mechanism(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Scorer == nil {
		bad("scorer is nil: set Scorer (a *scorer.Scorer)")
	}
	if c.Sink == nil {
		bad("sink is nil: set Sink to where records are stored")
	}
	if len(errs) > 0 {
		return fmt.Errorf("stream config: %w", errors.Join(errs...))
	}
	return nil
}

// checkBrokers reports an empty list or an address that is not host:port.
func checkBrokers(brokers []string) error {
	if len(brokers) == 0 {
		return errors.New("brokers are empty: give at least one host:port")
	}
	for _, b := range brokers {
		host, port, err := net.SplitHostPort(b)
		if err != nil || host == "" {
			return fmt.Errorf("broker %q is not host:port", b)
		}
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("broker %q has no valid port", b)
		}
	}
	return nil
}

// checkTopic applies Kafka's rules for topic names.
func checkTopic(name string) error {
	switch {
	case name == "." || name == "..":
		return fmt.Errorf("topic name %q is not allowed", name)
	case len(name) > 249:
		return fmt.Errorf("topic name %q is longer than 249 characters", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' {
			continue
		}
		return fmt.Errorf("topic name %q has %q: use only letters, digits, '.', '_' and '-'", name, c)
	}
	return nil
}

// mechanism builds the kafka-go SASL mechanism.
func (s *SASL) mechanism() (sasl.Mechanism, error) {
	if s.Username == "" {
		return nil, errors.New("SASL username is empty")
	}
	switch s.Mechanism {
	case SASLPlain:
		return plain.Mechanism{Username: s.Username, Password: s.Password}, nil
	case SASLScramSHA256:
		m, err := scram.Mechanism(scram.SHA256, s.Username, s.Password)
		if err != nil {
			return nil, fmt.Errorf("building SASL SCRAM-SHA-256: %w", err)
		}
		return m, nil
	case SASLScramSHA512:
		m, err := scram.Mechanism(scram.SHA512, s.Username, s.Password)
		if err != nil {
			return nil, fmt.Errorf("building SASL SCRAM-SHA-512: %w", err)
		}
		return m, nil
	}
	return nil, fmt.Errorf("SASL mechanism %q is unknown: use %s, %s or %s", s.Mechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
}

// connections holds what every broker connection of one component shares:
// the dialer (readers, consumer group) and the transport (writers).
type connections struct {
	dialer    *kafka.Dialer
	transport *kafka.Transport
}

// newConnections builds the dialer and transport for the given TLS and
// SASL settings.
func newConnections(tlsConfig *tls.Config, s *SASL) (connections, error) {
	var mech sasl.Mechanism
	if s != nil {
		m, err := s.mechanism()
		if err != nil {
			return connections{}, err
		}
		mech = m
	}
	const clientID = "parcelguard"
	return connections{
		dialer: &kafka.Dialer{
			ClientID:      clientID,
			Timeout:       10 * time.Second,
			DualStack:     true,
			TLS:           tlsConfig,
			SASLMechanism: mech,
		},
		transport: &kafka.Transport{
			ClientID:    clientID,
			DialTimeout: 10 * time.Second,
			IdleTimeout: 30 * time.Second,
			MetadataTTL: 3 * time.Second,
			TLS:         tlsConfig,
			SASL:        mech,
		},
	}, nil
}
