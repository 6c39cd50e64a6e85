package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// rangedTail is what the first GetObject of a Parquet object asks for: its
// last bytes, which hold the footer the Parquet reader reads first (and a
// small lake file whole). rangedHead is what the next asks for when the
// object is larger: the head the scanner peeks at (input.HeadBytes).
// An object of at most rangedWhole bytes is read whole in one GetObject:
// a request costs more time than a megabyte takes to come.
const (
	rangedTail  = 16 << 10
	rangedHead  = 4 << 10
	rangedWhole = 1 << 20
)

// isParquet reports whether key names a Parquet file (lbtriage's lake),
// which is read by byte ranges rather than streamed.
func isParquet(key string) bool { return strings.HasSuffix(key, ".parquet") }

// rangedReader reads a Parquet object by byte ranges (io.ReaderAt): a
// Parquet reader reads the footer at the end, then only the column chunks
// it needs, so a run reads a fraction of the object rather than all of it.
// Each range is one GetObject with If-Match on the ETag of the first, so
// that a replaced object is told rather than mixed; a range cut short is
// asked for again from its first byte not yet received, within
// Options.MaxAttempts without progress. The object's tail and head are
// kept: Read reads the head, then on in ranges as large as asked.
type rangedReader struct {
	ctx         context.Context
	c           *Client
	bucket, key string
	etag        string
	size        int64 // -1 until known
	cached      [][]byte
	cachedAt    []int64 // the offset of each cached range
	off         int64   // Read's position
	closed      bool
}

// openRanged fetches the tail of s3://bucket/key, of size bytes (-1 when
// not known), or all of it when small, so that a missing or forbidden
// object is told by Open.
func (c *Client) openRanged(ctx context.Context, bucket, key string, size int64) (io.ReadCloser, error) {
	r := &rangedReader{ctx: ctx, c: c, bucket: bucket, key: key, size: -1}
	tail := make([]byte, rangedTail)
	if size >= 0 && size <= rangedWhole {
		tail = make([]byte, max(size, 1))
	}
	n, start, err := r.getTail(tail)
	if err != nil {
		return nil, err
	}
	r.keep(tail[:n], start)
	return r, nil
}

// getTail reads the last len(p) bytes of the object (all of it when
// smaller) into p, and returns their count and offset.
func (r *rangedReader) getTail(p []byte) (n int, start int64, err error) {
	for failures := 1; ; failures++ {
		n, start, err = r.get(p, "bytes=-"+strconv.Itoa(len(p)), -1)
		var final *Error
		if err == nil || errors.Is(err, io.EOF) || errors.As(err, &final) || r.ctx.Err() != nil {
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return n, start, err
		}
		if failures >= r.c.opts.MaxAttempts {
			return 0, 0, newError(ErrRead, objectURL(r.bucket, r.key), err,
				"reading the end of %s failed after %d attempts: %v", objectURL(r.bucket, r.key), failures, err)
		}
		if err := sleep(r.ctx, r.c.backoff().delay(failures)); err != nil {
			return 0, 0, err
		}
	}
}

// keep caches b, the bytes at off.
func (r *rangedReader) keep(b []byte, off int64) {
	r.cached, r.cachedAt = append(r.cached, b), append(r.cachedAt, off)
}

// fromCache copies the bytes at off into p when a cached range holds them
// all (or all up to the object's end).
func (r *rangedReader) fromCache(p []byte, off int64) (int, bool) {
	for i, b := range r.cached {
		at := r.cachedAt[i]
		end := at + int64(len(b))
		if off >= at && (off+int64(len(p)) <= end || end == r.size && off <= end) {
			return copy(p, b[off-at:]), true
		}
	}
	return 0, false
}

