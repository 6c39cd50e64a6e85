package clb

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

var t0 = time.Date(2026, 11, 20, 13, 7, 0, 0, time.UTC)

// line is one Classic log line's fields that matter here; zero values
// are the log's "-" (or -1 for times, noted as bpt < 0).
type line struct {
	at       time.Time
	lb       string
	backend  string // "ip:port", "" for "-"
	bpt      float64
	elb      int // 0: "-" (TCP and SSL)
	status   int // backend_status_code; 0 writes "0", -1 writes "-"
	request  string
	cipher   string
	noAnswer bool // the three times -1
}

// text writes l as a Classic access-log line.
func (l line) text() string {
	at := l.at
	if at.IsZero() {
		at = t0
	}
	lb := l.lb
	if lb == "" {
		lb = "shop-prod-clb"
	}
	backend := l.backend
	if backend == "" {
		backend = "-"
	}
	times := fmt.Sprintf("0.000041 %.6f 0.000032", l.bpt)
	if l.noAnswer {
		times = "-1 -1 -1"
	} else if l.bpt < 0 {
		times = "0.000041 -1 -1"
	}
	elb, status := "-", "-"
	if l.elb != 0 {
		elb = fmt.Sprint(l.elb)
	}
	if l.status >= 0 {
		status = fmt.Sprint(l.status)
	}
	req := l.request
	if req == "" {
		req = "GET http://shop.example.com:80/api/cart?id=3 HTTP/1.1"
	}
	ua, cipher, proto := "curl/8.5.0", "-", "-"
	if l.elb == 0 {
		req, ua = "- - - ", "-"
	}
	if l.cipher != "" {
		cipher, proto = l.cipher, "TLSv1.2"
	}
	return fmt.Sprintf("%s %s 203.0.113.24:51045 %s %s %s %s 212 0 %q %q %s %s",
		at.Format("2006-01-02T15:04:05.000000Z"), lb, backend, times, elb, status, req, ua, cipher, proto)
}

