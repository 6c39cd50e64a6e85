package lake

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/lbtriage/lbtriage/internal/atomicfile"
)

// Store is where the lake's files go: a local directory (DirStore) or an S3
// prefix (the command line's adapter over package s3).
type Store interface {
	// Create starts writing the file at path, slash-separated and relative
	// to the lake's root. Nothing is visible at path until Commit.
	Create(ctx context.Context, path string) (File, error)
	// String names the store's root for messages.
	String() string
}

// File is a file being written into a Store.
type File interface {
	io.Writer
	// Commit makes the file visible whole at its path, replacing any file
	// there.
	Commit() error
	// Abort discards the file; it does nothing after Commit.
	Abort()
}

// DirStore is a Store in a local directory: files are written under a
// temporary name beside their path and renamed (see package atomicfile).
type DirStore struct {
	Root string
}

// Create creates the directories of path and a temporary file for it.
func (d DirStore) Create(_ context.Context, path string) (File, error) {
	full := filepath.Join(d.Root, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the directory of %s: %w", full, err)
	}
	f, err := atomicfile.Create(full)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func (d DirStore) String() string { return d.Root }
