package gen

import (
	"bytes"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// splitALB splits a line on spaces, keeping quoted values (with their
// quotes) as one token. It is deliberately independent of the parser.
func splitALB(t *testing.T, line string) []string {
	t.Helper()
	var out []string
	for i := 0; i < len(line); {
		if line[i] == '"' {
			j := strings.IndexByte(line[i+1:], '"')
			if j < 0 {
				t.Fatalf("unterminated quote in %q", line)
			}
			out = append(out, line[i:i+j+2])
			i += j + 2
		} else {
			j := strings.IndexByte(line[i:], ' ')
			if j < 0 {
				j = len(line) - i
			}
			out = append(out, line[i:i+j])
			i += j
		}
		if i < len(line) {
			if line[i] != ' ' {
				t.Fatalf("no space after token at %d in %q", i, line)
			}
			i++
		}
	}
	return out
}

// quotedALB lists the 1-based positions of quoted ALB fields.
var quotedALB = map[int]bool{13: true, 14: true, 18: true, 19: true, 20: true, 23: true, 24: true,
	25: true, 26: true, 27: true, 28: true, 29: true, 31: true, 32: true, 33: true}

func unq(s string) string { return strings.Trim(s, `"`) }

func parseTS(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse("2006-01-02T15:04:05.000000Z", s)
	if err != nil {
		t.Fatalf("bad timestamp %q: %v", s, err)
	}
	return ts
}

// classifyALB applies the taxonomy's ALB rules to a tokenised line.
func classifyALB(t *testing.T, f []string) string {
	t.Helper()
	elb, _ := strconv.Atoi(f[8])
	targetSet := f[4] != "-"
	answered := f[9] != "-"
	reason := unq(f[24])
	actions := unq(f[22])
	tpt := f[6]
	dur := parseTS(t, f[1]).Sub(parseTS(t, f[21])).Seconds()
	switch {
	case reason == "LambdaServiceException" || reason == "LambdaConnectionError" ||
		reason == "LambdaConnectionTimeout" || reason == "LambdaUnhandledException":
		return CauseLBLambdaService
	case strings.HasPrefix(reason, "Lambda"):
		return CauseTargetLambdaError
	case strings.HasPrefix(reason, "Auth") || elb == 561:
		return CauseLBAuthError
	case strings.HasPrefix(reason, "WAF") || strings.Contains(actions, "waf-failed"):
		return CauseLBWAFError
	case strings.Contains(actions, "fixed-response"):
		return CauseLBFixedResponse
	case (elb == 501 || elb == 505) && !answered:
		return CauseClientBadRequest
	case answered && f[9] == f[8]:
		return CauseTargetHTTP5xx
	case answered:
		return CauseTargetMalformedResponse
	case targetSet && elb == 502 && tpt == "-1":
		return CauseTargetConnectionError
	case targetSet && elb == 502:
		return CauseTargetMalformedResponse
	case targetSet && elb == 504 && dur >= 9.5 && dur < 11.0:
		return CauseTargetConnectTimeout
	case targetSet && elb == 504:
		return CauseTargetTimeout
	case targetSet:
		return CauseTargetConnectionError
	case elb == 503:
		return CauseLBNoTargets
	}
	return CauseLBInternal
}

// checkALBLine verifies the shape of one line and returns its tokens.
func checkALBLine(t *testing.T, line string, layout int) []string {
	t.Helper()
	f := splitALB(t, line)
	if len(f) != layout {
		t.Fatalf("%d fields, want %d: %q", len(f), layout, line)
	}
	for i, v := range f {
		q := len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"'
		if q != quotedALB[i+1] {
			t.Fatalf("field %d quoted=%v: %q in %q", i+1, q, v, line)
		}
	}
	switch f[0] {
	case "http", "https", "h2":
	default:
		t.Fatalf("bad type %q", f[0])
	}
	ts, rct := parseTS(t, f[1]), parseTS(t, f[21])
	if rct.After(ts) || rct.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("request_creation_time %s vs time %s", f[21], f[1])
	}
	sum := 0.0
	for _, s := range f[5:8] {
		if s == "-1" {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || len(s) < 5 || s[len(s)-4] != '.' {
			t.Fatalf("bad processing time %q in %q", s, line)
		}
		sum += v
	}
	if d := ts.Sub(rct).Seconds(); d+1e-9 < sum || d > sum+0.002 && sum > 0 {
		t.Fatalf("duration %.6f vs processing times %.3f in %q", d, sum, line)
	}
	if code, err := strconv.Atoi(f[8]); err != nil || code < 100 || code > 599 {
		t.Fatalf("bad elb status %q", f[8])
	}
	if (f[0] == "http") != (f[14] == "-") || (f[0] == "http") != (f[15] == "-") {
		t.Fatalf("TLS fields %q %q on %s", f[14], f[15], f[0])
	}
	if !strings.HasPrefix(f[17], `"Root=1-`) || len(f[17]) != len(`"Root=1-`)+8+1+24+1 {
		t.Fatalf("bad trace id %s", f[17])
	}
	if layout >= 29 && (unq(f[25]) != f[4] || unq(f[26]) != f[9]) {
		t.Fatalf("target lists %s %s vs %s %s", f[25], f[26], f[4], f[9])
	}
	if layout >= 30 && (!strings.HasPrefix(f[29], "TID_") || len(f[29]) != 36) {
		t.Fatalf("bad conn_trace_id %q", f[29])
	}
	return f
}

func testScenario(seed uint64) *ALBScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	return &ALBScenario{
		Seed: seed, Start: start, End: start.Add(30 * time.Minute), Rows: 20000, WAF: true,
		Incidents: EveryALBCause(start.Add(5*time.Minute), start.Add(25*time.Minute), 0.01),
	}
}

