package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the engine's configuration: a YAML file, every key of which an
// environment variable (PARCELGUARD_KAFKA_BROKERS for kafka.brokers) and a
// -set flag (-set kafka.brokers=a:9092,b:9092) can override, in that order.
type Config struct {
	Kafka      KafkaConfig      `yaml:"kafka"`
	ClickHouse ClickHouseConfig `yaml:"clickhouse"`
	Spool      SpoolConfig      `yaml:"spool"`
	Rules      RulesConfig      `yaml:"rules"`
	Scoring    ScoringConfig    `yaml:"scoring"`
	Pipeline   PipelineConfig   `yaml:"pipeline"`
	HTTP       HTTPConfig       `yaml:"http"`
	API        APIConfig        `yaml:"api"`
}

// KafkaConfig says where the manifests come from.
type KafkaConfig struct {
	// Brokers empty means: start the embedded broker on EmbeddedAddr.
	Brokers          []string  `yaml:"brokers"`
	EmbeddedAddr     string    `yaml:"embedded_addr"`
	GroupID          string    `yaml:"group_id"`
	ManifestsTopic   string    `yaml:"manifests_topic"`
	DLQTopic         string    `yaml:"dlq_topic"`
	AssessmentsTopic string    `yaml:"assessments_topic"`
	TLS              TLSConfig `yaml:"tls"`
	SASLMechanism    string    `yaml:"sasl_mechanism"`
	SASLUsername     string    `yaml:"sasl_username"`
	SASLPassword     string    `yaml:"sasl_password"`
	// SessionTimeout is how long the group waits for a silent member
	// (a crashed engine) before giving its partitions to others; 0 means 30 s.
	SessionTimeout time.Duration `yaml:"session_timeout"`
}

// ClickHouseConfig says where assessments are stored.
type ClickHouseConfig struct {
	Addr     []string  `yaml:"addr"`
	Database string    `yaml:"database"`
	Username string    `yaml:"username"`
	Password string    `yaml:"password"`
	TLS      TLSConfig `yaml:"tls"`
}

