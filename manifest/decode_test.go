package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// baseFile is a clean manifest: it decodes with no finding at all, so each
// table case below shows exactly the finding its edit causes.
const baseFile = "testdata/nl_de_webshop.json"

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// edited returns the base manifest changed by edit.
func edited(t testing.TB, edit func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(readFile(t, baseFile), &m); err != nil {
		t.Fatal(err)
	}
	if edit != nil {
		edit(m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

func line(m map[string]any, i int) map[string]any { return m["contents"].([]any)[i].(map[string]any) }

// set returns an edit that sets key of the object at path ("" for the top
// level, "sender", "contents.1") to v.
func set(at, key string, v any) func(m map[string]any) {
	return func(m map[string]any) { target(m, at)[key] = v }
}

// del returns an edit that deletes key of the object at path.
func del(at, key string) func(m map[string]any) {
	return func(m map[string]any) { delete(target(m, at), key) }
}

func target(m map[string]any, at string) map[string]any {
	switch at {
	case "":
		return m
	case "contents.0":
		return line(m, 0)
	case "contents.1":
		return line(m, 1)
	}
	return obj(m, at)
}

// edits combines edits.
func edits(fs ...func(m map[string]any)) func(m map[string]any) {
	return func(m map[string]any) {
		for _, f := range fs {
			f(m)
		}
	}
}

func TestBaseIsClean(t *testing.T) {
	p, err := Decode(readFile(t, baseFile))
	if err != nil {
		t.Fatalf("Decode(%s) = %v; want no error", baseFile, err)
	}
	if len(p.Quality) != 0 {
		t.Fatalf("Decode(%s) quality = %v; want none", baseFile, p.Quality)
	}
}

type rejectCase struct {
	name string
	edit func(m map[string]any) // changes the base manifest
	raw  []byte                 // sent instead of the base manifest when not nil
	swap [2]string              // replaces swap[0] by swap[1] in the base manifest
	max  int                    // Decoder.MaxBytes
	code string
	path string
	msg  string // a part of the message
}

var rejectCases = []rejectCase{
	{name: "too large", max: 512, code: CodeTooLarge, msg: "limit is 512"},
	{name: "trailing comma", raw: []byte(`{"item_id":"x",}`), code: CodeNotJSON, msg: "at byte 15"},
	{name: "NaN", raw: []byte(`{"item_id":"x","gross_weight_kg":NaN}`), code: CodeNotJSON, msg: "at byte 33"},
	{name: "empty message", raw: []byte(``), code: CodeNotJSON, msg: "at byte 0"},
	{name: "raw tab in string", raw: []byte("{\"operator\":\"a\tb\"}"), code: CodeNotJSON, msg: "control character"},
	{name: "two objects", raw: []byte(`{} {}`), code: CodeNotJSON, msg: "at byte 3"},
	{name: "array", raw: []byte(`[{"item_id":"RR123456785NL"}]`), code: CodeNotObject, msg: "JSON array, not an object"},
	{name: "string", raw: []byte(`"RR123456785NL"`), code: CodeNotObject},
	{name: "phone as number", edit: set("sender", "phone", 4930123), code: CodeWrongType, path: "sender.phone", msg: "sender.phone must be a string, got number"},
	{name: "quantity as string", edit: set("contents.1", "quantity", "2"), code: CodeWrongType, path: "contents[1].quantity", msg: "contents[1].quantity must be a number, got string"},
	{name: "sender as string", edit: set("", "sender", "Jan de Vries"), code: CodeWrongType, path: "sender", msg: "sender must be an object, got string"},
	{name: "contents as object", edit: set("", "contents", map[string]any{}), code: CodeWrongType, path: "contents", msg: "must be an array, got object"},
	{name: "contents line as string", edit: func(m map[string]any) { m["contents"].([]any)[0] = "socks" }, code: CodeWrongType, path: "contents[0]", msg: "must be an object"},
	{name: "item_id as boolean", edit: set("", "item_id", true), code: CodeWrongType, path: "item_id", msg: "got boolean"},
	{name: "posted_at as number", edit: set("", "posted_at", 1763633700), code: CodeWrongType, path: "posted_at"},
	{name: "gross weight as string", edit: set("", "gross_weight_kg", "0.95"), code: CodeWrongType, path: "gross_weight_kg"},
	{name: "invalid UTF-8", swap: [2]string{"Jürgen", "J\xffrgen"}, code: CodeInvalidUTF8, path: "recipient.name"},
	{name: "operator too long", edit: set("", "operator", strings.Repeat("A", MaxStringBytes+1)), code: CodeFieldTooLong, path: "operator", msg: "1025 bytes"},
	{name: "description too long", edit: set("contents.0", "description", strings.Repeat("a", MaxDescriptionBytes+1)), code: CodeFieldTooLong, path: "contents[0].description"},
	{name: "item_id missing", edit: del("", "item_id"), code: CodeMissingItemID, path: "item_id", msg: "UPU S10 identifier"},
	{name: "item_id null", edit: set("", "item_id", nil), code: CodeMissingItemID, path: "item_id"},
	{name: "item_id empty", edit: set("", "item_id", ""), code: CodeMissingItemID, path: "item_id"},
	{name: "item_id too long", edit: set("", "item_id", strings.Repeat("1", MaxItemIDBytes+1)), code: CodeInvalidItemID, path: "item_id", msg: "65 bytes"},
	{name: "item_id with space", edit: set("", "item_id", "RR 123456785NL"), code: CodeInvalidItemID, path: "item_id", msg: "at byte 2"},
	{name: "item_id with control", edit: set("", "item_id", "RR123456785NL\u0007"), code: CodeInvalidItemID, path: "item_id"},
	{name: "item_id with zero-width space", edit: set("", "item_id", "RR123456785\u200bNL"), code: CodeInvalidItemID, path: "item_id"},
	{name: "operator missing", edit: del("", "operator"), code: CodeMissingOperator, path: "operator"},
	{name: "operator blank", edit: set("", "operator", "  "), code: CodeMissingOperator, path: "operator"},
	{name: "origin missing", edit: del("", "origin_country"), code: CodeMissingOriginCountry, path: "origin_country"},
	{name: "destination null", edit: set("", "destination_country", nil), code: CodeMissingDestinationCountry, path: "destination_country"},
	{name: "origin spelt out", edit: set("", "origin_country", "Netherlands"), code: CodeInvalidCountry, path: "origin_country", msg: `"Netherlands"`},
	{name: "destination unassigned", edit: set("", "destination_country", "XX"), code: CodeInvalidCountry, path: "destination_country"},
	{name: "contents missing", edit: del("", "contents"), code: CodeNoContents, path: "contents"},
	{name: "contents empty", edit: set("", "contents", []any{}), code: CodeNoContents, path: "contents"},
	{name: "contents null", edit: set("", "contents", nil), code: CodeNoContents, path: "contents"},
	{name: "too many lines", edit: func(m map[string]any) {
		lines := make([]any, MaxContents+1)
		for i := range lines {
			lines[i] = map[string]any{"description": "pen", "quantity": 1}
		}
		m["contents"] = lines
	}, code: CodeTooManyContents, path: "contents", msg: "1001 lines"},
	{name: "negative gross weight", edit: set("", "gross_weight_kg", -1), code: CodeNegativeValue, path: "gross_weight_kg"},
	{name: "negative line value", edit: set("contents.0", "value", -0.01), code: CodeNegativeValue, path: "contents[0].value", msg: "-0.01"},
	{name: "negative quantity", edit: set("contents.1", "quantity", -3), code: CodeNegativeValue, path: "contents[1].quantity"},
	{name: "gross weight over limit", edit: set("", "gross_weight_kg", 1000.5), code: CodeAbsurdValue, path: "gross_weight_kg", msg: "1000.5"},
	{name: "net weight in grams", edit: set("contents.0", "net_weight_kg", 1200), code: CodeAbsurdValue, path: "contents[0].net_weight_kg"},
	{name: "fractional quantity", edit: set("contents.0", "quantity", 1.5), code: CodeAbsurdValue, path: "contents[0].quantity", msg: "whole number"},
	{name: "huge quantity", edit: set("contents.0", "quantity", MaxQuantity+1), code: CodeAbsurdValue, path: "contents[0].quantity"},
	{name: "huge value", edit: set("contents.1", "value", 1e9), code: CodeAbsurdValue, path: "contents[1].value"},
	{name: "huge postage", edit: set("", "postage_paid", 2e8), code: CodeAbsurdValue, path: "postage_paid"},
	{name: "fractional amendment", edit: set("", "amendment", 2.5), code: CodeAbsurdValue, path: "amendment"},
	{name: "exponent beyond float64", swap: [2]string{`"declared_value":42.4`, `"declared_value":1e400`}, code: CodeAbsurdValue, path: "declared_value", msg: "too large"},
	{name: "posted_at with space", edit: set("", "posted_at", "2026-11-20 10:15:00"), code: CodeInvalidTime, path: "posted_at", msg: "RFC 3339"},
	{name: "posted_at in words", edit: set("", "posted_at", "yesterday"), code: CodeInvalidTime, path: "posted_at"},
	{name: "operator_kind courier", edit: set("", "operator_kind", "courier"), code: CodeInvalidEnum, path: "operator_kind", msg: "post, express"},
	{name: "mail_class box", edit: set("", "mail_class", "box"), code: CodeInvalidEnum, path: "mail_class"},
	{name: "category present", edit: set("", "category", "present"), code: CodeInvalidEnum, path: "category"},
}

func TestDecodeRejects(t *testing.T) {
	for _, tc := range rejectCases {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.raw
			switch {
			case tc.swap[0] != "":
				data = bytes.Replace(readFile(t, baseFile), []byte(tc.swap[0]), []byte(tc.swap[1]), 1)
			case data == nil:
				data = edited(t, tc.edit)
			}
			d := Decoder{MaxBytes: tc.max}
			var p Parcel
			err := d.Decode(data, time.Time{}, &p)
			var rej *Rejection
			if !errors.As(err, &rej) {
				t.Fatalf("Decode(%s) error = %v; want a *Rejection", tc.name, err)
			}
			i := slices.IndexFunc(rej.Findings, func(f Finding) bool { return f.Code == tc.code && f.Path == tc.path })
			if i < 0 {
				t.Fatalf("Decode(%s) code = %q; want %q at %q (error: %v)", tc.name, rej.Code(), tc.code, tc.path, rej)
			}
			if msg := rej.Findings[i].Message; !strings.Contains(msg, tc.msg) {
				t.Errorf("Decode(%s) message = %q; want it to contain %q", tc.name, msg, tc.msg)
			}
			for _, f := range rej.Findings {
				if Codes[f.Code].Kind != KindReject {
					t.Errorf("Decode(%s) rejection lists %s, which is not a rejection code", tc.name, f.Code)
				}
			}
		})
	}
}

func TestDecodeCollectsAllRejections(t *testing.T) {
	data := edited(t, edits(
		del("", "item_id"),
		set("", "operator_kind", "courier"),
		set("sender", "phone", 12),
		set("contents.0", "quantity", -1),
		set("contents.1", "net_weight_kg", "heavy"),
		set("", "posted_at", "now"),
	))
	_, err := Decode(data)
	var rej *Rejection
	if !errors.As(err, &rej) {
		t.Fatalf("Decode(several problems) error = %v; want a *Rejection", err)
	}
	var got []string
	for _, f := range rej.Findings {
		got = append(got, f.Code+" "+f.Path)
	}
	want := []string{
		"INVALID_ENUM operator_kind",
		"INVALID_TIME posted_at",
		"MISSING_ITEM_ID item_id",
		"NEGATIVE_VALUE contents[0].quantity",
		"WRONG_TYPE contents[1].net_weight_kg",
		"WRONG_TYPE sender.phone",
	}
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decode(several problems) findings (-want +got):\n%s", diff)
	}
}

