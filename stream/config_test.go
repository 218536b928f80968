package stream

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

type nopScorer struct{}

func (nopScorer) Score(p *manifest.Parcel) scorer.Assessment {
	return scorer.Assessment{ItemID: p.ItemID}
}

type nopSink struct{}

func (nopSink) Write(context.Context, []Record, []Reject) error { return nil }

func TestNewConfigErrors(t *testing.T) {
	valid := func() Config {
		return Config{Brokers: []string{"127.0.0.1:9092"}, GroupID: "g", Scorer: nopScorer{}, Sink: nopSink{}}
	}
	tests := []struct {
		name   string
		modify func(*Config)
		want   string // "" means valid
	}{
		{"valid", func(*Config) {}, ""},
		{"no brokers", func(c *Config) { c.Brokers = nil }, "brokers are empty"},
		{"broker without port", func(c *Config) { c.Brokers = []string{"localhost"} }, `broker "localhost" is not host:port`},
		{"broker with bad port", func(c *Config) { c.Brokers = []string{"localhost:99999"} }, "no valid port"},
		{"no group", func(c *Config) { c.GroupID = "" }, "group id is empty"},
		{"bad topic", func(c *Config) { c.ManifestsTopic = "parcel manifests" }, `ManifestsTopic: topic name "parcel manifests" has ' '`},
		{"dot topic", func(c *Config) { c.DLQTopic = ".." }, "is not allowed"},
		{"long topic", func(c *Config) { c.AssessmentsTopic = strings.Repeat("a", 250) }, "longer than 249"},
		{"dlq is manifests", func(c *Config) { c.DLQTopic = DefaultManifestsTopic }, "is the manifests topic"},
		{"outbound is dlq", func(c *Config) { c.AssessmentsTopic = DefaultDLQTopic }, "give it its own topic"},
		{"negative workers", func(c *Config) { c.Workers = -1 }, "worker count is -1"},
		{"negative batch", func(c *Config) { c.BatchSize = -5 }, "batch size is -5"},
		{"huge batch", func(c *Config) { c.BatchSize = MaxBatchSize + 1 }, "batch size is 100001"},
		{"negative age", func(c *Config) { c.BatchAge = -time.Second }, "batch age is -1s"},
		{"negative max bytes", func(c *Config) { c.MaxMessageBytes = -1 }, "max message bytes is -1"},
		{"negative commit interval", func(c *Config) { c.CommitInterval = -1 }, "commit interval is -1ns"},
		{"heartbeat too slow", func(c *Config) { c.HeartbeatInterval = time.Minute }, "not shorter than the session timeout"},
		{"backoff range", func(c *Config) { c.RetryBackoff = time.Minute }, "longer than max retry backoff"},
		{"bad sasl", func(c *Config) { c.SASL = &SASL{Mechanism: "gssapi", Username: "u"} }, `SASL mechanism "gssapi" is unknown`},
		{"sasl without user", func(c *Config) { c.SASL = &SASL{Mechanism: SASLPlain} }, "SASL username is empty"},
		{"sasl scram", func(c *Config) { c.SASL = &SASL{Mechanism: SASLScramSHA512, Username: "u", Password: "p"} }, ""},
		{"no scorer", func(c *Config) { c.Scorer = nil }, "scorer is nil"},
		{"no sink", func(c *Config) { c.Sink = nil }, "sink is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := valid()
			tt.modify(&cfg)
			p, err := New(cfg)
			if p != nil {
				defer p.Close()
			}
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("New(%s) = %v; want no error", tt.name, err)
			case tt.want != "" && err == nil:
				t.Errorf("New(%s) = nil; want an error containing %q", tt.name, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("New(%s) = %v; want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestNewConfigReportsEveryProblem(t *testing.T) {
	_, err := New(Config{Workers: -1})
	if err == nil {
		t.Fatal("New(Config{Workers: -1}) = nil; want an error")
	}
	for _, want := range []string{"brokers are empty", "group id is empty", "worker count is -1", "scorer is nil", "sink is nil"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("New(Config{Workers: -1}) = %v; want it to contain %q", err, want)
		}
	}
}

func TestNewProducerConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  ProducerConfig
		want string
	}{
		{"no brokers", ProducerConfig{}, "brokers are empty"},
		{"bad codec", ProducerConfig{Brokers: []string{"h:1"}, Compression: "brotli"}, `compression "brotli" is unknown`},
		{"negative rate", ProducerConfig{Brokers: []string{"h:1"}, Rate: -1}, "rate is -1"},
		{"bad topic", ProducerConfig{Brokers: []string{"h:1"}, Topic: "a/b"}, `topic name "a/b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewProducer(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("NewProducer(%s) = %v; want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
}
