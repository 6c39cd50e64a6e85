package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.parquet")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "new")
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Fatalf("before Commit the path holds %q, want the old file", b)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("after Commit the path holds %q, want %q", b, "new")
	}
	if err := f.Commit(); err == nil {
		t.Error("a second Commit succeeded")
	}
	f.Abort() // no effect after Commit
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Fatalf("Abort after Commit changed the file to %q", b)
	}
	checkOnly(t, dir, "x.parquet")
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x")
	f, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(f, "half")
	f.Abort()
	f.Abort()
	checkOnly(t, dir)

	err = WriteFile(path, func(w io.Writer) error { io.WriteString(w, "half"); return errors.New("render failed") })
	if err == nil || err.Error() != "render failed" {
		t.Fatalf("WriteFile error %v, want the render's", err)
	}
	checkOnly(t, dir)
	if _, err := Create(filepath.Join(dir, "missing", "x")); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
}

// checkOnly checks that dir holds exactly the files names.
func checkOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range ents {
		got = append(got, e.Name())
	}
	if len(got) != len(names) {
		t.Fatalf("%s holds %v, want %v", dir, got, names)
	}
	for i := range got {
		if got[i] != names[i] {
			t.Fatalf("%s holds %v, want %v", dir, got, names)
		}
	}
}
