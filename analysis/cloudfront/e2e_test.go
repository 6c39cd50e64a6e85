package cloudfront_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// everyCFCause is a scenario with every CloudFront cause and client
// aborts over two hours of the two default distributions.
func everyCFCause() *gen.CFScenario {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	end := start.Add(2 * time.Hour)
	return &gen.CFScenario{Seed: 11, Start: start, End: end, Rows: 60000, ObjectsPerHour: 3,
		Incidents: gen.EveryCFCause(start, end, 0.004)}
}

// cfEdgeKinds are the incident kinds whose rows never reach the origin or
// whose viewers left: the log cannot tell whether they would have been
// cache hits.
var cfEdgeKinds = map[string]bool{
	gen.CFEdgeCapacity.String(): true, gen.CFFunctionError.String(): true, gen.CFEdgeGenerated.String(): true,
	gen.CFClientRequestError.String(): true, gen.CFClientAborted.String(): true,
}

func TestCloudFrontReport_MatchesTruth(t *testing.T) {
	sc := everyCFCause()
	objs, truth, err := gen.CloudFrontObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 4, analysis.Options{})

	if rep.Format != "cloudfront" {
		t.Fatalf("format %q", rep.Format)
	}
	if rep.Lines.Rejected != 0 || rep.Lines.Parsed != int64(truth.Rows) || rep.Requests != int64(truth.Rows) {
		t.Fatalf("lines %+v, requests %d, want %d", rep.Lines, rep.Requests, truth.Rows)
	}
	eq := func(what string, got map[string]int64, want map[string]int) {
		t.Helper()
		for k, w := range want {
			if got[k] != int64(w) {
				t.Errorf("%s[%s] = %d, want %d", what, k, got[k], w)
			}
		}
		for k, g := range got {
			if g != 0 && want[k] == 0 {
				t.Errorf("%s[%s] = %d, want 0", what, k, g)
			}
		}
	}
	classes := map[string]int{}
	for k, n := range truth.Classes {
		if k == "000" {
			k = "other" // status 000 has no class
		}
		classes[k] += n
	}
	eq("status_classes", rep.StatusClasses, classes)
	eq("by_cause", rep.Errors.ByCause, truth.Causes)
	eq("by_domain", rep.Errors.ByDomain, truth.Domains)
	eq("context", rep.Context, truth.Context)
	if len(truth.Causes) != 10 || truth.Context[cffam.ContextClientAborted] == 0 {
		t.Fatalf("scenario covers %d causes and %d aborts, want all 10 and some", len(truth.Causes), truth.Context[cffam.ContextClientAborted])
	}
	for _, d := range []string{"origin", "edge", "client"} {
		if _, ok := rep.Errors.ByDomain[d]; !ok || truth.Domains[d] == 0 {
			t.Errorf("domain %s missing", d)
		}
	}

	cf := figures(t, rep)
	if cf == nil {
		t.Fatal("no cloudfront section")
	}
	if len(cf.EdgeLocations) != len(truth.POPs) {
		t.Errorf("%d edge locations, want %d", len(cf.EdgeLocations), len(truth.POPs))
	}
	for _, e := range cf.EdgeLocations {
		w := truth.POPs[e.Location]
		if w == nil || e.Requests != int64(w.Requests) || e.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("edge %s: %d/%d, want %+v", e.Location, e.Requests, e.Errors5xx, w)
		}
	}
	if len(cf.Distributions) != len(truth.Distributions) {
		t.Errorf("%d distributions, want %d", len(cf.Distributions), len(truth.Distributions))
	}
	for _, d := range cf.Distributions {
		w := truth.Distributions[d.Name]
		if w == nil || d.Requests != int64(w.Requests) || d.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("distribution %s: %d/%d, want %+v", d.Name, d.Requests, d.Errors5xx, w)
		}
	}
	for _, r := range cf.ResultTypes {
		w := truth.ResultTypes[r.ResultType]
		if w == nil || r.Requests != int64(w.Requests) || r.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("result type %s: %d/%d, want %+v", r.ResultType, r.Requests, r.Errors5xx, w)
		}
	}
	if len(cf.ResultTypes) != len(truth.ResultTypes) {
		t.Errorf("%d result types, want %d", len(cf.ResultTypes), len(truth.ResultTypes))
	}

	// Timeline: one bucket per minute, each equal to the truth.
	minutes := 0
	for _, b := range rep.Timeline {
		ts := b.Start.Time
		w := truth.Minutes[ts.Unix()]
		if w == nil {
			if b.Requests != 0 {
				t.Errorf("bucket %s: %d requests, want none", b.Start, b.Requests)
			}
			continue
		}
		minutes++
		if b.Requests != int64(w.Requests) || b.Errors5xx != int64(w.Errors5xx) {
			t.Errorf("bucket %s: %d/%d, want %d/%d", b.Start, b.Requests, b.Errors5xx, w.Requests, w.Errors5xx)
		}
		for d, n := range w.Domains {
			if b.ByDomain[d] != int64(n) {
				t.Errorf("bucket %s domain %s: %d, want %d", b.Start, d, b.ByDomain[d], n)
			}
		}
	}
	if minutes != len(truth.Minutes) {
		t.Errorf("%d minutes, want %d", minutes, len(truth.Minutes))
	}

	// Hits and misses: rows of edge or client incidents and aborted rows
	// never show whether they would have been hits, so the report leaves
	// them out of both; everything else matches the truth's split.
	var unknown int
	for _, in := range truth.Incidents {
		if cfEdgeKinds[in.Kind] && in.Kind != gen.CFClientAborted.String() {
			unknown += in.Rows
		}
	}
	unknown += truth.Context[cffam.ContextClientAborted]
	hit, miss := cf.MissVsHit[cffam.CacheHit], cf.MissVsHit[cffam.CacheMiss]
	if got, want := hit.Requests+miss.Requests+int64(unknown), int64(truth.CacheHits.Requests+truth.CacheMisses.Requests); got != want {
		t.Errorf("hits %d + misses %d + unknown %d = %d, want %d", hit.Requests, miss.Requests, unknown, got, want)
	}
	if got, want := hit.Errors5xx+miss.Errors5xx, int64(truth.Domains["origin"]); got != want {
		t.Errorf("5xx of hits and misses %d, want the origin's %d", got, want)
	}
	if hit.Requests > int64(truth.CacheHits.Requests) || miss.Requests > int64(truth.CacheMisses.Requests) {
		t.Errorf("hits %+v misses %+v exceed the truth's %+v %+v", hit, miss, truth.CacheHits, truth.CacheMisses)
	}
	if cf.Flags[cffam.FlagOriginTimeout] != int64(truth.Causes[cffam.CauseOriginTimeout]) {
		t.Errorf("origin_timeout flag %d, want %d", cf.Flags[cffam.FlagOriginTimeout], truth.Causes[cffam.CauseOriginTimeout])
	}
	if cf.Flags[cffam.FlagCachedError] == 0 {
		t.Errorf("no cached error flagged")
	}
	if cf.CacheHitRatio <= 0 || cf.CacheHitRatio >= 1 || cf.LatencyMs.P50 <= 0 || cf.LatencyMs.P99 < cf.LatencyMs.P50 {
		t.Errorf("hit ratio %v, latency %+v", cf.CacheHitRatio, cf.LatencyMs)
	}
}

