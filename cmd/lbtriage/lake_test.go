package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/enginetest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	albparser "github.com/lbtriage/lbtriage/parser/alb"
	connparser "github.com/lbtriage/lbtriage/parser/albconn"
	healthparser "github.com/lbtriage/lbtriage/parser/albhealth"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
	cfparser "github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/parser/lake"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

// lakeCase is one family of the lake's engine tests: how to write a
// generated incident of it. A family joins the tests with one entry.
type lakeCase struct {
	family parser.Format
	write  func(t *testing.T, dir string)
}

var lakeCases = []lakeCase{
	{albparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
		end := start.Add(time.Hour) // across midnight: two day partitions
		if _, err := gen.WriteALBObjects(dir, &gen.ALBScenario{Seed: 14, Start: start, End: end, Rows: 8000,
			Incidents: gen.EveryALBCause(start, end, 0.03)}); err != nil {
			t.Fatal(err)
		}
	}},
	{clbparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
		end := start.Add(time.Hour) // across midnight: two day partitions
		sc := &gen.CLBScenario{Seed: 14, Start: start, End: end, Rows: 8000, Interval: 5 * time.Minute,
			Incidents: gen.EveryCLBCause(start, end, 0.03)}
		sc.Incidents = append(sc.Incidents, gen.CLBInstanceTimeout504(start.Add(10*time.Minute), start.Add(20*time.Minute), "10.0.2.21:80", 0.3))
		if _, err := gen.WriteCLBObjects(dir, sc); err != nil {
			t.Fatal(err)
		}
	}},
	{cfparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC)
		end := start.Add(2 * time.Hour)
		if _, err := gen.WriteCloudFrontObjects(dir, &gen.CFScenario{Seed: 14, Start: start, End: end, Rows: 6000,
			Incidents: gen.EveryCFCause(start, end, 0.03)}); err != nil {
			t.Fatal(err)
		}
	}},
	// Health checks alone, in the earlier eight-field layout: no node_ip
	// in the lines, so the lake fills it from the object names.
	{healthparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		hs := &gen.HealthScenario{ALB: &gen.ALBScenario{Seed: 14, Start: start, End: end, Rows: 1000}, Interval: 10 * time.Second, Layout: gen.HealthLayout8,
			Incidents: []gen.HealthIncident{
				{Kind: gen.HealthTimeout, Start: start.Add(10 * time.Minute), End: start.Add(20 * time.Minute), Rate: 0.5},
				{Kind: gen.HealthCodeMismatch, Start: start.Add(25 * time.Minute), End: start.Add(45 * time.Minute), Rate: 1},
			}}
		if _, err := gen.WriteHealthObjects(dir, hs); err != nil {
			t.Fatal(err)
		}
	}},
	// NLB TLS connections: durations in milliseconds, seconds in the lake.
	{nlbparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		if _, err := gen.WriteNLBObjects(dir, &gen.NLBScenario{Seed: 14, Start: start, End: end, Connections: 6000,
			Incidents: []gen.NLBIncident{{Kind: gen.NLBClientAlert, Alert: 48, Start: start.Add(20 * time.Minute), End: end, Rate: 1, Legacy: true, Port: 443,
				Cert: gen.ACMCertificateARN("123456789012", "eu-west-1", 0x2026)}}}); err != nil {
			t.Fatal(err)
		}
	}},
	// ALB connection logs alone (their access logs are left out), a
	// partner's certificate expiring on the way.
	{connparser.Format, func(t *testing.T, dir string) {
		start := time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC)
		end := start.Add(time.Hour)
		objs, _, _, err := gen.ConnObjects(&gen.ConnScenario{ALB: &gen.ALBScenario{Seed: 14, Start: start, End: end, Rows: 8000},
			Partners: []gen.ConnPartner{{Name: "Contoso Payments", IP: "203.0.113.24", NotBefore: start.AddDate(-1, 0, 0), NotAfter: start.Add(25 * time.Minute)}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if strings.Contains(o.Key, "/conn_log_") {
				writeFile(t, dir, o.Key, o.Data)
			}
		}
	}},
}

