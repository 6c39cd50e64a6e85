package cloudfront

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// checkRows reads in and compares the named columns of every row.
func checkRows(t *testing.T, in string, opts parser.Options, cols string, want ...string) readResult {
	t.Helper()
	res := readAll(t, in, opts)
	if len(res.rejects) > 0 {
		t.Fatalf("unexpected rejects: %q\ninput:\n%s", res.rejects, in)
	}
	if got := project(res.rows, cols); !slices.Equal(got, want) {
		t.Fatalf("columns %q:\ngot  %q\nwant %q\ninput:\n%s", cols, got, want, in)
	}
	return res
}

func TestReaderLayouts_Success(t *testing.T) {
	f := func(in, cols string, want ...string) {
		t.Helper()
		checkRows(t, in, parser.Options{}, cols, want...)
	}
	const base = "time x_edge_location sc_status c_ip"
	const baseWant = "2024-03-01T12:34:56.000Z | FRA56-P1 | 200 | 198.51.100.7"

	// Every historical layout, with and without its header: the columns
	// a layout lacks are null.
	for _, n := range []int{12, 15, 18, 19, 23, 24, 26, 33, 34, 35} {
		for _, in := range []string{header(n) + rec(n) + rec(n), rec(n) + rec(n)} {
			f(in, base, baseWant, baseWant)
		}
	}
	f(rec(12), "cs_uri_query cs_cookie x_edge_result_type", "null | null | null")
	f(header(15)+rec(15, "cs(Cookie)", "a=b"), "cs_cookie x_edge_result_type x_host_header", "a=b | Hit | null")
	f(rec(18), "x_host_header cs_protocol cs_bytes time_taken", "www.example.com | https | 120 | null")
	f(header(19)+rec(19), "time_taken x_forwarded_for", "0.002 | null")
	f(rec(23), "ssl_protocol x_edge_response_result_type cs_protocol_version", "TLSv1.3 | Hit | null")
	f(rec(24), "cs_protocol_version fle_status", "HTTP/2.0 | null")
	f(header(26)+rec(26, "fle-status", "Processed", "fle-encrypted-fields", "3"),
		"fle_status fle_encrypted_fields c_port", "Processed | 3 | null")
	f(rec(33), "c_port time_to_first_byte x_edge_detailed_result_type sc_content_type sc_content_len distribution_tenant_id",
		"50123 | 0.001 | Hit | text/html | 512 | null")
	f(header(34)+rec(34), "distribution_tenant_id connection_id", "dt_1 | null")
	f(rec(35), "distribution_tenant_id connection_id", "dt_1 | conn-1")

	// Several files concatenated: each "#Fields" line re-maps.
	f(header(24)+rec(24, "sc-status", "503")+header(33)+rec(33, "sc-status", "502", "x-edge-detailed-result-type", "OriginDnsError")+header(35)+rec(35),
		"sc_status x_edge_detailed_result_type connection_id",
		"503 | null | null", "502 | OriginDnsError | null", "200 | Hit | conn-1")

	// Columns in another order, and unknown columns, under a header.
	f("#Fields: sc-status future-field date time c-ip\n504\tzzz\t2024-03-01\t00:00:01\t2001:db8::1\n",
		"time sc_status c_ip", "2024-03-01T00:00:01.000Z | 504 | 2001:db8::1")
	// A duplicated name: the first one counts.
	f("#Fields: date time sc-status sc-status\n2024-03-01\t00:00:01\t502\t200\n", "sc_status", "502")
}

