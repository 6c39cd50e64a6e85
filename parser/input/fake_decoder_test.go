package input

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// fakeDecoder is a tiny line format for testing Scan without the real
// decoders: lines starting with prefix (or that match accepts, when set)
// are rows, blank lines and lines starting with "#" are comments, anything
// else is rejected.
type fakeDecoder struct {
	format parser.Format
	prefix string
	match  func(line []byte) bool
	// real is the decoder whose title and object names the fake borrows;
	// title, when set, is the title instead.
	real  parser.Decoder
	title string
}

func (d fakeDecoder) isRow(line []byte) bool {
	if d.match != nil {
		return d.match(line)
	}
	return bytes.HasPrefix(line, []byte(d.prefix))
}

var fakeSchema = arrow.NewSchema([]arrow.Field{{Name: "line", Type: arrow.BinaryTypes.String}}, nil)

func (d fakeDecoder) Format() parser.Format { return d.format }
func (d fakeDecoder) Schema() *arrow.Schema { return fakeSchema }

func (d fakeDecoder) Title() string {
	if d.title != "" {
		return d.title
	}
	return d.real.Title()
}

// Sniff counts the rows.
func (d fakeDecoder) Sniff(head []byte) int {
	n := 0
	for _, l := range bytes.Split(head, []byte("\n")) {
		if len(l) > 0 && l[0] != '#' && d.isRow(l) {
			n++
		}
	}
	return n
}

// ParseName reads the real decoder's layout.
func (d fakeDecoder) ParseName(base string) (parser.Source, bool) {
	if d.real == nil {
		return parser.Source{}, false
	}
	src, ok := d.real.ParseName(base)
	src.Format = d.format
	return src, ok
}

func (d fakeDecoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	opts = opts.WithDefaults()
	for _, c := range opts.Columns {
		if c != "line" {
			return nil, fmt.Errorf("unknown column %q", c)
		}
	}
	return &fakeReader{
		dec:  d,
		lr:   parser.NewLineReader(r, opts.MaxLineBytes),
		opts: opts,
		bld:  array.NewStringBuilder(opts.Allocator),
	}, nil
}

type fakeReader struct {
	dec   fakeDecoder
	lr    *parser.LineReader
	opts  parser.Options
	bld   *array.StringBuilder
	rec   arrow.RecordBatch
	stats parser.Stats
}

func (r *fakeReader) Next() bool {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	for r.bld.Len() < r.opts.BatchSize && r.lr.Next() {
		r.stats.Lines++
		line := r.lr.Line()
		switch {
		case r.lr.Status() != parser.LineOK:
			r.reject("incomplete line", line)
		case len(line) == 0 || line[0] == '#':
			r.stats.Comments++
		case r.dec.isRow(line):
			r.bld.Append(string(line))
			r.stats.Parsed++
		default:
			r.reject("not a fake line", line)
		}
	}
	r.stats.Bytes = r.lr.Bytes()
	if r.bld.Len() == 0 {
		return false
	}
	arr := r.bld.NewArray()
	defer arr.Release()
	r.rec = array.NewRecordBatch(fakeSchema, []arrow.Array{arr}, int64(arr.Len()))
	return true
}

func (r *fakeReader) reject(reason string, line []byte) {
	r.stats.Rejected++
	if r.opts.OnReject != nil {
		r.opts.OnReject(parser.NewLineError(r.opts.Source.Name, r.lr.Num(), reason, line))
	}
}

func (r *fakeReader) RecordBatch() arrow.RecordBatch { return r.rec }
func (r *fakeReader) Stats() parser.Stats            { return r.stats }
func (r *fakeReader) Schema() *arrow.Schema          { return fakeSchema }

// Err wraps the read error with the object's name, as real decoders may.
func (r *fakeReader) Err() error {
	if err := r.lr.Err(); err != nil {
		return fmt.Errorf("read %s: %w", r.opts.Source.Name, err)
	}
	return nil
}

func (r *fakeReader) Release() {
	if r.rec != nil {
		r.rec.Release()
		r.rec = nil
	}
	r.bld.Release()
}

var (
	fakeALB = fakeDecoder{format: alb.Format, prefix: "L ", real: alb.Decoder{}}
	fakeCF  = fakeDecoder{format: cloudfront.Format, prefix: "#Version", real: cloudfront.Decoder{}}
)

// rowSink keeps every row it is given, by object name.
type rowSink struct {
	rows    map[string][]string
	batches int
	fail    func(name string) error
}

func newRowSink() Sink { return &rowSink{rows: map[string][]string{}} }

func (s *rowSink) Consume(src parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	s.batches++
	col := rec.Column(0).(*array.String)
	for i := 0; i < col.Len(); i++ {
		s.rows[src.Name] = append(s.rows[src.Name], col.Value(i))
	}
	if s.fail != nil {
		return s.fail(src.Name)
	}
	return nil
}

// mergeRows merges the sinks' rows.
func mergeRows(sinks []Sink) map[string][]string {
	all := map[string][]string{}
	for _, s := range sinks {
		for k, v := range s.(*rowSink).rows {
			all[k] = append(all[k], v...)
		}
	}
	return all
}

// memObject is an object served from memory.
func memObject(name string, data []byte) Object {
	return Object{
		Source: parser.Source{Name: name},
		Size:   int64(len(data)),
		Open: func(context.Context) (io.ReadCloser, error) {
			return io.NopCloser(bytes.NewReader(data)), nil
		},
	}
}

// gzipBytes compresses each part as its own gzip member.
func gzipBytes(t testing.TB, parts ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, p := range parts {
		zw := gzip.NewWriter(&buf)
		if _, err := zw.Write([]byte(p)); err != nil {
			t.Fatalf("write gzip: %s", err)
		}
		if err := zw.Close(); err != nil {
			t.Fatalf("close gzip: %s", err)
		}
	}
	return buf.Bytes()
}

// fakeLines returns n fake rows with a comment and a bad line mixed in.
func fakeLines(tag string, n int) string {
	var b bytes.Buffer
	b.WriteString("L header-row " + tag + "\n# comment\n")
	for i := range n {
		fmt.Fprintf(&b, "L %s row %d\n", tag, i)
		if i%50 == 7 {
			b.WriteString("junk line\n\n")
		}
	}
	return b.String()
}

// counter is a concurrency-safe counter for callbacks.
type counter struct {
	mu sync.Mutex
	n  int64
}

func (c *counter) add(n int64) {
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
}

func (c *counter) get() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func checkedAllocator(t *testing.T) *memory.CheckedAllocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}
