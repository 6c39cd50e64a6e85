package input

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/lbtriage/lbtriage/parser"
)

// HeadBytes is how many decompressed bytes Scan shows the decoders' Sniff.
const HeadBytes = 4 << 10

// headReaderSize is the buffer Scan peeks through; it is larger than
// HeadBytes so that the decoders' reads after the peek stay large.
const headReaderSize = 64 << 10

// firstLineBytes caps the first line quoted in an unknown-format error.
const firstLineBytes = 100

var headReaderPool sync.Pool // *bufio.Reader

// ErrUnknownFormat is wrapped by the ObjectResult.Err of an object whose
// content no decoder recognises.
var ErrUnknownFormat = errors.New("unknown log format")

// Scan reads objects concurrently and hands their record batches to sinks.
//
// At most opts.Workers objects are read at once, each worker with its own
// Sink from newSink; Scan returns those sinks (one per worker, at least one,
// and with opts.Split one more per worker parsing blocks) for the caller to
// merge. With opts.Split, an object started when fewer objects are left
// than workers, whose decoder is a parser.Splitter, is decompressed by its
// worker and cut into blocks of whole lines, which opts.Workers more
// goroutines parse at once (see readBlocks), so that the last objects, or
// a single one, use every core: the object's rows, rejected lines (with
// their line numbers), Stats and errors are those of the object read
// whole, its batches spread over their sinks. For each object Scan opens it, undoes gzip
// (Decompress), picks a decoder and passes every batch to the worker's sink.
// The decoder is opts.Format when set; otherwise the one of opts.Decoders
// whose Sniff recognises the most lines of the first HeadBytes (see
// parser.Detect); otherwise the decoder of the format the object's name
// implies. An empty object yields zero lines and no error. An object named
// like a log Scan skips (see Classify), or whose content is the ELB test
// file (SkipTestFile, whatever its name) or a kind of log no decoder reads
// (Classic or Network Load Balancer access logs, ALB connection or
// health-check logs), is not read and has SkipReason set; so is an object
// whose decoder recognises it as a log it does not read (NewReader returns
// a *parser.UnsupportedError, such as CloudFront's for RTMP logs).
//
// A line the chosen decoder rejects that is of another known format
// reaches opts.OnReject with a reason naming that format ("Classic Load
// Balancer access log line in an ALB access log").
//
// Results come back in the order of objects whatever the number of workers.
// A failure of one object (it cannot be opened, its content is of no known
// format, or its gzip data is damaged part way) is recorded in that object's
// ObjectResult.Err, which names the object, and the other objects are still
// read; rows read before a fault were delivered. Scan returns a non-nil
// error only when ctx is cancelled, when a Sink fails (the Sink's error is
// returned as is), or when opts.Format names no decoder in opts.Decoders.
// Objects not read because of that error have Err set to it.
func Scan(ctx context.Context, objects []Object, opts ScanOptions, newSink func() Sink) ([]Sink, []ObjectResult, error) {
	forced, err := forcedDecoder(opts)
	if err != nil {
		return nil, nil, err
	}
	unread := unreadLogs(opts.Decoders)
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	readers := max(min(workers, len(objects)), 1)

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	results := make([]ObjectResult, len(objects))
	started := make([]bool, len(objects))
	sinks := make([]Sink, readers)
	for i := range sinks {
		sinks[i] = newSink()
	}
	var blocks *blockPool
	if opts.Split {
		blocks = newBlockPool(ctx, cancel, workers, newSink)
	}
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for w := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := &scanner{opts: &opts, forced: forced, unread: unread, sink: sinks[w], blocks: blocks}
			for {
				i := int(next.Add(1) - 1)
				if i >= len(objects) || ctx.Err() != nil {
					return
				}
				started[i] = true
				// Blocks cost a little more work than a whole object: cut
				// only the objects that leave workers idle, those started
				// when fewer are left than workers.
				s.split = blocks != nil && (opts.SplitAll || len(objects)-i < workers)
				res, sinkErr := s.read(ctx, objects[i])
				results[i] = res
				if sinkErr != nil {
					cancel(sinkErr)
					return
				}
				if opts.OnObject != nil {
					opts.OnObject(res)
				}
			}
		}()
	}
	wg.Wait()
	if blocks != nil {
		sinks = append(sinks, blocks.close()...)
	}

	if ctx.Err() == nil {
		return sinks, results, nil
	}
	cause := context.Cause(ctx)
	for i := range results {
		if !started[i] {
			results[i] = ObjectResult{Source: objects[i].Source, Err: cause}
		}
	}
	return sinks, results, cause
}

