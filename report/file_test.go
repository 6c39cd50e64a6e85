package report

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeString is a render that writes s.
func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// entries lists the names in dir.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := WriteFileAtomic(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err=%v, want boom", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Errorf("after a failed write the file holds %q, want the old content", b)
	}
	if n := entries(t, dir); len(n) != 1 {
		t.Errorf("temporary file left behind: %v", n)
	}
	err = WriteFileAtomic(path, func(w io.Writer) error {
		return Render(w, incidentReport(), Options{Format: "json"})
	})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if !json.Valid(b) {
		t.Errorf("written file is not JSON")
	}
	if n := entries(t, dir); len(n) != 1 {
		t.Errorf("temporary file left behind: %v", n)
	}
	// The replaced file keeps its permissions; a new one is 0644.
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("replaced file has mode %v, want 0600", fi.Mode().Perm())
	}
	fresh := filepath.Join(dir, "new.md")
	if err := WriteFileAtomic(fresh, writeString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Errorf("new file has mode %v, want 0644", fi.Mode().Perm())
	}
}

// A symbolic link is followed: its target is replaced, atomically, in the
// target's folder, and the link stays a link.
func TestWriteFileAtomic_Symlink(t *testing.T) {
	linkDir, targetDir := t.TempDir(), t.TempDir()
	target := filepath.Join(targetDir, "night.md")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(linkDir, "latest.md")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	// A chain: a relative link to the link.
	chain := filepath.Join(linkDir, "chain.md")
	if err := os.Symlink("latest.md", chain); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{link, chain} {
		if err := WriteFileAtomic(p, writeString("new via "+filepath.Base(p))); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(target); string(b) != "new via "+filepath.Base(p) {
			t.Errorf("%s: the target holds %q", p, b)
		}
		for _, l := range []string{link, chain} {
			if li, err := os.Lstat(l); err != nil || li.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link", l)
			}
		}
	}
	if got := entries(t, targetDir); len(got) != 1 {
		t.Errorf("the target's folder holds %v, want the target alone", got)
	}
	if got := entries(t, linkDir); len(got) != 2 {
		t.Errorf("the links' folder holds %v, want the two links", got)
	}
	// A dangling link: its target is created.
	dangling := filepath.Join(linkDir, "dangling.md")
	created := filepath.Join(targetDir, "created.md")
	if err := os.Symlink(created, dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, writeString("created")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(created); string(b) != "created" {
		t.Errorf("the dangling link's target holds %q", b)
	}
	// A loop.
	loop := filepath.Join(linkDir, "loop")
	os.Symlink("loop", loop)
	err := WriteFileAtomic(loop, writeString("x"))
	if err == nil || !strings.Contains(err.Error(), `cannot write the report to "`+loop+`": too many levels of symbolic links`) {
		t.Errorf("a link loop: err=%v", err)
	}
}

// Where a report cannot go is one sentence naming the path, before any
// work.
func TestCheckOutputPath(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	ok := func(p string) {
		t.Helper()
		if err := CheckOutputPath(p); err != nil {
			t.Errorf("CheckOutputPath(%q): %v", p, err)
		}
	}
	bad := func(p, want string) {
		t.Helper()
		err := CheckOutputPath(p)
		if err == nil || err.Error() != `cannot write the report to "`+p+`": `+want {
			t.Errorf("CheckOutputPath(%q) = %v, want %q", p, err, want)
		}
		if werr := WriteFileAtomic(p, writeString("x")); werr == nil || werr.Error() != err.Error() {
			t.Errorf("WriteFileAtomic(%q) = %v, want the same error", p, werr)
		}
	}
	ok(filepath.Join(dir, "new.html"))
	ok(file)
	ok("/dev/null")
	bad(dir, "it is a folder")
	bad(dir+"/", "it names a folder, not a file")
	bad(filepath.Join(dir, "no", "such", "r.md"), "the folder "+filepath.Join(dir, "no", "such")+" does not exist")
	bad(filepath.Join(file, "r.md"), file+" is not a folder")
	if got := entries(t, dir); len(got) != 1 {
		t.Errorf("the checks left %v behind", got)
	}

	if os.Geteuid() == 0 {
		t.Skip("permissions do not bind root")
	}
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o555); err != nil {
		t.Fatal(err)
	}
	bad(filepath.Join(ro, "r.md"), "permission denied")
	locked := filepath.Join(dir, "locked.md")
	if err := os.WriteFile(locked, []byte("keep"), 0o444); err != nil {
		t.Fatal(err)
	}
	bad(locked, "permission denied")
}
