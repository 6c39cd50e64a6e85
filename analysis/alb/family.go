// Package alb is the Application Load Balancer access-log family: the
// classification of every 5xx by the ALB rules of docs/taxonomy.md, and the
// consumer of the batches of parser/alb. Register it with Family{}.
package alb

import (
	"fmt"
	"slices"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser"
	albparser "github.com/lbtriage/lbtriage/parser/alb"
)

// Family is the ALB access-log family.
type Family struct{}

var _ analysis.Family = Family{}

// Decoder returns the ALB decoder.
func (Family) Decoder() parser.Decoder { return albparser.Decoder{} }

// Taxonomy returns the ALB causes, domains and context keys.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

// Columns returns the columns the consumer reads: the triage columns and
// the load balancer.
func (Family) Columns() []string { return columnsRead }

var columnsRead = append(slices.Clone(albparser.TriageColumns), albparser.ColELB)

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns nil: ALB keeps nothing beside the shared aggregates.
func (Family) NewState() analysis.State { return nil }

// Report adds nothing: an ALB report is made of the shared figures.
func (Family) Report(*analysis.Aggregator, *analysis.Report) {}

// Verdict notes the 5xx that listener rules send on purpose.
func (Family) Verdict(a *analysis.Aggregator, _ *analysis.Report, _ []analysis.CauseID) analysis.VerdictPart {
	var p analysis.VerdictPart
	if n := a.CauseCount(idFixedResponse); n > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf(
			"%s of the 5xx (%s) are fixed responses that a listener rule is configured to send (%s): on purpose, not a fault of the load balancer or the targets.",
			numfmt.Int(n), analysis.Pct(n, a.Total5xx()), CauseFixedResponse))
	}
	return p
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string { return "502s from targets whose keep-alive timeout is too short" }

// Sample returns the demo's ALB incident (gen.SampleIncident): targets of
// one subnet whose keep-alive timeout is shorter than the load balancer's
// idle timeout.
func (Family) Sample() (*analysis.Sample, error) {
	objs, truth, err := gen.ALBObjects(gen.SampleIncident())
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
