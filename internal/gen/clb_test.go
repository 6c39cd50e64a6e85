package gen

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser/awskey"
)

func clbTestScenario(seed uint64) *CLBScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	return &CLBScenario{
		Seed: seed, Start: start, End: start.Add(30 * time.Minute), Rows: 20000,
		Incidents: EveryCLBCause(start.Add(5*time.Minute), start.Add(25*time.Minute), 0.01),
	}
}

// clbLine is a line split on its own, independently of the parser: the 15
// tokens as written.
type clbLine []string

// checkCLBLine verifies the shape of one line and returns its tokens.
func checkCLBLine(t *testing.T, line string) clbLine {
	t.Helper()
	f := splitALB(t, line)
	if len(f) != 15 {
		t.Fatalf("%d fields, want 15: %q", len(f), line)
	}
	for i, v := range f {
		if q := len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"'; q != (i == 11 || i == 12) {
			t.Fatalf("field %d quoted=%v: %q in %q", i+1, q, v, line)
		}
	}
	parseTS(t, f[0])
	for _, s := range f[4:7] {
		if s == "-1" {
			continue
		}
		if _, err := strconv.ParseFloat(s, 64); err != nil || len(s) < 8 || s[len(s)-7] != '.' {
			t.Fatalf("bad processing time %q in %q", s, line)
		}
	}
	tcp := f[11] == `"- - - "`
	if tcp != (f[7] == "-") || tcp && (f[8] != "-" || f[12] != `"-"`) {
		t.Fatalf("TCP line with a status, or HTTP line without: %q", line)
	}
	if !tcp {
		if code, err := strconv.Atoi(f[7]); err != nil || code < 100 || code > 599 {
			t.Fatalf("bad elb status %q", f[7])
		}
		https := strings.Contains(f[11], " https://")
		if https != (f[13] != "-") || https != (f[14] != "-") {
			t.Fatalf("TLS fields %q %q on %s", f[13], f[14], f[11])
		}
	}
	if f[3] == "-" && (f[4] != "-1" || f[5] != "-1" || f[6] != "-1") {
		t.Fatalf("no backend but times: %q", line)
	}
	return f
}

// classifyCLB applies the taxonomy's CLB table to a line, reading a
// backend status of 0 as no status (what the log writes when no instance
// answered).
func classifyCLB(f clbLine) string {
	elb, _ := strconv.Atoi(f[7])
	backend, err := strconv.Atoi(f[8])
	answered := err == nil && backend != 0
	switch {
	case answered && backend == elb:
		return CauseTargetHTTP5xx
	case answered:
		return CauseTargetMalformedResponse
	case elb == 502 && f[5] != "-1":
		return CauseTargetMalformedResponse
	case elb == 502:
		return CauseTargetConnectionError
	case elb == 504:
		return CauseTargetTimeout
	case elb == 503 && f[3] == "-":
		return CauseLBNoTargets
	case elb == 503:
		return CauseTargetConnectionError
	}
	return CauseLBInternal
}

func TestWriteCLB_Deterministic(t *testing.T) {
	a, _ := written(t, WriteCLB, clbTestScenario(1))
	b, _ := written(t, WriteCLB, clbTestScenario(1))
	c, _ := written(t, WriteCLB, clbTestScenario(2))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
	for _, interval := range []time.Duration{5 * time.Minute, time.Hour} {
		sc := clbTestScenario(1)
		sc.Rows, sc.Interval = 3000, interval
		sameObjects(t, func() ([]Object, error) {
			objs, _, err := CLBObjects(sc)
			return objs, err
		})
	}
}