// colAgg is what an engine must find in one column over the whole lake:
// the non-null values, and their sum (integers), sum (doubles), bytes
// (strings) or microseconds since the epoch (timestamps).
type colAgg struct {
	n     int64
	ints  big.Int
	float float64
	kind  arrow.Type
}

// aggSink adds up every column of the decoders' batches, and the columns
// lbtriage derives from the object's name.
type aggSink struct {
	mu    sync.Mutex
	cols  map[string]*colAgg
	rows  int64
	byDay map[string]int64
}

func newAggSink() *aggSink { return &aggSink{cols: map[string]*colAgg{}, byDay: map[string]int64{}} }

func (s *aggSink) col(name string, kind arrow.Type) *colAgg {
	c := s.cols[name]
	if c == nil {
		c = &colAgg{kind: kind}
		s.cols[name] = c
	}
	return c
}

func (s *aggSink) Consume(src parser.Source, f parser.Format, rec arrow.RecordBatch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := rec.NumRows()
	s.rows += n
	for i, fd := range rec.Schema().Fields() {
		arr := rec.Column(i)
		kind := fd.Type.ID()
		if kind == arrow.DURATION {
			kind = arrow.FLOAT64 // seconds in the lake
		}
		c := s.col(fd.Name, kind)
		// A column named as a name column takes the name's value where
		// the line has none.
		fill := ""
		for _, nc := range lake.NameColumns() {
			if nc.Name == fd.Name {
				fill = nc.Value(src)
			}
		}
		c.n += int64(arr.Len() - arr.NullN())
		for j := range arr.Len() {
			if arr.IsNull(j) {
				if fill != "" {
					c.n++
					c.ints.Add(&c.ints, big.NewInt(int64(len(fill))))
				}
				continue
			}
			switch a := arr.(type) {
			case *array.Duration:
				c.float += time.Duration(a.Value(j) * arrow.Duration(a.DataType().(*arrow.DurationType).Unit.Multiplier())).Seconds()
			case *array.Uint8:
				c.ints.Add(&c.ints, big.NewInt(int64(a.Value(j))))
			case *array.Uint16:
				c.ints.Add(&c.ints, big.NewInt(int64(a.Value(j))))
			case *array.Int32:
				c.ints.Add(&c.ints, big.NewInt(int64(a.Value(j))))
			case *array.Int64:
				c.ints.Add(&c.ints, big.NewInt(a.Value(j)))
			case *array.Float64:
				c.float += a.Value(j)
			case *array.String:
				c.ints.Add(&c.ints, big.NewInt(int64(len(a.Value(j)))))
			case *array.Timestamp:
				us := a.Value(j).ToTime(a.DataType().(*arrow.TimestampType).Unit).UnixMicro()
				c.ints.Add(&c.ints, big.NewInt(us))
				if fd.Name == parser.ColTime {
					s.byDay[time.UnixMicro(us).UTC().Format("2006-01-02")]++
				}
			default:
				return fmt.Errorf("column %s: no aggregate for %T", fd.Name, arr)
			}
		}
	}
	for _, nc := range lake.AddedNameColumns(rec.Schema()) {
		c := s.col(nc.Name, arrow.STRING)
		if v := nc.Value(src); v != "" {
			c.n += n
			c.ints.Add(&c.ints, big.NewInt(int64(len(v))*n))
		}
	}
	return nil
}

// aggQuery returns the query that computes the aggregates of colAgg over
// table in dialect d (DuckDB or ClickHouse), one output column each, in
// the order of names.
func aggQuery(d lake.Dialect, table string, names []string, kinds map[string]arrow.Type) string {
	var sel []string
	for _, name := range names {
		q := `"` + name + `"`
		sel = append(sel, "count("+q+")")
		switch kinds[name] {
		case arrow.STRING:
			if d == lake.DuckDB {
				sel = append(sel, "sum(strlen("+q+"))")
			} else {
				sel = append(sel, "sum(length("+q+"))")
			}
		case arrow.TIMESTAMP:
			if d == lake.DuckDB {
				sel = append(sel, "sum(epoch_us("+q+"))")
			} else {
				sel = append(sel, "toString(sum(toInt128(toUnixTimestamp64Micro("+q+"))))")
			}
		default:
			sel = append(sel, "sum("+q+")")
		}
	}
	return "SELECT count(*), " + strings.Join(sel, ", ") + " FROM " + table
}

