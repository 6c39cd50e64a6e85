package cloudfront

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// readResult is everything a Reader produced from one input.
type readResult struct {
	rows    []map[string]string // column name -> rendered value ("null" for null)
	rejects []string            // "line: reason"
	stats   parser.Stats
	schema  *arrow.Schema
}

// readAll reads in to the end with a checked allocator and a small batch
// size (2 unless opts says otherwise), checks that the counts reconcile and
// that every byte allocated was freed, and renders the rows.
func readAll(t *testing.T, in string, opts parser.Options) readResult {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	opts.Allocator = mem
	if opts.BatchSize == 0 {
		opts.BatchSize = 2
	}
	var res readResult
	opts.OnReject = func(e *parser.LineError) {
		res.rejects = append(res.rejects, fmt.Sprintf("%d: %s", e.Line, e.Reason))
	}
	r, err := NewReader(strings.NewReader(in), opts)
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	res.schema = r.Schema()
	for r.Next() {
		rec := r.RecordBatch()
		if rec.NumRows() > int64(opts.BatchSize) {
			t.Fatalf("batch of %d rows, BatchSize %d", rec.NumRows(), opts.BatchSize)
		}
		if !rec.Schema().Equal(r.Schema()) {
			t.Fatalf("batch schema %v, reader schema %v", rec.Schema(), r.Schema())
		}
		res.rows = append(res.rows, renderRows(rec)...)
	}
	if err := r.Err(); err != nil {
		t.Fatalf("Err: %v", err)
	}
	res.stats = r.Stats()
	r.Release()
	if r.Next() {
		t.Fatalf("Next after Release returned true")
	}
	s := res.stats
	if s.Lines != s.Parsed+s.Rejected+s.Comments {
		t.Fatalf("stats do not reconcile: %+v", s)
	}
	if int64(len(res.rows)) != s.Parsed || int64(len(res.rejects)) != s.Rejected {
		t.Fatalf("%d rows and %d rejects, stats %+v", len(res.rows), len(res.rejects), s)
	}
	if s.Bytes != int64(len(in)) {
		t.Fatalf("Stats.Bytes = %d, want %d", s.Bytes, len(in))
	}
	return res
}

func renderRows(rec arrow.RecordBatch) []map[string]string {
	rows := make([]map[string]string, rec.NumRows())
	for i := range rows {
		rows[i] = map[string]string{}
	}
	for c, col := range rec.Columns() {
		name := rec.ColumnName(c)
		for i := range rows {
			rows[i][name] = renderValue(col, i)
		}
	}
	return rows
}

func renderValue(col arrow.Array, i int) string {
	if col.IsNull(i) {
		return "null"
	}
	switch a := col.(type) {
	case *array.String:
		return a.Value(i)
	case *array.Int64:
		return strconv.FormatInt(a.Value(i), 10)
	case *array.Int32:
		return strconv.FormatInt(int64(a.Value(i)), 10)
	case *array.Uint16:
		return strconv.FormatUint(uint64(a.Value(i)), 10)
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Timestamp:
		return a.Value(i).ToTime(arrow.Microsecond).UTC().Format("2006-01-02T15:04:05.000Z")
	}
	return fmt.Sprintf("<%T>", col)
}

// project renders the named columns of each row, joined by " | ".
func project(rows []map[string]string, cols string) []string {
	names := strings.Fields(cols)
	out := make([]string, len(rows))
	for i, row := range rows {
		vals := make([]string, len(names))
		for j, n := range names {
			v, ok := row[n]
			if !ok {
				v = "<absent>"
			}
			vals[j] = v
		}
		out[i] = strings.Join(vals, " | ")
	}
	return out
}

// sample holds synthetic values for every legacy field, by W3C name.
var sample = map[string]string{
	"date": "2024-03-01", "time": "12:34:56", "x-edge-location": "FRA56-P1",
	"sc-bytes": "1234", "c-ip": "198.51.100.7", "cs-method": "GET",
	"cs(Host)": "d123example.cloudfront.net", "cs-uri-stem": "/index.html", "sc-status": "200",
	"cs(Referer)": "-", "cs(User-Agent)": "curl/8.5.0", "cs-uri-query": "-", "cs(Cookie)": "-",
	"x-edge-result-type": "Hit", "x-edge-request-id": "reqID1==", "x-host-header": "www.example.com",
	"cs-protocol": "https", "cs-bytes": "120", "time-taken": "0.002", "x-forwarded-for": "-",
	"ssl-protocol": "TLSv1.3", "ssl-cipher": "TLS_AES_128_GCM_SHA256",
	"x-edge-response-result-type": "Hit", "cs-protocol-version": "HTTP/2.0",
	"fle-status": "-", "fle-encrypted-fields": "-", "c-port": "50123",
	"time-to-first-byte": "0.001", "x-edge-detailed-result-type": "Hit",
	"sc-content-type": "text/html", "sc-content-len": "512", "sc-range-start": "-",
	"sc-range-end": "-", "distribution-tenant-id": "dt_1", "connection-id": "conn-1",
}

// rec returns a record of the first n legacy fields with sample values,
// overridden by name/value pairs, TAB-separated and ended by "\n".
func rec(n int, kv ...string) string {
	vals := make([]string, n)
	for i, name := range legacyOrder[:n] {
		vals[i] = sample[name]
	}
	for i := 0; i+1 < len(kv); i += 2 {
		for j, name := range legacyOrder[:n] {
			if name == kv[i] {
				vals[j] = kv[i+1]
			}
		}
	}
	return strings.Join(vals, "\t") + "\n"
}

// header returns "#Version" and "#Fields" lines for the first n legacy
// fields.
func header(n int) string {
	return "#Version: 1.0\n#Fields: " + strings.Join(legacyOrder[:n], " ") + "\n"
}