func TestRejectionBounded(t *testing.T) {
	data := edited(t, func(m map[string]any) {
		lines := make([]any, MaxContents)
		for i := range lines {
			lines[i] = map[string]any{"quantity": -1, "value": "free"}
		}
		m["contents"] = lines
	})
	_, err := Decode(data)
	var rej *Rejection
	if !errors.As(err, &rej) {
		t.Fatalf("Decode(1000 bad lines) error = %v; want a *Rejection", err)
	}
	if len(rej.Findings) != MaxRejectFindings || rej.Omitted != 2*MaxContents-MaxRejectFindings {
		t.Errorf("Decode(1000 bad lines) = %d findings, %d omitted; want %d, %d", len(rej.Findings), rej.Omitted, MaxRejectFindings, 2*MaxContents-MaxRejectFindings)
	}
	if !strings.HasSuffix(rej.Error(), "; and 1900 more") {
		t.Errorf("Rejection.Error() ends %q; want it to end with the omitted count", rej.Error()[len(rej.Error())-40:])
	}
}

func TestRejectionError(t *testing.T) {
	r := &Rejection{Findings: []Finding{
		{Code: CodeMissingItemID, Path: "item_id", Message: "item_id is required"},
		{Code: CodeNotJSON, Message: "bad"},
	}}
	if got, want := r.Error(), "MISSING_ITEM_ID at item_id: item_id is required; NOT_JSON: bad"; got != want {
		t.Errorf("Rejection.Error() = %q; want %q", got, want)
	}
	if got := r.Code(); got != CodeMissingItemID {
		t.Errorf("Rejection.Code() = %q; want %q", got, CodeMissingItemID)
	}
	if got := (&Rejection{}).Code(); got != "" {
		t.Errorf("empty Rejection.Code() = %q; want \"\"", got)
	}
}

