package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser/input"
)

// demoSynopsis is the demo's usage: the synopsis, then every sample with
// what goes wrong in it.
func demoSynopsis() string {
	all := samples()
	if len(all) == 0 {
		return "[flags]"
	}
	width := 0
	for _, s := range all {
		width = max(width, len(s.name))
	}
	var b strings.Builder
	b.WriteString("[flags] [SAMPLE]\n\nSAMPLE is a built-in incident, " + all[0].name + " by default:")
	for _, s := range all {
		fmt.Fprintf(&b, "\n  %-*s  %s: %s", width, s.name, s.title, s.sampler.SampleAbout())
	}
	return b.String()
}

// sampleFamily is a family with a sample incident, named by its format.
type sampleFamily struct {
	name    string
	title   string
	sampler analysis.Sampler
}

// samples lists the families that have a sample incident, in the families'
// order; the first is the default.
func samples() []sampleFamily {
	var out []sampleFamily
	for _, f := range families.Families() {
		if s, ok := f.(analysis.Sampler); ok {
			out = append(out, sampleFamily{name: string(f.Decoder().Format()), title: f.Taxonomy().Name, sampler: s})
		}
	}
	return out
}

// sampleNames lists the samples' names: ["alb", "cloudfront"].
func sampleNames() []string {
	var names []string
	for _, s := range samples() {
		names = append(names, s.name)
	}
	return names
}

// runDemo implements "lbtriage demo": it analyzes a family's sample
// incident, built in memory by the generator (no disk, no network), with
// the same output flags as analyze: by default the first family's, else
// the one named ("demo cloudfront", or --cloudfront). With --write DIR it
// writes the sample's objects under DIR instead, in the AWS key layout, for
// "lbtriage analyze DIR".
func runDemo(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("demo")
	write := fs.String("write", "", "write the sample incident's log objects under this directory instead of analyzing them")
	all := samples()
	if len(all) == 0 {
		return m.usageErr("demo", "this build has no sample incident")
	}
	chosen := make([]*bool, len(all))
	for i, s := range all[1:] {
		chosen[i+1] = fs.Bool(s.name, false, "use the "+s.title+" sample incident instead of the "+all[0].title+" one")
	}
	var out outputFlags
	out.register(fs)
	var af analysisFlags
	af.register(fs)
	if code, ok := m.parseFlags(fs, args, demoSynopsis()); !ok {
		return code
	}
	pick := -1
	for i := range all[1:] {
		if *chosen[i+1] {
			pick = i + 1
		}
	}
	switch {
	case fs.NArg() == 1:
		for i, s := range all {
			if fs.Arg(0) == s.name && (pick < 0 || pick == i) {
				pick = i
			}
		}
		if pick < 0 || fs.Arg(0) != all[pick].name {
			return m.usageErr("demo", "takes no input, only the sample's name, %s (it reads a built-in sample incident; see 'lbtriage analyze')", oneOf(sampleNames()))
		}
	case fs.NArg() > 1:
		return m.usageErr("demo", "takes no input, only the sample's name, %s (it reads a built-in sample incident; see 'lbtriage analyze')", oneOf(sampleNames()))
	}
	pick = max(pick, 0)
	if err := out.check(); err != nil {
		return m.usageErr("demo", "%v", err)
	}
	cfg, err := af.config(m.now())
	if err != nil {
		return m.usageErr("demo", "%v", err)
	}
	sample, err := all[pick].sampler.Sample()
	if err != nil {
		return m.usageErr("demo", "build the sample incident: %v", err)
	}
	if *write != "" {
		if err := writeSampleObjects(*write, sample); err != nil {
			return m.usageErr("demo", "%v", err)
		}
		return m.wroteSample(sample.Lines, sample.First.Time, sample.Last.Time, *write)
	}
	cfg.Objects, cfg.Skipped = memoryObjects("demo://", sample.Objects)
	return m.analyzeAndWrite(ctx, "demo", cfg, &out)
}

// writeSampleObjects writes a sample's objects under dir, creating folders as
// needed.
func writeSampleObjects(dir string, s *analysis.Sample) error {
	for _, o := range s.Objects {
		p := filepath.Join(dir, filepath.FromSlash(o.Key))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("create folder for %q: %w", o.Key, err)
		}
		if err := os.WriteFile(p, o.Data, 0o644); err != nil {
			return fmt.Errorf("write object %q: %w", o.Key, err)
		}
	}
	return nil
}

func (m *Main) wroteSample(rows int, first, last time.Time, dir string) int {
	fmt.Fprintf(m.Stdout, "wrote the sample incident (%d log lines, %s to %s) under %s\nrun: lbtriage analyze %s\n",
		rows, first.Format("2006-01-02 15:04"), last.Format("15:04 UTC"), dir, dir)
	return exitOK
}

// memoryObjects turns sample objects into inputs read from memory, named
// prefix+key so that the object names carry the node IPs as in S3.
func memoryObjects(prefix string, objs []analysis.SampleObject) ([]input.Object, []input.Skipped) {
	objects := []input.Object{}
	var skipped []input.Skipped
	decs := decoders()
	for _, o := range objs {
		name := prefix + o.Key
		if reason := input.Classify(name, decs); reason != "" {
			skipped = append(skipped, input.Skipped{Source: name, Reason: reason})
			continue
		}
		data := o.Data
		objects = append(objects, input.Object{
			Source: input.ParseName(name, decs),
			Size:   int64(len(data)),
			Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(data)), nil
			},
		})
	}
	return objects, skipped
}

// demoSummary is the demo command's line in the help.
func demoSummary() string {
	return "analyze an embedded sample incident: " + oneOf(sampleNames())
}
