package albconn_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	connfam "github.com/lbtriage/lbtriage/analysis/albconn"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/analysis/connlog/connlogtest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser"
)

// reg reads access and connection logs, as lbtriage does: the connection
// family is the access family's companion.
var reg = analysis.MustRegistry(albfam.Family{}, connfam.Family{})

// analyze scans generated objects with the given worker count and builds
// the reports.
func analyze(t testing.TB, objs []gen.Object, workers int, opts analysis.Options) []*analysis.Report {
	t.Helper()
	objects, skipped := analysistest.Objects(reg, objs)
	return analysistest.Scan(t, reg, objects, skipped, workers, opts)
}

// connOnly keeps the connection-log objects.
func connOnly(objs []gen.Object) []gen.Object {
	var out []gen.Object
	for _, o := range objs {
		if strings.Contains(o.Key, "/conn_log_") {
			out = append(out, o)
		}
	}
	return out
}

// truthOf turns the connection-log truth into the shared check's.
func truthOf(tr *gen.ConnTruth) connlogtest.Truth {
	listeners := map[string]*gen.ConnCounts{}
	for port, c := range tr.Listeners {
		listeners[strconv.Itoa(port)] = c
	}
	return connlogtest.Truth{
		Connections: tr.Connections, Failed: tr.Failed, Reasons: tr.Reasons,
		Clients: tr.Clients, Listeners: listeners, Nodes: tr.Nodes, Minutes: tr.Minutes,
	}
}

// expired returns the truth of the sample's expiries: the clients whose
// certificates expired, their failures and when the certificates expired.
func expired(t *testing.T, tr *gen.ConnTruth) (clients []string, failed int) {
	t.Helper()
	for _, in := range tr.Incidents {
		if in.Reason == gen.ConnCertExpired {
			clients = append(clients, in.Clients...)
			failed += in.Failed
		}
	}
	if len(clients) != 2 || failed != tr.Reasons[gen.ConnCertExpired] {
		t.Fatalf("the sample's expiries: %v, %d failures of %d", clients, failed, tr.Reasons[gen.ConnCertExpired])
	}
	return clients, failed
}

// TestSampleAlone_MatchesTruth reads the connection logs of the demo's
// incident alone (partners whose client certificates expired at 13:00):
// they make a report of their own whose counts equal the generator's truth
// and whose verdict names the code, the clients, the port and the time.
func TestSampleAlone_MatchesTruth(t *testing.T) {
	objs, truth, _, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, connOnly(objs), 4, analysis.Options{})
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	rep := reps[0]
	if rep.Format != "alb_conn" || rep.LoadBalancer == nil || rep.LoadBalancer.Name != "shop-prod-alb" {
		t.Fatalf("format %q, load balancer %+v", rep.Format, rep.LoadBalancer)
	}
	if rep.Requests != 0 || rep.Lines.OtherLogs != int64(truth.Connections) || rep.Lines.Parsed != int64(truth.Connections) {
		t.Fatalf("%d requests, lines %+v; want %d connections", rep.Requests, rep.Lines, truth.Connections)
	}
	f := connlogtest.Figures(t, rep)
	connlogtest.Check(t, f, truthOf(truth))
	if f.RequestsPerConnection != nil {
		t.Errorf("requests per connection %+v without access logs", f.RequestsPerConnection)
	}

	clients, failed := expired(t, truth)
	v := rep.Verdict
	if v.Headline != "2 clients cannot connect: ClientCertExpired on port 8443" {
		t.Errorf("headline %q", v.Headline)
	}
	for _, want := range []string{
		"2 clients cannot connect: " + clients[0] + " (Contoso Payments, certificate expired 13:00) and " + clients[1] + " (Tailspin Travel, certificate expired 13:00)",
		"fail ClientCertExpired on port 8443 since 13:00 UTC on 2026-11-20 (" + numfmt.Int(int64(failed)) + " failed connections",
		"no access log shows them",
	} {
		if !strings.Contains(v.Summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, v.Summary)
		}
	}
	findings := strings.Join(v.Findings, "\n")
	for _, want := range []string{"No ClientCertExpired failure on port 443", "24 ClientCertUntrusted failures", "from 3 clients"} {
		if !strings.Contains(findings, want) {
			t.Errorf("findings lack %q:\n%s", want, findings)
		}
	}
	if len(v.Hints) == 0 || !strings.Contains(v.Hints[0], "renew") {
		t.Errorf("hints %q", v.Hints)
	}
	for _, c := range f.Clients {
		if c.Client == clients[0] && (c.NotAfter.IsZero() || c.NotAfter.Hour() != 13 || !strings.Contains(c.Certificate, "O=Contoso Payments")) {
			t.Errorf("client %s: certificate %q, not after %v", c.Client, c.Certificate, c.NotAfter)
		}
	}
}