// TotalStats adds up the Stats and StoredBytes of results, and counts the
// objects read (not skipped) and those that failed.
func TotalStats(results []ObjectResult) (total parser.Stats, stored int64, read, failed int) {
	for _, r := range results {
		if r.SkipReason != "" {
			continue
		}
		read++
		if r.Err != nil {
			failed++
		}
		stored += r.StoredBytes
		total.Add(r.Stats)
	}
	return total, stored, read, failed
}

func forcedDecoder(opts ScanOptions) (parser.Decoder, error) {
	if opts.Format == parser.FormatUnknown {
		return nil, nil
	}
	if d := decoderFor(opts.Decoders, opts.Format); d != nil {
		return d, nil
	}
	return nil, fmt.Errorf("scan objects: no decoder for format %q", opts.Format)
}

func decoderFor(decoders []parser.Decoder, f parser.Format) parser.Decoder {
	if f == parser.FormatUnknown {
		return nil
	}
	for _, d := range decoders {
		if d.Format() == f {
			return d
		}
	}
	return nil
}

// scanner is one worker's state.
type scanner struct {
	opts   *ScanOptions
	forced parser.Decoder
	// unread are the kinds of log recognised that no decoder reads.
	unread []otherLog
	sink   Sink
	// blocks parses the blocks of split objects; nil without
	// ScanOptions.Split. split says whether to cut the object being read.
	blocks *blockPool
	split  bool
}

// read reads one object. It returns the sink's error separately: that one
// stops the whole scan.
func (s *scanner) read(ctx context.Context, obj Object) (res ObjectResult, sinkErr error) {
	src := obj.Source
	if src == (parser.Source{Name: src.Name}) {
		src = ParseName(src.Name, s.opts.Decoders)
	}
	res.Source = src
	if reason := Classify(src.Name, s.opts.Decoders); reason != "" {
		res.SkipReason = reason
		return res, nil
	}
	o, err := s.open(ctx, obj)
	defer func() {
		if o != nil {
			res.StoredBytes += o.close()
		}
	}()
	if err != nil {
		res.Err = objectError(src.Name, err)
		return res, nil
	}

	head, peekErr := o.hr.Peek(HeadBytes)
	if errors.Is(peekErr, io.EOF) && isTestFile(head) {
		res.SkipReason = SkipTestFile
		return res, nil
	}
	if errors.Is(peekErr, io.EOF) || errors.Is(peekErr, bufio.ErrBufferFull) {
		peekErr = nil
	}
	if fd := s.opts.Files; fd != nil && bytes.HasPrefix(head, fd.Magic()) {
		return s.readFile(ctx, fd, o, obj.Size, res)
	}
	dec := s.pick(head, src.Format)
	switch {
	case dec == nil && peekErr != nil:
		res.Err = objectError(src.Name, peekErr)
		return res, nil
	case dec == nil && len(head) == 0:
		return res, nil // an empty object of no known format: zero lines
	case dec == nil:
		kind := otherLogKind(head, s.unread)
		if kind == "" {
			res.Err = unknownFormat(src.Name, s.opts.Decoders, head)
			return res, nil
		}
		if dec, err = s.laterDecoder(ctx, o.hr); err != nil {
			res.Err = err
			return res, nil
		}
		if dec == nil {
			res.SkipReason = unreadReason(kind)
			return res, nil
		}
		// Lines of a format read come after the head: read the object
		// again with their decoder, which rejects the others, named.
		res.StoredBytes += o.close()
		if o, err = s.open(ctx, obj); err != nil {
			res.Err = objectError(src.Name, err)
			return res, nil
		}
	}
	res.Format = dec.Format()

	popts := s.parserOptions(src, res.Format)
	if s.opts.OnReject != nil {
		popts.OnReject = s.nameForeign(dec, s.opts.OnReject)
	}
	if sp, ok := dec.(parser.Splitter); ok && s.split {
		return s.readBlocks(ctx, sp, o, popts, res)
	}
	r, err := dec.NewReader(o.hr, popts)
	var unsupported *parser.UnsupportedError
	if errors.As(err, &unsupported) {
		res.Format, res.SkipReason = parser.FormatUnknown, unsupported.Error()
		return res, nil
	}
	if err != nil {
		res.Err = fmt.Errorf("cannot read %q: %w", src.Name, err)
		return res, nil
	}
	defer r.Release()
	if done, sinkErr := s.drain(ctx, r, src, &res); done {
		return res, sinkErr
	}
	if err := r.Err(); err != nil {
		res.Err = o.readError(src.Name, err)
	}
	return res, nil
}

