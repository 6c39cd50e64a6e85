package clb

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
)

var _ analysis.Deriver = Family{}

// NewRowDeriver returns what derives the lake's columns of Classic rows:
// the cause by the consumer's own classifier, the duration as the sum of
// the three processing times, and the instance.
func (Family) NewRowDeriver() analysis.RowDeriver { return &deriver{} }

type deriver struct {
	c columns
}

// Derive fills d for rec. The duration is the load balancer's time on the
// line, request_processing_time + backend_processing_time +
// response_processing_time, NaN when one is -1; the target is the
// instance, of connections too.
func (k *deriver) Derive(rec arrow.RecordBatch, d *analysis.Derived) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }()
	n := int(rec.NumRows())
	d.Reset(n)
	classifyBatch(c, n, d.Causes)
	for i := range n {
		d.Durations[i] = math.NaN()
		if t, ok := processing(c, i); ok {
			d.Durations[i] = t
		}
		d.Targets[i] = analysis.Str(c.backendIP, i)
	}
	return nil
}

// processing returns the sum of row i's three processing times, and
// whether each is known.
func processing(c *columns, i int) (float64, bool) {
	var sum float64
	for _, a := range [...]*array.Float64{c.rpt, c.bpt, c.rspt} {
		if a == nil || !a.IsValid(i) || a.Value(i) < 0 {
			return 0, false
		}
		sum += a.Value(i)
	}
	return sum, true
}
