// Package clb is the Classic Load Balancer access-log family: the
// classification of every 5xx by the Classic rules of docs/taxonomy.md,
// the consumer of the batches of parser/clb, and what only Classic logs
// tell: their listeners, the TCP and SSL connections (lines without an
// HTTP status, never 5xx), the 5xx whose line names no instance, and the
// instance that most likely stayed silent past the idle timeout, named by
// its slow requests. Register it with Family{}.
package clb

import (
	"slices"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// Family is the Classic Load Balancer access-log family.
type Family struct{}

var _ analysis.Family = Family{}

// Decoder returns the Classic Load Balancer decoder.
func (Family) Decoder() parser.Decoder { return clbparser.Decoder{} }

// Taxonomy returns the Classic causes, domains and context keys.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

// Columns returns the columns the consumer reads: the triage columns and
// the load balancer.
func (Family) Columns() []string { return columnsRead }

var columnsRead = append(slices.Clone(clbparser.TriageColumns), clbparser.ColELB)

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns the Classic aggregates of one load balancer.
func (Family) NewState() analysis.State { return newState() }

// Report adds the "clb" object and its section.
func (Family) Report(a *analysis.Aggregator, r *analysis.Report) {
	r.AddPart(Part(a.State().(*state).figures(r, a.BucketUS())))
}

// Verdict names the instance of the timeouts by its slow requests, tells
// an outage of every instance from a full surge queue, says which 5xx name
// no instance, and notes the connections.
func (Family) Verdict(a *analysis.Aggregator, r *analysis.Report, ranked []analysis.CauseID) analysis.VerdictPart {
	return verdict(a, r, a.State().(*state), ranked)
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string {
	return "504s from an instance slower than the idle timeout, which the log does not name"
}

// Sample returns the demo's Classic incident (gen.SampleCLBIncident): an
// instance slower than the idle timeout after a release, whose 504s the
// log writes without naming it.
func (Family) Sample() (*analysis.Sample, error) {
	objs, truth, err := gen.CLBObjects(gen.SampleCLBIncident())
	if err != nil {
		return nil, err
	}
	s := &analysis.Sample{
		Lines: truth.Rows, First: analysis.TimeOf(truth.First), Last: analysis.TimeOf(truth.Last),
	}
	for _, o := range objs {
		s.Objects = append(s.Objects, analysis.SampleObject{Key: o.Key, Data: o.Data})
	}
	return s, nil
}
