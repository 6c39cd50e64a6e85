// Package albconn is the ALB connection-log family: every line is one
// client connection to an Application Load Balancer, which failed when its
// TLS handshake or mutual-TLS verification did not succeed
// (tls_verify_status "Failed:<code>", docs/taxonomy.md "Connection-level
// logs"). It counts connections and failures by verification code, per
// client, listener port and node, with the machinery of analysis/connlog,
// and its verdict names the failing clients, the code, the port and the
// window: "2 clients cannot connect: they fail ClientCertExpired on port
// 8443 since 13:00".
//
// It is a companion of the ALB access-log family: read with the access
// logs of the same load balancer, its part joins their report, with the
// requests per connection; read alone, it makes a report of its own.
// Register it with Family{}, after the access-log family.
package albconn

import (
	"slices"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	connparser "github.com/lbtriage/lbtriage/parser/albconn"
)

// Family is the ALB connection-log family.
type Family struct{}

var _ analysis.Companion = Family{}

// Decoder returns the connection-log decoder.
func (Family) Decoder() parser.Decoder { return connparser.Decoder{} }

// Taxonomy returns the connection-log vocabulary: no cause (its rows have
// no HTTP status), its words and titles.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

// Columns returns the columns the consumer reads: the triage columns and
// the load balancer.
func (Family) Columns() []string { return columnsRead }

var columnsRead = append(slices.Clone(connparser.TriageColumns), connparser.ColELB)

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns the connection aggregates of one load balancer.
func (Family) NewState() analysis.State { return connlog.New() }

// Companion marks the family as a companion of the access logs.
func (Family) Companion() {}

// Report adds the "connections" object and section; with the access logs
// of the same load balancer (a report with requests), the requests per
// connection.
func (Family) Report(a *analysis.Aggregator, r *analysis.Report) {
	r.AddPart(connlog.Of(a).Part(a.Options().Top, vocabulary{}, r.Requests))
}

// Verdict leads a report without 5xx with the connections' verdict when
// connections fail; beside the 5xx of the access logs, its sentences
// follow theirs.
func (Family) Verdict(a *analysis.Aggregator, r *analysis.Report, _ []analysis.CauseID) analysis.VerdictPart {
	p, fault := connlog.Of(a).Verdict(vocabulary{}, r)
	switch {
	case r.Requests == 0:
		return p
	case !fault:
		return analysis.VerdictPart{} // the access logs tell the story
	case r.Errors.Total5xx > 0:
		return connlog.Follow(p)
	}
	return p
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string {
	return "partners whose client certificates expired, unseen in the access logs"
}

// Sample returns the demo's connection-log incident
// (gen.SamplePartnerTLSIncident): two partners whose client certificates
// expired at 13:00 can no longer connect to the mutual-TLS listener, while
// the access logs of the same load balancer, in the sample too, look
// normal. The two make one report.
func (Family) Sample() (*analysis.Sample, error) {
	objs, truth, access, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		return nil, err
	}
	first, last := truth.First, truth.Last
	if access.First.Before(first) {
		first = access.First
	}
	if access.Last.After(last) {
		last = access.Last
	}
	s := &analysis.Sample{
		Lines: truth.Connections + access.Rows, First: analysis.TimeOf(first), Last: analysis.TimeOf(last),
	}
	for _, o := range objs {
		s.Objects = append(s.Objects, analysis.SampleObject{Key: o.Key, Data: o.Data})
	}
	return s, nil
}
