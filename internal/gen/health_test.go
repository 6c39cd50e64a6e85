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

// hcLine is one health-check line as the tests read it, independently of
// the parser: split on spaces.
type hcLine struct {
	t       time.Time
	latency time.Duration
	target  string
	pass    bool
	code    int // 0 for "-"
	reason  string
	node    string
}

func readHealthLines(t *testing.T, data []byte, layout int, hs *HealthScenario) []hcLine {
	t.Helper()
	alb, _ := hs.ALB.withDefaults()
	var out []hcLine
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		f := strings.Split(l, " ")
		if len(f) != layout {
			t.Fatalf("%d fields, want %d: %q", len(f), layout, l)
		}
		if f[0] != "http" || f[4] != alb.TargetGroup || !slices.Contains(alb.Targets, f[3]) {
			t.Fatalf("bad type, target or group: %q", l)
		}
		ts := parseTS(t, f[1])
		sec, frac, ok := strings.Cut(f[2], ".")
		if !ok || len(frac) != 9 {
			t.Fatalf("latency %q: want nine decimals", f[2])
		}
		s, err1 := strconv.Atoi(sec)
		ns, err2 := strconv.Atoi(frac)
		if err1 != nil || err2 != nil {
			t.Fatalf("bad latency %q", f[2])
		}
		h := hcLine{t: ts, latency: time.Duration(s)*time.Second + time.Duration(ns), target: f[3], pass: f[5] == "PASS"}
		if !h.pass && f[5] != "FAIL" {
			t.Fatalf("bad status %q", l)
		}
		if f[6] != "-" {
			if h.code, err1 = strconv.Atoi(f[6]); err1 != nil {
				t.Fatalf("bad status code %q", l)
			}
		}
		if f[7] != "-" {
			h.reason = f[7]
		}
		if h.pass != (h.reason == "") || h.pass && h.code != 200 {
			t.Fatalf("status, code and reason disagree: %q", l)
		}
		switch h.reason {
		case reasonTimedOut, reasonRequestTimedOut, reasonConnectionTimedOut:
			if h.code != 0 || h.latency <= 5*time.Second || h.latency > 5*time.Second+2*time.Millisecond {
				t.Fatalf("time-out with a code or a latency off the timeout: %q", l)
			}
		case reasonConnectionReset:
			if h.code != 0 {
				t.Fatalf("reset with a code: %q", l)
			}
		case reasonCodeMismatch:
			if h.code == 200 {
				t.Fatalf("code mismatch on the matcher's code: %q", l)
			}
		case reasonTargetError:
			if h.code < 500 {
				t.Fatalf("target error without a 5xx: %q", l)
			}
		}
		if layout == HealthLayout10 {
			if f[8] != "app/"+alb.LBName+"/"+alb.LBID || !slices.Contains(alb.Nodes, f[9]) {
				t.Fatalf("bad elb or node: %q", l)
			}
			h.node = f[9]
		}
		if len(out) > 0 && h.t.Before(out[len(out)-1].t) {
			t.Fatalf("lines out of time order at %q", l)
		}
		out = append(out, h)
	}
	return out
}

func healthTestScenario(seed uint64, layout int) *HealthScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	at := func(m int) time.Time { return start.Add(time.Duration(m) * time.Minute) }
	return &HealthScenario{
		ALB:    &ALBScenario{Seed: seed, Start: start, End: at(60), Rows: 100},
		Layout: layout,
		Incidents: []HealthIncident{
			{Name: "mismatch on one target", Kind: HealthCodeMismatch, Start: at(5), End: at(15), Rate: 0.9, Targets: []string{"10.0.1.11:8080"}},
			{Name: "503 from two", Kind: HealthTargetError, Start: at(10), End: at(20), Rate: 1, Targets: []string{"10.0.2.21:8080", "10.0.2.22:8080"}},
			{Name: "one node cannot reach", Kind: HealthTimeout, Start: at(20), End: at(30), Rate: 1, Node: "54.76.190.5"},
			{Name: "resets in bursts", Kind: HealthReset, Start: at(30), End: at(40), Rate: 0.7, BurstEvery: 3 * time.Minute, BurstFor: time.Minute},
			{Name: "everything overloaded", Kind: HealthOverload, Start: at(42), End: at(47), Rate: 1},
		},
	}
}

