package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// Decompression errors. Read errors from Decompress wrap one of them when the
// gzip data itself is at fault, so callers can tell a damaged object from a
// failed transfer with errors.Is.
var (
	// ErrTruncated means the gzip stream ended inside a member.
	ErrTruncated = errors.New("gzip stream truncated (unexpected EOF)")
	// ErrCorrupt means the gzip stream holds invalid data or fails its
	// checksum.
	ErrCorrupt = errors.New("corrupt gzip data")
)

// storedBufferSize is the read buffer over the stored bytes. The flate
// decoder has a fast path for *bufio.Reader, so gzip reads through it too.
const storedBufferSize = 64 << 10

var (
	storedReaderPool sync.Pool // *bufio.Reader
	gzipReaderPool   sync.Pool // *gzip.Reader
)

// IsGzip reports whether head starts with the gzip magic bytes 1f 8b.
func IsGzip(head []byte) bool {
	return len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b
}

// Decompress returns a reader of the decompressed bytes of r. It tells gzip
// by its magic bytes, never by a name: gzip data is decompressed, with
// concatenated members read through as one stream, and anything else is
// passed through as is.
//
// Read errors caused by the gzip data wrap ErrTruncated or ErrCorrupt; other
// errors from r are returned as they are. Errors are sticky. Decompress itself
// fails only when the first bytes cannot be read or the first gzip header is
// damaged.
//
// Close returns the pooled buffers and decompressor; it does not close r, and
// the reader must not be used after it.
func Decompress(r io.Reader) (io.ReadCloser, error) {
	br := getStoredReader(r)
	d := &decompressReader{br: br}
	head, err := br.Peek(2)
	if err != nil && !errors.Is(err, io.EOF) {
		d.Close()
		return nil, err
	}
	if !IsGzip(head) {
		return d, nil
	}
	zr, _ := gzipReaderPool.Get().(*gzip.Reader)
	if zr == nil {
		zr = new(gzip.Reader)
	}
	d.zr = zr
	if err := d.resetGzip(); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

func getStoredReader(r io.Reader) *bufio.Reader {
	br, _ := storedReaderPool.Get().(*bufio.Reader)
	if br == nil {
		return bufio.NewReaderSize(r, storedBufferSize)
	}
	br.Reset(r)
	return br
}

type decompressReader struct {
	br  *bufio.Reader
	zr  *gzip.Reader // nil for plain text
	err error
}

func (d *decompressReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if d.br == nil {
		return 0, errors.New("read decompressed stream: reader closed")
	}
	var (
		n   int
		err error
	)
	if d.zr != nil {
		n, err = d.readGzip(p)
	} else {
		n, err = d.br.Read(p)
	}
	d.err = err
	return n, err
}

// readGzip reads decompressed bytes, going on from one gzip member to the
// next. Members are chained here rather than by the gzip package so that a
// stream cut inside a later member's header is reported, not taken for a
// clean end.
func (d *decompressReader) readGzip(p []byte) (int, error) {
	for {
		n, err := d.zr.Read(p)
		if err != io.EOF {
			if err != nil {
				err = gzipError(err)
			}
			return n, err
		}
		// End of a member: another one follows unless the stored bytes end.
		if _, err := d.br.Peek(1); err != nil {
			return n, err
		}
		if err := d.resetGzip(); err != nil {
			return n, err
		}
		if n > 0 {
			return n, nil
		}
	}
}

// resetGzip starts the gzip member at the stored reader's position, which
// holds at least one byte.
func (d *decompressReader) resetGzip() error {
	err := d.zr.Reset(d.br)
	d.zr.Multistream(false)
	if err == io.EOF {
		// Some bytes are there, so the header was cut short.
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return gzipError(err)
	}
	return nil
}

// Close puts the buffers back in their pools. It is safe to call twice.
func (d *decompressReader) Close() error {
	if d.zr != nil {
		gzipReaderPool.Put(d.zr)
		d.zr = nil
	}
	if d.br != nil {
		d.br.Reset(nil)
		storedReaderPool.Put(d.br)
		d.br = nil
	}
	return nil
}

// gzipError turns the errors of the gzip and flate decoders into ones a user
// can read; other errors (from the stored stream) are returned unchanged.
func gzipError(err error) error {
	var (
		ce flate.CorruptInputError
		ie flate.InternalError // raised by some invalid streams too
	)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return ErrTruncated
	case errors.Is(err, gzip.ErrChecksum):
		return fmt.Errorf("%w: checksum mismatch (data altered or cut short)", ErrCorrupt)
	case errors.Is(err, gzip.ErrHeader):
		return fmt.Errorf("%w: invalid gzip header", ErrCorrupt)
	case errors.As(err, &ce):
		return fmt.Errorf("%w: invalid deflate data at byte %d", ErrCorrupt, int64(ce))
	case errors.As(err, &ie):
		return fmt.Errorf("%w: invalid deflate data (%s)", ErrCorrupt, string(ie))
	}
	return err
}