// TestCloudFrontReport_HitsAndMisses checks the split exactly where the log
// tells it: origin incidents on misses, with cached origin errors on hits.
func TestCloudFrontReport_HitsAndMisses(t *testing.T) {
	start := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	end := start.Add(time.Hour)
	sc := &gen.CFScenario{Seed: 3, Start: start, End: end, Rows: 20000, Incidents: []gen.CFIncident{
		{Kind: gen.CFOriginConnectError, Start: start, End: start.Add(20 * time.Minute), Rate: 0.5},
		{Kind: gen.CFOriginTimeout, Start: start.Add(20 * time.Minute), End: start.Add(30 * time.Minute), Rate: 0.3},
		{Kind: gen.CFOriginDNSError, Start: start.Add(30 * time.Minute), End: start.Add(40 * time.Minute), Rate: 0.3},
	}}
	objs, truth, err := gen.CloudFrontObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 2, analysis.Options{})
	hit, miss := figures(t, rep).MissVsHit[cffam.CacheHit], figures(t, rep).MissVsHit[cffam.CacheMiss]
	// Aborted rows (status 000) cannot be told apart; they are the only
	// difference.
	aborted := int64(truth.Context[cffam.ContextClientAborted])
	if hit.Errors5xx != int64(truth.CacheHits.Errors5xx) || miss.Errors5xx != int64(truth.CacheMisses.Errors5xx) {
		t.Errorf("5xx of hits %d, misses %d; want %d, %d", hit.Errors5xx, miss.Errors5xx, truth.CacheHits.Errors5xx, truth.CacheMisses.Errors5xx)
	}
	if d := int64(truth.CacheHits.Requests) - hit.Requests + int64(truth.CacheMisses.Requests) - miss.Requests; d != aborted ||
		hit.Requests > int64(truth.CacheHits.Requests) || miss.Requests > int64(truth.CacheMisses.Requests) {
		t.Errorf("hits %d misses %d, truth %d %d, %d aborted", hit.Requests, miss.Requests, truth.CacheHits.Requests, truth.CacheMisses.Requests, aborted)
	}
}

