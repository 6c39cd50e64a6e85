package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

const parseSynopsis = "[flags] INPUT..."

// runParse implements "lbtriage parse": it reads the inputs through the
// decoders and prints what came of every line, so a user can check the
// parser on their own logs before trusting a verdict.
func runParse(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("parse")
	dump := fs.String("dump", "", "also write the parsed rows to stdout: jsonl")
	format := fs.String("format", "", formatFlagHelp())
	workers := fs.Int("workers", 0, "objects read at once (default: number of CPUs; 1 with --dump)")
	batch := registerBatchSizeFlag(fs)
	maxRejects := fs.Int("rejects", 10, "rejected lines to show")
	var s3f s3Flags
	s3f.register(fs)
	if code, ok := m.parseFlags(fs, args, parseSynopsis); !ok {
		return code
	}
	if *dump != "" && *dump != "jsonl" {
		return m.usageErr("parse", "--dump takes jsonl, not %q", *dump)
	}
	if err := checkBatchSize(*batch); err != nil {
		return m.usageErr("parse", "%v", err)
	}
	f, err := parseFormatFlag(*format)
	if err != nil {
		return m.usageErr("parse", "%v", err)
	}
	if fs.NArg() == 0 {
		return m.usageErr("parse", noInput)
	}
	objects, skipped, listed, err := m.expandInputs(ctx, fs.Args(), &s3f, time.Time{}, time.Time{}, *workers)
	if err != nil {
		return m.usageErr("parse", "%v", orInterrupted(ctx, err))
	}

	var (
		mu      sync.Mutex
		rejects []*parser.LineError
	)
	opts := input.ScanOptions{
		Workers:  *workers,
		Decoders: decoders(),
		Format:   f,
		Parser:   parser.Options{BatchSize: *batch},
		OnReject: func(e *parser.LineError) {
			mu.Lock()
			if len(rejects) < *maxRejects {
				rejects = append(rejects, e)
			}
			mu.Unlock()
		},
	}
	newSink := func() input.Sink { return discardSink{} }
	if *dump == "jsonl" {
		// One worker keeps the rows in input order.
		opts.Workers = 1
		bw := bufio.NewWriterSize(m.Stdout, 256<<10)
		defer bw.Flush()
		js := &jsonlSink{w: bw}
		newSink = func() input.Sink { return js }
	}
	_, results, err := input.Scan(ctx, objects, opts, newSink)
	if err != nil {
		fmt.Fprintf(m.Stderr, "lbtriage parse: %s\n", sanitizeArg(orInterrupted(ctx, err).Error()))
		return exitUsage
	}
	summaryOut := m.Stdout
	if *dump != "" {
		summaryOut = m.Stderr
	}
	sum := summarize(results, skipped)
	sum.listed = listed
	sum.write(summaryOut, rejects)
	if err := sum.nothingRead(); err != nil {
		fmt.Fprintf(m.Stderr, "lbtriage parse: %s\n", sanitizeArg(err.Error()))
		return exitUsage
	}
	if sum.failed > 0 {
		return exitPartial
	}
	return exitOK
}

type discardSink struct{}

func (discardSink) Consume(parser.Source, parser.Format, arrow.RecordBatch) error { return nil }

type parseSummary struct {
	objects, failed int
	stored          int64
	stats           parser.Stats
	formats         map[parser.Format]int
	listed          s3ListStats
	skipped         []input.Skipped
	failures        []input.ObjectResult
}

func summarize(results []input.ObjectResult, skipped []input.Skipped) parseSummary {
	s := parseSummary{formats: map[parser.Format]int{}, skipped: skipped}
	for _, r := range results {
		if r.SkipReason != "" {
			s.skipped = append(s.skipped, input.Skipped{Source: r.Source.Name, Reason: r.SkipReason})
			continue
		}
		s.objects++
		s.stored += r.StoredBytes
		s.stats.Add(r.Stats)
		if r.Format != parser.FormatUnknown {
			s.formats[r.Format]++
		}
		if r.Err != nil {
			s.failed++
			s.failures = append(s.failures, r)
		}
	}
	return s
}

