package stream

import (
	"strings"
	"testing"
	"time"
)

func TestItemKey(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"first", `{"item_id":"RR123456785NL","operator":"NLPOST"}`, "RR123456785NL"},
		{"after nested", `{"contents":[{"item_id":"inner"}],"sender":{"a":{"item_id":"x"}},"item_id":"RR1"}`, "RR1"},
		{"spaces", " {\n \"operator\" : \"X\" ,\t\"item_id\" : \"AB\" }", "AB"},
		{"escaped", `{"item_id":"A\"B\u0043"}`, `A"BC`},
		{"escaped quote in earlier value", `{"note":"say \"item_id\":\"no\"","item_id":"yes"}`, "yes"},
		{"numbers and literals", `{"a":1.5e3,"b":true,"c":null,"item_id":"Z"}`, "Z"},
		{"not a string", `{"item_id":12}`, ""},
		{"missing", `{"operator":"X"}`, ""},
		{"not an object", `["item_id","x"]`, ""},
		{"not json", `hello`, ""},
		{"truncated", `{"item_id":"RR12`, ""},
		{"empty", ``, ""},
	}
	for _, tt := range tests {
		if got := string(ItemKey([]byte(tt.in))); got != tt.want {
			t.Errorf("ItemKey(%s) = %q; want %q", tt.name, got, tt.want)
		}
	}
}

func TestItemKeySynthetic(t *testing.T) {
	for _, m := range genManifests(9, 200, 0) {
		k := string(ItemKey(m))
		if k == "" || !strings.Contains(string(m), `"item_id":"`+k+`"`) {
			t.Fatalf("ItemKey(%.80s) = %q", m, k)
		}
	}
}

func TestProducerRateAndNDJSON(t *testing.T) {
	b := startTestBroker(t)
	p, err := NewProducer(ProducerConfig{Brokers: b.Addrs(), Rate: 200, Compression: "zstd"})
	if err != nil {
		t.Fatalf("NewProducer: %v", err)
	}
	defer p.Close()
	var ndjson strings.Builder
	for _, m := range genManifests(10, 100, 0) {
		ndjson.Write(m)
		ndjson.WriteString("\n\n")
	}
	start := time.Now()
	n, err := p.SendNDJSON(t.Context(), strings.NewReader(ndjson.String()))
	took := time.Since(start)
	if err != nil || n != 100 {
		t.Fatalf("SendNDJSON = %d, %v; want 100, nil", n, err)
	}
	// 100 messages at 200/s: the last request may start at 0.5 s less
	// one request's worth.
	if took < 400*time.Millisecond {
		t.Errorf("sent 100 messages at 200/s in %v; want about 0.5 s", took)
	}
	if got := sum(endOffsets(t, b, DefaultManifestsTopic)); got != 100 {
		t.Errorf("topic holds %d messages; want 100", got)
	}
}
