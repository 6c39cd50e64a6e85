package alb

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/analysis"
)

// consumeALB classifies a batch column at a time (classifyBatch). This
// file keeps the row-at-a-time alternative it was measured against, which
// reads every field of a 5xx row before applying the rules in order. Run with:
//
//	go test -run '^$' -bench Classify -count 6 ./analysis/alb/ > new.txt; benchstat old.txt new.txt

// classifyRows classifies every 5xx row of the bound batch, row by row, as
// the consumer once did.
func classifyRows(c *columns, n int, out []analysis.CauseID) {
	elbs := c.elb.Values()
	targets := c.target.Values()
	tpts := c.tpt.Values()
	times, rcts := c.time.Values(), c.rct.Values()
	var row fields
	for i := 0; i < n; i++ {
		out[i] = 0
		if !c.elb.IsValid(i) || elbs[i] < 500 || elbs[i] > 599 {
			continue
		}
		row = fields{elb: elbs[i]}
		if c.target.IsValid(i) {
			row.targetAnswer, row.target = true, targets[i]
		}
		row.targetSet = c.targetIP.IsValid(i)
		row.tptKnown = c.tpt.IsValid(i) && tpts[i] >= 0
		if c.rct.IsValid(i) {
			row.hasDuration = true
			row.duration = float64(int64(times[i])-int64(rcts[i])) / 1e6
		}
		row.actions = analysis.Str(c.actions, i)
		row.errorReason = analysis.Str(c.errorReason, i)
		out[i] = classifyRow(&row)
	}
}

// classifyBenchRows returns n rows with the given share of 5xx, spread over
// every rule.
func classifyBenchRows(n int, share5xx float64) []row {
	templates := []row{
		with(lbRow(502), func(r *row) { r.reason = "LambdaUnhandled" }),
		with(lbRow(502), func(r *row) { r.reason = "LambdaServiceException" }),
		with(lbRow(561), func(r *row) { r.reason = "AuthTokenEpRequestFailed" }),
		with(lbRow(500), func(r *row) { r.actions = "waf-failed" }),
		with(lbRow(503), func(r *row) { r.actions = "fixed-response" }),
		lbRow(501),
		with(tgRow(500, 0.2, 0.2), func(r *row) { r.tstatus = 500 }),
		with(tgRow(502, 0.2, 0.2), func(r *row) { r.tstatus = 200 }),
		tgRow(502, -1, 0.001), tgRow(502, -1, 0.001), tgRow(502, -1, 0.001), tgRow(502, -1, 0.001),
		tgRow(502, 0.1, 0.1),
		tgRow(504, -1, 10.0), tgRow(504, -1, 60.0),
		tgRow(500, -1, 0.1),
		lbRow(503), lbRow(500),
	}
	rows := make([]row, n)
	step := int(1 / share5xx)
	for i := range rows {
		if i%step == 0 {
			rows[i] = templates[(i/step)%len(templates)]
		} else {
			rows[i] = okRow(t0.Add(time.Duration(i)*time.Millisecond), "10.0.1.5")
		}
	}
	return rows
}

func TestClassifyColumns_SameAsRows(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := buildBatch(t, mem, classifyBenchRows(5000, 0.5))
	defer rec.Release()
	var c columns
	if err := c.bind(rec); err != nil {
		t.Fatal(err)
	}
	n := int(rec.NumRows())
	a, b := make([]analysis.CauseID, n), make([]analysis.CauseID, n)
	classifyRows(&c, n, a)
	classifyBatch(&c, n, b, nil)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: rows %d, columns %d", i, a[i], b[i])
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	for _, share := range []float64{1, 0.02} {
		mem := memory.NewGoAllocator()
		rec := buildBatch(b, mem, classifyBenchRows(parserBatch, share))
		var c columns
		if err := c.bind(rec); err != nil {
			b.Fatal(err)
		}
		n := int(rec.NumRows())
		out := make([]analysis.CauseID, n)
		todo := make([]int32, 0, n)
		b.Run(fmt.Sprintf("5xx=%g/style=rows", share), func(b *testing.B) {
			for b.Loop() {
				classifyRows(&c, n, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/row")
		})
		b.Run(fmt.Sprintf("5xx=%g/style=columns", share), func(b *testing.B) {
			for b.Loop() {
				todo = classifyBatch(&c, n, out, todo)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*b.N), "ns/row")
		})
		rec.Release()
	}
}

// parserBatch is the decoder's default batch size.
const parserBatch = 64 * 1024