// TestWriteCLB_TruthMatchesLines classifies every printed line with the
// taxonomy's CLB table and compares with the truth, overall, per listener,
// instance, subnet and minute.
func TestWriteCLB_TruthMatchesLines(t *testing.T) {
	out, tr := written(t, WriteCLB, clbTestScenario(4))
	causes := map[string]int{}
	classes := map[string]int{}
	status := map[int]int{}
	listeners := map[string]int{}
	perInstance := map[string]*Counts{}
	perSubnet := map[string]*Counts{}
	perMinute := map[int64]*Counts{}
	rows, conns := 0, 0
	for _, l := range lines(out) {
		f := checkCLBLine(t, l)
		rows++
		if f[7] == "-" {
			conns++
			if f[13] == "-" {
				listeners["tcp"]++
			} else {
				listeners["ssl"]++
			}
			continue
		}
		if strings.Contains(f[11], " https://") {
			listeners["https"]++
		} else {
			listeners["http"]++
		}
		code, _ := strconv.Atoi(f[7])
		classes[fmt.Sprintf("%dxx", code/100)]++
		status[code]++
		cause := ""
		if code >= 500 {
			cause = classifyCLB(f)
			causes[cause]++
		}
		if f[3] != "-" {
			countsOf(perInstance, f[3]).add(code >= 500, cause)
			ip := f[3][:strings.LastIndexByte(f[3], ':')]
			countsOf(perSubnet, ip[:strings.LastIndexByte(ip, '.')]+".0/24").add(code >= 500, cause)
		}
		m := parseTS(t, f[0]).Truncate(time.Minute).Unix()
		if perMinute[m] == nil {
			perMinute[m] = &Counts{}
		}
		perMinute[m].add(code >= 500, cause)
	}
	if rows != tr.Rows || conns != tr.Connections {
		t.Fatalf("rows %d, connections %d; truth %d, %d", rows, conns, tr.Rows, tr.Connections)
	}
	eq := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	eq("classes", classes, tr.Classes)
	eq("status", status, tr.Status)
	eq("causes", causes, tr.Causes)
	eq("listeners", listeners, tr.Listeners)
	eq("instances", dumpCounts(perInstance), dumpCounts(tr.Instances))
	eq("subnets", dumpCounts(perSubnet), dumpCounts(tr.Subnets))
	eq("minutes", dumpCounts(perMinute), dumpCounts(tr.Minutes))
	// Every CLB cause and context occurs, and both spellings of "no
	// status".
	for k := CLBTimeout; k <= CLBInternal; k++ {
		if causes[k.Cause()] == 0 {
			t.Errorf("no row of cause %s", k.Cause())
		}
	}
	if tr.Context[ContextLBBadRequest] == 0 || tr.Context[ContextLBIdleTimeout] == 0 || status[400] < tr.Context[ContextLBBadRequest] {
		t.Errorf("context %v, status %v", tr.Context, status)
	}
	if !bytes.Contains(out, []byte(" - -1 -1 -1 504 0 ")) || !bytes.Contains(out, []byte(" - -1 -1 -1 503 - ")) {
		t.Error("no answer written both as 0 and as -")
	}
	if tr.Connections == 0 || tr.Listeners["ssl"] == 0 || tr.Listeners["tcp"] == 0 || !bytes.Contains(out, []byte(" -1 -1 \"- - - \"")) {
		t.Errorf("listeners %v", tr.Listeners)
	}
}

func dumpCounts[K comparable](m map[K]*Counts) map[K]Counts {
	o := map[K]Counts{}
	for k, v := range m {
		o[k] = *v
	}
	return o
}

