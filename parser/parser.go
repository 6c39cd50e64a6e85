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

// Format names a log format ("alb", "cloudfront"). Each decoder package
// declares its own (alb.Format, cloudfront.Format); this package names none
// but FormatUnknown.
type Format string

// FormatUnknown is the format of an object no decoder claimed.
const FormatUnknown Format = ""

// Defaults for Options.
const (
	DefaultBatchSize    = 64 * 1024
	DefaultMaxLineBytes = 1 << 20
	// MaxBatchSize bounds Options.BatchSize: a decoder reserves a batch's
	// rows up front, so a larger batch only costs memory (at this size
	// about 170 MB per ALB object read at once).
	MaxBatchSize = 1 << 20
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
	// name follows no layout a decoder claims).
	Format Format
	// Account and Region come from the AWS key layout.
	Account string
	Region  string
	// Resource is what wrote the object: a load balancer's resource ID as
	// its logs write it ("app/my-lb/50dc6c495c0c9188"), a Classic Load
	// Balancer's name, or a CloudFront distribution ID ("E2QWRUHAPOMQZL").
	Resource string
	// NodeIP is the IP address of the load balancer node that wrote the
	// object, when the name tells.
	NodeIP string
	// Start and End bound the time the object's rows cover, as far as the
	// name tells (a publishing interval, CloudFront's hour): Start <= time <
	// End, give or take delivery delays. Zero when unknown.
	Start, End time.Time
}

// Options configures a Reader. The zero value is usable.
type Options struct {
	// BatchSize is the number of rows per RecordBatch (DefaultBatchSize when
	// 0, MaxBatchSize when larger).
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
	o.BatchSize = min(o.BatchSize, MaxBatchSize)
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

// Decoder is one log format: its schema, how to recognise its objects by
// their content and by their names, and its reader.
type Decoder interface {
	// Format names the format.
	Format() Format
	// Title names the format for people, as in "is not an ALB access log":
	// "ALB access log", "CloudFront access log".
	Title() string
	// Schema is the full schema, every column the decoder can build. Its
	// "time" column (ColTime) holds each row's own time.
	Schema() *arrow.Schema
	// Sniff returns how many lines of head, the first bytes of a
	// decompressed object, are lines of this format: 0 when none is. Blank
	// lines and comments count for nothing, unless they are what marks the
	// format (CloudFront's "#Fields" header). The last line of head may be
	// cut short; it is judged on what it holds.
	Sniff(head []byte) int
	// ParseName returns what an object name of the format's own layout
	// tells, from base, the part of the name after the last "/"; ok is false
	// when base is not of that layout. Name is left empty.
	ParseName(base string) (src Source, ok bool)
	// NewReader returns a Reader over r, which yields decompressed text. An
	// object the decoder recognises as a log it does not read gets an
	// *UnsupportedError.
	NewReader(r io.Reader, opts Options) (Reader, error)
}

// ColTime is the name of the column of every decoder's schema that holds
// a row's own time, as a UTC timestamp in microseconds.
const ColTime = "time"

// Detect returns the decoder that recognises the most lines of head (the
// first one listed among equals), or nil when none recognises any.
func Detect(head []byte, decoders ...Decoder) Decoder {
	var best Decoder
	bestN := 0
	for _, d := range decoders {
		if n := d.Sniff(head); n > bestN {
			best, bestN = d, n
		}
	}
	return best
}

// UnsupportedError says that an object is a log of a kind lbtriage
// recognises and does not read (a CloudFront RTMP distribution log, say):
// such an object is set aside with What as the reason, not failed.
type UnsupportedError struct {
	// What names the kind of log, as a reason to skip it.
	What string
}

func (e *UnsupportedError) Error() string { return e.What + ": not read by lbtriage" }

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

// FileDecoder reads objects that need random access rather than a stream:
// the Parquet files of lbtriage's own lake (package lake). Scan hands it
// the objects whose first bytes are its Magic.
type FileDecoder interface {
	// Magic is how its objects start ("PAR1").
	Magic() []byte
	// OpenFile reads the footer of the object src, of size bytes, read
	// through r, and tells the format of its rows.
	OpenFile(r io.ReaderAt, size int64, src Source) (File, error)
}

// File is an object a FileDecoder opened.
type File interface {
	// Format is the format of the rows: that of the Decoder whose rows
	// were stored.
	Format() Format
	// Source is what the name of the object the rows came from tells,
	// with the Name of the file itself: the node, load balancer, account
	// and region, which the file's own name does not tell.
	Source() Source
	// NewReader returns a Reader over the rows, taking opts as a Decoder
	// does: its batches have that Decoder's schema, projected to
	// opts.Columns.
	NewReader(opts Options) (Reader, error)
}
