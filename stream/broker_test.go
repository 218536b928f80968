package stream

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
)

func TestStartBrokerConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  BrokerConfig
		want string
	}{
		{"bad address", BrokerConfig{Addr: "localhost"}, "is not host:port"},
		{"bad port", BrokerConfig{Addr: "127.0.0.1:x"}, "no valid port"},
		{"bad partitions", BrokerConfig{Partitions: -1}, "partitions is -1"},
		{"bad topic", BrokerConfig{Topics: []string{"a b"}}, `topic name "a b"`},
	}
	for _, tt := range tests {
		b, err := StartBroker(t.Context(), tt.cfg)
		if err == nil {
			b.Close()
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("StartBroker(%s) = %v; want an error containing %q", tt.name, err, tt.want)
		}
	}
	b, err := StartBroker(t.Context(), BrokerConfig{})
	if err != nil {
		t.Fatalf("StartBroker with defaults: %v", err)
	}
	defer b.Close()
	if addrs := b.Addrs(); len(addrs) != 1 || !strings.HasPrefix(addrs[0], "127.0.0.1:") {
		t.Errorf("Addrs() = %v; want one 127.0.0.1 address", addrs)
	}
	for _, topic := range []string{DefaultManifestsTopic, DefaultDLQTopic, DefaultAssessmentsTopic} {
		if n := len(endOffsets(t, b, topic)); n != DefaultBrokerPartitions {
			t.Errorf("topic %s has %d partitions; want %d", topic, n, DefaultBrokerPartitions)
		}
	}
}

// TestSASL produces and consumes with each SASL mechanism against a
// broker that requires it.
func TestSASL(t *testing.T) {
	for _, tt := range []struct{ ours, kfake string }{
		{SASLPlain, "PLAIN"},
		{SASLScramSHA256, "SCRAM-SHA-256"},
		{SASLScramSHA512, "SCRAM-SHA-512"},
	} {
		t.Run(tt.ours, func(t *testing.T) {
			c, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(), kfake.Superuser(tt.kfake, "parcelguard", "s3cret"),
				kfake.SeedTopics(testPartitions, DefaultManifestsTopic, DefaultDLQTopic))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			creds := &SASL{Mechanism: tt.ours, Username: "parcelguard", Password: "s3cret"}

			bad, err := NewProducer(ProducerConfig{Brokers: c.ListenAddrs(), SASL: &SASL{Mechanism: tt.ours, Username: "parcelguard", Password: "wrong"}})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			if err := bad.Send(ctx, genManifests(11, 1, 0)...); err == nil {
				t.Errorf("Send with a wrong password succeeded")
			}
			cancel()
			bad.Close()

			p, err := NewProducer(ProducerConfig{Brokers: c.ListenAddrs(), SASL: creds})
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Send(t.Context(), genManifests(11, 50, 0)...); err != nil {
				t.Fatalf("Send: %v", err)
			}
			p.Close()

			sink := newMemSink()
			cfg := testConfig(t, &Broker{c: c}, "sasl", sink)
			cfg.SASL = creds
			pl, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			stop := runPipeline(t, pl)
			waitFor(t, 20*time.Second, "all records in the sink", func() bool { return sink.count() == 50 })
			if err := stop(); err != nil {
				t.Fatalf("Run: %v", err)
			}
		})
	}
}

// TestKcat checks that librdkafka clients (kcat) can produce to the
// embedded broker and consume from it in a consumer group. It needs kcat
// on PATH (Debian package kcat, which make test installs); run bare without
// it, the test skips, and in CI it fails.
func TestKcat(t *testing.T) {
	kcat, err := exec.LookPath("kcat")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("kcat not installed: CI must install it (make test-deps)")
		}
		t.Skip("kcat not installed (apt-get install kcat); skipping the librdkafka check")
	}
	b := startTestBroker(t)
	addr := b.Addrs()[0]
	ctx, cancel := context.WithTimeout(t.Context(), 25*time.Second)
	defer cancel()

	var in bytes.Buffer
	for _, m := range genManifests(12, 20, 0) {
		in.Write(m)
		in.WriteByte('\n')
	}
	produce := exec.CommandContext(ctx, kcat, "-b", addr, "-t", DefaultManifestsTopic, "-P", "-X", "acks=all")
	produce.Stdin = &in
	if out, err := produce.CombinedOutput(); err != nil {
		t.Fatalf("kcat -P: %v\n%s", err, out)
	}
	if got := sum(endOffsets(t, b, DefaultManifestsTopic)); got != 20 {
		t.Fatalf("topic holds %d messages after kcat -P; want 20", got)
	}
	consume := exec.CommandContext(ctx, kcat, "-b", addr, "-G", "kcat-group", DefaultManifestsTopic,
		"-o", "beginning", "-e", "-q", "-f", "%p:%o\n", "-X", "enable.auto.commit=true", "-X", "auto.commit.interval.ms=100")
	var stderr bytes.Buffer
	consume.Stderr = &stderr
	out, err := consume.Output()
	if err != nil {
		t.Fatalf("kcat -G: %v\n%s", err, stderr.Bytes())
	}
	lines := strings.Fields(string(out))
	if len(lines) != 20 {
		t.Fatalf("kcat -G read %d messages; want 20:\n%s", len(lines), out)
	}
	// The group's offsets, committed by librdkafka, are what the broker
	// reports to kafka-go.
	waitFor(t, 10*time.Second, "kcat's offsets committed", func() bool { return allCommitted(t, b, "kcat-group") })
}