// TestLake_Engines exports generated incidents of every family and reads
// the lake back with DuckDB and chDB through the views lbtriage sql prints:
// the rows, the rows per day, and every column's non-null values and sum
// (bytes for strings, microseconds for times) must equal what the
// decoders read from the logs.
func TestLake_Engines(t *testing.T) {
	enginetest.Require(t)
	for _, c := range lakeCases {
		t.Run(string(c.family), func(t *testing.T) {
			logs, lakeDir := t.TempDir(), t.TempDir()
			c.write(t, logs)
			if code, out, errOut := run(t, "export", "--out", lakeDir, "--row-group-rows", "1000", logs); code != exitOK {
				t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
			}
			want := newAggSink()
			objects, _, err := input.Expand([]string{logs}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := input.Scan(context.Background(), objects, input.ScanOptions{Decoders: decoders()},
				func() input.Sink { return want }); err != nil {
				t.Fatal(err)
			}
			tables, err := lakeTables(string(c.family))
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			kinds := map[string]arrow.Type{}
			for _, f := range tables[0].Schema.Fields() {
				if slices.ContainsFunc(lake.DerivedFields, func(d arrow.Field) bool { return d.Name == f.Name }) {
					continue // TestLake_Analyze checks them
				}
				names = append(names, f.Name)
				kinds[f.Name] = f.Type.ID()
			}
			table := lake.TableName(c.family)
			var jobs []enginetest.Job
			for _, d := range []lake.Dialect{lake.DuckDB, lake.ClickHouse} {
				script := sqlOf(t, "--dialect", string(d), "--location", lakeDir, "--family", string(c.family))
				script += aggQuery(d, table, names, kinds) + ";\n"
				script += "SELECT CAST(day AS VARCHAR), count(*) FROM " + table + " GROUP BY day ORDER BY day;\n"
				jobs = append(jobs, enginetest.Job{Engine: string(d), SQL: script})
			}
			for i, r := range enginetest.Run(t, jobs...) {
				engine := jobs[i].Engine
				if r.Error != "" {
					t.Fatalf("%s: %s", engine, r.Error)
				}
				aggs := r.Statements[len(r.Statements)-2].Strings()[0]
				checkAggregates(t, engine, want, names, aggs)
				var days []string
				for _, row := range r.Last().Strings() {
					days = append(days, row[0]+"="+row[1])
				}
				var wantDays []string
				for _, d := range sortedDays(want.byDay) {
					wantDays = append(wantDays, d+"="+strconv.FormatInt(want.byDay[d], 10))
				}
				if strings.Join(days, " ") != strings.Join(wantDays, " ") {
					t.Errorf("%s: rows per day %v, want %v", engine, days, wantDays)
				}
			}
		})
	}
}

func checkAggregates(t *testing.T, engine string, want *aggSink, names []string, got []string) {
	t.Helper()
	if got[0] != strconv.FormatInt(want.rows, 10) || want.rows == 0 {
		t.Errorf("%s: %s rows, want %d", engine, got[0], want.rows)
	}
	for i, name := range names {
		w := want.cols[name]
		if w == nil {
			t.Errorf("%s: column %s is not in the logs' schema", engine, name)
			continue
		}
		n, sum := got[1+2*i], got[2+2*i]
		if n != strconv.FormatInt(w.n, 10) {
			t.Errorf("%s: column %s has %s values, want %d", engine, name, n, w.n)
		}
		if w.n == 0 {
			continue // sum is NULL
		}
		if w.kind == arrow.FLOAT64 {
			g, err := strconv.ParseFloat(sum, 64)
			if err != nil || math.Abs(g-w.float) > 1e-9*math.Max(1, math.Abs(w.float)) {
				t.Errorf("%s: column %s sums to %s, want %g", engine, name, sum, w.float)
			}
			continue
		}
		if sum != w.ints.String() {
			t.Errorf("%s: column %s sums to %s, want %s", engine, name, sum, w.ints.String())
		}
	}
}

func sortedDays(m map[string]int64) []string {
	return slices.Sorted(maps.Keys(m))
}

// TestLake_Analyze exports generated incidents of every family and runs
// the scripts lbtriage sql prints for DuckDB and ClickHouse on the lake:
// their 5xx by cause (from the exported cause and from the taxonomy's
// CASE), per-target requests and 5xx, and timeline must equal lbtriage
// analyze -o json on the same logs, and the CASE must give every row the
// exported cause.
func TestLake_Analyze(t *testing.T) {
	enginetest.Require(t)
	for _, c := range lakeCases {
		t.Run(string(c.family), func(t *testing.T) {
			if _, ok := families.Family(c.family).(analysis.Ruled); !ok {
				t.Skipf("the %s family has no rules: no cause to hold the engines to", c.family)
			}
			logs, lakeDir := t.TempDir(), t.TempDir()
			c.write(t, logs)
			if code, out, errOut := run(t, "export", "--out", lakeDir, logs); code != exitOK {
				t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
			}
			code, out, errOut := run(t, "analyze", "-o", "json", logs)
			if code != exitOK {
				t.Fatalf("analyze: exit %d: %s", code, errOut)
			}
			rep := decodeReport(t, out)
			tables, err := lakeTables(string(c.family))
			if err != nil {
				t.Fatal(err)
			}
			var jobs []enginetest.Job
			var scripts [][]lake.Statement
			for _, d := range []lake.Dialect{lake.DuckDB, lake.ClickHouse} {
				stmts, err := sqlScript(d, lakeDir, tables)
				if err != nil {
					t.Fatal(err)
				}
				check := fmt.Sprintf("SELECT count(*) FROM %s WHERE coalesce(%q, '') <> coalesce(%s, '')",
					lake.TableName(c.family), lake.ColCause, lake.CauseCase(d, tables[0].Rules))
				stmts = append(stmts, lake.Statement{Kind: lake.Query, SQL: check})
				scripts = append(scripts, stmts)
				var b strings.Builder
				if err := lake.WriteScript(&b, stmts); err != nil {
					t.Fatal(err)
				}
				// The script is what lbtriage sql prints, then the check.
				printed := sqlOf(t, "--dialect", string(d), "--location", lakeDir, "--family", string(c.family))
				if _, body, _ := strings.Cut(printed, "\n\n"); !strings.HasPrefix(b.String(), body) {
					t.Fatalf("sqlScript differs from what lbtriage sql prints")
				}
				jobs = append(jobs, enginetest.Job{Engine: string(d), SQL: b.String()})
			}
			wantCauses := map[string]string{}
			for code, n := range rep.Errors.ByCause {
				wantCauses[code] = strconv.FormatInt(n, 10)
			}
			var wantTargets []string
			for _, tg := range rep.Targets {
				wantTargets = append(wantTargets, fmt.Sprintf("%s %d %d", tg.Target, tg.Requests, tg.Errors5xx))
			}
			slices.Sort(wantTargets)
			var wantTimeline []string
			for _, b := range rep.Timeline {
				if b.Requests > 0 {
					wantTimeline = append(wantTimeline, fmt.Sprintf("%s %d %d", minuteKey(b.Start.UTC().Format("2006-01-02 15:04")), b.Requests, b.Errors5xx))
				}
			}
			for i, r := range enginetest.Run(t, jobs...) {
				engine := jobs[i].Engine
				if r.Error != "" {
					t.Fatalf("%s: %s", engine, r.Error)
				}
				if len(r.Statements) != len(scripts[i]) {
					t.Fatalf("%s ran %d statements of %d", engine, len(r.Statements), len(scripts[i]))
				}
				byComment := func(prefix string) [][]string {
					for j, s := range scripts[i] {
						if strings.HasPrefix(s.Comment, prefix) {
							return r.Statements[j].Strings()
						}
					}
					t.Fatalf("no statement %q", prefix)
					return nil
				}
				got := map[string]string{}
				for _, row := range byComment(fmt.Sprintf("The %s 5xx by domain and cause", c.family)) {
					got[row[1]] = row[2]
				}
				if !maps.Equal(got, wantCauses) || len(got) == 0 {
					t.Errorf("%s: 5xx by cause %v, analyze says %v", engine, got, wantCauses)
				}
				got = map[string]string{}
				for _, row := range byComment("The same from the raw columns") {
					got[row[0]] = row[1]
				}
				if !maps.Equal(got, wantCauses) {
					t.Errorf("%s: 5xx by the rules' CASE %v, analyze says %v", engine, got, wantCauses)
				}
				if n := r.Last().Strings()[0][0]; n != "0" {
					t.Errorf("%s: the rules' CASE gives %s rows another cause than the exported one", engine, n)
				}
				if tables[0].Rules.TargetIP != "" {
					var targets []string
					for _, row := range byComment("The targets") {
						targets = append(targets, fmt.Sprintf("%s:%s %s %s", row[0], row[1], row[3], row[4]))
					}
					slices.Sort(targets)
					if !slices.Equal(targets, wantTargets) || len(targets) == 0 {
						t.Errorf("%s: targets %v, analyze says %v", engine, targets, wantTargets)
					}
				}
				var timeline []string
				for _, row := range byComment("The timeline") {
					timeline = append(timeline, fmt.Sprintf("%s %s %s", minuteKey(row[0]), row[1], row[2]))
				}
				if !slices.Equal(timeline, wantTimeline) || len(timeline) == 0 {
					t.Errorf("%s: timeline %v, analyze says %v", engine, timeline, wantTimeline)
				}
			}
		})
	}
}

// minuteKey reduces the ways engines and reports write a minute to
// "2026-11-20 13:05".
func minuteKey(s string) string {
	s = strings.Replace(s, "T", " ", 1)
	if len(s) > 16 {
		s = s[:16]
	}
	return s
}

// TestAnalyze_Lake checks that analyze reads the lake export wrote and
// reports what it reports from the logs, for every family: the same JSON
// but for the inputs and, since header lines are no rows, the line counts.
// A window prunes row groups without changing the figures.
func TestAnalyze_Lake(t *testing.T) {
	for _, c := range lakeCases {
		t.Run(string(c.family), func(t *testing.T) {
			logs, lakeDir := t.TempDir(), t.TempDir()
			c.write(t, logs)
			if code, out, errOut := run(t, "export", "--out", lakeDir, "--row-group-rows", "500", logs); code != exitOK {
				t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
			}
			for _, window := range [][]string{nil, {"--since", "2026-11-20T23:45:00Z", "--until", "2026-11-21T00:10:00Z"}} {
				want, got := reportWithoutInputs(t, append(window, logs)...), reportWithoutInputs(t, append(window, lakeDir)...)
				if !reflect.DeepEqual(got, want) {
					gb, _ := json.MarshalIndent(got, "", " ")
					wb, _ := json.MarshalIndent(want, "", " ")
					t.Errorf("window %v: the report from the lake differs from the logs'\nlake: %.2000s\nlogs: %.2000s", window, gb, wb)
				}
			}
		})
	}
}

// reportWithoutInputs runs lbtriage analyze -o json with args and returns
// the report without what tells the inputs apart (inputs and lines).
func reportWithoutInputs(t *testing.T, args ...string) map[string]any {
	t.Helper()
	code, out, errOut := run(t, append([]string{"analyze", "-o", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("analyze %v: exit %d: %s", args, code, errOut)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "inputs")
	delete(m, "lines")
	return m
}
