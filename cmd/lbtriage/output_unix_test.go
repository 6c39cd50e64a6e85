//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/testfs"
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

	dev := testfs.NullDevice(t)
	for _, p := range []string{dev, "/dev/null"} {
		if code, _, errOut := run(t, "analyze", "--out", p, dir); code != exitOK {
			t.Fatalf("--out %s: exit %d: %s", p, code, errOut)
		}
		if !testfs.IsCharDevice(p) {
			t.Fatalf("--out %s: no longer a character device", p)
		}
	}
}
