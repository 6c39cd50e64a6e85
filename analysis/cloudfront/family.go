// Package cloudfront is the CloudFront access-log family: the
// classification of every 5xx by the CloudFront rules of docs/taxonomy.md,
// the consumer of the batches of parser/cloudfront, the aggregates only
// CloudFront has (edge locations, distributions, hosts, result types, cache
// hits and misses) and the findings they support. Register it with
// Family{}.
package cloudfront

import (
	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	cfparser "github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Family is the CloudFront access-log family.
type Family struct{}

var _ analysis.Family = Family{}

// Decoder returns the CloudFront decoder.
func (Family) Decoder() parser.Decoder { return cfparser.Decoder{} }

// Taxonomy returns the CloudFront causes, domains and context keys.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

// Columns returns the columns the consumer reads.
func (Family) Columns() []string { return cfparser.TriageColumns }

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns the CloudFront aggregates of one subject.
func (Family) NewState() analysis.State { return newState() }

// Report adds the "cloudfront" object and its section.
func (Family) Report(a *analysis.Aggregator, r *analysis.Report) {
	r.AddPart(Part(a.State().(*state).figures()))
}

// Verdict adds the findings on hosts whose cache misses fail, edge
// locations, origin timeouts and cached errors.
func (Family) Verdict(a *analysis.Aggregator, _ *analysis.Report, ranked []analysis.CauseID) analysis.VerdictPart {
	f, where, sum := findings(a, a.State().(*state), ranked)
	return analysis.VerdictPart{Findings: f, Where: where, Summary: sum}
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string { return "an expired origin certificate" }

// Sample returns the demo's CloudFront incident
// (gen.SampleCloudFrontIncident): CloudFront in front of an ALB whose
// origin certificate expired.
func (Family) Sample() (*analysis.Sample, error) {
	objs, truth, err := gen.CloudFrontObjects(gen.SampleCloudFrontIncident())
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

// isOrigin tells the causes of the origin domain.
var isOrigin = func() (out [analysis.MaxCauses]bool) {
	for i, c := range taxonomy.Causes {
		out[i+1] = c.Domain == domOrigin
	}
	return out
}()
