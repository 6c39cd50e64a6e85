package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/parser/lake"
	"github.com/lbtriage/lbtriage/report"
)

const analyzeSynopsis = "[flags] INPUT..."

// analysisConfig is one run of the input → scan → aggregate → report
// pipeline.
type analysisConfig struct {
	// Args are the command-line inputs (files, directories, globs, "-",
	// s3:// URLs). Ignored when Objects is set.
	Args []string
	S3   *s3Flags
	// Objects, when set, are read instead of Args (the demo's in-memory
	// objects), with Skipped as the inputs already set aside.
	Objects []input.Object
	Skipped []input.Skipped
	// Analysis holds the time window, bucket width and top-N.
	Analysis  analysis.Options
	Workers   int
	Format    parser.Format
	BatchSize int
	// Progress is the --progress mode ("" means auto).
	Progress string
	// noSplit reads every object whole, splitAll cuts every object into
	// blocks of blockBytes (input.ScanOptions). For tests.
	noSplit, splitAll bool
	blockBytes        int
}

// errNothingRead reports a run where no input could be read.
var errNothingRead = errors.New("nothing could be read")

// noInput is what a command that reads logs says when given none.
const noInput = "no input given (a file, directory, glob, - for stdin, or s3://bucket/prefix)"

// runAnalysis is runAnalyses for callers that want one report: the one of
// the dominant format (most requests, then most objects).
func (m *Main) runAnalysis(ctx context.Context, cfg analysisConfig) (*analysis.Report, int, error) {
	reps, code, err := m.runAnalyses(ctx, cfg)
	return analysis.Dominant(reps), code, err
}

// runAnalyses expands the inputs, scans them once with one router per
// worker (an aggregator per format) and builds one report per format
// present, ALB first. It returns the reports, the exit status they deserve
// (exitOK, or exitPartial when some input failed), and an error with
// exitUsage when there is nothing to report: bad inputs or nothing
// readable. The error is one sentence for the user.
func (m *Main) runAnalyses(ctx context.Context, cfg analysisConfig) ([]*analysis.Report, int, error) {
	if cfg.S3 != nil {
		// --lb selects the S3 objects to list, and the rows of every input.
		cfg.Analysis.LoadBalancer = cfg.S3.lb
	}
	objects, skipped := cfg.Objects, cfg.Skipped
	var listed s3ListStats
	if objects == nil {
		var err error
		objects, skipped, listed, err = m.expandInputs(ctx, cfg.Args, cfg.S3, cfg.Analysis.Since, cfg.Analysis.Until, cfg.Workers)
		if err != nil {
			return nil, exitUsage, orInterrupted(ctx, err)
		}
	}
	if len(objects) == 0 {
		if len(skipped) > 0 {
			return nil, exitUsage, fmt.Errorf("%w: %s", errNothingRead, input.SetAside(skipped, nil))
		}
		return nil, exitUsage, errors.New("no log to read in the inputs given")
	}

	batch := cfg.BatchSize
	if batch <= 0 {
		batch = parser.DefaultBatchSize
	}
	rejects := analysis.NewRejectSampler(analysis.DefaultMaxRejectedSamples)
	opts := input.ScanOptions{
		Workers:  cfg.Workers,
		Decoders: decoders(),
		Format:   cfg.Format,
		Parser:   parser.Options{BatchSize: batch},
		Columns:  families.Columns(),
		OnReject: rejects.Add,
		// One large object uses every core: the figures do not depend on
		// which worker reads which rows.
		Split:      !cfg.noSplit,
		SplitAll:   cfg.splitAll,
		BlockBytes: cfg.blockBytes,
		// The lake's Parquet files, read back with only these columns.
		Files: lake.FileDecoder{Decoders: decoders(), Since: cfg.Analysis.Since, Until: cfg.Analysis.Until},
	}
	var stored int64
	for _, o := range objects {
		stored += max(o.Size, 0)
	}
	p := newProgress(m, cfg.Progress, len(objects), stored)
	opts.OnBytes, opts.OnObject = p.AddBytes, p.OnObject
	sinks, results, err := input.Scan(ctx, objects, opts, func() input.Sink { return families.NewRouter(cfg.Analysis) })
	p.Finish()
	if err != nil {
		return nil, exitUsage, orInterrupted(ctx, err)
	}
	reps := analysis.BuildReports(families, sinks, analysis.Run{Results: results, Skipped: skipped, Rejects: rejects.Samples()})
	for _, rep := range reps {
		rep.Inputs.Listed, rep.Inputs.Selected = int64(listed.Listed), int64(listed.Selected)
	}
	code, err := exitStatus(results, skipped, reps)
	return reps, code, err
}

