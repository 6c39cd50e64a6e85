package nlb

import (
	"bytes"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// connCounts is what the rows say of one slice of connections, as
// gen.ConnCounts says it.
type connCounts struct {
	conns, failed int
	reasons       map[string]int
}

// tally recounts from parsed rows what gen.NLBTruth states, by the
// taxonomy's rule: a connection failed when tls_handshake_time is null, for
// the reason of its alert's name, or handshake_incomplete without one.
type tally struct {
	conns, failed       int
	reasons             map[string]int
	alerts              map[int]int
	clients, listeners  map[string]*connCounts
	nodes, certs        map[string]*connCounts
	minutes             map[int64]*connCounts
	first, last         time.Time
	handshakes, connect []int64
}

func newTally() *tally {
	return &tally{reasons: map[string]int{}, alerts: map[int]int{}, clients: map[string]*connCounts{},
		listeners: map[string]*connCounts{}, nodes: map[string]*connCounts{}, certs: map[string]*connCounts{},
		minutes: map[int64]*connCounts{}}
}

func (ta *tally) add(t *testing.T, r map[string]any) {
	t.Helper()
	ts, err := time.Parse("2006-01-02T15:04:05.000000Z", r[ColTime].(string))
	if err != nil {
		t.Fatal(err)
	}
	if ta.conns == 0 {
		ta.first = ts
	}
	ta.last = ts
	ta.conns++
	failed := r[ColTLSHandshakeTime] == nil
	reason := ""
	if a, ok := r[ColIncomingTLSAlert].(uint8); ok {
		ta.alerts[int(a)]++
		reason = AlertName(a)
	}
	if failed {
		if reason == "" {
			reason = "handshake_incomplete"
		}
		ta.failed++
		ta.reasons[reason]++
	} else {
		ta.handshakes = append(ta.handshakes, r[ColTLSHandshakeTime].(time.Duration).Milliseconds())
	}
	ta.connect = append(ta.connect, r[ColConnectionTime].(time.Duration).Milliseconds())
	cert, _ := r[ColChosenCertARN].(string)
	if cert == "" {
		cert = "-"
	}
	addTo(ta.clients, r[ColClientIP].(string), failed, reason)
	addTo(ta.listeners, r[ColListener].(string), failed, reason)
	addTo(ta.nodes, r[ColDestinationIP].(string), failed, reason)
	addTo(ta.certs, cert, failed, reason)
	addTo(ta.minutes, ts.Unix()-ts.Unix()%60, failed, reason)
}

func addTo[K comparable](m map[K]*connCounts, k K, failed bool, reason string) {
	c := m[k]
	if c == nil {
		c = &connCounts{reasons: map[string]int{}}
		m[k] = c
	}
	c.conns++
	if failed {
		c.failed++
		c.reasons[reason]++
	}
}

func (ta *tally) check(t *testing.T, tr *gen.NLBTruth) {
	t.Helper()
	if ta.conns != tr.Connections || ta.failed != tr.Failed || !ta.first.Equal(tr.First) || !ta.last.Equal(tr.Last) {
		t.Fatalf("rows %d failed %d %v..%v; truth %d %d %v..%v", ta.conns, ta.failed, ta.first, ta.last,
			tr.Connections, tr.Failed, tr.First, tr.Last)
	}
	if !sameCounts(ta.reasons, tr.Reasons) || !sameCounts(ta.alerts, tr.Alerts) {
		t.Fatalf("reasons %v alerts %v; truth %v %v", ta.reasons, ta.alerts, tr.Reasons, tr.Alerts)
	}
	for name, p := range map[string]struct {
		got  map[string]*connCounts
		want map[string]*gen.ConnCounts
	}{
		"client": {ta.clients, tr.Clients}, "listener": {ta.listeners, tr.Listeners},
		"node": {ta.nodes, tr.Nodes}, "certificate": {ta.certs, tr.Certs},
	} {
		checkSlices(t, name, p.got, p.want)
	}
	checkSlices(t, "minute", ta.minutes, tr.Minutes)
	if d := distOf(ta.handshakes); d != tr.Handshake {
		t.Fatalf("handshake times %+v; truth %+v", d, tr.Handshake)
	}
	if d := distOf(ta.connect); d != tr.Connection {
		t.Fatalf("connection times %+v; truth %+v", d, tr.Connection)
	}
}

func sameCounts[K comparable](a, b map[K]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func checkSlices[K comparable](t *testing.T, name string, got map[K]*connCounts, want map[K]*gen.ConnCounts) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d %ss in the rows, %d in the truth", len(got), name, len(want))
	}
	for k, g := range got {
		w := want[k]
		if w == nil || g.conns != w.Connections || g.failed != w.Failed || !sameCounts(g.reasons, w.Reasons) {
			t.Fatalf("%s %v: rows %+v, truth %+v", name, k, g, w)
		}
	}
}

