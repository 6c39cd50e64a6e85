package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/nlb"
)

const albName = "AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/" +
	"123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz"

// scanObjects builds a mix of plain, gzip and multi-member gzip objects.
func scanObjects(t *testing.T, n int) ([]Object, map[string]int) {
	t.Helper()
	var objects []Object
	want := map[string]int{} // rows per object
	for i := range n {
		name := fmt.Sprintf("obj-%02d.log", i)
		rows := 10 + i*37
		text := fakeLines(name, rows)
		var data []byte
		switch i % 3 {
		case 0:
			data = []byte(text)
		case 1:
			data = gzipBytes(t, text)
		case 2:
			half := len(text) / 2
			data = gzipBytes(t, text[:half], text[half:])
		}
		objects = append(objects, memObject(name, data))
		want[name] = rows + 1
	}
	return objects, want
}

func TestScan_Deterministic(t *testing.T) {
	objects, wantRows := scanObjects(t, 24)
	var (
		firstResults []ObjectResult
		firstRows    map[string][]string
	)
	for _, workers := range []int{1, 2, 8} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			mem := checkedAllocator(t)
			var stored, objectsDone, rejects counter
			opts := ScanOptions{
				Workers:  workers,
				Decoders: []parser.Decoder{fakeALB, fakeCF},
				Parser:   parser.Options{BatchSize: 64, Allocator: mem},
				OnBytes:  stored.add,
				OnObject: func(ObjectResult) { objectsDone.add(1) },
				OnReject: func(*parser.LineError) { rejects.add(1) },
			}
			sinks, results, err := Scan(context.Background(), objects, opts, newRowSink)
			if err != nil {
				t.Fatalf("Scan: %s", err)
			}
			if got, want := len(sinks), workers; got != want {
				t.Fatalf("len(sinks)=%d, want %d", got, want)
			}
			if got, want := len(results), len(objects); got != want {
				t.Fatalf("len(results)=%d, want %d", got, want)
			}
			rows := mergeRows(sinks)
			var storedSum int64
			for i, r := range results {
				name := objects[i].Source.Name
				if r.Source.Name != name {
					t.Fatalf("results[%d] is %q, want %q", i, r.Source.Name, name)
				}
				if r.Err != nil {
					t.Fatalf("%s: %s", name, r.Err)
				}
				if r.Format != alb.Format {
					t.Fatalf("%s: format %q, want alb", name, r.Format)
				}
				if r.StoredBytes != objects[i].Size {
					t.Fatalf("%s: StoredBytes=%d, want %d", name, r.StoredBytes, objects[i].Size)
				}
				s := r.Stats
				if s.Lines != s.Parsed+s.Rejected+s.Comments {
					t.Fatalf("%s: lines %d != parsed %d + rejected %d + comments %d", name, s.Lines, s.Parsed, s.Rejected, s.Comments)
				}
				if got, want := int(s.Parsed), wantRows[name]; got != want {
					t.Fatalf("%s: Parsed=%d, want %d", name, got, want)
				}
				if got, want := len(rows[name]), wantRows[name]; got != want {
					t.Fatalf("%s: sinks got %d rows, want %d", name, got, want)
				}
				storedSum += r.StoredBytes
			}
			total, totalStored, read, failed := TotalStats(results)
			if total.Rejected != rejects.get() {
				t.Fatalf("Rejected=%d, OnReject called %d times", total.Rejected, rejects.get())
			}
			if totalStored != storedSum || stored.get() != storedSum {
				t.Fatalf("stored bytes: TotalStats %d, OnBytes %d, want %d", totalStored, stored.get(), storedSum)
			}
			if read != len(objects) || failed != 0 || objectsDone.get() != int64(len(objects)) {
				t.Fatalf("read=%d failed=%d OnObject=%d, want %d, 0, %d", read, failed, objectsDone.get(), len(objects), len(objects))
			}
			if firstResults == nil {
				firstResults, firstRows = results, rows
				return
			}
			if !reflect.DeepEqual(results, firstResults) {
				t.Fatalf("results differ from workers=1")
			}
			if !reflect.DeepEqual(rows, firstRows) {
				t.Fatalf("rows differ from workers=1")
			}
		})
	}
}

