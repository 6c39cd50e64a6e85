package input

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// blockPool is the goroutines that parse the blocks of split objects
// (ScanOptions.Split), each into a Sink of its own, and the buffers the
// blocks are read into. The blocks waiting for a goroutine are few (a
// channel of one per goroutine), so the memory of a split object is a
// few blocks per worker whatever its size.
type blockPool struct {
	work   chan *blockTask
	sinks  []Sink
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelCauseFunc
	// bufs holds the block buffers not in use: a free list of its own, as
	// a sync.Pool would drop them at every garbage collection.
	bufs chan *[]byte
}

// blockTask is one block to parse: its reader, and the object it is of.
type blockTask struct {
	r   parser.Reader
	src parser.Source
	fmt parser.Format
	obj *splitObject
	buf *[]byte // returned to the pool once r is released; nil if not pooled
}

// splitObject gathers what the blocks of one object come to.
type splitObject struct {
	wg      sync.WaitGroup
	mu      sync.Mutex
	stats   parser.Stats
	readErr error // the error of the object's last block
	sinkErr error
	stopped bool // a block ended early: ctx was cancelled
}

func newBlockPool(ctx context.Context, cancel context.CancelCauseFunc, workers int, newSink func() Sink) *blockPool {
	p := &blockPool{work: make(chan *blockTask, workers), ctx: ctx, cancel: cancel, bufs: make(chan *[]byte, 3*workers+2)}
	p.sinks = make([]Sink, workers)
	for i := range p.sinks {
		sink := newSink()
		p.sinks[i] = sink
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for t := range p.work {
				p.run(t, sink)
			}
		}()
	}
	return p
}

// close waits for the blocks handed out and returns the pool's sinks.
func (p *blockPool) close() []Sink {
	close(p.work)
	p.wg.Wait()
	return p.sinks
}

// run parses one block into sink.
func (p *blockPool) run(t *blockTask, sink Sink) {
	defer t.obj.wg.Done()
	defer p.putBuf(t.buf)
	defer t.r.Release()
	o := t.obj
	for t.r.Next() {
		if err := sink.Consume(t.src, t.fmt, t.r.RecordBatch()); err != nil {
			o.mu.Lock()
			o.sinkErr = cmp.Or(o.sinkErr, err)
			o.mu.Unlock()
			p.cancel(err)
			break
		}
		if p.ctx.Err() != nil {
			o.mu.Lock()
			o.stopped = true
			o.mu.Unlock()
			break
		}
	}
	st, err := t.r.Stats(), t.r.Err()
	o.mu.Lock()
	o.stats.Add(st)
	o.readErr = cmp.Or(o.readErr, err)
	o.mu.Unlock()
}

func (p *blockPool) getBuf(size int) *[]byte {
	select {
	case b := <-p.bufs:
		if cap(*b) >= size {
			*b = (*b)[:0]
			return b
		}
	default:
	}
	b := make([]byte, 0, size)
	return &b
}

func (p *blockPool) putBuf(b *[]byte) {
	if b == nil {
		return
	}
	select {
	case p.bufs <- b:
	default:
	}
}

