package input

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/parser"
)

// readAll decompresses data whole.
func readAll(data []byte) ([]byte, error) {
	rc, err := Decompress(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func TestDecompress_Success(t *testing.T) {
	f := func(data []byte, want string) {
		t.Helper()
		got, err := readAll(data)
		if err != nil {
			t.Fatalf("Decompress: %s", err)
		}
		if string(got) != want {
			t.Fatalf("got %q, want %q", got, want)
		}
	}
	text := fakeLines("d", 300)
	f(nil, "")
	f([]byte("x"), "x")
	f([]byte("\x1f"), "\x1f")
	f([]byte("\x8b\x1f plain"), "\x8b\x1f plain")
	f([]byte(text), text)
	f(gzipBytes(t, text), text)
	f(gzipBytes(t, ""), "")
	// Concatenated members, as several writers may produce.
	f(gzipBytes(t, text[:100], text[100:2000], "", text[2000:]), text)
	// Many empty members never look like a stalled reader.
	empties := make([]string, 300)
	f(gzipBytes(t, append(empties, "x")...), "x")
}

// Gzip is found by its magic bytes, not by the object's name.
func TestScan_GzipByMagic(t *testing.T) {
	mem := checkedAllocator(t)
	text := "L 1\nL 2\nL 3\n"
	objects := []Object{
		memObject("gzip-named.log", gzipBytes(t, text)),
		memObject("plain-named.log.gz", []byte(text)),
	}
	sinks, results, err := Scan(t.Context(), objects, ScanOptions{Decoders: []parser.Decoder{fakeALB}, Parser: parser.Options{Allocator: mem}}, newRowSink)
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	rows := mergeRows(sinks)
	for _, r := range results {
		if r.Err != nil || r.Stats.Parsed != 3 || len(rows[r.Source.Name]) != 3 {
			t.Fatalf("%s: Err=%v Parsed=%d rows=%d, want 3 rows", r.Source.Name, r.Err, r.Stats.Parsed, len(rows[r.Source.Name]))
		}
	}
}

// Cutting a gzip object anywhere keeps what came before the cut and reports
// the truncation.
func TestDecompress_Truncated(t *testing.T) {
	text := fakeLines("t", 2000)
	full := gzipBytes(t, text[:len(text)/2], text[len(text)/2:])
	for _, cut := range []int{2, 5, 9, 10, 11, 20, 100, 1000, len(full) / 2, len(full) - 20, len(full) - 8, len(full) - 4, len(full) - 1} {
		rc, err := Decompress(bytes.NewReader(full[:cut]))
		if err != nil {
			if !errors.Is(err, ErrTruncated) {
				t.Fatalf("cut at %d: Decompress: %v, want ErrTruncated", cut, err)
			}
			continue
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: err=%v, want ErrTruncated", cut, err)
		}
		if err.Error() != "gzip stream truncated (unexpected EOF)" {
			t.Fatalf("cut at %d: err=%q", cut, err)
		}
		if !strings.HasPrefix(text, string(got)) {
			t.Fatalf("cut at %d: output is not a prefix of the text", cut)
		}
		if cut >= len(full)/2 && len(got) == 0 {
			t.Fatalf("cut at %d: nothing read before the fault", cut)
		}
	}
}

// A stream cut inside a later member's header is a truncation, not an end.
func TestDecompress_TruncatedSecondHeader(t *testing.T) {
	first := gzipBytes(t, "L 1\n")
	var second bytes.Buffer
	zw := gzip.NewWriter(&second)
	zw.Name = "access.log"
	zw.Comment = "second member"
	zw.Write([]byte("L 2\n"))
	zw.Close()
	whole := append(bytes.Clone(first), second.Bytes()...)
	for cut := len(first) + 1; cut < len(whole); cut++ {
		got, err := readAll(whole[:cut])
		if !errors.Is(err, ErrTruncated) {
			t.Fatalf("cut at %d: err=%v, want ErrTruncated", cut, err)
		}
		if !strings.HasPrefix("L 1\nL 2\n", string(got)) || len(got) < 4 {
			t.Fatalf("cut at %d: got %q", cut, got)
		}
	}
	if got, err := readAll(whole); err != nil || string(got) != "L 1\nL 2\n" {
		t.Fatalf("whole: %q, %v", got, err)
	}
}

func TestDecompress_Corrupt(t *testing.T) {
	text := fakeLines("c", 2000)
	full := gzipBytes(t, text)
	f := func(data []byte, wantMsg string) {
		t.Helper()
		_, err := readAll(data)
		if err == nil {
			t.Fatalf("no error, want %q", wantMsg)
		}
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTruncated) {
			t.Fatalf("err=%v, want ErrCorrupt or ErrTruncated", err)
		}
		if wantMsg != "" && err.Error() != wantMsg {
			t.Fatalf("err=%q, want %q", err, wantMsg)
		}
	}
	flip := func(offs ...int) []byte {
		b := bytes.Clone(full)
		for _, o := range offs {
			b[o] ^= 0x55
		}
		return b
	}
	// Trailer: CRC-32 and size.
	f(flip(len(full)-8), "corrupt gzip data: checksum mismatch (data altered or cut short)")
	f(flip(len(full)-2), "corrupt gzip data: checksum mismatch (data altered or cut short)")
	// Header: compression method.
	f(flip(2), "corrupt gzip data: invalid gzip header")
	// Deflate data: any error of the two kinds, never silent success.
	for o := 10; o < len(full)-8; o += 97 {
		f(flip(o, o+1, o+2), "")
	}
	// Garbage after a whole member.
	f(append(bytes.Clone(full), "trailing junk"...), "corrupt gzip data: invalid gzip header")
	// Streams the flate decoder calls an internal error are corrupt too.
	f([]byte("\x1f\x8b\b\x00000000$0\x00\x00\x00C00000"), "corrupt gzip data: invalid deflate data (unexpected length code)")
	// Invalid block type.
	f([]byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xff\xff"), "")
}

func TestDecompress_ReadErrors(t *testing.T) {
	boom := errors.New("connection reset")
	// A failure of the stored stream is passed through, not called corrupt.
	text := fakeLines("e", 500)
	r := io.MultiReader(bytes.NewReader(gzipBytes(t, text)[:300]), iotest.ErrReader(boom))
	rc, err := Decompress(r)
	if err != nil {
		t.Fatalf("Decompress: %s", err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, boom) {
		t.Fatalf("err=%v, want %v", err, boom)
	}
	// Errors are sticky.
	rc, err = Decompress(io.MultiReader(strings.NewReader("plain"), iotest.ErrReader(boom)))
	if err != nil {
		t.Fatalf("Decompress: %s", err)
	}
	defer rc.Close()
	if _, err := io.ReadAll(rc); !errors.Is(err, boom) {
		t.Fatalf("err=%v, want %v", err, boom)
	}
	if _, err := rc.Read(make([]byte, 1)); !errors.Is(err, boom) {
		t.Fatalf("second read: err=%v, want %v", err, boom)
	}
	// Failing before the first bytes.
	if _, err := Decompress(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Fatalf("Decompress: err=%v, want %v", err, boom)
	}
}

// Readers come back from the pool clean: reading other data after a failed
// read gives the right bytes.
func TestDecompress_PoolReuse(t *testing.T) {
	a, b := fakeLines("a", 1000), fakeLines("b", 10)
	ga := gzipBytes(t, a)
	for i := 0; i < 20; i++ {
		if _, err := readAll(ga[:len(ga)/2]); !errors.Is(err, ErrTruncated) {
			t.Fatalf("err=%v, want ErrTruncated", err)
		}
		got, err := readAll(gzipBytes(t, b))
		if err != nil || string(got) != b {
			t.Fatalf("reuse: err=%v, %d bytes, want %d", err, len(got), len(b))
		}
		got, err = readAll([]byte(a))
		if err != nil || string(got) != a {
			t.Fatalf("reuse plain: err=%v", err)
		}
	}
}
