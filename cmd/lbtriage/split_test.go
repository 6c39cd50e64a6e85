package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser/input"
)

// TestAnalyze_SameForAnyWorkers analyses every family's sample incident,
// as its objects and as one object holding their text, read whole or in
// blocks (input.ScanOptions.Split: the last objects, or all of them in
// small blocks), on one worker and on several: the JSON of the reports is
// the same byte for byte.
func TestAnalyze_SameForAnyWorkers(t *testing.T) {
	for _, f := range families.Families() {
		s, ok := f.(analysis.Sampler)
		if !ok {
			continue
		}
		format := f.Decoder().Format()
		sample, err := s.Sample()
		if err != nil {
			t.Fatalf("%s: %s", format, err)
		}
		for _, set := range []string{"objects", "one object"} {
			objs := sample.Objects
			if set == "one object" {
				objs = oneObject(t, objs)
			}
			analyse := func(workers int, noSplit bool, blockBytes int) []byte {
				splitAll := blockBytes > 0
				t.Helper()
				objects, skipped := memoryObjects("sample/", objs)
				m := &Main{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Now: func() time.Time { return testNow }}
				reps, _, err := m.runAnalyses(context.Background(), analysisConfig{
					Objects: objects, Skipped: skipped, Workers: workers, Progress: progressNever,
					noSplit: noSplit, splitAll: splitAll, blockBytes: blockBytes,
				})
				if err != nil {
					t.Fatalf("%s, %s: %s", format, set, err)
				}
				b, err := json.Marshal(reps)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}
			want := analyse(1, true, 0)
			for _, workers := range []int{1, 3} {
				for _, blockBytes := range []int{0, 4096} {
					if got := analyse(workers, false, blockBytes); !bytes.Equal(got, want) {
						t.Errorf("%s, %s, %d workers, blocks of %d bytes: the report differs from one worker reading whole objects\n%s",
							format, set, workers, blockBytes, firstDiff(got, want))
					}
				}
				if got := analyse(workers, true, 0); !bytes.Equal(got, want) {
					t.Errorf("%s, %s, %d workers reading whole objects: the report differs from one worker's\n%s", format, set, workers, firstDiff(got, want))
				}
			}
		}
	}
}

// oneObject returns the text of the gzip objects of objs, in order, as one
// gzip object named as the first.
func oneObject(t *testing.T, objs []analysis.SampleObject) []analysis.SampleObject {
	t.Helper()
	var text bytes.Buffer
	name := ""
	for _, o := range objs {
		if !input.IsGzip(o.Data) {
			continue
		}
		if name == "" {
			name = o.Key
		}
		zr, err := gzip.NewReader(bytes.NewReader(o.Data))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(&text, zr); err != nil {
			t.Fatal(err)
		}
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(text.Bytes())
	zw.Close()
	return []analysis.SampleObject{{Key: name, Data: z.Bytes()}}
}

// firstDiff shows where got and want part.
func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-200, 0)
	return fmt.Sprintf("got  …%s…\nwant …%s…", got[from:min(i+200, len(got))], want[from:min(i+200, len(want))])
}
