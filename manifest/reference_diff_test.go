package manifest_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/parcelguard/parcelguard/manifest"
	"github.com/parcelguard/parcelguard/synth"
)

// differ decodes inputs with the decoder and with the reference decoder,
// each keeping its Decoder and Parcel from one input to the next as a stream
// worker does, and reports any difference in the result.
type differ struct {
	d   manifest.Decoder
	p   manifest.Parcel
	ref refDecoder
	rp  manifest.Parcel
}

// check returns a description of how the two decoders disagree on data,
// or "" when they agree on everything: the error, every field, every key
// and every finding.
func (x *differ) check(data []byte) string {
	at := time.Date(2026, 11, 20, 10, 16, 0, 0, time.UTC)
	err := x.d.Decode(data, at, &x.p)
	rerr := x.ref.Decode(data, at, &x.rp)
	if diff := diffResult(&x.rp, rerr, &x.p, err); diff != "" {
		return diff
	}
	// A fresh Decoder and Parcel must agree too: reuse must not matter.
	var fd manifest.Decoder
	var fp manifest.Parcel
	ferr := fd.Decode(data, at, &fp)
	return diffResult(&x.rp, rerr, &fp, ferr)
}

func diffResult(want *manifest.Parcel, werr error, got *manifest.Parcel, gerr error) string {
	var wrej, grej *manifest.Rejection
	if (werr == nil) != (gerr == nil) || werr != nil && (!errors.As(werr, &wrej) || !errors.As(gerr, &grej)) {
		return "error: reference " + errString(werr) + ", decoder " + errString(gerr)
	}
	if diff := cmp.Diff(wrej, grej); diff != "" {
		return "rejection (-reference +decoder):\n" + diff
	}
	// time.Parse makes a Location per offset, so compare posting times by
	// instant and offset rather than by Location pointer.
	_, wo := want.PostedAt.Zone()
	_, go_ := got.PostedAt.Zone()
	if !want.PostedAt.Equal(got.PostedAt) || wo != go_ {
		return "PostedAt: reference " + want.PostedAt.String() + ", decoder " + got.PostedAt.String()
	}
	if sameFields(want, got) {
		return ""
	}
	if diff := cmp.Diff(*want, *got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(manifest.Parcel{}, "PostedAt")); diff != "" {
		return "parcel (-reference +decoder):\n" + diff
	}
	return ""
}

// sameFields is cmp.Equal with empty slices equal to nil and PostedAt left
// out, at a fraction of its cost: most comparisons find no difference, and
// only a difference needs cmp.Diff to describe it.
func sameFields(a, b *manifest.Parcel) bool {
	x, y := *a, *b
	x.PostedAt, y.PostedAt = time.Time{}, time.Time{}
	for _, p := range []*manifest.Parcel{&x, &y} {
		if len(p.Contents) == 0 {
			p.Contents = nil
		}
		if len(p.Quality) == 0 {
			p.Quality = nil
		}
		if len(p.Raw) == 0 {
			p.Raw = nil
		}
	}
	return reflect.DeepEqual(x, y)
}

func errString(err error) string {
	if err == nil {
		return "nil"
	}
	return err.Error()
}

