// Package atomicfile writes files that appear whole or not at all: the bytes
// go to a temporary file beside the target, which is synced and renamed over
// it on Commit. A reader of the target sees the old file or the new one,
// never half of it; a crash leaves at most a temporary file whose name
// starts with "." and ends with ".tmp", which readers that skip dot-files
// (Hive, Athena, Spark, directory walks of lbtriage) never see.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// File is a file being written; nothing is visible at its path until Commit.
type File struct {
	f    *os.File
	path string
	done bool
}

// Create starts writing the file at path. The directory must exist.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create temporary file for %s: %w", path, err)
	}
	return &File{f: f, path: path}, nil
}

// Write writes to the temporary file.
func (a *File) Write(p []byte) (int, error) { return a.f.Write(p) }

// Commit syncs the temporary file and renames it to the path, replacing
// what was there. On error the temporary file is removed.
func (a *File) Commit() (err error) {
	if a.done {
		return fmt.Errorf("commit %s: already committed or aborted", a.path)
	}
	a.done = true
	tmp := a.f.Name()
	defer func() {
		if err != nil {
			a.f.Close()
			os.Remove(tmp)
		}
	}()
	if err = a.f.Chmod(0o644); err != nil {
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	if err = a.f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", a.path, err)
	}
	if err = a.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", a.path, err)
	}
	if err = os.Rename(tmp, a.path); err != nil {
		return fmt.Errorf("rename into %s: %w", a.path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// directory, so a failure here is not an error.
	if d, derr := os.Open(filepath.Dir(a.path)); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort removes the temporary file; the path is left as it was. It does
// nothing after Commit or a previous Abort.
func (a *File) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
}

// WriteFile writes what render produces to path atomically.
func WriteFile(path string, render func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := render(f); err != nil {
		f.Abort()
		return err
	}
	return f.Commit()
}