// aggregate reads lines through the decoder into a fresh Aggregator, on a
// checked allocator.
func aggregate(t testing.TB, opts analysis.Options, src parser.Source, lines ...line) *analysis.Aggregator {
	t.Helper()
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(l.text() + "\n")
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	r, err := clbparser.NewReader(strings.NewReader(b.String()), parser.Options{Columns: columnsRead, Allocator: mem})
	if err != nil {
		t.Fatal(err)
	}
	a := analysis.New(Family{}, opts)
	for r.Next() {
		if err := a.Consume(src, r.RecordBatch()); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	if st := r.Stats(); st.Rejected != 0 {
		t.Fatalf("%d lines rejected: %s", st.Rejected, b.String())
	}
	r.Release()
	mem.AssertSize(t, 0)
	return a
}

// causeOf runs one line through the batch path and returns its cause code
// ("" when it is not a 5xx).
func causeOf(t *testing.T, l line) string {
	t.Helper()
	a := aggregate(t, analysis.Options{}, parser.Source{Name: "t"}, l)
	var got []string
	for c := range taxonomy.Causes {
		for range a.CauseCount(analysis.CauseID(c + 1)) {
			got = append(got, taxonomy.Causes[c].Code)
		}
	}
	switch len(got) {
	case 0:
		return ""
	case 1:
		return got[0]
	}
	t.Fatalf("one line counted as %v", got)
	return ""
}

// answered is a line an instance answered with status.
func answered(elb, status int) line {
	return line{backend: "10.0.2.21:80", bpt: 0.012, elb: elb, status: status}
}

// lbLine is a line the load balancer answered without an instance's
// answer: backend "-", times -1, backend status 0.
func lbLine(elb int) line { return line{elb: elb, noAnswer: true} }

func with(l line, fn func(*line)) line {
	fn(&l)
	return l
}

// classified are lines of every rule of the CLB table, with their cause.
var classified = []struct {
	want string
	l    line
}{
	// Rule 1: the instance answered the 5xx the client got.
	{CauseTargetHTTP5xx, answered(500, 500)},
	{CauseTargetHTTP5xx, answered(503, 503)},
	{CauseTargetHTTP5xx, answered(502, 502)},
	{CauseTargetHTTP5xx, answered(504, 504)},
	// Rule 2: the instance answered another code.
	{CauseMalformedResponse, answered(502, 200)},
	{CauseMalformedResponse, answered(504, 500)},
	// Rule 3: 502 with a backend time and no backend status.
	{CauseMalformedResponse, with(answered(502, -1), func(l *line) { l.bpt = 0 })},
	{CauseMalformedResponse, with(answered(502, 0), func(l *line) { l.bpt = 1.5 })},
	// Rule 4: 502 without one.
	{CauseConnectionError, lbLine(502)},
	{CauseConnectionError, with(lbLine(502), func(l *line) { l.status = -1 })},
	{CauseConnectionError, with(answered(502, 0), func(l *line) { l.bpt = -1 })},
	// Rule 5: 504, the instance named or not.
	{CauseTargetTimeout, lbLine(504)},
	{CauseTargetTimeout, with(answered(504, 0), func(l *line) { l.bpt = -1 })},
	// Rule 6: 503 without an instance.
	{CauseNoTargets, lbLine(503)},
	{CauseNoTargets, with(lbLine(503), func(l *line) { l.status = -1 })},
	// Rule 7: 503 naming an instance that did not answer.
	{CauseConnectionError, with(answered(503, 0), func(l *line) { l.bpt = -1 })},
	// Rule 8: anything else.
	{CauseLBInternal, lbLine(500)},
	{CauseLBInternal, lbLine(501)},
	{CauseLBInternal, lbLine(599)},
}

func TestClassify_Success(t *testing.T) {
	for _, c := range classified {
		if got := causeOf(t, c.l); got != c.want {
			t.Fatalf("%s\nclassified %q, want %q", c.l.text(), got, c.want)
		}
	}
}

func TestClassify_Failure(t *testing.T) {
	f := func(l line) {
		t.Helper()
		if got := causeOf(t, l); got != "" {
			t.Fatalf("%s\nclassified %q, want no cause", l.text(), got)
		}
	}
	f(answered(200, 200))
	f(answered(404, 404))
	f(lbLine(400))
	f(lbLine(408))
	f(answered(499, 499))
	f(answered(600, 600))
	// TCP and SSL connections carry no status: never 5xx.
	f(line{backend: "10.0.2.21:1883", bpt: 0.001, status: -1})
	f(line{backend: "10.0.2.21:1883", bpt: 0.001, status: -1, cipher: "ECDHE-RSA-AES128-GCM-SHA256"})
	f(line{status: -1, noAnswer: true})
}

func TestClassify_RowLevel(t *testing.T) {
	i := func(v int) *int { return &v }
	fl := func(v float64) *float64 { return &v }
	f := func(want string, elb int, status *int, bpt *float64, set bool) {
		t.Helper()
		if got := Classify(elb, status, bpt, set); got != want {
			t.Fatalf("Classify(%d, …) = %q, want %q", elb, got, want)
		}
	}
	f(CauseTargetHTTP5xx, 500, i(500), fl(0.1), true)
	f(CauseMalformedResponse, 502, i(200), fl(0.1), true)
	f(CauseMalformedResponse, 502, nil, fl(0), true)
	f(CauseConnectionError, 502, nil, nil, false)
	f(CauseConnectionError, 502, nil, fl(-1), true)
	f(CauseTargetTimeout, 504, nil, nil, false)
	f(CauseNoTargets, 503, nil, nil, false)
	f(CauseConnectionError, 503, nil, nil, true)
	f(CauseLBInternal, 500, nil, nil, false)
	f("", 200, i(200), fl(0.1), true)
	f("", 0, nil, nil, true)
}

func TestContext(t *testing.T) {
	f := func(want string, l line) {
		t.Helper()
		a := aggregate(t, analysis.Options{}, parser.Source{}, l)
		var got []string
		rep := analysis.BuildReport(a, analysis.Run{})
		for _, k := range taxonomy.Context {
			if rep.Context[k] > 0 {
				got = append(got, k)
			}
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("context = %v, want %q", got, want)
		}
		if a.Total5xx() != 0 {
			t.Fatalf("context line counted as 5xx")
		}
	}
	f(Context400, lbLine(400))
	f(Context400, with(lbLine(400), func(l *line) { l.status = -1 }))
	f(Context405, lbLine(405))
	f(Context408, lbLine(408))
	f("", answered(400, 400)) // the instance's own 400
	f("", answered(408, 408))
	f("", lbLine(404))
	f("", answered(200, 200))
}

func TestTaxonomy(t *testing.T) {
	if _, err := analysis.NewRegistry(Family{}); err != nil {
		t.Fatal(err)
	}
	want := []string{CauseTargetHTTP5xx, CauseMalformedResponse, CauseConnectionError, CauseTargetTimeout, CauseNoTargets, CauseLBInternal}
	if len(taxonomy.Causes) != len(want) {
		t.Fatalf("%d causes, want %d", len(taxonomy.Causes), len(want))
	}
	for i, code := range want {
		// The IDs the classifier returns are the positions in the list.
		if taxonomy.CauseID(code) != analysis.CauseID(i+1) {
			t.Fatalf("cause %s has ID %d, want %d", code, taxonomy.CauseID(code), i+1)
		}
	}
	ids := []analysis.CauseID{idTargetHTTP5xx, idMalformedResponse, idConnectionError, idTargetTimeout, idNoTargets, idLBInternal}
	for i, id := range ids {
		if id != taxonomy.CauseID(want[i]) {
			t.Errorf("the constant for %s is %d, want %d", want[i], id, taxonomy.CauseID(want[i]))
		}
	}
	for _, c := range taxonomy.Causes {
		if len(c.Hint) < 80 || strings.Contains(c.Brief, "\n") {
			t.Errorf("cause %q: hint %q, brief %q", c.Code, c.Hint, c.Brief)
		}
		for _, word := range []string{"target group", "targets", "Lambda"} {
			if strings.Contains(c.Meaning+c.Hint+c.Brief, word) {
				t.Errorf("cause %q speaks of %q, which a Classic Load Balancer has not", c.Code, word)
			}
		}
	}
	// Classic's own words where the ALB's would mislead.
	for code, words := range map[string][]string{
		CauseNoTargets:       {"surge queue", "SpilloverCount", "healthy"},
		CauseTargetTimeout:   {"idle timeout", "backend \"-\""},
		CauseConnectionError: {"keep-alive", "MaxRequestWorkers", "tcpdump", "BackendConnectionErrors"},
	} {
		for _, w := range words {
			if !strings.Contains(taxonomy.CauseByCode(code).Hint, w) {
				t.Errorf("%s hint lacks %q", code, w)
			}
		}
	}
	for i, k := range []string{Context400, Context405, Context408} {
		if taxonomy.ContextID(k) != analysis.ContextID(i+1) {
			t.Errorf("context %s has ID %d, want %d", k, taxonomy.ContextID(k), i+1)
		}
	}
	if ctx408 != taxonomy.ContextID(Context408) {
		t.Errorf("ctx408 is not the ID of %s", Context408)
	}
}

// TestPart_Tables: the CSV tables the taxonomy announces are the part's.
func TestPart_Tables(t *testing.T) {
	a := aggregate(t, analysis.Options{}, parser.Source{}, answered(200, 200))
	rep := analysis.BuildReport(a, analysis.Run{})
	var names []string
	for _, p := range rep.Parts {
		for _, s := range p.Sections {
			for _, tb := range s.Tables {
				names = append(names, tb.Name)
			}
		}
	}
	if strings.Join(names, " ") != strings.Join(taxonomy.Tables, " ") {
		t.Fatalf("tables %v, the taxonomy announces %v", names, taxonomy.Tables)
	}
}

func reportJSON(t *testing.T, a *analysis.Aggregator) string {
	t.Helper()
	b, err := json.MarshalIndent(analysis.BuildReport(a, analysis.Run{}), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// mixedLines is a small workload touching every aggregate: requests of
// every cause, slow requests, timeouts and connections.
func mixedLines() []line {
	var lines []line
	for i := range 400 {
		at := t0.Add(time.Duration(i) * 7 * time.Second)
		l := answered(200, 200)
		l.at = at
		l.backend = fmt.Sprintf("10.0.%d.%d:80", i%3+1, 10+i%4)
		l.bpt = float64(i%50) / 100
		switch i % 10 {
		case 1:
			l.bpt = 20 + float64(i%30)
		case 3:
			l = with(lbLine(502), func(x *line) { x.at = at })
		case 4:
			l = with(lbLine(504), func(x *line) { x.at = at })
		case 5:
			l.elb, l.status = 500, 500
		case 7:
			l = with(lbLine(503), func(x *line) { x.at = at })
		case 9:
			l = line{at: at, backend: fmt.Sprintf("10.0.%d.%d:1883", i%3+1, 10+i%4), bpt: 0.002, status: -1}
		}
		lines = append(lines, l)
	}
	return lines
}

func TestState_MergeEqualsOnePass(t *testing.T) {
	lines := mixedLines()
	src := parser.Source{NodeIP: "172.31.1.5"}
	one := aggregate(t, analysis.Options{}, src, lines...)
	merged := analysis.New(Family{}, analysis.Options{})
	for _, part := range [][]line{lines[:100], lines[100:101], lines[101:250], lines[250:]} {
		merged.Merge(aggregate(t, analysis.Options{}, src, part...))
	}
	want := reportJSON(t, one)
	if got := reportJSON(t, merged); got != want {
		t.Fatalf("merged report differs from one pass:\n%s\n---\n%s", got, want)
	}
	if !strings.Contains(want, `"timeouts": {`) || !strings.Contains(want, `"connections": 40`) {
		t.Fatalf("the workload lacks timeouts or connections:\n%s", want)
	}
	// Merging in another order gives the same report.
	rev := analysis.New(Family{}, analysis.Options{})
	rev.Merge(aggregate(t, analysis.Options{}, src, lines[150:]...))
	rev.Merge(aggregate(t, analysis.Options{}, src, lines[:150]...))
	if got := reportJSON(t, rev); got != want {
		t.Fatalf("merge order changes the report")
	}
}

// TestConsume_NoAllocationPerRow: once the load balancer, instances,
// paths, clients and buckets are known, a batch allocates nothing.
func TestConsume_NoAllocationPerRow(t *testing.T) {
	var b strings.Builder
	for _, l := range mixedLines() {
		b.WriteString(l.text() + "\n")
	}
	if n := analysistest.ConsumeAllocs(t, Family{}, []byte(b.String()), parser.Source{NodeIP: "172.31.1.5"}); n > 0 {
		t.Fatalf("%v allocations per batch", n)
	}
}
