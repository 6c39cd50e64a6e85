package cloudfront

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// corpusDir is the shared corpus of public log lines
// (readertest.CorpusDir).
var corpusDir = readertest.CorpusDir

// corpusRejects lists, per corpus file, the lines that must be rejected and
// why. Every other line must parse.
var corpusRejects = map[string]map[int64]string{
	// The last record lacks sc-range-start and sc-range-end.
	"elastic-integrations/cloudfront-test-cloudfront.log": {14: "31 fields, header has 33"},
	// The peer's "unmatch" case: the AWS example record with its last field
	// removed, and no header to say that is the layout.
	"nekrassov01-access-log-parser/cloudfront-regex-tests.log": {2: "32 fields and no #Fields header; the known layouts have 12, 15, 18, 19, 23, 24, 26, 33, 34 or 35"},
}

// corpusFile is a parsed corpus file: rows keyed by 0-based line index.
type corpusFile struct {
	res    readResult
	byLine map[int]map[string]string
}

// readCorpusFile parses path, checks its rejects against want, and maps the
// rows back to their line indexes.
func readCorpusFile(t *testing.T, path string, want map[int64]string) corpusFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, string(data), parser.Options{BatchSize: 3})
	var wantRejects []string
	for line := int64(1); line <= res.stats.Lines; line++ {
		if reason, ok := want[line]; ok {
			wantRejects = append(wantRejects, fmt.Sprintf("%d: %s", line, reason))
		}
	}
	if strings.Join(res.rejects, "\n") != strings.Join(wantRejects, "\n") {
		t.Fatalf("%s: rejects\ngot  %q\nwant %q", path, res.rejects, wantRejects)
	}
	lines := bytes.Split(bytes.TrimSuffix(data, []byte("\n")), []byte("\n"))
	if int64(len(lines)) != res.stats.Lines {
		t.Fatalf("%s: %d lines read, file has %d", path, res.stats.Lines, len(lines))
	}
	cf := corpusFile{res: res, byLine: map[int]map[string]string{}}
	next := 0
	for i, l := range lines {
		if len(bytes.TrimSpace(l)) == 0 || l[0] == '#' {
			continue
		}
		if _, ok := want[int64(i+1)]; ok {
			continue
		}
		cf.byLine[i] = res.rows[next]
		next++
	}
	if next != len(res.rows) || len(res.rows) == 0 {
		t.Fatalf("%s: %d rows, %d data lines", path, len(res.rows), next)
	}
	return cf
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*", "cloudfront-*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no cloudfront-*.log under %s: %v", dir, err)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			cf := readCorpusFile(t, path, corpusRejects[rel])
			s := cf.res.stats
			t.Logf("%s: %d lines: %d parsed, %d rejected, %d header lines", rel, s.Lines, s.Parsed, s.Rejected, s.Comments)
			checkExpected(t, strings.TrimSuffix(path, ".log")+".expected.json", cf)
			if check, ok := corpusChecks[rel]; ok {
				check(t, cf)
			}
		})
	}
	for rel := range corpusRejects {
		if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
			t.Errorf("corpusRejects names a missing file: %v", err)
		}
	}
}

// corpusChecks assert values the files show off but no peer's expected
// values cover.
var corpusChecks = map[string]func(t *testing.T, cf corpusFile){
	"awsdocs/cloudfront-doc-example-file.log": func(t *testing.T, cf corpusFile) {
		checkLine(t, cf, 4, "sc_range_end sc_content_len", "null | 78") // trailing TAB
		for _, i := range []int{5, 6, 7} {
			checkLine(t, cf, i, "sc_status x_edge_result_type x_edge_detailed_result_type", "502 | Error | OriginDnsError")
		}
	},
	"elastic-integrations/cloudfront-test-cloudfront.log": func(t *testing.T, cf corpusFile) {
		checkLine(t, cf, 3, "c_ip", "2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6")
		checkLine(t, cf, 9, "sc_status cs_uri_query", "0 | source=global")
		checkLine(t, cf, 10, "x_forwarded_for", "81.2.69.142,216.160.83.56")
		checkLine(t, cf, 11, "x_forwarded_for", "81.2.69.142, 216.160.83.56")
		checkLine(t, cf, 12, "x_forwarded_for", "localhost:8080")
		checkLine(t, cf, 8, "sc_content_type ssl_protocol", "application/json;charset=UTF-8 | TLSv1.3")
	},
}

func checkLine(t *testing.T, cf corpusFile, idx int, cols, want string) {
	t.Helper()
	row, ok := cf.byLine[idx]
	if !ok {
		t.Fatalf("line index %d has no row", idx)
	}
	if got := project([]map[string]string{row}, cols)[0]; got != want {
		t.Fatalf("line index %d %q = %q, want %q", idx, cols, got, want)
	}
}

// Peer field names mapped to ours (dpetzold/aws-log-parser). "date",
// "time" and "timestamp" are checked against our time column.
var awsLogParserNames = map[string]string{
	"edge_location": ColXEdgeLocation, "sent_bytes": ColScBytes, "client_ip": ColCIP,
	"http_method": ColCsMethod, "host": ColCsHost, "uri_stem": ColCsURIStem,
	"status_code": ColScStatus, "referrer": ColCsReferer, "user_agent": ColCsUserAgent,
	"uri_query": ColCsURIQuery, "cookie": ColCsCookie, "edge_result_type": ColXEdgeResultType,
	"edge_request_id": ColXEdgeRequestID, "host_header": ColXHostHeader, "protocol": ColCsProtocol,
	"received_bytes": ColCsBytes, "time_taken": ColTimeTaken, "forwarded_for": ColXForwardedFor,
	"ssl_protocol": ColSSLProtocol, "ssl_cipher": ColSSLCipher,
	"edge_response_result_type": ColXEdgeResponseResultType, "protocol_version": ColCsProtocolVersion,
}

