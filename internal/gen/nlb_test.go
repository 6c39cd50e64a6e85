package gen

import (
	"bytes"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// nlbLine is a generated NLB line split by this test, independently of the
// parser: the fields as written.
type nlbLine []string

func (l nlbLine) failed() bool { return l[8] == "-" }

// reason applies the taxonomy's rule: the client's alert when it sent one,
// else handshake_incomplete.
func (l nlbLine) reason() string {
	if l[11] == "-" {
		return ReasonHandshakeIncomplete
	}
	n, _ := strconv.Atoi(l[11])
	return TLSAlertNames[n]
}

func (l nlbLine) host(i int) string { return l[i][:strings.LastIndexByte(l[i], ':')] }

func nlbTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		t.Fatalf("bad time %q: %v", s, err)
	}
	return ts
}

// checkNLBLine verifies the shape of one line and returns its fields.
func checkNLBLine(t *testing.T, s string, layout int) nlbLine {
	t.Helper()
	l := nlbLine(strings.Split(s, " "))
	if len(l) != layout {
		t.Fatalf("%d fields, want %d: %q", len(l), layout, s)
	}
	version := "2.0"
	if layout == NLBLayout18 {
		version = "1.0"
	}
	if l[0] != "tls" || l[1] != version || !strings.HasPrefix(l[3], "net/") || len(l[4]) != 16 {
		t.Fatalf("bad head %q", s)
	}
	end := nlbTime(t, l[2])
	num := func(i int) int64 {
		v, err := strconv.ParseInt(l[i], 10, 64)
		if err != nil || v < 0 {
			t.Fatalf("field %d: %q in %q", i+1, l[i], s)
		}
		return v
	}
	conn := num(7)
	if l[13] != "-" {
		t.Fatalf("chosen_cert_serial %q", l[13])
	}
	if l.failed() {
		// Nothing negotiated, nothing carried.
		if num(9) != 0 || num(10) != 0 || l[14] != "-" || l[15] != "-" || l[16] != "-" {
			t.Fatalf("failed handshake with negotiated fields: %q", s)
		}
		if layout >= NLBLayout21 && (l[18] != "-" || l[19] != "-") {
			t.Fatalf("failed handshake with ALPN protocols: %q", s)
		}
		// Without a ClientHello no certificate or name was chosen.
		if l[12] == "-" && (l[17] != "-" || l[11] != "-") {
			t.Fatalf("no certificate, yet a name or alert: %q", s)
		}
	} else {
		hs := num(8)
		if hs < 1 || hs >= conn || l[12] == "-" || l[14] == "-" || l[17] == "-" {
			t.Fatalf("good handshake %d ms of %d, or fields missing: %q", hs, conn, s)
		}
		if (l[15] == "tlsv13") != strings.HasPrefix(l[14], "TLS_") {
			t.Fatalf("cipher %s with %s", l[14], l[15])
		}
		if layout >= NLBLayout21 && l[18] != l[19] {
			t.Fatalf("ALPN front %s, back %s", l[18], l[19])
		}
	}
	if layout >= NLBLayout22 {
		start := nlbTime(t, l[21])
		// Both times are whole seconds, cut from the exact end and start
		// the connection time apart: less than a second off either way.
		c := time.Duration(conn) * time.Millisecond
		if d := end.Sub(start); d <= c-time.Second || d >= c+time.Second {
			t.Fatalf("created %s, time %s, connection %d ms", l[21], l[2], conn)
		}
	}
	return l
}

func nlbLines(t *testing.T, sc *NLBScenario) ([]nlbLine, *NLBTruth) {
	t.Helper()
	var b bytes.Buffer
	tr, err := WriteNLB(&b, sc)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := sc.withDefaults()
	var out []nlbLine
	for _, s := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		out = append(out, checkNLBLine(t, s, c.Layout))
	}
	return out, tr
}

func nlbStart() time.Time { return time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC) }