func TestScan_TruncatedAmongGood(t *testing.T) {
	mem := checkedAllocator(t)
	text := fakeLines("cut", 5000)
	full := gzipBytes(t, text)
	cut := full[:len(full)*2/3]
	objects := []Object{
		memObject("a.log", []byte(fakeLines("a", 10))),
		memObject("cut.log.gz", cut),
		memObject("b.log.gz", gzipBytes(t, fakeLines("b", 10))),
	}
	for _, workers := range []int{1, 3} {
		opts := ScanOptions{Workers: workers, Decoders: []parser.Decoder{fakeALB}, Parser: parser.Options{BatchSize: 100, Allocator: mem}}
		sinks, results, err := Scan(context.Background(), objects, opts, newRowSink)
		if err != nil {
			t.Fatalf("Scan: %s", err)
		}
		if results[0].Err != nil || results[2].Err != nil {
			t.Fatalf("good objects failed: %v, %v", results[0].Err, results[2].Err)
		}
		r := results[1]
		if !errors.Is(r.Err, ErrTruncated) {
			t.Fatalf("cut object: Err=%v, want ErrTruncated", r.Err)
		}
		if got, want := r.Err.Error(), `cannot read "cut.log.gz": gzip stream truncated (unexpected EOF)`; got != want {
			t.Fatalf("Err=%q, want %q", got, want)
		}
		rows := mergeRows(sinks)["cut.log.gz"]
		if len(rows) == 0 || int64(len(rows)) != r.Stats.Parsed || r.Stats.Parsed >= 5001 {
			t.Fatalf("cut object: %d rows delivered, Parsed=%d; want some but not all", len(rows), r.Stats.Parsed)
		}
		if rows[0] != "L header-row cut" || !strings.HasPrefix(rows[len(rows)-1], "L cut row ") {
			t.Fatalf("cut object: rows %q … %q", rows[0], rows[len(rows)-1])
		}
		if _, _, read, failed := TotalStats(results); read != 3 || failed != 1 {
			t.Fatalf("read=%d failed=%d, want 3, 1", read, failed)
		}
	}
}

func TestScan_Failure(t *testing.T) {
	f := func(obj Object, wantErr string, wantIs error) {
		t.Helper()
		mem := checkedAllocator(t)
		opts := ScanOptions{Decoders: []parser.Decoder{fakeALB, fakeCF}, Parser: parser.Options{Allocator: mem}}
		_, results, err := Scan(context.Background(), []Object{obj}, opts, newRowSink)
		if err != nil {
			t.Fatalf("Scan: %s", err)
		}
		r := results[0]
		if r.Err == nil || r.Err.Error() != wantErr {
			t.Fatalf("Err=%v, want %q", r.Err, wantErr)
		}
		if wantIs != nil && !errors.Is(r.Err, wantIs) {
			t.Fatalf("Err=%v is not %v", r.Err, wantIs)
		}
		if s := r.Stats; s.Lines != s.Parsed+s.Rejected+s.Comments {
			t.Fatalf("stats do not add up: %+v", s)
		}
	}
	f(memObject("x.log", []byte("hello world\r\nsecond\n")),
		`"x.log" is not an ALB or CloudFront access log (first line: "hello world")`, ErrUnknownFormat)
	f(memObject("x.log", gzipBytes(t, strings.Repeat("x", 5000))),
		`"x.log" is not an ALB or CloudFront access log (first line: "`+strings.Repeat("x", 100)+`")`, ErrUnknownFormat)
	f(memObject("x.zst", []byte("\x28\xb5\x2f\xfd\x00\x00")),
		`"x.zst" is not an ALB or CloudFront access log (zstd data; only gzip is decompressed)`, ErrUnknownFormat)
	f(memObject("x.parquet", []byte("PAR1\x15\x00")),
		`"x.parquet" is not an ALB or CloudFront access log (a Parquet file; only text logs are read)`, ErrUnknownFormat)
	f(Object{
		Source: parser.Source{Name: "gone.log"},
		Open: func(context.Context) (io.ReadCloser, error) {
			return os.Open("testdata/does-not-exist")
		},
	}, `cannot read "gone.log": no such file or directory`, fs.ErrNotExist)
	f(memObject("bad-header.gz", []byte("\x1f\x8b\x07\x00\x00\x00\x00\x00\x00\x03rest")),
		`cannot read "bad-header.gz": corrupt gzip data: invalid gzip header`, ErrCorrupt)
	f(memObject("short-header.gz", []byte("\x1f\x8b\x08\x00")),
		`cannot read "short-header.gz": gzip stream truncated (unexpected EOF)`, ErrTruncated)
}

