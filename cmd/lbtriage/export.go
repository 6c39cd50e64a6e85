package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/parser/input/s3"
	"github.com/lbtriage/lbtriage/parser/lake"
)

const exportSynopsis = "--out DIR|s3://bucket/prefix [flags] INPUT..."

// parquetContentType is the media type of the lake's files on S3.
const parquetContentType = "application/vnd.apache.parquet"

// runExport implements "lbtriage export": it reads the inputs as analyze
// does and writes their rows into a Parquet log lake (package lake) under
// --out, a directory or an S3 prefix, then prints the reconciled counts.
func runExport(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("export")
	out := fs.String("out", "", "the lake's root: a directory or s3://bucket/prefix (required)")
	since := fs.String("since", "", "read only the objects whose names show rows at or after this time (same forms as analyze); their rows are exported whole")
	until := fs.String("until", "", "read only the objects whose names show rows before this time")
	workers := fs.Int("workers", 0, "objects read at once (default: number of CPUs)")
	format := fs.String("format", "", formatFlagHelp())
	batch := registerBatchSizeFlag(fs)
	rowGroup := fs.Int("row-group-rows", lake.DefaultRowGroupRows, "rows per Parquet row group, at most; they are held in memory until written (about 680 bytes an ALB row)")
	maxRejects := fs.Int("rejects", 10, "rejected lines to show")
	progressMode := registerProgressFlag(fs)
	var s3f s3Flags
	s3f.register(fs)
	if code, ok := m.parseFlags(fs, args, exportSynopsis); !ok {
		return code
	}
	cfg, err := exportConfig(m, *out, *since, *until, *workers, *batch, *rowGroup, *format, *progressMode)
	if err != nil {
		return m.usageErr("export", "%v", err)
	}
	if fs.NArg() == 0 {
		return m.usageErr("export", noInput)
	}
	store, err := m.lakeStore(ctx, *out, &s3f)
	if err != nil {
		return m.usageErr("export", "%v", err)
	}
	objects, skipped, listed, err := m.expandInputs(ctx, fs.Args(), &s3f, cfg.since, cfg.until, cfg.workers)
	if err != nil {
		return m.usageErr("export", "%v", err)
	}
	if len(objects) == 0 {
		if len(skipped) > 0 {
			return m.usageErr("export", "no log to read: every input was set aside (%s: %s)", skipped[0].Source, skipped[0].Reason)
		}
		return m.usageErr("export", "no log to read in the inputs given")
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	exp := lake.NewExporter(ctx, store, lake.Options{RowGroupRows: cfg.rowGroupRows, Derivers: lakeDerivers})
	var (
		mu      sync.Mutex
		rejects []*parser.LineError
	)
	var stored int64
	for _, o := range objects {
		stored += max(o.Size, 0)
	}
	p := newProgress(m, cfg.progress, len(objects), stored)
	opts := input.ScanOptions{
		Workers:  cfg.workers,
		Decoders: decoders(),
		Format:   cfg.format,
		Parser:   parser.Options{BatchSize: cfg.batch},
		OnReject: func(e *parser.LineError) {
			mu.Lock()
			if len(rejects) < *maxRejects {
				rejects = append(rejects, e)
			}
			mu.Unlock()
		},
		OnBytes: p.AddBytes,
		// OnObject runs on the worker that read the object, after its
		// last batch: the object's files are written and committed there.
		OnObject: func(res input.ObjectResult) {
			if err := exp.EndObject(res.Source.Name); err != nil {
				cancel(err)
			}
			p.OnObject(res)
		},
	}
	_, results, err := input.Scan(ctx, objects, opts, func() input.Sink { return exp })
	p.Finish()
	if err != nil {
		exp.Abort()
		if errors.Is(err, context.Canceled) {
			err = errors.New("interrupted")
		}
		fmt.Fprintf(m.Stderr, "lbtriage export: %s; the files listed below were written whole, the rest not at all\n", sanitizeArg(err.Error()))
	}
	sum := summarize(results, skipped)
	sum.listed = listed
	written := exp.Written()
	// Nothing read: one sentence, as analyze says it.
	if err == nil && len(written) == 0 {
		if err := sum.nothingRead(); err != nil {
			return m.usageErr("export", "%v", err)
		}
		if sum.stats.Parsed == 0 && sum.stats.Rejected > 0 {
			return m.usageErr("export", "%v: all %s lines were rejected", errNothingRead, numfmt.Int(sum.stats.Rejected))
		}
	}
	sum.write(m.Stdout, rejects)
	writeExported(m.Stdout, store, written, sum.stats.Parsed)
	switch {
	case err != nil:
		return exitUsage
	case sum.failed > 0:
		fmt.Fprintf(m.Stderr, "lbtriage export: %d of %d inputs could not be read whole (what was read is exported): %s\n",
			sum.failed, sum.objects, sanitizeArg(sum.failures[0].Err.Error()))
		return exitPartial
	}
	return exitOK
}

// exportSettings are export's checked flags.
type exportSettings struct {
	since, until time.Time
	workers      int
	batch        int
	rowGroupRows int
	format       parser.Format
	progress     string
}

func exportConfig(m *Main, out, since, until string, workers, batch, rowGroup int, format, progress string) (exportSettings, error) {
	var c exportSettings
	var err error
	if out == "" {
		return c, errors.New("--out is required: the lake's root, a directory or s3://bucket/prefix")
	}
	if c.since, c.until, err = parseSpanFlags(since, until, m.now()); err != nil {
		return c, err
	}
	if workers < 0 {
		return c, errors.New("--workers must not be negative")
	}
	if err := checkBatchSize(batch); err != nil {
		return c, err
	}
	if rowGroup <= 0 {
		return c, errors.New("--row-group-rows must be positive")
	}
	if c.format, err = parseFormatFlag(format); err != nil {
		return c, err
	}
	if err := checkProgressMode(progress); err != nil {
		return c, err
	}
	c.workers, c.batch, c.rowGroupRows, c.progress = workers, batch, rowGroup, progress
	return c, nil
}

// lakeStore returns the store for --out: a directory, or an S3 prefix.
func (m *Main) lakeStore(ctx context.Context, out string, f *s3Flags) (lake.Store, error) {
	if !strings.HasPrefix(out, "s3://") {
		return lake.DirStore{Root: out}, nil
	}
	if _, _, err := s3.ParseURL(out); err != nil {
		return nil, err
	}
	c, err := m.s3Client(ctx, f, time.Time{}, time.Time{}, 0)
	if err != nil {
		return nil, err
	}
	return &s3Store{c: c, root: strings.TrimSuffix(out, "/")}, nil
}

// s3Store puts each file as one object under root: a PUT is visible whole
// or not at all, so no reader sees half a file. A file is held in memory
// until it is put; it holds one source object's rows of one day, which
// is a fraction of that object's size.
type s3Store struct {
	c    *s3.Client
	root string
}

func (s *s3Store) Create(ctx context.Context, path string) (lake.File, error) {
	return &s3File{ctx: ctx, s: s, url: s.root + "/" + path}, nil
}

func (s *s3Store) String() string { return s.root }

type s3File struct {
	ctx  context.Context
	s    *s3Store
	url  string
	buf  bytes.Buffer
	done bool
}

func (f *s3File) Write(p []byte) (int, error) { return f.buf.Write(p) }

func (f *s3File) Commit() error {
	if f.done {
		return fmt.Errorf("commit %s: already committed or aborted", f.url)
	}
	f.done = true
	err := f.s.c.Put(f.ctx, f.url, f.buf.Bytes(), parquetContentType)
	f.buf = bytes.Buffer{}
	return err
}

func (f *s3File) Abort() {
	f.done = true
	f.buf = bytes.Buffer{}
}

// writeExported prints what was written: rows, files and bytes per family
// and day, and checks that the rows written are the rows parsed.
func writeExported(w io.Writer, store lake.Store, written []lake.Written, parsed int64) {
	type part struct {
		files     int
		rows, siz int64
	}
	parts := map[string]*part{}
	var total part
	for _, wr := range written {
		key := lake.PartitionDir(wr.Format, wr.Day)
		p := parts[key]
		if p == nil {
			p = &part{}
			parts[key] = p
		}
		p.files++
		p.rows += wr.Rows
		p.siz += wr.Bytes
		total.files++
		total.rows += wr.Rows
		total.siz += wr.Bytes
	}
	line := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-12s %s\n", label, sanitizeArg(fmt.Sprintf(format, args...)))
	}
	line("exported", "%s rows into %s under %s (%s)", numfmt.Int(total.rows), numfmt.Count(int64(total.files), "file", "files"),
		store, numfmt.Bytes(total.siz))
	for _, k := range slices.Sorted(maps.Keys(parts)) {
		p := parts[k]
		line("", "%s/: %s rows, %s, %s", k, numfmt.Int(p.rows), numfmt.Count(int64(p.files), "file", "files"), numfmt.Bytes(p.siz))
	}
	if total.rows != parsed {
		line("", "%s parsed rows are not exported (see the errors above)", numfmt.Int(parsed-total.rows))
	}
}