// everyNLBKind is a scenario with an incident of every kind and filter.
func everyNLBKind() *NLBScenario {
	start := nlbStart()
	return &NLBScenario{Seed: 3, Start: start, End: start.Add(30 * time.Minute), Connections: 8000,
		Incidents: []NLBIncident{
			{Name: "expired certificate on 8443", Kind: NLBClientAlert, Alert: 45, Port: 8443, Rate: 0.5,
				Start: start.Add(5 * time.Minute), End: start.Add(10 * time.Minute), Cert: "arn:aws:acm:eu-west-1:123456789012:certificate/expired"},
			{Name: "stalled clients at one node", Kind: NLBHandshakeTimeout, Node: "10.0.2.37", Rate: 0.3,
				Start: start.Add(12 * time.Minute), End: start.Add(15 * time.Minute)},
			{Name: "probes", Kind: NLBNoClientHello, Rate: 0.05, Start: start, End: start.Add(30 * time.Minute)},
		}}
}

func TestWriteNLB_Deterministic(t *testing.T) {
	for _, sc := range []*NLBScenario{SampleNLBIncident(), everyNLBKind()} {
		var a, b bytes.Buffer
		if _, err := WriteNLB(&a, sc); err != nil {
			t.Fatal(err)
		}
		WriteNLB(&b, sc)
		if !bytes.Equal(a.Bytes(), b.Bytes()) || a.Len() == 0 {
			t.Fatal("WriteNLB is not deterministic")
		}
		sameObjects(t, func() ([]Object, error) {
			objs, _, err := NLBObjects(sc)
			return objs, err
		})
	}
	// Another seed, other bytes.
	sc := everyNLBKind()
	var a, b bytes.Buffer
	WriteNLB(&a, sc)
	sc.Seed++
	WriteNLB(&b, sc)
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("the seed changes nothing")
	}
}

func TestWriteNLB_Layouts(t *testing.T) {
	for _, layout := range []int{NLBLayout18, NLBLayout21, NLBLayout22} {
		sc := everyNLBKind()
		sc.Layout, sc.Connections = layout, 2000
		lines, tr := nlbLines(t, sc) // checks every line's shape
		if len(lines) != tr.Connections || tr.Connections != 2000 {
			t.Fatalf("layout %d: %d lines, truth %d", layout, len(lines), tr.Connections)
		}
	}
}

// TestWriteNLB_TruthMatchesLines recounts everything the truth states from
// the lines themselves.
func TestWriteNLB_TruthMatchesLines(t *testing.T) {
	for _, sc := range []*NLBScenario{SampleNLBIncident(), everyNLBKind()} {
		lines, tr := nlbLines(t, sc)
		want := &NLBTruth{Reasons: map[string]int{}, Alerts: map[int]int{}, Clients: map[string]*ConnCounts{},
			Listeners: map[string]*ConnCounts{}, Nodes: map[string]*ConnCounts{}, Certs: map[string]*ConnCounts{},
			Minutes: map[int64]*ConnCounts{}}
		var hs, conn []int64
		for _, l := range lines {
			want.Connections++
			ts := nlbTime(t, l[2])
			if want.First.IsZero() {
				want.First = ts
			}
			want.Last = ts
			reason := ""
			if l.failed() {
				want.Failed++
				reason = l.reason()
				want.Reasons[reason]++
			} else {
				v, _ := strconv.ParseInt(l[8], 10, 64)
				hs = append(hs, v)
			}
			v, _ := strconv.ParseInt(l[7], 10, 64)
			conn = append(conn, v)
			if l[11] != "-" {
				a, _ := strconv.Atoi(l[11])
				want.Alerts[a]++
			}
			for _, c := range []*ConnCounts{countsOf(want.Clients, l.host(5)), countsOf(want.Listeners, l[4]),
				countsOf(want.Nodes, l.host(6)), countsOf(want.Certs, l[12]), countsOf(want.Minutes, ts.Unix()-ts.Unix()%60)} {
				c.add(l.failed(), reason)
			}
		}
		if want.Connections != tr.Connections || want.Failed != tr.Failed || !want.First.Equal(tr.First) || !want.Last.Equal(tr.Last) {
			t.Fatalf("truth %d/%d %v..%v, lines %d/%d %v..%v", tr.Connections, tr.Failed, tr.First, tr.Last,
				want.Connections, want.Failed, want.First, want.Last)
		}
		if !maps.Equal(want.Reasons, tr.Reasons) || !maps.Equal(want.Alerts, tr.Alerts) {
			t.Fatalf("reasons %v alerts %v, lines %v %v", tr.Reasons, tr.Alerts, want.Reasons, want.Alerts)
		}
		for name, m := range map[string][2]map[string]*ConnCounts{
			"clients": {want.Clients, tr.Clients}, "listeners": {want.Listeners, tr.Listeners},
			"nodes": {want.Nodes, tr.Nodes}, "certs": {want.Certs, tr.Certs},
		} {
			checkConnCounts(t, name, m[0], m[1])
		}
		checkConnCounts(t, "minutes", want.Minutes, tr.Minutes)
		checkDist(t, "handshake", hs, tr.Handshake)
		checkDist(t, "connection", conn, tr.Connection)
	}
}

