package lake

import (
	"fmt"
	"sync"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// boundedZstd is the zstd codec of the Parquet library with a bounded
// decoder. The library's decoder believes the content size a zstd frame
// header claims and allocates it up front (up to 64 GiB): a damaged or
// crafted page whose frame claims gigabytes stalls the reader on that
// allocation. This one decodes a page into the buffer the page header sized
// (itself bounded by the reader's page size limit) and fails a frame that
// claims more. Writing is the library's.
type boundedZstd struct {
	compress.Codec
}

var (
	zstdOnce sync.Once
	zstdDec  *zstd.Decoder
)

// boundedDecoder is a decoder whose DecodeAll never outgrows the capacity
// of its destination.
func boundedDecoder() *zstd.Decoder {
	zstdOnce.Do(func() {
		var err error
		zstdDec, err = zstd.NewReader(nil, zstd.WithDecodeAllCapLimit(true), zstd.WithDecoderConcurrency(0))
		if err != nil {
			panic(err) // only for invalid options
		}
	})
	return zstdDec
}

func (c boundedZstd) Decode(dst, src []byte) []byte {
	out, err := c.DecodeWithError(dst, src)
	if err != nil {
		panic(err)
	}
	return out
}

// DecodeWithError decodes src into dst, which must have the capacity of
// the page's uncompressed size.
func (boundedZstd) DecodeWithError(dst, src []byte) ([]byte, error) {
	out, err := boundedDecoder().DecodeAll(src, dst[:0])
	if err != nil {
		return nil, fmt.Errorf("zstd page larger than the %d bytes its header gives, or damaged: %w", cap(dst), err)
	}
	return out, nil
}

func init() {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		panic(err)
	}
	compress.RegisterCodec(compress.Codecs.Zstd, boundedZstd{c})
}
