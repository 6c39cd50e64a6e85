package clb

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// corpusRejects lists the corpus lines we reject, by file and 0-based line
// index, with the reason expected. Every other line of every clb-*.log file
// must parse. Both are lines the peers reject too:
//   - simnalamburt clb-parser-tests.log line 5 ("expected_error"): a line
//     holding only a timestamp;
//   - nekrassov01 clb-regex-tests.log line 2 ("expected": null): a line
//     ending after sent_bytes. Line 1 of that file, which ends after the
//     request (the layout before 2015), is accepted, by the peer and by us.
var corpusRejects = map[string]map[int]string{
	"simnalamburt-elb-log-parser/clb-parser-tests.log":  {5: "1 fields, want at least 12"},
	"nekrassov01-access-log-parser/clb-regex-tests.log": {2: "11 fields, want at least 12"},
}

// The shared corpus holds Classic lines collected from other projects'
// tests and AWS documentation (see its SOURCES.md); the test reads it where
// it lives (readertest.CorpusDir).
func TestCorpus(t *testing.T) { corpus.Run(t, readertest.CorpusDir(t)) }

// TestCorpusTestdata runs the permissively licensed corpus lines copied into
// testdata, so the checks run even without the shared corpus.
func TestCorpusTestdata(t *testing.T) { corpus.Run(t, filepath.Join("testdata", "corpus")) }

var corpus = &readertest.Corpus{
	Glob: "clb-*.log", NewReader: Decoder{}.NewReader, Columns: TriageColumns,
	Rejects: corpusRejects, Peers: peerFields, Aggregate: checkTopURLs,
}

// TestCorpus_OtherFormats reads the corpus's ALB, NLB, connection-log and
// CloudFront lines as Classic ones: not one becomes a row, and Sniff counts
// none of them, so that input.Scan chooses another decoder for them.
func TestCorpus_OtherFormats(t *testing.T) {
	dir := readertest.CorpusDir(t)
	for _, pat := range []string{"alb-*.log", "nlb-*.log", "cloudfront-*.log"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*", pat))
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := readertest.ReadAll(t, Decoder{}.NewReader, bytes.NewReader(data), parser.Options{})
			if len(res.Rows) != 0 {
				t.Errorf("%s: %d lines read as Classic rows", path, len(res.Rows))
			}
			if n := (Decoder{}).Sniff(data); n != 0 {
				t.Errorf("%s: Sniff counts %d lines", path, n)
			}
		}
	}
}

type getter = readertest.Getter

var (
	col      = readertest.Col
	timing   = readertest.Timing
	hostPort = readertest.HostPort
)

// decodedURL is the request URL with its percent-encoding undone.
func decodedURL(r map[string]any) string {
	s, _ := r[ColRequestURL].(string)
	if d, err := url.PathUnescape(s); err == nil {
		return d
	}
	return s
}

// sameNames maps peer fields that carry our column names unchanged.
func sameNames(m map[string]getter) map[string]getter {
	return readertest.SameNames(m, []string{ColTime, ColELB, ColClientIP, ColClientPort, ColELBStatusCode,
		ColBackendStatusCode, ColReceivedBytes, ColSentBytes, ColUserAgent, ColSSLCipher, ColSSLProtocol},
		[]string{ColRequestProcessingTime, ColBackendProcessingTime, ColResponseProcessingTime})
}

