package analysis

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/input"
)

// The core's tests read a made-up family, "fake", whose rows carry their
// load balancer, status, cause code, target and path in plain columns: the
// core is tested without any real family.

const fakeFormat parser.Format = "fake"

var fakeTaxonomy = &Taxonomy{
	Name:   "Fake",
	Title:  "fake access logs",
	Target: Noun{One: "backend", Many: "backends"},
	Domains: []Domain{
		{Key: "target", Title: "backend", Role: "the backends", Side: "the backends' side", Party: PartyBackend},
		{Key: "load_balancer", Title: "balancer", Role: "the balancer", Side: "the balancer's side", Party: PartyFront},
	},
	Causes: []Cause{
		{Code: "target.http_5xx", Domain: "target", Meaning: "the backend answered 5xx", Hint: "read the backend's logs", Brief: "backend 5xx"},
		{Code: "lb.internal", Domain: "load_balancer", Meaning: "the balancer failed", Hint: "open a case", Brief: "balancer failed"},
	},
	Context: []string{"460"},
}

var fakeSchema = arrow.NewSchema([]arrow.Field{
	{Name: parser.ColTime, Type: &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}},
	{Name: "lb", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "status", Type: arrow.PrimitiveTypes.Uint16},
	{Name: "cause", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "target", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

type fakeDecoder struct{ format parser.Format }

func (d fakeDecoder) Format() parser.Format                                    { return d.format }
func (fakeDecoder) Title() string                                              { return "fake log" }
func (fakeDecoder) Schema() *arrow.Schema                                      { return fakeSchema }
func (fakeDecoder) Sniff([]byte) int                                           { return 0 }
func (fakeDecoder) ParseName(string) (parser.Source, bool)                     { return parser.Source{}, false }
func (fakeDecoder) NewReader(io.Reader, parser.Options) (parser.Reader, error) { return nil, nil }

// fakeFamily is the family; tax, when set, replaces its taxonomy.
type fakeFamily struct {
	format parser.Format
	tax    *Taxonomy
}

func (f fakeFamily) Decoder() parser.Decoder {
	if f.format == "" {
		return fakeDecoder{fakeFormat}
	}
	return fakeDecoder{f.format}
}

func (f fakeFamily) Taxonomy() *Taxonomy {
	if f.tax != nil {
		return f.tax
	}
	return fakeTaxonomy
}
func (fakeFamily) Columns() []string                                   { return nil }
func (fakeFamily) NewConsumer() Consumer                               { return &fakeConsumer{} }
func (fakeFamily) NewState() State                                     { return nil }
func (fakeFamily) Report(*Aggregator, *Report)                         {}
func (fakeFamily) Verdict(*Aggregator, *Report, []CauseID) VerdictPart { return VerdictPart{} }

type fakeConsumer struct{}

// Consume puts each row into its load balancer's Aggregator (the "lb"
// column, else the object's), its cause the code of the "cause" column.
func (fakeConsumer) Consume(src parser.Source, rec arrow.RecordBatch, to *Subjects) error {
	times := rec.Column(0).(*array.Timestamp)
	lbs := rec.Column(1).(*array.String)
	statuses := rec.Column(2).(*array.Uint16)
	causes := rec.Column(3).(*array.String)
	targets := rec.Column(4).(*array.String)
	for i := 0; i < int(rec.NumRows()); i++ {
		lb := src.Resource
		if lbs.IsValid(i) {
			lb = lbs.Value(i)
		}
		sub := Subject{Resource: lb, Name: strings.TrimPrefix(lb, "lb/")}
		a := to.Subject(sub)
		if a == nil {
			continue
		}
		us := int64(times.Value(i))
		if !a.Admit(us, times.IsValid(i)) {
			continue
		}
		o := Row{Time: us, Status: statuses.Value(i), Cause: fakeTaxonomy.CauseID(Str(causes, i)),
			TargetIP: Str(targets, i), TargetPort: 80, Path: "/", Client: "-"}
		a.Observe(a.Node(src), &o)
	}
	return nil
}

// fakeRow is one row of a fake batch; lb "" is null.
type fakeRow struct {
	lb     string
	status uint16
	cause  string
}

func fakeBatch(t *testing.T, mem memory.Allocator, rows ...fakeRow) arrow.RecordBatch {
	t.Helper()
	b := array.NewRecordBuilder(mem, fakeSchema)
	defer b.Release()
	for i, r := range rows {
		b.Field(0).(*array.TimestampBuilder).Append(arrow.Timestamp(t0.UnixMicro() + int64(i)*1e6))
		if r.lb == "" {
			b.Field(1).AppendNull()
		} else {
			b.Field(1).(*array.StringBuilder).Append(r.lb)
		}
		b.Field(2).(*array.Uint16Builder).Append(r.status)
		if r.cause == "" {
			b.Field(3).AppendNull()
		} else {
			b.Field(3).(*array.StringBuilder).Append(r.cause)
		}
		b.Field(4).(*array.StringBuilder).Append(fmt.Sprintf("10.0.0.%d", i%3))
	}
	return b.NewRecordBatch()
}

// fakeRun consumes the objects' rows through one Router and builds the
// reports; objects maps names to their rows.
func fakeRun(t *testing.T, opts Options, objects map[string][]fakeRow, order ...string) []*Report {
	t.Helper()
	reg := MustRegistry(fakeFamily{})
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	r := reg.NewRouter(opts)
	var run Run
	for _, name := range order {
		rows := objects[name]
		src := parser.Source{Name: name, Resource: "lb/" + strings.Split(name, ".")[0], Account: "123456789012", Region: "eu-west-1"}
		rec := fakeBatch(t, mem, rows...)
		if err := r.Consume(src, fakeFormat, rec); err != nil {
			t.Fatal(err)
		}
		rec.Release()
		run.Results = append(run.Results, input.ObjectResult{Source: src, Format: fakeFormat,
			Stats: parser.Stats{Lines: int64(len(rows)), Parsed: int64(len(rows))}})
	}
	return BuildReports(reg, []*Router{r}, run)
}

// reconciled checks that each report's parsed rows are its requests, the
// rows outside the window and those of other load balancers.
func reconciled(t *testing.T, reps []*Report) {
	t.Helper()
	for _, rep := range reps {
		if got := rep.Requests + rep.Lines.OutsideWindow + rep.Lines.OtherLoadBalancers; got != rep.Lines.Parsed {
			t.Errorf("%v: parsed %d, but requests + outside + other load balancers = %d", rep.LoadBalancer, rep.Lines.Parsed, got)
		}
	}
}

// TestBuildReports_PerLoadBalancer: rows of two load balancers, one object
// of them mixing both, give one report each, the one with the most 5xx
// first, each with its own objects and the other's rows counted apart.
func TestBuildReports_PerLoadBalancer(t *testing.T) {
	objects := map[string][]fakeRow{
		"a.log": {{status: 200}, {status: 502, cause: "target.http_5xx"}, {lb: "lb/b", status: 500, cause: "lb.internal"}, {lb: "lb/b", status: 500, cause: "lb.internal"}},
		"b.log": {{status: 200}, {status: 503, cause: "lb.internal"}, {status: 200}},
	}
	reps := fakeRun(t, Options{}, objects, "a.log", "b.log")
	if len(reps) != 2 {
		t.Fatalf("%d reports, want 2", len(reps))
	}
	b, a := reps[0], reps[1]
	if b.LoadBalancer == nil || b.LoadBalancer.Name != "b" || b.LoadBalancer.ResourceID != "lb/b" ||
		b.LoadBalancer.Account != "123456789012" || b.LoadBalancer.Region != "eu-west-1" {
		t.Fatalf("first report's load balancer %+v, want lb/b (3 5xx)", b.LoadBalancer)
	}
	if a.LoadBalancer == nil || a.LoadBalancer.Name != "a" {
		t.Fatalf("second report's load balancer %+v", a.LoadBalancer)
	}
	if b.Requests != 5 || b.Errors.Total5xx != 3 || a.Requests != 2 || a.Errors.Total5xx != 1 {
		t.Fatalf("b: %d requests %d 5xx; a: %d requests %d 5xx", b.Requests, b.Errors.Total5xx, a.Requests, a.Errors.Total5xx)
	}
	// a.log is in both reports, b.log in b's only.
	if b.Inputs.Objects != 2 || a.Inputs.Objects != 1 {
		t.Fatalf("objects: b %d, a %d", b.Inputs.Objects, a.Inputs.Objects)
	}
	if b.Lines.OtherLoadBalancers != 2 || a.Lines.OtherLoadBalancers != 2 {
		t.Fatalf("other load balancers' rows: b %d, a %d; want 2 and 2", b.Lines.OtherLoadBalancers, a.Lines.OtherLoadBalancers)
	}
	reconciled(t, reps)
	// The taxonomy's words reach the verdict.
	if !strings.Contains(b.Verdict.Summary, "lb.internal: the balancer failed") {
		t.Errorf("summary %q", b.Verdict.Summary)
	}
}

// TestBuildReports_LoadBalancerFilter: with Options.LoadBalancer, the other
// load balancers' rows are left out and counted, in every object.
func TestBuildReports_LoadBalancerFilter(t *testing.T) {
	objects := map[string][]fakeRow{
		"a.log": {{status: 200}, {status: 502, cause: "target.http_5xx"}, {lb: "lb/b", status: 500, cause: "lb.internal"}},
		"b.log": {{status: 200}, {status: 503, cause: "lb.internal"}},
	}
	for _, lb := range []string{"b", "lb/b"} { // by name or by resource ID
		reps := fakeRun(t, Options{LoadBalancer: lb}, objects, "a.log", "b.log")
		if len(reps) != 1 || reps[0].LoadBalancer == nil || reps[0].LoadBalancer.Name != "b" {
			t.Fatalf("--lb %s: %d reports", lb, len(reps))
		}
		rep := reps[0]
		if rep.Requests != 3 || rep.Lines.OtherLoadBalancers != 2 || rep.Inputs.Objects != 2 {
			t.Fatalf("--lb %s: %d requests, %d other rows, %d objects; want 3, 2, 2", lb, rep.Requests, rep.Lines.OtherLoadBalancers, rep.Inputs.Objects)
		}
		reconciled(t, reps)
	}
	// A load balancer no row is of: one report, with nothing in it but the
	// count of the rows left out.
	reps := fakeRun(t, Options{LoadBalancer: "nosuch"}, objects, "a.log", "b.log")
	if len(reps) != 1 || reps[0].Requests != 0 || reps[0].Lines.OtherLoadBalancers != 5 {
		t.Fatalf("%d reports, %+v", len(reps), reps[0].Lines)
	}
	if want := "No requests of load balancer nosuch (5 rows of other load balancers left out)"; !strings.HasPrefix(reps[0].Verdict.Summary, want) {
		t.Fatalf("summary %q, want %q", reps[0].Verdict.Summary, want)
	}
	reconciled(t, reps)
}

// TestRouter_NoAllocationPerBatch: once its subjects are known, a Router
// hands a batch over without allocating.
func TestRouter_NoAllocationPerBatch(t *testing.T) {
	reg := MustRegistry(fakeFamily{})
	r := reg.NewRouter(Options{})
	rec := fakeBatch(t, memory.NewGoAllocator(), fakeRow{status: 200}, fakeRow{lb: "lb/b", status: 502, cause: "target.http_5xx"})
	defer rec.Release()
	src := parser.Source{Name: "a.log", Resource: "lb/a"}
	if err := r.Consume(src, fakeFormat, rec); err != nil {
		t.Fatal(err)
	}
	if allocs := testing.AllocsPerRun(20, func() { _ = r.Consume(src, fakeFormat, rec) }); allocs > 0 {
		t.Fatalf("%v allocations per batch", allocs)
	}
	if err := r.Consume(src, parser.Format("nlb"), rec); err == nil || !strings.Contains(err.Error(), "nlb logs: not supported") {
		t.Fatalf("a format no family reads: %v", err)
	}
}

func TestNewRegistry_Failure(t *testing.T) {
	f := func(want string, families ...Family) {
		t.Helper()
		if _, err := NewRegistry(families...); err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("NewRegistry: %v, want an error with %q", err, want)
		}
	}
	f("registered twice", fakeFamily{}, fakeFamily{})
	noName := *fakeTaxonomy
	noName.Name = ""
	f("no name", fakeFamily{tax: &noName})
	badDomain := *fakeTaxonomy
	badDomain.Causes = []Cause{{Code: "x.y", Domain: "nowhere", Meaning: "m", Hint: "h", Brief: "b"}}
	f(`which it does not list`, fakeFamily{tax: &badDomain})
	noHint := *fakeTaxonomy
	noHint.Causes = []Cause{{Code: "target.x", Domain: "target", Meaning: "m", Brief: "b"}}
	f("lacks its meaning, hint or brief", fakeFamily{tax: &noHint})
	// A code shared by two families must be in the same domain.
	other := *fakeTaxonomy
	other.Causes = []Cause{{Code: "target.http_5xx", Domain: "load_balancer", Meaning: "m", Hint: "h", Brief: "b"}}
	f("cause target.http_5xx is in domain load_balancer, but in target for another family", fakeFamily{}, fakeFamily{format: "other", tax: &other})
}

// TestRegistry_SharedCode: one code used by two families in the same
// domain, each with its own words.
func TestRegistry_SharedCode(t *testing.T) {
	other := *fakeTaxonomy
	other.Causes = []Cause{{Code: "target.http_5xx", Domain: "target", Meaning: "the instance answered 5xx", Hint: "read the instance's logs", Brief: "instance 5xx"}}
	reg, err := NewRegistry(fakeFamily{}, fakeFamily{format: "other", tax: &other})
	if err != nil {
		t.Fatal(err)
	}
	var briefs []string
	for _, c := range reg.Causes() {
		if c.Code == "target.http_5xx" {
			briefs = append(briefs, string(c.Format)+": "+c.Brief)
		}
	}
	if got := strings.Join(briefs, "; "); got != "fake: backend 5xx; other: instance 5xx" {
		t.Fatalf("briefs %q", got)
	}
	if got := strings.Join(reg.Codes(), " "); got != "target.http_5xx lb.internal" {
		t.Fatalf("codes %q", got)
	}
}

// TestReport_PartJSON: a part's object goes under its key just before the
// verdict, and comes back as raw JSON.
func TestReport_PartJSON(t *testing.T) {
	rep := &Report{SchemaVersion: SchemaVersion, Format: "fake"}
	rep.AddPart(Part{Key: "fake", JSON: map[string]int{"n": 1}, Sections: []Section{{Title: "not in JSON"}}})
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"bucket_seconds":0,"fake":{"n":1},"verdict":{`) || strings.Contains(string(b), "not in JSON") {
		t.Fatalf("JSON %s", b)
	}
	var got Report
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if p := got.Part("fake"); p == nil || string(p.JSON.(json.RawMessage)) != `{"n":1}` {
		t.Fatalf("parts %+v", got.Parts)
	}
	rep.Parts[0].Key = "verdict"
	if _, err := json.Marshal(rep); err == nil {
		t.Fatal("a part under a field's key: no error")
	}
}

func TestSubnetOf(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := subnetOf(in); got != want {
			t.Fatalf("subnetOf(%q) = %q, want %q", in, got, want)
		}
	}
	f("10.0.2.21", "10.0.2.0/24")
	f("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")
	f("::ffff:10.1.2.3", "10.1.2.0/24")
	f("nonsense", "(unknown)")
}
