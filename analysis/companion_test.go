package analysis

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

// sideFamily is a made-up companion family, "side": its rows are no
// requests; it counts them per subject, adds a part saying how many, and
// leads the verdict when one of them has status 500.
type sideFamily struct{ fakeFamily }

const sideFormat parser.Format = "side"

var _ Companion = sideFamily{}

func (sideFamily) Companion()              {}
func (sideFamily) Decoder() parser.Decoder { return fakeDecoder{sideFormat} }
func (sideFamily) NewConsumer() Consumer   { return sideConsumer{} }
func (sideFamily) NewState() State         { return &sideState{} }

type sideState struct{ rows, bad int64 }

func (s *sideState) Merge(o State) {
	s.rows += o.(*sideState).rows
	s.bad += o.(*sideState).bad
}

func (sideFamily) Report(a *Aggregator, r *Report) {
	s := a.State().(*sideState)
	r.AddPart(Part{Key: "side", JSON: map[string]int64{"rows": s.rows}, Sections: []Section{{ID: "side", Title: "Side"}}})
}

func (sideFamily) Verdict(a *Aggregator, r *Report, _ []CauseID) VerdictPart {
	s := a.State().(*sideState)
	p := VerdictPart{Summary: fmt.Sprintf("The side log has %d rows.", s.rows), Hints: []string{"side: look aside"}}
	if s.bad > 0 {
		p.Lead, p.Headline, p.Fault = fmt.Sprintf("%d side rows went bad.", s.bad), "Side rows went bad", true
	}
	return p
}

type sideConsumer struct{}

func (sideConsumer) Consume(src parser.Source, rec arrow.RecordBatch, to *Subjects) error {
	times := rec.Column(0).(*array.Timestamp)
	lbs := rec.Column(1).(*array.String)
	statuses := rec.Column(2).(*array.Uint16)
	for i := 0; i < int(rec.NumRows()); i++ {
		lb := src.Resource
		if lbs.IsValid(i) {
			lb = lbs.Value(i)
		}
		a := to.Subject(Subject{Resource: lb, Name: strings.TrimPrefix(lb, "lb/")})
		if a == nil || !a.Admit(int64(times.Value(i)), true) {
			continue
		}
		s := a.State().(*sideState)
		s.rows++
		if statuses.Value(i) == 500 {
			s.bad++
		}
	}
	return nil
}

// sideRun consumes the objects through workers Routers, object i going to
// Router i%workers; names ending in ".side" are of the companion.
func sideRun(t *testing.T, workers int, objects map[string][]fakeRow, order ...string) []*Report {
	t.Helper()
	reg := MustRegistry(fakeFamily{}, sideFamily{})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	var routers []*Router
	for range workers {
		routers = append(routers, reg.NewRouter(Options{}))
	}
	var run Run
	for i, name := range order {
		rows := objects[name]
		format := fakeFormat
		if strings.HasSuffix(name, ".side") {
			format = sideFormat
		}
		src := parser.Source{Name: name, Resource: "lb/" + strings.Split(name, ".")[0]}
		if len(rows) > 0 {
			rec := fakeBatch(t, mem, rows...)
			if err := routers[i%workers].Consume(src, format, rec); err != nil {
				t.Fatal(err)
			}
			rec.Release()
		}
		run.Results = append(run.Results, input.ObjectResult{Source: src, Format: format,
			Stats: parser.Stats{Lines: int64(len(rows)), Parsed: int64(len(rows))}})
	}
	return BuildReports(reg, routers, run)
}

// TestBuildReports_Companion: a companion's rows join the report of the
// host subject with the same resource, whatever the order and the workers;
// alone, they make a report of their own.
func TestBuildReports_Companion(t *testing.T) {
	objects := map[string][]fakeRow{
		"a.log":   {{status: 200}, {status: 200}, {status: 200}},
		"a.side":  {{status: 200}, {status: 500}},
		"a2.side": {{lb: "lb/a", status: 200}}, // named for another resource, rows of lb/a
		"e.side":  nil,                         // no rows, named for lb/e
		"e.log":   {{status: 200}},
		"c.side":  {{status: 200}, {status: 200}},
	}
	var want string
	for _, order := range [][]string{
		{"a.log", "a.side", "a2.side", "e.side", "e.log", "c.side"},
		{"c.side", "e.side", "a2.side", "a.side", "e.log", "a.log"},
	} {
		for _, workers := range []int{1, 3} {
			reps := sideRun(t, workers, objects, order...)
			var got []string
			for _, r := range reps {
				got = append(got, fmt.Sprintf("%s %s: %d objects, %d requests, %d other logs, parts %d, headline %q, summary %q, hints %q",
					r.Format, r.LoadBalancer.ResourceID, r.Inputs.Objects, r.Requests, r.Lines.OtherLogs, len(r.Parts), r.Verdict.Headline, r.Verdict.Summary, r.Verdict.Hints))
				if sum := r.Requests + r.Lines.OtherLogs + r.Lines.OutsideWindow + r.Lines.OtherLoadBalancers; sum != r.Lines.Parsed {
					t.Errorf("%s: parsed %d, but requests + other logs + outside + other load balancers = %d", r.LoadBalancer.ResourceID, r.Lines.Parsed, sum)
				}
			}
			s := strings.Join(got, "\n")
			if want == "" {
				want = s
			} else if s != want {
				t.Fatalf("order %v, %d workers:\n%s\nwant\n%s", order, workers, s, want)
			}
		}
	}
	wantLines := []string{
		`fake lb/a: 3 objects, 3 requests, 3 other logs, parts 1, headline "Side rows went bad", summary "1 side rows went bad. No 5xx among 3 requests from 2026-11-21 13:00 to 13:00:02 UTC; nothing to attribute. The side log has 3 rows.", hints ["side: look aside"]`,
		`fake lb/e: 2 objects, 1 requests, 0 other logs, parts 0, headline "", summary "No 5xx among 1 requests from 2026-11-21 13:00 to 13:00 UTC; nothing to attribute.", hints []`,
		`side lb/c: 1 objects, 0 requests, 2 other logs, parts 1, headline "", summary "The side log has 2 rows.", hints ["side: look aside"]`,
	}
	if want != strings.Join(wantLines, "\n") {
		t.Fatalf("reports:\n%s\nwant\n%s", want, strings.Join(wantLines, "\n"))
	}
}
