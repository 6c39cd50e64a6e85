package cloudfront

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
)

var _ analysis.Deriver = Family{}

// NewRowDeriver returns what derives the lake's columns of CloudFront rows:
// the cause by the consumer's own classifier and the duration from
// time-taken; CloudFront rows name no target.
func (Family) NewRowDeriver() analysis.RowDeriver { return &deriver{} }

type deriver struct{ c columns }

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
		if c.timeTaken != nil && c.timeTaken.IsValid(i) {
			d.Durations[i] = c.timeTaken.Value(i)
		}
		d.Targets[i] = ""
	}
	return nil
}
