package input

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

// StdinName is the argument and the Source.Name of standard input.
const StdinName = "-"

// Expand turns local command-line inputs into objects, in the order given:
//
//   - a file is one object (a named pipe or /dev/fd/N works too);
//   - a directory is every regular file below it, recursively, in lexical
//     order; names starting with "." are left out, below the directory given,
//     and symbolic links to directories are not followed;
//   - an argument that does not exist but holds glob metacharacters is
//     expanded with filepath.Glob (for when the shell did not), leaving out
//     dot-files unless the pattern's base starts with ".";
//   - "-" is standard input (stdin, or os.Stdin when nil), at most once.
//
// A path reached twice is read once. The ELB test file is returned as
// Skipped; Scan completes each object's Source from its name.
//
// An input that does not exist or cannot be read (a path, a file or folder
// below a directory, a glob that matches nothing) does not stop the others:
// it is returned as an object whose Open fails with one sentence naming it,
// so that Scan reports it as failed and the rest is read. Only bad usage is
// an error: an empty path, standard input given twice, and an s3:// URL
// (callers hand those to package s3).
func Expand(args []string, stdin io.Reader) ([]Object, []Skipped, error) {
	return ExpandWindow(args, stdin, time.Time{}, time.Time{})
}

// ExpandWindow is Expand for a run over [since, until): the day partition
// folders of the lake below a directory given (see DayOutside) whose day
// lies outside the window are not walked. A folder given itself is.
func ExpandWindow(args []string, stdin io.Reader, since, until time.Time) ([]Object, []Skipped, error) {
	e := expander{seen: map[string]bool{}, since: since, until: until}
	for _, arg := range args {
		if err := e.arg(arg, stdin); err != nil {
			return nil, nil, err
		}
	}
	return e.objects, e.skipped, nil
}

type expander struct {
	objects  []Object
	skipped  []Skipped
	seen     map[string]bool
	stdinUse bool
	// since and until prune the lake's day partitions.
	since, until time.Time
}

func (e *expander) arg(arg string, stdin io.Reader) error {
	switch {
	case arg == "":
		return errors.New(`cannot read "": empty path`)
	case strings.HasPrefix(arg, "s3://"):
		return fmt.Errorf("cannot read %q as a local path: S3 URLs are listed through the S3 input", arg)
	case arg == StdinName:
		if e.stdinUse {
			return errors.New("standard input (-) is given more than once")
		}
		e.stdinUse = true
		if stdin == nil {
			stdin = os.Stdin
		}
		e.objects = append(e.objects, Object{
			Source: parser.Source{Name: StdinName},
			Size:   -1,
			Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(stdin), nil
			},
		})
		return nil
	}
	info, err := os.Stat(arg)
	switch {
	case err == nil:
		e.path(arg, info, true)
	case errors.Is(err, fs.ErrNotExist) && hasMeta(arg):
		e.glob(arg)
	default:
		e.unreadable(arg, err)
	}
	return nil
}

// hasMeta reports whether path holds filepath.Match metacharacters.
func hasMeta(path string) bool {
	return strings.ContainsAny(path, `*?[`)
}

func (e *expander) glob(pattern string) {
	matches, err := filepath.Glob(pattern)
	if err != nil {
		e.unreadable(pattern, errors.New("no such file, and not a valid glob pattern"))
		return
	}
	dotOK := strings.HasPrefix(filepath.Base(pattern), ".")
	n := 0
	for _, m := range matches {
		if !dotOK && strings.HasPrefix(filepath.Base(m), ".") {
			continue
		}
		n++
		info, err := os.Stat(m)
		if err != nil {
			e.unreadable(m, err)
			continue
		}
		e.path(m, info, true)
	}
	if n == 0 {
		e.unreadable(pattern, fmt.Errorf("no file matches %q", pattern))
	}
}

// path adds one file or directory. explicit marks a path the user named
// (directly or by a glob): it may be any readable non-directory.
func (e *expander) path(path string, info fs.FileInfo, explicit bool) {
	if info.IsDir() {
		e.walk(path)
		return
	}
	if !explicit && !info.Mode().IsRegular() {
		return
	}
	if explicit && info.Mode().IsRegular() {
		f, err := os.Open(path)
		if err != nil {
			e.unreadable(path, err)
			return
		}
		f.Close()
	}
	e.add(path, info)
}

func (e *expander) walk(root string) {
	if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not descend into a root that is a link; a trailing
		// separator makes it resolve the link first.
		root += string(filepath.Separator)
	}
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// A folder that cannot be listed is reported and the walk
			// goes on with its siblings.
			e.unreadable(path, err)
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch {
		case d.IsDir():
			if path != root && DayOutside(d.Name(), e.since, e.until) {
				return filepath.SkipDir
			}
			return nil
		case d.Type()&fs.ModeSymlink != 0:
			info, err := os.Stat(path)
			if err != nil || !info.Mode().IsRegular() {
				return nil // a dangling link or a link to a directory
			}
			e.add(path, info)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				e.unreadable(path, err)
				return nil
			}
			e.add(path, info)
		}
		return nil
	})
}

// unreadable adds an input that cannot be read as an object whose Open
// fails with one sentence naming it (see objectError); the error may hold
// the name already.
func (e *expander) unreadable(name string, err error) {
	key := filepath.Clean(name)
	if e.seen[key] {
		return
	}
	e.seen[key] = true
	err = objectError(name, err)
	e.objects = append(e.objects, Object{
		Source: parser.Source{Name: name},
		Size:   -1,
		Open:   func(context.Context) (io.ReadCloser, error) { return nil, err },
	})
}

func (e *expander) add(path string, info fs.FileInfo) {
	key := filepath.Clean(path)
	if e.seen[key] {
		return
	}
	e.seen[key] = true
	if IsTestFile(path) {
		e.skipped = append(e.skipped, Skipped{Source: path, Reason: SkipTestFile})
		return
	}
	size := int64(-1)
	if info.Mode().IsRegular() {
		size = info.Size()
	}
	e.objects = append(e.objects, Object{
		Source: parser.Source{Name: path},
		Size:   size,
		Open: func(context.Context) (io.ReadCloser, error) {
			return os.Open(path)
		},
	})
}
