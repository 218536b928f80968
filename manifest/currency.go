package manifest

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// currencies lists, sorted, the ISO 4217 codes that can be the currency of a
// customs value: every currency in circulation. Fund codes (BOV, CHE, CHW,
// CLF, COU, MXV, USN, UYI, UYW, XDR, XSU, XUA), precious metals, bond-market
// units, XTS and XXX are left out because no parcel is declared in them.
//
// BGN was withdrawn when Bulgaria adopted the euro on 1 January 2026. It is
// kept because declarations priced in leva still arrive and the conversion
// is exact (fixed rate 1.95583 BGN per EUR).
const currencies = "" +
	"AED AFN ALL AMD AOA ARS AUD AWG AZN " +
	"BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD " +
	"CAD CDF CHF CLP CNY COP CRC CUP CVE CZK " +
	"DJF DKK DOP DZD " +
	"EGP ERN ETB EUR " +
	"FJD FKP " +
	"GBP GEL GHS GIP GMD GNF GTQ GYD " +
	"HKD HNL HTG HUF " +
	"IDR ILS INR IQD IRR ISK " +
	"JMD JOD JPY " +
	"KES KGS KHR KMF KPW KRW KWD KYD KZT " +
	"LAK LBP LKR LRD LSL LYD " +
	"MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN " +
	"NAD NGN NIO NOK NPR NZD " +
	"OMR " +
	"PAB PEN PGK PHP PKR PLN PYG " +
	"QAR " +
	"RON RSD RUB RWF " +
	"SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL " +
	"THB TJS TMT TND TOP TRY TTD TWD TZS " +
	"UAH UGX USD UYU UZS " +
	"VED VES VND VUV " +
	"WST " +
	"XAF XCD XCG XOF XPF " +
	"YER " +
	"ZAR ZMW ZWG"

// currencyBits has one bit per three-letter code (26³ of them), set for the
// codes in currencies, so that IsCurrency is a shift and a mask.
var currencyBits = func() (bits [(26*26*26 + 63) / 64]uint64) {
	for _, c := range strings.Fields(currencies) {
		n := currencyNum(c)
		bits[n/64] |= 1 << (n % 64)
	}
	return bits
}()

// currencyNum maps an upper-case three-letter code to 0..26³-1, or -1.
func currencyNum(code string) int {
	if len(code) != 3 {
		return -1
	}
	a, b, c := code[0]-'A', code[1]-'A', code[2]-'A'
	if a >= 26 || b >= 26 || c >= 26 {
		return -1
	}
	return (int(a)*26+int(b))*26 + int(c)
}

// IsCurrency reports whether code is an ISO 4217 code of a currency in
// circulation. code must be upper case.
func IsCurrency(code string) bool {
	n := currencyNum(code)
	return n >= 0 && currencyBits[n/64]&(1<<(n%64)) != 0
}

// Rates converts declared values to euros: it maps an ISO 4217 code to the
// number of euros one unit of that currency is worth. Scores compare values
// across origins, so every amount is brought to one currency first.
type Rates map[string]float64

// DefaultRates returns reference rates (euros per unit) for the currencies
// parcels are most often declared in, at late-2026 levels. They are good
// enough to rank declared values; deployments that need exact figures load
// the central bank's rates with ParseRates.
func DefaultRates() Rates {
	return Rates{
		"EUR": 1,
		"USD": 0.862,
		"GBP": 1.145,
		"CHF": 1.072,
		"CNY": 0.1205,
		"HKD": 0.1108,
		"TWD": 0.0271,
		"JPY": 0.00558,
		"KRW": 0.000598,
		"CAD": 0.617,
		"AUD": 0.565,
		"NZD": 0.492,
		"SEK": 0.0912,
		"NOK": 0.0851,
		"DKK": 0.13398,
		"ISK": 0.00692,
		"PLN": 0.2358,
		"CZK": 0.04105,
		"HUF": 0.002585,
		"RON": 0.1962,
		"BGN": 0.511292, // fixed: 1.95583 BGN per EUR
		"RSD": 0.008535,
		"TRY": 0.0184,
		"UAH": 0.0203,
		"RUB": 0.0104,
		"ILS": 0.2585,
		"AED": 0.2347,
		"SAR": 0.2299,
		"INR": 0.00968,
		"PKR": 0.00305,
		"BDT": 0.00705,
		"SGD": 0.664,
		"THB": 0.0265,
		"MYR": 0.2052,
		"IDR": 0.0000518,
		"PHP": 0.01472,
		"VND": 0.0000328,
		"BRL": 0.1592,
		"MXN": 0.0469,
		"COP": 0.000221,
		"PEN": 0.2515,
		"BOB": 0.1247,
		"CLP": 0.000912,
		"ARS": 0.000585,
		"ZAR": 0.0491,
		"NGN": 0.000572,
		"EGP": 0.01745,
		"MAD": 0.0931,
	}
}

// ToEUR converts amount in currency (an upper-case ISO 4217 code) to euros.
// It reports false when r has no rate for currency; euros always convert.
func (r Rates) ToEUR(amount float64, currency string) (float64, bool) {
	if currency == "EUR" {
		return amount, true
	}
	rate, ok := r[currency]
	if !ok {
		return 0, false
	}
	return amount * rate, true
}

// ParseRates reads rates as CSV lines "currency,eur_per_unit", for example
// "USD,0.862". A header line "currency,eur_per_unit", blank lines and lines
// starting with # are skipped. Currency codes may be lower case. EUR is
// always 1 and is added when absent. Errors name the line and what is wrong,
// so that a bad rates file is fixed before it is deployed.
func ParseRates(r io.Reader) (Rates, error) {
	rates := Rates{}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			// Files saved by spreadsheet programs often start with a BOM.
			text = strings.TrimPrefix(text, "\uFEFF")
		}
		if text == "" || text[0] == '#' {
			continue
		}
		code, value, ok := strings.Cut(text, ",")
		if !ok {
			return nil, fmt.Errorf("line %d: want \"currency,eur_per_unit\", got %q", line, text)
		}
		code = strings.ToUpper(strings.TrimSpace(code))
		value = strings.TrimSpace(value)
		if code == "CURRENCY" && strings.EqualFold(value, "eur_per_unit") && len(rates) == 0 {
			continue
		}
		if strings.Contains(value, ",") {
			return nil, fmt.Errorf("line %d: want two fields \"currency,eur_per_unit\", got %q", line, text)
		}
		if !IsCurrency(code) {
			return nil, fmt.Errorf("line %d: %q is not an ISO 4217 currency code", line, code)
		}
		rate, err := strconv.ParseFloat(value, 64)
		if err != nil || !(rate > 0) || math.IsInf(rate, 0) {
			return nil, fmt.Errorf("line %d: rate %q for %s is not a positive number", line, value, code)
		}
		if code == "EUR" && rate != 1 {
			return nil, fmt.Errorf("line %d: rate for EUR must be 1, got %s", line, value)
		}
		if _, dup := rates[code]; dup {
			return nil, fmt.Errorf("line %d: second rate for %s", line, code)
		}
		rates[code] = rate
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading rates after line %d: %w", line, err)
	}
	if len(rates) == 0 {
		return nil, fmt.Errorf("no rates found: want lines \"currency,eur_per_unit\"")
	}
	rates["EUR"] = 1
	return rates, nil
}