// nothingRead returns errNothingRead with its cause when the run read no
// object (every input was set aside) or every object it read failed
// without a parsed row; else nil.
func (s parseSummary) nothingRead() error {
	switch {
	case s.objects == 0:
		return fmt.Errorf("%w: every input was set aside", errNothingRead)
	case s.failed == s.objects && s.stats.Parsed == 0:
		return fmt.Errorf("%w: %v", errNothingRead, s.failures[0].Err)
	}
	return nil
}

func (s parseSummary) write(w io.Writer, rejects []*parser.LineError) {
	p := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-12s %s\n", label, sanitizeArg(fmt.Sprintf(format, args...)))
	}
	p("objects", "%s read, %s skipped, %s failed", numfmt.Int(int64(s.objects)), numfmt.Int(int64(len(s.skipped))), numfmt.Int(int64(s.failed)))
	if s.listed.Listed > 0 {
		p("s3", "%s objects listed, %s selected", numfmt.Int(int64(s.listed.Listed)), numfmt.Int(int64(s.listed.Selected)))
	}
	p("bytes", "%s stored, %s decompressed", numfmt.Bytes(s.stored), numfmt.Bytes(s.stats.Bytes))
	p("lines", "%s read: %s parsed, %s rejected, %s blank or header",
		numfmt.Int(s.stats.Lines), numfmt.Int(s.stats.Parsed), numfmt.Int(s.stats.Rejected), numfmt.Int(s.stats.Comments))
	if !s.stats.MinTime.IsZero() {
		p("time range", "%s to %s", s.stats.MinTime.UTC().Format(time.RFC3339Nano), s.stats.MaxTime.UTC().Format(time.RFC3339Nano))
	}
	var fl []string
	for f, n := range s.formats {
		unit := "objects"
		if n == 1 {
			unit = "object"
		}
		fl = append(fl, fmt.Sprintf("%s (%d %s)", f, n, unit))
	}
	sort.Strings(fl)
	if len(fl) > 0 {
		p("formats", "%s", strings.Join(fl, ", "))
	}
	for _, sk := range s.skipped {
		p("skipped", "%s: %s", sk.Source, sk.Reason)
	}
	for _, f := range s.failures {
		p("failed", "%s", f.Err)
	}
	if len(rejects) > 0 {
		fmt.Fprintf(w, "first rejected lines:\n")
		for _, e := range rejects {
			// %q escapes every control character in the snippet.
			fmt.Fprintf(w, "  %s:%d: %s: %q\n", sanitizeArg(e.Source), e.Line, sanitizeArg(e.Reason), e.Snippet)
		}
	}
}

// jsonlSink writes every row as one JSON object. Scan runs it on one worker.
type jsonlSink struct {
	w   *bufio.Writer
	buf []byte
}

func (s *jsonlSink) Consume(src parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	cols := rec.Columns()
	names := make([]string, len(cols))
	for i, f := range rec.Schema().Fields() {
		names[i] = f.Name
	}
	for row := 0; row < int(rec.NumRows()); row++ {
		b := append(s.buf[:0], `{"_source":`...)
		b = appendJSONString(b, src.Name)
		if src.NodeIP != "" {
			b = append(b, `,"_node_ip":`...)
			b = appendJSONString(b, src.NodeIP)
		}
		for i, col := range cols {
			b = append(b, ',')
			b = appendJSONString(b, names[i])
			b = append(b, ':')
			b = appendJSONValue(b, col, row)
		}
		b = append(b, '}', '\n')
		s.buf = b
		if _, err := s.w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

func appendJSONString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // never fails for a string
	return append(b, q...)
}

func appendJSONValue(b []byte, col arrow.Array, i int) []byte {
	if col.IsNull(i) {
		return append(b, "null"...)
	}
	switch a := col.(type) {
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return appendJSONString(b, a.Value(i).ToTime(unit).UTC().Format(time.RFC3339Nano))
	case *array.String:
		return appendJSONString(b, a.Value(i))
	default:
		v, err := json.Marshal(col.GetOneForMarshal(i))
		if err != nil {
			return appendJSONString(b, col.ValueStr(i))
		}
		return append(b, v...)
	}
}
