package nlb_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/analysis/connlog/connlogtest"
	nlbfam "github.com/lbtriage/lbtriage/analysis/nlb"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// reg is the registry the tests read with: the NLB family alone.
var reg = analysis.MustRegistry(nlbfam.Family{})

// analyze scans generated objects with the given worker count and builds
// the one report they make.
func analyze(t testing.TB, objs []gen.Object, workers int, opts analysis.Options) *analysis.Report {
	t.Helper()
	objects, skipped := analysistest.Objects(reg, objs)
	return analysistest.Report(t, reg, objects, skipped, workers, opts)
}

// truthOf turns the NLB truth into the shared check's.
func truthOf(tr *gen.NLBTruth) connlogtest.Truth {
	return connlogtest.Truth{
		Connections: tr.Connections, Failed: tr.Failed, Reasons: tr.Reasons,
		Clients: tr.Clients, Listeners: tr.Listeners, Nodes: tr.Nodes, Minutes: tr.Minutes,
	}
}

// failingWith counts the clients of the truth with failures of reason.
func failingWith(tr *gen.NLBTruth, reason string) int {
	n := 0
	for _, c := range tr.Clients {
		if c.Reasons[reason] > 0 {
			n++
		}
	}
	return n
}

// TestSampleIncident_MatchesTruth reads the demo's incident (a new
// certificate on port 443 that older clients reject with TLS alert 48) and
// checks every count against the generator's truth, then the verdict: the
// cause, the listener, the change at 13:10, the clients.
func TestSampleIncident_MatchesTruth(t *testing.T) {
	objs, truth, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, objs, 4, analysis.Options{})
	if rep.Format != "nlb" || rep.LoadBalancer == nil || rep.LoadBalancer.Name != "partner-api-nlb" {
		t.Fatalf("format %q, load balancer %+v", rep.Format, rep.LoadBalancer)
	}
	if rep.Lines.Parsed != int64(truth.Connections) || rep.Lines.OtherLogs != int64(truth.Connections) || rep.Lines.Rejected != 0 || rep.Requests != 0 {
		t.Fatalf("lines %+v, requests %d; want %d parsed and no request", rep.Lines, rep.Requests, truth.Connections)
	}
	if !rep.TimeRange.First.Equal(truth.First) || !rep.TimeRange.Last.Equal(truth.Last) {
		t.Errorf("time range %v..%v, want %v..%v", rep.TimeRange.First, rep.TimeRange.Last, truth.First, truth.Last)
	}
	f := connlogtest.Figures(t, rep)
	connlogtest.Check(t, f, truthOf(truth))

	// Certificates: each (listener, certificate) pair sums to the truth's
	// per certificate.
	certs := map[string]*gen.ConnCounts{}
	for _, c := range f.Certificates {
		cc := certs[c.Certificate]
		if cc == nil {
			cc = &gen.ConnCounts{Reasons: map[string]int{}}
			certs[c.Certificate] = cc
		}
		cc.Connections += int(c.Connections)
		cc.Failed += int(c.Failed)
		for r, n := range c.ByReason {
			cc.Reasons[r] += int(n)
		}
	}
	for arn, w := range truth.Certs {
		if arn == "-" {
			continue // no certificate was chosen
		}
		g := certs[arn]
		if g == nil || g.Connections != w.Connections || g.Failed != w.Failed || g.Reasons["unknown_ca"] != w.Reasons["unknown_ca"] {
			t.Errorf("certificate %s: %+v, want %+v", arn, g, w)
		}
	}
	if len(certs) != len(truth.Certs)-1 {
		t.Errorf("%d certificates, want %d", len(certs), len(truth.Certs)-1)
	}

	// Handshake and connection times: the sketch's percentiles are within
	// its 1% relative accuracy of the truth's (nearest-rank, whole ms).
	near := func(what string, got float64, want int64) {
		t.Helper()
		if d := got - float64(want); d > 0.02*float64(want)+1 || -d > 0.02*float64(want)+1 {
			t.Errorf("%s = %.1f ms, want about %d", what, got, want)
		}
	}
	near("handshake p50", f.HandshakeMs.P50, truth.Handshake.P50)
	near("handshake p99", f.HandshakeMs.P99, truth.Handshake.P99)
	near("connection p50", f.ConnectionMs.P50, truth.Connection.P50)

	// The verdict.
	in := truth.Incidents[0]
	k := failingWith(truth, "unknown_ca")
	if k < 50 || f.PrimaryReason == nil || *f.PrimaryReason != "unknown_ca" {
		t.Fatalf("%d clients fail with unknown_ca; primary reason %v", k, f.PrimaryReason)
	}
	if w := f.Window; w == nil || !w.Start.Equal(in.Start) || w.End.Before(truth.Last) {
		t.Errorf("window %+v, want from %v to the end", f.Window, in.Start)
	}
	v := rep.Verdict
	if v.Headline == "" || v.PrimaryCause != nil {
		t.Errorf("headline %q, primary cause %v; want a headline and no 5xx cause", v.Headline, v.PrimaryCause)
	}
	for _, want := range []string{
		"After the certificate of listener " + in.Listener + " (port 443) changed at 13:10 UTC on 2026-11-20",
		itoa(k) + " clients reject it with TLS alert 48 unknown_ca",
		itoa(truth.Reasons["unknown_ca"]) + " failed connections since",
		"no access log shows them",
	} {
		if !strings.Contains(v.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, v.Summary)
		}
	}
	if !strings.Contains(v.Headline, "new certificate of listener "+in.Listener) {
		t.Errorf("headline %q", v.Headline)
	}
	findings := strings.Join(v.Findings, "\n")
	for _, want := range []string{
		"since 13:10:", "spread over every node (3)", "at most TLS 1.2",
		"No TLS alert 48 unknown_ca failure on listener b27d64e0c9a1f385 (port 8443)",
		itoa(truth.Reasons["handshake_incomplete"]) + " handshake_incomplete failures", "scanners",
	} {
		if !strings.Contains(findings, want) {
			t.Errorf("findings lack %q:\n%s", want, findings)
		}
	}
	if len(v.Hints) != 1 || !strings.Contains(v.Hints[0], "chain") {
		t.Errorf("hints %q", v.Hints)
	}
}

func itoa(n int) string { return numfmt.Int(int64(n)) }

// TestReport_IndependentOfWorkersAndOrder reads the sample with one and
// with four workers, and with its objects shuffled: the JSON reports are
// identical.
func TestReport_IndependentOfWorkersAndOrder(t *testing.T) {
	objs, _, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	encode := func(rep *analysis.Report) []byte {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	want := encode(analyze(t, objs, 1, analysis.Options{}))
	shuffled := append([]gen.Object(nil), objs...)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, workers := range []int{2, 4} {
		if got := encode(analyze(t, shuffled, workers, analysis.Options{})); !bytes.Equal(got, want) {
			t.Fatalf("%d workers over shuffled objects: the JSON report differs", workers)
		}
	}
}