// TestCloudFrontIncidents_Classified runs each incident of the product's
// issue alone and checks that every 5xx gets its cause.
func TestCloudFrontIncidents_Classified(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name   string
		kind   gen.CFKind
		cause  string
		domain string
	}{
		{"certificate expired", gen.CFOriginConnectError, cffam.CauseOriginConnectError, "origin"},
		{"origin answers 503", gen.CFOriginHTTP5xx, cffam.CauseOriginHTTP5xx, "origin"},
		{"origin timeout", gen.CFOriginTimeout, cffam.CauseOriginTimeout, "origin"},
		{"edge capacity", gen.CFEdgeCapacity, cffam.CauseEdgeCapacity, "edge"},
		{"edge function error", gen.CFFunctionError, cffam.CauseEdgeFunctionError, "edge"},
		{"origin DNS record gone", gen.CFOriginDNSError, cffam.CauseOriginDNSError, "origin"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := &gen.CFScenario{Seed: uint64(tc.kind), Start: start, End: start.Add(30 * time.Minute), Rows: 8000,
				Incidents: []gen.CFIncident{{Name: tc.name, Kind: tc.kind, Start: start.Add(10 * time.Minute), End: start.Add(25 * time.Minute), Rate: 0.5}}}
			objs, truth, err := gen.CloudFrontObjects(sc)
			if err != nil {
				t.Fatal(err)
			}
			objects, skipped := objectsOf(objs)
			rep := analyze(t, objects, skipped, 2, analysis.Options{})
			n := int64(truth.Incidents[0].Rows)
			if n == 0 || rep.Errors.Total5xx != n || rep.Errors.ByCause[tc.cause] != n || rep.Errors.ByDomain[tc.domain] != n {
				t.Fatalf("5xx %d, by cause %v, by domain %v; want %d %s (%s)", rep.Errors.Total5xx, rep.Errors.ByCause, rep.Errors.ByDomain, n, tc.cause, tc.domain)
			}
			v := rep.Verdict
			if v.PrimaryCause == nil || *v.PrimaryCause != tc.cause || *v.PrimaryDomain != tc.domain || v.Share != 1 {
				t.Fatalf("verdict %+v", v)
			}
			want := "the origin failed, not the CloudFront edge"
			if tc.domain == "edge" {
				want = "the CloudFront edge failed, not the origin"
			}
			if !strings.Contains(v.Summary, want) {
				t.Errorf("summary %q does not say %q", v.Summary, want)
			}
			if len(v.Hints) == 0 || !strings.HasPrefix(v.Hints[0], tc.cause+": ") {
				t.Errorf("hints %q", v.Hints)
			}
			all := strings.Join(v.Findings, "\n")
			if !strings.Contains(all, "spread over every edge location") {
				t.Errorf("no spread finding:\n%s", all)
			}
			switch tc.kind {
			case gen.CFOriginTimeout:
				if !strings.Contains(all, "multiple of 30 s") {
					t.Errorf("no timeout finding:\n%s", all)
				}
			case gen.CFOriginHTTP5xx:
				if !strings.Contains(all, "error cache") {
					t.Errorf("no cached-error finding:\n%s", all)
				}
			}
		})
	}
}

// TestCloudFrontIncident_OnePOP: an edge problem at one location is named
// as such.
func TestCloudFrontIncident_OnePOP(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	sc := &gen.CFScenario{Seed: 9, Start: start, End: start.Add(30 * time.Minute), Rows: 8000,
		Incidents: []gen.CFIncident{{Kind: gen.CFEdgeCapacity, POP: "AMS58-P2", Start: start, End: start.Add(30 * time.Minute), Rate: 0.6}}}
	objs, _, err := gen.CloudFrontObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 2, analysis.Options{})
	all := strings.Join(rep.Verdict.Findings, "\n")
	if !strings.Contains(all, "at edge location AMS58-P2") || !strings.Contains(all, "not in the origin") ||
		!strings.Contains(rep.Verdict.Summary, "concentrated on edge location AMS58-P2") {
		t.Fatalf("summary %q\nfindings:\n%s", rep.Verdict.Summary, all)
	}
}