// TLSConfig turns on TLS for a connection.
type TLSConfig struct {
	Enabled            bool   `yaml:"enabled"`
	CAFile             string `yaml:"ca_file"`
	CertFile           string `yaml:"cert_file"`
	KeyFile            string `yaml:"key_file"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// SpoolConfig is the local spool that keeps batches while ClickHouse is down.
type SpoolConfig struct {
	Dir      string `yaml:"dir"`
	MaxBytes int64  `yaml:"max_bytes"`
}

// RulesConfig says which rule pack runs.
type RulesConfig struct {
	// Dir empty means the embedded default pack.
	Dir   string `yaml:"dir"`
	Watch bool   `yaml:"watch"`
}

// ScoringConfig tunes the lanes and random selection.
type ScoringConfig struct {
	ReviewAt   int     `yaml:"review_at"`
	InspectAt  int     `yaml:"inspect_at"`
	SampleRate float64 `yaml:"sample_rate"`
	Seed       uint64  `yaml:"seed"`
}

// PipelineConfig tunes batching.
type PipelineConfig struct {
	Workers   int           `yaml:"workers"`
	BatchSize int           `yaml:"batch_size"`
	BatchAge  time.Duration `yaml:"batch_age"`
}

// HTTPConfig is the listener of the API, the web page, health, readiness
// and metrics.
type HTTPConfig struct {
	Addr string `yaml:"addr"`
}

// APIConfig secures the API and the web page (docs/api.md).
type APIConfig struct {
	// Tokens are the API tokens, hashed; TokensFile names a YAML file with
	// more (a list of the same entries), e.g. mounted from a secret store.
	Tokens     []TokenConfig `yaml:"tokens"`
	TokensFile string        `yaml:"tokens_file"`
	// ProxyAuth trusts identity headers from a single-sign-on proxy.
	ProxyAuth ProxyAuthConfig `yaml:"proxy_auth"`
	// RateLimit is requests per second per identity, bursts of RateBurst.
	RateLimit float64 `yaml:"rate_limit"`
	RateBurst int     `yaml:"rate_burst"`
	// AuthFailureRate limits failed authentications per client address.
	AuthFailureRate  float64 `yaml:"auth_failure_rate"`
	AuthFailureBurst int     `yaml:"auth_failure_burst"`
	// CORSOrigins empty keeps CORS off.
	CORSOrigins   []string      `yaml:"cors_origins"`
	SecureCookies bool          `yaml:"secure_cookies"`
	SessionTTL    time.Duration `yaml:"session_ttl"`
	// MaxIngestBytes bounds an ingest request's body.
	MaxIngestBytes int64 `yaml:"max_ingest_bytes"`
}

// TokenConfig is one API token: its name, its hash (never the token), its
// roles and, for the operator role, its operator code.
type TokenConfig struct {
	Name     string   `yaml:"name"`
	Hash     string   `yaml:"hash"`
	Roles    []string `yaml:"roles"`
	Operator string   `yaml:"operator,omitempty"`
}

// ProxyAuthConfig: see api.ProxyAuth.
type ProxyAuthConfig struct {
	Trusted        []string `yaml:"trusted"`
	UserHeader     string   `yaml:"user_header"`
	RolesHeader    string   `yaml:"roles_header"`
	OperatorHeader string   `yaml:"operator_header"`
}

// tokens returns the configured tokens and those of TokensFile.
func (c *APIConfig) tokens() ([]TokenConfig, error) {
	out := append([]TokenConfig(nil), c.Tokens...)
	if c.TokensFile == "" {
		return out, nil
	}
	data, err := os.ReadFile(c.TokensFile)
	if err != nil {
		return nil, fmt.Errorf("reading api.tokens_file: %w", err)
	}
	var more []TokenConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&more); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("api.tokens_file %s: %v (want a YAML list of name, hash, roles, operator)", c.TokensFile, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return append(out, more...), nil
}

// defaultConfig runs everything locally: the embedded broker, the ClickHouse
// of deploy/clickhouse.sh, the embedded rule pack.
func defaultConfig() Config {
	return Config{
		Kafka:      KafkaConfig{EmbeddedAddr: "127.0.0.1:9092", GroupID: "parcelguard"},
		ClickHouse: ClickHouseConfig{Addr: []string{"127.0.0.1:19000"}, Database: "parcelguard"},
		Spool:      SpoolConfig{Dir: "var/spool", MaxBytes: 1 << 30},
		Rules:      RulesConfig{Watch: true},
		Scoring:    ScoringConfig{SampleRate: 0.002},
		Pipeline:   PipelineConfig{BatchSize: 5000, BatchAge: 500 * time.Millisecond},
		HTTP:       HTTPConfig{Addr: "127.0.0.1:8080"},
		API:        APIConfig{RateLimit: 20, RateBurst: 40, AuthFailureRate: 1, AuthFailureBurst: 20, SessionTTL: 8 * time.Hour, MaxIngestBytes: 16 << 20},
	}
}

// loadConfig reads file (if any), then the environment, then the -set
// overrides, and validates the result.
func loadConfig(file string, environ []string, sets []string) (Config, error) {
	cfg := defaultConfig()
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return cfg, fmt.Errorf("reading config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		// An empty file (io.EOF) means all defaults.
		if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
			return cfg, fmt.Errorf("config %s: %v", file, strings.TrimPrefix(err.Error(), "yaml: "))
		}
	}
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, "PARCELGUARD_") {
			continue
		}
		key := strings.ToLower(strings.TrimPrefix(name, "PARCELGUARD_"))
		if err := setKey(&cfg, key, "_", value); err != nil {
			if errors.Is(err, errNoKey) {
				// Other PARCELGUARD_ variables (the test suite's
				// PARCELGUARD_CLICKHOUSE, scripts') are not config keys.
				continue
			}
			return cfg, fmt.Errorf("environment %s: %w", name, err)
		}
	}
	for _, kv := range sets {
		key, value, ok := strings.Cut(kv, "=")
		if !ok {
			return cfg, fmt.Errorf("-set %q: want key=value, e.g. -set kafka.brokers=kafka-1:9092", kv)
		}
		if err := setKey(&cfg, key, ".", value); err != nil {
			return cfg, fmt.Errorf("-set %s: %w", key, err)
		}
	}
	return cfg, cfg.validate()
}

var errNoKey = errors.New("no such key")

// setKey sets the field named by key ("kafka.brokers" with sep "." or
// "kafka_brokers" with sep "_") from its text form.
func setKey(cfg *Config, key, sep, value string) error {
	v := reflect.ValueOf(cfg).Elem()
	rest := key
	for {
		field, remainder, ok := findField(v, rest, sep)
		if !ok {
			return fmt.Errorf("%w %q", errNoKey, key)
		}
		if field.Kind() == reflect.Struct && field.Type() != reflect.TypeFor[time.Duration]() {
			if remainder == "" {
				return fmt.Errorf("%w: %q is a section; name one of its keys", errNoKey, key)
			}
			v, rest = field, remainder
			continue
		}
		if remainder != "" {
			return fmt.Errorf("%w %q", errNoKey, key)
		}
		return setValue(field, value)
	}
}

// findField finds the field whose yaml name starts key, longest name first
// (so that "sasl_username" is not read as "sasl" + "username").
func findField(v reflect.Value, key, sep string) (reflect.Value, string, bool) {
	var best reflect.Value
	bestRest, bestLen := "", -1
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("yaml")
		if sep == "_" {
			name = strings.ReplaceAll(name, ".", "_")
		}
		switch {
		case key == name && len(name) > bestLen:
			best, bestRest, bestLen = v.Field(i), "", len(name)
		case strings.HasPrefix(key, name+sep) && len(name) > bestLen:
			best, bestRest, bestLen = v.Field(i), key[len(name)+1:], len(name)
		}
	}
	return best, bestRest, bestLen >= 0
}

func setValue(f reflect.Value, s string) error {
	switch {
	case f.Type() == reflect.TypeFor[time.Duration]():
		d, err := time.ParseDuration(s)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 500ms or 2s", s)
		}
		f.SetInt(int64(d))
	case f.Kind() == reflect.String:
		f.SetString(s)
	case f.Kind() == reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return fmt.Errorf("%q is not true or false", s)
		}
		f.SetBool(b)
	case f.Kind() == reflect.Int || f.Kind() == reflect.Int64:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", s)
		}
		f.SetInt(n)
	case f.Kind() == reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a whole number ≥ 0", s)
		}
		f.SetUint(n)
	case f.Kind() == reflect.Float64:
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", s)
		}
		f.SetFloat(x)
	case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
		var parts []string
		for _, p := range strings.Split(s, ",") {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
		f.Set(reflect.ValueOf(parts))
	default:
		return fmt.Errorf("cannot set a %s from text", f.Type())
	}
	return nil
}

// validate fails fast, at start, with plain messages.
func (c *Config) validate() error {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(c.Kafka.Brokers) == 0 && c.Kafka.EmbeddedAddr == "" {
		bad("kafka.brokers is empty and kafka.embedded_addr is empty: give the brokers, or an address for the embedded broker")
	}
	if c.Kafka.GroupID == "" {
		bad("kafka.group_id is required")
	}
	switch c.Kafka.SASLMechanism {
	case "", "plain", "scram-sha-256", "scram-sha-512":
	default:
		bad("kafka.sasl_mechanism %q must be plain, scram-sha-256 or scram-sha-512", c.Kafka.SASLMechanism)
	}
	if len(c.ClickHouse.Addr) == 0 {
		bad("clickhouse.addr is required (host:port of the native protocol, e.g. 127.0.0.1:9000)")
	}
	if c.Spool.Dir == "" || c.Spool.MaxBytes <= 0 {
		bad("spool.dir and a positive spool.max_bytes are required")
	}
	if c.Scoring.SampleRate < 0 || c.Scoring.SampleRate > 1 {
		bad("scoring.sample_rate %v must be between 0 and 1", c.Scoring.SampleRate)
	}
	if c.Scoring.ReviewAt < 0 || c.Scoring.InspectAt < 0 || (c.Scoring.InspectAt > 0 && c.Scoring.InspectAt <= c.Scoring.ReviewAt) {
		bad("scoring.review_at and scoring.inspect_at must be ≥ 0 and review_at < inspect_at (0 keeps the pack's)")
	}
	if c.Kafka.SessionTimeout < 0 || (c.Kafka.SessionTimeout > 0 && c.Kafka.SessionTimeout < 6*time.Second) {
		bad("kafka.session_timeout must be 0 (30 s) or at least 6s, the smallest brokers accept by default")
	}
	if c.Pipeline.Workers < 0 || c.Pipeline.BatchSize < 0 || c.Pipeline.BatchAge < 0 {
		bad("pipeline.workers, batch_size and batch_age must not be negative")
	}
	if c.HTTP.Addr == "" {
		bad("http.addr is required (host:port of the API, the web page, health, readiness and metrics)")
	}
	if c.API.RateLimit < 0 || c.API.RateBurst < 0 || c.API.AuthFailureRate < 0 || c.API.AuthFailureBurst < 0 || c.API.SessionTTL < 0 || c.API.MaxIngestBytes < 0 {
		bad("api.rate_limit, rate_burst, auth_failure_rate, auth_failure_burst, session_ttl and max_ingest_bytes must not be negative")
	}
	for _, t := range []TLSConfig{c.Kafka.TLS, c.ClickHouse.TLS} {
		if (t.CertFile == "") != (t.KeyFile == "") {
			bad("tls.cert_file and tls.key_file go together")
		}
	}
	if len(problems) > 0 {
		return errors.New("invalid configuration:\n  " + strings.Join(problems, "\n  "))
	}
	return nil
}

// tlsConfig builds a *tls.Config, or nil when TLS is off.
func (t TLSConfig) tlsConfig() (*tls.Config, error) {
	if !t.Enabled {
		return nil, nil
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: t.InsecureSkipVerify}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("reading tls.ca_file: %w", err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("tls.ca_file %s holds no PEM certificate", t.CAFile)
		}
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("loading tls.cert_file and tls.key_file: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