func TestScan_Success(t *testing.T) {
	f := func(obj Object, opts ScanOptions, wantFormat parser.Format, wantStats parser.Stats) {
		t.Helper()
		mem := checkedAllocator(t)
		if opts.Decoders == nil {
			opts.Decoders = []parser.Decoder{fakeALB, fakeCF}
		}
		opts.Parser.Allocator = mem
		_, results, err := Scan(context.Background(), []Object{obj}, opts, newRowSink)
		if err != nil {
			t.Fatalf("Scan: %s", err)
		}
		r := results[0]
		if r.Err != nil {
			t.Fatalf("Err=%s", r.Err)
		}
		if r.Format != wantFormat {
			t.Fatalf("Format=%q, want %q", r.Format, wantFormat)
		}
		if r.Stats != wantStats {
			t.Fatalf("Stats=%+v, want %+v", r.Stats, wantStats)
		}
	}
	// Empty objects: zero lines, whatever the name says.
	f(memObject("empty.log", nil), ScanOptions{}, parser.FormatUnknown, parser.Stats{})
	f(memObject("empty.log.gz", gzipBytes(t, "")), ScanOptions{}, parser.FormatUnknown, parser.Stats{})
	f(memObject(albName, gzipBytes(t, "")), ScanOptions{}, alb.Format, parser.Stats{})
	// Sniffing.
	f(memObject("a.log", []byte("L 1\nL 2\n")), ScanOptions{}, alb.Format,
		parser.Stats{Bytes: 8, Lines: 2, Parsed: 2})
	f(memObject("E2.2019-11-14-20.X.gz", []byte("#Version: 1.0\n")), ScanOptions{}, cloudfront.Format,
		parser.Stats{Bytes: 14, Lines: 1, Comments: 1})
	// The name decides when the content does not: the bad first line is
	// rejected, the rest read.
	f(memObject(albName, []byte("garbage\nL 2\n")), ScanOptions{}, alb.Format,
		parser.Stats{Bytes: 12, Lines: 2, Parsed: 1, Rejected: 1})
	// A forced format wins over sniffing.
	f(memObject("a.log", []byte("L 1\n")), ScanOptions{Format: cloudfront.Format}, cloudfront.Format,
		parser.Stats{Bytes: 4, Lines: 1, Rejected: 1})
	// Columns reach the decoder.
	f(memObject("a.log", []byte("L 1\n")), ScanOptions{Columns: map[parser.Format][]string{alb.Format: {"line"}}},
		alb.Format, parser.Stats{Bytes: 4, Lines: 1, Parsed: 1})
}

func TestScan_ColumnsError(t *testing.T) {
	mem := checkedAllocator(t)
	opts := ScanOptions{
		Decoders: []parser.Decoder{fakeALB},
		Parser:   parser.Options{Allocator: mem},
		Columns:  map[parser.Format][]string{alb.Format: {"nope"}},
	}
	_, results, err := Scan(context.Background(), []Object{memObject("a.log", []byte("L 1\n"))}, opts, newRowSink)
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	if got, want := fmt.Sprint(results[0].Err), `cannot read "a.log": unknown column "nope"`; got != want {
		t.Fatalf("Err=%s, want %s", got, want)
	}
}

func TestScan_Skip(t *testing.T) {
	opened := false
	obj := Object{
		Source: parser.Source{Name: "AWSLogs/123456789012/ELBAccessLogTestFile"},
		Open: func(context.Context) (io.ReadCloser, error) {
			opened = true
			return nil, errors.New("must not be opened")
		},
	}
	_, results, err := Scan(context.Background(), []Object{obj}, ScanOptions{Decoders: []parser.Decoder{fakeALB}}, newRowSink)
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	if opened || results[0].SkipReason != SkipTestFile || results[0].Err != nil {
		t.Fatalf("opened=%v result=%+v, want skipped", opened, results[0])
	}
	if _, _, read, _ := TotalStats(results); read != 0 {
		t.Fatalf("read=%d, want 0", read)
	}
}

