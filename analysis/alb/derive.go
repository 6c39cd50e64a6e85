package alb

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
)

var _ analysis.Deriver = Family{}

// NewRowDeriver returns what derives the lake's columns of ALB rows: the
// cause by the consumer's own classifier, the duration as time minus
// request_creation_time, and the target.
func (Family) NewRowDeriver() analysis.RowDeriver { return &deriver{} }

type deriver struct {
	c    columns
	todo []int32
}

func (k *deriver) Derive(rec arrow.RecordBatch, d *analysis.Derived) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }()
	n := int(rec.NumRows())
	d.Reset(n)
	k.todo = classifyBatch(c, n, d.Causes, k.todo)
	times := c.time.Values()
	for i := range n {
		d.Durations[i] = math.NaN()
		if c.rct != nil && c.rct.IsValid(i) && c.time.IsValid(i) {
			d.Durations[i] = float64(int64(times[i])-int64(c.rct.Value(i))) / 1e6
		}
		d.Targets[i] = analysis.Str(c.targetIP, i)
	}
	return nil
}
