package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	"github.com/lbtriage/lbtriage/internal/gen"
)

var testNow = time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)

// run runs lbtriage in-process and returns the exit status, stdout and
// stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	m := &Main{
		Stdin:  strings.NewReader(""),
		Stdout: &stdout,
		Stderr: &stderr,
		Getenv: func(string) string { return "" },
		Now:    func() time.Time { return testNow },
	}
	code := m.Run(context.Background(), args)
	return code, stdout.String(), stderr.String()
}

func decodeReport(t *testing.T, s string) *analysis.Report {
	t.Helper()
	var rep analysis.Report
	if err := json.Unmarshal([]byte(s), &rep); err != nil {
		t.Fatalf("report is not JSON: %v\n%.300s", err, s)
	}
	return &rep
}

// oneLine checks that stderr is a single line mentioning want.
func oneLine(t *testing.T, stderr, want string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, want) {
		t.Fatalf("stderr = %q, want one line with %q", stderr, want)
	}
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Fatalf("stderr has a stack trace: %s", stderr)
	}
}

// writeSample writes the demo's objects under a temporary directory.
func writeSample(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	code, out, errOut := run(t, "demo", "--write", dir)
	if code != exitOK || !strings.Contains(out, "lbtriage analyze "+dir) {
		t.Fatalf("demo --write: %d %q %q", code, out, errOut)
	}
	return dir
}

func TestAnalyze_Usage(t *testing.T) {
	f := func(want string, args ...string) {
		t.Helper()
		code, out, errOut := run(t, args...)
		if code != exitUsage {
			t.Fatalf("%v: exit %d, want %d (stderr %q)", args, code, exitUsage, errOut)
		}
		if out != "" {
			t.Fatalf("%v: stdout %q, want nothing", args, out)
		}
		oneLine(t, errOut, want)
	}
	f("unknown flag: --bogus", "analyze", "--bogus", "x.log")
	f("no input given", "analyze")
	f("-o takes", "analyze", "-o", "yaml", "x.log")
	f(`--since: "yesterday-ish" is not a time`, "analyze", "--since", "yesterday-ish", "x.log")
	f("--since (2026-11-20T14:00:00Z) must be before --until", "analyze", "--since", "14:00", "--until", "13:00", "x.log")
	f("--bucket must be a whole number of seconds", "analyze", "--bucket", "1500ms", "x.log")
	f("--top must be positive", "analyze", "--top", "0", "x.log")
	f("--format takes alb, alb_health, cloudfront, clb, nlb or alb_conn", "analyze", "--format", "nosuch", "x.log")
	f("--batch-size takes 1 to 1048576 rows, not 0", "analyze", "--batch-size", "0", "x.log")
	f("--batch-size takes 1 to 1048576 rows, not 1000000000 (a batch reserves its rows up front", "analyze", "--batch-size", "1000000000", "x.log")
	f("--batch-size takes 1 to 1048576 rows, not 2000000", "parse", "--batch-size", "2000000", "x.log")
	f("no such file", "analyze", filepath.Join(t.TempDir(), "missing.log.gz"))
	f("demo: takes no input", "demo", "x.log")
}

