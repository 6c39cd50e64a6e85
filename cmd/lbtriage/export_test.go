package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// lakeFiles returns the .parquet files below root, relative, with their
// bytes; it fails on any other file (a temporary file left behind).
func lakeFiles(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if !strings.HasSuffix(rel, ".parquet") || strings.HasPrefix(d.Name(), ".") {
			t.Errorf("unexpected file %s in the lake", rel)
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var exportedRe = regexp.MustCompile(`(?m)^exported\s+([\d,]+) rows into ([\d,]+) files?`)

func TestExport_Usage(t *testing.T) {
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
	f("--out is required", "export", "x.log")
	f("no input given", "export", "--out", t.TempDir())
	f("--row-group-rows must be positive", "export", "--out", t.TempDir(), "--row-group-rows", "0", "x.log")
	f("--format takes", "export", "--out", t.TempDir(), "--format", "nosuch", "x.log")
	f("--batch-size takes 1 to 1048576 rows, not 0", "export", "--out", t.TempDir(), "--batch-size", "0", "x.log")
	f("--batch-size takes 1 to 1048576 rows, not 2000000", "export", "--out", t.TempDir(), "--batch-size", "2000000", "x.log")
	f("--since (2026-11-20T14:00:00Z) must be before --until", "export", "--out", t.TempDir(), "--since", "2026-11-20T14:00:00Z", "--until", "2026-11-20T13:00:00Z", "x.log")
	f("names no bucket", "export", "--out", "s3://", "x.log")
	f("no such file", "export", "--out", t.TempDir(), filepath.Join(t.TempDir(), "missing.log"))
}

func TestExport_Sample(t *testing.T) {
	dir := writeSample(t)
	lakeDir := t.TempDir()
	code, out, errOut := run(t, "export", "--out", lakeDir, dir)
	if code != exitOK || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	read, parsed, rejected, blank := summaryCounts(t, out)
	m := exportedRe.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no exported line in:\n%s", out)
	}
	if read != parsed+rejected+blank || parsed != 30000 || strings.ReplaceAll(m[1], ",", "") != "30000" {
		t.Fatalf("counts do not reconcile: read %d parsed %d rejected %d blank %d, exported %s\n%s", read, parsed, rejected, blank, m[1], out)
	}
	if !strings.Contains(out, "alb/day=2026-11-20/: 30,000 rows") {
		t.Errorf("no partition line in:\n%s", out)
	}
	first := lakeFiles(t, lakeDir)
	if len(first) == 0 {
		t.Fatal("no file written")
	}
	for name := range first {
		if !strings.HasPrefix(name, "alb/day=2026-11-20/") {
			t.Errorf("file %s outside alb/day=2026-11-20/", name)
		}
	}
	// Again, with other workers and row groups of the default size: the
	// same files, replaced.
	if code, _, errOut := run(t, "export", "--out", lakeDir, "--workers", "1", dir); code != exitOK {
		t.Fatalf("second run: exit %d, %s", code, errOut)
	}
	second := lakeFiles(t, lakeDir)
	if !slices.Equal(sortedNames(first), sortedNames(second)) {
		t.Fatalf("second run wrote %v, first %v", sortedNames(second), sortedNames(first))
	}
	for k := range first {
		if !bytes.Equal(first[k], second[k]) {
			t.Errorf("%s differs between runs", k)
		}
	}
}

func TestExport_TruncatedGzip(t *testing.T) {
	dir := writeSample(t)
	var gz []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".log.gz") {
			gz = append(gz, p)
		}
		return nil
	})
	victim := gz[len(gz)/2]
	data, err := os.ReadFile(victim)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(victim, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	lakeDir := t.TempDir()
	code, out, errOut := run(t, "export", "--out", lakeDir, dir)
	if code != exitPartial {
		t.Fatalf("exit %d, want %d (stderr %q)", code, exitPartial, errOut)
	}
	oneLine(t, errOut, "1 of ")
	_, parsed, _, _ := summaryCounts(t, out)
	m := exportedRe.FindStringSubmatch(out)
	if m == nil || strings.ReplaceAll(m[1], ",", "") != strconv.Itoa(parsed) || parsed == 0 {
		t.Fatalf("exported %v, parsed %d:\n%s", m, parsed, out)
	}
	if len(lakeFiles(t, lakeDir)) != len(gz) {
		t.Errorf("%d files for %d objects", len(lakeFiles(t, lakeDir)), len(gz))
	}
}

func TestExport_S3MatchesLocal(t *testing.T) {
	dir := writeSample(t)
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "lake"), 0o755); err != nil {
		t.Fatal(err)
	}
	endpoint := startVersitygw(t, root)
	local := t.TempDir()
	if code, _, errOut := run(t, "export", "--out", local, dir); code != exitOK {
		t.Fatalf("local: exit %d: %s", code, errOut)
	}
	code, out, errOut := run(t, "export", "--endpoint-url", endpoint, "--out", "s3://lake/logs/", dir)
	if code != exitOK {
		t.Fatalf("s3: exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "under s3://lake/logs (") {
		t.Errorf("summary does not name the S3 root:\n%s", out)
	}
	want := lakeFiles(t, local)
	got := lakeFiles(t, filepath.Join(root, "lake", "logs"))
	if !slices.Equal(sortedNames(got), sortedNames(want)) {
		t.Fatalf("S3 objects %v, local files %v", sortedNames(got), sortedNames(want))
	}
	for k := range want {
		if !bytes.Equal(got[k], want[k]) {
			t.Errorf("%s differs between S3 and local", k)
		}
	}
	code, _, errOut = run(t, "export", "--endpoint-url", endpoint, "--out", "s3://no-such-bucket-here/x", dir)
	if code != exitUsage {
		t.Fatalf("missing bucket: exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(errOut, "no-such-bucket-here") {
		t.Errorf("stderr does not name the bucket: %q", errOut)
	}
}

func sortedNames(m map[string][]byte) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