// exitStatus judges a run by its objects: exitUsage with an error when
// nothing could be read, exitPartial when some object failed, else exitOK.
// The reports give the first failure and the first rejected line, in
// source order; skipped, the inputs set aside before reading, and results
// say which kinds of log were set aside when all were.
func exitStatus(results []input.ObjectResult, skipped []input.Skipped, reps []*analysis.Report) (int, error) {
	var objects, failed, parsed, rejected int64
	for _, res := range results {
		if res.SkipReason != "" {
			continue
		}
		objects++
		parsed += res.Stats.Parsed
		rejected += res.Stats.Rejected
		if res.Err != nil {
			failed++
		}
	}
	var firstFailed *analysis.Failed
	var firstReject *analysis.RejectedSample
	for _, rep := range reps {
		if f := rep.Inputs.Failed; len(f) > 0 && (firstFailed == nil || f[0].Source < firstFailed.Source) {
			firstFailed = &f[0]
		}
		if s := rep.Lines.RejectedSamples; len(s) > 0 && (firstReject == nil || s[0].Source < firstReject.Source ||
			s[0].Source == firstReject.Source && s[0].Line < firstReject.Line) {
			firstReject = &s[0]
		}
	}
	switch {
	case objects == 0:
		return exitUsage, fmt.Errorf("%w: %s", errNothingRead, input.SetAside(skipped, results))
	case failed == objects && parsed == 0 && firstFailed != nil:
		return exitUsage, fmt.Errorf("%w: %s", errNothingRead, firstFailed.Error)
	case parsed == 0 && rejected > 0 && firstReject != nil:
		return exitUsage, fmt.Errorf("%w: all %s lines were rejected (first: %s:%d: %s)", errNothingRead,
			numfmt.Int(rejected), firstReject.Source, firstReject.Line, firstReject.Reason)
	case failed > 0:
		return exitPartial, nil
	}
	return exitOK, nil
}

// outputFlags are the flags that choose how a report is written, shared by
// analyze and demo.
type outputFlags struct {
	output *string
	table  *string
	color  *string
	out    *string
}

func (o *outputFlags) register(fs *pflag.FlagSet) {
	o.output = fs.StringP("output", "o", "text", "report format: "+strings.Join(report.Formats(), ", "))
	o.table = fs.String("table", "", "table for -o csv: "+strings.Join(csvTables(), ", ")+" (default timeline)")
	o.color = fs.String("color", "auto", "colour in the text report: auto, always, never")
	o.out = fs.String("out", "", "write the report to this file (a regular file is replaced atomically; a device or pipe is written through) or to s3://bucket/key instead of standard output")
}

func (o *outputFlags) check() error {
	if !slices.Contains(report.Formats(), *o.output) && *o.output != "md" {
		return fmt.Errorf("-o takes %s, not %q", strings.Join(report.Formats(), ", "), *o.output)
	}
	if *o.table != "" && !slices.Contains(csvTables(), *o.table) {
		return fmt.Errorf("--table takes %s, not %q", strings.Join(csvTables(), ", "), *o.table)
	}
	switch *o.color {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("--color takes auto, always or never, not %q", *o.color)
	}
	return nil
}

// options are the report options the flags choose.
func (o *outputFlags) options(m *Main) report.Options {
	color := m.useColor(*o.color)
	if *o.color == "auto" && *o.out != "" && *o.out != "-" {
		color = false // a file is no terminal
	}
	return report.Options{
		Format: *o.output,
		Table:  *o.table,
		Color:  color,
		Width:  m.termWidth(),
	}
}

// writeAll renders the reports of a run with opts into one output (see
// report.RenderAll) and writes it to --out (a file, written atomically, or
// s3://bucket/key) or to standard output. It returns exitOK, else says on
// standard error why the write failed and returns exitUsage; exitPartial,
// quietly, when the reader of the output went away.
func (o *outputFlags) writeAll(ctx context.Context, m *Main, cmd string, reps []*analysis.Report, opts report.Options, s3f *s3Flags) int {
	render := func(w io.Writer) error { return report.RenderAll(w, reps, opts) }
	if err := orInterrupted(ctx, m.writeOutput(ctx, *o.out, *o.output, s3f, render)); err != nil {
		if errors.Is(err, io.ErrClosedPipe) || errors.Is(err, os.ErrClosed) {
			return exitPartial
		}
		fmt.Fprintf(m.Stderr, "lbtriage %s: %s\n", cmd, sanitizeArg(writeError(err)))
		return exitUsage
	}
	return exitOK
}