func TestCLBIncidents_Signatures(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	from, to := start.Add(10*time.Minute), start.Add(13*time.Minute)
	sc := &CLBScenario{Seed: 9, Start: start, End: start.Add(20 * time.Minute), Rows: 20000, TCPShare: 0.1,
		Incidents: []CLBIncident{
			CLBNoHealthyInstance503(from, to),
			CLBInstanceTimeout504(start, start.Add(20*time.Minute), "10.0.2.21:80", 0.3),
			CLBInstance500(start, start.Add(20*time.Minute), "10.0.3.31:80", 0.05),
		}}
	out, tr := written(t, WriteCLB, sc)
	slow := map[string]int{}
	for _, l := range lines(out) {
		f := checkCLBLine(t, l)
		ts := parseTS(t, f[0])
		in := !ts.Before(from) && ts.Before(to)
		switch {
		case f[7] == "-":
			// Connections are never shaped.
		case in && f[7] != "503" && f[7] != "400" && f[7] != "408":
			// The load balancer still refuses malformed requests itself.
			t.Fatalf("no healthy instance, but %q", l)
		case in && f[7] == "503" && classifyCLB(f) != CauseLBNoTargets:
			t.Fatalf("503 of another cause: %q", l)
		case f[7] == "504" && (f[3] != "-" || classifyCLB(f) != CauseTargetTimeout):
			t.Fatalf("bad 504: %q", l)
		case f[7] == "500" && (f[3] != "10.0.3.31:80" || f[8] != "500"):
			t.Fatalf("bad 500: %q", l)
		}
		if bp, _ := strconv.ParseFloat(f[5], 64); bp >= 18 {
			slow[f[3]]++
		}
	}
	if len(slow) != 1 || slow["10.0.2.21:80"] < 100 {
		t.Fatalf("requests answered near the idle timeout: %v", slow)
	}
	ins := tr.Incidents
	if len(ins) != 3 || ins[0].Cause != CauseLBNoTargets || ins[0].Rows != tr.Causes[CauseLBNoTargets] ||
		ins[1].Targets[0] != "10.0.2.21:80" || ins[1].Rows != tr.Causes[CauseTargetTimeout] ||
		ins[2].Rows != tr.Instances["10.0.3.31:80"].Causes[CauseTargetHTTP5xx] {
		t.Fatalf("incidents %+v, causes %v", ins, tr.Causes)
	}
	if n := tr.Causes[CauseLBNoTargets]; n < 2000 {
		t.Fatalf("%d lines of no healthy instance in three minutes", n)
	}
}

var clbKeyRE = regexp.MustCompile(`^AWSLogs/123456789012/elasticloadbalancing/eu-west-1/(\d{4}/\d{2}/\d{2})/` +
	`123456789012_elasticloadbalancing_eu-west-1_shop-prod-clb_(\d{8}T\d{4}Z)_([0-9.]+)_[a-z0-9]{8}\.log$`)

func TestCLBObjects_Layout(t *testing.T) {
	start := time.Date(2026, 11, 19, 22, 40, 0, 0, time.UTC)
	for _, interval := range []time.Duration{5 * time.Minute, time.Hour} {
		t.Run(interval.String(), func(t *testing.T) {
			sc := &CLBScenario{Seed: 7, Start: start, End: start.Add(3 * time.Hour), Rows: 20000, Interval: interval}
			objs, tr, err := CLBObjects(sc)
			if err != nil {
				t.Fatal(err)
			}
			if objs[0].Key != "AWSLogs/123456789012/ELBAccessLogTestFile" || !bytes.HasPrefix(objs[0].Data, []byte("Enable AccessLog for ELB: shop-prod-clb at ")) {
				t.Fatalf("test file: %q %q", objs[0].Key, objs[0].Data)
			}
			perNode := map[string]int{}
			var all []string
			days := map[string]bool{}
			for _, o := range objs[1:] {
				m := clbKeyRE.FindStringSubmatch(o.Key)
				if m == nil {
					t.Fatalf("bad key %q", o.Key)
				}
				k, ok := awskey.ParseELB(o.Key[strings.LastIndexByte(o.Key, '/')+1:])
				if !ok || k.Type != "" || k.NodeIP != m[3] || k.LoadBalancer != "shop-prod-clb" {
					t.Fatalf("ParseELB(%q) = %+v, %v", o.Key, k, ok)
				}
				end := k.End
				if end.Truncate(interval) != end {
					t.Fatalf("interval end %s not on a %v boundary", end, interval)
				}
				delay := 5 * time.Minute
				if interval == time.Hour {
					delay = 15 * time.Minute
				}
				if want := end.Add(delay).Format("2006/01/02"); m[1] != want {
					t.Fatalf("folder %s, want delivery date %s", m[1], want)
				}
				days[m[1]] = true
				if o.Data[0] == 0x1f {
					t.Fatalf("object %q is compressed", o.Key)
				}
				for _, l := range lines(o.Data) {
					f := checkCLBLine(t, l)
					if ts := parseTS(t, f[0]); ts.Before(end.Add(-interval)) || !ts.Before(end) {
						t.Fatalf("row at %s in object ending %s", ts, end)
					}
					perNode[m[3]]++
					all = append(all, l)
				}
			}
			if len(days) != 2 {
				t.Fatalf("days %v", days)
			}
			if len(all) != tr.Rows {
				t.Fatalf("%d rows in objects, truth %d", len(all), tr.Rows)
			}
			for n, c := range tr.Nodes {
				if perNode[n] < c.Requests {
					t.Fatalf("node %s: %d rows in objects, truth %d requests", n, perNode[n], c.Requests)
				}
			}
			// The objects hold the lines WriteCLB writes, node by node.
			out, _ := written(t, WriteCLB, sc)
			want := lines(out)
			if len(want) != len(all) {
				t.Fatalf("%d lines in objects, %d written", len(all), len(want))
			}
		})
	}
	if _, err := WriteCLBObjects(t.TempDir(), &CLBScenario{Seed: 7, Start: start, End: start.Add(time.Hour), Rows: 100, Prefix: "logs"}); err != nil {
		t.Fatal(err)
	}
}

