package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser/input/s3"
)

// startVersitygw starts the S3-compatible server over root (a folder whose
// sub-folders are buckets) and returns its endpoint. Without the binary the
// test is skipped under -short and fails otherwise.
func startVersitygw(t *testing.T, root string) string {
	t.Helper()
	bin := os.Getenv("LBTRIAGE_VERSITYGW")
	if bin == "" {
		bin, _ = filepath.Abs(filepath.Join("..", "..", "tools", "bin", "versitygw"))
	}
	if _, err := os.Stat(bin); err != nil {
		msg := "versitygw not found: run `make tools/bin/versitygw` or set LBTRIAGE_VERSITYGW"
		if testing.Short() {
			t.Skip(msg + " (skipped under -short)")
		}
		t.Fatal(msg)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var logBuf bytes.Buffer
	cmd := exec.Command(bin, "--access", "CMDTESTKEY", "--secret", "cmd-test-secret", "--port", addr, "--quiet", "posix", root)
	cmd.Stdout, cmd.Stderr = &logBuf, &logBuf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
			break
		}
		select {
		case <-done:
			t.Fatalf("versitygw exited: %s", logBuf.String())
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("versitygw does not answer")
		}
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "CMDTESTKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cmd-test-secret")
	isolateAWS(t)
	return "http://" + addr
}

// isolateAWS keeps the SDK's default chain off the machine's own files and
// off instance metadata.
func isolateAWS(t *testing.T) {
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
	for _, k := range []string{"AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_CA_BUNDLE"} {
		t.Setenv(k, "")
	}
}

// copyTree copies the files below src into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestS3Flags(t *testing.T) {
	fs := newFlagSet("x")
	var f s3Flags
	f.register(fs)
	if err := fs.Parse([]string{"--profile", "prod", "--region", "eu-west-1", "--endpoint-url", "http://127.0.0.1:9", "--lb", "shop"}); err != nil {
		t.Fatal(err)
	}
	if f != (s3Flags{profile: "prod", region: "eu-west-1", endpointURL: "http://127.0.0.1:9", lb: "shop"}) {
		t.Fatalf("flags %+v", f)
	}
}

func TestExpandS3_BadBucketName(t *testing.T) {
	m := &Main{Getenv: func(string) string { return "" }}
	_, _, _, err := m.expandS3(context.Background(), []string{"s3://good-bucket/x", "s3://Bad_Bucket/x"}, &s3Flags{}, time.Time{}, time.Time{}, 0)
	if !errors.Is(err, s3.ErrBadBucketName) || !strings.Contains(err.Error(), `"Bad_Bucket"`) {
		t.Fatalf("err %v", err)
	}
}

func TestExpandS3_MissingCredentials(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	code, _, stderr := run(t, "analyze", "--endpoint-url", "http://127.0.0.1:9", "s3://my-logs/prod/")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	oneLine(t, stderr, "no AWS credentials found for s3://my-logs/prod/: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --profile")
}

// The demo's objects served by versitygw: analyze over s3:// with a window
// gives the same report as over the local folder, and reads only the
// objects the window needs.
func TestAnalyze_S3MatchesLocal(t *testing.T) {
	dir := writeSample(t)
	root := t.TempDir()
	copyTree(t, dir, filepath.Join(root, "demo-logs"))
	endpoint := startVersitygw(t, root)

	window := []string{"--since", "2026-11-20T13:05:00Z", "--until", "2026-11-20T13:20:00Z"}
	code, local, errOut := run(t, append(append([]string{"analyze", "-o", "json"}, window...), dir)...)
	if code != exitOK {
		t.Fatalf("local: exit %d: %s", code, errOut)
	}
	code, remote, errOut := run(t, append(append([]string{"analyze", "-o", "json", "--endpoint-url", endpoint}, window...), "s3://demo-logs/")...)
	if code != exitOK {
		t.Fatalf("s3: exit %d: %s", code, errOut)
	}
	l, r := decodeReport(t, local), decodeReport(t, remote)
	if l.Requests == 0 || l.Requests != r.Requests || r.Lines.Parsed >= l.Lines.Parsed {
		t.Fatalf("local: %d requests of %d parsed lines; s3: %d of %d, want the same requests from fewer lines",
			l.Requests, l.Lines.Parsed, r.Requests, r.Lines.Parsed)
	}
	if r.Inputs.Listed == 0 || r.Inputs.Selected != r.Inputs.Objects || r.Inputs.Listed <= r.Inputs.Selected {
		t.Errorf("s3 inputs: listed %d, selected %d, read %d: want listed > selected = read",
			r.Inputs.Listed, r.Inputs.Selected, r.Inputs.Objects)
	}
	// Everything but what was read (inputs, lines, the rows' time range)
	// is the same.
	var lm, rm map[string]any
	json.Unmarshal([]byte(local), &lm)
	json.Unmarshal([]byte(remote), &rm)
	for _, k := range []string{"inputs", "lines", "time_range"} {
		delete(lm, k)
		delete(rm, k)
	}
	if !reflect.DeepEqual(lm, rm) {
		for k := range lm {
			if !reflect.DeepEqual(lm[k], rm[k]) {
				t.Errorf("report %q differs:\nlocal %.400v\n   s3 %.400v", k, lm[k], rm[k])
			}
		}
	}

	// The S3 listing prunes: fewer objects than the folder holds.
	var files int
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, _ error) error {
		if d != nil && !d.IsDir() {
			files++
		}
		return nil
	})
	m := &Main{Getenv: func(string) string { return "" }}
	objs, _, stats, err := m.expandS3(context.Background(), []string{"s3://demo-logs/"},
		&s3Flags{endpointURL: endpoint}, time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC), time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 || len(objs) >= files || stats.Selected != len(objs) {
		t.Errorf("selected %d objects of %d files (stats %+v)", len(objs), files, stats)
	}
	// And an object read over S3 is the file's bytes.
	rc, err := objs[0].Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(objs[0].Source.Name, "s3://demo-logs/")))
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("%s: %d bytes over S3, file %d bytes (%v)", objs[0].Source.Name, len(got), len(want), err)
	}
}

