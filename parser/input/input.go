// Package input says where log bytes come from: local files, directories,
// globs and standard input (this package) or S3 (package s3). It sniffs and
// undoes gzip, reads what AWS object names tell (load balancer, node IP,
// interval, distribution, hour), and drives the decoders over many objects
// concurrently with Scan.
package input

import (
	"context"
	"io"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Object is one input to read: a local file, standard input or an S3 object.
type Object struct {
	// Source is the object's name and what the name tells.
	Source parser.Source
	// Size is the stored (possibly compressed) size in bytes, -1 when unknown.
	Size int64
	// Open opens the stored bytes, compressed or not. Scan undoes gzip.
	Open func(ctx context.Context) (io.ReadCloser, error)
}

// Skipped is an input recognised and deliberately not read, such as the
// ELBAccessLogTestFile or an ALB connection-log object.
type Skipped struct {
	Source string
	// Reason starts with the kind of input, then ": " and why when there
	// is more to say ("ALB connection log: not read by this build"); see
	// SkipKind.
	Reason string
}

// Sink consumes the record batches of the objects a Scan reads. Scan gives
// each worker its own Sink, so a Sink needs no locking; Consume is called with
// the batches of one object in order, or, with ScanOptions.Split, with those
// of the blocks of objects that reach it (a block's in order, and blocks of
// several objects interleaved). A Sink must not keep rec past the call
// without calling Retain.
type Sink interface {
	Consume(src parser.Source, format parser.Format, rec arrow.RecordBatch) error
}

// ScanOptions configures Scan.
type ScanOptions struct {
	// Workers is the number of objects read at once (runtime.NumCPU when 0).
	Workers int
	// Decoders are tried in order on each object's first bytes.
	Decoders []parser.Decoder
	// Files, when set, reads the objects that start with its Magic (the
	// Parquet lake) instead of the decoders.
	Files parser.FileDecoder
	// Format, when set, forces that decoder instead of sniffing.
	Format parser.Format
	// Parser is passed to each decoder; Source and OnReject are set per object.
	Parser parser.Options
	// Columns, per format, overrides Parser.Columns.
	Columns map[parser.Format][]string
	// OnReject is called for every rejected line, from any worker: it must be
	// safe for concurrent use.
	OnReject func(*parser.LineError)
	// OnObject is called when an object is done (read whole, failed or
	// skipped), from any worker: it must be safe for concurrent use.
	OnObject func(ObjectResult)
	// OnBytes, when set, is called as stored bytes are read, with the count
	// just read, from any worker (for progress bars).
	OnBytes func(n int64)
	// Split reads the last objects (those started when fewer are left
	// than workers), when their decoder is a parser.Splitter, in blocks of
	// whole lines: one goroutine decompresses the object and cuts it while
	// Workers more parse its blocks into sinks of their own, so that one
	// large object uses every core. The batches of one object
	// then reach several sinks, each in the object's order. See Scan.
	Split bool
	// SplitAll, with Split, cuts every object, not only those started when
	// fewer objects are left than workers (tests, measurements).
	SplitAll bool
	// BlockBytes is the size of a block with Split (DefaultBlockBytes when
	// 0); a block grows past it to hold a longer line.
	BlockBytes int
}

// DefaultBlockBytes is the size of the blocks ScanOptions.Split cuts
// objects into.
const DefaultBlockBytes = 1 << 20

// ObjectResult is what happened to one object.
type ObjectResult struct {
	Source parser.Source
	Format parser.Format
	// StoredBytes is the number of stored (compressed) bytes read.
	StoredBytes int64
	Stats       parser.Stats
	// SkipReason is set when the object was not read on purpose, worded
	// as Skipped.Reason.
	SkipReason string
	// Err is set when the object could not be read whole; rows read before
	// the fault were still delivered.
	Err error
}