func checkConnCounts[K comparable](t *testing.T, name string, want, got map[K]*ConnCounts) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("%s: truth has %d keys, lines %d", name, len(got), len(want))
	}
	for k, w := range want {
		g := got[k]
		if g == nil || g.Connections != w.Connections || g.Failed != w.Failed || !maps.Equal(g.Reasons, w.Reasons) {
			t.Fatalf("%s %v: truth %+v, lines %+v", name, k, g, w)
		}
	}
}

func checkDist(t *testing.T, name string, vs []int64, d Dist) {
	t.Helper()
	slices.Sort(vs)
	sum := int64(0)
	for _, v := range vs {
		sum += v
	}
	// Nearest rank: the smallest value with at least q of the values at or
	// below it.
	rank := func(q float64) int64 {
		for i, v := range vs {
			if float64(i+1) >= q*float64(len(vs)) {
				return v
			}
		}
		return 0
	}
	want := Dist{N: len(vs), Sum: sum, Min: vs[0], Max: vs[len(vs)-1], P50: rank(0.5), P90: rank(0.9), P99: rank(0.99)}
	if d != want {
		t.Fatalf("%s: truth %+v, lines %+v", name, d, want)
	}
}

func TestNLBIncidents_Signatures(t *testing.T) {
	sc := everyNLBKind()
	lines, tr := nlbLines(t, sc)
	start := sc.Start
	counts := map[string]int{}
	for _, l := range lines {
		if !l.failed() {
			continue
		}
		ts := nlbTime(t, l[2])
		conn, _ := strconv.Atoi(l[7])
		switch {
		case l[11] == "45":
			// The expired certificate on 8443, in its window, served.
			if !strings.HasSuffix(l[6], ":8443") || ts.Before(start.Add(5*time.Minute)) || !ts.Before(start.Add(10*time.Minute)) ||
				l[12] != "arn:aws:acm:eu-west-1:123456789012:certificate/expired" || l[17] != "partners.example.com" {
				t.Fatalf("certificate_expired row out of place: %v", l)
			}
			counts["alert"]++
		case l[12] != "-":
			// A stalled ClientHello: a certificate was chosen, no alert, the
			// load balancer gave up after 10 s.
			if l.host(6) != "10.0.2.37" || conn < 10000 || ts.Before(start.Add(12*time.Minute)) || !ts.Before(start.Add(15*time.Minute)) {
				t.Fatalf("handshake timeout out of place: %v", l)
			}
			counts["timeout"]++
		default:
			counts["no hello"]++
		}
	}
	for i, in := range tr.Incidents {
		t.Logf("incident %d %s: %d rows", i, in.Kind, in.Rows)
	}
	if counts["alert"] != tr.Incidents[0].Rows || counts["timeout"] != tr.Incidents[1].Rows ||
		counts["no hello"] != tr.Reasons[ReasonHandshakeIncomplete]-tr.Incidents[1].Rows {
		t.Fatalf("rows by kind %v, truth %+v", counts, tr.Incidents)
	}
	if tr.Incidents[0].Cause != "certificate_expired" || tr.Incidents[1].Cause != ReasonHandshakeIncomplete ||
		tr.Incidents[0].Listener != "b27d64e0c9a1f385" || tr.Incidents[1].Node != "10.0.2.37" {
		t.Fatalf("incident windows %+v", tr.Incidents)
	}
	// Every 8443 handshake in the window got the new certificate, failed or
	// not; none outside it.
	for _, l := range lines {
		if !strings.HasSuffix(l[6], ":8443") || l[12] == "-" {
			continue
		}
		created := nlbTime(t, l[21])
		in := !created.Before(start.Add(5*time.Minute)) && created.Before(start.Add(10*time.Minute))
		if (l[12] == "arn:aws:acm:eu-west-1:123456789012:certificate/expired") != in {
			t.Fatalf("certificate %s for a handshake at %s", l[12], l[21])
		}
	}
}