func TestAnalyze_NothingReadable(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.log")
	if err := os.WriteFile(bad, []byte("this is not an access log\nnor is this\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "analyze", "-o", "json", bad)
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	oneLine(t, errOut, "nothing could be read")
}

// TestAnalyze_SetAside says which kinds of log every input set aside was,
// whether the name or the content told: the kinds no family of this build
// reads (CloudFront RTMP distribution logs).
func TestAnalyze_SetAside(t *testing.T) {
	const rtmp = "#Version: 1.0\n" +
		"#Fields: date time x-edge-location c-ip x-event sc-bytes x-cf-status x-cf-client-id cs-uri-stem cs-uri-query c-referrer x-page-url c-user-agent x-sname x-sname-query x-file-ext x-sid\n" +
		"2010-03-12\t23:51:21\tSEA4\t192.0.2.222\tplay\t3914\tOK\tbfd8a98bee0840d9b871b7f6ade9908f\trtmp://shqshne4jdp4b6.cloudfront.net/cfx/st\tkey=value\thttp://player.example.com/player.swf\thttp://www.example.com/video\tLNX%2010,0,32,18\tmyvideo\tp=2&q=4\tflv\t1\n"
	f := func(files map[string][]byte, want string) {
		t.Helper()
		dir := t.TempDir()
		for name, data := range files {
			writeFile(t, dir, name, data)
		}
		code, out, errOut := run(t, "analyze", dir)
		if code != exitUsage || out != "" {
			t.Fatalf("exit %d, stdout %q, want %d and nothing", code, out, exitUsage)
		}
		oneLine(t, errOut, want)
	}
	testFile := []byte("Enable AccessLog for ELB: app/my-loadbalancer/50dc6c495c0c9188 at 2026-11-20T13:00:00Z\n")
	// Set aside by their names.
	f(map[string][]byte{"ELBAccessLogTestFile": testFile, "AWSLogs/ELBAccessLogTestFile": testFile},
		"2 inputs set aside: 2 ELB access-log test files")
	// And by their content.
	f(map[string][]byte{"a.log": []byte(rtmp), "test.txt": testFile, "rtmp.log.gz": gzipped(t, rtmp)},
		"3 inputs set aside: 2 CloudFront RTMP distribution logs, 1 ELB access-log test file")
}

func TestAnalyze_TruncatedGzipAmongGoodFiles(t *testing.T) {
	dir := writeSample(t)
	var gz []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".log.gz") {
			gz = append(gz, p)
		}
		return nil
	})
	if len(gz) < 3 {
		t.Fatalf("%d objects written", len(gz))
	}
	victim := gz[len(gz)/2]
	data, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "analyze", "-o", "json", dir)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitPartial, errOut)
	}
	oneLine(t, errOut, "1 of ")
	rep := decodeReport(t, out)
	if len(rep.Inputs.Failed) != 1 || !strings.Contains(rep.Inputs.Failed[0].Source, filepath.Base(victim)) {
		t.Fatalf("inputs.failed = %+v, want %s", rep.Inputs.Failed, victim)
	}
	if rep.Requests == 0 || rep.Lines.Parsed == 0 {
		t.Fatalf("no rows read from the good files: %+v", rep.Lines)
	}
}