// fetch fills p from the object's bytes at off with ranged GetObjects and
// returns io.EOF when the object ends before p is full.
func (r *rangedReader) fetch(p []byte, off int64) (int, error) {
	done, failures := 0, 0
	for done < len(p) {
		if r.size >= 0 && off+int64(done) >= r.size {
			return done, io.EOF
		}
		at := off + int64(done)
		n, _, err := r.get(p[done:], "bytes="+strconv.FormatInt(at, 10)+"-"+strconv.FormatInt(off+int64(len(p))-1, 10), at)
		done += n
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF):
			return done, io.EOF
		case r.ctx.Err() != nil:
			return done, context.Cause(r.ctx)
		}
		var final *Error
		if errors.As(err, &final) {
			return done, err
		}
		if n > 0 {
			failures = 0
		}
		if failures++; failures >= r.c.opts.MaxAttempts {
			return done, newError(ErrRead, objectURL(r.bucket, r.key), err,
				"reading %s failed at byte %d after %d attempts: %v", objectURL(r.bucket, r.key), off+int64(done), failures, err)
		}
		if err := sleep(r.ctx, r.c.backoff().delay(failures)); err != nil {
			return done, err
		}
	}
	return done, nil
}

// get issues one GetObject for the range spec ("bytes=A-B" or "bytes=-N")
// and reads its body into p; off is A, or -1 for a suffix. It returns the
// bytes read and the offset of the first. An error of the request itself is
// final (*Error: the SDK retried it); one of the body is not.
func (r *rangedReader) get(p []byte, spec string, off int64) (n int, start int64, err error) {
	in := &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(r.key), Range: aws.String(spec)}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	err = r.c.withDeadline(r.ctx, func(ctx context.Context) error {
		out, err := r.c.getObject(ctx, in)
		if err != nil {
			if isRangeNotSatisfiable(err) && off <= 0 {
				r.size = 0 // an empty object
				return io.EOF
			}
			return r.c.explain(err, r.bucket, r.key)
		}
		defer out.Body.Close()
		if r.etag == "" && out.ETag != nil {
			r.etag = *out.ETag
		}
		body := io.Reader(out.Body)
		var total int64
		var ok bool
		start, total, ok = parseContentRange(aws.ToString(out.ContentRange))
		switch {
		case ok && (off < 0 || start == off):
			r.size = total
		case out.ContentRange == nil && out.ContentLength != nil:
			// The server ignored Range and sent the whole object.
			r.size, start = *out.ContentLength, max(off, 0)
			if off < 0 {
				start = max(r.size-int64(len(p)), 0)
			}
			if _, err := io.CopyN(io.Discard, body, start); err != nil {
				return err
			}
		default:
			return newError(ErrRead, objectURL(r.bucket, r.key), nil,
				"reading %s: asked for %s, S3 sent %q", objectURL(r.bucket, r.key), spec, aws.ToString(out.ContentRange))
		}
		want := int(min(int64(len(p)), max(r.size-start, 0)))
		n, err = io.ReadFull(body, p[:want])
		if err == nil && want < len(p) {
			return io.EOF
		}
		return err
	})
	if errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("the connection closed early")
	}
	return n, start, err
}

// isRangeNotSatisfiable reports an answer 416, which S3 gives for any range
// of an empty object.
func isRangeNotSatisfiable(err error) bool {
	var re interface{ HTTPStatusCode() int }
	return errors.As(err, &re) && re.HTTPStatusCode() == 416
}

// ReadAt implements io.ReaderAt.
func (r *rangedReader) ReadAt(p []byte, off int64) (int, error) {
	if r.closed {
		return 0, errors.New("read of closed object")
	}
	if off < 0 {
		return 0, fmt.Errorf("reading %s: negative offset %d", objectURL(r.bucket, r.key), off)
	}
	if r.size >= 0 && off >= r.size {
		return 0, io.EOF
	}
	if n, ok := r.fromCache(p, off); ok {
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	return r.fetch(p, off)
}

// Read implements io.Reader: the head (kept), then ranges as large as
// asked.
func (r *rangedReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, ok := r.fromCache(p, r.off)
	if !ok && r.off == 0 {
		head := make([]byte, min(rangedHead, len(p)))
		var err error
		if n, err = r.fetch(head, 0); err != nil && !errors.Is(err, io.EOF) {
			return 0, err
		}
		r.keep(head[:n], 0)
		n = copy(p, head[:n])
	} else if !ok {
		var err error
		if n, err = r.fetch(p, r.off); err != nil && (n == 0 || !errors.Is(err, io.EOF)) {
			r.off += int64(n)
			return n, err
		}
	}
	r.off += int64(n)
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// Close implements io.Closer.
func (r *rangedReader) Close() error {
	r.closed = true
	r.cached, r.cachedAt = nil, nil
	return nil
}
