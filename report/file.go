package report

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Writing a report to a path (--out PATH). A report replaces a regular file
// atomically: a reader never sees half of it, and a failed render leaves
// the old file as it was. Anything else is written through, in place: a
// device (/dev/null stays a device), a named pipe, a socket, and a link to
// an open descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N). A symbolic
// link is followed to its target, which is replaced (or created) as above,
// so the link stays a link.

// maxLinks bounds the symbolic links followed, as the kernel does.
const maxLinks = 40

// outputTarget is where a report written to a path goes.
type outputTarget struct {
	// path is the file to replace or create, or to write through: the
	// path given with its symbolic links followed.
	path string
	// info describes path; nil when it does not exist yet.
	info fs.FileInfo
	// through is set when the report is written in place rather than
	// renamed over path.
	through bool
	// fd, when not -1, is this process's open descriptor that path names
	// (/dev/stdout, /dev/fd/1): the report is written to it, sharing its
	// offset with whoever else writes there (a shell's "{ ...; } > file").
	fd int
}

// resolveOutput follows the symbolic links of path to the file a report
// goes to.
func resolveOutput(path string) (outputTarget, error) {
	p := path
	for range maxLinks {
		li, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			// A new file; whether its folder is one is checked later.
			return outputTarget{path: p, fd: -1}, nil
		}
		if err != nil {
			return outputTarget{}, err
		}
		if li.Mode()&fs.ModeSymlink == 0 {
			return outputTarget{path: p, info: li, through: !li.Mode().IsRegular() && !li.IsDir(), fd: -1}, nil
		}
		if dir := filepath.Dir(p); dir == "/dev/fd" || strings.HasPrefix(dir, "/proc/") && strings.HasSuffix(dir, "/fd") {
			// A descriptor: /proc/self/fd/1 reads as "pipe:[1234]" or as
			// the file the descriptor was opened on; write to the
			// descriptor, not to a new file of that name.
			info, err := os.Stat(p)
			if err != nil {
				return outputTarget{}, err
			}
			return outputTarget{path: p, info: info, through: !info.IsDir(), fd: ownDescriptor(p)}, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return outputTarget{}, err
		}
		if !filepath.IsAbs(link) {
			// Relative to the link's folder, which is not cleaned
			// lexically: ".." must go where the kernel would.
			link = dirOf(p) + link
		}
		p = link
	}
	return outputTarget{}, errors.New("too many levels of symbolic links")
}

// ownDescriptor returns N when p is /dev/fd/N, /proc/self/fd/N or
// /proc/PID/fd/N of this process, else -1.
func ownDescriptor(p string) int {
	switch filepath.Dir(p) {
	case "/dev/fd", "/proc/self/fd", "/proc/" + strconv.Itoa(os.Getpid()) + "/fd":
		if n, err := strconv.Atoi(filepath.Base(p)); err == nil && n >= 0 {
			return n
		}
	}
	return -1
}

// dirOf returns the folder part of p, ending in a separator ("./" for a
// bare name), without cleaning it.
func dirOf(p string) string {
	i := strings.LastIndexByte(p, filepath.Separator)
	if i < 0 {
		return "." + string(filepath.Separator)
	}
	return p[:i+1]
}

// outputError is a failure to write the report to path, as one sentence
// that names it.
func outputError(path string, err error) error {
	var pe *fs.PathError
	var le *os.LinkError
	switch {
	case errors.As(err, &pe):
		err = pe.Err
	case errors.As(err, &le):
		err = le.Err
	}
	return &OutputError{Path: path, msg: err.Error(), err: err}
}

// OutputError is a report that cannot be written to Path; its text is one
// sentence naming Path.
type OutputError struct {
	Path string
	msg  string
	err  error
}

func (e *OutputError) Error() string {
	return fmt.Sprintf("cannot write the report to %q: %s", e.Path, e.msg)
}

// Unwrap returns the cause.
func (e *OutputError) Unwrap() error { return e.err }

