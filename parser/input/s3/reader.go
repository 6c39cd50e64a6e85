package s3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// maxResumes bounds the resumes of one object in all, even when each makes
// progress, so that a connection that breaks every few bytes cannot keep a
// reader busy for ever.
const maxResumes = 1000

// errStalled is the cause of a request cut by the watchdog.
var errStalled = errors.New("stalled")

// objectReader streams one object's body. When reading the body fails part
// way (the connection dropped, the body ended before Content-Length, no
// byte came for Options.Timeout), it issues a ranged GetObject from the
// first byte not yet delivered, with If-Match on the ETag of the first
// response, so that no byte is lost or delivered twice and a changed object
// is detected rather than spliced. Throttling and 5xx answers to each
// GetObject are retried by the SDK's retryer; failures without progress
// are bounded by Options.MaxAttempts.
type objectReader struct {
	ctx         context.Context
	c           *Client
	bucket, key string

	body io.ReadCloser
	off  int64 // bytes delivered to the caller
	size int64 // the object's size, -1 until known
	etag string

	failures int   // consecutive failed reads or opens without progress
	resumes  int   // resumes in all
	err      error // sticky

	// The watchdog cancels the request in flight when it goes idle.
	idle     time.Duration
	watchdog *time.Timer
	mu       sync.Mutex
	cancel   context.CancelFunc // of the request in flight
	stalled  bool               // the watchdog fired since the last arm
}

// open returns a reader over s3://bucket/key. The first GetObject is made
// here, so that a missing or forbidden object is told by Open.
func (c *Client) open(ctx context.Context, bucket, key string) (io.ReadCloser, error) {
	r := &objectReader{ctx: ctx, c: c, bucket: bucket, key: key, size: -1, idle: c.opts.Timeout}
	if err := r.reopen(); err != nil {
		r.stop()
		return nil, err
	}
	return r, nil
}

// reopen issues GetObject from r.off on until it has a body: a request the
// SDK gave up on is final, one that stalled is made again.
func (r *objectReader) reopen() error {
	for {
		err := r.get()
		if err == nil || !errors.Is(err, errStalled) || r.ctx.Err() != nil {
			return err
		}
		if err := r.fail(err); err != nil {
			return err
		}
	}
}

// fail counts a failure without progress and waits before the next
// attempt; it returns the final error when attempts are used up.
func (r *objectReader) fail(err error) error {
	r.failures++
	r.resumes++
	if r.failures >= r.c.opts.MaxAttempts || r.resumes > maxResumes {
		return r.readError(err)
	}
	return sleep(r.ctx, r.c.backoff().delay(r.failures))
}

// get issues one GetObject from r.off on.
func (r *objectReader) get() error {
	in := &s3.GetObjectInput{Bucket: aws.String(r.bucket), Key: aws.String(r.key)}
	if r.off > 0 {
		in.Range = aws.String("bytes=" + strconv.FormatInt(r.off, 10) + "-")
	}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	ctx, cancel := context.WithCancel(r.ctx)
	r.mu.Lock()
	r.cancel = cancel
	r.mu.Unlock()
	r.arm()
	out, err := r.c.getObject(ctx, in)
	stalled := r.disarm()
	if err != nil {
		cancel()
		if stalled && r.ctx.Err() == nil {
			return errStalled
		}
		return r.c.explain(err, r.bucket, r.key)
	}
	if r.etag == "" && out.ETag != nil {
		r.etag = *out.ETag
	}
	if r.size < 0 && r.off == 0 && out.ContentLength != nil {
		r.size = *out.ContentLength
	}
	if r.off > 0 {
		start, total, ok := parseContentRange(aws.ToString(out.ContentRange))
		switch {
		case ok && start == r.off:
			if r.size < 0 {
				r.size = total
			}
		case !ok && out.ContentRange == nil:
			// The server ignored Range and sent the whole object: skip
			// what was delivered already.
			if _, err := io.CopyN(io.Discard, out.Body, r.off); err != nil {
				out.Body.Close()
				cancel()
				return r.readError(err)
			}
		default:
			out.Body.Close()
			cancel()
			return newError(ErrRead, objectURL(r.bucket, r.key), nil,
				"reading %s: asked for bytes from %d on, S3 sent %q", objectURL(r.bucket, r.key), r.off, aws.ToString(out.ContentRange))
		}
	}
	r.body = out.Body
	return nil
}

