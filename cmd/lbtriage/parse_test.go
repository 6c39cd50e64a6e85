package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
)

// albLine is a valid 29-field ALB line for the parse tests.
const albLine = `https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 502 - 0 57 "GET https://www.example.com:443/a?b=1 HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337281-1d84f3d73c47ec4e58577259" "www.example.com" "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012" 1 2018-07-02T22:22:48.364000Z "forward" "-" "-" "10.0.0.1:80" "-" "-" "-"`

// lineCount reads "N read: P parsed, R rejected, C blank or header".
var lineCount = regexp.MustCompile(`lines\s+([\d,]+) read: ([\d,]+) parsed, ([\d,]+) rejected, ([\d,]+) blank or header`)

func summaryCounts(t *testing.T, out string) (read, parsed, rejected, blank int) {
	t.Helper()
	m := lineCount.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no line counts in the summary:\n%s", out)
	}
	n := func(s string) int {
		v, err := strconv.Atoi(strings.ReplaceAll(s, ",", ""))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	return n(m[1]), n(m[2]), n(m[3]), n(m[4])
}

func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func gzipped(t *testing.T, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(text))
	zw.Close()
	return b.Bytes()
}

func TestParse_SummaryReconciles(t *testing.T) {
	dir := t.TempDir()
	text := albLine + "\n\n" + "not a log line at all\n" + albLine + "\n" + `http 2018-07-02T22:23:00.186641Z app/x/1 1.2.3.4:1 - -1 -1 -1 503` + "\n"
	writeFile(t, dir, "a/x.log.gz", gzipped(t, text))
	writeFile(t, dir, "AWSLogs/123456789012/ELBAccessLogTestFile", []byte("Enable AccessLog for ELB: app/x at 2026-11-20T13:00:00Z\n"))
	code, out, errOut := run(t, "parse", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	read, parsed, rejected, blank := summaryCounts(t, out)
	if read != 5 || parsed != 2 || rejected != 2 || blank != 1 || read != parsed+rejected+blank {
		t.Fatalf("read %d = parsed %d + rejected %d + blank %d, want 5 = 2 + 2 + 1:\n%s", read, parsed, rejected, blank, out)
	}
	for _, want := range []string{
		"1 read, 1 skipped, 0 failed",
		"ELBAccessLogTestFile: ELB access-log test file",
		"x.log.gz:3: ",
		"x.log.gz:5: 9 fields, want at least 16",
		"2018-07-02T22:23:00.186641Z to 2018-07-02T22:23:00.186641Z",
		"alb (1 object)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestParse_DumpJSONL(t *testing.T) {
	dir := t.TempDir()
	name := "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.50dc6c495c0c9188_20180702T2225Z_172.160.001.192_20sg8hgm.log.gz"
	path := writeFile(t, dir, name, gzipped(t, albLine+"\n"+albLine+"\n"))
	code, out, errOut := run(t, "parse", "--dump", "jsonl", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("got %d rows, want 2:\n%s", len(lines), out)
	}
	var row map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &row); err != nil {
		t.Fatalf("row is not JSON: %v\n%s", err, lines[0])
	}
	want := map[string]any{
		"_source": path, "_node_ip": "172.160.1.192", "time": "2018-07-02T22:23:00.186641Z",
		"client_ip": "192.168.131.39", "client_port": 2817.0, "target_ip": "10.0.0.1",
		"elb_status_code": 502.0, "target_status_code": nil, "request_method": "GET",
		"request_url": "https://www.example.com:443/a?b=1", "request_creation_time": "2018-07-02T22:22:48.364Z",
		"error_reason": nil, "target_processing_time": 0.048,
	}
	for k, v := range want {
		if got, ok := row[k]; !ok || got != v {
			t.Errorf("row[%q] = %#v, want %#v", k, got, v)
		}
	}
	// The summary goes to stderr so that stdout holds rows only.
	if _, parsed, _, _ := summaryCounts(t, errOut); parsed != 2 {
		t.Errorf("summary on stderr says %d parsed, want 2:\n%s", parsed, errOut)
	}
}

func TestParse_Failures(t *testing.T) {
	dir := t.TempDir()
	good := writeFile(t, dir, "good.log", []byte(albLine+"\n"))
	gz := gzipped(t, strings.Repeat(albLine+"\n", 200))
	cut := writeFile(t, dir, "cut.log.gz", gz[:len(gz)/2])

	code, out, errOut := run(t, "parse", good, cut)
	if code != exitPartial {
		t.Fatalf("a truncated object among good ones: exit %d, want %d: %s", code, exitPartial, errOut)
	}
	if !strings.Contains(out, `cannot read "`+cut+`": gzip stream truncated`) {
		t.Errorf("summary does not name the truncated object:\n%s", out)
	}
	if read, parsed, rejected, blank := summaryCounts(t, out); parsed < 2 || read != parsed+rejected+blank {
		t.Errorf("lines before the fault are lost or counts do not reconcile: read %d parsed %d rejected %d blank %d", read, parsed, rejected, blank)
	}

	f := func(want string, args ...string) {
		t.Helper()
		code, _, errOut := run(t, append([]string{"parse"}, args...)...)
		if code != exitUsage {
			t.Fatalf("parse %q: exit %d, want %d", args, code, exitUsage)
		}
		oneLine(t, errOut, want)
	}
	f("unknown flag: --bogus", "--bogus", good)
	f("--dump takes jsonl", "--dump", "csv", good)
	f("--format takes alb, alb_health, cloudfront, clb, nlb or alb_conn", "--format", "nosuch", good)
	f("no input given", "--dump", "jsonl")
	f(`cannot read "`+filepath.Join(dir, "missing.log")+`"`, filepath.Join(dir, "missing.log"))
}
