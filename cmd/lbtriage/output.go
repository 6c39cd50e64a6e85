package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"time"

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

// writeOutput writes what render produces to dest: standard output when
// dest is "" or "-", the object s3://bucket/key, or a file. A file is
// written to a temporary name and renamed, and an S3 object is put whole,
// so that a reader never sees half a report.
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
