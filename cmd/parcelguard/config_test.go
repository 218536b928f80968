package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "parcelguard.yaml")
	os.WriteFile(file, []byte("kafka:\n  brokers: [k1:9092]\n  group_id: g1\npipeline:\n  batch_age: 250ms\n"), 0o644)
	env := []string{"PARCELGUARD_KAFKA_BROKERS=k2:9092, k3:9092", "PARCELGUARD_SCORING_SAMPLE_RATE=0.01", "PARCELGUARD_KAFKA_SASL_USERNAME=u", "PARCELGUARD_CLICKHOUSE=127.0.0.1:19000", "HOME=/root"}
	cfg, err := loadConfig(file, env, []string{"clickhouse.database=pg2", "kafka.sasl_mechanism=plain"})
	if err != nil {
		t.Fatal(err)
	}
	want := defaultConfig()
	want.Kafka.Brokers = []string{"k2:9092", "k3:9092"}
	want.Kafka.GroupID = "g1"
	want.Kafka.SASLUsername = "u"
	want.Kafka.SASLMechanism = "plain"
	want.Pipeline.BatchAge = 250 * time.Millisecond
	want.Scoring.SampleRate = 0.01
	want.ClickHouse.Database = "pg2"
	if diff := cmp.Diff(want, cfg); diff != "" {
		t.Errorf("loadConfig mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o644)
		return p
	}
	tests := []struct {
		name string
		file string
		env  []string
		sets []string
		want string
	}{
		{"unknown key in file", write("a.yaml", "kafka:\n  brokerz: [x]\n"), nil, nil, "field brokerz not found"},
		{"bad YAML", write("b.yaml", "kafka: [\n"), nil, nil, "config"},
		{"bad duration", "", []string{"PARCELGUARD_PIPELINE_BATCH_AGE=soon"}, nil, "not a duration"},
		{"bad number", "", nil, []string{"scoring.review_at=lots"}, "not a whole number"},
		{"set without =", "", nil, []string{"kafka.brokers"}, "want key=value"},
		{"unknown set key", "", nil, []string{"kafka.nope=1"}, "no such key"},
		{"section set", "", nil, []string{"kafka=1"}, "is a section"},
		{"sample rate out of range", "", nil, []string{"scoring.sample_rate=2"}, "between 0 and 1"},
		{"bad sasl", "", nil, []string{"kafka.sasl_mechanism=kerberos"}, "sasl_mechanism"},
		{"no clickhouse", "", nil, []string{"clickhouse.addr="}, "clickhouse.addr is required"},
		{"missing file", filepath.Join(dir, "none.yaml"), nil, nil, "reading config"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadConfig(tc.file, tc.env, tc.sets)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("loadConfig = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}
