package synth

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// write appends p as a manifest v1 JSON object, damaged as p.broken says.
// The synthetic field comes first so that ReadTruth finds it even in a
// truncated object.
func (g *Generator) write(dst []byte, p *parcel) []byte {
	if p.broken == brokenArray {
		dst = append(dst, '[')
	}
	dst = append(dst, `{"synthetic":{"pattern":`...)
	dst = appendJSONString(dst, p.truth.Pattern)
	dst = append(dst, `,"deficient":`...)
	dst = strconv.AppendBool(dst, p.truth.Deficient)
	dst = append(dst, `,"broken":`...)
	dst = strconv.AppendBool(dst, p.truth.Broken)
	dst = append(dst, '}')
	head := len(dst)

	if p.broken != brokenNoItemID {
		dst = append(dst, `,"item_id":`...)
		dst = appendJSONString(dst, p.itemID)
	}
	dst = append(dst, `,"operator":`...)
	dst = appendJSONString(dst, p.op.code)
	if p.op.country == "" {
		dst = append(dst, `,"operator_kind":"express"`...)
	} else {
		dst = append(dst, `,"operator_kind":"post"`...)
	}
	dst = append(dst, `,"mail_class":`...)
	dst = appendJSONString(dst, p.class)
	dst = append(dst, `,"category":`...)
	dst = appendJSONString(dst, p.category)
	dst = append(dst, `,"origin_country":`...)
	dst = appendJSONString(dst, p.origin.code)
	if p.broken != brokenNoDest {
		dst = append(dst, `,"destination_country":`...)
		dst = appendJSONString(dst, p.dest.code)
	}
	if p.broken == brokenPostedAt {
		dst = append(dst, `,"posted_at":"yesterday"`...)
	} else {
		dst = append(dst, `,"posted_at":"`...)
		dst = time.Unix(p.posted, 0).UTC().AppendFormat(dst, time.RFC3339)
		dst = append(dst, '"')
	}
	dst = append(dst, `,"office_of_origin":`...)
	dst = appendJSONString(dst, p.office)
	dst = append(dst, `,"sender":`...)
	dst = appendParty(dst, &p.sender)
	dst = append(dst, `,"recipient":`...)
	dst = appendParty(dst, &p.recipient)

	dst = append(dst, `,"contents":[`...)
	if p.broken != brokenContents {
		for i := range p.items[:p.n] {
			it := &p.items[i]
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `{"description":`...)
			dst = appendJSONString(dst, it.desc)
			if p.broken == brokenQuantity && i == 0 {
				dst = append(dst, `,"quantity":"two"`...)
			} else {
				dst = append(dst, `,"quantity":`...)
				dst = strconv.AppendInt(dst, int64(it.qty), 10)
			}
			dst = append(dst, `,"net_weight_kg":`...)
			dst = appendFixed(dst, int64(it.netG), 3)
			dst = append(dst, `,"value":`...)
			dst = appendFixed(dst, it.value, p.cur.dec)
			dst = append(dst, `,"hs_code":`...)
			dst = appendJSONString(dst, it.hs)
			if it.hsExt != "" {
				dst = append(dst[:len(dst)-1], it.hsExt...)
				dst = append(dst, '"')
			}
			dst = append(dst, `,"origin_country":`...)
			dst = appendJSONString(dst, it.origin)
			dst = append(dst, '}')
		}
	}
	dst = append(dst, ']')

	if p.broken == brokenWeight {
		dst = append(dst, `,"gross_weight_kg":-1`...)
	} else {
		dst = append(dst, `,"gross_weight_kg":`...)
		dst = appendFixed(dst, int64(p.grossG), 3)
	}
	dst = append(dst, `,"declared_value":`...)
	dst = appendFixed(dst, p.declared, p.cur.dec)
	dst = append(dst, `,"currency":`...)
	dst = appendJSONString(dst, p.cur.code)
	dst = append(dst, `,"postage_paid":`...)
	dst = appendFixed(dst, p.postage, p.cur.dec)
	dst = append(dst, `,"invoice_number":`...)
	dst = appendJSONString(dst, p.invoice)
	dst = append(dst, `,"licence_number":`...)
	dst = appendJSONString(dst, p.licence)
	dst = append(dst, `,"certificate_number":`...)
	dst = appendJSONString(dst, p.cert)
	if p.amendment > 0 {
		dst = append(dst, `,"amendment":`...)
		dst = strconv.AppendInt(dst, int64(p.amendment), 10)
	}
	dst = append(dst, '}')

	switch p.broken {
	case brokenArray:
		dst = append(dst, ']')
	case brokenTruncate:
		// Any proper prefix of an object is not JSON; cut somewhere after
		// the synthetic field, as a lost message tail would.
		dst = dst[:head+1+g.rng.IntN(len(dst)-head-1)]
	}
	return dst
}

func appendParty(dst []byte, pt *party) []byte {
	dst = append(dst, `{"name":`...)
	dst = appendJSONString(dst, pt.name)
	dst = append(dst, `,"business":`...)
	dst = appendJSONString(dst, pt.business)
	dst = append(dst, `,"street":`...)
	dst = appendJSONString(dst, pt.street)
	dst = append(dst, `,"city":`...)
	dst = appendJSONString(dst, pt.city)
	dst = append(dst, `,"postcode":`...)
	dst = appendJSONString(dst, pt.postcode)
	dst = append(dst, `,"country":`...)
	dst = appendJSONString(dst, pt.country)
	dst = append(dst, `,"phone":`...)
	dst = appendJSONString(dst, pt.phone)
	dst = append(dst, `,"email":`...)
	dst = appendJSONString(dst, pt.email)
	dst = append(dst, `,"tax_id":`...)
	dst = appendJSONString(dst, pt.taxID)
	return append(dst, '}')
}

var pow10 = [...]int64{1, 10, 100, 1000}

// appendFixed appends v/10^dec as a decimal number with exactly dec
// digits after the point: grams as kilograms, cents as units. Integer
// arithmetic keeps totals exact, which floats would not.
func appendFixed(dst []byte, v int64, dec int) []byte {
	if dec == 0 {
		return strconv.AppendInt(dst, v, 10)
	}
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	p := pow10[dec]
	dst = strconv.AppendInt(dst, v/p, 10)
	dst = append(dst, '.')
	frac := v % p
	for d := p / 10; d > 0; d /= 10 {
		dst = append(dst, byte('0'+frac/d%10))
	}
	return dst
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string (RFC 8259): quote, reverse
// solidus and control characters escaped, invalid UTF-8 replaced by
// U+FFFD, everything else as is. strconv.Quote would not do: its \x and
// \U escapes are not JSON.
func appendJSONString[S ~string | ~[]byte](dst []byte, s S) []byte {
	dst = append(dst, '"')
	done := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			dst = append(dst, s[done:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			done = i
			continue
		}
		r, size := utf8.DecodeRuneInString(string(s[i:min(i+utf8.UTFMax, len(s))]))
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[done:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			done = i
			continue
		}
		i += size
	}
	dst = append(dst, s[done:]...)
	return append(dst, '"')
}