func TestReaderPitfalls_Success(t *testing.T) {
	f := func(in, cols string, want ...string) {
		t.Helper()
		checkRows(t, in, parser.Options{}, cols, want...)
	}
	h := header(33)

	// Trailing empty column (the third record of the AWS example file).
	f(h+strings.TrimSuffix(rec(33), "\n")+"\t\n", "sc_range_end sc_content_len", "null | 512")
	f(strings.TrimSuffix(rec(33), "\n")+"\t\n", "sc_range_end sc_content_len", "null | 512")

	// IPv6 viewer.
	f(h+rec(33, "c-ip", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6"), "c_ip", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6")

	// x-forwarded-for with several addresses, one with a space inside the
	// TAB-separated field; kept raw.
	f(h+rec(33, "x-forwarded-for", "81.2.69.142, 216.160.83.56")+rec(33, "x-forwarded-for", "81.2.69.142,216.160.83.56")+rec(33, "x-forwarded-for", "localhost:8080"),
		"x_forwarded_for c_port", "81.2.69.142, 216.160.83.56 | 50123", "81.2.69.142,216.160.83.56 | 50123", "localhost:8080 | 50123")

	// Status 000 is 0, not null; a missing status is null.
	f(h+rec(33, "sc-status", "000"), "sc_status", "0")
	f("#Fields: date time c-ip\n2024-03-01\t00:00:00\t192.0.2.1\n", "sc_status", "null")

	// "-" in every numeric column is null.
	f(h+rec(33, "sc-bytes", "-", "cs-bytes", "-", "time-taken", "-", "fle-encrypted-fields", "-", "c-port", "-",
		"time-to-first-byte", "-", "sc-content-len", "-", "sc-range-start", "-", "sc-range-end", "-"),
		"sc_bytes cs_bytes time_taken fle_encrypted_fields c_port time_to_first_byte sc_content_len sc_range_start sc_range_end",
		"null | null | null | null | null | null | null | null | null")
	f(h+rec(33, "sc-range-start", "0", "sc-range-end", "1048575", "sc-content-len", "1048576"),
		"sc_range_start sc_range_end sc_content_len", "0 | 1048575 | 1048576")

	// CRLF line endings, a byte-order mark, blank and comment lines.
	f("\xef\xbb\xbf"+strings.ReplaceAll(h+rec(33)+"\n#Remark: x\n"+rec(33), "\n", "\r\n"), "sc_status", "200", "200")

	// Time-taken values.
	f(h+rec(33, "time-taken", "30.014")+rec(33, "time-taken", "0.000")+rec(33, "time-taken", "12345678901234567.5"),
		"time_taken", "30.014", "0", "1.2345678901234568e+16")
}

func TestReaderURLDecoding_Success(t *testing.T) {
	f := func(field, logged, col, want string) {
		t.Helper()
		checkRows(t, header(33)+rec(33, field, logged), parser.Options{}, col, want)
	}
	// Decoded once.
	f("cs(User-Agent)", "Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)", ColCsUserAgent, "Mozilla/5.0 (Windows NT 10.0; Win64; x64)")
	f("cs(User-Agent)", "User-Agent:%20Mozilla/4.0", ColCsUserAgent, "User-Agent: Mozilla/4.0")
	f("cs(Cookie)", "this%20zip=98101", ColCsCookie, "this zip=98101")
	f("cs-uri-stem", "/en(test)/a%20b", ColCsURIStem, "/en(test)/a b")
	f("cs-uri-query", "q=a%20b&x=%7B1%7D", ColCsURIQuery, "q=a b&x={1}")
	f("x-host-header", "www.example.com", ColXHostHeader, "www.example.com")
	f("sc-content-type", "text/html;%20charset=utf-8", ColScContentType, "text/html; charset=utf-8")
	f("cs-uri-stem", "/caf%C3%A9", ColCsURIStem, "/café")

	// The pre-2020 double encoding: UA and referer decoded once more.
	f("cs(User-Agent)", "Mozilla/5.0%2520(Windows%2520NT%252010.0)", ColCsUserAgent, "Mozilla/5.0 (Windows NT 10.0)")
	f("cs(Referer)", "http://a.example/%2522q%2522%255C", ColCsReferer, `http://a.example/"q"\`)
	// ... but only the escapes of CloudFront's table, not a client's %2F.
	f("cs(User-Agent)", "bot%252Fone%2520two", ColCsUserAgent, "bot%2Fone two")
	// A client's own escapes in the URI and query survive: decoded once only.
	f("cs-uri-stem", "/a%2520b", ColCsURIStem, "/a%20b")
	f("cs-uri-query", "next=%252Fhome", ColCsURIQuery, "next=%2Fhome")
	f("cs(Cookie)", "s=%2520", ColCsCookie, "s=%20")

	// Invalid escapes and invalid UTF-8 are kept as written.
	f("cs(User-Agent)", "100%25%20sure%zz%", ColCsUserAgent, "100% sure%zz%")
	f("cs-uri-stem", "/%FF%FE", ColCsURIStem, "/%FF%FE")
	f("cs-uri-stem", "/%4", ColCsURIStem, "/%4")
	// Columns CloudFront does not encode are kept as logged.
	f("x-edge-request-id", "a%20b", ColXEdgeRequestID, "a%20b")
	f("x-forwarded-for", "a%20b", ColXForwardedFor, "a%20b")
	// "+" is a literal plus.
	f("cs-uri-query", "a=1+2", ColCsURIQuery, "a=1+2")
}

func TestReaderV2_Success(t *testing.T) {
	f := func(in, cols string, want ...string) {
		t.Helper()
		checkRows(t, in, parser.Options{}, cols, want...)
	}
	const cols = "time c_ip sc_status x_edge_detailed_result_type origin_fbl origin_lbl asn c_country cache_behavior_path_pattern time_taken cs_uri_stem x_edge_location"
	const want = "2024-11-14T21:34:06.814Z | 192.0.2.9 | 504 | OriginCommError | 30.001 | null | 16509 | DE | /api/* | 30.05 | /api/x y | null"
	// W3C with the user's field order, only "#Fields", TAB-separated.
	fields := "timestamp(ms) c-ip sc-status x-edge-detailed-result-type origin-fbl origin-lbl asn c-country cache-behavior-path-pattern time-taken cs-uri-stem"
	vals := []string{"1731620046814", "192.0.2.9", "504", "OriginCommError", "30.001", "-", "16509", "DE", "/api/*", "30.050", "/api/x%20y"}
	f("#Fields: "+fields+"\n"+strings.Join(vals, "\t")+"\n", cols, want)
	// The same, space-separated.
	f("#Fields: "+fields+"\n"+strings.Join(vals, " ")+"\n", cols, want)
	// timestamp(ms) wins over date and time; "-" falls back to them.
	f("#Fields: date time timestamp(ms)\n2024-01-01\t00:00:00\t1731620046814\n2024-01-01\t00:00:00\t-\n", "time",
		"2024-11-14T21:34:06.814Z", "2024-01-01T00:00:00.000Z")

	// JSON lines: every value a string, W3C names as keys.
	j := `{"timestamp(ms)":"1731620046814","c-ip":"192.0.2.9","sc-status":"504","x-edge-detailed-result-type":"OriginCommError",` +
		`"origin-fbl":"30.001","origin-lbl":"-","asn":"16509","c-country":"DE","cache-behavior-path-pattern":"/api/*",` +
		`"time-taken":"30.050","cs-uri-stem":"/api/x%20y","cs(Cookie)":"-","unknown-key":"x"}` + "\n"
	f(j+j, cols, want, want)
	// Spaces, escapes, numbers and null.
	f(` { "date" : "2024-03-01", "time":"12:00:00", "sc-status": 502, "c-port": null, "cs(User-Agent)": "a\"b\\c\u00e9\ud83d\ude00%20d", "cs-uri-stem":"\/x" } `+"\n",
		"time sc_status c_port cs_user_agent cs_uri_stem", `2024-03-01T12:00:00.000Z | 502 | null | a"b\cé😀 d | /x`)
	// A lone surrogate becomes U+FFFD.
	f(`{"date":"2024-03-01","time":"12:00:00","cs-method":"\ud800x"}`, "cs_method", "\uFFFDx")
	// JSON and W3C lines in one stream.
	f(header(33)+rec(33)+j, "sc_status", "200", "504")
}

func TestReaderProjection_Success(t *testing.T) {
	// Only the triage columns, in schema order.
	in := header(33) + rec(33, "c-port", "not-a-port") + rec(33, "sc-status", "503", "x-edge-result-type", "CapacityExceeded")
	res := checkRows(t, in, parser.Options{Columns: TriageColumns}, "sc_status x_edge_result_type", "200 | Hit", "503 | CapacityExceeded")
	var names []string
	for _, fl := range res.schema.Fields() {
		names = append(names, fl.Name)
	}
	if !slices.Equal(names, TriageColumns) {
		t.Fatalf("projected schema %q, want %q", names, TriageColumns)
	}
	// A projection in another order gives schema order.
	res = checkRows(t, in, parser.Options{Columns: []string{ColScStatus, ColTime}}, "time sc_status", "2024-03-01T12:34:56.000Z | 200", "2024-03-01T12:34:56.000Z | 503")
	if got := res.schema.Field(0).Name; got != ColTime {
		t.Fatalf("first column %q, want time", got)
	}
	// The full schema rejects the bad c-port that the projection skipped;
	// an empty list of columns is the full schema, as for every decoder
	// (rowbatch.Projection).
	for _, cols := range [][]string{nil, {}} {
		res = readAll(t, in, parser.Options{Columns: cols})
		if want := []string{`3: bad c-port "not-a-port"`}; !slices.Equal(res.rejects, want) || len(res.schema.Fields()) != numColumns {
			t.Fatalf("columns %#v: rejects %q, want %q; %d columns", cols, res.rejects, want, len(res.schema.Fields()))
		}
	}
}

func TestReaderMetadata_Success(t *testing.T) {
	src := parser.Source{Name: "s3://b/E2EXAMPLE.2024-03-01-12.abcd.gz", Resource: "E2EXAMPLE",
		Start: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)}
	res := readAll(t, header(33)+rec(33), parser.Options{Source: src})
	md := res.schema.Metadata()
	for k, want := range map[string]string{MetaSource: src.Name, MetaDistribution: "E2EXAMPLE", MetaHour: "2024-03-01T12:00:00Z"} {
		if v, ok := md.GetValue(k); !ok || v != want {
			t.Fatalf("metadata %s = %q, want %q", k, v, want)
		}
	}
	s := res.stats
	if s.Lines != 3 || s.Comments != 2 || s.Parsed != 1 {
		t.Fatalf("stats %+v", s)
	}
	if want := time.Date(2024, 3, 1, 12, 34, 56, 0, time.UTC); !s.MinTime.Equal(want) || !s.MaxTime.Equal(want) {
		t.Fatalf("time range %v–%v", s.MinTime, s.MaxTime)
	}
	res = readAll(t, rec(33, "time", "00:00:01")+rec(33, "date", "2023-12-31")+rec(33, "date", "2024-12-31", "time", "23:59:59"), parser.Options{})
	if got, want := res.stats.MinTime, time.Date(2023, 12, 31, 12, 34, 56, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("MinTime %v, want %v", got, want)
	}
	if got, want := res.stats.MaxTime, time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("MaxTime %v, want %v", got, want)
	}
}