// parserOptions are the options of a reader of the object src, whose rows
// are of format f: ScanOptions.Parser with src and f's projection.
func (s *scanner) parserOptions(src parser.Source, f parser.Format) parser.Options {
	popts := s.opts.Parser
	popts.Source = src
	if cols, ok := s.opts.Columns[f]; ok {
		popts.Columns = cols
	}
	return popts
}

// readError is the error of an object whose reader failed with err.
func (o *opened) readError(name string, err error) error {
	// Report the stream's own error when it is the cause: decoders may
	// wrap it with the object's name, which objectError adds anyway.
	if d, ok := o.dr.(*decompressReader); ok && d.err != nil && !errors.Is(d.err, io.EOF) {
		err = d.err
	}
	return objectError(name, err)
}

// drain hands every batch of r to the sink and sets res.Stats. It reports
// done when the object ended early: the sink failed (its error returned)
// or ctx was cancelled.
func (s *scanner) drain(ctx context.Context, r parser.Reader, src parser.Source, res *ObjectResult) (done bool, sinkErr error) {
	defer func() { res.Stats = r.Stats() }()
	for r.Next() {
		if err := s.sink.Consume(src, res.Format, r.RecordBatch()); err != nil {
			res.Err = err
			return true, err
		}
		if err := ctx.Err(); err != nil {
			res.Err = context.Cause(ctx)
			return true, nil
		}
	}
	return false, nil
}

// readFile reads an object of a FileDecoder: through the object itself
// when it reads at offsets and its size is known (a local file: only what
// the decoder asks for is read), else from its bytes read whole (S3
// objects, standard input).
func (s *scanner) readFile(ctx context.Context, fd parser.FileDecoder, o *opened, size int64, res ObjectResult) (ObjectResult, error) {
	src := res.Source
	var f parser.File
	var err error
	if ra, ok := o.rc.(io.ReaderAt); ok && size > 0 {
		f, err = fd.OpenFile(&countingReaderAt{r: ra, onBytes: s.opts.OnBytes}, size, src)
	} else {
		var b []byte
		if b, err = io.ReadAll(o.hr); err == nil {
			f, err = fd.OpenFile(bytes.NewReader(b), int64(len(b)), src)
		}
	}
	if err != nil {
		res.Err = objectError(src.Name, err)
		return res, nil
	}
	res.Format, src = f.Format(), f.Source()
	res.Source = src
	r, err := f.NewReader(s.parserOptions(src, res.Format))
	if err != nil {
		res.Err = objectError(src.Name, err)
		return res, nil
	}
	defer r.Release()
	if done, sinkErr := s.drain(ctx, r, src, &res); done {
		return res, sinkErr
	}
	if err := r.Err(); err != nil {
		res.Err = objectError(src.Name, err)
	}
	return res, nil
}

// countingReaderAt reports the bytes read through it to onBytes.
type countingReaderAt struct {
	r       io.ReaderAt
	onBytes func(int64)
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	if n > 0 && c.onBytes != nil {
		c.onBytes(int64(n))
	}
	return n, err
}

