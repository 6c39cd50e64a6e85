package lake

import (
	"io"
	"slices"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/metadata"
)

// coalesceGap and coalesceMax bound the coalescing of column chunk reads:
// chunks at most coalesceGap bytes apart are read together, into reads of
// at most coalesceMax bytes. On S3 a request costs as much time as a few
// hundred kilobytes take to come.
const (
	coalesceGap = 256 << 10
	coalesceMax = 64 << 20
)

// coalescing is an io.ReaderAt over a lake file that reads the column
// chunks a reader is going to read (plan) in few large reads rather than
// one read each: the Parquet library reads each column chunk whole, in its
// own read, which on S3 is a GetObject each. Reads outside the plan pass
// through.
type coalescing struct {
	r     io.ReaderAt
	mu    sync.Mutex
	spans []span
}

// span is one coalesced read.
type span struct {
	off, end int64
	data     []byte // nil until read, and once its chunks are read
	left     int64  // bytes of its chunks not yet read
}

// plan sets the column chunks of the row groups and leaves a reader will
// read.
func (c *coalescing) plan(md *metadata.FileMetaData, groups, leaves []int) {
	var chunks []span
	for _, g := range groups {
		rg := md.RowGroup(g)
		for _, l := range leaves {
			cc, err := rg.ColumnChunk(l)
			if err != nil {
				continue
			}
			start, n := chunkRange(cc)
			chunks = append(chunks, span{off: start, end: start + n, left: n})
		}
	}
	slices.SortFunc(chunks, func(a, b span) int { return int(a.off - b.off) })
	c.mu.Lock()
	defer c.mu.Unlock()
	c.spans = c.spans[:0]
	for _, ch := range chunks {
		if k := len(c.spans) - 1; k >= 0 && ch.off >= c.spans[k].end && ch.off-c.spans[k].end <= coalesceGap && ch.end-c.spans[k].off <= coalesceMax {
			c.spans[k].end = ch.end
			c.spans[k].left += ch.left
			continue
		}
		c.spans = append(c.spans, ch)
	}
}

// chunkRange returns where a column chunk's pages start and their length,
// as the Parquet library reads them.
func chunkRange(cc *metadata.ColumnChunkMetaData) (start, n int64) {
	start = cc.DataPageOffset()
	if cc.HasDictionaryPage() && cc.DictionaryPageOffset() > 0 && cc.DictionaryPageOffset() < start {
		start = cc.DictionaryPageOffset()
	}
	return start, cc.TotalCompressedSize()
}

func (c *coalescing) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	end := off + int64(len(p))
	for i := range c.spans {
		s := &c.spans[i]
		if off < s.off || end > s.end || s.left <= 0 {
			continue
		}
		if s.data == nil {
			data := make([]byte, s.end-s.off)
			if n, err := c.r.ReadAt(data, s.off); n < len(data) {
				return 0, err
			}
			s.data = data
		}
		n := copy(p, s.data[off-s.off:])
		if s.left -= int64(n); s.left <= 0 {
			s.data = nil
		}
		return n, nil
	}
	return c.r.ReadAt(p, off)
}
