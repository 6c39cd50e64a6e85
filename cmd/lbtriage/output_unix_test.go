//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// --out through a symbolic link replaces the link's target and keeps the
// link; --out to a device writes through it and leaves it a device: a
// device node made in a temporary folder (root only), then /dev/null, only
// once the first has passed.
func TestOutput_LinksAndDevices(t *testing.T) {
	dir := writeSample(t)
	outDir := t.TempDir()
	target := filepath.Join(outDir, "target.txt")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(outDir, "link.txt")
	if err := os.Symlink("target.txt", link); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := run(t, "analyze", "--out", link, dir); code != exitOK {
		t.Fatalf("--out LINK: exit %d: %s", code, errOut)
	}
	if li, err := os.Lstat(link); err != nil || li.Mode()&fs.ModeSymlink == 0 {
		t.Fatalf("--out LINK: the link was replaced (%v)", err)
	}
	if b, _ := os.ReadFile(target); !strings.Contains(string(b), "target.connection_error") {
		t.Fatalf("--out LINK: the target holds %.80q, want the report", b)
	}

	if os.Geteuid() != 0 {
		t.Skip("only root can make a device node, and replace /dev/null")
	}
	fi, err := os.Stat("/dev/null")
	st, ok := fi.Sys().(*syscall.Stat_t)
	if err != nil || !ok || fi.Mode()&fs.ModeCharDevice == 0 {
		t.Skipf("/dev/null is not a character device here (%v)", err)
	}
	dev := filepath.Join(outDir, "null")
	if err := syscall.Mknod(dev, syscall.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Skipf("cannot make a device node: %v", err)
	}
	if f, err := os.OpenFile(dev, os.O_WRONLY, 0); err != nil {
		t.Skipf("cannot open a device node here (a nodev mount?): %v", err)
	} else {
		f.Close()
	}
	for _, p := range []string{dev, "/dev/null"} {
		if code, _, errOut := run(t, "analyze", "--out", p, dir); code != exitOK {
			t.Fatalf("--out %s: exit %d: %s", p, code, errOut)
		}
		if fi, err := os.Lstat(p); err != nil || fi.Mode()&fs.ModeCharDevice == 0 {
			t.Fatalf("--out %s: no longer a character device (%v, %v)", p, fi.Mode(), err)
		}
	}
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
