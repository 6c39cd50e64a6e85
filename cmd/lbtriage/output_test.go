package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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

	code, _, errOut = run(t, "analyze", "--out", filepath.Join(outDir, "no", "such", "dir", "r.md"), dir)
	if code != exitUsage {
		t.Fatalf("unwritable --out: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, "write report:")
}

func TestAnalyze_OutS3(t *testing.T) {
	dir := writeSample(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	endpoint := startVersitygw(t, root)
	code, stdout, errOut := run(t, "analyze", "-o", "markdown", "--endpoint-url", endpoint, "--out", "s3://reports/2026/11/20/night.md", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if stdout != "" {
		t.Errorf("--out still wrote %d bytes to stdout", len(stdout))
	}
	// versitygw's posix backend keeps the object as a file under the bucket.
	b, err := os.ReadFile(filepath.Join(root, "reports", "2026", "11", "20", "night.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "# ALB 5xx triage") {
		t.Errorf("the object is not the Markdown report: %.80q", b)
	}
	code, _, errOut = run(t, "analyze", "--endpoint-url", endpoint, "--out", "s3://no-such-bucket-here/r.md", dir)
	if code != exitUsage {
		t.Fatalf("missing bucket: exit %d, want %d", code, exitUsage)
	}
	oneLine(t, errOut, "no-such-bucket-here")
}