// distOf is gen.Dist of vs, computed here: nearest-rank percentiles.
func distOf(vs []int64) gen.Dist {
	if len(vs) == 0 {
		return gen.Dist{}
	}
	sorted := append([]int64(nil), vs...)
	for i := 1; i < len(sorted); i++ { // insertion sort keeps the test free of the generator's code
		for j := i; j > 0 && sorted[j] < sorted[j-1]; j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	d := gen.Dist{N: len(sorted), Min: sorted[0], Max: sorted[len(sorted)-1]}
	for _, v := range sorted {
		d.Sum += v
	}
	at := func(num, den int) int64 { return sorted[(len(sorted)*num+den-1)/den-1] }
	d.P50, d.P90, d.P99 = at(50, 100), at(90, 100), at(99, 100)
	return d
}

// TestGenerated reads the generator's lines, every layout, and finds in the
// rows exactly what its truth states.
func TestGenerated(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	scenarios := []*gen.NLBScenario{gen.SampleNLBIncident()}
	for _, layout := range []int{gen.NLBLayout18, gen.NLBLayout21} {
		scenarios = append(scenarios, &gen.NLBScenario{Seed: 5, Start: start, End: start.Add(20 * time.Minute),
			Connections: 3000, Layout: layout, Incidents: []gen.NLBIncident{
				{Kind: gen.NLBClientAlert, Alert: 46, Rate: 0.2, Start: start.Add(5 * time.Minute), End: start.Add(8 * time.Minute)},
				{Kind: gen.NLBHandshakeTimeout, Rate: 0.1, Port: 8443, Start: start, End: start.Add(20 * time.Minute)},
			}})
	}
	for _, sc := range scenarios {
		var b bytes.Buffer
		tr, err := gen.WriteNLB(&b, sc)
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, &b, parser.Options{BatchSize: 4096})
		if res.Stats.Rejected != 0 || res.Err != nil {
			t.Fatalf("layout %d: %d rejected (%v), err %v", sc.Layout, res.Stats.Rejected, res.Rejects, res.Err)
		}
		ta := newTally()
		for _, r := range res.Rows {
			ta.add(t, r)
		}
		ta.check(t, tr)
	}
}

// TestGeneratedObjects reads the generator's objects as lbtriage finds
// them: by name, then by content.
func TestGeneratedObjects(t *testing.T) {
	sc := gen.SampleNLBIncident()
	sc.ObjectRows = 400
	objs, tr, err := gen.NLBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	ta := newTally()
	for _, o := range objs {
		base := awskey.BaseName(o.Key)
		src, ok := Decoder{}.ParseName(base)
		if base == awskey.TestFile {
			if ok || (Decoder{}).Sniff(o.Data) != 0 {
				t.Fatalf("test file claimed")
			}
			continue
		}
		if !ok || src.Resource != sc.LoadBalancerID() || src.Account != "123456789012" || src.Region != "eu-west-1" {
			t.Fatalf("ParseName(%s) = %+v, %v", base, src, ok)
		}
		zr, err := gzip.NewReader(bytes.NewReader(o.Data))
		if err != nil {
			t.Fatal(err)
		}
		src.Name = o.Key
		res := readAll(t, zr, parser.Options{Source: src})
		if res.Stats.Rejected != 0 || res.Err != nil || res.Stats.Parsed == 0 {
			t.Fatalf("%s: %+v, err %v", o.Key, res.Stats, res.Err)
		}
		if res.Stats.MinTime.Before(src.Start) || !res.Stats.MaxTime.Before(src.End) {
			t.Fatalf("%s: rows %v..%v outside %v..%v", o.Key, res.Stats.MinTime, res.Stats.MaxTime, src.Start, src.End)
		}
		for _, r := range res.Rows {
			ta.add(t, r)
		}
	}
	// The objects come interval by interval, in node order within one:
	// first and last times are those of the truth all the same.
	ta.first, ta.last = tr.First, tr.Last
	ta.check(t, tr)
}
