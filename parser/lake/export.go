package lake

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Exporter writes the batches of many objects into a lake, one
// ObjectWriter per object. It serves as the input.Sink of every worker of
// a scan (Consume), and must be told when each object is done (EndObject,
// from input.ScanOptions.OnObject, which runs on the worker that read the
// object), which writes and commits that object's files. Its methods are
// safe for concurrent use as long as each object's batches come from one
// goroutine, in order, followed by its EndObject.
type Exporter struct {
	ctx   context.Context
	store Store
	opts  Options

	mu       sync.Mutex
	open     map[string]*ObjectWriter
	written  []Written
	buffered atomic.Int64 // shared by the ObjectWriters
}

// NewExporter returns an Exporter writing into store.
func NewExporter(ctx context.Context, store Store, opts Options) *Exporter {
	return &Exporter{ctx: ctx, store: store, opts: opts.WithDefaults(), open: map[string]*ObjectWriter{}}
}

// Consume adds the rows of rec, a batch of the object src of family f.
func (e *Exporter) Consume(src parser.Source, f parser.Format, rec arrow.RecordBatch) error {
	e.mu.Lock()
	w := e.open[src.Name]
	e.mu.Unlock()
	if w == nil {
		var err error
		if w, err = NewObjectWriter(e.ctx, e.store, f, src, rec.Schema(), e.opts); err != nil {
			return err
		}
		w.buffered = &e.buffered
		e.mu.Lock()
		e.open[src.Name] = w
		e.mu.Unlock()
	}
	if err := w.Write(rec); err != nil {
		e.drop(src.Name)
		w.Abort()
		return err
	}
	return nil
}

// EndObject writes and commits the files of the object called name, whose
// reading is over; an object that ended early on a fault keeps the rows
// read before it, as the analysis does. It does nothing for an object that
// gave no rows.
func (e *Exporter) EndObject(name string) error {
	w := e.drop(name)
	if w == nil {
		return nil
	}
	files, err := w.Close()
	e.mu.Lock()
	e.written = append(e.written, files...)
	e.mu.Unlock()
	return err
}

func (e *Exporter) drop(name string) *ObjectWriter {
	e.mu.Lock()
	defer e.mu.Unlock()
	w := e.open[name]
	delete(e.open, name)
	return w
}

// Abort discards the files of the objects not ended yet.
func (e *Exporter) Abort() {
	e.mu.Lock()
	open := e.open
	e.open = map[string]*ObjectWriter{}
	e.mu.Unlock()
	for _, w := range open {
		w.Abort()
	}
}

// Written returns the files written so far, by path.
func (e *Exporter) Written() []Written {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(e.written)
	slices.SortFunc(out, func(a, b Written) int { return cmp.Compare(a.Path, b.Path) })
	return out
}