func TestReaderBatches_Success(t *testing.T) {
	// Batch sizes 1..4 over 7 rows give the same rows.
	in := header(33)
	var want []string
	for i := 0; i < 7; i++ {
		st := []string{"200", "502", "503", "504", "000", "301", "404"}[i]
		in += rec(33, "sc-status", st)
		want = append(want, strings.TrimLeft(st, "0"))
	}
	want[4] = "0"
	for bs := 1; bs <= 4; bs++ {
		checkRows(t, in, parser.Options{BatchSize: bs}, "sc_status", want...)
	}
	// A batch kept past Next stays valid once retained.
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r, err := NewReader(strings.NewReader(in), parser.Options{BatchSize: 3, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Next() {
		t.Fatal("no batch")
	}
	first := r.RecordBatch()
	first.Retain()
	for r.Next() {
	}
	r.Release()
	if got := renderRows(first)[1][ColScStatus]; got != "502" {
		t.Fatalf("retained batch row 1 status %q", got)
	}
	first.Release()
}

func TestReader_Failure(t *testing.T) {
	f := func(in string, opts parser.Options, wantRows int, wantRejects ...string) {
		t.Helper()
		res := readAll(t, in, opts)
		if !slices.Equal(res.rejects, wantRejects) {
			t.Fatalf("rejects:\ngot  %q\nwant %q\ninput:\n%s", res.rejects, wantRejects, in)
		}
		if len(res.rows) != wantRows {
			t.Fatalf("%d rows, want %d", len(res.rows), wantRows)
		}
	}
	h := header(33)
	none := parser.Options{}

	// A truncated last record is rejected; the rest is kept.
	f(h+rec(33)+rec(31), none, 1, "4: 31 fields, header has 33")
	f(h+rec(33)+strings.TrimSuffix(rec(33), "\n")[:200], none, 1, "4: 24 fields, header has 33")
	// Without a header, a record must have a known layout's length.
	f(rec(33)+rec(32), none, 1, "2: 32 fields and no #Fields header; the known layouts have 12, 15, 18, 19, 23, 24, 26, 33, 34 or 35")
	f("hello world\n", none, 0, "1: 1 fields and no #Fields header; the known layouts have 12, 15, 18, 19, 23, 24, 26, 33, 34 or 35")

	// Bad values.
	f(h+rec(33, "date", "2019-13-01"), none, 0, `3: bad date "2019-13-01"`)
	f(h+rec(33, "date", "2023-02-29"), none, 0, `3: bad date "2023-02-29"`)
	f(h+rec(33, "date", "-"), none, 0, `3: bad date "-"`)
	f(h+rec(33, "time", "24:00:00"), none, 0, `3: bad time "24:00:00"`)
	f(h+rec(33, "sc-status", "20x"), none, 0, `3: bad sc-status "20x"`)
	f(h+rec(33, "sc-status", "2000"), none, 0, `3: bad sc-status "2000"`)
	f(h+rec(33, "sc-bytes", "12a"), none, 0, `3: bad sc-bytes "12a"`)
	f(h+rec(33, "sc-bytes", "99999999999999999999"), none, 0, `3: bad sc-bytes "99999999999999999999"`)
	f(h+rec(33, "time-taken", "fast"), none, 0, `3: bad time-taken "fast"`)
	f(h+rec(33, "time-taken", "NaN"), none, 0, `3: bad time-taken "NaN"`)
	f(h+rec(33, "c-port", "70000"), none, 0, `3: bad c-port "70000"`)
	f(h+rec(33, "fle-encrypted-fields", "3000000000"), none, 0, `3: bad fle-encrypted-fields "3000000000"`)
	// Numbers are read by internal/bytesconv, as every decoder reads them:
	// no hex floats (strconv would take them), no port of more than five
	// digits, leading zeros or not.
	f(h+rec(33, "time-taken", "0x1p-3"), none, 0, `3: bad time-taken "0x1p-3"`)
	f(h+rec(33, "c-port", "000080"), none, 0, `3: bad c-port "000080"`)
	f("#Fields: timestamp(ms) sc-status\n17316200468140000000\t200\n", none, 0, `2: bad timestamp(ms) "17316200468140000000"`)

	// A header that names no time source.
	f("#Fields: c-ip sc-status\n192.0.2.1\t502\n", none, 0, "2: the #Fields header names no date and time nor timestamp(ms)")

	// JSON.
	f(`{"date":"2024-03-01","time":"12:00:00"`+"\n", none, 0, "1: invalid JSON: want ',' or '}' at byte 39")
	f(`{"date":"2024-03-01","time":{"a":1}}`, none, 0, `1: invalid JSON: nested value for key "time"`)
	f(`{"date":"2024-03-01","time":"12:00:00","x":"\q"}`, none, 0, "1: invalid JSON: want a valid escape at byte 46")
	f(`{"date":"2024-03-01","time":"12:00:00"} x`, none, 0, "1: invalid JSON: want the end of the line at byte 41")
	f(`{"sc-status":"502"}`, none, 0, "1: no date and time nor timestamp(ms)")
	f(`{"date":"2024-03-01","time":"12:00:00","sc-status":bogus}`, none, 0, "1: invalid JSON: want a value at byte 52")
	f(`{"date":"2024-03-01","time":"12:00:00","sc-status":"abc`, none, 0, `1: invalid JSON: want a closing '"' at byte 56`)
	f(`{"date":"2024-03-01",}`, none, 0, "1: invalid JSON: want a key at byte 22")

	// A separator missing between two values (the equivalent of ALB's
	// missing space beside a quote) merges them: the line is short of a
	// field, or is invalid JSON, never read with the fields shifted.
	f(h+strings.Replace(rec(33), "\t", "", 1), none, 0, "3: 32 fields, header has 33")
	f(h+strings.Replace(rec(33, "sc-status", "502"), "\t502\t", "502\t", 1), none, 0, "3: 32 fields, header has 33")
	f(`{"date":"2024-03-01""time":"12:00:00"}`, none, 0, "1: invalid JSON: want ',' or '}' at byte 21")
	f(`{"date":"2024-03-01",x"time":"12:00:00"}`, none, 0, "1: invalid JSON: want a key at byte 22")

	// A line over the cap is rejected and skipped, never buffered whole.
	long := h + rec(33, "cs(User-Agent)", strings.Repeat("x", 5000)) + rec(33)
	f(long, parser.Options{MaxLineBytes: 4096}, 1, "3: line longer than 4096 bytes")
}

// TestReaderNumbers_Success: the edges of the number fields, which
// internal/bytesconv reads: twenty digits with leading zeros are an int64
// (nineteen was the limit of the parser CloudFront had of its own).
func TestReaderNumbers_Success(t *testing.T) {
	h := header(33)
	checkRows(t, h+rec(33, "sc-bytes", "00000000000000000012", "time-taken", "1e-3"), parser.Options{}, "sc_bytes time_taken", "12 | 0.001")
	checkRows(t, h+rec(33, "sc-bytes", "-0", "c-port", "00080"), parser.Options{}, "sc_bytes c_port", "0 | 80")
}

func TestNewReader_Failure(t *testing.T) {
	_, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "cs-uri-stem"}})
	if err == nil || !strings.Contains(err.Error(), `unknown column "cs-uri-stem"`) {
		t.Fatalf("NewReader error %v, want unknown column", err)
	}
}