// written writes sc with write (WriteALB, WriteCLB, WriteCloudFront, WriteHealth) and
// returns the bytes and the truth.
func written[S, T any](t testing.TB, write func(io.Writer, S) (T, error), sc S) ([]byte, T) {
	t.Helper()
	var b bytes.Buffer
	tr, err := write(&b, sc)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), tr
}

func TestWriteALB_Deterministic(t *testing.T) {
	a, _ := written(t, WriteALB, testScenario(1))
	b, _ := written(t, WriteALB, testScenario(1))
	c, _ := written(t, WriteALB, testScenario(2))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
	sc := testScenario(1)
	sc.Rows = 3000
	sameObjects(t, func() ([]Object, error) {
		objs, _, err := ALBObjects(sc)
		return objs, err
	})
}

// sameObjects makes a scenario's objects twice with objects and fails
// unless they are the same, keys and bytes.
func sameObjects(t *testing.T, objects func() ([]Object, error)) {
	t.Helper()
	o1, err := objects()
	if err != nil {
		t.Fatal(err)
	}
	o2, _ := objects()
	if len(o1) != len(o2) {
		t.Fatal("object counts differ")
	}
	for i := range o1 {
		if o1[i].Key != o2[i].Key || !bytes.Equal(o1[i].Data, o2[i].Data) {
			t.Fatalf("object %d differs", i)
		}
	}
}

func TestWriteALB_Layouts(t *testing.T) {
	for _, layout := range []int{ALBLayout25, ALBLayout29, ALBLayout30, ALBLayout33} {
		t.Run(strconv.Itoa(layout), func(t *testing.T) {
			sc := testScenario(3)
			sc.Layout = layout
			sc.Rows = 5000
			out, tr := written(t, WriteALB, sc)
			lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
			if len(lines) != tr.Rows {
				t.Fatalf("%d lines, truth says %d", len(lines), tr.Rows)
			}
			for _, l := range lines {
				checkALBLine(t, l, layout)
			}
		})
	}
}

