package manifest

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// brokenSeeds are inputs near the edges of the contract, added to the
// testdata manifests as fuzzing seeds.
var brokenSeeds = []string{
	``,
	`{`,
	`[]`,
	`null`,
	`{"item_id":`,
	`{"item_id":"RR123456785NL","operator":"X","origin_country":"nl","destination_country":"de","contents":[{}]}`,
	`{"item_id":"RR123456785NL","operator":"X","origin_country":"NL","destination_country":"DE","contents":[{"quantity":1e400,"value":-0}],"gross_weight_kg":-1e-400}`,
	`{"item_id":"\u0000","sender":{"phone":"+(0)","email":"@"},"contents":[1,"x",null,[]]}`,
	`{"item_id":"x","sender":{"name":"\ud800\udc00 \ud800 Mr M"},"recipient":null}`,
	`{"item_id":"RR123456785NP","operator":"NPPOST","origin_country":"NP","destination_country":"IN","posted_at":"2026-11-20T10:15:00+05:45","contents":[{"value":1}]}`,
	"{\"operator\":\"\xff\xfe\"}",
	strings.Repeat("[", 301) + strings.Repeat("]", 301),
	`{"a":[` + strings.Repeat(`{"b":`, 299) + `1` + strings.Repeat(`}`, 299) + `]}`,
}

// FuzzDecode checks that Decode answers every input: no panic, and either a
// parcel whose findings are documented data-quality codes, or a Rejection
// with at least one documented rejection code.
func FuzzDecode(f *testing.F) {
	addSeeds(f)
	dirty := readFile(f, "testdata/poor_quality.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		// Decode into a Decoder and Parcel that held another manifest, as
		// a stream worker does, and compare with a fresh decode.
		var d Decoder
		var p Parcel
		if err := d.Decode(dirty, time.Time{}, &p); err != nil {
			t.Fatal(err)
		}
		err := d.Decode(data, time.Time{}, &p)
		var fresh Parcel
		var fd Decoder
		ferr := fd.Decode(data, time.Time{}, &fresh)
		if !sameParcel(&fresh, &p) {
			t.Errorf("Decode(%q) with a reused Decoder and Parcel differs (-fresh +reused):\n%s", data, cmp.Diff(fresh, p, cmpopts.EquateEmpty()))
		}
		if err != nil {
			if ferr == nil || err.Error() != ferr.Error() {
				t.Errorf("Decode(%q) error = %v with a reused Decoder, %v with a fresh one", data, err, ferr)
			}
			var rej *Rejection
			if !errors.As(err, &rej) {
				t.Fatalf("Decode(%q) error = %T %v; want a *Rejection", data, err, err)
			}
			if len(rej.Findings) == 0 {
				t.Fatalf("Decode(%q) = empty Rejection", data)
			}
			for _, f := range rej.Findings {
				if Codes[f.Code].Kind != KindReject || f.Message == "" {
					t.Errorf("Decode(%q) rejection finding %+v; want a documented rejection code and a message", data, f)
				}
			}
			return
		}
		if ferr != nil {
			t.Errorf("Decode(%q) accepted with a reused Decoder, rejected with a fresh one: %v", data, ferr)
		}
		for _, f := range p.Quality {
			if Codes[f.Code].Kind != KindQuality || f.Message == "" || f.Path == "" {
				t.Errorf("Decode(%q) quality finding %+v; want a documented data-quality code, a path and a message", data, f)
			}
		}
		if !json.Valid(data) {
			t.Errorf("Decode(%q) accepted a message that is not JSON", data)
		}
		if p.ItemID == "" || p.Operator == "" || !IsCountry(p.OriginCountry) || !IsCountry(p.DestinationCountry) || len(p.Contents) == 0 {
			t.Errorf("Decode(%q) accepted a parcel without its required fields: %+v", data, p)
		}
		for _, s := range []string{p.ItemID, p.Operator, p.Sender.Name, p.Recipient.Street, p.Sender.NameKey, p.Recipient.AddressKey, p.Sender.EmailKey} {
			if !utf8.ValidString(s) {
				t.Errorf("Decode(%q) gave a field that is not UTF-8: %q", data, s)
			}
		}
		for _, pt := range []Party{p.Sender, p.Recipient} {
			if e := pt.PhoneE164; e != "" && (e[0] != '+' || len(e) < 9 || len(e) > 16) {
				t.Errorf("Decode(%q) PhoneE164 = %q; want + and 8 to 15 digits", data, e)
			}
		}
	})
}

// sameParcel is cmp.Equal with empty slices equal to nil, at a fraction of
// its cost, so that the fuzzer spends its time in Decode.
func sameParcel(a, b *Parcel) bool {
	x, y := *a, *b
	// time.Parse makes a new Location for an offset such as +05:45, so
	// compare the instants and offsets, not the Location pointers.
	_, xo := x.PostedAt.Zone()
	_, yo := y.PostedAt.Zone()
	if !x.PostedAt.Equal(y.PostedAt) || xo != yo {
		return false
	}
	x.PostedAt, y.PostedAt = time.Time{}, time.Time{}
	for _, p := range []*Parcel{&x, &y} {
		if len(p.Contents) == 0 {
			p.Contents = nil
		}
		if len(p.Quality) == 0 {
			p.Quality = nil
		}
	}
	return reflect.DeepEqual(x, y)
}

// FuzzCheckJSON compares checkJSON, the decoder's syntax scanner run on its
// own, with the standard library's idea of valid JSON.
func FuzzCheckJSON(f *testing.F) {
	addSeeds(f)
	for _, s := range []string{`0`, `-0.5e+3`, `01`, `1.`, `.5`, `-`, `"\u00e9\n"`, `"\x"`, `"\u12"`, `[1,]`, `{"a" 1}`, `{"a":1,}`, ` true `, `nul`, "\"a\x01\""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		utf8OK, serr := checkJSON(data)
		if serr != nil {
			if serr.off < 0 || serr.off > len(data) || serr.msg == "" {
				t.Errorf("checkJSON(%q) error %+v; want an offset within the input and a message", data, serr)
			}
			if strings.Contains(serr.msg, "nest deeper") {
				return
			}
			if json.Valid(data) {
				t.Errorf("checkJSON(%q) = %s at %d; encoding/json says it is valid", data, serr.msg, serr.off)
			}
			return
		}
		if !json.Valid(data) {
			t.Errorf("checkJSON(%q) accepted; encoding/json says it is not valid", data)
		}
		if utf8OK != utf8.Valid(data) {
			t.Errorf("checkJSON(%q) utf8OK = %v; want %v", data, utf8OK, !utf8OK)
		}
	})
}

// addSeeds seeds a fuzzer with the fixtures and the broken inputs.
func addSeeds(f *testing.F) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		f.Add(readFile(f, name))
	}
	for _, s := range brokenSeeds {
		f.Add([]byte(s))
	}
}