func TestScan_NoObjects(t *testing.T) {
	sinks, results, err := Scan(context.Background(), nil, ScanOptions{}, newRowSink)
	if err != nil || len(sinks) != 1 || len(results) != 0 {
		t.Fatalf("Scan(nil)=%d sinks, %d results, %v; want 1, 0, nil", len(sinks), len(results), err)
	}
}

func TestScan_UnknownForcedFormat(t *testing.T) {
	_, _, err := Scan(context.Background(), nil, ScanOptions{Format: "nginx", Decoders: []parser.Decoder{fakeALB}}, newRowSink)
	if err == nil || !strings.Contains(err.Error(), `no decoder for format "nginx"`) {
		t.Fatalf("err=%v, want no decoder", err)
	}
}

func TestScan_SinkError(t *testing.T) {
	mem := checkedAllocator(t)
	objects, _ := scanObjects(t, 12)
	errSink := errors.New("write report: disk full")
	newSink := func() Sink {
		return &rowSink{rows: map[string][]string{}, fail: func(name string) error {
			if name == "obj-05.log" {
				return errSink
			}
			return nil
		}}
	}
	opts := ScanOptions{Workers: 4, Decoders: []parser.Decoder{fakeALB}, Parser: parser.Options{BatchSize: 16, Allocator: mem}}
	_, results, err := Scan(context.Background(), objects, opts, newSink)
	if !errors.Is(err, errSink) {
		t.Fatalf("err=%v, want %v", err, errSink)
	}
	if !errors.Is(results[5].Err, errSink) {
		t.Fatalf("results[5].Err=%v, want the sink's error", results[5].Err)
	}
}

func TestScan_Cancel(t *testing.T) {
	mem := checkedAllocator(t)
	objects, _ := scanObjects(t, 12)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	newSink := func() Sink {
		return &rowSink{rows: map[string][]string{}, fail: func(string) error {
			cancel()
			return nil
		}}
	}
	for _, workers := range []int{1, 4} {
		opts := ScanOptions{Workers: workers, Decoders: []parser.Decoder{fakeALB}, Parser: parser.Options{BatchSize: 16, Allocator: mem}}
		_, results, err := Scan(ctx, objects, opts, newSink)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err=%v, want context.Canceled", err)
		}
		if len(results) != len(objects) {
			t.Fatalf("len(results)=%d, want %d", len(results), len(objects))
		}
		for i, r := range results {
			if !errors.Is(r.Err, context.Canceled) {
				t.Fatalf("results[%d].Err=%v, want context.Canceled", i, r.Err)
			}
			if r.Source.Name != objects[i].Source.Name {
				t.Fatalf("results[%d] is %q, want %q", i, r.Source.Name, objects[i].Source.Name)
			}
		}
	}
}

// TestArticle: the article of a title goes by the sound of its first word.
func TestArticle(t *testing.T) {
	f := func(title, want string) {
		t.Helper()
		if got := article(title); got != want {
			t.Errorf("article(%q) = %q, want %q", title, got, want)
		}
	}
	f("ALB access log", "an")
	f("NLB access log", "an")
	f("ELB access-log test file", "an")
	f("S3 object", "an")
	f("CLB access log (registered)", "a")
	f("CloudFront access log", "a")
	f("Classic Load Balancer access log", "a")
	f("ALB", "an")
	f("A", "an")
	f("", "a")
	f("unknown log", "an")
}

// TestOneOf names the formats an object is not: two by their shared last
// words, more as a list rather than a chain of "or".
func TestOneOf(t *testing.T) {
	f := func(want string, decoders ...parser.Decoder) {
		t.Helper()
		if got := oneOf(decoders); got != want {
			t.Fatalf("oneOf = %q, want %q", got, want)
		}
	}
	f("a log of a known format")
	f("an ALB access log", alb.Decoder{})
	f("an ALB or CloudFront access log", alb.Decoder{}, cloudfront.Decoder{})
	f("a log lbtriage reads (ALB access, CloudFront access or NLB access logs)", alb.Decoder{}, cloudfront.Decoder{}, nlb.Decoder{})
}
