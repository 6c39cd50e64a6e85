package cloudfront

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
)

func TestAppendDelims(t *testing.T) {
	f := func(line string, delim byte) {
		t.Helper()
		var want []int32
		for i := 0; i < len(line); i++ {
			if line[i] == delim {
				want = append(want, int32(i))
			}
		}
		var sp splitter
		if got, n := sp.appendDelims(nil, []byte(line), delim, -1); !slices.Equal(got, want) || n != len(want) {
			t.Fatalf("appendDelims(%q, %q) = %v, %d; want %v", line, delim, got, n, want)
		}
		// The same line inside a larger buffer, read in place past its end.
		buf := []byte(line + strings.Repeat(string(delim), 70))
		if got, n := sp.appendDelims(nil, buf[:len(line)], delim, -1); !slices.Equal(got, want) || n != len(want) {
			t.Fatalf("appendDelims(%q, %q) in place = %v, %d; want %v", line, delim, got, n, want)
		}
		// With a limit: at least the first limit+1 offsets, and the count.
		for _, limit := range []int{0, 1, 5, 28, 100} {
			got, n := sp.appendDelims(nil, []byte(line), delim, limit)
			if n != len(want) || len(got) < min(limit+1, len(want)) || !slices.Equal(got, want[:len(got)]) {
				t.Fatalf("appendDelims(%q, %q, %d) = %v, %d; want a prefix of %v", line, delim, limit, got, n, want)
			}
		}
	}
	for _, line := range []string{"", "\t", "a\tb", "\t\t\t\t\t\t\t\t\t", "abcdefgh\tijklmnop\t", "\x89\x09\xff\x08\x0a\t\x00\t1234567",
		rec(33), rec(12), "a b  c   d\te\x80 \x20"} {
		f(line, '\t')
		f(line, ' ')
	}
	// Long random lines cross several 1 KiB chunks and leave tails of every
	// length.
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 3000; n += 1 + rng.IntN(97) {
		b := make([]byte, n)
		for i := range b {
			b[i] = "\t \x89ab\x00\xff"[rng.IntN(7)]
		}
		f(string(b), '\t')
		f(string(b), ' ')
	}
	// Appends after what dst holds.
	var sp splitter
	if got, _ := sp.appendDelims([]int32{7}, []byte("a\tb"), '\t', -1); !slices.Equal(got, []int32{7, 1}) {
		t.Fatalf("appendDelims after [7] = %v", got)
	}
}

func TestParseNumbers(t *testing.T) {
	fl := func(s string, want float64, wantOK bool) {
		t.Helper()
		got, ok := parseFloat([]byte(s))
		if ok != wantOK || ok && got != want {
			t.Fatalf("parseFloat(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
		}
		if ok {
			if ref, err := strconv.ParseFloat(s, 64); err != nil || ref != got {
				t.Fatalf("parseFloat(%q) = %v, strconv %v, %v", s, got, ref, err)
			}
		}
	}
	fl("0.001", 0.001, true)
	fl("30.014", 30.014, true)
	fl("0.000", 0, true)
	fl("1", 1, true)
	fl(".5", 0.5, true)
	fl("5.", 5, true)
	fl("123456789012345", 123456789012345, true)
	fl("0.1234567890123456789", 0.1234567890123456789, true)
	fl("1e3", 1000, true)
	fl("-0.5", -0.5, true)
	fl("", 0, false)
	fl(".", 0, false)
	fl("1.2.3", 0, false)
	fl("NaN", 0, false)
	fl("Inf", 0, false)
	fl("1e400", 0, false)

	in := func(s string, want int64, wantOK bool) {
		t.Helper()
		got, ok := parseInt64([]byte(s))
		if ok != wantOK || ok && got != want {
			t.Fatalf("parseInt64(%q) = %v, %v; want %v, %v", s, got, ok, want, wantOK)
		}
	}
	in("0", 0, true)
	in("9223372036854775807", math.MaxInt64, true)
	in("-9223372036854775808", math.MinInt64, true)
	in("9223372036854775808", 0, false)
	in("-9223372036854775809", 0, false)
	in("-", 0, false)
	in("", 0, false)
	in("1a", 0, false)
	in("+1", 0, false)

	dt := func(date, clock string, want string, wantOK bool) {
		t.Helper()
		d, ok1 := bytesconv.ParseDateDays([]byte(date))
		c, ok2 := parseClock([]byte(clock))
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
	dt("2023-02-29", "00:00:00", "", false)
	dt("2024-00-10", "00:00:00", "", false)
	dt("2024-01-32", "00:00:00", "", false)
	dt("0000-01-01", "00:00:00", "", false)
	dt("2024-01-01", "23:60:00", "", false)
	dt("2024/01/01", "00:00:00", "", false)
	dt("2024-01-01", "0:00:00", "", false)
}

func TestValidity(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for n := 0; n < 300; n++ {
		var v validity
		want := make([]bool, n)
		firstNull := rng.IntN(n + 1)
		for i := range want {
			want[i] = i < firstNull || rng.IntN(3) > 0
			v.append(want[i])
		}
		nulls := 0
		for i, ok := range want {
			if !ok {
				nulls++
				continue
			}
			if v.nulls > 0 && v.bits[i>>3]&(1<<(i&7)) == 0 {
				t.Fatalf("n=%d: bit %d not set", n, i)
			}
		}
		for i, ok := range want {
			if !ok && v.bits[i>>3]&(1<<(i&7)) != 0 {
				t.Fatalf("n=%d: bit %d set for a null", n, i)
			}
		}
		if v.n != n || v.nulls != nulls {
			t.Fatalf("n=%d: validity n=%d nulls=%d, want %d", n, v.n, v.nulls, nulls)
		}
		v.reset()
	}
}
