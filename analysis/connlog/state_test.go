package connlog

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
)

// words is a Vocabulary for the tests.
type words struct{}

func (words) Listener(name string, port uint16) string {
	return fmt.Sprintf("listener %s (port %d)", name, port)
}

func (words) Reason(r string) ReasonInfo {
	switch r {
	case "bad_ca":
		return ReasonInfo{Label: "alert bad_ca", Meaning: "the client does not trust the certificate", Hint: "check the chain.", ServedCert: true}
	case "expired":
		return ReasonInfo{Label: "Expired", Meaning: "their certificates expired", Hint: "renew them.", ClientCert: true}
	case "silent":
		return ReasonInfo{Label: "silent", Meaning: "the client said nothing", Noise: "scanners"}
	}
	return ReasonInfo{Label: r, Meaning: "it failed"}
}

var t0 = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC).UnixMicro()

const minute = int64(60e6)

// conns returns a day's hour of connections: 3 nodes, 2 listeners, 50
// clients; from minute 30 clients 0-9 fail with bad_ca on listener A, which
// serves a new certificate since then; a scanner fails silently all along.
func conns(seed uint64) []Conn {
	r := rand.New(rand.NewPCG(seed, 1))
	var out []Conn
	for i := range 6000 {
		at := t0 + int64(i)*minute*60/6000
		c := Conn{Time: at, Created: at - 1000, Client: fmt.Sprintf("192.0.2.%d", r.IntN(50)), Node: fmt.Sprintf("10.0.%d.1", r.IntN(3))}
		c.Listener, c.Port = "A", 443
		if r.IntN(4) == 0 {
			c.Listener, c.Port = "B", 8443
		}
		c.Cert = "arn:aws:acm:eu-west-1:1:certificate/old-" + c.Listener
		if c.Listener == "A" && at >= t0+30*minute {
			c.Cert = "arn:aws:acm:eu-west-1:1:certificate/new"
		}
		var n int
		fmt.Sscanf(c.Client, "192.0.2.%d", &n)
		switch {
		case i%100 == 0:
			c.Client, c.Failed, c.Reason = "198.51.100.1", true, "silent"
		case n < 10 && c.Listener == "A" && at >= t0+30*minute:
			c.Failed, c.Reason = true, "bad_ca"
		default:
			c.HandshakeMs, c.HasHandshake, c.Protocol = float64(5+r.IntN(40)), true, "tlsv13"
			if n < 10 {
				c.Protocol = "tlsv12"
			}
		}
		c.DurationMs, c.HasDuration = float64(100+r.IntN(1000)), true
		out = append(out, c)
	}
	return out
}

func newState(opts analysis.Options) *State {
	s := New()
	opts = opts.WithDefaults()
	s.maxKeys, s.bucketUS = opts.MaxKeys, opts.Bucket.Microseconds()
	return s
}

