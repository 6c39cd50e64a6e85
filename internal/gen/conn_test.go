package gen

import (
	"bytes"
	"compress/gzip"
	"io"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func connTestScenario(seed uint64) *ConnScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	end := start.Add(30 * time.Minute)
	year := func(name, ip string, notAfter time.Time) ConnPartner {
		return ConnPartner{Name: name, IP: ip, NotBefore: notAfter.AddDate(-1, 0, 0), NotAfter: notAfter}
	}
	return &ConnScenario{
		ALB: &ALBScenario{
			Seed: seed, Start: start, End: end, Rows: 15000,
			Incidents: []ALBIncident{
				{Name: "lost node", Kind: ALBNodeDrop, Node: "34.243.77.102", Start: start.Add(20 * time.Minute), End: end, Rate: 0.7},
				KeepAlive502(start.Add(5*time.Minute), start.Add(10*time.Minute), 0.1),
			},
		},
		Partners: []ConnPartner{
			year("Alpha Ltd", "203.0.113.1", start.Add(10*time.Minute)),
			year("Beta Ltd", "203.0.113.2", end.AddDate(0, 6, 0)),
			{Name: "Gamma Ltd", IP: "2001:db8::7", NotBefore: start.Add(5 * time.Minute), NotAfter: end.AddDate(1, 0, 0), Weight: 2},
			year("Delta Ltd", "203.0.113.4", end.AddDate(0, 3, 0)),
		},
		PartnerShare: 0.1,
		Incidents: []ConnIncident{
			{Name: "Beta rotated to a certificate of an unknown CA", Reason: ConnCertUntrusted, Partners: []string{"Beta Ltd"},
				Start: start.Add(20 * time.Minute), End: start.Add(25 * time.Minute)},
			{Name: "old clients", Reason: ConnUnmappedError, Port: 443, Attempts: 40, Strangers: 4,
				Start: start, End: end},
			{Name: "strays", Reason: ConnCertUntrusted, Attempts: 7, Start: start.Add(time.Minute), End: start.Add(2 * time.Minute)},
		},
	}
}

// genConn writes the scenario's connection and access lines.
func genConn(t testing.TB, sc *ConnScenario) (conn, access []byte, tr *ConnTruth, albTr *ALBTruth) {
	t.Helper()
	var c, a bytes.Buffer
	tr, albTr, err := WriteConn(&c, &a, sc)
	if err != nil {
		t.Fatal(err)
	}
	return c.Bytes(), a.Bytes(), tr, albTr
}

func lines(b []byte) []string {
	if len(b) == 0 {
		return nil
	}
	return strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
}

func TestWriteConn_Deterministic(t *testing.T) {
	c1, a1, _, _ := genConn(t, connTestScenario(1))
	c2, a2, _, _ := genConn(t, connTestScenario(1))
	c3, _, _, _ := genConn(t, connTestScenario(2))
	if !bytes.Equal(c1, c2) || !bytes.Equal(a1, a2) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(c1, c3) {
		t.Fatal("different seeds, same bytes")
	}
}

// connLine is a connection-log line as the generator wrote it, read
// without the parser.
type connLine struct {
	t          time.Time
	client     string
	port       int
	listener   int
	status     string // "-", "Success" or the failure reason
	tid        string
	node       string
	notAfter   string
	serial     string
	tlsWritten bool
}

var connTimeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)