type qualityCase struct {
	name string
	edit func(m map[string]any)
	want []string // "CODE path", in any order
	msg  string   // a part of the first finding's message
}

var qualityCases = []qualityCase{
	{name: "sender without any name", edit: edits(set("sender", "name", ""), set("sender", "business", "")), want: []string{"MISSING_SENDER_NAME sender.name"}},
	{name: "sender business only", edit: set("sender", "name", ""), want: nil},
	{name: "sender street and postcode", edit: edits(set("sender", "street", ""), del("sender", "postcode")), want: []string{"MISSING_SENDER_ADDRESS sender"}, msg: "lacks street, postcode"},
	{name: "sender country missing", edit: del("sender", "country"), want: []string{"MISSING_SENDER_COUNTRY sender.country"}},
	{name: "sender country unknown", edit: set("sender", "country", "XX"), want: []string{"INVALID_SENDER_COUNTRY sender.country"}},
	{name: "sender phone missing", edit: del("sender", "phone"), want: []string{"MISSING_SENDER_PHONE sender.phone"}},
	{name: "sender email empty", edit: set("sender", "email", " "), want: []string{"MISSING_SENDER_EMAIL sender.email"}},
	{name: "recipient without name", edit: set("recipient", "name", ""), want: []string{"MISSING_RECIPIENT_NAME recipient.name"}},
	{name: "recipient city", edit: set("recipient", "city", ""), want: []string{"MISSING_RECIPIENT_ADDRESS recipient"}, msg: "lacks city:"},
	{name: "recipient country empty", edit: set("recipient", "country", ""), want: []string{"MISSING_RECIPIENT_COUNTRY recipient.country"}},
	{name: "recipient country unknown", edit: set("recipient", "country", "ZZ"), want: []string{"INVALID_RECIPIENT_COUNTRY recipient.country"}},
	{name: "recipient phone null", edit: set("recipient", "phone", nil), want: []string{"MISSING_RECIPIENT_PHONE recipient.phone"}},
	{name: "recipient email missing", edit: del("recipient", "email"), want: []string{"MISSING_RECIPIENT_EMAIL recipient.email"}},
	{name: "recipient no party at all", edit: del("", "recipient"), want: []string{
		"MISSING_RECIPIENT_NAME recipient.name", "MISSING_RECIPIENT_ADDRESS recipient", "MISSING_RECIPIENT_COUNTRY recipient.country",
		"MISSING_RECIPIENT_PHONE recipient.phone", "MISSING_RECIPIENT_EMAIL recipient.email"}},
	{name: "national phone", edit: set("recipient", "phone", "030 1234567"), want: []string{"PHONE_NOT_INTERNATIONAL recipient.phone"}},
	{name: "phone too short", edit: set("sender", "phone", "+31 12"), want: []string{"INVALID_PHONE sender.phone"}},
	{name: "phone in words", edit: set("recipient", "phone", "ring the bell"), want: []string{"PHONE_NOT_INTERNATIONAL recipient.phone", "INVALID_PHONE recipient.phone"}},
	{name: "email without @", edit: set("sender", "email", "orders(at)devries.nl"), want: []string{"INVALID_EMAIL sender.email"}},
	{name: "email without dot", edit: set("recipient", "email", "root@localhost"), want: []string{"INVALID_EMAIL recipient.email"}},
	{name: "S10 check digit", edit: set("", "item_id", "RR123456784NL"), want: []string{"S10_CHECK_DIGIT item_id"}, msg: "check digit 4 but its serial number gives 5"},
	{name: "S10 unknown country", edit: set("", "item_id", "RR123456785XX"), want: []string{"S10_UNKNOWN_COUNTRY item_id"}},
	{name: "express tracking number", edit: set("", "item_id", "1Z999AA10123456784"), want: nil},
	{name: "currency missing", edit: del("", "currency"), want: []string{"MISSING_CURRENCY currency"}},
	{name: "currency unknown", edit: set("", "currency", "XYZ"), want: []string{"UNKNOWN_CURRENCY currency"}},
	{name: "currency withdrawn", edit: set("", "currency", "HRK"), want: []string{"UNKNOWN_CURRENCY currency"}},
	{name: "currency lower case", edit: set("", "currency", "eur"), want: nil},
	{name: "gross weight missing", edit: del("", "gross_weight_kg"), want: []string{"MISSING_GROSS_WEIGHT gross_weight_kg"}},
	{name: "gross weight zero", edit: set("", "gross_weight_kg", 0), want: []string{"MISSING_GROSS_WEIGHT gross_weight_kg"}},
	{name: "description blank", edit: set("contents.1", "description", "  "), want: []string{"MISSING_DESCRIPTION contents[1].description"}},
	{name: "HS code heading only", edit: set("contents.0", "hs_code", "6109"), want: []string{"HS_CODE_SHORT contents[0].hs_code"}},
	{name: "HS code with letter O", edit: set("contents.0", "hs_code", "61O9.10"), want: []string{"HS_CODE_INVALID contents[0].hs_code"}},
	{name: "HS code with spaces", edit: set("contents.0", "hs_code", "6109 10 00"), want: nil},
	{name: "HS code missing in a sale", edit: del("contents.1", "hs_code"), want: []string{"MISSING_HS_CODE contents[1].hs_code"}},
	{name: "HS code missing on a gift", edit: edits(set("", "category", "gift"), del("contents.1", "hs_code")), want: nil},
	{name: "HS code missing on a sample", edit: edits(set("", "category", "commercial_sample"), set("contents.0", "hs_code", "")), want: []string{"MISSING_HS_CODE contents[0].hs_code"}},
	{name: "line origin spelt out", edit: set("contents.0", "origin_country", "Bangladesh"), want: []string{"INVALID_ITEM_ORIGIN contents[0].origin_country"}},
	{name: "net weights above gross", edit: set("", "gross_weight_kg", 0.7), want: []string{"WEIGHT_MISMATCH gross_weight_kg"}, msg: "weigh 0.75 kg net but gross_weight_kg is 0.7"},
	{name: "net weights within tolerance", edit: set("", "gross_weight_kg", 0.72), want: nil},
	{name: "values above declared", edit: set("", "declared_value", 30), want: []string{"VALUE_MISMATCH declared_value"}, msg: "add up to 42.4 but declared_value is 30"},
	{name: "values within tolerance", edit: set("", "declared_value", 42.8), want: nil},
	{name: "declared value absent", edit: del("", "declared_value"), want: nil},
	{name: "line values absent", edit: edits(del("contents.0", "value"), del("contents.1", "value")), want: nil},
	{name: "posted_at missing", edit: del("", "posted_at"), want: []string{"MISSING_POSTED_AT posted_at"}},
	{name: "operator_kind missing", edit: del("", "operator_kind"), want: []string{"MISSING_OPERATOR_KIND operator_kind"}},
	{name: "mail_class empty", edit: set("", "mail_class", ""), want: []string{"MISSING_MAIL_CLASS mail_class"}},
	{name: "category missing", edit: del("", "category"), want: []string{"MISSING_CATEGORY category"}},
}

