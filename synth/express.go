package synth

import "math/rand/v2"

// appendTracking appends a tracking number in the shape carrier op prints:
// DHL Express ten-digit waybills with a mod-7 check digit, FedEx twelve
// digits with a weighted mod-11 check digit, UPS "1Z" numbers with a
// mod-10 check character, SF Express "SF" and thirteen digits.
func appendTracking(dst []byte, r *rand.Rand, op *operator) []byte {
	switch op {
	case dhl:
		n := 100_000_000 + r.Uint64N(900_000_000)
		dst = appendUint(dst, n, 9)
		return append(dst, byte('0'+n%7))
	case fdx:
		start := len(dst)
		dst = append(dst, byte('1'+r.IntN(9)))
		dst = appendUint(dst, r.Uint64N(10_000_000_000), 10)
		return append(dst, fedexCheck(dst[start:]))
	case ups:
		start := len(dst)
		dst = append(dst, "1Z"...)
		// Shipper account: six letters and digits.
		for range 6 {
			dst = append(dst, upsChars[r.IntN(len(upsChars))])
		}
		dst = append(dst, upsServices[r.IntN(len(upsServices))]...)
		dst = appendUint(dst, r.Uint64N(10_000_000), 7)
		return append(dst, upsCheck(dst[start+2:]))
	}
	dst = append(dst, "SF"...)
	dst = append(dst, byte('1'+r.IntN(9)))
	return appendUint(dst, r.Uint64N(1_000_000_000_000), 12)
}

const upsChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"

// upsServices are UPS service codes: next day air, 2nd day air, ground,
// worldwide express, worldwide expedited.
var upsServices = []string{"01", "02", "03", "66", "67"}

// appendUint appends n zero-padded to width digits.
func appendUint(dst []byte, n uint64, width int) []byte {
	var b [20]byte
	for i := width - 1; i >= 0; i-- {
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return append(dst, b[:width]...)
}

// fedexCheck computes the check digit of the first eleven digits: weights
// 1, 3, 7 repeating from the right, sum mod 11, 10 counting as 0.
func fedexCheck(d []byte) byte {
	w := [3]int{1, 3, 7}
	sum := 0
	for i := range d {
		sum += int(d[len(d)-1-i]-'0') * w[i%3]
	}
	return byte('0' + sum%11%10)
}

// upsCheck computes the check character over the fifteen characters after
// "1Z": letters count as (position in the alphabet + 2) mod 10, characters
// in even positions count double, and the digit brings the sum to a
// multiple of ten.
func upsCheck(s []byte) byte {
	sum := 0
	for i, c := range s {
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A'+2) % 10
		}
		if i%2 == 1 {
			v *= 2
		}
		sum += v
	}
	return byte('0' + (10-sum%10)%10)
}
