// Package nlb is the Network Load Balancer TLS access-log family: every
// line is one TLS connection, which failed when its handshake did not
// complete (docs/taxonomy.md, "Connection-level logs"). Its reports count
// connections and failed handshakes by the client's TLS alert, per client,
// listener, node and certificate served, with the machinery of
// analysis/connlog, and their verdict names the reason, the failing
// clients, the listener and the window: "after the certificate of listener
// … changed at 13:10, 87 clients reject it with TLS alert 48 unknown_ca".
// Register it with Family{}.
package nlb

import (
	"slices"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

// Family is the NLB TLS access-log family.
type Family struct{}

var _ analysis.Family = Family{}

// Decoder returns the NLB decoder.
func (Family) Decoder() parser.Decoder { return nlbparser.Decoder{} }

// Taxonomy returns the NLB vocabulary: no cause (its rows have no HTTP
// status), its words and titles.
func (Family) Taxonomy() *analysis.Taxonomy { return taxonomy }

// Columns returns the columns the consumer reads: the triage columns, the
// load balancer and when each connection began.
func (Family) Columns() []string { return columnsRead }

var columnsRead = append(slices.Clone(nlbparser.TriageColumns), nlbparser.ColELB, nlbparser.ColTLSConnectionCreationTime)

// NewConsumer returns a consumer for one worker.
func (Family) NewConsumer() analysis.Consumer { return &consumer{} }

// NewState returns the connection aggregates of one load balancer.
func (Family) NewState() analysis.State { return connlog.New() }

// Report adds the "connections" object and section.
func (Family) Report(a *analysis.Aggregator, r *analysis.Report) {
	r.AddPart(connlog.Of(a).Part(a.Options().Top, vocabulary{}, 0))
}

// Verdict leads the report with the connections' verdict.
func (Family) Verdict(a *analysis.Aggregator, r *analysis.Report, _ []analysis.CauseID) analysis.VerdictPart {
	p, _ := connlog.Of(a).Verdict(vocabulary{}, r)
	return p
}

// SampleAbout says what goes wrong in the sample incident.
func (Family) SampleAbout() string { return "a new listener certificate that older clients reject" }

// Sample returns the demo's NLB incident (gen.SampleNLBIncident): the
// certificate of a TLS listener changes to one that older clients reject
// with TLS alert 48, unknown_ca.
func (Family) Sample() (*analysis.Sample, error) {
	objs, truth, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		return nil, err
	}
	s := &analysis.Sample{
		Lines: truth.Connections, First: analysis.TimeOf(truth.First), Last: analysis.TimeOf(truth.Last),
	}
	for _, o := range objs {
		s.Objects = append(s.Objects, analysis.SampleObject{Key: o.Key, Data: o.Data})
	}
	return s, nil
}
