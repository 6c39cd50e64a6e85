package bytesconv

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

func TestParseUint16_Success(t *testing.T) {
	f := func(s string, want uint16) {
		t.Helper()
		got, ok := ParseUint16([]byte(s))
		if !ok || got != want {
			t.Fatalf("ParseUint16(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	f("0", 0)
	f("000", 0)
	f("80", 80)
	f("65535", 65535)
}

func TestParseUint16_Failure(t *testing.T) {
	f := func(s string) {
		t.Helper()
		if got, ok := ParseUint16([]byte(s)); ok {
			t.Fatalf("ParseUint16(%q) = %d, want failure", s, got)
		}
	}
	f("")
	f("-")
	f("-1")
	f("65536")
	f("99999")
	f("123456")
	f("1a")
	f(" 1")
	f("+1")
}

func TestParseUint64(t *testing.T) {
	f := func(s string, want uint64, wantOK bool) {
		t.Helper()
		got, ok := ParseUint64([]byte(s))
		if ok != wantOK || got != want {
			t.Fatalf("ParseUint64(%q) = %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f("0", 0, true)
	f("9999999999999999999", 9999999999999999999, true)
	f("18446744073709551615", 18446744073709551615, true)
	f("00000000000000000001", 1, true)
	f("18446744073709551616", 0, false)
	f("99999999999999999999", 0, false)
	f("100000000000000000000", 0, false)
	f("123456789012345678x", 0, false)
	f("", 0, false)
}

func TestParseInt64_Success(t *testing.T) {
	f := func(s string, want int64) {
		t.Helper()
		got, ok := ParseInt64([]byte(s))
		if !ok || got != want {
			t.Fatalf("ParseInt64(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	f("0", 0)
	f("-1", -1)
	f("107999", 107999)
	f("9223372036854775807", 9223372036854775807)
	f("-9223372036854775808", -9223372036854775808)
}

func TestParseInt64_Failure(t *testing.T) {
	f := func(s string) {
		t.Helper()
		if got, ok := ParseInt64([]byte(s)); ok {
			t.Fatalf("ParseInt64(%q) = %d, want failure", s, got)
		}
	}
	f("")
	f("-")
	f("--1")
	f("9223372036854775808")
	f("-9223372036854775809")
	f("18446744073709551616")
	f("99999999999999999999")
	f("1.5")
}

func TestParseInt32(t *testing.T) {
	if v, ok := ParseInt32([]byte("-2147483648")); !ok || v != -2147483648 {
		t.Fatalf("min int32: %d %v", v, ok)
	}
	for s, want := range map[string]int32{"0": 0, "7": 7, "50000": 50000, "999999999": 999999999, "2147483647": 2147483647, "-1": -1} {
		if v, ok := ParseInt32([]byte(s)); !ok || v != want {
			t.Fatalf("ParseInt32(%q) = %d, %v; want %d", s, v, ok, want)
		}
	}
	for _, s := range []string{"", "-", "2147483648", "-2147483649", "123456789012", "TLSv1.2", "12a", "+", "+5"} {
		if _, ok := ParseInt32([]byte(s)); ok {
			t.Fatalf("ParseInt32(%q) succeeded", s)
		}
	}
}

func TestParseFloat64_Success(t *testing.T) {
	f := func(s string) {
		t.Helper()
		want, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := ParseFloat64([]byte(s))
		if !ok || got != want {
			t.Fatalf("ParseFloat64(%q) = %v, %v; want %v", s, got, ok, want)
		}
	}
	f("0")
	f("0.000")
	f("0.001")
	f("0.086")
	f("0.000036")
	f("0.0003")
	f("-1")
	f("-1.0")
	f("12")
	f("1.")
	f(".5")
	f("+2.5")
	f("123456.789012")
	f("0.1234567890123456789") // more than 15 digits: slow path
	f("1e-3")
	f("340282366920938463463374607431768211456.0")
	// Every value of the fast "d.ddd" shape.
	for v := 0; v < 10000; v++ {
		f(fmt.Sprintf("%d.%03d", v/1000, v%1000))
	}
}

func TestParseFloat64_Failure(t *testing.T) {
	f := func(s string) {
		t.Helper()
		if got, ok := ParseFloat64([]byte(s)); ok {
			t.Fatalf("ParseFloat64(%q) = %v, want failure", s, got)
		}
	}
	f("")
	f("-")
	f(".")
	f("-.")
	f("0.0.1")
	f("1,5")
	f("abc")
	f("NaN")
	f("Inf")
	f("1e999")
	f("0.0a1")
	f("a.123")
	f("1.23/")
	f("0x10")
	f("0x1p-3") // hex floats, which strconv would take, are no log's numbers
	f("1 ")
}

func TestParseClockSeconds(t *testing.T) {
	dt := func(date, clock string, want string, wantOK bool) {
		t.Helper()
		d, ok1 := ParseDateDays([]byte(date))
		c, ok2 := ParseClockSeconds([]byte(clock))
		if ok1 && ok2 != wantOK || !(ok1 && ok2) && wantOK {
			t.Fatalf("%s %s: ok %v %v, want %v", date, clock, ok1, ok2, wantOK)
		}
		if wantOK {
			got := strconv.FormatInt((d*86400+c)*1000, 10)
			if got != want {
				t.Fatalf("%s %s = %s ms, want %s", date, clock, got, want)
			}
		}
	}
	dt("1970-01-01", "00:00:00", "0", true)
	dt("2019-12-04", "21:02:31", "1575493351000", true)
	dt("2024-02-29", "23:59:59", "1709251199000", true)
	dt("2000-03-01", "00:00:00", "951868800000", true)
	dt("0001-01-01", "00:00:00", "-62135596800000", true)
	dt("9999-12-31", "23:59:59", "253402300799000", true)
	dt("2016-12-31", "23:59:60", "1483228800000", true) // a leap second
	dt("2023-02-29", "00:00:00", "", false)
	dt("2024-00-10", "00:00:00", "", false)
	dt("2024-01-32", "00:00:00", "", false)
	dt("0000-01-01", "00:00:00", "", false)
	dt("2024-01-01", "23:60:00", "", false)
	dt("2024-01-01", "24:00:00", "", false)
	dt("2024-01-01", "00:00:61", "", false)
	dt("2024/01/01", "00:00:00", "", false)
	dt("2024-01-01", "0:00:00", "", false)
	dt("2024-01-01", "00-00-00", "", false)
}

func TestParseTimestampMicros_Success(t *testing.T) {
	f := func(s, want string) {
		t.Helper()
		got, ok := ParseTimestampMicros([]byte(s))
		if !ok {
			t.Fatalf("ParseTimestampMicros(%q) failed", s)
		}
		w, err := time.Parse(time.RFC3339Nano, want)
		if err != nil {
			t.Fatal(err)
		}
		if got != w.UnixMicro() {
			t.Fatalf("ParseTimestampMicros(%q) = %s, want %s", s, time.UnixMicro(got).UTC(), w)
		}
	}
	f("2018-07-02T22:23:00.186641Z", "2018-07-02T22:23:00.186641Z")
	f("2018-07-02T22:22:48.364000Z", "2018-07-02T22:22:48.364Z")
	f("2018-07-02T22:22:48.364Z", "2018-07-02T22:22:48.364Z")
	f("2018-07-02T22:22:48Z", "2018-07-02T22:22:48Z")
	f("2018-07-02T22:22:48.123456789Z", "2018-07-02T22:22:48.123456Z")
	f("1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z")
	f("1969-12-31T23:59:59.999999Z", "1969-12-31T23:59:59.999999Z")
	f("2000-02-29T12:00:00Z", "2000-02-29T12:00:00Z")
	f("2024-12-31T23:59:59.999999Z", "2024-12-31T23:59:59.999999Z")
	f("0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z")
	f("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z")
}

func TestParseTimestampMicros_Failure(t *testing.T) {
	f := func(s string) {
		t.Helper()
		if got, ok := ParseTimestampMicros([]byte(s)); ok {
			t.Fatalf("ParseTimestampMicros(%q) = %d, want failure", s, got)
		}
	}
	f("")
	f("-")
	f("2018-07-02")
	f("2018-07-02T22:23:00")
	f("2018-07-02T22:23:00.186641")
	f("2018-07-02 22:23:00Z")
	f("2018-07-02T22:23:00+00:00")
	f("2018-13-02T22:23:00Z")
	f("2018-00-02T22:23:00Z")
	f("2018-02-29T22:23:00Z")
	f("1900-02-29T22:23:00Z")
	f("2018-04-31T22:23:00Z")
	f("2018-07-00T22:23:00Z")
	f("2018-07-02T24:00:00Z")
	f("2018-07-02T23:60:00Z")
	f("2018-07-02T23:59:60Z")
	f("2018-07-02T22:23:00.Z")
	f("2018-07-02T22:23:00.1234567890Z")
	f("2018-07-02T22:23:00,5Z")
	f("2018-07-02T22:23:00.5aZ")
	f("2O18-07-02T22:23:00Z")
	f("2018-07-02T22:23:0xZ")
}

func TestToUnsafeString(t *testing.T) {
	if s := ToUnsafeString([]byte("abc")); s != "abc" {
		t.Fatal(s)
	}
	if s := ToUnsafeString(nil); s != "" {
		t.Fatal(s)
	}
}

func TestParseSecondsMicros(t *testing.T) {
	f := func(s string, want int64, wantOK bool) {
		t.Helper()
		got, ok := ParseSecondsMicros([]byte(s))
		if ok != wantOK || got != want {
			t.Fatalf("ParseSecondsMicros(%q) = %d, %v; want %d, %v", s, got, ok, want, wantOK)
		}
	}
	f("05Z", 5_000_000, true)
	f("59.999999Z", 59_999_999, true)
	f("00.5Z", 500_000, true)
	f("60Z", 0, false)
	f("5Z", 0, false)
	f("05.Z", 0, false)
	f("05", 0, false)
	f("05.1234567890Z", 0, false)
	f("07.123456Z", 7_123_456, true)
	f("60.000000Z", 0, false)
	f("5a.123456Z", 0, false)
	f("05.12345aZ", 0, false)
	f("05.123456X", 0, false)
}

// The word-at-a-time fast path of ParseSecondsMicros must accept exactly
// the digits a byte-by-byte reading accepts.
func TestParseSecondsMicros_FastPath(t *testing.T) {
	ref := func(b []byte) (int64, bool) {
		var v int64
		for i, c := range b[:9] {
			if i == 2 {
				continue
			}
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int64(c-'0')
		}
		return v, b[0] <= '5'
	}
	rng := rand.New(rand.NewPCG(7, 8))
	odd := []byte{'0' - 1, '9' + 1, '/', ':', 'a', ' ', 0x80, 0xb0, 0xff, 0x06, 0x36}
	for range 20000 {
		b := []byte(fmt.Sprintf("%02d.%06dZ", rng.IntN(60), rng.IntN(1e6)))
		if rng.IntN(2) == 0 {
			i := rng.IntN(9)
			if i == 2 {
				i = 0
			}
			b[i] = odd[rng.IntN(len(odd))]
		}
		got, ok := ParseSecondsMicros(b)
		want, wantOK := ref(b)
		if ok != wantOK || ok && got != want {
			t.Fatalf("ParseSecondsMicros(%q) = %d %v, want %d %v", b, got, ok, want, wantOK)
		}
	}
}

func TestMinuteCache(t *testing.T) {
	var c MinuteCache
	f := func(s string, want int64, wantOK bool) {
		t.Helper()
		if v, ok := c.Parse([]byte(s)); ok != wantOK || ok && v != want {
			t.Fatalf("Parse(%q) = %d %v, want %d %v", s, v, ok, want, wantOK)
		}
	}
	const base = 1530570180000000 // 2018-07-02T22:23:00Z
	f("2018-07-02T22:23:00.186641Z", base+186641, true)
	f("2018-07-02T22:23:59.999999Z", base+59999999, true)
	f("2018-07-02T22:23:5x.999999Z", 0, false)
	f("2018-07-02T22:23:07Z", base+7000000, true)
	f("2018-07-02T22:24:00.000001Z", base+60000001, true)
	f("2018-07-02T22:23:00.000000Z", base, true)
}

// ParseMicro and ParseMilli are fast paths of ParseFloat64: where they
// take a value, they must give ParseFloat64's result.
func TestParseFixedPoint_FastPaths(t *testing.T) {
	f := func(s string, takes bool) {
		t.Helper()
		parse := ParseMicro
		if len(s) == 5 {
			parse = ParseMilli
		}
		got, ok := parse([]byte(s))
		if ok != takes {
			t.Fatalf("fast path of %q: ok = %v, want %v", s, ok, takes)
		}
		if want, wok := ParseFloat64([]byte(s)); ok && (!wok || got != want) {
			t.Fatalf("fast path of %q = %v, ParseFloat64 %v %v", s, got, want, wok)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		v := rng.IntN(10_000_000)
		f(fmt.Sprintf("%d.%06d", v/1e6, v%1e6), true)
		f(fmt.Sprintf("%d.%03d", v%10000/1000, v%1000), true)
	}
	f("0.000073", true)
	f("9.999999", true)
	for _, s := range []string{"-1.00000", "0.00007a", "a.000073", "0,000073", "10.00007", "0.0000731", "0.00007", "/.000000", ":.000000", "0.00000/", "0.00000:", "-0.00001"} {
		f(s, false)
	}
}

func TestParseSecondsNanos_Success(t *testing.T) {
	f := func(s string, want int64) {
		t.Helper()
		got, ok := ParseSecondsNanos([]byte(s))
		if !ok || got != want {
			t.Fatalf("ParseSecondsNanos(%q) = %d, %v; want %d", s, got, ok, want)
		}
	}
	f("0.019584011", 19584011)
	f("1.121980746", 1121980746)
	f("5.000813266", 5000813266)
	f("0", 0)
	f("30", 30e9)
	f("0.5", 5e8)
	f("0.001", 1e6)
	f("12.0000000019", 12e9+1) // digits past the nanosecond are truncated
	f("999999999.999999999", 999999999999999999)
	f("007.000000001", 7e9+1)
}

func TestParseSecondsNanos_Failure(t *testing.T) {
	f := func(s string) {
		t.Helper()
		if got, ok := ParseSecondsNanos([]byte(s)); ok {
			t.Fatalf("ParseSecondsNanos(%q) = %d, want failure", s, got)
		}
	}
	f("")
	f("-")
	f("-1")
	f("-0.5")
	f("+1.0")
	f(".")
	f(".5")
	f("5.")
	f("1.2.3")
	f("1e3")
	f("0.00x")
	f("1000000000.0")
	f("NaN")
	f(" 1.0")
}
