// Package bytesconv parses numbers and timestamps straight from byte slices,
// without allocating and without going through strconv or time.Parse for the
// common shapes. Every parser returns (v, ok); ok is false for anything it
// does not accept, and callers treat that as a bad field.
package bytesconv

import (
	"encoding/binary"
	"math"
	"strconv"
	"unsafe"
)

// ToUnsafeString returns a string that shares b's memory. The string is valid
// only while b is neither modified nor reused; it must not be kept. This is
// the only place in the module that converts bytes to a string without a copy.
func ToUnsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// ParseUint64 parses a non-empty run of ASCII digits.
func ParseUint64(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 20 {
		return 0, false
	}
	var n uint64
	if len(b) < 20 {
		// Nineteen digits cannot overflow.
		for _, c := range b {
			d := c - '0'
			if d > 9 {
				return 0, false
			}
			n = n*10 + uint64(d)
		}
		return n, true
	}
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		if n > (math.MaxUint64-uint64(d))/10 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return n, true
}

// ParseUint16 parses a decimal number in [0, 65535].
func ParseUint16(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 5 {
		return 0, false
	}
	var n uint32
	for _, c := range b {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint32(d)
	}
	if n > math.MaxUint16 {
		return 0, false
	}
	return uint16(n), true
}

// ParseInt64 parses an optionally '-'-signed decimal number.
func ParseInt64(b []byte) (int64, bool) {
	neg := false
	if len(b) > 0 && b[0] == '-' {
		neg = true
		b = b[1:]
	}
	u, ok := ParseUint64(b)
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

// ParseInt32 parses an optionally '-'-signed decimal number that fits int32.
func ParseInt32(b []byte) (int32, bool) {
	if len(b) > 11 {
		return 0, false
	}
	v, ok := ParseInt64(b)
	if !ok || v < math.MinInt32 || v > math.MaxInt32 {
		return 0, false
	}
	return int32(v), true
}

var pow10 = [...]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9,
	1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// ParseMilli parses the shape of every ALB and CloudFront timing, one digit,
// a dot and three ("0.001"), and reports false for anything else: the fast
// path of ParseFloat64, for callers that handle the other shapes their own
// way.
func ParseMilli(b []byte) (float64, bool) {
	if len(b) != 5 || b[1] != '.' {
		return 0, false
	}
	d0, d1, d2, d3 := b[0]-'0', b[2]-'0', b[3]-'0', b[4]-'0'
	if d0 > 9 || d1 > 9 || d2 > 9 || d3 > 9 {
		return 0, false
	}
	return float64(int(d0)*1000+int(d1)*100+int(d2)*10+int(d3)) / 1000, true
}

// ParseMicro parses the shape of every Classic Load Balancer timing, one
// digit, a dot and six ("0.000073"), and reports false for anything else:
// a fast path for callers that handle the other shapes their own way. The
// value is the one ParseFloat64 gives.
func ParseMicro(b []byte) (float64, bool) {
	if len(b) != 8 || b[1] != '.' {
		return 0, false
	}
	v := uint32(b[0] - '0')
	if v > 9 {
		return 0, false
	}
	for _, c := range b[2:] {
		d := uint32(c - '0')
		if d > 9 {
			return 0, false
		}
		v = v*10 + d
	}
	return float64(v) / 1e6, true
}

// ParseFloat64 parses a plain decimal number such as "0.000036", "12" or
// "-1". Numbers with at most 15 significant digits are converted exactly
// (the mantissa and the power of ten are both exact float64 values, so one
// division rounds correctly, as strconv does); longer or exponent forms fall
// back to strconv.ParseFloat. NaN and infinities are refused.
func ParseFloat64(b []byte) (float64, bool) {
	if v, ok := ParseMilli(b); ok {
		return v, true
	}
	s := b
	neg := false
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if len(s) == 0 {
		return 0, false
	}
	var mant uint64
	digits, frac := 0, 0
	seenDot := false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if seenDot {
				return 0, false
			}
			seenDot = true
			continue
		}
		d := c - '0'
		if d > 9 {
			break
		}
		if mant != 0 || d != 0 {
			digits++
		}
		mant = mant*10 + uint64(d)
		if seenDot {
			frac++
		}
		if digits > 15 {
			return parseFloatSlow(b)
		}
	}
	if i != len(s) {
		if s[i] == 'e' || s[i] == 'E' {
			return parseFloatSlow(b)
		}
		return 0, false
	}
	// Refuse "." and "-." and accept "1." / ".5" like strconv.
	if seenDot && len(s) == 1 {
		return 0, false
	}
	f := float64(mant)
	if frac > 0 {
		if frac >= len(pow10) {
			return parseFloatSlow(b)
		}
		f /= pow10[frac]
	}
	if neg {
		f = -f
	}
	return f, true
}