// checkExpected compares our rows with a peer's .expected.json, when there
// is one.
func checkExpected(t *testing.T, path string, cf corpusFile) {
	t.Helper()
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Source string `json:"source"`
		Lines  []struct {
			Index    int            `json:"index"`
			Expected map[string]any `json:"expected"`
		} `json:"lines"`
		Aggregate map[string]int64 `json:"aggregate"`
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatal(err)
	}
	checked := 0
	if n, ok := exp.Aggregate["raw_lines_including_headers"]; ok {
		checked++
		if n != cf.res.stats.Lines {
			t.Fatalf("%d lines, peer counts %d", cf.res.stats.Lines, n)
		}
	}
	if n, ok := exp.Aggregate["parsed_entries_excluding_comment_lines"]; ok {
		checked++
		if n != cf.res.stats.Parsed {
			t.Fatalf("%d rows, peer counts %d", cf.res.stats.Parsed, n)
		}
	}
	rawStrings := strings.Contains(exp.Source, "nekrassov01")
	for _, l := range exp.Lines {
		row, ok := cf.byLine[l.Index]
		if l.Expected == nil {
			if ok {
				t.Fatalf("line index %d: the peer rejects it, we parsed it", l.Index)
			}
			continue
		}
		if !ok {
			t.Fatalf("line index %d: the peer parses it, we did not", l.Index)
		}
		for k, v := range l.Expected {
			ours, want, skip := expectedValue(row, k, v, rawStrings)
			if skip {
				continue
			}
			if ours != want {
				t.Errorf("line index %d: peer %s = %q, our value %q", l.Index, k, want, ours)
			}
			checked++
		}
	}
	t.Logf("%d values compared with %s", checked, filepath.Base(path))
}

// expectedValue returns our rendered value for the peer's field k and the
// peer's value v rendered our way.
func expectedValue(row map[string]string, k string, v any, rawStrings bool) (ours, want string, skip bool) {
	tm, _ := time.Parse("2006-01-02T15:04:05.000Z", row[ColTime])
	switch k {
	case "date":
		return tm.Format("2006-01-02"), fmt.Sprint(v), false
	case "time":
		return tm.Format("15:04:05"), fmt.Sprint(v), false
	case "timestamp":
		pt, err := time.Parse(time.RFC3339Nano, fmt.Sprint(v))
		if err != nil {
			return "", "", true
		}
		return row[ColTime], pt.UTC().Format("2006-01-02T15:04:05.000Z"), false
	}
	col := k
	if !rawStrings {
		col = awsLogParserNames[k]
	}
	found := fullSchema.FieldIndices(col)
	if found == nil {
		return "", "", true
	}
	idx := found[0]
	ours = row[col]
	switch v := v.(type) {
	case nil:
		return ours, "null", false
	case float64:
		return ours, strconv.FormatFloat(v, 'f', -1, 64), false
	case string:
		if rawStrings {
			// The peer keeps raw text: apply our conventions to it.
			if v == "-" {
				return ours, "null", false
			}
			switch columns[idx].kind {
			case kindInt64, kindInt32, kindUint16, kindStatus, kindFloat64:
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					return ours, v, false
				}
				return ours, strconv.FormatFloat(f, 'f', -1, 64), false
			}
			if columns[idx].dec != decodeNone {
				if d, err := url.PathUnescape(v); err == nil {
					v = d
				}
			}
		}
		return ours, v, false
	}
	return "", "", true // parsed structures (cookies, query maps)
}

// TestTestdata reads the copies kept in testdata/, so the decoder is
// checked on real-format lines even without the shared corpus.
func TestTestdata(t *testing.T) {
	f := func(name string, wantRejects map[int64]string, checks ...func(cf corpusFile)) {
		t.Helper()
		cf := readCorpusFile(t, filepath.Join("testdata", name), wantRejects)
		for _, c := range checks {
			c(cf)
		}
	}
	f("aws-log-parser-legacy-24field.log", nil, func(cf corpusFile) {
		checkLine(t, cf, 0, "time x_edge_location cs_user_agent cs_cookie cs_bytes cs_protocol_version x_edge_detailed_result_type",
			"2014-05-23T01:13:11.000Z | FRA2 | Mozilla/4.0 (compatible; MSIE 5.0b1; Mac_PowerPC) | zip=98101 | null | HTTP/1.1 | null")
		checkLine(t, cf, 1, "sc_status cs_uri_query", "304 | a=b&c=d")
		checkLine(t, cf, 2, "cs_cookie", "zip 98101")
		checkLine(t, cf, 3, "cs_cookie", "this zip=98101")
	})
	f("aws-log-parser-multiple-with-headers.log", nil, func(cf corpusFile) {
		if s := cf.res.stats; s.Lines != 8 || s.Parsed != 6 || s.Comments != 2 {
			t.Fatalf("stats %+v", s)
		}
		checkLine(t, cf, 5, "sc_status x_edge_detailed_result_type time_taken time_to_first_byte sc_content_len",
			"502 | OriginDnsError | 0.102 | 0.102 | 507")
	})
	f("nekrassov01-regex-tests.log", corpusRejects["nekrassov01-access-log-parser/cloudfront-regex-tests.log"], func(cf corpusFile) {
		checkLine(t, cf, 0, "c_ip c_port sc_range_end x_edge_detailed_result_type", "192.0.2.100 | 11040 | null | Hit")
	})
}
