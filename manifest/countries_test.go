package manifest

import (
	"slices"
	"testing"
)

func TestCountryTable(t *testing.T) {
	// 249 officially assigned ISO 3166-1 alpha-2 codes, plus XK.
	if got, want := len(countries), 249+1; got != want {
		t.Errorf("len(countries) = %d; want %d", got, want)
	}
	if !slices.IsSortedFunc(countries[:], func(a, b struct{ code, calling string }) int {
		switch {
		case a.code < b.code:
			return -1
		case a.code > b.code:
			return 1
		}
		return 0
	}) {
		t.Error("countries is not sorted by code")
	}
	for i, c := range countries {
		if i > 0 && countries[i-1].code == c.code {
			t.Errorf("countries lists %s twice", c.code)
		}
		if !IsCountry(c.code) {
			t.Errorf("IsCountry(%q) = false; want true", c.code)
		}
		if len(c.calling) > 3 || c.calling != "" && (c.calling[0] == '0' || c.calling[0] < '1' || c.calling[0] > '9') {
			t.Errorf("calling code of %s = %q; want 1 to 3 digits", c.code, c.calling)
		}
	}
}

func TestIsCountry(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"DE", true}, {"NL", true}, {"US", true}, {"CN", true}, {"AX", true}, {"BQ", true}, {"SS", true}, {"XK", true}, {"ZW", true}, {"AD", true},
		{"UK", false}, {"EU", false}, {"XX", false}, {"ZZ", false}, {"AA", false}, {"AN", false}, {"YU", false},
		{"de", false}, {"D", false}, {"DEU", false}, {"", false}, {"D1", false}, {"[]", false}, {"\xff\xff", false},
	}
	for _, tc := range tests {
		if got := IsCountry(tc.code); got != tc.want {
			t.Errorf("IsCountry(%q) = %v; want %v", tc.code, got, tc.want)
		}
	}
}

func TestCallingCode(t *testing.T) {
	tests := []struct{ country, want string }{
		{"DE", "49"}, {"US", "1"}, {"CA", "1"}, {"PR", "1"}, {"CN", "86"}, {"HK", "852"}, {"GB", "44"}, {"JE", "44"},
		{"FR", "33"}, {"IT", "39"}, {"VA", "39"}, {"NL", "31"}, {"RU", "7"}, {"KZ", "7"}, {"BR", "55"}, {"IN", "91"},
		{"XK", "383"}, {"CW", "599"}, {"AQ", "672"}, {"BV", ""}, {"de", ""}, {"ZZ", ""}, {"", ""},
	}
	for _, tc := range tests {
		if got := CallingCode(tc.country); got != tc.want {
			t.Errorf("CallingCode(%q) = %q; want %q", tc.country, got, tc.want)
		}
	}
}

func BenchmarkIsCountry(b *testing.B) {
	for b.Loop() {
		IsCountry("NL")
	}
}
