// Command lbtriage reads AWS Application Load Balancer and CloudFront access
// logs and says who is at fault for every 5xx: the load balancer (or the
// CloudFront edge), the target (or the origin), or the client.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// Exit statuses.
const (
	exitOK = 0
	// exitPartial: the report is complete for what could be read, but some
	// input failed.
	exitPartial = 1
	// exitUsage: bad usage, or nothing could be read.
	exitUsage = 2
	// exitThreshold: a --fail-on threshold was crossed.
	exitThreshold = 3
)

func main() {
	tuneGC(os.Getenv)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

// tuneGC lets the heap grow to five times what is live between two
// collections, instead of twice, unless GOGC says otherwise, under a soft
// limit of 192 MiB unless GOMEMLIMIT sets one. A run's live heap is small
// (the batches' memory is recycled, the aggregates are bounded), so the
// default collected every few megabytes: 2.8% of analyze's instructions
// on ALB logs, 0.6% so (callgrind); the peak resident memory of analyze
// over 300 MB of logs went from 74-102 MB to 85-112 MB.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(192 << 20)
	}
}

// Main is the program with its environment made explicit, so that tests can
// run it in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time

	// s3Timeout replaces s3.DefaultTimeout, the deadline of one S3 call;
	// tests shrink it.
	s3Timeout time.Duration
}

// errInterrupted is what a run the user stopped (Ctrl-C) says.
var errInterrupted = errors.New("interrupted")

// orInterrupted returns errInterrupted for an error met once ctx was
// cancelled, so that whatever the interrupted call said is not shown, and
// err otherwise.
func orInterrupted(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return errInterrupted
	}
	return err
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, m *Main, args []string) int
}

func commands() []command {
	return []command{
		{"analyze", "classify every 5xx and say who is at fault", runAnalyze},
		{"report", "nightly report of a whole day against a baseline", runReport},
		{"parse", "check the parser on your logs: counts, rejects, rows", runParse},
		{"export", "write the logs' rows as a Parquet lake for Athena, Trino, Spark, ClickHouse, DuckDB", runExport},
		{"sql", "print the lake's tables and the report's queries for Athena, Trino, Spark, ClickHouse, DuckDB", runSQL},
		{"demo", demoSummary(), runDemo},
		{"version", "print the version", runVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=..."; when it
// is not, the build information tells (see versionOf).
var version = ""

// Run runs the command named by args[0] and returns the exit status.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) > 0 && args[0] == "--version" {
		return runVersion(ctx, m, args[1:])
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, m, args[1:])
		}
	}
	fmt.Fprintf(m.Stderr, "lbtriage: unknown command %q (run 'lbtriage help' for the list)\n", sanitizeArg(args[0]))
	return exitUsage
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "lbtriage: who is at fault for every 5xx and every failed connection in "+familyTitles()+" logs")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Usage: lbtriage COMMAND [flags] INPUT...")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "INPUT is a file, a directory (read recursively), a glob, - for standard input, or s3://bucket/prefix.")
	fmt.Fprintln(w, "Run 'lbtriage COMMAND --help' for a command's flags, 'lbtriage --version' for the version.")
}

func runVersion(_ context.Context, m *Main, _ []string) int {
	info, _ := debug.ReadBuildInfo()
	fmt.Fprintln(m.Stdout, "lbtriage", versionOf(version, info))
	return exitOK
}

// versionOf is the version to print: v when set with -ldflags, else the
// main module's version in info (a release tag, or a pseudo-version naming
// the commit, for "go install ...@version" and for builds in a checkout
// with VCS stamping), else the commit info names (with "-dirty" when the
// checkout was modified), else "devel".
func versionOf(v string, info *debug.BuildInfo) string {
	if v != "" {
		return v
	}
	if info == nil {
		return "devel"
	}
	if mv := info.Main.Version; mv != "" && mv != "(devel)" {
		return mv
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value[:min(len(s.Value), 12)]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "devel"
	}
	return "devel-" + rev + dirty
}

// newFlagSet returns a FlagSet that reports errors to the caller instead of
// printing usage on its own.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	return fs
}

// parseFlags parses args into fs. It prints help and returns (exitOK, false)
// for --help, prints one sentence and returns (exitUsage, false) for a bad
// flag, and returns (0, true) when the command should go on.
func (m *Main) parseFlags(fs *pflag.FlagSet, args []string, synopsis string) (int, bool) {
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(m.Stdout, "Usage: lbtriage %s %s\n\n%s", fs.Name(), synopsis, fs.FlagUsages())
		return exitOK, false
	}
	if err != nil {
		fmt.Fprintf(m.Stderr, "lbtriage %s: %s (see 'lbtriage %s --help')\n", fs.Name(), sanitizeArg(flagError(err)), fs.Name())
		return exitUsage, false
	}
	return 0, true
}

// flagError tells a flag parsing error in plain words: a bad value is named
// with what the flag takes, never with the Go parser's text
// ("strconv.ParseInt: parsing ...", "time: invalid duration ...").
func flagError(err error) string {
	var ive *pflag.InvalidValueError
	if !errors.As(err, &ive) {
		return err.Error()
	}
	name, v := "--"+ive.GetFlag().Name, ive.GetValue()
	switch ive.GetFlag().Value.Type() {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "count":
		if errors.Is(err, strconv.ErrRange) {
			return fmt.Sprintf("%s: %q is out of range", name, v)
		}
		return fmt.Sprintf("%s takes a whole number, not %q", name, v)
	case "float32", "float64":
		return fmt.Sprintf("%s takes a number, not %q", name, v)
	case "duration":
		return fmt.Sprintf("%s takes a duration such as 30s, 5m or 1h, not %q", name, v)
	case "bool":
		return fmt.Sprintf("%s takes true or false, not %q", name, v)
	}
	return fmt.Sprintf("%s does not take %q", name, v)
}

// usageErr prints one sentence about bad usage and returns exitUsage.
func (m *Main) usageErr(cmd string, format string, args ...any) int {
	fmt.Fprintf(m.Stderr, "lbtriage %s: %s\n", cmd, sanitizeArg(fmt.Sprintf(format, args...)))
	return exitUsage
}

// sanitizeArg strips control characters from text that echoes user input.
func sanitizeArg(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