// useColor decides on ANSI colour: never when NO_COLOR is set or stdout is
// not a terminal, unless forced.
func (m *Main) useColor(mode string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if m.Getenv != nil && m.Getenv("NO_COLOR") != "" {
		return false
	}
	f, ok := m.Stdout.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func (m *Main) termWidth() int {
	if f, ok := m.Stdout.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 0
}

// analysisFlags are the flags of the analysis itself, shared by analyze and
// demo.
type analysisFlags struct {
	since, until *string
	bucket       *time.Duration
	top          *int
	workers      *int
	format       *string
	batch        *int
	progress     *string
}

func (a *analysisFlags) register(fs *pflag.FlagSet) {
	a.since = fs.String("since", "", "analyze rows at or after this time: RFC 3339, a date, a UTC clock time (13:05) or a duration back from now (2h)")
	a.until = fs.String("until", "", "analyze rows before this time (same forms as --since)")
	a.bucket = fs.Duration("bucket", analysis.DefaultBucket, "timeline bucket width")
	a.top = fs.Int("top", analysis.DefaultTop, "paths and clients to list")
	a.workers = fs.Int("workers", 0, "objects read at once (default: number of CPUs)")
	a.format = fs.String("format", "", formatFlagHelp())
	a.batch = registerBatchSizeFlag(fs)
	a.progress = registerProgressFlag(fs)
}

// config checks the flags and fills an analysisConfig.
func (a *analysisFlags) config(now time.Time) (analysisConfig, error) {
	var cfg analysisConfig
	var err error
	if cfg.Analysis.Since, cfg.Analysis.Until, err = parseSpanFlags(*a.since, *a.until, now); err != nil {
		return cfg, err
	}
	if *a.bucket < time.Second || *a.bucket%time.Second != 0 {
		return cfg, fmt.Errorf("--bucket must be a whole number of seconds, at least 1s (not %s)", *a.bucket)
	}
	cfg.Analysis.Bucket = *a.bucket
	if *a.top <= 0 {
		return cfg, fmt.Errorf("--top must be positive")
	}
	cfg.Analysis.Top = *a.top
	if *a.workers < 0 {
		return cfg, fmt.Errorf("--workers must not be negative")
	}
	cfg.Workers = *a.workers
	if err := checkBatchSize(*a.batch); err != nil {
		return cfg, err
	}
	cfg.BatchSize = *a.batch
	if cfg.Format, err = parseFormatFlag(*a.format); err != nil {
		return cfg, err
	}
	if err := checkProgressMode(*a.progress); err != nil {
		return cfg, err
	}
	cfg.Progress = *a.progress
	return cfg, nil
}

// parseSpanFlags reads --since and --until (parseTimeFlag), either of them
// unset, and checks that since is before until when both are set.
func parseSpanFlags(since, until string, now time.Time) (s, u time.Time, err error) {
	if s, err = parseTimeFlag("--since", since, now); err != nil {
		return s, u, err
	}
	if u, err = parseTimeFlag("--until", until, now); err != nil {
		return s, u, err
	}
	if !s.IsZero() && !u.IsZero() && !s.Before(u) {
		return s, u, fmt.Errorf("--since (%s) must be before --until (%s)", s.Format(time.RFC3339), u.Format(time.RFC3339))
	}
	return s, u, nil
}

// registerBatchSizeFlag adds --batch-size to fs.
func registerBatchSizeFlag(fs *pflag.FlagSet) *int {
	return fs.Int("batch-size", parser.DefaultBatchSize,
		fmt.Sprintf("rows per Arrow record batch, 1 to %d (a batch reserves its rows up front)", parser.MaxBatchSize))
}

// checkBatchSize checks a --batch-size value against the decoders' bound.
func checkBatchSize(n int) error {
	if n <= 0 || n > parser.MaxBatchSize {
		return fmt.Errorf("--batch-size takes 1 to %d rows, not %d (a batch reserves its rows up front, so a larger one only uses more memory)",
			parser.MaxBatchSize, n)
	}
	return nil
}

// parseTimeFlag reads a --since/--until value: RFC 3339 (with or without
// seconds or zone, UTC assumed), a date (midnight UTC), a clock time
// "13:05" (today, UTC) or a duration back from now ("2h", "90m").
func parseTimeFlag(flag, s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	for _, layout := range []string{"15:04", "15:04:05"} {
		if c, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			y, mo, d := now.UTC().Date()
			return time.Date(y, mo, d, c.Hour(), c.Minute(), c.Second(), 0, time.UTC), nil
		}
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("%s: the duration %q must be positive (it counts back from now)", flag, s)
		}
		return now.Add(-d).UTC(), nil
	}
	if d, ok := parseDays(s); ok {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%s: %q is not a time: use RFC 3339 (2026-11-20T13:05:00Z), a date (2026-11-20), a UTC clock time (13:05) or a duration back from now (2h)", flag, s)
}