func TestSampleNLBIncident(t *testing.T) {
	sc := SampleNLBIncident()
	lines, tr := nlbLines(t, sc)
	change := time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC)
	newCert := sc.Incidents[0].Cert
	legacy := map[string]bool{}
	for _, ip := range tr.Incidents[0].Clients {
		legacy[ip] = true
	}
	failing := map[string]bool{}
	nodes := map[string]int{}
	for _, l := range lines {
		ts := nlbTime(t, l[2])
		if !l.failed() {
			// Every client that ever failed speaks TLS 1.2 only.
			if legacy[l.host(5)] != (l[15] == "tlsv12") {
				t.Fatalf("client %s legacy=%v with %s", l.host(5), legacy[l.host(5)], l[15])
			}
			continue
		}
		if l.reason() == "unknown_ca" {
			if ts.Before(change) || l[4] != "3f9c1e7a52d04b86" || l[12] != newCert || !legacy[l.host(5)] {
				t.Fatalf("unknown_ca out of place: %v", l)
			}
			failing[l.host(5)] = true
			nodes[l.host(6)]++
			continue
		}
		if l.reason() != ReasonHandshakeIncomplete || l[12] != "-" {
			t.Fatalf("unexpected failure %v", l)
		}
	}
	if tr.Reasons["unknown_ca"] < 1000 || len(tr.Reasons) != 2 || len(nodes) != 3 {
		t.Fatalf("reasons %v, nodes %v", tr.Reasons, nodes)
	}
	for n, c := range nodes {
		if c < tr.Reasons["unknown_ca"]/5 {
			t.Fatalf("node %s has %d of %d failures: not spread over the nodes", n, c, tr.Reasons["unknown_ca"])
		}
	}
	if len(failing) < 50 || len(failing) > len(legacy) {
		t.Fatalf("%d failing clients of %d legacy", len(failing), len(legacy))
	}
	// Scanners fail all along, before the change too.
	if m := tr.Minutes[time.Date(2026, 11, 20, 12, 55, 0, 0, time.UTC).Unix()]; m == nil || m.Reasons["unknown_ca"] != 0 {
		t.Fatalf("12:55: %+v", m)
	}
	if tr.Incidents[0].Rows != tr.Reasons["unknown_ca"] {
		t.Fatalf("incident rows %d, unknown_ca %d", tr.Incidents[0].Rows, tr.Reasons["unknown_ca"])
	}
	// The old certificate is served until 13:10, the new one from then.
	if c := tr.Certs[DefaultNLBListeners("123456789012", "eu-west-1")[0].Cert]; c == nil || c.Failed != 0 {
		t.Fatalf("old certificate %+v", c)
	}
	t.Logf("%d connections, %d failed %v, %d failing clients, handshake %+v", tr.Connections, tr.Failed, tr.Reasons, len(failing), tr.Handshake)
}

