package manifest

import (
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestIsCurrency(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"EUR", true}, {"USD", true}, {"CNY", true}, {"XOF", true}, {"XCG", true}, {"ZWG", true}, {"BGN", true}, {"AED", true}, {"ZMW", true},
		{"HRK", false}, {"ANG", false}, {"XXX", false}, {"XAU", false}, {"XTS", false}, {"BOV", false}, {"RMB", false},
		{"eur", false}, {"EU", false}, {"EURO", false}, {"", false}, {"E1R", false}, {"\xff\xff\xff", false},
	}
	for _, tc := range tests {
		if got := IsCurrency(tc.code); got != tc.want {
			t.Errorf("IsCurrency(%q) = %v; want %v", tc.code, got, tc.want)
		}
	}
	fields := strings.Fields(currencies)
	for i, c := range fields {
		if i > 0 && fields[i-1] >= c {
			t.Errorf("currencies is not sorted at %s", c)
		}
		if !IsCurrency(c) {
			t.Errorf("IsCurrency(%q) = false; want true", c)
		}
	}
}

func TestDefaultRates(t *testing.T) {
	r := DefaultRates()
	if r["EUR"] != 1 {
		t.Errorf("DefaultRates()[EUR] = %v; want 1", r["EUR"])
	}
	for _, c := range strings.Fields("USD GBP CNY HKD JPY CHF CAD AUD NZD SEK NOK DKK PLN CZK HUF RON BGN TRY INR BRL COP PEN BOB MXN ZAR KRW SGD THB MYR IDR PHP VND RUB UAH AED ILS") {
		if _, ok := r[c]; !ok {
			t.Errorf("DefaultRates() has no rate for %s", c)
		}
	}
	for c, rate := range r {
		if !IsCurrency(c) || !(rate > 0) || rate > 10 {
			t.Errorf("DefaultRates()[%s] = %v; want a currency in circulation and a plausible rate", c, rate)
		}
	}
}

func TestToEUR(t *testing.T) {
	r := Rates{"USD": 0.86}
	tests := []struct {
		amount   float64
		currency string
		want     float64
		ok       bool
	}{
		{100, "USD", 86, true},
		{42.5, "EUR", 42.5, true},
		{10, "GBP", 0, false},
		{10, "", 0, false},
	}
	for _, tc := range tests {
		got, ok := r.ToEUR(tc.amount, tc.currency)
		if math.Abs(got-tc.want) > 1e-9 || ok != tc.ok {
			t.Errorf("ToEUR(%v, %q) = %v, %v; want %v, %v", tc.amount, tc.currency, got, ok, tc.want, tc.ok)
		}
	}
}

func TestParseRates(t *testing.T) {
	in := "\uFEFFcurrency,eur_per_unit\n" +
		"# ECB reference rates, 20 November 2026\n" +
		"\n" +
		"USD,0.862\n" +
		" gbp , 1.145 \r\n" +
		"JPY,0.00558\n"
	got, err := ParseRates(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ParseRates(good file) error = %v", err)
	}
	want := Rates{"EUR": 1, "USD": 0.862, "GBP": 1.145, "JPY": 0.00558}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ParseRates(good file) (-want +got):\n%s", diff)
	}
}

func TestParseRatesErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not a number", "currency,eur_per_unit\n# comment\n\nUSD,abc\n", `line 4: rate "abc" for USD is not a positive number`},
		{"zero", "USD,0\n", `line 1: rate "0" for USD is not a positive number`},
		{"negative", "USD,-0.86\n", `line 1: rate "-0.86" for USD is not a positive number`},
		{"NaN", "USD,NaN\n", `line 1: rate "NaN" for USD is not a positive number`},
		{"infinite", "USD,Inf\n", `line 1: rate "Inf" for USD is not a positive number`},
		{"empty rate", "USD,\n", `line 1: rate "" for USD is not a positive number`},
		{"no comma", "GBP,1.1\nUSD 0.86\n", `line 2: want "currency,eur_per_unit", got "USD 0.86"`},
		{"three fields", "USD,0.86,2026-11-20\n", `line 1: want two fields "currency,eur_per_unit", got "USD,0.86,2026-11-20"`},
		{"unknown currency", "XYZ,1\n", `line 1: "XYZ" is not an ISO 4217 currency code`},
		{"withdrawn currency", "HRK,0.13\n", `line 1: "HRK" is not an ISO 4217 currency code`},
		{"euro not one", "EUR,1.1\n", `line 1: rate for EUR must be 1, got 1.1`},
		{"duplicate", "USD,0.86\nusd,0.87\n", `line 2: second rate for USD`},
		{"empty file", "", `no rates found: want lines "currency,eur_per_unit"`},
		{"only a header", "currency,eur_per_unit\n", `no rates found: want lines "currency,eur_per_unit"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseRates(strings.NewReader(tc.in))
			if err == nil || err.Error() != tc.want {
				t.Errorf("ParseRates(%q) error = %v; want %q", tc.in, err, tc.want)
			}
		})
	}
}