func TestReaderEmpty_Success(t *testing.T) {
	for _, in := range []string{"", "\n", header(33), "#Version: 1.0\n\n\n"} {
		res := readAll(t, in, parser.Options{})
		if res.stats.Parsed != 0 || res.stats.Rejected != 0 {
			t.Fatalf("%q: %+v", in, res.stats)
		}
	}
}

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Fatalf("Sniff(%q) = %d, want %d", head, got, want)
		}
	}
	f("#Version: 1.0\n#Fields: date time", 2)
	f("\xef\xbb\xbf#Version: 1.0\n", 1)
	f("#Fields: timestamp(ms) c-ip\n", 1)
	f(rec(33), 1)
	f(rec(24)[:30], 1)
	f(`{"timestamp(ms)":"1731620046814","c-ip":"192.0.2.9"}`, 1)
	f(`{"date":"2024-03-01","x-edge-location":"FRA56-P1"}`, 1)

	f("", 0)
	f(`{"level":"info","msg":"x"}`, 0)
	f("http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817", 0)
	f("2024-03-01 12:34:56 FRA56-P1", 0)
	f("2024-13-01\t12:34:56\tFRA56-P1", 0)
	f("#Remark\n", 0)
	if (Decoder{}).Format() != Format || (Decoder{}).Schema().NumFields() != numColumns {
		t.Fatal("Format or Schema")
	}
}