func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	now := start
	m := &Main{Stderr: &buf, Now: func() time.Time { return now }}

	p := newProgress(m, progressNever, 120, 4000<<20)
	p.AddBytes(1000 << 20)
	for range 30 {
		p.ObjectDone()
	}
	now = start.Add(10 * time.Second)
	if got, want := p.line(now), " 30/120 objects  1000.0 MiB / 3.9 GiB  100.0 MiB/s  ETA 0:30"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	p.Finish()
	if buf.Len() != 0 {
		t.Errorf("mode never wrote %q", buf.String())
	}

	// auto: not a terminal, so nothing.
	if progressEnabled(&buf, progressAuto) {
		t.Error("auto draws on a buffer")
	}

	// always: nothing during the first second, then the line, erased by
	// Finish.
	p = newProgress(m, progressAlways, 2, 0)
	p.Finish()
	if buf.Len() != 0 {
		t.Errorf("a run shorter than a second drew %q", buf.String())
	}
	if testing.Short() {
		return
	}
	p = newProgress(m, progressAlways, 2, 0)
	p.ObjectDone()
	time.Sleep(progressDelay + progressTick)
	p.Finish()
	out := buf.String()
	if !strings.HasPrefix(out, "\r1/2 objects") || !strings.HasSuffix(out, "\r\x1b[K") {
		t.Errorf("drew %q", out)
	}
	if err := checkProgressMode("sometimes"); err == nil {
		t.Error("mode sometimes accepted")
	}
}

// silentEndpoint listens on 127.0.0.1, accepts every connection and never
// answers; it returns the endpoint URL.
func silentEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	conns := make(chan net.Conn, 64)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns <- c
		}
	}()
	t.Cleanup(func() {
		l.Close()
		for len(conns) > 0 {
			(<-conns).Close()
		}
	})
	return "http://" + l.Addr().String()
}

// runMain runs lbtriage in-process with m's S3 deadline and ctx.
func runMain(ctx context.Context, s3Timeout time.Duration, args ...string) (int, string, string) {
	var stdout, stderr bytes.Buffer
	m := &Main{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" },
		Now: func() time.Time { return testNow }, s3Timeout: s3Timeout}
	code := m.Run(ctx, args)
	return code, stdout.String(), stderr.String()
}

// An S3 endpoint that accepts the connection and never answers: after the
// deadline, one sentence naming the endpoint, exit 2; the same for the
// report put to it. Ctrl-C while waiting: one sentence, no SDK text.
func TestS3_SilentEndpoint(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "CMDTESTKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cmd-test-secret")
	endpoint := silentEndpoint(t)
	code, out, errOut := runMain(context.Background(), 300*time.Millisecond, "analyze", "--endpoint-url", endpoint, "s3://my-logs/prod/")
	if code != exitUsage || out != "" {
		t.Fatalf("exit %d, stdout %q; want %d and nothing", code, out, exitUsage)
	}
	oneLine(t, errOut, "lbtriage analyze: the S3 endpoint "+endpoint+" did not answer within 300ms for s3://my-logs/prod/")

	dir := writeSample(t)
	code, _, errOut = runMain(context.Background(), 300*time.Millisecond, "analyze", "--endpoint-url", endpoint, "--out", "s3://reports/night.txt", dir)
	if code != exitUsage {
		t.Fatalf("--out s3://: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, "lbtriage analyze: the S3 endpoint "+endpoint+" did not answer within 300ms for s3://reports/night.txt")

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	code, _, errOut = runMain(ctx, time.Hour, "analyze", "--endpoint-url", endpoint, "s3://my-logs/prod/")
	if code != exitUsage || errOut != "lbtriage analyze: interrupted\n" {
		t.Fatalf("Ctrl-C: exit %d, stderr %q; want %d and \"lbtriage analyze: interrupted\"", code, errOut, exitUsage)
	}
}

// An endpoint that is not a URL is told in one sentence before any
// request, and before any input is read when the report goes to S3.
func TestS3_BadEndpoint(t *testing.T) {
	isolateAWS(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "CMDTESTKEY")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cmd-test-secret")
	for _, e := range []string{"http://[::1", "not a url", "127.0.0.1:9", "ftp://x", "http://127.0.0.1:99999", "%zz"} {
		want := "the S3 endpoint \"" + e + "\" is not an endpoint URL"
		code, _, errOut := run(t, "analyze", "--endpoint-url", e, "s3://my-logs/x/")
		if code != exitUsage {
			t.Errorf("--endpoint-url %q: exit %d, want %d", e, code, exitUsage)
		}
		oneLine(t, errOut, want)
		checkPlain(t, "--endpoint-url "+e, errOut)
		code, _, errOut = run(t, "analyze", "--endpoint-url", e, "--out", "s3://reports/r.md", filepath.Join(t.TempDir(), "missing"))
		if code != exitUsage {
			t.Errorf("--endpoint-url %q --out s3://: exit %d, want %d", e, code, exitUsage)
		}
		oneLine(t, errOut, "lbtriage analyze: --out: "+want)
	}
}