func parseFloatSlow(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(ToUnsafeString(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// ParseTimestampMicros parses an ISO 8601 UTC timestamp of the fixed shape
// "2006-01-02T15:04:05Z" with an optional fraction of 1 to 9 digits before
// the Z ("2018-07-02T22:23:00.186641Z"), and returns microseconds since the
// Unix epoch (digits past the sixth are truncated). Calendar fields are
// range-checked; the day of month is checked against the month's length.
func ParseTimestampMicros(b []byte) (int64, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' || b[len(b)-1] != 'Z' {
		return 0, false
	}
	days, ok := ParseDateDays(b[:10])
	if !ok {
		return 0, false
	}
	hour, ok1 := digits2(b[11:13])
	min, ok2 := digits2(b[14:16])
	if !ok1 || !ok2 || hour > 23 || min > 59 {
		return 0, false
	}
	us, ok := ParseSecondsMicros(b[17:])
	if !ok {
		return 0, false
	}
	secs := days*86400 + int64(hour)*3600 + int64(min)*60
	return secs*1e6 + us, true
}

// ParseDateDays parses a date "2006-01-02" (years 0001-9999) and returns
// the days since 1970-01-01; the day of month is checked against the
// month's length.
func ParseDateDays(b []byte) (int64, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	year, ok1 := digits4(b[0:4])
	month, ok2 := digits2(b[5:7])
	day, ok3 := digits2(b[8:10])
	if !ok1 || !ok2 || !ok3 || year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) {
		return 0, false
	}
	return daysFromCivil(year, month, day), true
}

// ParseClockSeconds parses a time of day "15:04:05" and returns the
// seconds since midnight. A leap second (":60") is accepted, as logs write
// what the clock said.
func ParseClockSeconds(b []byte) (int64, bool) {
	if len(b) != 8 || b[2] != ':' || b[5] != ':' {
		return 0, false
	}
	h, ok1 := digits2(b[0:2])
	m, ok2 := digits2(b[3:5])
	s, ok3 := digits2(b[6:8])
	if !ok1 || !ok2 || !ok3 || h > 23 || m > 59 || s > 60 {
		return 0, false
	}
	return int64(h*3600 + m*60 + s), true
}

// ParseSecondsMicros parses the tail of such a timestamp, "05Z" or
// "05.186641Z" (seconds 00-59, a fraction of 1 to 9 digits), and returns it
// in microseconds.
func ParseSecondsMicros(b []byte) (int64, bool) {
	// Fast path for the shape ALB writes: "SS.ffffffZ". Its eight digits,
	// the dot dropped, are the microseconds, parsed as one word.
	if len(b) == 10 && b[2] == '.' && b[9] == 'Z' && b[0] <= '5' {
		w := binary.LittleEndian.Uint64(b[1:9])&^0xffff | uint64(b[0]) | uint64(b[1])<<8
		if us, ok := parse8(w); ok {
			return int64(us), true
		}
	}
	if len(b) < 3 || b[len(b)-1] != 'Z' {
		return 0, false
	}
	sec, ok := digits2(b[0:2])
	if !ok || sec > 59 {
		return 0, false
	}
	var micros int64
	rest := b[2 : len(b)-1]
	if len(rest) > 0 {
		if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
			return 0, false
		}
		n := 0
		for i, c := range rest[1:] {
			d := c - '0'
			if d > 9 {
				return 0, false
			}
			if i < 6 {
				micros = micros*10 + int64(d)
				n++
			}
		}
		for ; n < 6; n++ {
			micros *= 10
		}
	}
	return int64(sec)*1e6 + micros, true
}