// rtmpLog is the RTMP distribution log of the CloudFront documentation's
// example, fields separated by a TAB and a space as there.
const rtmpLog = "#Version: 1.0\n" +
	"#Fields: date time x-edge-location c-ip x-event sc-bytes x-cf-status x-cf-client-id cs-uri-stem cs-uri-query c-referrer x-page-url\tc-user-agent x-sname x-sname-query x-file-ext x-sid\n" +
	"2010-03-12\t 23:51:20\t SEA4\t 192.0.2.147\t connect\t 2014\t OK\t bfd8a98bee0840d9b871b7f6ade9908f\t rtmp://shqshne4jdp4b6.cloudfront.net/cfx/st\tkey=value\t http://player.example.com/player.swf\t http://www.example.com/video\t LNX%2010,0,32,18\t -\t -\t -\t -\n" +
	"2010-03-12\t 23:51:21\t SEA4\t 192.0.2.222\t play\t 3914\t OK\t bfd8a98bee0840d9b871b7f6ade9908f\t rtmp://shqshne4jdp4b6.cloudfront.net/cfx/st\tkey=value\t http://player.example.com/player.swf\t http://www.example.com/video\t LNX%2010,0,32,18\t myvideo\t p=2&q=4\t flv\t 1\n"

// TestNewReader_RTMP refuses RTMP distribution logs, which have no HTTP
// status, as a log recognised and not read.
func TestNewReader_RTMP(t *testing.T) {
	f := func(in string) {
		t.Helper()
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		r, err := NewReader(strings.NewReader(in), parser.Options{Allocator: mem})
		var ue *parser.UnsupportedError
		if !errors.As(err, &ue) || ue.What != "CloudFront RTMP distribution log" {
			if r != nil {
				r.Release()
			}
			t.Fatalf("NewReader: %v, want an UnsupportedError for an RTMP log", err)
		}
	}
	f(rtmpLog)
	f("\xef\xbb\xbf" + rtmpLog)
	f("\n  \n# written by hand\n" + strings.Replace(rtmpLog, "\n", "\r\n", -1))
	f(strings.SplitAfter(rtmpLog, "\n")[1]) // the header alone
	f("#Fields: date time x-edge-location c-ip x-event sc-bytes x-sname\n")

	// Headers that are not an RTMP log's.
	for _, in := range []string{header(33), "#Fields: date time sc-status x-event\n", "#Fields: date time c-ip\n", ""} {
		res := readAll(t, in+rec(33), parser.Options{})
		if len(res.rows)+len(res.rejects) != 1 {
			t.Fatalf("%q: %d rows, rejects %q", in, len(res.rows), res.rejects)
		}
	}
}

// TestReader_RTMPLater rejects, named, the records under an RTMP header
// that comes after records of a web distribution (files concatenated).
func TestReader_RTMPLater(t *testing.T) {
	const named = "CloudFront RTMP distribution log line in a CloudFront access log"
	res := readAll(t, header(33)+rec(33)+rtmpLog+header(33)+rec(33), parser.Options{})
	if want := []string{"6: " + named, "7: " + named}; !slices.Equal(res.rejects, want) {
		t.Fatalf("rejects %q, want %q", res.rejects, want)
	}
	if len(res.rows) != 2 || res.stats.Comments != 6 {
		t.Fatalf("%d rows, stats %+v; want 2 rows, 6 header lines", len(res.rows), res.stats)
	}
}
