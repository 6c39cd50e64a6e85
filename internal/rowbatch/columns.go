package rowbatch

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/internal/colbuild"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// Column is what Columns needs of a builder besides its appends, which
// the decoder makes itself.
type Column interface {
	Reserve(rows int)
	NewArray() arrow.Array
	Release()
}

// Columns is the builders of a reader's columns, in schema order. It
// reserves room in them ahead of the rows (Grow) and turns what they hold
// into a batch (Batch). It is not safe for concurrent use.
type Columns struct {
	cols    []Column
	arrs    []arrow.Array // the arrays of the batch being finished
	strs    []*colbuild.String
	strHint []int // value bytes each string column used in the last batch
	batches int   // batches made so far
}

// Add adds the builder of the next column.
func (c *Columns) Add(b Column) {
	c.cols = append(c.cols, b)
	c.arrs = append(c.arrs, nil)
	if s, ok := b.(*colbuild.String); ok {
		c.strs = append(c.strs, s)
		c.strHint = append(c.strHint, 0)
	}
}

// FirstReserve is how many rows the first batch reserves before it knows
// whether the input is small.
const FirstReserve = 1024

// maxReserveData caps the bytes a string column reserves ahead, from the
// last batch or from the first rows of this one.
const maxReserveData = 64 << 20

// Grow makes room in the builders for rows n up to size, n being the rows
// of the batch so far, and returns the number of rows now reserved: call
// it when n reaches the rows reserved. A batch after the first reserves
// all its rows and as many string bytes as the previous batch used, plus
// an eighth. The first batch reserves FirstReserve rows, so a small object
// stays small, and once it gets there reserves the rest, with string bytes
// extrapolated from the rows so far, plus an eighth. The eighth absorbs
// the usual variation between batches: a string column that outgrows its
// reservation doubles its buffer, copying what it holds.
func (c *Columns) Grow(n, size int) int {
	switch {
	case c.batches > 0 && n == 0:
		c.reserve(size)
		for i, sb := range c.strs {
			sb.ReserveData(min(c.strHint[i]*9/8, maxReserveData))
		}
		return size
	case n == 0:
		m := min(size, FirstReserve)
		c.reserve(m)
		return m
	}
	c.reserve(size - n)
	for _, sb := range c.strs {
		// Multiplied before divided: a column averaging under a byte a
		// row (mostly null) still gets its share. Capped, so that a first
		// thousand rows of huge fields do not reserve gigabytes for rows
		// that may never come; past the reservation the data grows.
		sb.ReserveData(min(sb.DataLen()*(size-n)/n*9/8, maxReserveData))
	}
	return size
}

// reserve makes room for rows more rows in every column.
func (c *Columns) reserve(rows int) {
	for _, b := range c.cols {
		b.Reserve(rows)
	}
}

// Batch returns a batch of schema, whose fields are the columns', made of
// the n rows the builders hold; the builders start the next batch empty.
func (c *Columns) Batch(schema *arrow.Schema, n int) arrow.RecordBatch {
	for i, sb := range c.strs {
		c.strHint[i] = sb.DataLen()
	}
	for i, b := range c.cols {
		c.arrs[i] = b.NewArray()
	}
	rec := array.NewRecordBatch(schema, c.arrs, int64(n))
	for i, a := range c.arrs {
		a.Release()
		c.arrs[i] = nil
	}
	c.batches++
	return rec
}

// Release frees the builders. It is safe to call more than once.
func (c *Columns) Release() {
	for _, b := range c.cols {
		b.Release()
	}
	c.cols = nil
	c.strs = nil
}

// Fixed is a fixed-width column whose value is *V, null unless *OK: V and
// OK point into the decoder's row, so that appending a row is one loop
// over the columns of each kind (AppendFixed, AppendSpans, AppendFields),
// whose appends inline (only the string appends are calls). It measured
// faster than a closure per column and than a switch on the column in one
// loop.
type Fixed[T colbuild.Value] struct {
	B  *colbuild.Fixed[T]
	V  *T
	OK *bool
}

// AppendFixed appends the row's values to cols.
func AppendFixed[T colbuild.Value](cols []Fixed[T]) {
	for _, c := range cols {
		if *c.OK {
			c.B.Append(*c.V)
		} else {
			c.B.AppendNull()
		}
	}
}

// Span is a string column whose value is the line's bytes from *Start to
// *End, null unless *OK; the pointers point into the decoder's row.
type Span struct {
	B          *colbuild.String
	Start, End *int
	OK         *bool
}

// AppendSpans appends the row's values to cols, from line.
func AppendSpans(cols []Span, line []byte) {
	for _, c := range cols {
		if *c.OK {
			c.B.Append(line[*c.Start:*c.End])
		} else {
			c.B.AppendNull()
		}
	}
}

// Field is a string column whose value is token F of the line, null when
// the line has no token F or, if Dash, when the token is "-".
type Field struct {
	B    *colbuild.String
	F    int
	Dash bool
}

// AppendFields appends the row's values to cols, from line and its
// tokens.
func AppendFields(cols []Field, toks *tokenize.Tokens, line []byte) {
	for _, c := range cols {
		if c.F >= toks.N {
			c.B.AppendNull()
			continue
		}
		v := toks.Field(line, c.F)
		if c.Dash && len(v) == 1 && v[0] == '-' {
			c.B.AppendNull()
			continue
		}
		c.B.Append(v)
	}
}

// AlwaysOK is the validity of the columns that are never null.
var AlwaysOK = true