func TestDecodeQuality(t *testing.T) {
	for _, tc := range qualityCases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Decode(edited(t, tc.edit))
			if err != nil {
				t.Fatalf("Decode(%s) error = %v; want none", tc.name, err)
			}
			var got []string
			for _, f := range p.Quality {
				got = append(got, f.Code+" "+f.Path)
				if Codes[f.Code].Kind != KindQuality {
					t.Errorf("Decode(%s) quality lists %s, which is not a data-quality code", tc.name, f.Code)
				}
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.SortSlices(func(a, b string) bool { return a < b }), cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("Decode(%s) quality (-want +got):\n%s", tc.name, diff)
			}
			if tc.msg != "" && !strings.Contains(p.Quality[0].Message, tc.msg) {
				t.Errorf("Decode(%s) message = %q; want it to contain %q", tc.name, p.Quality[0].Message, tc.msg)
			}
		})
	}
}

// TestEveryCodeHasACase keeps Codes and the tables above in step: a new
// code needs a case, and every case names a documented code.
func TestEveryCodeHasACase(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range rejectCases {
		covered[tc.code] = true
	}
	for _, tc := range qualityCases {
		for _, w := range tc.want {
			covered[strings.Fields(w)[0]] = true
		}
	}
	for code, info := range Codes {
		if !covered[code] {
			t.Errorf("code %s (%s) has no test case", code, info.Kind)
		}
		if info.Meaning == "" || (info.Kind != KindReject && info.Kind != KindQuality) {
			t.Errorf("Codes[%s] = %+v; want a kind and a meaning", code, info)
		}
	}
	for code := range covered {
		if _, ok := Codes[code]; !ok {
			t.Errorf("code %s is tested but missing from Codes", code)
		}
	}
}

