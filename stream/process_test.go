package stream

import (
	"testing"
	"time"

	"github.com/segmentio/kafka-go"

	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/scorer"
)

func TestProcess(t *testing.T) {
	now := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	p, err := New(Config{
		Brokers:          []string{"127.0.0.1:1"},
		GroupID:          "g",
		AssessmentsTopic: DefaultAssessmentsTopic,
		Scorer:           newTestScorer(t),
		Sink:             nopSink{},
		Now:              func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	var dec manifest.Decoder
	good := genManifests(13, 1, 0)[0]
	stamp := time.Date(2026, 11, 20, 23, 59, 59, 0, time.FixedZone("CET", 3600))

	tests := []struct {
		name         string
		msg          kafka.Message
		wantReceived time.Time
		wantCode     string
	}{
		{"kafka timestamp", kafka.Message{Topic: "m", Partition: 2, Offset: 7, Value: good, Time: stamp}, stamp.UTC(), ""},
		{"no timestamp", kafka.Message{Topic: "m", Value: good}, now, ""},
		{"timestamp -1", kafka.Message{Topic: "m", Value: good, Time: time.UnixMilli(-1)}, now, ""},
		{"rejected", kafka.Message{Topic: "m", Partition: 1, Offset: 9, Key: []byte("k"), Value: []byte(`{"item_id":1}`), Time: stamp}, stamp.UTC(), manifest.CodeWrongType},
	}
	for _, tt := range tests {
		it := p.process(&dec, &tt.msg)
		if tt.wantCode != "" {
			r := it.reject
			if r == nil {
				t.Errorf("process(%s) accepted the manifest; want %s", tt.name, tt.wantCode)
				continue
			}
			if r.Code != tt.wantCode || r.Path != "item_id" || r.Partition != 1 || r.Offset != 9 || string(r.Key) != "k" || !r.ReceivedAt.Equal(tt.wantReceived) {
				t.Errorf("process(%s) reject = %+v", tt.name, r)
			}
			headers := make(map[string]string)
			for _, h := range it.dead.Headers {
				headers[h.Key] = string(h.Value)
			}
			if headers[HeaderRejectedAt] != "2026-11-21T08:00:00Z" || headers[HeaderSourceOffset] != "9" || headers[HeaderPath] != "item_id" {
				t.Errorf("process(%s) dead-letter headers = %v", tt.name, headers)
			}
			continue
		}
		if it.reject != nil {
			t.Errorf("process(%s) rejected: %s", tt.name, it.reject.Message)
			continue
		}
		rec := it.record
		if !rec.Parcel.ReceivedAt.Equal(tt.wantReceived) || rec.Parcel.ReceivedAt.Location() != time.UTC {
			t.Errorf("process(%s) ReceivedAt = %v; want %v in UTC", tt.name, rec.Parcel.ReceivedAt, tt.wantReceived)
		}
		if rec.Assessment.ItemID != rec.Parcel.ItemID || &rec.Parcel.Raw[0] != &tt.msg.Value[0] {
			t.Errorf("process(%s) record does not hold its own parcel over the message value", tt.name)
		}
		if len(it.value) == 0 {
			t.Errorf("process(%s) gave no assessment JSON with the outbound topic on", tt.name)
		}
	}
}

// The scorer package's Scorer is what a Pipeline scores with.
var _ Scorer = (*scorer.Scorer)(nil)