func TestCloudFrontSample_Verdict(t *testing.T) {
	objs, truth, err := gen.CloudFrontObjects(gen.SampleCloudFrontIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	rep := analyze(t, objects, skipped, 3, analysis.Options{})
	v := rep.Verdict
	if v.PrimaryCause == nil || *v.PrimaryCause != cffam.CauseOriginConnectError || *v.PrimaryDomain != "origin" || v.Share != 1 {
		t.Fatalf("verdict %+v", v)
	}
	misses := truth.CacheMisses.Errors5xx
	if rep.Errors.Total5xx != int64(misses) || figures(t, rep).MissVsHit[cffam.CacheMiss].Errors5xx != int64(misses) ||
		figures(t, rep).MissVsHit[cffam.CacheHit].Errors5xx != 0 {
		t.Fatalf("5xx %d, miss/hit %+v, truth misses %+v", rep.Errors.Total5xx, figures(t, rep).MissVsHit, truth.CacheMisses)
	}
	for _, want := range []string{"Every cache miss of www.example.com fails since 13:10 while cache hits are fine",
		"CloudFront cannot reach the origin", "origin certificate", "the origin failed, not the CloudFront edge"} {
		if !strings.Contains(v.Summary, want) {
			t.Errorf("summary %q lacks %q", v.Summary, want)
		}
	}
	all := strings.Join(v.Findings, "\n")
	for _, want := range []string{"Every cache miss of www.example.com failed from 13:10 (", "misses 502 OriginConnectError) while cache hits were fine",
		"origin certificate (expiry", "security group", "spread over every edge location (12)"} {
		if !strings.Contains(all, want) {
			t.Errorf("findings lack %q:\n%s", want, all)
		}
	}
	if rep.Context[cffam.ContextClientAborted] != int64(truth.Context[cffam.ContextClientAborted]) {
		t.Errorf("client.aborted %d, want %d", rep.Context[cffam.ContextClientAborted], truth.Context[cffam.ContextClientAborted])
	}
	t.Logf("summary: %s", v.Summary)
	for _, f := range v.Findings {
		t.Logf("finding: %s", f)
	}
}

func TestCloudFrontReport_JSONContract(t *testing.T) {
	objs, _, err := gen.CloudFrontObjects(everyCFCause())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := objectsOf(objs)
	var outs [][]byte
	for _, w := range []int{1, 2, 8} {
		rep := analyze(t, objects, skipped, w, analysis.Options{})
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	for i := 1; i < len(outs); i++ {
		if !bytes.Equal(outs[0], outs[i]) {
			t.Fatalf("JSON differs between worker counts 1 and %d", []int{1, 2, 8}[i])
		}
	}
	var m map[string]any
	if err := json.Unmarshal(outs[0], &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema_version", "format", "inputs", "lines", "time_range", "requests", "status_classes",
		"errors", "targets", "nodes", "timeline", "verdict", "context", "cloudfront"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q", k)
		}
	}
	if m["format"] != "cloudfront" {
		t.Errorf("format %v", m["format"])
	}
	errs := m["errors"].(map[string]any)
	dom := errs["by_domain"].(map[string]any)
	if len(dom) != 3 || dom["origin"] == nil || dom["edge"] == nil || dom["client"] == nil {
		t.Errorf("by_domain %v", dom)
	}
	for _, k := range []string{"total_5xx", "by_cause"} {
		if _, ok := errs[k]; !ok {
			t.Errorf("errors lacks %q", k)
		}
	}
	tl := m["timeline"].([]any)
	if bd := tl[0].(map[string]any)["by_domain"].(map[string]any); len(bd) != 3 || bd["origin"] == nil {
		t.Errorf("timeline by_domain %v", bd)
	}
	cf := m["cloudfront"].(map[string]any)
	for _, k := range []string{"edge_locations", "distributions", "hosts", "result_types", "cache_hit_ratio", "latency_ms", "flags", "miss_vs_hit"} {
		if _, ok := cf[k]; !ok {
			t.Errorf("cloudfront lacks %q", k)
		}
	}
	v := m["verdict"].(map[string]any)
	for _, k := range []string{"primary_domain", "primary_cause", "share", "summary", "hints"} {
		if _, ok := v[k]; !ok {
			t.Errorf("verdict lacks %q", k)
		}
	}
}