func TestDecodeAccepts(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(m map[string]any)
		raw   []byte
		check func(p *Parcel) string // says what is wrong, or ""
	}{
		{name: "lower-case codes", edit: edits(set("", "origin_country", "nl"), set("", "destination_country", " de "), set("sender", "country", "nl"), set("", "currency", "eur")),
			check: func(p *Parcel) string {
				return want(p.OriginCountry+p.DestinationCountry+p.Sender.Country+p.Currency, "NLDENLEUR")
			}},
		{name: "enums ignore case", edit: edits(set("", "operator_kind", "POST"), set("", "mail_class", "Small_Packet"), set("", "category", " Gift ")),
			check: func(p *Parcel) string {
				return want(p.OperatorKind+" "+p.MailClass+" "+p.Category, "post small_packet gift")
			}},
		{name: "null optional fields", edit: edits(set("", "office_of_origin", nil), set("", "invoice_number", nil), set("sender", "tax_id", nil)),
			check: func(p *Parcel) string { return want(p.OfficeOfOrigin+p.InvoiceNumber, "") }},
		{name: "unknown fields", edit: edits(set("", "marketplace", map[string]any{"id": []any{1, 2}}), set("sender", "vat", "NL123"), set("contents.0", "url", "https://example.com")),
			check: func(p *Parcel) string { return "" }},
		{name: "description at the limit", edit: set("contents.0", "description", strings.Repeat("é", MaxDescriptionBytes/2)),
			check: func(p *Parcel) string { return want(len(p.Contents[0].Description), MaxDescriptionBytes) }},
		{name: "item_id at the limit", edit: set("", "item_id", strings.Repeat("7", MaxItemIDBytes)),
			check: func(p *Parcel) string { return want(len(p.ItemID), MaxItemIDBytes) }},
		{name: "contents at the limit", edit: func(m map[string]any) {
			lines := make([]any, MaxContents)
			for i := range lines {
				lines[i] = map[string]any{"description": "pen", "quantity": 1, "hs_code": "960810"}
			}
			m["contents"] = lines
			delete(m, "declared_value")
		}, check: func(p *Parcel) string { return want(len(p.Contents), MaxContents) }},
		{name: "quantity written as decimal", edit: set("contents.0", "quantity", 2.0),
			check: func(p *Parcel) string { return want(p.Contents[0].Quantity, 2) }},
		{name: "negative zero", raw: bytes.Replace(readFile(t, baseFile), []byte(`"postage_paid":14.1`), []byte(`"postage_paid":-0.0`), 1),
			check: func(p *Parcel) string { return want(1/p.PostagePaid > 0, true) }},
		{name: "posted_at with offset", edit: set("", "posted_at", "2026-11-20T11:15:00.5+01:00"),
			check: func(p *Parcel) string {
				return want(p.PostedAt.Equal(time.Date(2026, 11, 20, 10, 15, 0, 5e8, time.UTC)), true)
			}},
		{name: "duplicate keys: first wins", raw: bytes.Replace(readFile(t, baseFile), []byte(`{"item_id":"RR123456785NL",`), []byte(`{"item_id":"RR123456785NL","item_id":5,"sender":{"name":"Other"},`), 1),
			check: func(p *Parcel) string { return want(p.ItemID+" "+p.Sender.Name, "RR123456785NL Other") }},
		{name: "escaped text", edit: set("recipient", "name", "J\u00fcrgen \"Jo\" M\u00fcller"),
			check: func(p *Parcel) string {
				return want(p.Recipient.Name+"|"+p.Recipient.NameKey, `Jürgen "Jo" Müller|jo jurgen muller`)
			}},
		{name: "escaped key", raw: bytes.Replace(readFile(t, baseFile), []byte(`"operator":`), []byte(`"op\u0065rator":`), 1),
			check: func(p *Parcel) string { return want(p.Operator, "NLPOST") }},
		{name: "amendment", edit: set("", "amendment", 3),
			check: func(p *Parcel) string { return want(p.Amendment, 3) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := tc.raw
			if data == nil {
				data = edited(t, tc.edit)
			}
			p, err := Decode(data)
			if err != nil {
				t.Fatalf("Decode(%s) error = %v; want none", tc.name, err)
			}
			if msg := tc.check(p); msg != "" {
				t.Errorf("Decode(%s): %s", tc.name, msg)
			}
		})
	}
}