func TestSampleCLBIncident(t *testing.T) {
	sc := SampleCLBIncident()
	out, tr := written(t, WriteCLB, sc)
	if tr.Rows < 20000 || tr.Rows > 40000 || tr.Connections == 0 {
		t.Fatalf("%d rows, %d connections", tr.Rows, tr.Connections)
	}
	to := tr.Causes[CauseTargetTimeout]
	if to < 200 || to < 5*(tr.Classes["5xx"]-to) {
		t.Fatalf("causes %v", tr.Causes)
	}
	if tr.Domains[DomainLoadBalancer] != 0 || tr.Causes[CauseTargetHTTP5xx] == 0 {
		t.Fatalf("causes %v", tr.Causes)
	}
	if tr.Instances["10.0.3.31:80"].Causes[CauseTargetHTTP5xx] != tr.Causes[CauseTargetHTTP5xx] {
		t.Fatal("http 5xx not confined to 10.0.3.31")
	}
	from := time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC).Unix()
	until := time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC).Unix()
	for m, c := range tr.Minutes {
		if (m < from || m >= until) && c.Causes[CauseTargetTimeout] > 0 {
			t.Fatalf("timeouts at minute %d", m)
		}
	}
	for _, n := range tr.Nodes {
		if n.Causes[CauseTargetTimeout] < to/5 {
			t.Fatalf("timeouts not spread over the nodes: %v", n.Causes)
		}
	}
	for _, l := range lines(out) {
		checkCLBLine(t, l)
	}
	t.Logf("rows %d (%d connections), 5xx %d, causes %v", tr.Rows, tr.Connections, tr.Classes["5xx"], tr.Causes)
}

func TestCLBScenario_Invalid(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	f := func(sc CLBScenario) {
		t.Helper()
		if _, err := CLBTruthOf(&sc); err == nil {
			t.Fatalf("no error for %+v", sc)
		}
	}
	f(CLBScenario{Rows: 10})
	f(CLBScenario{Start: start, End: start.Add(time.Minute)})
	f(CLBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Interval: 10 * time.Minute})
	f(CLBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, TCPShare: 1})
	f(CLBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Instances: []string{"10.0.0.1"}})
	f(CLBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Incidents: []CLBIncident{{Kind: 99}}})
	f(CLBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Incidents: []CLBIncident{{Kind: CLBInstanceHTTP5xx, Status: 404}}})
}