// opened is an object being read: its stored bytes counted, gzip undone,
// and a buffer to peek at its head through.
type opened struct {
	rc io.ReadCloser
	cr countingReader
	dr io.ReadCloser
	hr *bufio.Reader
}

// open opens obj for reading. On an error after the object was opened, it
// returns the opened object too, for the caller to close.
func (s *scanner) open(ctx context.Context, obj Object) (*opened, error) {
	rc, err := obj.Open(ctx)
	if err != nil {
		return nil, err
	}
	o := &opened{rc: rc, cr: countingReader{r: rc, onBytes: s.opts.OnBytes}}
	if o.dr, err = Decompress(&o.cr); err != nil {
		return o, err
	}
	o.hr = getHeadReader(o.dr)
	return o, nil
}

// close closes o and returns the number of stored bytes read from it.
func (o *opened) close() int64 {
	if o.hr != nil {
		putHeadReader(o.hr)
	}
	if o.dr != nil {
		o.dr.Close()
	}
	o.rc.Close()
	return o.cr.n
}

// laterDecoder reads the rest of an object whose head holds lines of a kind
// no decoder reads and none a decoder reads, and returns the decoder that
// recognises the most of its lines, or nil when none recognises any: a
// Classic Load Balancer log with ALB lines past its head is then read
// rather than set aside with them. A read error ends the count (the
// decoder meets it again); the error returned is ctx's cause only.
func (s *scanner) laterDecoder(ctx context.Context, r io.Reader) (parser.Decoder, error) {
	lr := parser.NewLineReader(r, s.opts.Parser.MaxLineBytes)
	counts := make([]int, len(s.opts.Decoders))
	for n := 0; lr.Next(); n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		for i, d := range s.opts.Decoders {
			counts[i] += d.Sniff(lr.Line())
		}
	}
	var best parser.Decoder
	bestN := 0
	for i, n := range counts {
		if n > bestN {
			best, bestN = s.opts.Decoders[i], n
		}
	}
	return best, nil
}

// pick chooses the decoder for an object whose content starts with head.
func (s *scanner) pick(head []byte, byName parser.Format) parser.Decoder {
	if s.forced != nil {
		return s.forced
	}
	if len(head) > 0 {
		if d := parser.Detect(head, s.opts.Decoders...); d != nil {
			return d
		}
	}
	// The name is evidence too: a damaged first line of an ALB object should
	// cost that line, not the object.
	return decoderFor(s.opts.Decoders, byName)
}

// nameForeign wraps onReject, for an object read by dec, so that no line
// of a known format is rejected unnamed: a line dec does not recognise (its
// Sniff counts nothing) that another decoder recognises, or that is a line
// of a kind of log no decoder reads, gets a reason naming its format,
// "Classic Load Balancer access log line in an ALB access log". Other
// rejects keep dec's reason.
func (s *scanner) nameForeign(dec parser.Decoder, onReject func(*parser.LineError)) func(*parser.LineError) {
	return func(e *parser.LineError) {
		if kind := s.foreignKind(dec, []byte(e.Snippet)); kind != "" {
			named := *e
			named.Reason = kind + " line in " + article(dec.Title()) + " " + dec.Title()
			e = &named
		}
		onReject(e)
	}
}

// foreignKind returns the title of the format line is of when dec does not
// recognise it and another decoder or kind of log does, else "".
func (s *scanner) foreignKind(dec parser.Decoder, line []byte) string {
	if dec.Sniff(line) > 0 {
		return ""
	}
	for _, d := range s.opts.Decoders {
		if d.Format() != dec.Format() && d.Sniff(line) > 0 {
			return d.Title()
		}
	}
	kind := otherLogKind(line, s.unread)
	if kind == dec.Title() {
		return ""
	}
	return kind
}

// objectError makes err one sentence naming the object.
func objectError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	if strings.Contains(err.Error(), name) {
		// Already one sentence naming the object (the S3 reader's errors).
		return err
	}
	return fmt.Errorf("cannot read %q: %w", name, err)
}

