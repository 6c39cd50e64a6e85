package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/parser/input/s3"
	"github.com/lbtriage/lbtriage/report"
)

// contentTypes are the media types of the report formats, for S3 objects.
var contentTypes = map[string]string{
	"text":     "text/plain; charset=utf-8",
	"json":     "application/json",
	"markdown": "text/markdown; charset=utf-8",
	"md":       "text/markdown; charset=utf-8",
	"html":     "text/html; charset=utf-8",
	"csv":      "text/csv; charset=utf-8",
}

// checkOutput tells, before any input is read, whether a report can go to
// dest: for a path, that it is not a folder, that its folder exists and
// that it is writable (report.CheckOutputPath); for s3://bucket/key, that
// the URL names an object in a valid bucket and that the endpoint is a URL
// (whether the bucket exists and may be written is known only when the
// report is put). The error is one
// sentence naming dest.
func (m *Main) checkOutput(dest string, f *s3Flags) error {
	switch {
	case dest == "" || dest == "-":
		return nil
	case strings.HasPrefix(dest, "s3://"):
		if _, _, err := s3.ParseObjectURL(dest); err != nil {
			return err
		}
		return s3.CheckEndpoint(m.s3Endpoint(f))
	}
	return report.CheckOutputPath(dest)
}

// writeOutput writes what render produces to dest: standard output when
// dest is "" or "-", the object s3://bucket/key, or a file. A regular file
// is written to a temporary name and renamed, and an S3 object is put
// whole, so that a reader never sees half a report; a device, a pipe or a
// descriptor (/dev/stdout) is written through (see report.WriteFileAtomic).
func (m *Main) writeOutput(ctx context.Context, dest, format string, f *s3Flags, render func(io.Writer) error) error {
	switch {
	case dest == "" || dest == "-":
		return render(m.Stdout)
	case strings.HasPrefix(dest, "s3://"):
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			return err
		}
		c, err := m.s3Client(ctx, f, time.Time{}, time.Time{}, 0)
		if err != nil {
			return err
		}
		return c.Put(ctx, dest, buf.Bytes(), contentTypes[format])
	}
	return report.WriteFileAtomic(dest, render)
}

// writeError is the sentence for a report that could not be written: the
// file and S3 errors name where already, anything else (a failed render)
// is told as such.
func writeError(err error) string {
	var oe *report.OutputError
	var se *s3.Error
	if errors.As(err, &oe) || errors.As(err, &se) {
		return err.Error()
	}
	return "cannot write the report: " + err.Error()
}
