package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestAnalyze_OutFile(t *testing.T) {
	dir := writeSample(t)
	outDir := t.TempDir()
	dest := filepath.Join(outDir, "report.html")
	code, stdout, errOut := run(t, "analyze", "-o", "html", "--out", dest, dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if stdout != "" {
		t.Errorf("--out still wrote %d bytes to stdout", len(stdout))
	}
	b, err := os.ReadFile(dest)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), "target.connection_error") || !strings.HasSuffix(strings.TrimSpace(string(b)), "</html>") {
		t.Errorf("the file is not the whole HTML report (%d bytes)", len(b))
	}
	// Nothing but the report is left in the folder: no temporary file.
	entries, _ := os.ReadDir(outDir)
	if len(entries) != 1 {
		t.Errorf("the output folder holds %d entries, want the report alone", len(entries))
	}
	// A text report written to a file carries no colour.
	dest = filepath.Join(outDir, "report.txt")
	if code, _, errOut := run(t, "analyze", "--out", dest, dir); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if b, _ := os.ReadFile(dest); strings.Contains(string(b), "\x1b") {
		t.Error("the text report in a file has escape sequences")
	}

	missing := filepath.Join(outDir, "no", "such", "dir", "r.md")
	code, _, errOut = run(t, "analyze", "--out", missing, dir)
	if code != exitUsage {
		t.Fatalf("unwritable --out: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, `--out: cannot write the report to "`+missing+`": the folder `+filepath.Dir(missing)+` does not exist`)
}

// stdinProbe is standard input that records whether it was read.
type stdinProbe struct{ read bool }

func (p *stdinProbe) Read([]byte) (int, error) { p.read = true; return 0, io.EOF }

// Where the report cannot go is told before any input is read: one
// sentence naming --out, exit 2.
func TestOutput_CheckedBeforeReading(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	f := func(out, want string) {
		t.Helper()
		probe := &stdinProbe{}
		var stdout, stderr bytes.Buffer
		m := &Main{Stdin: probe, Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }, Now: func() time.Time { return testNow }}
		code := m.Run(context.Background(), []string{"analyze", "--out", out, "-"})
		if code != exitUsage || stdout.Len() != 0 {
			t.Fatalf("--out %s: exit %d, stdout %q; want %d and nothing", out, code, stdout.String(), exitUsage)
		}
		oneLine(t, stderr.String(), "lbtriage analyze: --out: "+want)
		if probe.read {
			t.Errorf("--out %s: the input was read before the output was checked", out)
		}
		// report too: its inputs (missing here) would fail second.
		code, _, errOut := run(t, "report", "--day", "2026-11-20", "--out", out, filepath.Join(dir, "missing"))
		if code != exitUsage {
			t.Fatalf("report --out %s: exit %d, want %d", out, code, exitUsage)
		}
		oneLine(t, errOut, "lbtriage report: --out: "+want)
	}
	f(dir, `cannot write the report to "`+dir+`": it is a folder`)
	f(filepath.Join(dir, "no", "r.md"), `cannot write the report to "`+filepath.Join(dir, "no", "r.md")+`": the folder `+filepath.Join(dir, "no")+" does not exist")
	f(filepath.Join(file, "r.md"), `cannot write the report to "`+filepath.Join(file, "r.md")+`": `+file+" is not a folder")
	f("s3://reports/", `"s3://reports/" names no object key: want s3://bucket/key`)
	f("s3://Bad_Bucket/r.md", `invalid S3 bucket name "Bad_Bucket"`)
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		f(filepath.Join(ro, "r.md"), `cannot write the report to "`+filepath.Join(ro, "r.md")+`": permission denied`)
	}
}