// want returns "" when got equals w, else a sentence for the failure.
func want[T comparable](got, w T) string {
	if got == w {
		return ""
	}
	b, _ := json.Marshal(got)
	c, _ := json.Marshal(w)
	return "got " + string(b) + "; want " + string(c)
}

func TestDecodeSetsDerivedFields(t *testing.T) {
	received := time.Date(2026, 11, 20, 10, 16, 0, 0, time.UTC)
	data := readFile(t, baseFile)
	var d Decoder
	var p Parcel
	if err := d.Decode(data, received, &p); err != nil {
		t.Fatal(err)
	}
	if !p.ReceivedAt.Equal(received) || !bytes.Equal(p.Raw, data) || &p.Raw[0] != &data[0] {
		t.Errorf("Decode(%s) ReceivedAt = %v, Raw shared = %v; want %v and the caller's slice", baseFile, p.ReceivedAt, &p.Raw[0] == &data[0], received)
	}
	if !p.S10.Valid || p.S10.Country != "NL" {
		t.Errorf("Decode(%s) S10 = %+v; want a valid NL identifier", baseFile, p.S10)
	}
	wantSender := Party{
		Name: "Jan de Vries", Business: "De Vries Webwinkel B.V.", Street: "Keizersgracht 123", City: "Amsterdam",
		Postcode: "1015 CJ", Country: "NL", Phone: "+31 20 123 4567", Email: "Orders@DeVries-Webwinkel.nl",
		NameKey: "de jan vries", AddressKey: "keizersgracht 123|1015cj|nl", PhoneE164: "+31201234567", PhoneInternational: true,
		EmailKey: "orders@devries-webwinkel.nl", EmailDomain: "devries-webwinkel.nl",
	}
	if diff := cmp.Diff(wantSender, p.Sender); diff != "" {
		t.Errorf("Decode(%s) sender (-want +got):\n%s", baseFile, diff)
	}
}