// nastyInputs are hand-written inputs at the edges of JSON and of the
// contract, where a hand-written scanner and fastjson could part ways.
var nastyInputs = []string{
	``, ` `, `{`, `}`, `{}`, ` {} `, `{} x`, `{}{}`, `[]`, `[1]`, `"x"`, `1`, `-`, `true`, `false`, `null`, `nul`, `tru`,
	`{"item_id"}`, `{"item_id" "x"}`, `{"item_id":}`, `{"item_id":"x",}`, `{,}`, `{"a":1 "b":2}`, `{"a":1,"a":2}`,
	`{"item_id":"A","item_id":"B","operator":"X","origin_country":"NL","destination_country":"DE","contents":[{}]}`,
	`{"item_id":null,"item_id":"B"}`,
	`{"item_id":1,"item_id":"B"}`,
	`{"item\u005fid":"ESC","operator":"X","origin_country":"NL","destination_country":"DE","contents":[{"description":"d"}]}`,
	`{"sender":{"name":"A","name":"B","country":"nl","country":"de"},"recipient":{"country":"xx"}}`,
	`{"contents":[{"quantity":1,"quantity":2,"value":1.5,"value":"x"}]}`,
	`{"contents":[1,"x",null,[],{},true]}`,
	`{"contents":{}}`, `{"contents":"x"}`, `{"contents":null}`, `{"contents":[]}`, `{"contents":1e5}`,
	`{"sender":[]}`, `{"sender":"x"}`, `{"sender":null}`, `{"sender":true}`, `{"recipient":1}`,
	`{"operator":{"a":[1,2,{"b":null}]}}`, `{"operator":[]}`, `{"operator":false}`, `{"operator":-0}`,
	`{"gross_weight_kg":-0,"declared_value":0e0,"postage_paid":-0.0}`,
	`{"gross_weight_kg":1e400,"declared_value":-1e400,"postage_paid":1e-400}`,
	`{"gross_weight_kg":0.1e1,"declared_value":123456789012345678901234567890,"postage_paid":1.00000000000000000000001}`,
	`{"gross_weight_kg":1000,"declared_value":100000000,"postage_paid":100000000.0000001,"amendment":1.5}`,
	`{"amendment":1e6,"contents":[{"quantity":2.5},{"quantity":1e6},{"quantity":1000001}]}`,
	`{"amendment":-1}`, `{"amendment":"1"}`, `{"amendment":12345678901234567890}`,
	`{"gross_weight_kg":01}`, `{"gross_weight_kg":1.}`, `{"gross_weight_kg":.5}`, `{"gross_weight_kg":1e}`, `{"gross_weight_kg":1e+}`,
	`{"gross_weight_kg":+1}`, `{"gross_weight_kg":NaN}`, `{"gross_weight_kg":Infinity}`, `{"gross_weight_kg":-Infinity}`,
	`{"gross_weight_kg":0.000000000000000000001}`, `{"gross_weight_kg":1.5E2}`, `{"gross_weight_kg":1.5e-2}`, `{"gross_weight_kg":99999999999999999999e-20}`,
	`{"gross_weight_kg":123456789012345678}`, `{"gross_weight_kg":-123456789012345678}`, `{"gross_weight_kg":1.2345678901234567890123}`,
	`{"gross_weight_kg":1e301}`, `{"gross_weight_kg":1e-301}`, `{"gross_weight_kg":0.1e-999}`, `{"gross_weight_kg":1e0000000000000000000000000001}`,
	`{"operator":"\ud800"}`, `{"operator":"\ud800\udc00"}`, `{"operator":"\udc00\ud800"}`, `{"operator":"\ud800\u0041B"}`, `{"operator":"\ud800x"}`,
	`{"operator":"\ud800\\u0041"}`, `{"operator":"\u0000"}`, `{"operator":"\u00e9\u20ac\uFFFF"}`, `{"operator":"a\"b\\c\/d\be\ff\ng\rh\ti"}`,
	`{"operator":"\x"}`, `{"operator":"\u12"}`, `{"operator":"\u12g4"}`, `{"operator":"\`, `{"operator":"abc`, `{"operator":"a` + "\x01" + `"}`,
	"{\"operator\":\"\xff\"}", "{\"operator\":\"\xc3\"}", "{\"operator\":\"\xed\xa0\x80\"}", "{\"operator\":\"\xe2\x82\"}", "{\"\xff\":1,\"operator\":\"ok\"}",
	"{\"operator\":\"\xc3\\u00a9\"}", "{\"operator\":\"\\u00e9\xa9\"}",
	"{\"item_id\":\"RR123456785NL\",\"operator\":\"\xc3\xa9\",\"sender\":{\"name\":\"\xff\"}}",
	"{\"item_id\":\"RR 123\"}", "{\"item_id\":\"RR\\u00a0123\"}", "{\"item_id\":\"RR\\u200b123\"}", "{\"item_id\":\"RR\\u007f\"}",
	`{"item_id":"` + strings.Repeat("A", 65) + `"}`, `{"item_id":"` + strings.Repeat("A", 1025) + `"}`,
	`{"operator":"` + strings.Repeat("\\u00e9", 300) + `"}`, `{"operator":"` + strings.Repeat("\\u00e9", 600) + `"}`,
	`{"contents":[{"description":"` + strings.Repeat("x", 4097) + `"}]}`,
	`{"contents":[{"description":"` + strings.Repeat("x", 4096) + `","hs_code":"` + strings.Repeat("1", 1025) + `"},{"hs_code":"` + strings.Repeat("2", 1024) + `","origin_country":"xx"}]}`,
	`{"mail_class":" PARCEL ","operator_kind":"Express","category":"gift ","currency":" eur "}`,
	`{"mail_class":"box","operator_kind":"` + strings.Repeat("é", 40) + `","category":""}`,
	`{"origin_country":" nl","destination_country":"Netherlands"}`, `{"origin_country":"zz","destination_country":""}`,
	`{"origin_country":"n\u004c","destination_country":"d\u0065"}`,
	`{"posted_at":"2026-11-20T10:15:00Z"}`, `{"posted_at":"yesterday"}`, `{"posted_at":""}`, `{"posted_at":null}`, `{"posted_at":1}`,
	" \t\n\r{\"item_id\" \t:\n\"x\" \r}\n\t ", "{\"a\":1}\x00", "\xef\xbb\xbf{}", "{\"a\":1}\n\n",
	strings.Repeat("[", 299) + strings.Repeat("]", 299), strings.Repeat("[", 300) + strings.Repeat("]", 300), strings.Repeat("[", 301) + strings.Repeat("]", 301),
	`{"x":` + strings.Repeat("[", 299) + strings.Repeat("]", 299) + `}`, `{"x":` + strings.Repeat("[", 298) + strings.Repeat("]", 298) + `}`,
	`{"sender":{"x":` + strings.Repeat("[", 298) + strings.Repeat("]", 298) + `}}`, `{"sender":{"x":` + strings.Repeat("[", 297) + strings.Repeat("]", 297) + `}}`,
	`{"contents":[{"x":` + strings.Repeat("{\"a\":", 297) + `1` + strings.Repeat("}", 297) + `}]}`,
	`{"contents":[{"x":` + strings.Repeat("{\"a\":", 296) + `1` + strings.Repeat("}", 296) + `}]}`,
	`{"contents":[` + strings.Repeat("[", 298) + strings.Repeat("]", 298) + `]}`,
	`{"contents":[` + strings.Repeat("[", 299) + strings.Repeat("]", 299) + `]}`,
	`{"contents":[` + strings.Repeat(`{"quantity":-1},`, 1000) + `{}]}`,
	`{"contents":[` + strings.Repeat(`{"quantity":-1},`, 999) + `{}]}`,
	`{"contents":[` + strings.Repeat(`{"description":"d"},`, 1000) + `{"description":"d"}],"item_id":"RR123456785NL"}`,
	`{"contents":[` + strings.Repeat(`{"description":"d"},`, 1000) + `{"description":"d"}],"item_id":"RR123456785NL"`,
	`{"contents":[` + strings.Repeat(`{"description":"d"},`, 1000) + `{"description":"d"}],"contents":[{}]}`,
	`{"contents":[{}],"contents":` + `[` + strings.Repeat(`1,`, 1001) + `1]}`,
	`{"a":` + strings.Repeat(`{"quantity":-1,"operator":1},`, 150) + `}`,
	`{"item_id":1,"operator":2,"origin_country":3,"destination_country":4,"contents":[` + strings.Repeat(`{"quantity":-1,"value":"x","net_weight_kg":[]},`, 100) + `{}]}`,
	`{"sender":{"phone":"+31 20 123 4567","email":"A@B.NL","country":"NL","name":"Smith, John","street":"Hauptstr. 5","postcode":"1234 AB"}}`,
	`{"item_id":"RR123456785NL","operator":"X","origin_country":"NL","destination_country":"DE","contents":[{"description":"d","value":1}],"declared_value":5,"sender":{"phone":"020 123","email":"x@","country":"xx"}}`,
	// Numbers at the edges of the plain decimals the decoder reads at once.
	`{"gross_weight_kg":1234567890123456,"declared_value":12345678901234567,"postage_paid":1234567.123456789}`,
	`{"gross_weight_kg":0.0,"declared_value":0.1234567890123456,"postage_paid":0.12345678901234567,"amendment":3.0}`,
	`{"contents":[{"quantity":2.0,"net_weight_kg":1000.0,"value":100000000.5},{"quantity":1000000,"net_weight_kg":1000.0000001,"value":99999999.99}]}`,
	`{"contents":[{"quantity":1000000.5,"net_weight_kg":999.9999999999999,"value":0.1},{"quantity":1000001.0}],"amendment":1000000.0}`,
	`{"gross_weight_kg":00.5}`, `{"gross_weight_kg":1.5e1,"declared_value":2E0}`, `{"gross_weight_kg":7.}`, `{"gross_weight_kg":7.5.5}`,
	`{"gross_weight_kg":5,"declared_value":5}`, `{"gross_weight_kg":0}`, `{"gross_weight_kg":9`, `{"gross_weight_kg":9.`, `{"gross_weight_kg":9.5`,
	// Keys near the known names: prefixes, extensions, the end of the input.
	`{"operator_kin":"a","operatorx":"b","operato":"c","item_idd":"d","item_i":"e","operator":"ok","operator_kind":"post"}`,
	`{"sender":{"cit":"a","cityy":"b","city\u0000":"c","namename":"d","":"e","city":"f"},"contents":[{"valu":1,"value_":2,"hs_code ":"x"}]}`,
	"{\"sender\":{\"city\x00\":\"c\"}}", "{\"operator\"\t:\"x\"}", "{\"operator\x7f\":1}", "{\"operator\xc3\xa9\":1}",
	`{"sender":{"name" :"a","city"  :  "b","email"` + "\t:" + `"c@d.ef","tax_id":"x","phone":"+49 30 1234567"},"operator_kind":"post","operator" : "X"}`,
	`{"operator"`, `{"operator":`, `{"operator_kind"`, `{"sender":{"city"`, `{"sender":{"city":"x"`, `{"sender":{"phone`,
}

func TestDecodeMatchesReferenceOnInputs(t *testing.T) {
	var x differ
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata: %v, %v", files, err)
	}
	var inputs [][]byte
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, b)
	}
	for _, s := range manifest.BrokenSeeds {
		inputs = append(inputs, []byte(s))
	}
	for _, s := range nastyInputs {
		inputs = append(inputs, []byte(s))
	}
	corpus, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, name := range corpus {
		if b, ok := readCorpusFile(t, name); ok {
			inputs = append(inputs, b)
		}
	}
	// Every input, and every input cut short at each byte of its first
	// kilobyte, exercises the syntax errors at every position.
	for _, in := range inputs {
		if diff := x.check(in); diff != "" {
			t.Errorf("Decode(%q): %s", clip(in), diff)
		}
		for n := 0; n < len(in) && n < 1024; n++ {
			if diff := x.check(in[:n]); diff != "" {
				t.Errorf("Decode(%q): %s", clip(in[:n]), diff)
				break
			}
		}
	}
}