// arm starts the watchdog for one request or read.
func (r *objectReader) arm() {
	r.mu.Lock()
	r.stalled = false
	r.mu.Unlock()
	if r.watchdog == nil {
		r.watchdog = time.AfterFunc(r.idle, r.fire)
	} else {
		r.watchdog.Reset(r.idle)
	}
}

// disarm stops the watchdog and reports whether it fired.
func (r *objectReader) disarm() bool {
	r.watchdog.Stop()
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stalled
}

func (r *objectReader) fire() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stalled = true
	if r.cancel != nil {
		r.cancel()
	}
}

// closeBody ends the request in flight.
func (r *objectReader) closeBody() {
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	r.mu.Lock()
	if r.cancel != nil {
		r.cancel()
		r.cancel = nil
	}
	r.mu.Unlock()
}

// stop releases the reader's request and watchdog.
func (r *objectReader) stop() {
	r.closeBody()
	if r.watchdog != nil {
		r.watchdog.Stop()
	}
}

// Read implements io.Reader.
func (r *objectReader) Read(p []byte) (int, error) {
	for {
		if r.err != nil {
			return 0, r.err
		}
		if r.body == nil {
			if err := r.reopen(); err != nil {
				r.err = err
				r.stop()
				return 0, err
			}
		}
		r.arm()
		n, err := r.body.Read(p)
		if r.disarm() && err != nil {
			err = errStalled
		}
		r.off += int64(n)
		if n > 0 {
			r.failures = 0
		}
		if err == nil {
			return n, nil
		}
		if err == io.EOF {
			if r.size < 0 || r.off >= r.size {
				r.err = io.EOF
				r.stop()
				return n, io.EOF
			}
			err = io.ErrUnexpectedEOF
		}
		r.closeBody()
		if cerr := r.ctx.Err(); cerr != nil {
			r.err = cerr
			r.stop()
			return n, cerr
		}
		if n > 0 {
			// Deliver what arrived; the next Read resumes. Failures count
			// from there.
			r.resumes++
			if r.resumes > maxResumes {
				r.err = r.readError(err)
				r.stop()
			}
			return n, nil
		}
		if ferr := r.fail(err); ferr != nil {
			r.err = ferr
			r.stop()
			return 0, ferr
		}
	}
}

// readError tells a body that kept failing.
func (r *objectReader) readError(err error) error {
	u := objectURL(r.bucket, r.key)
	of := ""
	if r.size >= 0 {
		of = fmt.Sprintf(" of %d", r.size)
	}
	why, cause := err.Error(), err
	if errors.Is(err, errStalled) {
		why, cause = fmt.Sprintf("no data from %s for %v", r.c.endpointFor(err), r.idle), nil
	} else if errors.Is(err, io.ErrUnexpectedEOF) {
		// Not wrapped: a reader above would take it for a truncated
		// object, which it is not.
		why, cause = "the connection closed early", nil
	} else if w := networkReason(err); w != "" {
		why = w
	}
	return newError(ErrRead, u, cause, "reading %s failed at byte %d%s after %d attempts: %s", u, r.off, of, r.failures, why)
}

// Close implements io.Closer.
func (r *objectReader) Close() error {
	r.stop()
	if r.err == nil {
		r.err = errors.New("read of closed object")
	}
	return nil
}

func (c *Client) backoff() jitterBackoff {
	return jitterBackoff{base: c.opts.backoffBase, max: defaultBackoffMax}
}

// parseContentRange parses "bytes START-END/TOTAL" (TOTAL may be "*", -1).
func parseContentRange(s string) (start, total int64, ok bool) {
	s, ok = strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, 0, false
	}
	rng, tot, ok := strings.Cut(s, "/")
	if !ok {
		return 0, 0, false
	}
	a, _, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	total = -1
	if tot != "*" {
		if total, err = strconv.ParseInt(tot, 10, 64); err != nil {
			return 0, 0, false
		}
	}
	return start, total, true
}