func TestNLBObjects_Layout(t *testing.T) {
	sc := everyNLBKind()
	sc.Prefix, sc.ObjectRows = "lb-logs", 150
	objs, tr, err := NLBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	if objs[0].Key != "lb-logs/AWSLogs/123456789012/ELBAccessLogTestFile" || !strings.HasPrefix(string(objs[0].Data), "Enable AccessLog for ELB: net/partner-api-nlb/") {
		t.Fatalf("first object %s %q", objs[0].Key, objs[0].Data)
	}
	keyRE := regexp.MustCompile(`^lb-logs/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/(\d{4}/\d{2}/\d{2})/123456789012_elasticloadbalancing_eu-west-1_net\.partner-api-nlb\.[0-9a-f]{16}_(\d{8}T\d{4}Z)_[a-z0-9]{8}\.log\.gz$`)
	rows, split := 0, 0
	seen := map[string]bool{}
	for _, o := range objs[1:] {
		m := keyRE.FindStringSubmatch(o.Key)
		if m == nil || seen[o.Key] {
			t.Fatalf("bad or repeated key %s", o.Key)
		}
		seen[o.Key] = true
		end, _ := time.Parse("20060102T1504Z", m[2])
		if m[1] != end.Add(5*time.Minute).Format("2006/01/02") {
			t.Fatalf("date folder %s for interval end %s", m[1], m[2])
		}
		data := gunzip(t, o.Data)
		node := ""
		n := 0
		for _, s := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			l := checkNLBLine(t, s, NLBLayout22)
			ts := nlbTime(t, l[2])
			if ts.Before(end.Add(-5*time.Minute)) || !ts.Before(end) {
				t.Fatalf("row at %s in the object of %s", l[2], m[2])
			}
			if node != "" && l.host(6) != node {
				t.Fatalf("object %s holds nodes %s and %s", o.Key, node, l.host(6))
			}
			node = l.host(6)
			n++
		}
		if n > 150 {
			t.Fatalf("object of %d rows", n)
		}
		if n == 150 {
			split++
		}
		rows += n
	}
	if rows != tr.Connections || split == 0 {
		t.Fatalf("%d rows in objects (%d full), truth %d", rows, split, tr.Connections)
	}
	dir := t.TempDir()
	if _, err := WriteNLBObjects(dir, sc); err != nil {
		t.Fatal(err)
	}
}

func TestNLBScenario_Invalid(t *testing.T) {
	start := nlbStart()
	f := func(sc NLBScenario, want string) {
		t.Helper()
		if _, err := NLBTruthOf(&sc); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err %v, want %q", err, want)
		}
	}
	ok := NLBScenario{Start: start, End: start.Add(time.Hour), Connections: 10}
	f(NLBScenario{Start: start, End: start, Connections: 1}, "Start before End")
	f(NLBScenario{Start: start, End: start.Add(time.Hour)}, "Connections or CPS")
	bad := ok
	bad.Layout = 33
	f(bad, "layout 33")
	bad = ok
	bad.Nodes = []string{"10.0.1.300"}
	f(bad, "node")
	bad = ok
	bad.Listeners = []NLBListener{{ID: "x", Port: 443}}
	f(bad, "listener 0 needs")
	for _, in := range []NLBIncident{
		{Kind: 99}, {Kind: NLBClientAlert, Alert: 7}, {Kind: NLBClientAlert, Port: 80}, {Kind: NLBNoClientHello, Node: "10.9.9.9"},
	} {
		bad = ok
		bad.Incidents = []NLBIncident{in}
		f(bad, "incident 0")
	}
	// CPS instead of Connections; no legacy clients, no scanners.
	tr, err := NLBTruthOf(&NLBScenario{Start: start, End: start.Add(10 * time.Minute), CPS: 5, LegacyShare: -1, Scanners: -1})
	if err != nil || tr.Connections != 3000 || tr.Failed != 0 {
		t.Fatalf("truth %+v, err %v", tr, err)
	}
	if id := (&NLBScenario{Seed: 1}).LoadBalancerID(); id != "" {
		t.Fatalf("LoadBalancerID of an invalid scenario: %q", id)
	}
	if id := SampleNLBIncident().LoadBalancerID(); !strings.HasPrefix(id, "net/partner-api-nlb/") || len(id) != 36 {
		t.Fatalf("LoadBalancerID %q", id)
	}
}
