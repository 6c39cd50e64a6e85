package cloudfront

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// Figures holds the aggregates only CloudFront logs have: the "cloudfront"
// object of the JSON report (docs/report-json.md).
type Figures struct {
	EdgeLocations []Edge            `json:"edge_locations"`
	Distributions []Named           `json:"distributions"`
	Hosts         []Named           `json:"hosts"`
	ResultTypes   []ResultType      `json:"result_types"`
	CacheHitRatio float64           `json:"cache_hit_ratio"`
	LatencyMs     analysis.Latency  `json:"latency_ms"`
	Flags         map[string]int64  `json:"flags"` // "cached_error", "origin_timeout"
	MissVsHit     map[string]Counts `json:"miss_vs_hit,omitempty"`
}

// PartKey is the JSON key of the CloudFront part of a report.
const PartKey = "cloudfront"

// Edge is one CloudFront edge location (POP).
type Edge struct {
	Location  string `json:"location"`
	Requests  int64  `json:"requests"`
	Errors5xx int64  `json:"errors_5xx"`
}

// Named is a requests/5xx pair under a name (distribution, host).
type Named struct {
	Name      string `json:"name"`
	Requests  int64  `json:"requests"`
	Errors5xx int64  `json:"errors_5xx"`
}

// ResultType is one x-edge-result-type with its latency.
type ResultType struct {
	ResultType string           `json:"result_type"`
	Requests   int64            `json:"requests"`
	Errors5xx  int64            `json:"errors_5xx"`
	LatencyMs  analysis.Latency `json:"latency_ms"`
}

// Counts is a requests/5xx pair.
type Counts struct {
	Requests  int64 `json:"requests"`
	Errors5xx int64 `json:"errors_5xx"`
}

// figures returns the state's figures.
func (s *state) figures() *Figures {
	cf := &Figures{
		EdgeLocations: []Edge{},
		Flags:         map[string]int64{FlagCachedError: s.cachedErrors, FlagOriginTimeout: s.originTimeouts},
		MissVsHit:     map[string]Counts{CacheHit: s.hits, CacheMiss: s.misses},
	}
	for _, n := range s.pops.sorted() {
		cf.EdgeLocations = append(cf.EdgeLocations, Edge{Location: n.Name, Requests: n.Requests, Errors5xx: n.Errors5xx})
	}
	cf.Distributions = s.dists.sorted()
	cf.Hosts = s.hosts.sorted()
	cf.ResultTypes = []ResultType{}
	for _, i := range s.resultTypes.order() {
		st := &s.resultTypes.stats[i]
		rt := ResultType{ResultType: s.resultTypes.names[i], Requests: st.requests, Errors5xx: st.errors}
		if int(i) < len(s.rtLatency) {
			rt.LatencyMs = analysis.Quantiles(s.rtLatency[i])
		}
		cf.ResultTypes = append(cf.ResultTypes, rt)
	}
	if o := s.resultTypes.other; o.requests > 0 {
		cf.ResultTypes = append(cf.ResultTypes, ResultType{ResultType: analysis.OtherKey, Requests: o.requests, Errors5xx: o.errors, LatencyMs: analysis.Quantiles(s.rtOtherLatency)})
	}
	if s.requests > 0 {
		cf.CacheHitRatio = analysis.Round4(float64(s.cacheHits) / float64(s.requests))
	}
	cf.LatencyMs = analysis.Quantiles(s.latency)
	return cf
}

// namedTop is how many distributions, hosts and edge locations the text
// and markdown reports list.
const namedTop = 10

// Part returns the report part of figures f: the "cloudfront" JSON object
// and its section.
func Part(f *Figures) analysis.Part {
	sec := analysis.Section{ID: "cloudfront", Title: "CloudFront"}
	sec.Facts = append(sec.Facts, analysis.Fact{Label: "cache hit ratio", Kind: analysis.CellRate, Value: analysis.RateCell(f.CacheHitRatio)})
	p := analysis.Part{Key: PartKey, JSON: f}
	if f.LatencyMs != (analysis.Latency{}) {
		sec.Facts = append(sec.Facts, analysis.Fact{Label: "time taken", Kind: analysis.CellLatency, Value: analysis.LatencyCell(f.LatencyMs)})
		l := f.LatencyMs
		p.Latency = &l
	}
	for _, k := range []string{FlagCachedError, FlagOriginTimeout} {
		sec.Counts = append(sec.Counts, analysis.Count{Key: k, N: f.Flags[k]})
	}
	rt := analysis.Table{
		Name: tableResultTypes, Title: "Result types",
		Columns: []analysis.Column{
			{Header: "Result type", Kind: analysis.CellName},
			{Header: "Requests", Kind: analysis.CellCount},
			{Header: "5xx", Key: "errors_5xx", Kind: analysis.CellCount},
			{Kind: analysis.CellLatency},
		},
	}
	for _, r := range f.ResultTypes {
		rt.Rows = append(rt.Rows, []analysis.Cell{analysis.NameCell(r.ResultType), analysis.CountCell(r.Requests),
			analysis.CountCell(r.Errors5xx), analysis.LatencyCell(r.LatencyMs)})
	}
	sec.Tables = append(sec.Tables, rt,
		namedTable(tableDistributions, "Distributions", "Distribution", f.Distributions),
		namedTable(tableHosts, "Hosts", "Host", f.Hosts))
	edges := make([]Named, len(f.EdgeLocations))
	for i, e := range f.EdgeLocations {
		edges[i] = Named{Name: e.Location, Requests: e.Requests, Errors5xx: e.Errors5xx}
	}
	sec.Tables = append(sec.Tables, namedTable(tableEdgeLocations, "Edge locations", "Edge location", edges))
	p.Sections = []analysis.Section{sec}
	return p
}

// namedTable is a table of names with their requests, 5xx and 5xx rate,
// the most 5xx first.
func namedTable(name, title, header string, rows []Named) analysis.Table {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b Named) int {
		if c := cmp.Compare(b.Errors5xx, a.Errors5xx); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Requests, a.Requests); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	t := analysis.Table{
		Name: name, Title: title, Top: namedTop,
		Columns: []analysis.Column{
			{Header: header, Kind: analysis.CellName},
			{Header: "Requests", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "5xx", Key: "errors_5xx", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Rate", Key: "rate_5xx", Kind: analysis.CellRate},
		},
	}
	for _, r := range rows {
		rate := 0.0
		if r.Requests > 0 {
			rate = float64(r.Errors5xx) / float64(r.Requests)
		}
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(r.Name), analysis.CountCell(r.Requests),
			analysis.CountCell(r.Errors5xx), analysis.RateCell(rate)})
	}
	return t
}