// TestSampleWithAccessLogs: read with the access logs of the same load
// balancer, the connections join the access report (one load balancer, one
// story): its part relates the requests to the connections, and with no
// 5xx its verdict leads.
func TestSampleWithAccessLogs(t *testing.T) {
	objs, truth, access, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, objs, 4, analysis.Options{})
	if len(reps) != 1 {
		t.Fatalf("%d reports, want 1", len(reps))
	}
	rep := reps[0]
	if rep.Format != "alb" || rep.Requests != int64(access.Rows) || rep.Lines.OtherLogs != int64(truth.Connections) {
		t.Fatalf("format %q, %d requests, %d other rows; want alb, %d, %d", rep.Format, rep.Requests, rep.Lines.OtherLogs, access.Rows, truth.Connections)
	}
	f := connlogtest.Figures(t, rep)
	connlogtest.Check(t, f, truthOf(truth))
	pc := f.RequestsPerConnection
	if pc == nil || pc.Requests != int64(truth.Requests) || pc.Connections != int64(truth.Connections-truth.RequestsPerConn[0]) {
		t.Fatalf("requests per connection %+v; want %d requests over %d connections", pc, truth.Requests, truth.Connections-truth.RequestsPerConn[0])
	}
	if rep.Errors.Total5xx != 0 {
		t.Fatalf("%d 5xx in the sample's access logs", rep.Errors.Total5xx)
	}
	clients, _ := expired(t, truth)
	if v := rep.Verdict; !strings.HasPrefix(v.Summary, "2 clients cannot connect: "+clients[0]) || !strings.Contains(v.Summary, "No 5xx among") ||
		v.Headline != "2 clients cannot connect: ClientCertExpired on port 8443" {
		t.Errorf("verdict %q:\n%s", v.Headline, v.Summary)
	}
}

// TestReport_IndependentOfWorkersAndOrder reads the sample with one and
// with four workers, and with its objects shuffled: the JSON reports are
// identical.
func TestReport_IndependentOfWorkersAndOrder(t *testing.T) {
	objs, _, _, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	encode := func(reps []*analysis.Report) []byte {
		b, err := json.Marshal(reps)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, set := range [][]gen.Object{connOnly(objs), objs} {
		want := encode(analyze(t, set, 1, analysis.Options{}))
		shuffled := append([]gen.Object(nil), set...)
		rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if got := encode(analyze(t, shuffled, 4, analysis.Options{})); !bytes.Equal(got, want) {
			t.Fatalf("4 workers over shuffled objects: the JSON reports differ")
		}
	}
}

// TestConsume_NoAllocations: once its keys are known, the family adds a
// batch without allocating.
func TestConsume_NoAllocations(t *testing.T) {
	objs, _, _, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	if n := analysistest.ConsumeAllocs(t, connfam.Family{}, gunzipAll(t, connOnly(objs)), parser.Source{Name: "x"}); n > 0 {
		t.Fatalf("%.1f allocations per batch", n)
	}
}

// gunzipAll returns the text of gzip objects, one after the other.
func gunzipAll(t testing.TB, objs []gen.Object) []byte {
	t.Helper()
	var out []byte
	for _, o := range objs {
		zr, err := gzip.NewReader(bytes.NewReader(o.Data))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}

// TestPartnersUntrusted: partners that rotated to certificates of an
// authority the trust store lacks are named with the code.
func TestPartnersUntrusted(t *testing.T) {
	sc := gen.SamplePartnerTLSIncident()
	start := sc.ALB.Start.Add(20 * time.Minute)
	sc.Incidents = append(sc.Incidents, gen.ConnIncident{Name: "rotated to a new CA", Reason: gen.ConnCertUntrusted,
		Start: start, End: sc.ALB.Start.Add(45 * time.Minute), Partners: []string{"Northwind Logistics", "Fabrikam Freight", "Adventure Works"}})
	for i := range sc.Partners {
		sc.Partners[i].NotAfter = sc.Partners[i].NotAfter.AddDate(1, 0, 0) // no expiry
	}
	objs, truth, _, err := gen.ConnObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, connOnly(objs), 2, analysis.Options{})
	f := connlogtest.Figures(t, reps[0])
	connlogtest.Check(t, f, truthOf(truth))
	// The partners and the stray devices of the sample fail alike.
	v := reps[0].Verdict
	if want := "6 clients cannot connect: they fail ClientCertUntrusted on port 8443 since 12:5"; !strings.Contains(v.Summary, want) {
		t.Errorf("summary lacks %q:\n%s", want, v.Summary)
	}
	for _, want := range []string{"203.0.113.11 (Northwind Logistics): ", "203.0.113.36 (Fabrikam Freight): ", "203.0.113.42 (Adventure Works): "} {
		if !strings.Contains(v.Findings[0], want) {
			t.Errorf("findings lack %q:\n%s", want, v.Findings[0])
		}
	}
}

// TestDocsTaxonomyCodes: docs/taxonomy.md lists every verification code
// the family describes.
func TestDocsTaxonomyCodes(t *testing.T) {
	doc, err := os.ReadFile("../../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range connfam.Codes() {
		if code != connfam.ReasonHandshakeIncomplete && !strings.Contains(string(doc), "| `"+code+"` |") {
			t.Errorf("docs/taxonomy.md lacks the code %s", code)
		}
	}
}

// TestWithAccess5xx: beside 5xx in the access logs, the connections'
// story follows the 5xx verdict rather than leading it.
func TestWithAccess5xx(t *testing.T) {
	sc := gen.SamplePartnerTLSIncident()
	sc.ALB.Incidents = append(sc.ALB.Incidents, gen.KeepAlive502(sc.ALB.Start.Add(10*time.Minute), sc.ALB.Start.Add(20*time.Minute), 0.2))
	objs, _, _, err := gen.ConnObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	reps := analyze(t, objs, 2, analysis.Options{})
	if len(reps) != 1 || reps[0].Errors.Total5xx == 0 {
		t.Fatalf("%d reports", len(reps))
	}
	v := reps[0].Verdict
	if v.Headline != "" || v.PrimaryCause == nil || !strings.Contains(v.Summary, "target.connection_error") ||
		!strings.Contains(v.Summary, ". 2 clients cannot connect: ") {
		t.Errorf("verdict %q, %v:\n%s", v.Headline, v.PrimaryCause, v.Summary)
	}
}