// TestWriteALB_TruthMatchesLines classifies every printed line with the
// taxonomy rules and compares with the truth, overall, per target, subnet
// and minute.
func TestWriteALB_TruthMatchesLines(t *testing.T) {
	out, tr := written(t, WriteALB, testScenario(4))
	causes := map[string]int{}
	classes := map[string]int{}
	context := map[string]int{}
	perTarget := map[string]*Counts{}
	perSubnet := map[string]*Counts{}
	perMinute := map[int64]*Counts{}
	rows := 0
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		f := checkALBLine(t, l, ALBLayout33)
		rows++
		code, _ := strconv.Atoi(f[8])
		classes[fmt.Sprintf("%dxx", code/100)]++
		cause := ""
		if code >= 500 {
			cause = classifyALB(t, f)
			causes[cause]++
		}
		switch {
		case code == 460:
			context[ContextClientClosed]++
		case code == 403 && strings.HasSuffix(unq(f[22]), "waf"):
			context[ContextWAFBlocked]++
		case f[9] == "-" && (code == 400 || code == 408 || code == 463 || code == 464):
			context[f[8]]++
		}
		if f[4] != "-" {
			countsOf(perTarget, f[4]).add(code >= 500, cause)
			ip := f[4][:strings.LastIndexByte(f[4], ':')]
			countsOf(perSubnet, ip[:strings.LastIndexByte(ip, '.')]+".0/24").add(code >= 500, cause)
		}
		m := parseTS(t, f[1]).Truncate(time.Minute).Unix()
		if perMinute[m] == nil {
			perMinute[m] = &Counts{}
		}
		perMinute[m].add(code >= 500, cause)
	}
	if rows != tr.Rows {
		t.Fatalf("rows %d, truth %d", rows, tr.Rows)
	}
	eq := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	eq("classes", classes, tr.Classes)
	eq("causes", causes, tr.Causes)
	eq("context", context, tr.Context)
	dump := func(m map[string]*Counts) map[string]Counts {
		o := map[string]Counts{}
		for k, v := range m {
			o[k] = *v
		}
		return o
	}
	eq("targets", dump(perTarget), dump(tr.Targets))
	eq("subnets", dump(perSubnet), dump(tr.Subnets))
	dm := func(m map[int64]*Counts) map[int64]Counts {
		o := map[int64]Counts{}
		for k, v := range m {
			o[k] = *v
		}
		return o
	}
	eq("minutes", dm(perMinute), dm(tr.Minutes))
	// Every ALB cause occurs.
	for k := ALBLambdaService; k <= ALBInternal; k++ {
		if causes[k.Cause()] == 0 {
			t.Errorf("no row of cause %s", k.Cause())
		}
	}
}

func TestALBTruth_Reconciles(t *testing.T) {
	_, tr := written(t, WriteALB, testScenario(5))
	sum := func(m map[string]int) int {
		n := 0
		for _, v := range m {
			n += v
		}
		return n
	}
	if sum(tr.Classes) != tr.Rows {
		t.Errorf("classes sum %d, rows %d", sum(tr.Classes), tr.Rows)
	}
	if sum(tr.Causes) != tr.Classes["5xx"] || sum(tr.Domains) != tr.Classes["5xx"] {
		t.Errorf("causes %d, domains %d, 5xx %d", sum(tr.Causes), sum(tr.Domains), tr.Classes["5xx"])
	}
	for c, n := range tr.Causes {
		if CauseDomain(c) == "" || n <= 0 {
			t.Errorf("cause %q: %d", c, n)
		}
	}
	check := func(name string, m map[string]*Counts, wantRows int) {
		t.Helper()
		rows := 0
		for k, c := range m {
			rows += c.Requests
			if sum(c.Causes) != c.Errors5xx || sum(c.Domains) != c.Errors5xx {
				t.Errorf("%s %s: causes %d domains %d 5xx %d", name, k, sum(c.Causes), sum(c.Domains), c.Errors5xx)
			}
		}
		if wantRows >= 0 && rows != wantRows {
			t.Errorf("%s: %d rows, want %d", name, rows, wantRows)
		}
	}
	check("nodes", tr.Nodes, tr.Rows)
	targeted := 0
	for _, c := range tr.Targets {
		targeted += c.Requests
	}
	check("targets", tr.Targets, -1)
	check("subnets", tr.Subnets, targeted)
	if len(tr.Targets) != 9 || len(tr.Subnets) != 3 || len(tr.Nodes) != 3 {
		t.Errorf("%d targets, %d subnets, %d nodes", len(tr.Targets), len(tr.Subnets), len(tr.Nodes))
	}
	mins := 0
	for _, c := range tr.Minutes {
		mins += c.Requests
	}
	if mins != tr.Rows || len(tr.Minutes) != 30 {
		t.Errorf("minutes: %d rows in %d buckets", mins, len(tr.Minutes))
	}
	shaped := 0
	for _, in := range tr.Incidents {
		if in.Cause != "" {
			shaped += in.Rows
		}
	}
	if shaped != tr.Classes["5xx"] {
		t.Errorf("incidents shaped %d 5xx rows, truth has %d", shaped, tr.Classes["5xx"])
	}
}

