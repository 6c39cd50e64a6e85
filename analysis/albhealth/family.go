// Package albhealth is the ALB health-check log family: per target,
// reason, status code and node, the checks and their failures; when each
// node took each target out and put it back, by the target group's
// thresholds; flapping; and the windows in which every target of a group
// was out, so that the load balancer failed open. It reads the batches of
// parser/albhealth.
//
// The family is a companion (analysis.Companion): the health checks of a
// load balancer whose access logs are read too join its access report, as
// a "health" part, and weigh in its verdict; read alone, they make a
// report of their own. Register it with Family{} after the ALB family.
package albhealth

import (
	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
)

// Family is the ALB health-check log family.
type Family struct {
	// UnhealthyThreshold and HealthyThreshold are the target groups'
	// UnhealthyThresholdCount and HealthyThresholdCount (2 to 10), which
	// the logs do not carry; 0 assumes AWS's defaults,
	// DefaultUnhealthyThreshold and DefaultHealthyThreshold.
	UnhealthyThreshold, HealthyThreshold int
}

var (
	_ analysis.Family    = Family{}
	_ analysis.Companion = Family{}
	_ analysis.Sampler   = Family{}
)

// Companion marks the family as a companion of the access-log family of
// the same load balancers.
func (Family) Companion() {}

// Decoder returns the health-check decoder.
func (Family) Decoder() parser.Decoder { return albhealth.Decoder{} }

// Taxonomy returns the family's vocabulary: no causes (a health check is
// no request), the targets' domain.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

var taxonomy = &analysis.Taxonomy{
	Name:   "ALB health-check",
	Title:  "Application Load Balancer health-check logs",
	Target: analysis.Noun{One: "target", Many: "targets"},
	Domains: []analysis.Domain{
		{Key: "target", Title: "target", Role: "the targets", Side: "the targets' side", Party: analysis.PartyBackend},
	},
	Tables: []string{tableFailures, tableFailOpen, tableTargets, tableUnhealthy, tableNodes},
}

// The CSV tables of the health part (-o csv --table NAME).
const (
	tableFailures  = "health-failures"
	tableFailOpen  = "health-fail-open"
	tableTargets   = "health-targets"
	tableUnhealthy = "health-unhealthy"
	tableNodes     = "health-nodes"
)

// Columns returns the columns the consumer reads.
func (Family) Columns() []string { return columnsRead }

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns the health figures of one load balancer.
func (f Family) NewState() analysis.State { return newState(f.thresholds(), 0) }

// thresholds returns the family's thresholds, defaults filled in, each
// within the range AWS allows.
func (f Family) thresholds() thresholds {
	t := thresholds{unhealthy: DefaultUnhealthyThreshold, healthy: DefaultHealthyThreshold}
	if f.UnhealthyThreshold > 0 {
		t.unhealthy = int64(min(f.UnhealthyThreshold, maxThreshold))
	}
	if f.HealthyThreshold > 0 {
		t.healthy = int64(min(f.HealthyThreshold, maxThreshold))
	}
	return t
}

// assumed reports whether the thresholds are the defaults.
func (f Family) assumed() bool { return f.UnhealthyThreshold <= 0 && f.HealthyThreshold <= 0 }

// Report adds the "health" object and its section to r: the access
// report of the same load balancer, or the family's own.
func (f Family) Report(a *analysis.Aggregator, r *analysis.Report) {
	r.AddPart(Part(f.figuresOf(a), r.BucketSeconds))
}

// Verdict weighs the health checks: it leads when the targets fail their
// checks while the access logs look normal, corroborates a burst of the
// targets' 5xx with their failed checks in the same minutes, and says
// what the checks show otherwise.
func (f Family) Verdict(a *analysis.Aggregator, r *analysis.Report, _ []analysis.CauseID) analysis.VerdictPart {
	return verdict(f.figuresOf(a), r)
}

// figuresOf returns the figures of a's state, computed once.
func (f Family) figuresOf(a *analysis.Aggregator) *Figures {
	s := a.State().(*state)
	if s.fig == nil {
		s.fig = s.figures(f.assumed())
	}
	return s.fig
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string { return "every target failing a health check that answers 299" }

// Sample returns the demo's health-check incident
// (gen.SampleHealthIncident): the access and health-check logs of a load
// balancer whose targets answer their health check with 299 where the
// matcher expects 200.
func (Family) Sample() (*analysis.Sample, error) {
	objs, at, ht, err := gen.StoryObjects(gen.SampleHealthIncident())
	if err != nil {
		return nil, err
	}
	s := &analysis.Sample{
		Lines: at.Rows + ht.Checks,
	}
	if ht.First.Before(at.First) {
		s.First = analysis.TimeOf(ht.First)
	} else {
		s.First = analysis.TimeOf(at.First)
	}
	if ht.Last.After(at.Last) {
		s.Last = analysis.TimeOf(ht.Last)
	} else {
		s.Last = analysis.TimeOf(at.Last)
	}
	for _, o := range objs {
		s.Objects = append(s.Objects, analysis.SampleObject{Key: o.Key, Data: o.Data})
	}
	return s, nil
}