func checkConnLine(t *testing.T, line, elb string, mtls int) connLine {
	t.Helper()
	f := splitALB(t, line)
	if len(f) != 15 {
		t.Fatalf("%d fields, want 15: %q", len(f), line)
	}
	var c connLine
	c.t = parseTS(t, f[0])
	c.client, c.tid, c.node = f[1], f[11], f[14]
	var err1, err2 error
	c.port, err1 = strconv.Atoi(f[2])
	c.listener, err2 = strconv.Atoi(f[3])
	if err1 != nil || err2 != nil || c.port < 1024 || c.port > 65535 {
		t.Fatalf("bad ports in %q", line)
	}
	if !connTimeRE.MatchString(f[0]) || !strings.HasPrefix(c.tid, "TID_") || len(c.tid) != 36 || f[13] != elb {
		t.Fatalf("bad time, trace ID or elb in %q", line)
	}
	c.tlsWritten = f[4] != "-"
	if c.tlsWritten != (f[5] != "-") || c.tlsWritten != (f[12] != "-") || c.tlsWritten == (c.listener == 80) && c.listener != 443 && c.listener != mtls {
		t.Fatalf("TLS fields %q %q %q on listener %d: %q", f[4], f[5], f[12], c.listener, line)
	}
	switch {
	case f[10] == "-":
		c.status = "-"
		if c.listener != 80 {
			t.Fatalf("no verify status on listener %d: %q", c.listener, line)
		}
	case f[10] == "Success":
		c.status = "Success"
		if f[6] == "-" || len(f[6]) < 5 || f[6][len(f[6])-4] != '.' {
			t.Fatalf("bad handshake latency %q", f[6])
		}
	case strings.HasPrefix(f[10], "Failed:"):
		c.status = strings.TrimPrefix(f[10], "Failed:")
		if f[6] != "-" {
			t.Fatalf("a failed handshake with a latency: %q", line)
		}
	default:
		t.Fatalf("bad verify status %q", f[10])
	}
	if c.listener == 80 && (f[6] != "-" || f[10] != "-") {
		t.Fatalf("plain HTTP with TLS fields: %q", line)
	}
	cert := f[7] != `"-"`
	if cert != (c.listener == mtls && c.tlsWritten) || cert != (f[8] != "-") || cert != (f[9] != "-") {
		t.Fatalf("certificate fields on listener %d: %q", c.listener, line)
	}
	if cert {
		m := regexp.MustCompile(`^NotBefore=(\S+Z);NotAfter=(\S+Z)$`).FindStringSubmatch(f[8])
		if m == nil || !strings.HasPrefix(f[7], `"CN=`) {
			t.Fatalf("bad certificate %s %s", f[7], f[8])
		}
		c.notAfter, c.serial = m[2], f[9]
	}
	return c
}

