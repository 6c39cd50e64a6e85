package numfmt

import (
	"math"
	"testing"
)

func TestInt(t *testing.T) {
	f := func(n int64, want string) {
		t.Helper()
		if got := Int(n); got != want {
			t.Fatalf("Int(%d)=%q, want %q", n, got, want)
		}
	}
	f(0, "0")
	f(999, "999")
	f(1000, "1,000")
	f(1234567, "1,234,567")
	f(-999, "-999")
	f(-1000, "-1,000")
	f(-123456, "-123,456")
	f(math.MaxInt64, "9,223,372,036,854,775,807")
	f(math.MinInt64, "-9,223,372,036,854,775,808")
}

func TestBytes(t *testing.T) {
	f := func(n int64, want string) {
		t.Helper()
		if got := Bytes(n); got != want {
			t.Fatalf("Bytes(%d)=%q, want %q", n, got, want)
		}
	}
	f(0, "0 B")
	f(1023, "1023 B")
	f(1024, "1.0 KiB")
	f(1536, "1.5 KiB")
	f(3<<20, "3.0 MiB")
	f(5<<40, "5.0 TiB")
}

func TestCount(t *testing.T) {
	f := func(n int64, want string) {
		t.Helper()
		if got := Count(n, "object", "objects"); got != want {
			t.Fatalf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	f(0, "0 objects")
	f(1, "1 object")
	f(2400, "2,400 objects")
}