func TestWriteHealth_Deterministic(t *testing.T) {
	a, _ := written(t, WriteHealth, healthTestScenario(1, 0))
	b, _ := written(t, WriteHealth, healthTestScenario(1, 0))
	c, _ := written(t, WriteHealth, healthTestScenario(2, 0))
	if !bytes.Equal(a, b) {
		t.Fatal("same seed, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("different seeds, same bytes")
	}
	sameObjects(t, func() ([]Object, error) {
		objs, _, err := HealthObjects(healthTestScenario(1, 0))
		return objs, err
	})
	tr, err := HealthTruthOf(healthTestScenario(1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if _, tw := written(t, WriteHealth, healthTestScenario(1, 0)); tr.Checks != tw.Checks || tr.Failed != tw.Failed {
		t.Fatalf("HealthTruthOf %d/%d, WriteHealth %d/%d", tr.Checks, tr.Failed, tw.Checks, tw.Failed)
	}
}

// TestWriteHealth_TruthMatchesLines recomputes the truth from the printed
// lines, by its own means, and compares.
func TestWriteHealth_TruthMatchesLines(t *testing.T) {
	for _, layout := range []int{HealthLayout10, HealthLayout8} {
		t.Run(strconv.Itoa(layout), func(t *testing.T) {
			hs := healthTestScenario(4, layout)
			out, tr := written(t, WriteHealth, hs)
			lines := readHealthLines(t, out, layout, hs)
			checkHealthTruth(t, lines, tr, hs, layout == HealthLayout10)
			if len(tr.FailOpen) == 0 || len(tr.AllFailingMinutes) < 3 {
				t.Fatalf("fail-open %v, all failing %v: the scenario has every target failing for 5 minutes", tr.FailOpen, tr.AllFailingMinutes)
			}
		})
	}
}

func checkHealthTruth(t *testing.T, lines []hcLine, tr *HealthTruth, hs *HealthScenario, nodes bool) {
	t.Helper()
	alb, _ := hs.ALB.withDefaults()
	if len(lines) != tr.Checks || !lines[0].t.Equal(tr.First) || !lines[len(lines)-1].t.Equal(tr.Last) {
		t.Fatalf("%d lines %s..%s, truth %d %s..%s", len(lines), lines[0].t, lines[len(lines)-1].t, tr.Checks, tr.First, tr.Last)
	}
	// Every node checks every target once a round of 30 s.
	end := hs.End
	if end.IsZero() {
		end = alb.End
	}
	start := hs.Start
	if start.IsZero() {
		start = alb.Start
	}
	if want := len(alb.Nodes) * len(alb.Targets) * int(end.Sub(start)/(30*time.Second)); tr.Checks != want {
		t.Fatalf("%d checks, want %d", tr.Checks, want)
	}
	all, perTarget, perNode, perMinute := &HealthCounts{}, map[string]*HealthCounts{}, map[string]*HealthCounts{}, map[int64]*HealthCounts{}
	add := func(c *HealthCounts, h hcLine) {
		c.Checks++
		if h.pass {
			return
		}
		c.Failed++
		if c.Reasons == nil {
			c.Reasons, c.MismatchCodes = map[string]int{}, map[int]int{}
		}
		c.Reasons[h.reason]++
		if h.reason == reasonCodeMismatch {
			c.MismatchCodes[h.code]++
		}
	}
	get := func(m map[string]*HealthCounts, k string) *HealthCounts {
		if m[k] == nil {
			m[k] = &HealthCounts{}
		}
		return m[k]
	}
	first, last := map[string]time.Time{}, map[string]time.Time{}
	for _, h := range lines {
		add(all, h)
		add(get(perTarget, h.target), h)
		if nodes {
			add(get(perNode, h.node), h)
		}
		m := h.t.Truncate(time.Minute).Unix()
		if perMinute[m] == nil {
			perMinute[m] = &HealthCounts{}
		}
		add(perMinute[m], h)
		if !h.pass {
			if first[h.target].IsZero() {
				first[h.target] = h.t
			}
			last[h.target] = h.t
		}
	}
	same := func(what string, got *HealthCounts, want HealthCounts) {
		t.Helper()
		if got.Checks != want.Checks || got.Failed != want.Failed || !maps.Equal(got.Reasons, want.Reasons) ||
			len(got.MismatchCodes)+len(want.MismatchCodes) > 0 && !maps.Equal(got.MismatchCodes, want.MismatchCodes) {
			t.Fatalf("%s: lines %+v, truth %+v", what, *got, want)
		}
	}
	same("all", all, HealthCounts{Checks: tr.Checks, Failed: tr.Failed, Reasons: tr.Reasons, MismatchCodes: tr.MismatchCodes})
	if len(perTarget) != len(tr.Targets) || len(perMinute) != len(tr.Minutes) {
		t.Fatalf("%d targets, %d minutes; truth %d, %d", len(perTarget), len(perMinute), len(tr.Targets), len(tr.Minutes))
	}
	for k, c := range perTarget {
		same("target "+k, c, tr.Targets[k].HealthCounts)
		if !first[k].Equal(tr.Targets[k].FirstFailed) || !last[k].Equal(tr.Targets[k].LastFailed) {
			t.Fatalf("target %s failed %s..%s, truth %s..%s", k, first[k], last[k], tr.Targets[k].FirstFailed, tr.Targets[k].LastFailed)
		}
	}
	for k, c := range perMinute {
		same("minute "+strconv.FormatInt(k, 10), c, *tr.Minutes[k])
	}
	if !nodes {
		return
	}
	for k, c := range perNode {
		same("node "+k, c, *tr.Nodes[k])
	}

	// Health by the thresholds, node by node, and the fail-open windows,
	// by a sweep over the checks in time order.
	type key struct{ node, target string }
	fails, passes, out := map[key]int{}, map[key]int{}, map[key]bool{}
	since := map[key]time.Time{}
	spans := map[key][]Span{}
	outCount := map[string]int{}
	openSince := map[string]time.Time{}
	nodeOpen := map[string][]Span{}
	anyOpen := 0
	var unionOpen []Span
	for _, h := range lines {
		k := key{h.node, h.target}
		wasOpen := outCount[h.node] == len(alb.Targets)
		if h.pass {
			passes[k]++
			fails[k] = 0
			if out[k] && passes[k] == hs.healthy() {
				out[k] = false
				outCount[h.node]--
				spans[k] = append(spans[k], Span{since[k], h.t})
			}
		} else {
			fails[k]++
			passes[k] = 0
			if !out[k] && fails[k] == hs.unhealthy() {
				out[k] = true
				outCount[h.node]++
				since[k] = h.t
			}
		}
		isOpen := outCount[h.node] == len(alb.Targets)
		switch {
		case isOpen && !wasOpen:
			openSince[h.node] = h.t
			if anyOpen == 0 {
				unionOpen = append(unionOpen, Span{Start: h.t})
			}
			anyOpen++
		case wasOpen && !isOpen:
			nodeOpen[h.node] = append(nodeOpen[h.node], Span{openSince[h.node], h.t})
			anyOpen--
			if anyOpen == 0 {
				unionOpen[len(unionOpen)-1].End = h.t
			}
		}
	}
	for k := range out {
		if out[k] {
			spans[k] = append(spans[k], Span{Start: since[k]})
		}
	}
	for n, c := range outCount {
		if c == len(alb.Targets) {
			nodeOpen[n] = append(nodeOpen[n], Span{Start: openSince[n]})
		}
	}
	for k, s := range spans {
		if got := tr.Targets[k.target].NodeUnhealthy[k.node]; !slices.Equal(got, s) {
			t.Fatalf("%s seen from %s: truth %v, lines %v", k.target, k.node, got, s)
		}
	}
	for addr, th := range tr.Targets {
		for n, s := range th.NodeUnhealthy {
			if !slices.Equal(spans[key{n, addr}], s) {
				t.Fatalf("%s seen from %s: truth %v, lines %v", addr, n, s, spans[key{n, addr}])
			}
		}
		if len(th.Unhealthy) == 0 && len(th.NodeUnhealthy) > 0 {
			t.Fatalf("%s: no union of %v", addr, th.NodeUnhealthy)
		}
	}
	if !maps.EqualFunc(nodeOpen, tr.NodeFailOpen, slices.Equal) || !slices.Equal(unionOpen, tr.FailOpen) {
		t.Fatalf("fail-open: lines %v %v, truth %v %v", nodeOpen, unionOpen, tr.NodeFailOpen, tr.FailOpen)
	}
	// The minutes in which every check of every target failed.
	var allFailing []time.Time
	for m, c := range perMinute {
		every := c.Checks == c.Failed
		for _, tg := range alb.Targets {
			n := 0
			for _, h := range lines {
				if h.target == tg && h.t.Truncate(time.Minute).Unix() == m {
					n++
				}
			}
			every = every && n > 0
		}
		if every {
			allFailing = append(allFailing, time.Unix(m, 0).UTC())
		}
	}
	slices.SortFunc(allFailing, time.Time.Compare)
	if !slices.Equal(allFailing, tr.AllFailingMinutes) {
		t.Fatalf("all failing minutes: lines %v, truth %v", allFailing, tr.AllFailingMinutes)
	}
}

func (hs *HealthScenario) healthy() int {
	if hs.HealthyThreshold == 0 {
		return 5
	}
	return hs.HealthyThreshold
}

func (hs *HealthScenario) unhealthy() int {
	if hs.UnhealthyThreshold == 0 {
		return 2
	}
	return hs.UnhealthyThreshold
}

func TestWriteHealth_Incidents(t *testing.T) {
	hs := healthTestScenario(5, HealthLayout8)
	_, tr := written(t, WriteHealth, hs)
	want := map[string]bool{reasonCodeMismatch: true, reasonTargetError: true, reasonRequestTimedOut: true,
		reasonConnectionTimedOut: true, reasonConnectionReset: true}
	for r := range tr.Reasons {
		if !want[r] {
			t.Errorf("reason %s in the earlier layout", r)
		}
		delete(want, r)
	}
	if len(want) > 0 || len(tr.MismatchCodes) != 1 || tr.MismatchCodes[299] == 0 || tr.Targets["10.0.1.11:8080"].MismatchCodes[299] != tr.MismatchCodes[299] {
		t.Fatalf("reasons %v, codes %v, missing %v", tr.Reasons, tr.MismatchCodes, want)
	}
	rows := 0
	for _, in := range tr.Incidents {
		rows += in.Rows
		if in.Rows == 0 {
			t.Errorf("incident %q failed no check", in.Name)
		}
	}
	if rows != tr.Failed {
		t.Fatalf("incidents failed %d checks, truth %d", rows, tr.Failed)
	}
	// The node-only time-outs leave the other nodes' views healthy.
	for addr, th := range tr.Targets {
		for n, s := range th.NodeUnhealthy {
			for _, sp := range s {
				if n != "54.76.190.5" && sp.Start.After(time.Date(2026, 11, 20, 13, 21, 0, 0, time.UTC)) && sp.Start.Before(time.Date(2026, 11, 20, 13, 30, 0, 0, time.UTC)) {
					t.Fatalf("%s out for %s in the window of the node-only incident: %v", addr, n, sp)
				}
			}
		}
	}
}

var healthKeyRE = regexp.MustCompile(`^logs/AWSLogs/123456789012/elasticloadbalancing/eu-west-1/(\d{4})/(\d\d)/(\d\d)/health_check_log_123456789012_elasticloadbalancing_eu-west-1_app\.shop-prod-alb\.([0-9a-f]{16})_(\d{8}T\d{4}Z)_([0-9.]+)_([a-z0-9]{8})\.log\.gz$`)

func TestHealthObjects_Layout(t *testing.T) {
	hs := healthTestScenario(6, 0)
	hs.ALB.Prefix = "logs"
	hs.Start = time.Date(2026, 11, 20, 23, 40, 0, 0, time.UTC)
	hs.End = hs.Start.Add(40 * time.Minute)
	objs, tr, err := HealthObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	alb, _ := hs.ALB.withDefaults()
	if len(objs) != 8*len(alb.Nodes) {
		t.Fatalf("%d objects, want one per node per interval", len(objs))
	}
	perNode := map[string]int{}
	days := map[string]bool{}
	for _, o := range objs {
		m := healthKeyRE.FindStringSubmatch(o.Key)
		if m == nil || m[4] != alb.LBID {
			t.Fatalf("bad key %q", o.Key)
		}
		end, err := time.Parse("20060102T1504Z", m[5])
		if err != nil || end.Minute()%5 != 0 {
			t.Fatalf("bad interval end in %q", o.Key)
		}
		if want := end.Add(5 * time.Minute).Format("2006/01/02"); m[1]+"/"+m[2]+"/"+m[3] != want {
			t.Fatalf("folder of %q, want delivery date %s", o.Key, want)
		}
		days[m[1]+m[2]+m[3]] = true
		for _, h := range readHealthLines(t, gunzip(t, o.Data), HealthLayout10, hs) {
			if h.node != m[6] || h.t.Before(end.Add(-5*time.Minute)) || !h.t.Before(end) {
				t.Fatalf("check by %s at %s in object %q", h.node, h.t, o.Key)
			}
			perNode[h.node]++
		}
	}
	if len(days) != 2 {
		t.Fatalf("delivery days %v", days)
	}
	for n, c := range tr.Nodes {
		if perNode[n] != c.Checks {
			t.Fatalf("node %s: %d checks in objects, truth %d", n, perNode[n], c.Checks)
		}
	}
	if _, err := WriteHealthObjects(t.TempDir(), hs); err != nil {
		t.Fatal(err)
	}
}

func TestSampleHealthIncident(t *testing.T) {
	hs := SampleHealthIncident()
	objs, at, ht, err := StoryObjects(hs)
	if err != nil {
		t.Fatal(err)
	}
	access, health := 0, 0
	for _, o := range objs {
		switch {
		case strings.Contains(o.Key, "/health_check_log_123456789012_elasticloadbalancing_eu-west-1_app.shop-prod-alb.50dc6c495c0c9188_"):
			health++
		case strings.Contains(o.Key, "/123456789012_elasticloadbalancing_eu-west-1_app.shop-prod-alb.50dc6c495c0c9188_"):
			access++
		case strings.HasSuffix(o.Key, "ELBAccessLogTestFile"):
		default:
			t.Fatalf("object %q", o.Key)
		}
	}
	if access != 27 || health != 27 {
		t.Fatalf("%d access and %d health objects, want one per node per interval", access, health)
	}
	// The access logs look normal: a handful of client errors.
	if at.Rows < 25000 || at.Classes["5xx"] != at.Causes[CauseClientBadRequest] || at.Classes["5xx"] > 30 {
		t.Fatalf("access logs: %d rows, causes %v", at.Rows, at.Causes)
	}
	at1310 := time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC)
	if ht.Checks != 2430 || ht.Failed != 1350 || !maps.Equal(ht.Reasons, map[string]int{reasonCodeMismatch: 1350}) ||
		!maps.Equal(ht.MismatchCodes, map[int]int{299: 1350}) {
		t.Fatalf("health: %d checks, %d failed, %v %v", ht.Checks, ht.Failed, ht.Reasons, ht.MismatchCodes)
	}
	for addr, th := range ht.Targets {
		if th.Failed != 150 || th.FirstFailed.Before(at1310) || th.FirstFailed.After(at1310.Add(30*time.Second)) ||
			len(th.Unhealthy) != 1 || !th.Unhealthy[0].End.IsZero() || th.Unhealthy[0].Start.After(at1310.Add(time.Minute)) {
			t.Fatalf("target %s: %+v", addr, th)
		}
	}
	if len(ht.FailOpen) != 1 || !ht.FailOpen[0].End.IsZero() || ht.FailOpen[0].Start.Before(at1310) || ht.FailOpen[0].Start.After(at1310.Add(time.Minute)) {
		t.Fatalf("fail-open %v", ht.FailOpen)
	}
	if len(ht.AllFailingMinutes) != 25 || !ht.AllFailingMinutes[0].Equal(at1310) {
		t.Fatalf("all failing minutes %v", ht.AllFailingMinutes)
	}
	t.Logf("fail-open from %s; per node %v", ht.FailOpen[0].Start, ht.NodeFailOpen)
}

// TestOverload checks incident 3 on both logs: bursts of connection errors
// in the access logs on the targets whose checks fail in the same minutes,
// targets flapping 2→1→2, and a fail-open window in the last burst.
func TestOverload(t *testing.T) {
	start := time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC)
	targets := []string{"10.0.1.11:8080", "10.0.2.21:8080"}
	every, burst := 8*time.Minute, 150*time.Second
	albInc, hcInc := Overload(start.Add(5*time.Minute), start.Add(37*time.Minute), targets, every, burst, 3, 0.3)
	alb := &ALBScenario{Seed: 9, Start: start, End: start.Add(45 * time.Minute), Rows: 40000, Targets: targets, Incidents: albInc}
	hs := &HealthScenario{ALB: alb, Incidents: hcInc}
	out, ht := written(t, WriteHealth, hs)
	checkHealthTruth(t, readHealthLines(t, out, HealthLayout10, hs), ht, hs, true)
	at, err := ALBTruthOf(alb)
	if err != nil {
		t.Fatal(err)
	}
	if len(hcInc) != 4 || len(albInc) != 5 {
		t.Fatalf("%d health and %d ALB incidents, want 4 bursts", len(hcInc), len(albInc))
	}
	for i, in := range hcInc {
		a := albInc[i]
		if !slices.Equal(a.Targets, in.Targets) || a.Start != in.Start || a.End != in.End || a.Kind != ALBConnectionError {
			t.Fatalf("burst %d: ALB %+v, health %+v", i, a, in)
		}
		want := targets[i%2 : i%2+1]
		if i == 3 {
			want = targets
		}
		if !slices.Equal(in.Targets, want) {
			t.Fatalf("burst %d hits %v, want %v", i, in.Targets, want)
		}
	}
	// Connection errors only in the bursts, on their targets.
	for m, c := range at.Minutes {
		mt := time.Unix(m, 0)
		in := -1
		for i, b := range hcInc {
			if !mt.Add(time.Minute).Before(b.Start) && mt.Before(b.End) {
				in = i
			}
		}
		if c.Causes[CauseTargetConnectionError] > 0 && in < 0 {
			t.Fatalf("connection errors at %s, outside the bursts", mt)
		}
	}
	for i, tg := range targets {
		if at.Targets[tg].Causes[CauseTargetConnectionError] == 0 || ht.Targets[tg].Reasons[reasonTimedOut] == 0 || ht.Targets[tg].Reasons[reasonConnectionReset] == 0 {
			t.Fatalf("target %s: access %v, health %v", tg, at.Targets[tg].Causes, ht.Targets[tg].Reasons)
		}
		// Taken out and put back before the last burst: a flap.
		th := ht.Targets[tg]
		if len(th.Unhealthy) < 2 || th.Unhealthy[0].End.IsZero() || th.Unhealthy[0].Start.Before(hcInc[i].Start) || th.Unhealthy[0].End.After(hcInc[i+1].Start) {
			t.Fatalf("target %s unhealthy %v", tg, th.Unhealthy)
		}
	}
	// Both out only in the last burst: 2→1→2 before it, then fail-open.
	if len(ht.FailOpen) != 1 || ht.FailOpen[0].Start.Before(hcInc[3].Start) || ht.FailOpen[0].End.IsZero() {
		t.Fatalf("fail-open %v", ht.FailOpen)
	}
	if len(ht.AllFailingMinutes) < 1 {
		t.Fatal("no minute with every target failing")
	}
	for _, m := range ht.AllFailingMinutes {
		if m.Before(hcInc[3].Start) || !m.Add(time.Minute).Before(hcInc[3].End.Add(time.Second)) {
			t.Fatalf("every target failing at %s, outside the last burst", m)
		}
	}
	t.Logf("fail-open %v, all failing %v", ht.FailOpen, ht.AllFailingMinutes)
}

func TestHealthScenario_Invalid(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	alb := &ALBScenario{Start: start, End: start.Add(time.Hour), Rows: 1}
	f := func(hs HealthScenario) {
		t.Helper()
		if _, err := HealthTruthOf(&hs); err == nil {
			t.Fatalf("no error for %+v", hs)
		}
	}
	f(HealthScenario{})
	f(HealthScenario{ALB: &ALBScenario{Rows: 1}})
	f(HealthScenario{ALB: alb, End: start})
	f(HealthScenario{ALB: alb, Interval: 2 * time.Second})
	f(HealthScenario{ALB: alb, Timeout: 30 * time.Second})
	f(HealthScenario{ALB: alb, UnhealthyThreshold: -1})
	f(HealthScenario{ALB: alb, Layout: 9})
	f(HealthScenario{ALB: alb, Incidents: []HealthIncident{{Kind: 99}}})
	f(HealthScenario{ALB: alb, Incidents: []HealthIncident{{Kind: HealthCodeMismatch, Status: 200}}})
	f(HealthScenario{ALB: alb, Incidents: []HealthIncident{{Kind: HealthTargetError, Status: 404}}})
	f(HealthScenario{ALB: alb, Incidents: []HealthIncident{{Kind: HealthTimeout, Targets: []string{"10.9.9.9:80"}}}})
	f(HealthScenario{ALB: alb, Incidents: []HealthIncident{{Kind: HealthTimeout, Node: "10.9.9.9"}}})
}