// TestDecoderReuse decodes different manifests into one Parcel with one
// Decoder, as a stream worker does, and compares each result with a fresh
// decode: nothing may leak from one manifest into the next, and strings
// handed out earlier must not change.
func TestDecoderReuse(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil || len(files) < 4 {
		t.Fatalf("testdata fixtures: %v, %v", files, err)
	}
	order := append(slices.Clone(files), files[0], files[len(files)-1], baseFile)
	var d Decoder
	var p Parcel
	var kept []string
	var keptCopy []string
	for _, name := range order {
		data := readFile(t, name)
		err := d.Decode(data, time.Time{}, &p)
		var fresh Parcel
		var fd Decoder
		ferr := fd.Decode(data, time.Time{}, &fresh)
		if (err == nil) != (ferr == nil) {
			t.Fatalf("Decode(%s) reused error = %v; fresh error = %v", name, err, ferr)
		}
		if diff := cmp.Diff(fresh, p, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Decode(%s) with a reused Decoder and Parcel (-fresh +reused):\n%s", name, diff)
		}
		kept = append(kept, p.ItemID, p.Sender.NameKey, p.Recipient.AddressKey)
		keptCopy = append(keptCopy, strings.Clone(p.ItemID), strings.Clone(p.Sender.NameKey), strings.Clone(p.Recipient.AddressKey))
	}
	if diff := cmp.Diff(keptCopy, kept); diff != "" {
		t.Errorf("strings of earlier parcels changed (-then +now):\n%s", diff)
	}
}

