package main

import (
	"context"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/parser/input"
)

// expandInputs turns command-line inputs into objects: s3:// URLs through the
// S3 lister (pruned to [since, until) when given), everything else as local
// files, directories, globs or "-" for standard input. Local objects come
// first, in the order given. The listing counts cover the s3:// inputs.
func (m *Main) expandInputs(ctx context.Context, args []string, s3f *s3Flags, since, until time.Time, workers int) ([]input.Object, []input.Skipped, s3ListStats, error) {
	var local, urls []string
	for _, a := range args {
		if strings.HasPrefix(a, "s3://") {
			urls = append(urls, a)
		} else {
			local = append(local, a)
		}
	}
	var (
		objects []input.Object
		skipped []input.Skipped
		listed  s3ListStats
	)
	if len(local) > 0 {
		o, s, err := input.ExpandWindow(local, m.Stdin, since, until)
		if err != nil {
			return nil, nil, listed, err
		}
		objects, skipped = append(objects, o...), append(skipped, s...)
	}
	if len(urls) > 0 {
		o, s, st, err := m.expandS3(ctx, urls, s3f, since, until, workers)
		if err != nil {
			return nil, nil, listed, err
		}
		objects, skipped, listed = append(objects, o...), append(skipped, s...), st
	}
	return objects, skipped, listed, nil
}
