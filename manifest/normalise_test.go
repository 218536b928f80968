package manifest

import "testing"

func TestFoldText(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"ascii", "Hello, World!", "hello world"},
		{"diaeresis and shouting", "COCAÏNE!!", "cocaine"},
		{"runs of punctuation", "  Crème brûlée -- 250g  ", "creme brulee 250g"},
		{"sharp s", "Straße", "strasse"},
		{"capital sharp s", "STRAẞE", "strasse"},
		{"polish", "Łódź, Gdańsk", "lodz gdansk"},
		{"danish", "Ærøskøbing", "aeroskobing"},
		{"icelandic", "Þórður Guðmundsson", "thordur gudmundsson"},
		{"romanian comma below", "Ștefan Țurcanu", "stefan turcanu"},
		{"turkish", "İstanbul Şişli Ğ", "istanbul sisli g"},
		{"czech", "Dvořák Žižkov", "dvorak zizkov"},
		{"decomposed accents", "e\u0301te\u0301", "ete"},
		{"cyrillic kept", "Москва 2026", "москва 2026"},
		{"han kept", "北京市 朝阳区", "北京市 朝阳区"},
		{"apostrophes split words", "O'Brien’s", "o brien s"},
		{"multiplication sign", "10×20", "10 20"},
		{"invalid UTF-8", "a\xffb", "a b"},
		{"only punctuation", "-- !! --", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(FoldText(nil, tc.in)); got != tc.want {
				t.Errorf("FoldText(%q) = %q; want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := string(FoldText([]byte("prefix "), "--Äb--")); got != "prefix ab" {
		t.Errorf("FoldText(%q, %q) = %q; want %q", "prefix ", "--Äb--", got, "prefix ab")
	}
}

func TestFoldLatinTable(t *testing.T) {
	// Every letter of the table folds to lower-case ASCII letters; the two
	// symbols × and ÷ fold to nothing.
	for i, f := range foldLatin {
		r := rune(0xC0 + i)
		if r == '×' || r == '÷' {
			if f != "" {
				t.Errorf("foldLatin[%q] = %q; want \"\"", r, f)
			}
			continue
		}
		if f == "" || len(f) > 2 {
			t.Errorf("foldLatin[%q] = %q; want one or two letters", r, f)
		}
		for _, c := range []byte(f) {
			if c < 'a' || c > 'z' {
				t.Errorf("foldLatin[%q] = %q; want lower-case ASCII", r, f)
			}
		}
	}
}

func TestNameKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"Dr. Jürgen Müller", "jurgen muller"},
		{"MÜLLER, Jürgen", "jurgen muller"},
		{"jurgen muller", "jurgen muller"},
		{"Smith, John", "john smith"},
		{"John Smith", "john smith"},
		{"Mr. Michael O'Connor", "michael oconnor"},
		{"Mrs O’Connor", "oconnor"},
		{"M. Jean-Pierre Dupont", "dupont jean pierre"},
		{"John M. Smith", "john m smith"},
		{"Mme Élodie Lefèvre", "elodie lefevre"},
		{"Herr Dr. Hans Zimmermann", "hans zimmermann"},
		{"Frau Anna Łukasiewicz", "anna lukasiewicz"},
		{"Dr", "dr"},
		{"Søren Kierkegaard", "kierkegaard soren"},
		{"Wałęsa, Lech", "lech walesa"},
		{"  J.  R. R.  Tolkien ", "j r r tolkien"},
		{"李 伟", "伟 李"},
	}
	for _, tc := range tests {
		if got := NameKey(tc.in); got != tc.want {
			t.Errorf("NameKey(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestAddressKey(t *testing.T) {
	tests := []struct{ street, postcode, country, want string }{
		{"Hauptstr. 5", "10115", "DE", "hauptstrasse 5|10115|de"},
		{"Hauptstraße 5", "10115", "DE", "hauptstrasse 5|10115|de"},
		{"HAUPTSTRASSE 5", "10 115", "DE", "hauptstrasse 5|10115|de"},
		{"Haupt Str. 5", "10115", "DE", "haupt strasse 5|10115|de"},
		{"Königsallee 92a", "40212", "DE", "konigsallee 92a|40212|de"},
		{"221B Baker St", "NW1 6XE", "GB", "221b baker street|nw16xe|gb"},
		{"42 Station Rd.", "CB1 2JD", "GB", "42 station road|cb12jd|gb"},
		{"350 Fifth Ave Apt 5B", "10118", "US", "350 fifth avenue apartment 5b|10118|us"},
		{"1600 Pennsylvania Ave. NW", "20500", "US", "1600 pennsylvania avenue nw|20500|us"},
		{"Sunset Blvd 8000", "90046", "US", "sunset boulevard 8000|90046|us"},
		{"ul. Marszałkowska 10/12", "00-590", "PL", "ulica marszalkowska 10 12|00590|pl"},
		{"Pl. Zamkowy 4", "00-277", "PL", "plac zamkowy 4|00277|pl"},
		{"Alexander Pl. 1", "10178", "DE", "alexander platz 1|10178|de"},
		{"12 bd Saint-Michel", "75006", "FR", "12 boulevard saint michel|75006|fr"},
		{"", "10115", "DE", "|10115|de"},
		{"", "", "DE", ""},
		{" ,. ", " ", "DE", ""},
	}
	for _, tc := range tests {
		if got := AddressKey(tc.street, tc.postcode, tc.country); got != tc.want {
			t.Errorf("AddressKey(%q, %q, %q) = %q; want %q", tc.street, tc.postcode, tc.country, got, tc.want)
		}
	}
}

func TestPhoneE164(t *testing.T) {
	tests := []struct{ phone, country, want string }{
		// Germany: trunk 0, "(0)" after the country code, "00" prefix.
		{"030 1234567", "DE", "+49301234567"},
		{"030/123 45 67", "DE", "+49301234567"},
		{"+49 (0)30 1234567", "DE", "+49301234567"},
		{"+49 030 1234567", "DE", "+49301234567"},
		{"0049 30 1234567", "DE", "+49301234567"},
		{"49 30 1234567", "DE", "+49301234567"},
		{"0151-12345678", "DE", "+4915112345678"},
		// France.
		{"06 12 34 56 78", "FR", "+33612345678"},
		{"06.12.34.56.78", "FR", "+33612345678"},
		{"+33 (0)6 12 34 56 78", "FR", "+33612345678"},
		// Italy keeps the leading 0 of landlines.
		{"06 1234 5678", "IT", "+390612345678"},
		{"+39 06 1234 5678", "IT", "+390612345678"},
		{"333 123 4567", "IT", "+393331234567"},
		// North America: trunk 1, ten-digit national numbers.
		{"(212) 555-0142", "US", "+12125550142"},
		{"212.555.0142", "US", "+12125550142"},
		{"1-212-555-0142", "US", "+12125550142"},
		{"+1 212 555 0142", "US", "+12125550142"},
		{"(416) 555-0199", "CA", "+14165550199"},
		// China: mobiles have no trunk prefix, landlines have 0.
		{"138 0013 8000", "CN", "+8613800138000"},
		{"010 1234 5678", "CN", "+861012345678"},
		{"+86 138 0013 8000", "CN", "+8613800138000"},
		{"0086 13800138000", "CN", "+8613800138000"},
		// United Kingdom.
		{"07700 900123", "GB", "+447700900123"},
		{"020 7946 0958", "GB", "+442079460958"},
		{"+44 (0)20 7946 0958", "GB", "+442079460958"},
		// Russia dials 8 before national numbers.
		{"8 (912) 345-67-89", "RU", "+79123456789"},
		// International numbers do not need the party's country.
		{"+31 20 123 4567", "", "+31201234567"},
		{"+31 20 123 4567", "DE", "+31201234567"},
		// Not convertible.
		{"", "DE", ""},
		{"12", "DE", ""},
		{"+31 12", "NL", ""},
		{"030 1234567", "", ""},
		{"030 1234567", "XX", ""},
		{"call me", "DE", ""},
		{"++49 30 1234567", "DE", ""},
		{"+49 30 1234567+", "DE", ""},
		{"+49 301 234 567 890 123", "DE", ""},
		{"1234567890123456789012345678", "DE", ""},
	}
	for _, tc := range tests {
		got, ok := PhoneE164(tc.phone, tc.country)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("PhoneE164(%q, %q) = %q, %v; want %q, %v", tc.phone, tc.country, got, ok, tc.want, tc.want != "")
		}
	}
}

func TestIsInternationalPhone(t *testing.T) {
	tests := []struct {
		phone string
		want  bool
	}{
		{"+49 30 1234567", true},
		{" 0049 30 1234567", true},
		{"030 1234567", false},
		{"0", false},
		{"", false},
	}
	for _, tc := range tests {
		if got := isInternationalPhone(tc.phone); got != tc.want {
			t.Errorf("isInternationalPhone(%q) = %v; want %v", tc.phone, got, tc.want)
		}
	}
}

func TestEmailKey(t *testing.T) {
	tests := []struct{ in, key, domain string }{
		{" Orders@DeVries-Webwinkel.NL ", "orders@devries-webwinkel.nl", "devries-webwinkel.nl"},
		{"j.mueller+shop@example.de", "j.mueller+shop@example.de", "example.de"},
		{"Jürgen@Müller.DE", "jürgen@müller.de", "müller.de"},
		{"a@b.co", "a@b.co", "b.co"},
		{"", "", ""},
		{"a@b", "", ""},
		{"@example.com", "", ""},
		{"a@@example.com", "", ""},
		{"a@b@example.com", "", ""},
		{"a@example..com", "", ""},
		{"a@.example.com", "", ""},
		{"a@example.com.", "", ""},
		{"a b@example.com", "", ""},
		{"a@example.com, b@example.com", "", ""},
		{"Jan <jan@example.com>", "", ""},
		{"a@exam\u00a0ple.com", "", ""},
		{"a@ex\xffample.com", "", ""},
	}
	for _, tc := range tests {
		out, at, ok := appendEmailKey(nil, tc.in)
		key, domain := "", ""
		if ok {
			key, domain = string(out), string(out[at+1:])
		}
		if key != tc.key || domain != tc.domain || ok != (tc.key != "") {
			t.Errorf("appendEmailKey(%q) = %q, %q, %v; want %q, %q", tc.in, key, domain, ok, tc.key, tc.domain)
		}
	}
}