// TestALBIncidents_Signatures checks that each kind's rows carry its
// signature fields, and that windows and filters hold.
func TestALBIncidents_Signatures(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	from, to := start.Add(10*time.Minute), start.Add(20*time.Minute)
	for k := ALBLambdaService; k <= ALBInternal; k++ {
		t.Run(k.String(), func(t *testing.T) {
			sc := &ALBScenario{Seed: uint64(k), Start: start, End: start.Add(30 * time.Minute), Rows: 6000,
				Incidents: []ALBIncident{{Kind: k, Start: from, End: to, Rate: 0.2, Subnet: "10.0.3.0/24", Node: "54.76.190.5"}}}
			out, tr := written(t, WriteALB, sc)
			n := 0
			for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
				f := checkALBLine(t, l, ALBLayout33)
				if f[8] < "500" {
					continue
				}
				n++
				ts := parseTS(t, f[1])
				if ts.Before(from) || !ts.Before(to) {
					t.Fatalf("5xx outside the window: %s", l)
				}
				if got := classifyALB(t, f); got != k.Cause() {
					t.Fatalf("classified %s, want %s: %s", got, k.Cause(), l)
				}
				if f[4] != "-" && !strings.HasPrefix(f[4], "10.0.3.") {
					t.Fatalf("target outside the subnet: %s", l)
				}
				reason := unq(f[24])
				dur := ts.Sub(parseTS(t, f[21])).Seconds()
				ok := true
				switch k {
				case ALBLambdaService, ALBLambdaError:
					ok = f[4] == "-" && strings.HasPrefix(reason, "Lambda")
				case ALBAuthError:
					ok = f[4] == "-" && strings.HasPrefix(reason, "Auth") && (f[8] == "561" || f[8] == "500")
				case ALBWAFError:
					ok = f[8] == "500" && strings.HasPrefix(reason, "WAF") && unq(f[22]) == "waf-failed"
				case ALBFixedResponse:
					ok = f[8] == "503" && f[4] == "-" && f[5] == "-1" && unq(f[22]) == "fixed-response"
				case ALBBadRequest:
					ok = (f[8] == "501" || f[8] == "505") && f[4] == "-" && f[9] == "-"
				case ALBTargetHTTP5xx:
					ok = f[8] == "500" && f[9] == "500"
				case ALBMalformedResponse:
					ok = f[8] == "502" && f[4] != "-" && (f[9] == "200" || f[9] == "-" && f[6] != "-1")
				case ALBConnectionError:
					ok = f[8] == "502" && f[4] != "-" && f[9] == "-" && f[5]+f[6]+f[7] == "-1-1-1"
				case ALBDeregistering:
					ok = f[8] == "500" && f[4] != "-" && f[9] == "-"
				case ALBConnectTimeout:
					ok = f[8] == "504" && f[4] != "-" && f[9] == "-" && dur >= 10 && dur < 10.05
				case ALBTargetTimeout:
					ok = f[8] == "504" && f[4] != "-" && f[9] == "-" && dur >= 60 && dur < 60.1
				case ALBNoTargets:
					ok = f[8] == "503" && f[4] == "-" && f[9] == "-" && reason == "-"
				case ALBInternal:
					ok = f[8] == "500" && f[4] == "-" && reason == "-"
				}
				if !ok {
					t.Fatalf("signature of %s wrong: %s", k, l)
				}
			}
			if n == 0 || n != tr.Classes["5xx"] || n != tr.Incidents[0].Rows || tr.Causes[k.Cause()] != n {
				t.Fatalf("%d 5xx lines, truth %v, incident rows %d", n, tr.Causes, tr.Incidents[0].Rows)
			}
			if tr.Nodes["54.76.190.5"].Errors5xx != n {
				t.Fatalf("5xx on other nodes: %+v", tr.Nodes)
			}
		})
	}
}