// maxSecondsDigits caps the whole seconds ParseSecondsNanos accepts: nine
// digits are over 31 years, and their nanoseconds fit an int64.
const maxSecondsDigits = 9

// ParseSecondsNanos parses a non-negative duration in seconds written as a
// plain decimal, "1.121980746", "0.5" or "30", and returns it in
// nanoseconds, exactly: fraction digits past the ninth are truncated. At
// most nine digits of whole seconds are accepted; signs, exponents and an
// empty whole or fractional part ("." , ".5", "5.") are refused.
func ParseSecondsNanos(b []byte) (int64, bool) {
	dot := len(b)
	for i, c := range b {
		if c == '.' {
			dot = i
			break
		}
	}
	if dot == 0 || dot > maxSecondsDigits || dot == len(b)-1 {
		return 0, false
	}
	var sec int64
	for _, c := range b[:dot] {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		sec = sec*10 + int64(d)
	}
	var ns int64
	n := 0
	if dot < len(b) {
		for _, c := range b[dot+1:] {
			d := c - '0'
			if d > 9 {
				return 0, false
			}
			if n < 9 {
				ns = ns*10 + int64(d)
				n++
			}
		}
	}
	for ; n < 9; n++ {
		ns *= 10
	}
	return sec*1e9 + ns, true
}

// parse8 parses the eight ASCII digits of w, the first in its low byte.
func parse8(w uint64) (uint64, bool) {
	const zeros = 0x3030303030303030
	const high = 0xf0f0f0f0f0f0f0f0
	if w&high != zeros || (w+0x0606060606060606)&high != zeros {
		return 0, false
	}
	x := w - zeros
	x = (x*10 + x>>8) & 0x00ff00ff00ff00ff
	x = (x*100 + x>>16) & 0x0000ffff0000ffff
	x = (x*10000 + x>>32) & 0xffffffff
	return x, true
}

func digits2(b []byte) (int, bool) {
	d0, d1 := b[0]-'0', b[1]-'0'
	if d0 > 9 || d1 > 9 {
		return 0, false
	}
	return int(d0)*10 + int(d1), true
}

func digits4(b []byte) (int, bool) {
	hi, ok1 := digits2(b[0:2])
	lo, ok2 := digits2(b[2:4])
	return hi*100 + lo, ok1 && ok2
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil returns the number of days since 1970-01-01 of a proleptic
// Gregorian date (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400 // y >= -1 here, so truncation only matters for y == -1
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// MinuteCache parses timestamps as ParseTimestampMicros does, faster when
// they share their minute ("2018-07-02T22:23") with the last one parsed
// in the usual shape, with microseconds: the lines of one log object do,
// so only their seconds and fraction are parsed again. The zero value is
// ready to use.
type MinuteCache struct {
	key [2]uint64 // the first 16 bytes of the last timestamp
	us  int64     // its minute, in microseconds since the epoch
	ok  bool
}

// Parse returns the microseconds since the epoch of the timestamp b.
func (c *MinuteCache) Parse(b []byte) (int64, bool) {
	if len(b) == 27 && c.ok && b[16] == ':' &&
		binary.LittleEndian.Uint64(b) == c.key[0] && binary.LittleEndian.Uint64(b[8:]) == c.key[1] {
		us, ok := ParseSecondsMicros(b[17:])
		return c.us + us, ok
	}
	return c.parseSlow(b)
}

// parseSlow parses a whole timestamp and caches its minute when it has
// the usual length (microseconds).
func (c *MinuteCache) parseSlow(b []byte) (int64, bool) {
	v, ok := ParseTimestampMicros(b)
	if ok && len(b) == 27 {
		c.key = [2]uint64{binary.LittleEndian.Uint64(b), binary.LittleEndian.Uint64(b[8:])}
		us, _ := ParseSecondsMicros(b[17:])
		c.us = v - us
		c.ok = true
	}
	return v, ok
}