// TestWriteConn_TruthMatchesLines reads the connection and access lines
// back without the parser, recounts every truth, and joins them by trace
// ID: each access line belongs to a successful connection of its client
// and port, established before the request, and the requests a
// connection carried add up.
func TestWriteConn_TruthMatchesLines(t *testing.T) {
	sc := connTestScenario(4)
	conn, access, tr, albTr := genConn(t, sc)
	elb := sc.ALB.LoadBalancerID()
	got := newConnTruth()
	byTID := map[string]connLine{}
	for _, l := range lines(conn) {
		c := checkConnLine(t, l, elb, 8443)
		if _, dup := byTID[c.tid]; dup {
			t.Fatalf("trace ID %s twice", c.tid)
		}
		byTID[c.tid] = c
		reason := ""
		if c.status != "-" && c.status != "Success" {
			reason = c.status
			got.Failed++
			got.Reasons[reason]++
		}
		got.Connections++
		countsOf(got.Clients, c.client).add(reason != "", reason)
		countsOf(got.Listeners, c.listener).add(reason != "", reason)
		countsOf(got.Nodes, c.node).add(reason != "", reason)
		countsOf(got.Minutes, c.t.Truncate(time.Minute).Unix()).add(reason != "", reason)
		if got.Connections == 1 {
			got.First = c.t
		}
		got.Last = c.t
	}
	for _, m := range []any{
		[2]any{got.Connections, tr.Connections}, [2]any{got.Failed, tr.Failed}, [2]any{got.Reasons, tr.Reasons},
		[2]any{got.Clients, tr.Clients}, [2]any{got.Listeners, tr.Listeners}, [2]any{got.Nodes, tr.Nodes},
		[2]any{got.Minutes, tr.Minutes}, [2]any{got.First, tr.First}, [2]any{got.Last, tr.Last},
	} {
		p := m.([2]any)
		if !reflect.DeepEqual(p[0], p[1]) {
			t.Fatalf("lines give %v, truth %v", p[0], p[1])
		}
	}
	if tr.Failed == 0 || len(tr.Reasons) != 4 || tr.Listeners[80] == nil || tr.Listeners[443].Failed != 40 {
		t.Fatalf("the scenario should fail handshakes of four kinds: %+v %+v", tr.Reasons, tr.Listeners)
	}

	carried := map[string]int{}
	al := lines(access)
	if len(al) != albTr.Rows || tr.Requests != albTr.Rows {
		t.Fatalf("%d access lines, ALB truth %d, connection truth %d requests", len(al), albTr.Rows, tr.Requests)
	}
	for _, l := range al {
		f := checkALBLine(t, l, ALBLayout33)
		c, ok := byTID[f[29]]
		if !ok || c.status != "-" && c.status != "Success" {
			t.Fatalf("access line of no successful connection: %q", l)
		}
		if f[3] != c.client+":"+strconv.Itoa(c.port) {
			t.Fatalf("access line from %s on a connection of %s:%d", f[3], c.client, c.port)
		}
		if (c.listener == 80) != (f[0] == "http") || f[0] == "http" && strings.Contains(f[12], "https://") {
			t.Fatalf("%s request on listener %d: %q", f[0], c.listener, l)
		}
		if rct := parseTS(t, f[21]); rct.Before(c.t) {
			t.Fatalf("request received at %s on a connection established at %s", rct, c.t)
		}
		carried[f[29]]++
	}
	perConn := map[int]int{}
	for tid, c := range byTID {
		if n := carried[tid]; n > 0 || c.status == "-" || c.status == "Success" {
			perConn[n]++
		} else {
			perConn[0]++
		}
	}
	if !maps.Equal(perConn, tr.RequestsPerConn) || perConn[0] != tr.Failed {
		t.Fatalf("requests per connection %v, truth %v", perConn, tr.RequestsPerConn)
	}
	if perConn[1] == 0 || perConn[2] == 0 || perConn[5] == 0 {
		t.Fatalf("keep-alive connections should carry several requests: %v", perConn)
	}

	// The truths of ConnTruthOf are the same.
	tr2, albTr2, err := ConnTruthOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tr, tr2) || !reflect.DeepEqual(albTr, albTr2) {
		t.Fatal("ConnTruthOf differs from WriteConn's truth")
	}
}