// One path that cannot be read among others: the report covers the rest,
// lists the path in inputs.failed, and the exit status is 1.
func TestAnalyze_MissingPathAmongOthers(t *testing.T) {
	dir := writeSample(t)
	missing := filepath.Join(t.TempDir(), "nonexistent")
	code, out, errOut := run(t, "analyze", "-o", "json", dir, missing)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitPartial, errOut)
	}
	oneLine(t, errOut, `cannot read "`+missing+`": no such file or directory`)
	rep := decodeReport(t, out)
	if len(rep.Inputs.Failed) != 1 || rep.Inputs.Failed[0].Source != missing ||
		rep.Inputs.Failed[0].Error != `cannot read "`+missing+`": no such file or directory` {
		t.Fatalf("inputs.failed = %+v, want %s alone", rep.Inputs.Failed, missing)
	}
	if rep.Requests == 0 {
		t.Fatal("no request read from the sample")
	}
	// The nightly report too.
	code, _, errOut = run(t, "report", "--day", "2026-11-20", dir, missing)
	if code != exitPartial {
		t.Fatalf("report: exit %d, want %d (stderr %q)", code, exitPartial, errOut)
	}
	// Nothing readable at all is exit 2.
	code, _, errOut = run(t, "analyze", missing, missing+"-too")
	if code != exitUsage {
		t.Fatalf("only missing paths: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, "nothing could be read: cannot read")
}

func TestDemo_Verdict(t *testing.T) {
	code, out, errOut := run(t, "demo", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rep := decodeReport(t, out)
	if rep.Verdict.PrimaryCause == nil || *rep.Verdict.PrimaryCause != albfam.CauseConnectionError {
		t.Fatalf("primary cause %v", rep.Verdict.PrimaryCause)
	}
	if !strings.Contains(rep.Verdict.Summary, "10.0.2.0/24") {
		t.Fatalf("summary %q", rep.Verdict.Summary)
	}
	if rep.Format != "alb" || rep.Inputs.Objects == 0 || len(rep.Inputs.Skipped) != 1 {
		t.Fatalf("format %q, inputs %+v", rep.Format, rep.Inputs)
	}
	// The text report is the default output.
	code, out, _ = run(t, "demo")
	if code != exitOK || !strings.Contains(out, "target.connection_error") {
		t.Fatalf("text demo: exit %d\n%s", code, out)
	}
}

func TestAnalyze_WrittenDemoMatchesInMemoryDemo(t *testing.T) {
	dir := writeSample(t)
	_, memOut, _ := run(t, "demo", "-o", "json")
	mem := decodeReport(t, memOut)
	var first string
	for _, w := range []string{"1", "2", "8"} {
		code, out, errOut := run(t, "analyze", "-o", "json", "--workers", w, dir)
		if code != exitOK {
			t.Fatalf("--workers %s: exit %d: %s", w, code, errOut)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Fatalf("--workers %s: JSON differs from --workers 1", w)
		}
	}
	disk := decodeReport(t, first)
	a, _ := json.Marshal([]any{mem.Errors, mem.Targets, mem.Nodes, mem.Timeline, mem.Verdict})
	b, _ := json.Marshal([]any{disk.Errors, disk.Targets, disk.Nodes, disk.Timeline, disk.Verdict})
	if !bytes.Equal(a, b) {
		t.Fatalf("analyze DIR and demo disagree")
	}
}

func TestAnalyze_Window(t *testing.T) {
	dir := writeSample(t)
	code, out, errOut := run(t, "analyze", "-o", "json", "--since", "13:05", "--until", "2026-11-20T13:20:00Z", "--bucket", "5m", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rep := decodeReport(t, out)
	if rep.Window == nil || rep.Window.First.RFC3339() != "2026-11-20T13:05:00Z" || rep.Window.Last.RFC3339() != "2026-11-20T13:20:00Z" {
		t.Fatalf("window %+v", rep.Window)
	}
	if rep.BucketSeconds != 300 || len(rep.Timeline) != 3 {
		t.Fatalf("bucket %d s, %d buckets", rep.BucketSeconds, len(rep.Timeline))
	}
	if rep.Lines.OutsideWindow == 0 || rep.Requests+rep.Lines.OutsideWindow != rep.Lines.Parsed {
		t.Fatalf("requests %d + outside %d != parsed %d", rep.Requests, rep.Lines.OutsideWindow, rep.Lines.Parsed)
	}
}

func TestParseTimeFlag(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, err := parseTimeFlag("--since", in, testNow)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if w, _ := time.Parse(time.RFC3339Nano, want); !got.Equal(w) || got.Location() != time.UTC {
			t.Fatalf("%q = %s, want %s", in, got, want)
		}
	}
	f("2026-11-20T13:05:00Z", "2026-11-20T13:05:00Z")
	f("2026-11-20T14:05:00+01:00", "2026-11-20T13:05:00Z")
	f("2026-11-20T13:05:00.5Z", "2026-11-20T13:05:00.5Z")
	f("2026-11-20T13:05", "2026-11-20T13:05:00Z")
	f("2026-11-20 13:05", "2026-11-20T13:05:00Z")
	f("2026-11-19", "2026-11-19T00:00:00Z")
	f("13:05", "2026-11-20T13:05:00Z")
	f("13:05:30", "2026-11-20T13:05:30Z")
	f("2h", "2026-11-20T13:00:00Z")
	f("90m", "2026-11-20T13:30:00Z")
	f("2d", "2026-11-18T15:00:00Z")
	for _, bad := range []string{"soon", "-2h", "25:00", "2026-13-01", "0d"} {
		if _, err := parseTimeFlag("--until", bad, testNow); err == nil || !strings.HasPrefix(err.Error(), "--until") {
			t.Errorf("%q: err %v", bad, err)
		}
	}
	if got, err := parseTimeFlag("--since", "", testNow); err != nil || !got.IsZero() {
		t.Errorf("empty: %v %v", got, err)
	}
}

func TestDemo_CloudFront(t *testing.T) {
	for _, args := range [][]string{{"demo", "cloudfront", "-o", "json"}, {"demo", "--cloudfront", "-o", "json"}} {
		code, out, errOut := run(t, args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, errOut)
		}
		rep := decodeReport(t, out)
		if rep.Format != "cloudfront" || rep.Part(cffam.PartKey) == nil || rep.Verdict.PrimaryCause == nil ||
			*rep.Verdict.PrimaryCause != cffam.CauseOriginConnectError {
			t.Fatalf("%v: format %q, verdict %+v", args, rep.Format, rep.Verdict)
		}
		if !strings.Contains(rep.Verdict.Summary, "Every cache miss of www.example.com fails since 13:10 while cache hits are fine") {
			t.Fatalf("summary %q", rep.Verdict.Summary)
		}
	}
	code, out, _ := run(t, "demo", "cloudfront")
	if code != exitOK || !strings.Contains(out, "origin.connect_error") || !strings.Contains(out, "CloudFront") {
		t.Fatalf("text demo: exit %d\n%s", code, out)
	}
	code, _, errOut := run(t, "demo", "nosuch")
	if code != exitUsage {
		t.Fatalf("demo nosuch: exit %d", code)
	}
	oneLine(t, errOut, "alb, alb_health, cloudfront, clb, nlb or alb_conn")
}

// TestDemo_Connections: the NLB and connection-log samples are in the
// demo, and their reports lead with the failing clients.
func TestDemo_Connections(t *testing.T) {
	for _, c := range []struct{ sample, format, headline string }{
		{"nlb", "nlb", "Clients reject the new certificate of listener 3f9c1e7a52d04b86 (port 443): TLS alert 48 unknown_ca"},
		{"alb_conn", "alb", "2 clients cannot connect: ClientCertExpired on port 8443"},
	} {
		code, out, errOut := run(t, "demo", c.sample, "-o", "json")
		if code != exitOK {
			t.Fatalf("demo %s: exit %d: %s", c.sample, code, errOut)
		}
		rep := decodeReport(t, out)
		if rep.Format != c.format || rep.Part("connections") == nil || rep.Verdict.Headline != c.headline {
			t.Errorf("demo %s: format %q, headline %q", c.sample, rep.Format, rep.Verdict.Headline)
		}
	}
	// A family's table is offered to CSV.
	code, out, errOut := run(t, "demo", "nlb", "-o", "csv", "--table", "connection-clients")
	if code != exitOK || !strings.HasPrefix(out, "client,connections,failed,reasons,first_failed,protocols\n") {
		t.Fatalf("demo nlb --table connection-clients: exit %d: %.200s %s", code, out, errOut)
	}
}

// TestDemo_CLB: "lbtriage demo clb" analyzes the Classic sample incident,
// from memory and, written with --write, from disk with one or three
// workers alike; its verdict names the instance and the window.
func TestDemo_CLB(t *testing.T) {
	code, out, errOut := run(t, "demo", "clb", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rep := decodeReport(t, out)
	if rep.Format != "clb" || rep.Part(clbfam.PartKey) == nil || rep.Verdict.PrimaryCause == nil ||
		*rep.Verdict.PrimaryCause != clbfam.CauseTargetTimeout {
		t.Fatalf("format %q, verdict %+v", rep.Format, rep.Verdict)
	}
	for _, s := range []string{"instance 10.0.2.21:80", "from 13:05 to 13:20 UTC"} {
		if !strings.Contains(rep.Verdict.Summary, s) {
			t.Fatalf("summary lacks %q: %s", s, rep.Verdict.Summary)
		}
	}
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "clb", "--write", dir); code != exitOK {
		t.Fatalf("demo clb --write: exit %d: %s", code, errOut)
	}
	for _, w := range []string{"1", "3"} {
		code, disk, errOut := run(t, "analyze", "-o", "json", "--workers", w, dir)
		if code != exitOK {
			t.Fatalf("--workers %s: exit %d: %s", w, code, errOut)
		}
		got := decodeReport(t, disk)
		a, _ := json.Marshal([]any{rep.Errors, rep.Targets, rep.Nodes, rep.Timeline, rep.Verdict})
		b, _ := json.Marshal([]any{got.Errors, got.Targets, got.Nodes, got.Timeline, got.Verdict})
		if !bytes.Equal(a, b) {
			t.Fatalf("--workers %s: the report from disk differs from the demo's", w)
		}
	}
	code, out, _ = run(t, "demo", "clb")
	for _, s := range []string{"target.timeout", "10.0.2.21:80", "Classic Load Balancer"} {
		if code != exitOK || !strings.Contains(out, s) {
			t.Fatalf("text demo lacks %q: exit %d\n%s", s, code, out)
		}
	}
}

// TestDemo_Health: the health-check sample (incident 4b) is one report of
// the load balancer's access and health-check logs, led by the health
// checks, the same from memory and from disk with any worker count.
func TestDemo_Health(t *testing.T) {
	code, out, errOut := run(t, "demo", "alb_health", "-o", "json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	mem := decodeReport(t, out)
	if mem.Format != "alb" || mem.Part(healthfam.PartKey) == nil || mem.Lines.OtherLogs != 2430 {
		t.Fatalf("format %q, parts %d, lines %+v", mem.Format, len(mem.Parts), mem.Lines)
	}
	if !strings.HasPrefix(mem.Verdict.Summary, "Every target fails its health check since 13:10 UTC: it answers 299 where the matcher expects 200") ||
		mem.Verdict.Headline == "" {
		t.Fatalf("headline %q, summary %q", mem.Verdict.Headline, mem.Verdict.Summary)
	}
	dir := t.TempDir()
	if code, _, errOut := run(t, "demo", "alb_health", "--write", dir); code != exitOK {
		t.Fatalf("--write: exit %d: %s", code, errOut)
	}
	var first string
	for _, w := range []string{"1", "3"} {
		code, out, errOut := run(t, "analyze", "-o", "json", "--workers", w, dir)
		if code != exitOK {
			t.Fatalf("--workers %s: exit %d: %s", w, code, errOut)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Fatalf("--workers %s: JSON differs from --workers 1", w)
		}
	}
	disk := decodeReport(t, first)
	a, _ := json.Marshal([]any{mem.Verdict, mem.Part(healthfam.PartKey).JSON})
	b, _ := json.Marshal([]any{disk.Verdict, disk.Part(healthfam.PartKey).JSON})
	if !bytes.Equal(a, b) {
		t.Fatalf("the report from disk differs from the demo's:\n%s\n%s", a, b)
	}
}

// TestAnalyze_MixedFormats: a directory with ALB and CloudFront logs gives
// one report per format, ALB first; with -o json, one object per line.
func TestAnalyze_MixedFormats(t *testing.T) {
	dir := writeSample(t)
	code, out, errOut := run(t, "demo", "cloudfront", "--write", filepath.Join(dir, "cf"))
	if code != exitOK {
		t.Fatalf("demo cloudfront --write: %d %s", code, errOut)
	}
	var first string
	for _, w := range []string{"1", "2", "8"} {
		code, out, errOut = run(t, "analyze", "-o", "json", "--workers", w, dir)
		if code != exitOK {
			t.Fatalf("--workers %s: exit %d: %s", w, code, errOut)
		}
		if first == "" {
			first = out
		} else if out != first {
			t.Fatalf("--workers %s: JSON differs from --workers 1", w)
		}
	}
	lines := strings.Split(strings.TrimSuffix(first, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2:\n%.300s", len(lines), first)
	}
	albRep, cfRep := decodeReport(t, lines[0]), decodeReport(t, lines[1])
	if albRep.Format != "alb" || cfRep.Format != "cloudfront" || cfRep.Part(cffam.PartKey) == nil || albRep.Part(cffam.PartKey) != nil {
		t.Fatalf("formats %q %q", albRep.Format, cfRep.Format)
	}
	if *albRep.Verdict.PrimaryCause != albfam.CauseConnectionError || *cfRep.Verdict.PrimaryCause != cffam.CauseOriginConnectError {
		t.Fatalf("verdicts %s %s", *albRep.Verdict.PrimaryCause, *cfRep.Verdict.PrimaryCause)
	}

	// Text: both reports, ALB first.
	code, out, _ = run(t, "analyze", dir)
	i, j := strings.Index(out, "target.connection_error"), strings.Index(out, "origin.connect_error")
	if code != exitOK || i < 0 || j < i {
		t.Fatalf("text: exit %d, ALB at %d, CloudFront at %d", code, i, j)
	}

	// runAnalysis keeps returning one report: the dominant format's.
	m := &Main{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	rep, code, err := m.runAnalysis(context.Background(), analysisConfig{Args: []string{dir}})
	if err != nil || code != exitOK || rep == nil {
		t.Fatalf("runAnalysis: %v %d", err, code)
	}
	want := albRep
	if cfRep.Requests > albRep.Requests {
		want = cfRep
	}
	if rep.Format != want.Format || rep.Requests != want.Requests {
		t.Fatalf("runAnalysis gave %s (%d requests), want %s", rep.Format, rep.Requests, want.Format)
	}
}

// TestAnalyze_LoadBalancers: a directory with two load balancers' logs
// gives a report each, the one with the fault first; --lb keeps one, also
// for local inputs, and counts the other's lines.
func TestAnalyze_LoadBalancers(t *testing.T) {
	dir := writeSample(t)
	sample := gen.SampleIncident()
	other := &gen.ALBScenario{Seed: 9, Start: sample.Start, End: sample.End, Rows: 2000, LBName: "admin-alb", LBID: "1111111111111111"}
	if _, err := gen.WriteALBObjects(filepath.Join(dir, "admin"), other); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, "analyze", "-o", "json", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d JSON lines, want 2", len(lines))
	}
	first, second := decodeReport(t, lines[0]), decodeReport(t, lines[1])
	if first.LoadBalancer == nil || first.LoadBalancer.Name != "shop-prod-alb" || second.LoadBalancer == nil || second.LoadBalancer.Name != "admin-alb" {
		t.Fatalf("load balancers %+v, %+v", first.LoadBalancer, second.LoadBalancer)
	}
	code, out, _ = run(t, "analyze", dir)
	if code != exitOK || !strings.HasPrefix(out, "Overview: 2 reports; most 5xx are at load balancer shop-prod-alb (") {
		t.Fatalf("text: exit %d, starts %.200q", code, out)
	}

	code, out, errOut = run(t, "analyze", "-o", "json", "--lb", "admin-alb", dir)
	if code != exitOK {
		t.Fatalf("--lb: exit %d: %s", code, errOut)
	}
	rep := decodeReport(t, out)
	if rep.LoadBalancer == nil || rep.LoadBalancer.Name != "admin-alb" || rep.Requests != 2000 || rep.Lines.OtherLoadBalancers != first.Requests {
		t.Fatalf("--lb admin-alb: %+v, %d requests, lines %+v", rep.LoadBalancer, rep.Requests, rep.Lines)
	}
	// No request to report is as nothing read: exit 2, said on stderr too.
	code, out, errOut = run(t, "analyze", "--lb", "nosuch-alb", dir)
	if code != exitUsage || !strings.Contains(out, "No requests of load balancer nosuch-alb") {
		t.Fatalf("--lb nosuch-alb: exit %d\n%.400s", code, out)
	}
	oneLine(t, errOut, "No requests of load balancer nosuch-alb")
}

// TestDemo_FamilyTable: -o csv offers the tables of a family's part.
func TestDemo_FamilyTable(t *testing.T) {
	code, out, errOut := run(t, "demo", "cloudfront", "-o", "csv", "--table", "result-types")
	if code != exitOK || !strings.HasPrefix(out, "result_type,requests,errors_5xx,p50_ms,p95_ms,p99_ms\n") {
		t.Fatalf("exit %d: %.200q %s", code, out, errOut)
	}
	code, out, errOut = run(t, "demo", "alb_health", "-o", "csv", "--table", "health-targets")
	if code != exitOK || !strings.HasPrefix(out, "target,checks,failed,taken_out,first_failed,last_failed\n") {
		t.Fatalf("health-targets: exit %d: %.200q %s", code, out, errOut)
	}
	code, _, errOut = run(t, "demo", "-o", "csv", "--table", "nosuch")
	if code != exitUsage {
		t.Fatalf("--table nosuch: exit %d", code)
	}
	oneLine(t, errOut, "comparison, health-failures, health-fail-open, health-targets, health-unhealthy, health-nodes, result-types, distributions, hosts, edge-locations")
}

// TestDemo_List: demo --help lists every sample with what goes wrong in
// it, the first as the default, and the README shows how to run each.
func TestDemo_List(t *testing.T) {
	code, out, _ := run(t, "demo", "--help")
	if code != exitOK {
		t.Fatalf("demo --help: exit %d", code)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	all := samples()
	if len(all) < 5 || !strings.Contains(out, "SAMPLE is a built-in incident, "+all[0].name+" by default:") {
		t.Fatalf("%d samples; help:\n%s", len(all), out)
	}
	for i, s := range all {
		if line := s.name + "  "; !strings.Contains(out, "\n  "+line) || !strings.Contains(out, s.title+": "+s.sampler.SampleAbout()+"\n") {
			t.Errorf("demo --help does not list %s:\n%s", s.name, out)
		}
		run := "lbtriage demo " + s.name
		if i == 0 {
			run = "make demo"
		}
		if !strings.Contains(string(readme), run) {
			t.Errorf("the README does not show %q", run)
		}
	}
}