// parseDays reads "3d".
func parseDays(s string) (time.Duration, bool) {
	n, ok := strings.CutSuffix(s, "d")
	if !ok || n == "" {
		return 0, false
	}
	var days int
	for _, c := range n {
		if c < '0' || c > '9' || days > 3650 {
			return 0, false
		}
		days = days*10 + int(c-'0')
	}
	return time.Duration(days) * 24 * time.Hour, days > 0
}

// runAnalyze implements "lbtriage analyze".
func runAnalyze(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("analyze")
	var out outputFlags
	out.register(fs)
	var af analysisFlags
	af.register(fs)
	var s3f s3Flags
	s3f.register(fs)
	if code, ok := m.parseFlags(fs, args, analyzeSynopsis); !ok {
		return code
	}
	if err := out.check(); err != nil {
		return m.usageErr("analyze", "%v", err)
	}
	cfg, err := af.config(m.now())
	if err != nil {
		return m.usageErr("analyze", "%v", err)
	}
	if fs.NArg() == 0 {
		return m.usageErr("analyze", noInput)
	}
	cfg.Args = fs.Args()
	cfg.S3 = &s3f
	return m.analyzeAndWrite(ctx, "analyze", cfg, &out)
}

// analyzeAndWrite runs the analysis, writes one report per input format
// and returns the exit status.
func (m *Main) analyzeAndWrite(ctx context.Context, cmd string, cfg analysisConfig, out *outputFlags) int {
	if err := m.checkOutput(*out.out, cfg.S3); err != nil {
		return m.usageErr(cmd, "--out: %v", err)
	}
	reps, code, err := m.runAnalyses(ctx, cfg)
	if err != nil {
		return m.usageErr(cmd, "%v", err)
	}
	if c := out.writeAll(ctx, m, cmd, reps, out.options(m), cfg.S3); c != exitOK {
		return c
	}
	if c := m.noRequests(cmd, reps); c != exitOK {
		code = c
	}
	if code == exitPartial {
		var failed []analysis.Failed
		seen := map[string]bool{}
		for _, rep := range reps {
			for _, f := range rep.Inputs.Failed {
				if !seen[f.Source] {
					seen[f.Source] = true
					failed = append(failed, f)
				}
			}
		}
		objects := runObjects(reps)
		sort.Slice(failed, func(i, j int) bool { return failed[i].Source < failed[j].Source })
		if len(failed) > 0 {
			fmt.Fprintf(m.Stderr, "lbtriage %s: %d of %d inputs could not be read whole (the report covers what was read): %s\n",
				cmd, len(failed), objects, sanitizeArg(failed[0].Error))
		}
	}
	return code
}

// noRequests says on standard error, for every report that holds no row
// in its period (no request, no row of other logs: a window with no rows,
// empty inputs, a day with no logs), that it has none and where the rows
// read are, and returns exitUsage when there was one, so that a broken log
// pipeline is noticed by whatever runs lbtriage; else exitOK. The report
// itself is written before, and says the same.
func (m *Main) noRequests(cmd string, reps []*analysis.Report) int {
	code := exitOK
	for _, rep := range reps {
		if rep.Requests > 0 || rep.Lines.OtherLogs > 0 {
			continue
		}
		who := ""
		if lb := rep.LoadBalancer; lb != nil && lb.Name != "" {
			who = lb.Name + ": "
		}
		fmt.Fprintf(m.Stderr, "lbtriage %s: %s%s\n", cmd, sanitizeArg(who), sanitizeArg(rep.Verdict.Summary))
		code = exitUsage
	}
	return code
}

// runObjects counts the objects a run read: each report's objects of its
// format, plus once the objects of no known format, which every report
// lists.
func runObjects(reps []*analysis.Report) int64 {
	if len(reps) == 0 {
		return 0
	}
	var n int64
	for _, rep := range reps {
		n += rep.Inputs.Formats[rep.Format]
	}
	return n + reps[0].Inputs.Objects - reps[0].Inputs.Formats[reps[0].Format]
}

// now returns the current time from m.Now, or the clock.
func (m *Main) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}