// TestConnPartners checks the partners' story: handshakes fail from the
// certificate's end on, before its start, and during an incident with
// another certificate; strangers fail on their listener.
func TestConnPartners(t *testing.T) {
	sc := connTestScenario(5)
	conn, access, tr, _ := genConn(t, sc)
	start := sc.ALB.Start
	alphaEnd, gammaStart := start.Add(10*time.Minute), start.Add(5*time.Minute)
	betaFrom, betaTo := start.Add(20*time.Minute), start.Add(25*time.Minute)
	betaSerials := map[string]bool{}
	for _, l := range lines(conn) {
		c := checkConnLine(t, l, sc.ALB.LoadBalancerID(), 8443)
		failed := c.status != "Success" && c.status != "-"
		switch c.client {
		case "203.0.113.1":
			if failed != !c.t.Before(alphaEnd) || failed && (c.status != ConnCertExpired || c.notAfter != "2026-11-20T13:10:00Z") {
				t.Fatalf("Alpha at %s: %s, certificate until %s", c.t, c.status, c.notAfter)
			}
		case "2001:db8::7":
			if failed != c.t.Before(gammaStart) || failed && c.status != ConnCertNotYetValid {
				t.Fatalf("Gamma at %s: %s", c.t, c.status)
			}
		case "203.0.113.2":
			in := !c.t.Before(betaFrom) && c.t.Before(betaTo)
			if failed != in || failed && c.status != ConnCertUntrusted {
				t.Fatalf("Beta at %s: %s", c.t, c.status)
			}
			betaSerials[c.serial] = true
		case "203.0.113.4":
			if failed {
				t.Fatalf("Delta at %s: %s", c.t, c.status)
			}
		default:
			if failed && !strings.HasPrefix(c.client, "198.51.100.") {
				t.Fatalf("client %s failed: %s", c.client, c.status)
			}
			if c.listener == 8443 && !failed {
				t.Fatalf("%s, no partner, on the mutual-TLS listener", c.client)
			}
		}
	}
	if len(betaSerials) != 2 {
		t.Fatalf("Beta presented %d certificates, want its own and the new one", len(betaSerials))
	}
	// Alpha makes no request once its connections are gone.
	last := time.Time{}
	for _, l := range lines(access) {
		if strings.Contains(l, " 203.0.113.1:") {
			if ts := parseTS(t, splitALB(t, l)[1]); ts.After(last) {
				last = ts
			}
		}
	}
	if last.IsZero() || last.After(alphaEnd.Add(2*time.Minute)) {
		t.Fatalf("Alpha's last request at %s, its certificate expired at %s", last, alphaEnd)
	}

	names := []string{}
	for _, in := range tr.Incidents {
		names = append(names, in.Name)
		if in.Failed == 0 || len(in.Clients) == 0 || in.First.Before(in.Start) || !in.Last.Before(in.End) {
			t.Fatalf("incident %+v", in)
		}
	}
	want := []string{"Beta rotated to a certificate of an unknown CA", "old clients", "strays",
		"Alpha Ltd: client certificate expired", "Gamma Ltd: client certificate not yet valid"}
	if !slices.Equal(names, want) {
		t.Fatalf("incidents %q, want %q", names, want)
	}
	if in := tr.Incidents[1]; in.Failed != 40 || len(in.Clients) != 4 || in.Port != 443 {
		t.Fatalf("old clients: %+v", in)
	}
	if in := tr.Incidents[3]; !slices.Equal(in.Clients, []string{"203.0.113.1"}) || in.First.Before(alphaEnd) {
		t.Fatalf("Alpha's expiry: %+v", in)
	}
}

func TestConnRequestsPerConn(t *testing.T) {
	sc := connTestScenario(6)
	sc.RequestsPerConn = 1
	sc.ALB.Rows = 4000
	_, _, tr, albTr := genConn(t, sc)
	if tr.RequestsPerConn[1] != albTr.Rows || len(tr.RequestsPerConn) != 2 {
		t.Fatalf("one request a connection: %v, %d requests", tr.RequestsPerConn, albTr.Rows)
	}
}

var connKeyRE = regexp.MustCompile(`^logs/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/(\d{4})/(\d\d)/(\d\d)/` +
	`conn_log_123456789012_elasticloadbalancing_eu-west-1_app\.shop-prod-alb\.[0-9a-f]{16}_(\d{8}T\d{4}Z)_([\d.]+)_[a-z0-9]{8}\.log\.gz$`)

func TestConnObjects_Layout(t *testing.T) {
	sc := connTestScenario(7)
	sc.ALB.Rows = 5000
	sc.ALB.Prefix = "logs"
	objs, tr, albTr, err := ConnObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	access, conns := 0, 0
	perNode := map[string]int{}
	for _, o := range objs[1:] {
		raw := gunzip(t, o.Data)
		m := connKeyRE.FindStringSubmatch(o.Key)
		if m == nil {
			if !albKeyRE.MatchString(o.Key) {
				t.Fatalf("bad key %q", o.Key)
			}
			access += len(lines(raw))
			continue
		}
		end, _ := time.Parse("20060102T1504Z", m[4])
		if folder := m[1] + "/" + m[2] + "/" + m[3]; folder != end.Add(5*time.Minute).Format("2006/01/02") {
			t.Fatalf("folder of %q", o.Key)
		}
		for _, l := range lines(raw) {
			c := checkConnLine(t, l, sc.ALB.LoadBalancerID(), 8443)
			if c.t.Before(end.Add(-5*time.Minute)) || !c.t.Before(end) || c.node != m[5] {
				t.Fatalf("connection at %s of node %s in %q", c.t, c.node, o.Key)
			}
			perNode[c.node]++
			conns++
		}
	}
	if access != albTr.Rows || conns != tr.Connections {
		t.Fatalf("%d access lines, %d connections; truth %d, %d", access, conns, albTr.Rows, tr.Connections)
	}
	for n, c := range tr.Nodes {
		if perNode[n] != c.Connections {
			t.Fatalf("node %s: %d connections in objects, truth %d", n, perNode[n], c.Connections)
		}
	}
	if _, _, err := WriteConnObjects(t.TempDir(), sc); err != nil {
		t.Fatal(err)
	}
}

