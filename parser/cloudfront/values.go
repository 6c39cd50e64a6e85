package cloudfront

import (
	"bytes"
	"math"
	"strconv"
	"unicode/utf8"
	"unsafe"
)

// parseClock parses "HH:MM:SS" into seconds since midnight.
func parseClock(b []byte) (int64, bool) {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, false
	}
	h, ok1 := digits(b[0:2])
	m, ok2 := digits(b[3:5])
	s, ok3 := digits(b[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return 0, false
	}
	return int64(h*3600 + m*60 + s), true
}

// digits parses a short run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// parseInt64 parses an optionally negative decimal integer.
func parseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg, b = true, b[1:]
	}
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	if neg {
		if n > 1<<63 {
			return 0, false
		}
		return -int64(n), true
	}
	if n > math.MaxInt64 {
		return 0, false
	}
	return int64(n), true
}

// parseUint parses a non-negative decimal integer no larger than max.
func parseUint(b []byte, max uint64) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, n <= max
}

// parseStatus parses an HTTP status of 1–3 digits; "000" is 0.
func parseStatus(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 3 {
		return 0, false
	}
	n, ok := digits(b)
	return uint16(n), ok
}

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// parseFloat parses a decimal number such as "0.001" or "30.014". Plain
// "digits[.digits]" with at most 15 significant digits takes a fast path
// that is exact (both operands of the division are exact, so the quotient
// is correctly rounded); anything else goes to strconv. NaN and infinities
// are refused.
func parseFloat(b []byte) (float64, bool) {
	var mant uint64
	nd, frac, dot := 0, 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			mant = mant*10 + uint64(c-'0')
			nd++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return parseFloatSlow(b)
		}
	}
	if nd == 0 || nd > 15 {
		return parseFloatSlow(b)
	}
	return float64(mant) / pow10[frac], true
}

func parseFloatSlow(b []byte) (float64, bool) {
	if len(b) == 0 {
		return 0, false
	}
	f, err := strconv.ParseFloat(unsafe.String(&b[0], len(b)), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// escapeAt returns the byte that the escape "%XX" at b[i] stands for.
func escapeAt(b []byte, i int) (byte, bool) {
	if i+2 >= len(b) {
		return 0, false
	}
	hi, ok1 := unhex(b[i+1])
	lo, ok2 := unhex(b[i+2])
	return hi<<4 | lo, ok1 && ok2
}

// tableChar reports whether c is a character CloudFront writes as an escape
// besides controls and non-ASCII bytes: space < > " # % { } | \ ^ ~ [ ] ` '.
func tableChar(c byte) bool {
	switch c {
	case ' ', '<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`', '\'':
		return true
	}
	return false
}

// urlDecode appends src to dst with "%XX" escapes decoded; when onlyTable is
// set only escapes of table characters are. Invalid escapes are copied as
// written. '+' is a literal plus in these logs.
func urlDecode(dst, src []byte, onlyTable bool) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '%' {
			if v, ok := escapeAt(src, i); ok && (!onlyTable || tableChar(v)) {
				dst = append(dst, v)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// hasTableEscape reports whether b holds an escape of a table character.
func hasTableEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] == '%' {
			if v, ok := escapeAt(b, i); ok && tableChar(v) {
				return true
			}
		}
	}
	return false
}

// decodeValue URL-decodes v per mode, appending any decoded text to *buf,
// and returns the value to store: v itself when nothing needs decoding or
// when decoding would give invalid UTF-8.
func decodeValue(buf *[]byte, v []byte, mode decoding) []byte {
	if mode == decodeNone || bytes.IndexByte(v, '%') < 0 {
		return v
	}
	start := len(*buf)
	*buf = urlDecode(*buf, v, false)
	d := (*buf)[start:]
	if !utf8.Valid(d) {
		*buf = (*buf)[:start]
		return v
	}
	if mode == decodeUA && hasTableEscape(d) {
		start2 := len(*buf)
		*buf = urlDecode(*buf, d, true)
		d = (*buf)[start2:]
	}
	return d
}
