package manifest

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestS10CheckDigit(t *testing.T) {
	tests := []struct {
		serial string
		want   int
	}{
		{"47312482", 9}, // the worked example of UPU S10 (S = 200, 11 - 2 = 9)
		{"12345678", 5},
		{"90817263", 8},
		{"00000008", 0}, // 11 - 10 gives 10, written 0
		{"00000000", 5}, // 11 - 0 gives 11, written 5
		{"1234567", -1},
		{"123456789", -1},
		{"1234567a", -1},
		{"", -1},
	}
	for _, tc := range tests {
		if got := S10CheckDigit(tc.serial); got != tc.want {
			t.Errorf("S10CheckDigit(%q) = %d; want %d", tc.serial, got, tc.want)
		}
	}
	// Cross-check against the definition over a spread of serials.
	weights := []int{8, 6, 4, 2, 3, 5, 9, 7}
	for n := 0; n <= 99999999; n += 9973 {
		s := fmt.Sprintf("%08d", n)
		sum := 0
		for i, w := range weights {
			sum += int(s[i]-'0') * w
		}
		want := 11 - sum%11
		if want == 10 {
			want = 0
		} else if want == 11 {
			want = 5
		}
		if got := S10CheckDigit(s); got != want {
			t.Fatalf("S10CheckDigit(%q) = %d; want %d", s, got, want)
		}
	}
}

func TestParseS10(t *testing.T) {
	tests := []struct {
		id   string
		want S10
	}{
		{"RR123456785NL", S10{Form: true, Valid: true, CheckOK: true, CountryKnown: true, Service: "RR", Serial: "12345678", Check: 5, Country: "NL"}},
		{"EE473124829GB", S10{Form: true, Valid: true, CheckOK: true, CountryKnown: true, Service: "EE", Serial: "47312482", Check: 9, Country: "GB"}},
		{"rr123456785nl", S10{Form: true, Valid: true, CheckOK: true, CountryKnown: true, Service: "RR", Serial: "12345678", Check: 5, Country: "NL"}},
		{"RR123456784NL", S10{Form: true, CountryKnown: true, Service: "RR", Serial: "12345678", Check: 4, Country: "NL"}},
		{"RR123456785XX", S10{Form: true, CheckOK: true, Service: "RR", Serial: "12345678", Check: 5, Country: "XX"}},
		{"1Z999AA10123456784", S10{}},
		{"RR12345678NL", S10{}},
		{"RR1234567856NL", S10{}},
		{"R1123456785NL", S10{}},
		{"RR12345678XNL", S10{}},
		{"", S10{}},
	}
	for _, tc := range tests {
		if diff := cmp.Diff(tc.want, ParseS10(tc.id)); diff != "" {
			t.Errorf("ParseS10(%q) (-want +got):\n%s", tc.id, diff)
		}
	}
}

func TestFormatS10(t *testing.T) {
	tests := []struct {
		service string
		serial  int
		country string
		want    string
	}{
		{"EE", 47312482, "GB", "EE473124829GB"},
		{"RR", 12345678, "NL", "RR123456785NL"},
		{"LX", 8, "CN", "LX000000080CN"},
		{"RR", -1, "NL", ""},
		{"RR", 100000000, "NL", ""},
		{"R", 1, "NL", ""},
		{"RR", 1, "NLD", ""},
	}
	for _, tc := range tests {
		got := FormatS10(tc.service, tc.serial, tc.country)
		if got != tc.want {
			t.Errorf("FormatS10(%q, %d, %q) = %q; want %q", tc.service, tc.serial, tc.country, got, tc.want)
		}
		if got != "" && !ParseS10(got).Valid {
			t.Errorf("ParseS10(FormatS10(%q, %d, %q)) is not valid", tc.service, tc.serial, tc.country)
		}
	}
}