func TestALBPresets(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	from, to := start.Add(10*time.Minute), start.Add(40*time.Minute)
	base := func(in ...ALBIncident) *ALBTruth {
		tr, err := ALBTruthOf(&ALBScenario{Seed: 9, Start: start, End: start.Add(time.Hour), Rows: 36000, Incidents: in})
		if err != nil {
			t.Fatal(err)
		}
		return tr
	}
	t.Run("AsymmetricNode", func(t *testing.T) {
		tr := base(AsymmetricNode(from, to, "34.243.77.102", 0.9))
		weak, other := tr.Nodes["34.243.77.102"].Requests, tr.Nodes["52.208.14.23"].Requests
		if float64(weak) > 0.7*float64(other) {
			t.Fatalf("node share not reduced: %d vs %d", weak, other)
		}
		if tr.Rows+tr.Incidents[0].Rows != 36000 || tr.Classes["5xx"] != 0 {
			t.Fatalf("rows %d + dropped %d", tr.Rows, tr.Incidents[0].Rows)
		}
	})
	t.Run("NACLSubnet504", func(t *testing.T) {
		tr := base(NACLSubnet504(from, to, "10.0.3.0/24", 0.3))
		if tr.Subnets["10.0.3.0/24"].Causes[CauseTargetConnectTimeout] != tr.Classes["5xx"] || tr.Classes["5xx"] < 500 {
			t.Fatalf("504s not confined to the subnet: %+v", tr.Causes)
		}
	})
	t.Run("VPCEndpoint500", func(t *testing.T) {
		tr := base(VPCEndpoint500(from, to, "10.0.2.22:8080", 0.5))
		if tr.Targets["10.0.2.22:8080"].Causes[CauseTargetHTTP5xx] != tr.Classes["5xx"] || tr.Classes["5xx"] < 500 {
			t.Fatalf("500s not confined to the target: %+v", tr.Causes)
		}
	})
	t.Run("GrowingTraffic502", func(t *testing.T) {
		tr := base(GrowingTraffic502(from, to, 3, 0.2, 5*time.Minute, time.Minute))
		first := tr.Minutes[from.Unix()].Requests
		last := tr.Minutes[to.Add(-time.Minute).Unix()].Requests
		if float64(last) < 2*float64(first) {
			t.Fatalf("traffic did not grow: %d → %d", first, last)
		}
		for m, c := range tr.Minutes {
			burst := m >= from.Unix() && m < to.Unix() && (m-from.Unix())%300 < 60
			if burst != (c.Errors5xx > 0) {
				t.Fatalf("minute %s: %d 5xx, burst %v", time.Unix(m, 0).UTC(), c.Errors5xx, burst)
			}
		}
		for k, c := range tr.Targets {
			if c.Causes[CauseTargetConnectionError] == 0 {
				t.Fatalf("target %s has no connection errors", k)
			}
		}
	})
	t.Run("KeepAlive502", func(t *testing.T) {
		tr := base(KeepAlive502(from, to, 0.1, "10.0.1.11:8080"))
		if tr.Targets["10.0.1.11:8080"].Errors5xx != tr.Classes["5xx"] || tr.Causes[CauseTargetConnectionError] != tr.Classes["5xx"] {
			t.Fatalf("%+v", tr.Causes)
		}
	})
}

var albKeyRE = regexp.MustCompile(`^logs/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/(\d{4})/(\d{2})/(\d{2})/` +
	`123456789012_elasticloadbalancing_eu-west-1_app\.shop-prod-alb\.([0-9a-f]{16})_(\d{8}T\d{4}Z)_([0-9.]+)_([a-z0-9]{8})\.log\.gz$`)

