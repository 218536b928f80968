package manifest

// S10 is a UPU S10 item identifier: two service letters, an eight-digit serial
// number, a check digit and the ISO country code of the issuing operator, for
// example RR123456785NL.
type S10 struct {
	// Form reports whether the identifier has the S10 shape at all
	// (AA99999999 9AA). Express tracking numbers do not.
	Form bool
	// Valid reports whether the shape is right, the check digit agrees with
	// the serial number and the country suffix is a known ISO 3166 code.
	Valid bool
	// CheckOK reports whether the check digit agrees with the serial number.
	CheckOK bool
	// CountryKnown reports whether the country suffix is an ISO 3166 code.
	CountryKnown bool
	Service      string // the two service indicator letters, e.g. "RR"
	Serial       string // the eight-digit serial number
	Check        int    // the check digit as written
	Country      string // the two-letter country suffix
}

var s10Weights = [8]int{8, 6, 4, 2, 3, 5, 9, 7}

// S10CheckDigit computes the check digit of an eight-digit serial number. It
// returns -1 when serial is not exactly eight ASCII digits.
func S10CheckDigit(serial string) int {
	if len(serial) != 8 {
		return -1
	}
	sum := 0
	for i := 0; i < 8; i++ {
		c := serial[i]
		if c < '0' || c > '9' {
			return -1
		}
		sum += int(c-'0') * s10Weights[i]
	}
	switch c := 11 - sum%11; c {
	case 10:
		return 0
	case 11:
		return 5
	default:
		return c
	}
}

// ParseS10 parses id as a UPU S10 identifier. It never fails: the flags of the
// result say what is right and what is not. Lower-case letters are accepted.
func ParseS10(id string) S10 {
	if len(id) != 13 || !isLetter(id[0]) || !isLetter(id[1]) || !isLetter(id[11]) || !isLetter(id[12]) {
		return S10{}
	}
	for i := 2; i < 11; i++ {
		if id[i] < '0' || id[i] > '9' {
			return S10{}
		}
	}
	s := S10{
		Form:    true,
		Service: upper2(id[0:2]),
		Serial:  id[2:10],
		Check:   int(id[10] - '0'),
		Country: upper2(id[11:13]),
	}
	s.CheckOK = S10CheckDigit(s.Serial) == s.Check
	s.CountryKnown = IsCountry(s.Country)
	s.Valid = s.CheckOK && s.CountryKnown
	return s
}

// FormatS10 builds an S10 identifier from its service letters, serial number
// and country, computing the check digit. It returns "" for a bad serial.
func FormatS10(service string, serial int, country string) string {
	if serial < 0 || serial > 99999999 || len(service) != 2 || len(country) != 2 {
		return ""
	}
	var b [13]byte
	b[0], b[1] = service[0], service[1]
	for i := 9; i >= 2; i-- {
		b[i] = byte('0' + serial%10)
		serial /= 10
	}
	b[10] = byte('0' + S10CheckDigit(string(b[2:10])))
	b[11], b[12] = country[0], country[1]
	return string(b[:])
}

func isLetter(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }

// upper2 upper-cases two ASCII letters.
func upper2(s string) string {
	// Most ids are already upper case: avoid building a new string then.
	if s[0] < 'a' && s[1] < 'a' {
		return s
	}
	a, b := s[0], s[1]
	if a >= 'a' {
		a -= 'a' - 'A'
	}
	if b >= 'a' {
		b -= 'a' - 'A'
	}
	return string([]byte{a, b})
}