// formatError says an object's content is of no known format; it matches
// ErrUnknownFormat with errors.Is.
type formatError struct{ msg string }

func (e *formatError) Error() string        { return e.msg }
func (e *formatError) Is(target error) bool { return target == ErrUnknownFormat }

// unknownFormat describes content no decoder accepts, quoting its first line.
func unknownFormat(name string, decoders []parser.Decoder, head []byte) error {
	what := oneOf(decoders)
	if kind := binaryKind(head); kind != "" {
		return &formatError{fmt.Sprintf("%q is not %s (%s)", name, what, kind)}
	}
	line := head
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > firstLineBytes {
		line = line[:firstLineBytes]
	}
	return &formatError{fmt.Sprintf("%q is not %s (first line: %q)", name, what, line)}
}

// oneOf names the formats of decoders as in "x is not …": "an ALB or
// CloudFront access log", or "an ALB access log or a CloudFront JSON log"
// when the titles do not share their last words; more than two as a list
// that reads at a glance: "a log lbtriage reads (ALB access, NLB access or
// ALB connection logs)".
func oneOf(decoders []parser.Decoder) string {
	if len(decoders) == 0 {
		return "a log of a known format"
	}
	titles := make([]string, len(decoders))
	for i, d := range decoders {
		titles[i] = d.Title()
	}
	if len(titles) > 2 {
		kinds := make([]string, len(titles))
		for i, t := range titles {
			kinds[i] = strings.TrimSuffix(t, " log")
		}
		last := len(kinds) - 1
		return "a log lbtriage reads (" + strings.Join(kinds[:last], ", ") + " or " + kinds[last] + " logs)"
	}
	const shared = " access log"
	short := make([]string, len(titles))
	for i, t := range titles {
		s, ok := strings.CutSuffix(t, shared)
		if !ok {
			for i, t := range titles {
				titles[i] = article(t) + " " + t
			}
			return strings.Join(titles, " or ")
		}
		short[i] = s
	}
	return article(short[0]) + " " + strings.Join(short, " or ") + shared
}

// article returns the indefinite article of a title, by the sound of its
// first word: an initialism is read letter by letter ("an NLB access log",
// "a CLB access log"), other words by their first letter ("a CloudFront
// access log", "an ALB access log").
func article(title string) string {
	first, _, _ := strings.Cut(title, " ")
	if first == "" {
		return "a"
	}
	vowels := "AEIOUaeiou"
	if initialism(first) {
		vowels = "AEFHILMNORSX" // letters whose names start with a vowel
	}
	if strings.ContainsRune(vowels, rune(first[0])) {
		return "an"
	}
	return "a"
}

// initialism reports whether word is written in capitals and digits only,
// two or more of them ("NLB", "S3").
func initialism(word string) bool {
	for _, c := range word {
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return len(word) > 1
}

// binaryKind names the common binary formats a log object is mistaken for.
func binaryKind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x28\xb5\x2f\xfd")):
		return "zstd data; only gzip is decompressed"
	case bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		return "bzip2 data; only gzip is decompressed"
	case bytes.HasPrefix(head, []byte("\xfd7zXZ\x00")):
		return "xz data; only gzip is decompressed"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return "a zip archive; unzip it first"
	case bytes.HasPrefix(head, []byte("PAR1")):
		return "a Parquet file; only text logs are read"
	}
	return ""
}

func getHeadReader(r io.Reader) *bufio.Reader {
	br, _ := headReaderPool.Get().(*bufio.Reader)
	if br == nil {
		return bufio.NewReaderSize(r, headReaderSize)
	}
	br.Reset(r)
	return br
}

func putHeadReader(br *bufio.Reader) {
	br.Reset(nil)
	headReaderPool.Put(br)
}

// countingReader counts the stored bytes read and reports them to onBytes.
type countingReader struct {
	r       io.Reader
	n       int64
	onBytes func(int64)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.n += int64(n)
		if c.onBytes != nil {
			c.onBytes(int64(n))
		}
	}
	return n, err
}