// CheckOutputPath tells whether a report can be written to path, before
// any work is done: an error, one sentence naming path, when path is a
// folder, when its folder does not exist, or when the file or its folder is
// not writable. A device or a pipe is taken as writable.
func CheckOutputPath(path string) error {
	if path == "" || strings.HasSuffix(path, string(filepath.Separator)) {
		return &OutputError{Path: path, msg: "it names a folder, not a file"}
	}
	t, err := resolveOutput(path)
	if err != nil {
		return outputError(path, err)
	}
	switch {
	case t.info != nil && t.info.IsDir():
		return &OutputError{Path: path, msg: "it is a folder"}
	case t.through:
		return nil
	case t.info != nil:
		// The file is replaced, not written: still, a file the user
		// cannot write is not to be replaced.
		f, err := os.OpenFile(t.path, os.O_WRONLY, 0)
		if err != nil {
			return outputError(path, err)
		}
		f.Close()
	}
	dir := dirOf(t.path)
	di, err := os.Stat(filepath.Clean(dir))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &OutputError{Path: path, msg: fmt.Sprintf("the folder %s does not exist", filepath.Clean(dir)), err: err}
	case err != nil:
		return outputError(path, err)
	case !di.IsDir():
		return &OutputError{Path: path, msg: fmt.Sprintf("%s is not a folder", filepath.Clean(dir))}
	}
	// The temporary file the report is written to first.
	f, err := os.CreateTemp(dir, ".lbtriage-check-*.tmp")
	if err != nil {
		return outputError(path, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// WriteFileAtomic writes what render produces to path (see the top of this
// file): a regular file, new or not, is written to a temporary file in the
// same folder, synced and renamed over it, keeping its permissions, so that
// a reader never sees half of it; on any error the temporary file is
// removed and the file is left as it was. A symbolic link is followed and
// its target replaced. A device, a pipe, a socket or an open descriptor is
// written in place. Errors are *OutputError.
func WriteFileAtomic(path string, render func(io.Writer) error) error {
	if err := CheckOutputPath(path); err != nil {
		return err
	}
	t, err := resolveOutput(path)
	if err != nil {
		return outputError(path, err)
	}
	if t.through {
		return writeThrough(path, t, render)
	}
	return replaceFile(path, t, render)
}

// writeThrough writes into an existing device, pipe, socket or descriptor:
// this process's own descriptor through a duplicate of it, anything else
// opened for appending.
func writeThrough(path string, t outputTarget, render func(io.Writer) error) error {
	var f *os.File
	var err error
	if t.fd >= 0 {
		f, err = dupFile(t.fd, t.path)
	}
	if f == nil {
		f, err = os.OpenFile(t.path, os.O_WRONLY|os.O_APPEND, 0)
	}
	if err != nil {
		return outputError(path, err)
	}
	if err := render(f); err != nil {
		f.Close()
		return writeError(path, err)
	}
	if err := f.Close(); err != nil {
		return outputError(path, err)
	}
	return nil
}

// writeError wraps an error of render: a failed write is told as such, any
// other error (of the renderer) is returned as is.
func writeError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return outputError(path, err)
	}
	return err
}

// replaceFile writes a temporary file next to t.path and renames it over.
func replaceFile(path string, t outputTarget, render func(io.Writer) error) (err error) {
	dir := dirOf(t.path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(t.path)+".*.tmp")
	if err != nil {
		return outputError(path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err = render(f); err != nil {
		return writeError(path, err)
	}
	mode := fs.FileMode(0o644)
	if t.info != nil {
		mode = t.info.Mode().Perm()
	}
	if err = f.Chmod(mode); err != nil {
		return outputError(path, err)
	}
	if err = f.Sync(); err != nil {
		return outputError(path, err)
	}
	if err = f.Close(); err != nil {
		return outputError(path, err)
	}
	if err = os.Rename(tmp, t.path); err != nil {
		return outputError(path, err)
	}
	// Make the rename itself durable; not every platform can sync a
	// folder, so a failure here is not an error.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