// TestDecodeMatchesReferenceOnSynth compares the decoders on generated
// manifests: 20,000 by default (a few seconds, minutes under -race),
// PARCELGUARD_DECODE_DIFF_MANIFESTS=N for a longer comparison after a change
// to the decoder.
func TestDecodeMatchesReferenceOnSynth(t *testing.T) {
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	if v := os.Getenv("PARCELGUARD_DECODE_DIFF_MANIFESTS"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 0 {
			t.Fatalf("PARCELGUARD_DECODE_DIFF_MANIFESTS=%q: want a number of manifests", v)
		}
	}
	configs := []synth.Config{
		{Seed: 1, BrokenShare: 0.2, DeficientShare: 0.3, PatternShare: 0.1},
		{Seed: 2, BrokenShare: 0.05},
		{Seed: 3, DeficientShare: 0.5, PatternShare: 0.2},
		{Seed: 4, BrokenShare: 0.5, DeficientShare: 0.5},
	}
	var x differ
	var buf []byte
	failures := 0
	for _, cfg := range configs {
		g := synth.New(cfg)
		for i := 0; i < n/len(configs); i++ {
			buf = g.Next(buf[:0])
			if diff := x.check(buf); diff != "" {
				t.Errorf("seed %d manifest %d %q: %s", cfg.Seed, i, clip(buf), diff)
				if failures++; failures > 10 {
					t.FailNow()
				}
			}
		}
	}
}

// FuzzDecodeMatchesReference compares the decoder with the reference
// decoder on arbitrary input.
func FuzzDecodeMatchesReference(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.json")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range manifest.BrokenSeeds {
		f.Add([]byte(s))
	}
	for _, s := range nastyInputs {
		f.Add([]byte(s))
	}
	g := synth.New(synth.Config{Seed: 9, BrokenShare: 0.3, DeficientShare: 0.3})
	for range 20 {
		f.Add(g.Next(nil))
	}
	var x differ
	f.Fuzz(func(t *testing.T, data []byte) {
		if diff := x.check(data); diff != "" {
			t.Errorf("Decode(%q): %s", data, diff)
		}
	})
}

// readCorpusFile reads the input of a file of the fuzzing corpus, which
// go test writes as "go test fuzz v1" followed by []byte("...").
func readCorpusFile(t *testing.T, name string) ([]byte, bool) {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
		return nil, false
	}
	s, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		return nil, false
	}
	return []byte(s), true
}

func clip(b []byte) []byte {
	if len(b) > 300 {
		return b[:300]
	}
	return b
}
