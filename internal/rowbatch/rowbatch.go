// Package rowbatch is the machinery the line decoders share to turn a
// stream of log lines into Arrow record batches: the options and schema
// of a reader (Setup, Projection, SourceMetadata), the line side (Lines:
// reading, counting and rejecting lines), the column side (Columns: the
// builders, reserved ahead by one policy, and the batch they make), the
// default allocator (Recycler), and the loop that reads a batch (Next).
//
// What stays with each decoder is what makes it fast: its row, its parse
// and its append of the row to its builders (Rows), which Next calls once
// a line each.
package rowbatch

import (
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// MaxLineBytes caps Options.MaxLineBytes: token bounds are int32s, and a
// batch ends before its text passes a gigabyte, so no line needs more.
const MaxLineBytes = 1 << 30

// MaxBatchBytes is the cap on the text of the lines of one batch that keeps
// every string column's data within Arrow's 32-bit offsets.
const MaxBatchBytes = 1 << 30

// Setup returns opts with its defaults set for a reader: a Recycler, which
// the reader closes on Release, when no Allocator is given (rec is nil
// otherwise), and a line cap no lower than a reject's snippet, since a
// lower one would reject lines whose whole text the reject could still
// quote, and no higher than MaxLineBytes.
func Setup(opts parser.Options) (_ parser.Options, rec *Recycler) {
	if opts.Allocator == nil {
		rec = GetRecycler()
		opts.Allocator = rec
	}
	opts = opts.WithDefaults()
	opts.MaxLineBytes = LineCap(opts.MaxLineBytes)
	return opts, rec
}

// LineCap returns the line cap a reader set up with Options.MaxLineBytes
// max keeps (see Setup).
func LineCap(n int) int {
	if n <= 0 {
		n = parser.DefaultMaxLineBytes
	}
	return min(max(n, parser.SnippetBytes), MaxLineBytes)
}

// Projection returns the indexes into fields of the columns named, in
// schema order; no name means every column. An unknown name is an error
// naming the format.
func Projection(format parser.Format, fields []arrow.Field, names []string) ([]int, error) {
	cols := make([]int, 0, len(fields))
	if len(names) == 0 {
		for i := range fields {
			cols = append(cols, i)
		}
		return cols, nil
	}
	want := make([]bool, len(fields))
	for _, n := range names {
		i := indexOf(fields, n)
		if i < 0 {
			return nil, fmt.Errorf("%s: unknown column %q", format, n)
		}
		want[i] = true
	}
	for i, w := range want {
		if w {
			cols = append(cols, i)
		}
	}
	return cols, nil
}

func indexOf(fields []arrow.Field, name string) int {
	for i, f := range fields {
		if f.Name == name {
			return i
		}
	}
	return -1
}

// Schema metadata keys that SourceMetadata sets from a parser.Source.
const (
	MetaSource       = "lbtriage.source"
	MetaNodeIP       = "lbtriage.node_ip"
	MetaLoadBalancer = "lbtriage.load_balancer"
	MetaIntervalEnd  = "lbtriage.interval_end"
)

// SourceMetadata returns the schema metadata of a load balancer's object
// from its non-empty fields: its name (MetaSource), node (MetaNodeIP), load
// balancer (MetaLoadBalancer) and interval end in RFC 3339
// (MetaIntervalEnd); nil when all are empty.
func SourceMetadata(s parser.Source) *arrow.Metadata {
	var keys, vals []string
	add := func(k, v string) {
		if v != "" {
			keys = append(keys, k)
			vals = append(vals, v)
		}
	}
	add(MetaSource, s.Name)
	add(MetaNodeIP, s.NodeIP)
	add(MetaLoadBalancer, s.Resource)
	if !s.End.IsZero() {
		add(MetaIntervalEnd, s.End.UTC().Format(time.RFC3339))
	}
	if len(keys) == 0 {
		return nil
	}
	md := arrow.NewMetadata(keys, vals)
	return &md
}