func TestALBObjects_Layout(t *testing.T) {
	start := time.Date(2026, 11, 19, 23, 30, 0, 0, time.UTC)
	sc := &ALBScenario{Seed: 7, Start: start, End: start.Add(26 * time.Hour), RPS: 0.5, Prefix: "logs",
		Incidents: []ALBIncident{KeepAlive502(start, start.Add(time.Hour), 0.05)}}
	objs, tr, err := ALBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	if objs[0].Key != "logs/AWSLogs/123456789012/ELBAccessLogTestFile" || !bytes.HasPrefix(objs[0].Data, []byte("Enable AccessLog for ELB: app/shop-prod-alb/")) {
		t.Fatalf("test file: %q %q", objs[0].Key, objs[0].Data)
	}
	perNode := map[string]int{}
	rows := 0
	days := map[string]bool{}
	crossed := false
	seen := map[string]bool{}
	for _, o := range objs[1:] {
		m := albKeyRE.FindStringSubmatch(o.Key)
		if m == nil {
			t.Fatalf("bad key %q", o.Key)
		}
		if seen[o.Key] {
			t.Fatalf("duplicate key %q", o.Key)
		}
		seen[o.Key] = true
		end, err := time.Parse("20060102T1504Z", m[5])
		if err != nil || end.Minute()%5 != 0 {
			t.Fatalf("bad interval end in %q", o.Key)
		}
		folder := m[1] + "/" + m[2] + "/" + m[3]
		if want := end.Add(5 * time.Minute).Format("2006/01/02"); folder != want {
			t.Fatalf("folder %s, want delivery date %s: %q", folder, want, o.Key)
		}
		if end.Format("2006/01/02") != folder {
			crossed = true
		}
		days[folder] = true
		raw := gunzip(t, o.Data)
		for _, l := range strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n") {
			f := checkALBLine(t, l, ALBLayout33)
			ts := parseTS(t, f[1])
			if ts.Before(end.Add(-5*time.Minute)) || !ts.Before(end) {
				t.Fatalf("row at %s in object ending %s", ts, end)
			}
			perNode[m[6]]++
			rows++
		}
	}
	if !crossed || len(days) != 3 {
		t.Fatalf("days %v, crossed midnight %v", days, crossed)
	}
	if rows != tr.Rows {
		t.Fatalf("%d rows in objects, truth %d", rows, tr.Rows)
	}
	for n, c := range tr.Nodes {
		if perNode[n] != c.Requests {
			t.Fatalf("node %s: %d rows in objects, truth %d", n, perNode[n], c.Requests)
		}
	}
	dir := t.TempDir()
	if _, err := WriteALBObjects(dir, &ALBScenario{Seed: 7, Start: start, End: start.Add(time.Hour), Rows: 100}); err != nil {
		t.Fatal(err)
	}
}

func TestSampleIncident(t *testing.T) {
	sc := SampleIncident()
	out, tr := written(t, WriteALB, sc)
	if tr.Rows < 20000 || tr.Rows > 40000 {
		t.Fatalf("%d rows", tr.Rows)
	}
	ce := tr.Causes[CauseTargetConnectionError]
	if ce < 200 || ce < 5*(tr.Classes["5xx"]-ce) {
		t.Fatalf("causes %v", tr.Causes)
	}
	if tr.Subnets["10.0.2.0/24"].Causes[CauseTargetConnectionError] != ce {
		t.Fatalf("connection errors outside 10.0.2.0/24")
	}
	if tr.Domains[DomainLoadBalancer] != 0 || tr.Causes[CauseTargetHTTP5xx] == 0 || tr.Causes[CauseClientBadRequest] == 0 {
		t.Fatalf("causes %v", tr.Causes)
	}
	if tr.Targets["10.0.1.12:8080"].Causes[CauseTargetHTTP5xx] != tr.Causes[CauseTargetHTTP5xx] {
		t.Fatalf("http 5xx not confined to 10.0.1.12")
	}
	from := time.Date(2026, 11, 20, 13, 5, 0, 0, time.UTC).Unix()
	to := time.Date(2026, 11, 20, 13, 20, 0, 0, time.UTC).Unix()
	for m, c := range tr.Minutes {
		if (m < from || m >= to) && c.Causes[CauseTargetConnectionError] > 0 {
			t.Fatalf("connection errors at minute %d", m)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(string(out), "\n"), "\n") {
		checkALBLine(t, l, ALBLayout33)
	}
	t.Logf("rows %d, 5xx %d, causes %v", tr.Rows, tr.Classes["5xx"], tr.Causes)
}

func TestALBScenario_Invalid(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	f := func(sc ALBScenario) {
		t.Helper()
		if _, err := ALBTruthOf(&sc); err == nil {
			t.Fatalf("no error for %+v", sc)
		}
	}
	f(ALBScenario{Rows: 10})
	f(ALBScenario{Start: start, End: start.Add(time.Minute)})
	f(ALBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Layout: 27})
	f(ALBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, IdleTimeout: 10 * time.Second})
	f(ALBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Incidents: []ALBIncident{{Kind: ALBNodeDrop}}})
	f(ALBScenario{Start: start, End: start.Add(time.Minute), Rows: 1, Incidents: []ALBIncident{{Kind: ALBTargetHTTP5xx, Status: 561}}})
}
