package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser/input"
)

const demoSynopsis = "[flags] [alb|cloudfront]"

// runDemo implements "lbtriage demo": it analyzes a sample incident, built
// in memory by the generator (no disk, no network), with the same output
// flags as analyze: by default the ALB one (502s from targets whose
// keep-alive timeout is too short); with --cloudfront, or "demo cloudfront",
// the CloudFront one (an expired origin certificate). With --write DIR it
// writes the sample's objects under DIR instead, in the AWS key layout, for
// "lbtriage analyze DIR".
func runDemo(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("demo")
	write := fs.String("write", "", "write the sample incident's log objects under this directory instead of analyzing them")
	cf := fs.Bool("cloudfront", false, "use the CloudFront sample incident (an expired origin certificate) instead of the ALB one")
	var out outputFlags
	out.register(fs)
	var af analysisFlags
	af.register(fs)
	if code, ok := m.parseFlags(fs, args, demoSynopsis); !ok {
		return code
	}
	switch {
	case fs.NArg() == 1 && fs.Arg(0) == "cloudfront":
		*cf = true
	case fs.NArg() == 1 && fs.Arg(0) == "alb" && !*cf:
	case fs.NArg() > 0:
		return m.usageErr("demo", "takes no input, only the sample's name, alb or cloudfront (it reads a built-in sample incident; see 'lbtriage analyze')")
	}
	if err := out.check(); err != nil {
		return m.usageErr("demo", "%v", err)
	}
	cfg, err := af.config(m.now())
	if err != nil {
		return m.usageErr("demo", "%v", err)
	}
	var objs []gen.Object
	if *cf {
		sc := gen.SampleCloudFrontIncident()
		if *write != "" {
			truth, err := gen.WriteCloudFrontObjects(*write, sc)
			if err != nil {
				return m.usageErr("demo", "%v", err)
			}
			return m.wroteSample(truth.Rows, truth.First, truth.Last, *write)
		}
		objs, _, err = gen.CloudFrontObjects(sc)
	} else {
		sc := gen.SampleIncident()
		if *write != "" {
			truth, err := gen.WriteALBObjects(*write, sc)
			if err != nil {
				return m.usageErr("demo", "%v", err)
			}
			return m.wroteSample(truth.Rows, truth.First, truth.Last, *write)
		}
		objs, _, err = gen.ALBObjects(sc)
	}
	if err != nil {
		return m.usageErr("demo", "build the sample incident: %v", err)
	}
	cfg.Objects, cfg.Skipped = memoryObjects("demo://", objs)
	return m.analyzeAndWrite(ctx, "demo", cfg, &out)
}

func (m *Main) wroteSample(rows int, first, last time.Time, dir string) int {
	fmt.Fprintf(m.Stdout, "wrote the sample incident (%d log lines, %s to %s) under %s\nrun: lbtriage analyze %s\n",
		rows, first.Format("2006-01-02 15:04"), last.Format("15:04 UTC"), dir, dir)
	return exitOK
}

// memoryObjects turns generated objects into inputs read from memory, named
// prefix+key so that the object names carry the node IPs as in S3.
func memoryObjects(prefix string, objs []gen.Object) ([]input.Object, []input.Skipped) {
	objects := []input.Object{}
	var skipped []input.Skipped
	for _, o := range objs {
		name := prefix + o.Key
		if reason := input.Classify(name, decoders()); reason != "" {
			skipped = append(skipped, input.Skipped{Source: name, Reason: reason})
			continue
		}
		data := o.Data
		objects = append(objects, input.Object{
			Source: input.ParseName(name, decoders()),
			Size:   int64(len(data)),
			Open: func(context.Context) (io.ReadCloser, error) {
				return io.NopCloser(bytes.NewReader(data)), nil
			},
		})
	}
	return objects, skipped
}
