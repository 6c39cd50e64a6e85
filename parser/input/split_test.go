package input

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/albconn"
	"github.com/lbtriage/lbtriage/parser/albhealth"
	"github.com/lbtriage/lbtriage/parser/clb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/nlb"
)

// allRowSink keeps every row, all columns, by object name.
type allRowSink struct{ rows map[string][]string }

func (s *allRowSink) Consume(src parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	for i := 0; i < int(rec.NumRows()); i++ {
		var b strings.Builder
		for _, col := range rec.Columns() {
			b.WriteString(col.ValueStr(i))
			b.WriteByte('|')
		}
		s.rows[src.Name] = append(s.rows[src.Name], b.String())
	}
	return nil
}

// scanAll is what Scan made of a set of objects, in a form to compare:
// every object's result (its error as text), its rejects and its rows,
// sorted, as whatever worker read them.
type scanAll struct {
	results []string
	rejects []string
	rows    map[string][]string
}

func scanEvery(t *testing.T, objs []Object, opts ScanOptions) scanAll {
	t.Helper()
	opts.Decoders = []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}, nlb.Decoder{}, albconn.Decoder{}, albhealth.Decoder{}, clb.Decoder{}}
	opts.Parser.Allocator = checkedAllocator(t)
	var mu sync.Mutex
	var out scanAll
	opts.OnReject = func(e *parser.LineError) {
		mu.Lock()
		out.rejects = append(out.rejects, fmt.Sprintf("%s:%d: %s %q", e.Source, e.Line, e.Reason, e.Snippet))
		mu.Unlock()
	}
	sinks, results, err := Scan(t.Context(), objs, opts, func() Sink { return &allRowSink{rows: map[string][]string{}} })
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	out.rows = map[string][]string{}
	for _, s := range sinks {
		for k, v := range s.(*allRowSink).rows {
			out.rows[k] = append(out.rows[k], v...)
		}
	}
	for k := range out.rows {
		slices.Sort(out.rows[k])
	}
	slices.Sort(out.rejects)
	for _, r := range results {
		out.results = append(out.results, fmt.Sprintf("%s %s %q %+v %v", r.Source.Name, r.Format, r.SkipReason, r.Stats, r.Err))
	}
	return out
}

// splitObjects are objects of every format the ELB and CloudFront decoders
// read, generated, with the cases that cut blocks must keep: rejected
// lines, "\r\n", comments, a line longer than the line cap and one longer
// than a block grows to, a last line without '\n', CloudFront headers
// changing in the middle of an object, gzip members, a truncated object.
func splitObjects(t *testing.T) []Object {
	t.Helper()
	var objs []Object
	add := func(name string, data []byte) { objs = append(objs, memObject(name, data)) }
	text := func(o gen.Object) string {
		b, err := readAll(o.Data)
		if err != nil {
			t.Fatalf("%s: %s", o.Key, err)
		}
		return string(b)
	}
	last := func(objs []gen.Object, keep string) gen.Object {
		for i := len(objs) - 1; i >= 0; i-- {
			if IsGzip(objs[i].Data) && strings.Contains(objs[i].Key, keep) {
				return objs[i]
			}
		}
		t.Fatal("no object generated")
		return gen.Object{}
	}

	sc := gen.SampleIncident()
	sc.Rows = 3000
	albObjs, _, err := gen.ALBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	a := text(last(albObjs, ""))
	lines := strings.SplitAfter(a, "\n")
	var b strings.Builder
	for i, l := range lines {
		switch i {
		case 3:
			b.WriteString("not a log line\n")
		case 5:
			b.WriteString(strings.TrimSuffix(l, "\n") + "\r\n")
			continue
		case 8:
			b.WriteString("# a comment\n\n")
		case 12:
			b.WriteString(strings.Repeat("x", 3000) + "\n") // longer than a block, within the cap
		case 20:
			b.WriteString(strings.Replace(l, `"GET`, `"GET"x`, 1)) // a stray quote
		}
		b.WriteString(l)
	}
	edgy := b.String()
	add("alb-edgy.log.gz", gzipBytes(t, edgy[:len(edgy)/2], edgy[len(edgy)/2:]))
	add("alb-no-newline.log", []byte(strings.TrimSuffix(edgy, "\n")))
	long := lines[0] + strings.Repeat("y", 20000) + "\n" + strings.Join(lines[1:], "")
	add("alb-too-long.log", []byte(long)) // past the cap and any block
	z := gzipBytes(t, edgy)
	add("alb-truncated.log.gz", z[:len(z)*2/3])

	cf := gen.SampleCloudFrontIncident()
	cf.Rows = 2000
	cfObjs, _, err := gen.CloudFrontObjects(cf)
	if err != nil {
		t.Fatal(err)
	}
	var cfAll strings.Builder
	for _, o := range cfObjs {
		if IsGzip(o.Data) {
			cfAll.WriteString(text(o)) // each with its header
		}
	}
	cfText := cfAll.String()
	// A header naming the fields in another order halfway.
	if i := strings.Index(cfText[len(cfText)/2:], "\n"); i >= 0 {
		mid := len(cfText)/2 + i + 1
		cfText = cfText[:mid] + "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status\n" +
			"2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t503\n" + cfText[mid:]
	}
	add("E2QWRUHAPOMQZL.2026-11-20-12.concat.gz", gzipBytes(t, cfText))

	nsc := gen.SampleNLBIncident()
	nsc.Connections = 2000
	nlbObjs, _, err := gen.NLBObjects(nsc)
	if err != nil {
		t.Fatal(err)
	}
	add("nlb.log.gz", last(nlbObjs, "").Data)

	csc := gen.SamplePartnerTLSIncident()
	csc.ALB.Rows = 2000
	connObjs, _, _, err := gen.ConnObjects(csc)
	if err != nil {
		t.Fatal(err)
	}
	add("conn.log.gz", last(connObjs, "conn_log_").Data)

	hsc := gen.SampleHealthIncident()
	hsc.ALB.Rows = 2000
	healthObjs, _, err := gen.HealthObjects(hsc)
	if err != nil {
		t.Fatal(err)
	}
	add("health.log.gz", last(healthObjs, "").Data)
	return objs
}