// TestDecodeAllocations guards the figure BenchmarkDecode reports: the
// strings of a parcel and of its keys cost one allocation each.
func TestDecodeAllocations(t *testing.T) {
	data := readFile(t, baseFile)
	var d Decoder
	var p Parcel
	allocs := testing.AllocsPerRun(200, func() {
		if err := d.Decode(data, time.Time{}, &p); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 2 {
		t.Errorf("Decode(%s) allocates %v times per manifest; want at most 2", baseFile, allocs)
	}
}

// goldenView is what the golden files record of a decode: the wire fields
// (Parcel's JSON form) plus what is derived, which Parcel's JSON leaves out.
type goldenView struct {
	Parcel    *Parcel    `json:"parcel"`
	S10       S10        `json:"s10"`
	Sender    partyKeys  `json:"sender_keys"`
	Recipient partyKeys  `json:"recipient_keys"`
	Quality   []Finding  `json:"quality,omitempty"`
	Rejection *Rejection `json:"rejection,omitempty"`
}

type partyKeys struct {
	NameKey, AddressKey, PhoneE164 string
	PhoneInternational             bool
	EmailKey, EmailDomain          string
}

func keysOf(pt Party) partyKeys {
	return partyKeys{pt.NameKey, pt.AddressKey, pt.PhoneE164, pt.PhoneInternational, pt.EmailKey, pt.EmailDomain}
}

// TestGolden decodes the realistic manifests in testdata and compares the
// result with the .golden files; go test -run Golden -update rewrites them.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			var d Decoder
			var p Parcel
			err := d.Decode(readFile(t, name), time.Time{}, &p)
			v := goldenView{Parcel: &p, S10: p.S10, Sender: keysOf(p.Sender), Recipient: keysOf(p.Recipient), Quality: p.Quality}
			if err != nil && !errors.As(err, &v.Rejection) {
				t.Fatalf("Decode(%s) error = %v; want nil or a *Rejection", name, err)
			}
			got, err := json.MarshalIndent(v, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := strings.TrimSuffix(name, ".json") + ".golden"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(string(readFile(t, golden)), string(got)); diff != "" {
				t.Errorf("Decode(%s) differs from %s (-want +got):\n%s", name, golden, diff)
			}
		})
	}
}

// BenchmarkDecode decodes a realistic 1 KB manifest with two contents lines
// the way a stream worker does: one Decoder and one Parcel, reused.
func BenchmarkDecode(b *testing.B) {
	data := readFile(b, baseFile)
	var d Decoder
	var p Parcel
	at := time.Date(2026, 11, 20, 10, 16, 0, 0, time.UTC)
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := d.Decode(data, at, &p); err != nil {
			b.Fatal(err)
		}
	}
}
