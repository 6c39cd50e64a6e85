package nlb_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/analysis/connlog/connlogtest"
	nlbfam "github.com/lbtriage/lbtriage/analysis/nlb"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

var hour = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// TestLayouts: version 1.0 lines (18 fields) and version 2.0 lines without
// the connection's start (21 fields) give the same exact counts, and the
// certificate change is still found from the connection times.
func TestLayouts(t *testing.T) {
	for _, layout := range []int{gen.NLBLayout18, gen.NLBLayout21} {
		sc := gen.SampleNLBIncident()
		sc.Layout = layout
		objs, truth, err := gen.NLBObjects(sc)
		if err != nil {
			t.Fatal(err)
		}
		rep := analyze(t, objs, 2, analysis.Options{})
		connlogtest.Check(t, connlogtest.Figures(t, rep), truthOf(truth))
		if !strings.Contains(rep.Verdict.Summary, "changed at 13:10 UTC") {
			t.Errorf("layout %d: summary %q", layout, rep.Verdict.Summary)
		}
	}
}

// TestIncidents: handshakes that time out on one node, and a burst of
// protocol_version alerts from older clients on one listener: exact
// counts, and verdicts that name the reason, the node or the listener and
// the window.
func TestIncidents(t *testing.T) {
	f := func(in gen.NLBIncident, lead []string, findings ...string) {
		t.Helper()
		sc := &gen.NLBScenario{Seed: 5, Start: hour, End: hour.Add(time.Hour), Connections: 12000, Incidents: []gen.NLBIncident{in}}
		objs, truth, err := gen.NLBObjects(sc)
		if err != nil {
			t.Fatal(err)
		}
		rep := analyze(t, objs, 3, analysis.Options{})
		connlogtest.Check(t, connlogtest.Figures(t, rep), truthOf(truth))
		v := rep.Verdict
		for _, want := range lead {
			if !strings.Contains(v.Summary, want) {
				t.Errorf("%s: summary lacks %q:\n%s", in.Name, want, v.Summary)
			}
		}
		all := strings.Join(v.Findings, "\n")
		for _, want := range findings {
			if !strings.Contains(all, want) {
				t.Errorf("%s: findings lack %q:\n%s", in.Name, want, all)
			}
		}
	}
	f(gen.NLBIncident{Name: "timeouts on one node", Kind: gen.NLBHandshakeTimeout, Start: hour.Add(20 * time.Minute), End: hour.Add(40 * time.Minute),
		Rate: 0.5, Node: "10.0.2.37"},
		[]string{"fail with handshake_incomplete on 2 listeners from 09:20 to 09:4", "The handshake did not complete"},
		"Node 10.0.2.37 carries")
	f(gen.NLBIncident{Name: "policy change", Kind: gen.NLBClientAlert, Alert: 70, Start: hour.Add(30 * time.Minute), End: hour.Add(time.Hour),
		Rate: 1, Legacy: true, Port: 8443},
		[]string{"fail with TLS alert 70 protocol_version on listener b27d64e0c9a1f385 (port 8443) since 09:30 UTC on 2026-11-21",
			"The client does not support the TLS versions the listener's security policy allows."},
		"at most TLS 1.2", "spread over every node (3)")
}

// TestHealthy: with scanners only, the failures are a steady trickle and
// the verdict says nothing stands out.
func TestHealthy(t *testing.T) {
	objs, truth, err := gen.NLBObjects(&gen.NLBScenario{Seed: 6, Start: hour, End: hour.Add(time.Hour), Connections: 8000})
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, objs, 2, analysis.Options{})
	connlogtest.Check(t, connlogtest.Figures(t, rep), truthOf(truth))
	if v := rep.Verdict; !strings.HasPrefix(v.Headline, "No connection failure stands out") || !strings.Contains(strings.Join(v.Findings, " "), "scanners") {
		t.Errorf("verdict %q: %s %q", v.Headline, v.Summary, v.Findings)
	}
}

