package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser/input"
)

const demoSynopsis = "[flags]"

// runDemo implements "lbtriage demo": it analyzes the sample incident, built
// in memory by the generator (no disk, no network), with the same output
// flags as analyze. With --write DIR it writes the sample's objects under
// DIR instead, in the AWS key layout, for "lbtriage analyze DIR".
func runDemo(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("demo")
	write := fs.String("write", "", "write the sample incident's log objects under this directory instead of analyzing them")
	var out outputFlags
	out.register(fs)
	var af analysisFlags
	af.register(fs)
	if code, ok := m.parseFlags(fs, args, demoSynopsis); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return m.usageErr("demo", "takes no input (it reads the built-in sample incident; see 'lbtriage analyze')")
	}
	if err := out.check(); err != nil {
		return m.usageErr("demo", "%v", err)
	}
	cfg, err := af.config(m.now())
	if err != nil {
		return m.usageErr("demo", "%v", err)
	}
	sc := gen.SampleIncident()
	if *write != "" {
		truth, err := gen.WriteALBObjects(*write, sc)
		if err != nil {
			return m.usageErr("demo", "%v", err)
		}
		fmt.Fprintf(m.Stdout, "wrote the sample incident (%d log lines, %s to %s) under %s\nrun: lbtriage analyze %s\n",
			truth.Rows, truth.First.Format("2006-01-02 15:04"), truth.Last.Format("15:04 UTC"), *write, *write)
		return exitOK
	}
	objs, _, err := gen.ALBObjects(sc)
	if err != nil {
		return m.usageErr("demo", "build the sample incident: %v", err)
	}
	cfg.Objects, cfg.Skipped = memoryObjects("demo://", objs)
	return m.analyzeAndWrite(ctx, "demo", cfg, &out)
}

// memoryObjects turns generated objects into inputs read from memory, named
// prefix+key so that the object names carry the node IPs as in S3.
func memoryObjects(prefix string, objs []gen.Object) ([]input.Object, []input.Skipped) {
	objects := []input.Object{}
	var skipped []input.Skipped
	for _, o := range objs {
		name := prefix + o.Key
		if reason := input.Classify(name); reason != "" {
			skipped = append(skipped, input.Skipped{Source: name, Reason: reason})
			continue
		}
		data := o.Data
		objects = append(objects, input.Object{
			Source: input.ParseName(name),
			Size:   int64(len(data)),
			Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(data)), nil
			},
		})
	}
	return objects, skipped
}
