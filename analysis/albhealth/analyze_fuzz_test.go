package albhealth_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/report"
)

// FuzzAnalyze reads arbitrary lines as health checks, split into two
// objects at a point the fuzzer picks, and builds and renders the report.
// The properties: it never panics; every parsed check is counted once
// (checks = rows inside the window); the failed checks add up per reason,
// per target and per node; and the objects read in either order give the
// same JSON.
//
//	go test -run '^$' -fuzz '^FuzzAnalyze$' -fuzztime 1m ./analysis/albhealth
func FuzzAnalyze(f *testing.F) {
	var sample bytes.Buffer
	hs := overload()
	hs.ALB.Nodes = []string{"10.0.0.1", "10.0.0.2"}
	if _, err := gen.WriteHealth(&sample, hs); err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(sample.String(), "\n")
	f.Add([]byte(strings.Join(lines[:24], "")), uint16(900))
	last := len(lines) - 1
	for !strings.Contains(lines[last], "FAIL") {
		last--
	}
	f.Add([]byte(strings.Join(lines[last-20:last+4], "")), uint16(1500)) // the end of the fail-open burst
	f.Add([]byte("http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs FAIL 299 ResponseCodeMismatch\n"+
		"lambda 2025-10-31T12:45:00Z - arn:aws:lambda:us-east-2:123456789012:function:f tg FAIL - TargetError app/x/1 10.0.0.9\n"+
		"h2 2025-10-31T12:45:30Z 5.1 [fd00::1]:80 - FAIL - - app/x/1 -\n"), uint16(0))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		if len(data) > 8<<10 {
			return // larger inputs find nothing more and slow minimizing down
		}
		at := min(int(cut), len(data))
		one := analyzeFuzz(t, data[:at], data[at:])
		two := analyzeFuzz(t, data[at:], data[:at])
		if one != two {
			t.Fatalf("the JSON depends on the order of the objects:\n%s\n%s", one, two)
		}
	})
}

// analyzeFuzz reads a and b as two objects, checks the figures and returns
// the report's JSON.
func analyzeFuzz(t *testing.T, a, b []byte) string {
	reg := analysis.MustRegistry(healthfam.Family{})
	r := reg.NewRouter(analysis.Options{})
	var run analysis.Run
	var parsed int64
	for i, data := range [][]byte{a, b} {
		src := parser.Source{Name: []string{"a", "b"}[i], Format: albhealth.Format, Resource: "app/lb/1", NodeIP: "10.9.9.9"}
		rd, err := albhealth.NewReader(bytes.NewReader(data), parser.Options{Columns: healthfam.Family{}.Columns(), BatchSize: 7})
		if err != nil {
			t.Fatal(err)
		}
		for rd.Next() {
			if err := r.Consume(src, albhealth.Format, rd.RecordBatch()); err != nil {
				t.Fatal(err)
			}
		}
		st := rd.Stats()
		rd.Release()
		parsed += st.Parsed
		run.Results = append(run.Results, resultOf(src, st))
	}
	reps := analysis.BuildReports(reg, []*analysis.Router{r}, run)
	var out strings.Builder
	for _, rep := range reps {
		if p := rep.Part(healthfam.PartKey); p != nil {
			f := p.JSON.(*healthfam.Figures)
			checkSums(t, f)
		}
		// The JSON, and the text with the health part's sections and
		// timeline (the other formats render the same structures).
		for _, format := range []string{"json", "text"} {
			var w bytes.Buffer
			if err := report.Render(&w, rep, report.Options{Format: format}); err != nil {
				t.Fatalf("render %s: %v", format, err)
			}
			if format == "json" {
				out.Write(w.Bytes())
			}
		}
	}
	var checks int64
	for _, rep := range reps {
		checks += rep.Lines.OtherLogs
	}
	if checks != parsed {
		t.Fatalf("%d checks in the reports, %d parsed", checks, parsed)
	}
	return out.String()
}

// checkSums checks that the failed checks add up per reason, target and
// node.
func checkSums(t *testing.T, f *healthfam.Figures) {
	t.Helper()
	var byReason, byFailure, byTarget, byNode, checks int64
	for _, n := range f.ByReason {
		byReason += n
	}
	for _, x := range f.Failures {
		byFailure += x.Checks
	}
	for _, tg := range f.Targets {
		byTarget += tg.Failed
		checks += tg.Checks
	}
	for _, n := range f.Nodes {
		byNode += n.Failed
	}
	if byReason != f.Failed || byFailure != f.Failed || byTarget != f.Failed || byNode != f.Failed || checks != f.Checks {
		t.Fatalf("failed %d, by reason %d, by failure %d, by target %d, by node %d; checks %d, by target %d",
			f.Failed, byReason, byFailure, byTarget, byNode, f.Checks, checks)
	}
	if _, err := json.Marshal(f); err != nil {
		t.Fatal(err)
	}
}

func resultOf(src parser.Source, st parser.Stats) input.ObjectResult {
	return input.ObjectResult{Source: src, Format: src.Format, Stats: st}
}