// TestWindow: --since and --until keep the connections of the window; the
// rest count as outside it.
func TestWindow(t *testing.T) {
	objs, truth, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	since, until := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC)
	rep := analyze(t, objs, 2, analysis.Options{Since: since, Until: until})
	var want gen.ConnCounts
	for m, c := range truth.Minutes {
		if at := time.Unix(m, 0); !at.Before(since) && at.Before(until) {
			want.Connections += c.Connections
			want.Failed += c.Failed
		}
	}
	f := connlogtest.Figures(t, rep)
	if f.Total != int64(want.Connections) || f.Failed != int64(want.Failed) || rep.Lines.OutsideWindow != int64(truth.Connections-want.Connections) {
		t.Fatalf("window: %d connections, %d failed, %d outside; want %d, %d, %d", f.Total, f.Failed, rep.Lines.OutsideWindow,
			want.Connections, want.Failed, truth.Connections-want.Connections)
	}
	if !strings.Contains(rep.Verdict.Summary, "changed at 13:10") {
		t.Errorf("summary %q", rep.Verdict.Summary)
	}
}

// TestClientsCapped: with the client cap below the clients' number, the
// totals stay exact and the clients past it count under "(other)".
func TestClientsCapped(t *testing.T) {
	objs, truth, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, objs, 3, analysis.Options{MaxKeys: 50})
	f := connlogtest.Figures(t, rep)
	if f.Total != int64(truth.Connections) || f.Failed != int64(truth.Failed) || f.ClientsSeen != 50 {
		t.Fatalf("%d connections, %d failed, %d clients seen", f.Total, f.Failed, f.ClientsSeen)
	}
	var failed int64
	for _, c := range f.Clients {
		failed += c.Failed
	}
	if last := f.Clients[len(f.Clients)-1]; last.Client != analysis.OtherKey || failed != f.Failed {
		t.Fatalf("last client %q, clients' failures %d of %d", last.Client, failed, f.Failed)
	}
}

// peakHeap streams conns NLB lines through the decoder into one
// Aggregator and returns the largest live heap seen after a GC. The lines
// are those of one generated object of 20,000 connections, written again
// and again through an io.Pipe, so that the test holds the same data
// whatever the count.
func peakHeap(t *testing.T, data []byte, conns int, opts analysis.Options) (uint64, *analysis.Report) {
	t.Helper()
	pr, pw := io.Pipe()
	go func() {
		for n := 0; n < conns; n += 20_000 {
			if _, err := pw.Write(data); err != nil {
				return
			}
		}
		pw.Close()
	}()
	r, err := nlbparser.NewReader(pr, parser.Options{Columns: nlbfam.Family{}.Columns(), BatchSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(nlbfam.Family{}, opts)
	peak := analysistest.PeakHeap(t, r, func(rec arrow.RecordBatch) error { return a.Consume(parser.Source{Name: "pipe"}, rec) })
	return peak, analysis.BuildReport(a, analysis.Run{})
}

// TestAnalyze_MemoryBounded: the live heap does not grow with the input:
// 1,000,000 connections need no more memory than 20,000, the clients
// capped low so that the comparison is about the input size alone.
func TestAnalyze_MemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a million generated lines")
	}
	var data bytes.Buffer
	sc := gen.SampleNLBIncident()
	sc.Clients = 5000
	if _, err := gen.WriteNLB(&data, sc); err != nil {
		t.Fatal(err)
	}
	opts := analysis.Options{MaxKeys: 1000}
	small, _ := peakHeap(t, data.Bytes(), 20_000, opts)
	medium, _ := peakHeap(t, data.Bytes(), 100_000, opts)
	large, rep := peakHeap(t, data.Bytes(), 1_000_000, opts)
	mib := func(v uint64) float64 { return float64(v) / (1 << 20) }
	t.Logf("peak live heap: %.2f MiB for 20,000 connections, %.2f MiB for 100,000, %.2f MiB for 1,000,000", mib(small), mib(medium), mib(large))
	if f := connlogtest.Figures(t, rep); f.Total != 1_000_000 {
		t.Fatalf("read %d connections", f.Total)
	}
	if large > small+8<<20 || large > medium+medium/4+1<<20 {
		t.Fatalf("peak heap grew with the input: %.2f, %.2f, %.2f MiB", mib(small), mib(medium), mib(large))
	}
}

// TestConsume_NoAllocations: once its keys are known, the family adds a
// batch without allocating.
func TestConsume_NoAllocations(t *testing.T) {
	var data bytes.Buffer
	if _, err := gen.WriteNLB(&data, gen.SampleNLBIncident()); err != nil {
		t.Fatal(err)
	}
	if n := analysistest.ConsumeAllocs(t, nlbfam.Family{}, data.Bytes(), parser.Source{Name: "x"}); n > 0 {
		t.Fatalf("%.1f allocations per batch", n)
	}
}