// TestScan_SplitMatchesWhole reads objects in blocks (ScanOptions.Split),
// from blocks smaller than a line to larger than the objects, on one
// worker and on several: the rows, the rejected lines with their numbers,
// the Stats and the errors are those of the objects read whole.
func TestScan_SplitMatchesWhole(t *testing.T) {
	objs := splitObjects(t)
	base := ScanOptions{Workers: 1, Parser: parser.Options{MaxLineBytes: 4096}}
	want := scanEvery(t, objs, base)
	if len(want.rejects) == 0 || len(want.rows) != len(objs) {
		t.Log(strings.Join(want.results, "\n"))
		t.Fatalf("the objects read whole give %d rejects and rows of %d objects", len(want.rejects), len(want.rows))
	}
	for _, workers := range []int{1, 3} {
		for _, size := range []int{64, 1000, 64 << 10, 16 << 20} {
			opts := base
			opts.Workers, opts.Split, opts.SplitAll, opts.BlockBytes = workers, true, true, size
			got := scanEvery(t, objs, opts)
			name := fmt.Sprintf("%d workers, blocks of %d bytes", workers, size)
			if !slices.Equal(got.results, want.results) {
				t.Errorf("%s: results\n%s\nwant\n%s", name, strings.Join(got.results, "\n"), strings.Join(want.results, "\n"))
			}
			if !slices.Equal(got.rejects, want.rejects) {
				t.Errorf("%s: %d rejects, want %d; first %q, want %q", name, len(got.rejects), len(want.rejects), first(got.rejects), first(want.rejects))
			}
			for k, rows := range want.rows {
				if !slices.Equal(got.rows[k], rows) {
					t.Errorf("%s: %s: %d rows differ from the %d read whole", name, k, len(got.rows[k]), len(rows))
				}
			}
		}
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// TestLineReader_Block holds a LineReader over a parser.Block to the
// lines, statuses, numbers and byte counts of one reading the same text as
// a stream.
func TestLineReader_Block(t *testing.T) {
	f := func(text string, max int, err error) {
		t.Helper()
		type line struct {
			s     string
			st    parser.LineStatus
			num   int64
			bytes int64
		}
		read := func(lr *parser.LineReader) (out []line) {
			for lr.Next() {
				out = append(out, line{string(lr.Line()), lr.Status(), lr.Num(), lr.Bytes()})
			}
			return out
		}
		var src = parser.Block{Text: []byte(text), Err: err}
		want := read(parser.NewLineReader(struct{ *parser.Block }{&src}, max))
		blk := &parser.Block{Text: []byte(text), Err: err, Line: 0}
		got := read(parser.NewLineReader(blk, max))
		if !slices.Equal(got, want) {
			t.Errorf("%q (max %d): in place %+v, want %+v", text, max, got, want)
		}
	}
	long := strings.Repeat("z", 300)
	for _, max := range []int{160, 299, 300, 301, 1000} {
		f("a\nb\r\n\nc", max, nil)
		f("a\n"+long+"\nb\n", max, nil)
		f("a\n"+long, max, nil)
		f(long+"\n"+long+"x", max, nil)
		f("a\nb", max, bytes.ErrTooLarge)
		f("", max, nil)
	}
}
