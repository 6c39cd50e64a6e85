// Package parser holds the vocabulary shared by the log decoders: the Decoder
// and Reader interfaces, the Options they take, the Source an object came
// from, and the LineError that reports a rejected line. It imports no decoder,
// no input backend and no analysis code; those import it.
package parser

import (
	"fmt"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Format names a log format.
type Format string

// Known formats.
const (
	FormatUnknown    Format = ""
	FormatALB        Format = "alb"
	FormatCloudFront Format = "cloudfront"
)

// Defaults for Options.
const (
	DefaultBatchSize    = 64 * 1024
	DefaultMaxLineBytes = 1 << 20
	// SnippetBytes is how much of a rejected line a LineError keeps.
	SnippetBytes = 160
)

// Source describes the object a stream of lines came from, as far as its
// name tells. Fields the name does not carry are zero.
type Source struct {
	// Name is what the user sees: a file path, "-" for standard input, or
	// s3://bucket/key.
	Name string
	// Format is the format the object name implies (FormatUnknown when the
	// name follows no AWS layout).
	Format Format
	// Account and Region come from the AWS key layout.
	Account string
	Region  string
	// LoadBalancer is the ALB resource ID ("app/my-lb/50dc6c495c0c9188").
	LoadBalancer string
	// NodeIP is the IP address of the load balancer node that wrote the
	// object (ALB layout only).
	NodeIP string
	// IntervalEnd is the end of the 5-minute interval the ALB object covers.
	IntervalEnd time.Time
	// Distribution and Hour come from the CloudFront layout
	// ({distribution}.{YYYY-MM-DD-HH}.{unique}.gz); Hour is the start of the
	// hour the requests happened in.
	Distribution string
	Hour         time.Time
}

// Options configures a Reader. The zero value is usable.
type Options struct {
	// BatchSize is the number of rows per RecordBatch (DefaultBatchSize when 0).
	BatchSize int
	// Columns lists the columns to build, by name. Nil builds every column of
	// the decoder's schema. The batch schema holds only the listed columns, in
	// schema order; unknown names are an error from NewReader.
	Columns []string
	// Allocator allocates the Arrow buffers (memory.DefaultAllocator when nil).
	Allocator memory.Allocator
	// MaxLineBytes caps a line's length (DefaultMaxLineBytes when 0); a longer
	// line is rejected with a reason and skipped, never buffered whole.
	MaxLineBytes int
	// Source names the object being read; it is copied into every LineError
	// and into the batch schema's metadata.
	Source Source
	// OnReject, when set, is called synchronously for every rejected line.
	// The LineError does not reference the reader's buffers.
	OnReject func(*LineError)
}

// WithDefaults returns o with zero fields set to their defaults.
func (o Options) WithDefaults() Options {
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.Allocator == nil {
		o.Allocator = memory.DefaultAllocator
	}
	return o
}

// Stats counts what a Reader has consumed so far. Lines always equals
// Parsed + Rejected + Comments.
type Stats struct {
	// Bytes is the number of decompressed bytes consumed.
	Bytes int64
	// Lines is every line read, including blank and comment lines.
	Lines int64
	// Parsed is the number of lines that became rows.
	Parsed int64
	// Rejected is the number of lines rejected with a reason.
	Rejected int64
	// Comments counts blank lines and header/comment lines (CloudFront's
	// "#Version" and "#Fields"), which are neither rows nor rejects.
	Comments int64
	// MinTime and MaxTime bound the rows' own timestamps (zero when no row).
	MinTime, MaxTime time.Time
}

// Add adds o's counts to s and widens the time range.
func (s *Stats) Add(o Stats) {
	s.Bytes += o.Bytes
	s.Lines += o.Lines
	s.Parsed += o.Parsed
	s.Rejected += o.Rejected
	s.Comments += o.Comments
	if !o.MinTime.IsZero() && (s.MinTime.IsZero() || o.MinTime.Before(s.MinTime)) {
		s.MinTime = o.MinTime
	}
	if o.MaxTime.After(s.MaxTime) {
		s.MaxTime = o.MaxTime
	}
}

// Reader streams the rows of one object as Arrow record batches.
//
//	for r.Next() {
//		rec := r.RecordBatch() // valid until the next call to Next or Release
//	}
//	if err := r.Err(); err != nil { ... }
//
// Next releases the previous batch; a caller that keeps a batch longer calls
// Retain on it. Lines that cannot be parsed do not stop the reader: they are
// counted in Stats and reported through Options.OnReject. Err reports only
// what ended the stream early (an I/O or decompression error); lines read
// before it were still delivered.
type Reader interface {
	Next() bool
	RecordBatch() arrow.RecordBatch
	Err() error
	Stats() Stats
	// Schema is the schema of every batch (the projected columns only).
	Schema() *arrow.Schema
	// Release frees the current batch and the builders.
	Release()
}

// Decoder is one log format.
type Decoder interface {
	// Format names the format.
	Format() Format
	// Schema is the full schema, every column the decoder can build.
	Schema() *arrow.Schema
	// Sniff reports whether head (the first bytes of a decompressed object)
	// looks like this format.
	Sniff(head []byte) bool
	// NewReader returns a Reader over r, which yields decompressed text.
	NewReader(r io.Reader, opts Options) (Reader, error)
}

// Detect returns the first decoder whose Sniff accepts head, or nil.
func Detect(head []byte, decoders ...Decoder) Decoder {
	for _, d := range decoders {
		if d.Sniff(head) {
			return d
		}
	}
	return nil
}

// LineError reports a rejected line: where it is and why. The text is built
// only when Error is called.
type LineError struct {
	// Source is the object's name.
	Source string
	// Line is the 1-based line number within the decompressed object.
	Line int64
	// Reason is a short phrase, such as "12 fields, want at least 16".
	Reason string
	// Snippet is the start of the line, at most SnippetBytes long.
	Snippet string
}

// NewLineError builds a LineError, copying at most SnippetBytes of line.
func NewLineError(source string, lineNum int64, reason string, line []byte) *LineError {
	if len(line) > SnippetBytes {
		line = line[:SnippetBytes]
	}
	return &LineError{Source: source, Line: lineNum, Reason: reason, Snippet: string(line)}
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %s: %q", e.Source, e.Line, e.Reason, e.Snippet)
}