// peerFields maps each peer's field names and conventions (the
// "conventions" string of its .expected.json) onto our columns. A nil getter
// marks a peer field we do not produce.
var peerFields = map[string]map[string]getter{
	// '-' -> null; host -> {ip, port}; the backend is "target".
	"aws-log-parser/clb-test-fixture.log": sameNames(map[string]getter{
		"timestamp":              col(ColTime),
		"client":                 readertest.IPPort(ColClientIP, ColClientPort),
		"target":                 readertest.IPPort(ColBackendIP, ColBackendPort),
		"target_processing_time": timing(ColBackendProcessingTime),
		"target_status_code":     col(ColBackendStatusCode),
		"http_request": func(r map[string]any) any {
			return map[string]any{"method": r[ColRequestMethod], "url": r[ColRequestURL], "protocol": r[ColRequestProto]}
		},
	}),
	// honeytail; numbers typed, -1 kept.
	"honeyaws/clb-publisher-test.log": sameNames(map[string]getter{
		"client_authority":  hostPort(ColClientIP, ColClientPort),
		"backend_authority": hostPort(ColBackendIP, ColBackendPort),
		"request":           readertest.Joined(ColRequestMethod, ColRequestURL, ColRequestProto),
	}),
	// Raw strings, '-' kept. The peer keeps the "- " a TCP line's request
	// ends with as its protocol, and the 0 a 503 without an instance has as
	// backend status, which we read as no status.
	"simnalamburt-elb-log-parser/clb-parser-tests.log": sameNames(map[string]getter{
		"backend_ip_port": hostPort(ColBackendIP, ColBackendPort),
		"http_method":     col(ColRequestMethod), "url": col(ColRequestURL),
		"http_version": func(r map[string]any) any {
			if v := r[ColRequestProto]; v != nil {
				return v
			}
			if l := r[ColListener]; l == ListenerTCP || l == ListenerSSL {
				return "- "
			}
			return nil
		},
		ColBackendStatusCode: func(r map[string]any) any {
			if v := r[ColBackendStatusCode]; v != nil || r[ColELBStatusCode] == nil {
				return v
			}
			return "0"
		},
	}),
	// Raw strings; client_port/backend_port hold "ip:port".
	"nekrassov01-access-log-parser/clb-regex-tests.log": sameNames(map[string]getter{
		ColClientPort:  hostPort(ColClientIP, ColClientPort),
		"backend_port": hostPort(ColBackendIP, ColBackendPort),
		"method":       col(ColRequestMethod), "request_uri": col(ColRequestURL), "protocol": col(ColRequestProto),
	}),
	// The peer asserts that every sample matches its format.
	"lnav/clb-format-samples.log": {
		"matches_format": func(map[string]any) any { return "elb_log" },
	},
	// The peer decodes the percent-encoded URL and its path.
	"elb-log-analyzer/clb-urlencoded-path.log": {
		"requested_resource_decoded": func(r map[string]any) any { return decodedURL(r) },
		"requested_resource.pathname_decoded": func(r map[string]any) any {
			u, err := url.Parse(r[ColRequestURL].(string))
			if err != nil {
				return err.Error()
			}
			return u.Path
		},
		"request_decoded_contains": func(r map[string]any) any {
			const want = "Ulysses Guimarães - lado par"
			if strings.Contains(decodedURL(r), want) {
				return want
			}
			return decodedURL(r)
		},
	},
}

// checkTopURLs compares the peer's ten most requested URLs, [count, url]
// pairs, with the rows: each listed URL has its count, and no other URL
// has more requests than the least listed (ties at the tenth place may be
// ordered either way).
func checkTopURLs(t *testing.T, agg map[string]any, rows map[int]map[string]any) {
	t.Helper()
	top, ok := agg["top10_requested_resource_by_count"].([]any)
	if !ok {
		return
	}
	counts := map[string]int{}
	for _, r := range rows {
		if u, ok := r[ColRequestURL].(string); ok {
			counts[u]++
		}
	}
	least := -1
	listed := map[string]bool{}
	for _, e := range top {
		pair := e.([]any)
		n, u := int(pair[0].(float64)), pair[1].(string)
		if counts[u] != n {
			t.Errorf("URL %s: %d requests, peer counts %d", u, counts[u], n)
		}
		listed[u] = true
		if least < 0 || n < least {
			least = n
		}
	}
	var over []string
	for u, n := range counts {
		if !listed[u] && n > least {
			over = append(over, fmt.Sprintf("%s (%d)", u, n))
		}
	}
	sort.Strings(over)
	if len(over) > 0 {
		t.Errorf("URLs more requested than the peer's tenth: %v", over)
	}
	t.Logf("top %d URLs checked", len(top))
}