// TestSamplePartnerTLSIncident holds the demo scenario to its story.
func TestSamplePartnerTLSIncident(t *testing.T) {
	tr, albTr, err := ConnTruthOf(SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	expiry := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	if albTr.Rows < 25000 || albTr.Classes["5xx"] > albTr.Rows/100 {
		t.Fatalf("access logs: %d rows, %d 5xx", albTr.Rows, albTr.Classes["5xx"])
	}
	if len(tr.Listeners) != 3 || tr.Listeners[443].Failed != 0 || tr.Listeners[80].Failed != 0 || tr.Listeners[8443].Failed != tr.Failed {
		t.Fatalf("listeners %+v", tr.Listeners)
	}
	if tr.Reasons[ConnCertUntrusted] != 24 || tr.Reasons[ConnCertExpired] < 300 || len(tr.Reasons) != 2 {
		t.Fatalf("reasons %v", tr.Reasons)
	}
	expired := []string{}
	for _, in := range tr.Incidents[1:] {
		expired = append(expired, in.Clients...)
		if in.Reason != ConnCertExpired || in.First.Before(expiry) || in.First.After(expiry.Add(time.Minute)) {
			t.Fatalf("expiry %+v", in)
		}
	}
	if !slices.Equal(expired, []string{"203.0.113.24", "203.0.113.57"}) {
		t.Fatalf("expired partners %v", expired)
	}
	for _, ip := range []string{"203.0.113.11", "203.0.113.36", "203.0.113.42", "203.0.113.63", "203.0.113.78", "203.0.113.85"} {
		if c := tr.Clients[ip]; c == nil || c.Connections == 0 || c.Failed != 0 {
			t.Fatalf("partner %s: %+v", ip, c)
		}
	}
	for m, c := range tr.Minutes {
		if c.Reasons[ConnCertExpired] > 0 && time.Unix(m, 0).Before(expiry) {
			t.Fatalf("expired certificates at %s", time.Unix(m, 0).UTC())
		}
	}
}

func TestConnScenario_Invalid(t *testing.T) {
	good := func() *ConnScenario { return connTestScenario(1) }
	f := func(name string, change func(sc *ConnScenario)) {
		t.Helper()
		sc := good()
		change(sc)
		if _, _, err := ConnTruthOf(sc); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	f("no ALB", func(sc *ConnScenario) { sc.ALB = nil })
	f("no trace IDs", func(sc *ConnScenario) { sc.ALB.Layout = ALBLayout29 })
	f("bad ALB", func(sc *ConnScenario) { sc.ALB.Rows = 0 })
	f("requests", func(sc *ConnScenario) { sc.RequestsPerConn = 0.5 })
	f("port", func(sc *ConnScenario) { sc.MTLSPort = 443 })
	f("share", func(sc *ConnScenario) { sc.PartnerShare = 1 })
	f("partner address", func(sc *ConnScenario) { sc.Partners[0].IP = "x" })
	f("partner twice", func(sc *ConnScenario) { sc.Partners[1].Name = sc.Partners[0].Name })
	f("partner validity", func(sc *ConnScenario) { sc.Partners[0].NotAfter = sc.Partners[0].NotBefore })
	f("unknown partner", func(sc *ConnScenario) { sc.Incidents[0].Partners = []string{"Omega"} })
	f("incident reason", func(sc *ConnScenario) { sc.Incidents[0].Reason = "" })
	if _, _, err := ConnTruthOf(good()); err != nil {
		t.Fatal(err)
	}
}

// gunzip returns the text of a gzip object.
func gunzip(t *testing.T, data []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