// encode returns the JSON of a state's figures and verdict.
func encode(t *testing.T, s *State) string {
	t.Helper()
	p := s.Part(10, words{}, 0)
	v, _ := s.Verdict(words{}, &analysis.Report{})
	b, err := json.Marshal(struct {
		F any
		V analysis.VerdictPart
		S []analysis.Section
	}{p.JSON, v, p.Sections})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMerge_IndependentOfSplitAndOrder: the rows split over several
// states in any way and merged in any order give the same figures and
// verdict as one state.
func TestMerge_IndependentOfSplitAndOrder(t *testing.T) {
	rows := conns(1)
	one := newState(analysis.Options{})
	for i := range rows {
		one.Add(&rows[i])
	}
	want := encode(t, one)
	for seed := range uint64(5) {
		r := rand.New(rand.NewPCG(seed, 9))
		parts := make([]*State, 2+r.IntN(4))
		for i := range parts {
			parts[i] = newState(analysis.Options{})
		}
		for i := range rows {
			parts[r.IntN(len(parts))].Add(&rows[i])
		}
		r.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		merged := New() // unconfigured, as BuildReports makes them
		for _, p := range parts {
			merged.Merge(p)
		}
		if got := encode(t, merged); got != want {
			t.Fatalf("split %d ways (seed %d): figures differ\n got %s\nwant %s", len(parts), seed, got, want)
		}
	}
}

// TestVerdict_CertificateChange: the failures that follow a listener's
// change of certificate are blamed on it, with the clients, the time and
// the other listener's health.
func TestVerdict_CertificateChange(t *testing.T) {
	s := newState(analysis.Options{})
	rows := conns(2)
	for i := range rows {
		s.Add(&rows[i])
	}
	p := s.Part(10, words{}, 0)
	f := p.JSON.(*Figures)
	v, fault := s.Verdict(words{}, &analysis.Report{})
	if !fault || *f.PrimaryReason != "bad_ca" || f.Window == nil || !f.Window.Start.Equal(time.UnixMicro(t0+30*minute)) {
		t.Fatalf("fault %v, primary %v, window %+v", fault, f.PrimaryReason, f.Window)
	}
	for _, want := range []string{
		"After the certificate of listener A (port 443) changed at 12:30 UTC on 2026-11-20, 10 clients reject it with alert bad_ca",
		"failed connections since",
	} {
		if !strings.Contains(v.Lead, want) {
			t.Errorf("lead lacks %q:\n%s", want, v.Lead)
		}
	}
	findings := strings.Join(v.Findings, "\n")
	for _, want := range []string{
		"served certificate old-A until 12:29:59 and new since 12:30",
		"at most TLS 1.2", "spread over every node (3)", "No alert bad_ca failure on listener B (port 8443)",
		"60 silent failures (the client said nothing) from 1 client are spread over the whole span at a steady rate: scanners, not an incident.",
	} {
		if !strings.Contains(findings, want) {
			t.Errorf("findings lack %q:\n%s", want, findings)
		}
	}
	if len(v.Hints) != 1 || v.Hints[0] != "alert bad_ca: check the chain." {
		t.Errorf("hints %q", v.Hints)
	}
	if len(f.Certificates) != 3 || len(p.Sections[0].Timelines) != 3 {
		t.Errorf("%d certificates, %d timelines", len(f.Certificates), len(p.Sections[0].Timelines))
	}
}

// TestVerdict_Cases: no connection, no failure, a steady trickle, a node
// that carries the failures, and clients named with their certificates.
func TestVerdict_Cases(t *testing.T) {
	f := func(name string, rows []Conn, headline, lead string, fault bool) {
		t.Helper()
		s := newState(analysis.Options{})
		for i := range rows {
			s.Add(&rows[i])
		}
		s.Part(10, words{}, 0)
		v, isFault := s.Verdict(words{}, &analysis.Report{})
		if v.Headline != headline || !strings.Contains(v.Lead, lead) || isFault != fault || v.Fault != fault {
			t.Errorf("%s: headline %q, fault %v, lead:\n%s", name, v.Headline, isFault, v.Lead)
		}
	}
	f("none", nil, "No connections", "No connections were read", false)

	var ok []Conn
	for i := range 100 {
		ok = append(ok, Conn{Time: t0 + int64(i)*minute/10, Client: "192.0.2.1", HasHandshake: true})
	}
	f("all well", ok, "No failed connections in 100 connections", "All 100 connections from 12:00 to 12:10 UTC on 2026-11-20 completed", false)

	trickle := append([]Conn(nil), ok...)
	for i := range 200 {
		trickle = append(trickle, Conn{Time: t0 + int64(i)*minute/20, Client: "192.0.2.2", HasHandshake: true})
	}
	for i := 0; i < 300; i += 150 {
		trickle = append(trickle, Conn{Time: t0 + int64(i)*minute/30 + 1, Client: "198.51.100.9", Failed: true, Reason: "silent"})
	}
	f("trickle", trickle, "No connection failure stands out: 2 of 302 failed", "at a steady rate", false)

	var node []Conn
	for i := range 600 {
		c := Conn{Time: t0 + int64(i)*minute/10, Client: fmt.Sprintf("192.0.2.%d", i%7), Node: fmt.Sprintf("10.0.%d.1", i%3), Listener: "L", Port: 80, HasHandshake: true}
		if c.Node == "10.0.2.1" && i > 300 {
			c.Failed, c.Reason, c.HasHandshake = true, "reset", false
		}
		node = append(node, c)
	}
	f("node", node, "7 clients cannot connect: reset, 100% of failed connections", "7 clients fail with reset on listener L (port 80) since 12:30", true)
	s := newState(analysis.Options{})
	for i := range node {
		s.Add(&node[i])
	}
	s.Part(10, words{}, 0)
	v, _ := s.Verdict(words{}, &analysis.Report{})
	if !strings.Contains(strings.Join(v.Findings, "\n"), "Node 10.0.2.1 carries 100% of the reset failures but serves 33% of the connections") {
		t.Errorf("findings %q", v.Findings)
	}

	var partners []Conn
	for i := range 300 {
		c := Conn{Time: t0 + int64(i)*minute/10, Client: fmt.Sprintf("203.0.113.%d", i%3), Listener: "8443", Port: 8443, HasHandshake: true}
		if c.Client == "203.0.113.1" && i >= 150 {
			c.Failed, c.Reason, c.HasHandshake = true, "expired", false
			c.Identity, c.NotAfter = "CN=api.example.net,O=Partner One\\, Inc,C=US", t0+15*minute
		}
		partners = append(partners, c)
	}
	f("partners", partners, "1 client cannot connect: Expired on listener 8443 (port 8443)",
		"1 client cannot connect: 203.0.113.1 (Partner One, Inc, certificate expired 12:15) fails Expired on listener 8443 (port 8443) since 12:15 UTC on 2026-11-20 (50 failed connections, 100% of the 50 failures). Their certificates expired.", true)
}

// TestClients_Capped: past Options.MaxKeys clients, the rest count under
// "(other)", and every total stays exact.
func TestClients_Capped(t *testing.T) {
	s := newState(analysis.Options{MaxKeys: 20})
	rows := conns(3)
	for i := range rows {
		s.Add(&rows[i])
	}
	f := s.Figures(10, words{})
	if f.Total != int64(len(rows)) || f.ClientsSeen != 20 {
		t.Fatalf("%d connections, %d clients seen", f.Total, f.ClientsSeen)
	}
	last := f.Clients[len(f.Clients)-1]
	var conns, failed int64
	for _, c := range f.Clients {
		conns += c.Connections
		failed += c.Failed
	}
	if last.Client != analysis.OtherKey || failed != f.Failed {
		t.Fatalf("last client %q; clients' failures %d of %d", last.Client, failed, f.Failed)
	}
	if len(s.pairs) > 20 {
		t.Fatalf("%d (client, reason) pairs kept past the cap", len(s.pairs))
	}
}

func TestProtocolBit(t *testing.T) {
	f := func(p string, want uint8) {
		t.Helper()
		if got := protocolBit(p); got != want {
			t.Errorf("protocolBit(%q) = %d, want %d", p, got, want)
		}
	}
	f("tlsv12", protocolTLS12)
	f("TLSv1.2", protocolTLS12)
	f("tlsv13", protocolTLS13)
	f("TLSv1.3", protocolTLS13)
	f("tlsv10", protocolTLS10)
	f("TLSv1", protocolTLS10)
	f("TLSv1.1", protocolTLS11)
	f("", 0)
	f("-", 0)
	f("SSLv3", 0)
	f("tlsv14", 0)
}

func TestSubjectName(t *testing.T) {
	f := func(subject, want string) {
		t.Helper()
		if got := subjectName(subject); got != want {
			t.Errorf("subjectName(%q) = %q, want %q", subject, got, want)
		}
	}
	f("CN=client07.partners.example.net,O=Partner 07 Ltd,C=US", "Partner 07 Ltd")
	f("CN=device-1", "device-1")
	f("C=US, O=Acme", "Acme")
	f(`CN=x,O=Smith\, Jones and Co,C=GB`, "Smith, Jones and Co")
	f("weird", "weird")
	f("", "")
}

// TestAdd_NoAllocations: once its keys are known, a state adds rows
// without allocating.
func TestAdd_NoAllocations(t *testing.T) {
	rows := conns(4)
	s := newState(analysis.Options{})
	for i := range rows {
		s.Add(&rows[i])
	}
	i := 0
	if n := testing.AllocsPerRun(1000, func() {
		s.Add(&rows[i%len(rows)])
		i++
	}); n != 0 {
		t.Fatalf("%.1f allocations per row", n)
	}
}
