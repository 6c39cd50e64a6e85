package rowbatch

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/parser"
)

// Stream is what a decoder's parser.Reader has in common with the others:
// its options, schema, Lines and Columns, the batch it returned last, and
// the methods of parser.Reader but Next. A decoder's Reader embeds a Stream
// and writes Next around it:
//
//	func (rd *Reader) Next() bool {
//		if !rd.Begin() {
//			return false
//		}
//		n := 0
//		... the loop over the lines of a batch (see the package comment)
//		return rd.End(n)
//	}
//
// Init, Begin, End, Options, Lines and Columns are for the decoder.
type Stream struct {
	lines  *Lines
	opts   parser.Options
	cols   Columns
	schema *arrow.Schema
	cur    arrow.RecordBatch
	done   bool
	rec    *Recycler // the default allocator, nil when Options.Allocator is set
}

// Init sets s up to read r with opts (see Setup), for the columns of
// fields (the decoder's full schema) that opts.Columns projects, which it
// returns as indexes into fields (see Projection): the decoder adds their
// builders to Columns in that order. The schema of the batches holds the
// columns projected, with the metadata of opts.Source (SourceMetadata).
// An unknown column name is the only error.
func (s *Stream) Init(r io.Reader, format parser.Format, fields []arrow.Field, opts parser.Options) ([]int, error) {
	cols, err := Projection(format, fields, opts.Columns)
	if err != nil {
		return nil, err
	}
	opts, rec := Setup(opts)
	fs := make([]arrow.Field, len(cols))
	for i, c := range cols {
		fs[i] = fields[c]
	}
	*s = Stream{
		lines:  NewLines(r, opts),
		opts:   opts,
		schema: arrow.NewSchema(fs, SourceMetadata(opts.Source)),
		rec:    rec,
	}
	return cols, nil
}

// Options returns the options as set up by Init.
func (s *Stream) Options() *parser.Options { return &s.opts }

// Lines returns the lines being read.
func (s *Stream) Lines() *Lines { return s.lines }

// Columns returns the column builders.
func (s *Stream) Columns() *Columns { return &s.cols }

// Begin starts a call to Next: it releases the batch returned before and
// reports whether lines may be left.
func (s *Stream) Begin() bool {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	return !s.done && !s.lines.ended
}

// End ends a call to Next that read n rows into the builders: it makes
// them the current batch and reports whether there is one.
func (s *Stream) End(n int) bool {
	if n == 0 {
		return false
	}
	s.cur = s.cols.Batch(s.schema, n)
	return true
}

// RecordBatch returns the current batch. It is valid until the next call to
// Next or Release; call Retain on it to keep it longer.
func (s *Stream) RecordBatch() arrow.RecordBatch { return s.cur }

// Err returns the read error that ended the stream early, wrapped with the
// source name, or nil. Rows read before the error were delivered.
func (s *Stream) Err() error { return s.lines.Err() }

// Stats returns the counts so far. Lines = Parsed + Rejected + Comments;
// MinTime and MaxTime bound the time column of the rows parsed.
func (s *Stream) Stats() parser.Stats { return s.lines.Stats() }

// Schema returns the schema of every batch: the projected columns in schema
// order, with the source metadata.
func (s *Stream) Schema() *arrow.Schema { return s.schema }

// Release frees the current batch and the builders. It is safe to call more
// than once.
func (s *Stream) Release() {
	if s.cur != nil {
		s.cur.Release()
		s.cur = nil
	}
	s.cols.Release()
	if s.rec != nil {
		s.rec.Close()
		s.rec = nil
	}
	s.done = true
}

// AsReader returns what a decoder's NewReader returned as a
// parser.Reader, for its Decoder's NewReader: nil, not a nil *R, with an
// error.
func AsReader[R parser.Reader](r R, err error) (parser.Reader, error) {
	if err != nil {
		return nil, err
	}
	return r, nil
}

// AddFixed adds to cols a builder of dtype whose value is *v, null unless
// *ok, and returns it for Columns.Add.
func AddFixed[T colbuild.Value](cols *[]Fixed[T], mem memory.Allocator, dtype arrow.DataType, v *T, ok *bool) Column {
	b := colbuild.NewFixed[T](mem, dtype)
	*cols = append(*cols, Fixed[T]{B: b, V: v, OK: ok})
	return b
}
