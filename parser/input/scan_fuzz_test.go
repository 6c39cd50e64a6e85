package input

import (
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
)

// FuzzScan reads arbitrary bytes as one object through Scan with the real
// decoders, so that format detection, the naming of foreign lines, the test
// file and the objects set aside are fuzzed with them. The properties: no
// panic; an object set aside has no lines read nor error; the counts
// reconcile, with every reject reported once; every byte allocated is
// freed.
//
//	go test ./parser/input/ -run '^$' -fuzz FuzzScan -fuzztime 1m
func FuzzScan(f *testing.F) {
	f.Add([]byte(strings.Join([]string{clbLine, albLine, nlbLine, connLine, hcLine, cfLine, "#", albLine}, "\n")))
	f.Add([]byte("#Version: 1.0\n" + cfLine + "\n" + albLine + "\n"))
	f.Add([]byte("Enable AccessLog for ELB: my-lb at 2014-02-15T23:39:43.945958Z\n"))
	f.Add([]byte(strings.Repeat(clbLine+"\n", 20) + albLine + "\n"))
	f.Add([]byte("#Fields: date time x-edge-location c-ip x-event sc-bytes x-sname\n2010-03-12\t23:51:20\tSEA4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<20 {
			return
		}
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		var rejects int64
		opts := ScanOptions{
			Workers:  1,
			Decoders: realDecoders,
			Parser:   parser.Options{Allocator: mem, BatchSize: 1 + len(data)%5},
			OnReject: func(e *parser.LineError) {
				rejects++
				if e.Reason == "" || len(e.Snippet) > parser.SnippetBytes {
					t.Fatalf("bad LineError %+v", e)
				}
			},
		}
		sinks, results, err := Scan(t.Context(), []Object{memObject("fuzz.log", data)}, opts, func() Sink { return &countSink{} })
		if err != nil {
			t.Fatal(err)
		}
		r := results[0]
		if r.SkipReason != "" && (r.Err != nil || r.Stats != (parser.Stats{})) {
			t.Fatalf("set aside (%s) and read: %+v", r.SkipReason, r)
		}
		s := r.Stats
		if s.Lines != s.Parsed+s.Rejected+s.Comments || s.Rejected != rejects || s.Parsed != sinks[0].(*countSink).rows {
			t.Fatalf("counts do not reconcile: %+v, %d rejects, %d rows", s, rejects, sinks[0].(*countSink).rows)
		}
		mem.AssertSize(t, 0)
	})
}