// readBlocks reads the object o of decoder dec in blocks (ScanOptions.Split):
// it decompresses the object, cuts it after the last '\n' of every
// BlockBytes or so, carrying the start of a line cut over to the next
// block, and hands each block, with the number of lines before it and
// dec's Carry of the text before it, to the pool's goroutines, which parse
// it into their sinks while the next block is read. It returns when every
// block is parsed, with the object's Stats (the blocks' added up) and its
// errors as read would set them.
//
// A line longer than a block can grow to (the line cap, MaxLineBytes, and
// a byte) ends the cutting: the rest of the object, from that line on, is
// read through one reader here, into this worker's sink, as read would.
func (s *scanner) readBlocks(ctx context.Context, dec parser.Splitter, o *opened, popts parser.Options, res ObjectResult) (ObjectResult, error) {
	p, src := s.blocks, res.Source
	size := s.opts.BlockBytes
	if size <= 0 {
		size = DefaultBlockBytes
	}
	maxLine := rowbatch.LineCap(popts.MaxLineBytes)
	batch := popts.WithDefaults().BatchSize
	obj := &splitObject{}
	var (
		line  int64
		carry []byte
		rest  []byte // the start of a line, read with the block before
		ended error  // what ended the object: io.EOF at a clean end
	)
	for first := true; ended == nil && ctx.Err() == nil; first = false {
		buf := p.getBuf(size)
		b := append(*buf, rest...)
		var cut int
		b, cut, ended = fillBlock(o.hr, b, maxLine)
		*buf = b
		blk := &parser.Block{Line: line, Carry: carry}
		switch {
		case ended != nil:
			blk.Text, rest = b, nil
			if ended != io.EOF {
				blk.Err = ended
			}
		case cut < 0:
			// A line too long for any block: the rest goes as a stream.
			blk.Text, blk.Rest, rest = b, o.hr, nil
			ended = io.EOF
		default:
			blk.Text = b[:cut]
			rest = append(rest[:0:0], b[cut:]...)
		}
		nl := bytes.Count(blk.Text, []byte{'\n'})
		bopts := popts
		if blk.Rest == nil {
			// The block's rows are known: reserve no more.
			bopts.BatchSize = min(batch, nl+1)
		}
		r, err := dec.NewReader(blk, bopts)
		if err != nil {
			p.putBuf(buf)
			var unsupported *parser.UnsupportedError
			if first && errors.As(err, &unsupported) {
				res.Format, res.SkipReason = parser.FormatUnknown, unsupported.Error()
				return res, nil
			}
			obj.wg.Wait()
			res.Stats = obj.stats
			res.Err = fmt.Errorf("cannot read %q: %w", src.Name, err)
			return res, nil
		}
		line += int64(nl)
		if ended == nil {
			carry = dec.Carry(carry, blk.Text)
		}
		t := &blockTask{r: r, src: src, fmt: res.Format, obj: obj, buf: buf}
		obj.wg.Add(1)
		if blk.Rest != nil {
			p.run(t, s.sink)
			break
		}
		select {
		case p.work <- t:
		case <-ctx.Done():
			t.r.Release()
			p.putBuf(buf)
			obj.wg.Done()
		}
	}
	obj.wg.Wait()
	res.Stats = obj.stats
	switch {
	case obj.sinkErr != nil:
		res.Err = obj.sinkErr
		return res, obj.sinkErr
	case obj.stopped || ctx.Err() != nil:
		res.Err = context.Cause(ctx)
	case obj.readErr != nil:
		res.Err = o.readError(src.Name, obj.readErr)
	}
	return res, nil
}

// fillBlock reads from r into b, up to its capacity, and returns b, the
// length of its text up to its last '\n' (cut), and the error that ended
// the input (io.EOF at a clean end), if it did. When b fills up without a
// '\n', it grows, up to more than maxLine+1 bytes; past that cut is -1.
func fillBlock(r io.Reader, b []byte, maxLine int) (_ []byte, cut int, err error) {
	from := 0 // b[:from] holds no '\n'
	for {
		for empty := 0; len(b) < cap(b); {
			n, err := r.Read(b[len(b):cap(b)])
			b = b[:len(b)+n]
			if err != nil {
				return b, len(b), err
			}
			if n == 0 {
				if empty++; empty == 100 {
					return b, len(b), io.ErrNoProgress
				}
			}
		}
		if i := bytes.LastIndexByte(b[from:], '\n'); i >= 0 {
			return b, from + i + 1, nil
		}
		if len(b) > maxLine+1 {
			return b, -1, nil
		}
		from = len(b)
		b = append(b, make([]byte, len(b))...)[:len(b)]
	}
}
