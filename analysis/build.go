package analysis

import (
	"math"
	"net/netip"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/store"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	"github.com/lbtriage/lbtriage/parser/input"
)

// Run is what a scan read besides the rows: the per-object results, the
// inputs skipped before reading, and rejected lines (a RejectSampler's).
type Run struct {
	Results []input.ObjectResult
	Skipped []input.Skipped
	Rejects []*parser.LineError
}

// maxTimelineBuckets caps the gap filling of the timeline: past it, only the
// buckets that hold rows are listed.
const maxTimelineBuckets = 100_000

// BuildReport turns the merged aggregates and what the scan read into a
// Report, verdict included. The result depends only on its arguments' figures.
func BuildReport(a *Aggregator, run Run) *Report {
	opts := a.opts
	r := &Report{
		SchemaVersion: SchemaVersion,
		StatusClasses: map[string]int64{},
		Context:       map[string]int64{},
		BucketSeconds: int64(opts.Bucket / time.Second),
	}
	stats := r.fillInputs(run)
	r.Format = string(dominantFormat(a, r.Inputs.Formats))
	format := parser.Format(r.Format)

	r.Lines.OutsideWindow = a.outsideWindow
	r.Lines.RejectedSamples = sampleRejects(run.Rejects, DefaultMaxRejectedSamples)
	if a.requests > 0 {
		r.TimeRange = TimeRange{First: UnixMicro(a.firstUS), Last: UnixMicro(a.lastUS)}
	} else if !stats.MinTime.IsZero() {
		r.TimeRange = TimeRange{First: TimeOf(stats.MinTime), Last: TimeOf(stats.MaxTime)}
	}
	if !opts.Since.IsZero() || !opts.Until.IsZero() {
		r.Window = &TimeRange{First: TimeOf(opts.Since), Last: TimeOf(opts.Until)}
	}

	r.Requests = a.requests
	for _, k := range []string{"2xx", "3xx", "4xx", "5xx"} {
		r.StatusClasses[k] = 0
	}
	for i, n := range a.statusClass {
		switch {
		case n == 0:
		case i == 0:
			r.StatusClasses["other"] = n
		default:
			r.StatusClasses[string(rune('0'+i))+"xx"] = n
		}
	}

	r.Errors = Errors{Total5xx: a.total5xx, ByDomain: map[string]int64{}, ByCause: map[string]int64{}}
	for _, d := range domainsOf(format) {
		r.Errors.ByDomain[domainTable[d]] = 0
	}
	for c := 1; c < len(causeTable); c++ {
		if n := a.byCause[c]; n > 0 {
			r.Errors.ByCause[causeTable[c].Code] += n
			r.Errors.ByDomain[domainTable[causeDomain[c]]] += n
		}
	}
	switch format {
	case alb.Format:
		for _, k := range []contextID{ctx460, ctx400, ctx408, ctx463, ctx464, ctx403WAF} {
			r.Context[contextTable[k]] = 0
		}
	case cloudfront.Format:
		r.Context[ContextClientAborted] = 0
	}
	for k := 1; k < len(contextTable); k++ {
		if n := a.context[k]; n > 0 {
			r.Context[contextTable[k]] = n
		}
	}

	r.Targets = buildTargets(a)
	if l, ok := overallTargetLatency(a); ok {
		r.LatencyMs = &l
	}
	r.Subnets = buildSubnets(a, r.Targets)
	r.Nodes = buildNodes(a)
	r.Paths = buildKeys(&a.paths, opts.Top, func(k string, s keyStats) Path {
		return Path{Path: k, Requests: s.requests, Errors5xx: s.errors}
	})
	r.Clients = buildKeys(&a.clients, opts.Top, func(k string, s keyStats) Client {
		return Client{Client: k, Requests: s.requests, Errors5xx: s.errors}
	})
	r.Timeline = buildTimeline(a, format)
	if _, ok := newFormatState[format]; ok {
		a.state(format) // the format's section, even when empty
	}
	formats := make([]string, 0, len(a.ext))
	for f := range a.ext {
		formats = append(formats, string(f))
	}
	sort.Strings(formats)
	for _, f := range formats {
		a.ext[parser.Format(f)].fill(r)
	}
	r.Verdict = buildVerdict(a, r)
	return r
}

// fillInputs fills Inputs and the line counts, and returns the summed stats.
func (r *Report) fillInputs(run Run) parser.Stats {
	r.Inputs = Inputs{Skipped: []Skipped{}, Failed: []Failed{}, Formats: map[string]int64{}}
	for _, s := range run.Skipped {
		r.Inputs.Skipped = append(r.Inputs.Skipped, Skipped{Source: s.Source, Reason: s.Reason})
	}
	var stats parser.Stats
	for _, res := range run.Results {
		if res.SkipReason != "" {
			r.Inputs.Skipped = append(r.Inputs.Skipped, Skipped{Source: res.Source.Name, Reason: res.SkipReason})
			continue
		}
		r.Inputs.Objects++
		r.Inputs.BytesRead += res.StoredBytes
		stats.Add(res.Stats)
		if res.Format != parser.FormatUnknown {
			r.Inputs.Formats[string(res.Format)]++
		}
		if res.Err != nil {
			r.Inputs.Failed = append(r.Inputs.Failed, Failed{Source: res.Source.Name, Error: res.Err.Error()})
		}
	}
	sort.SliceStable(r.Inputs.Skipped, func(i, j int) bool { return r.Inputs.Skipped[i].Source < r.Inputs.Skipped[j].Source })
	sort.SliceStable(r.Inputs.Failed, func(i, j int) bool { return r.Inputs.Failed[i].Source < r.Inputs.Failed[j].Source })
	r.Lines = Lines{
		Read:     stats.Lines,
		Parsed:   stats.Parsed,
		Rejected: stats.Rejected,
		Comments: stats.Comments,
	}
	return stats
}

// dominantFormat is the format with the most rows, else with the most
// objects, else ALB.
func dominantFormat(a *Aggregator, objects map[string]int64) parser.Format {
	best, bestN := alb.Format, int64(0)
	pick := func(f parser.Format, n int64) {
		if n > bestN || (n == bestN && n > 0 && f < best) {
			best, bestN = f, n
		}
	}
	for f, n := range a.rows {
		pick(f, n)
	}
	if bestN == 0 {
		for f, n := range objects {
			pick(parser.Format(f), n)
		}
	}
	return best
}

// sampleRejects keeps the first n rejected lines in (source, line) order, so
// the sample does not depend on which worker read what first.
func sampleRejects(rejects []*parser.LineError, n int) []RejectedSample {
	sorted := append([]*parser.LineError(nil), rejects...)
	sort.SliceStable(sorted, func(i, j int) bool { return rejectLess(sorted[i], sorted[j]) })
	out := []RejectedSample{}
	for _, e := range sorted {
		if len(out) == n {
			break
		}
		out = append(out, RejectedSample{Source: e.Source, Line: e.Line, Reason: e.Reason, Snippet: e.Snippet})
	}
	return out
}

func rejectLess(a, b *parser.LineError) bool {
	if a.Source != b.Source {
		return a.Source < b.Source
	}
	return a.Line < b.Line
}

// RejectSampler keeps the first N rejected lines in (source, line) order,
// whatever order they arrive in. It is safe for concurrent use, so its Add
// can be a ScanOptions.OnReject.
type RejectSampler struct {
	mu   sync.Mutex
	n    int
	kept []*parser.LineError
}

// NewRejectSampler returns a sampler keeping n lines
// (DefaultMaxRejectedSamples when n <= 0).
func NewRejectSampler(n int) *RejectSampler {
	if n <= 0 {
		n = DefaultMaxRejectedSamples
	}
	return &RejectSampler{n: n}
}

// Add offers one rejected line.
func (s *RejectSampler) Add(e *parser.LineError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.kept) == s.n && !rejectLess(e, s.kept[len(s.kept)-1]) {
		return
	}
	i := sort.Search(len(s.kept), func(i int) bool { return rejectLess(e, s.kept[i]) })
	if len(s.kept) < s.n {
		s.kept = append(s.kept, nil)
	}
	copy(s.kept[i+1:], s.kept[i:])
	s.kept[i] = e
}

// Samples returns the kept lines in order.
func (s *RejectSampler) Samples() []*parser.LineError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*parser.LineError(nil), s.kept...)
}

// latencyQuantiles are the percentiles reported per target.
var latencyQuantiles = []float64{0.5, 0.95, 0.99}

// overallTargetLatency merges every target's sketch into the percentiles of
// target_processing_time over all the requests that reached a target.
// Merging adds bucket counts, so the result does not depend on the order.
func overallTargetLatency(a *Aggregator) (Latency, bool) {
	all := ddsketch.NewDDSketch(latencyMapping, store.NewDenseStore(), store.NewDenseStore())
	for _, t := range a.targetList {
		if !t.latency.IsEmpty() {
			// Every sketch shares latencyMapping, so this cannot fail.
			_ = all.MergeWith(t.latency)
		}
	}
	if all.IsEmpty() {
		return Latency{}, false
	}
	q, err := all.GetValuesAtQuantiles(latencyQuantiles)
	if err != nil {
		return Latency{}, false
	}
	return Latency{P50: round3(q[0]), P95: round3(q[1]), P99: round3(q[2])}, true
}

func buildTargets(a *Aggregator) []Target {
	out := make([]Target, 0, len(a.targetList))
	for _, t := range a.targetList {
		tg := Target{
			Target:    t.name(),
			Subnet:    subnetOf(t.ip),
			Requests:  t.requests,
			Errors5xx: t.errors,
			ByCause:   causeMap(&t.byCause),
		}
		if !t.latency.IsEmpty() {
			if q, err := t.latency.GetValuesAtQuantiles(latencyQuantiles); err == nil {
				tg.LatencyMs = Latency{P50: round3(q[0]), P95: round3(q[1]), P99: round3(q[2])}
			}
		}
		if t.errors > 0 {
			tg.First5xx, tg.Last5xx = UnixMicro(t.first5xx), UnixMicro(t.last5xx)
		}
		out = append(out, tg)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Errors5xx != y.Errors5xx {
			return x.Errors5xx > y.Errors5xx
		}
		if x.Requests != y.Requests {
			return x.Requests > y.Requests
		}
		return x.Target < y.Target
	})
	return out
}

func causeMap(counts *[maxCauses]int64) map[string]int64 {
	m := map[string]int64{}
	for c := 1; c < len(causeTable); c++ {
		if counts[c] > 0 {
			m[causeTable[c].Code] = counts[c]
		}
	}
	return m
}

func round3(v float64) float64 { return math.Round(v*1000) / 1000 }

// subnetOf returns the /24 (IPv4) or /64 (IPv6) holding ip.
func subnetOf(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return "(unknown)"
	}
	addr = addr.Unmap()
	bits := 64
	if addr.Is4() {
		bits = 24
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return "(unknown)"
	}
	return p.String()
}

func buildSubnets(a *Aggregator, targets []Target) []Subnet {
	idx := map[string]int{}
	var out []Subnet
	var byCause [][maxCauses]int64
	for _, t := range a.targetList {
		s := subnetOf(t.ip)
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, Subnet{Subnet: s})
			byCause = append(byCause, [maxCauses]int64{})
		}
		out[i].Targets++
		out[i].Requests += t.requests
		out[i].Errors5xx += t.errors
		for c := range t.byCause {
			byCause[i][c] += t.byCause[c]
		}
	}
	for i := range out {
		out[i].ByCause = causeMap(&byCause[i])
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Errors5xx != y.Errors5xx {
			return x.Errors5xx > y.Errors5xx
		}
		return addrLess(strings.Split(x.Subnet, "/")[0], strings.Split(y.Subnet, "/")[0])
	})
	if out == nil {
		out = []Subnet{}
	}
	return out
}

// addrLess orders IP addresses numerically, anything unparsable last.
func addrLess(x, y string) bool {
	ax, ex := netip.ParseAddr(x)
	ay, ey := netip.ParseAddr(y)
	switch {
	case ex == nil && ey == nil:
		if c := ax.Compare(ay); c != 0 {
			return c < 0
		}
	case ex == nil:
		return true
	case ey == nil:
		return false
	}
	return x < y
}

func buildNodes(a *Aggregator) []Node {
	var total int64
	for _, n := range a.nodes {
		total += n.requests
	}
	out := []Node{}
	for ip, n := range a.nodes {
		nd := Node{Node: ip, Requests: n.requests, Errors5xx: n.errors}
		if total > 0 {
			nd.Share = round4(float64(n.requests) / float64(total))
		}
		out = append(out, nd)
	}
	sort.Slice(out, func(i, j int) bool { return addrLess(out[i].Node, out[j].Node) })
	return out
}

// buildKeys returns the top n keys by 5xx, then requests, then key, and a
// final "(other)" row when keys were past the cap.
func buildKeys[T any](c *keyCounter, n int, mk func(string, keyStats) T) []T {
	order := make([]int, len(c.keys))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool {
		x, y := c.stat(order[i]), c.stat(order[j])
		if x.errors != y.errors {
			return x.errors > y.errors
		}
		if x.requests != y.requests {
			return x.requests > y.requests
		}
		return c.keys[order[i]] < c.keys[order[j]]
	})
	if len(order) > n {
		order = order[:n]
	}
	out := make([]T, 0, len(order)+1)
	for _, i := range order {
		out = append(out, mk(c.keys[i], c.stat(i)))
	}
	if c.overflow > 0 {
		out = append(out, mk(otherKey, c.other))
	}
	return out
}

func buildTimeline(a *Aggregator, format parser.Format) []Bucket {
	keys := make([]int64, 0, len(a.bucketList))
	for _, b := range a.bucketList {
		keys = append(keys, b.key)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	if n := len(keys); n > 1 && keys[n-1]-keys[0] < maxTimelineBuckets {
		filled := make([]int64, 0, keys[n-1]-keys[0]+1)
		for k := keys[0]; k <= keys[n-1]; k++ {
			filled = append(filled, k)
		}
		keys = filled
	}
	domains := domainsOf(format)
	out := make([]Bucket, 0, len(keys))
	for _, k := range keys {
		bk := Bucket{Start: UnixMicro(k * a.bucketUS), ByDomain: map[string]int64{}}
		for _, d := range domains {
			bk.ByDomain[domainTable[d]] = 0
		}
		if i, ok := a.buckets[k]; ok {
			b := &a.bucketList[i]
			bk.Requests, bk.Errors5xx = b.requests, b.errors
			for d, n := range b.byDomain {
				if n > 0 {
					bk.ByDomain[domainTable[d]] = n
				}
			}
		}
		out = append(out, bk)
	}
	return out
}

// BuildReports builds one report per input format from the Routers among
// sinks: ALB first, then CloudFront, then any other format by name. A
// format counts as present when rows of it were read or an object of it was
// recognised. Each report covers the objects of its format and their
// rejected lines; the objects whose format could not be told go into every
// report, and the inputs skipped before reading into the first one. With no format present at
// all, the result is one report, as BuildReport makes it.
func BuildReports[S any](sinks []S, run Run) []*Report {
	aggs, opts := mergeRouters(sinks)
	present := map[parser.Format]bool{}
	for f := range aggs {
		present[f] = true
	}
	for _, res := range run.Results {
		if res.Format != parser.FormatUnknown && res.SkipReason == "" {
			present[res.Format] = true
		}
	}
	formats := make([]parser.Format, 0, len(present))
	for f := range present {
		formats = append(formats, f)
	}
	sort.Slice(formats, func(i, j int) bool {
		x, y := formatRank(formats[i]), formatRank(formats[j])
		if x != y {
			return x < y
		}
		return formats[i] < formats[j]
	})
	if len(formats) <= 1 {
		// One format (or none): the whole run is its report.
		a := New(opts)
		if len(formats) == 1 && aggs[formats[0]] != nil {
			a = aggs[formats[0]]
		}
		return []*Report{BuildReport(a, run)}
	}
	formatOf := map[string]parser.Format{}
	for _, res := range run.Results {
		formatOf[res.Source.Name] = res.Format
	}
	out := make([]*Report, 0, len(formats))
	for fi, f := range formats {
		var sub Run
		if fi == 0 {
			// Inputs set aside before reading are of no format read.
			sub.Skipped = run.Skipped
		}
		for _, res := range run.Results {
			if res.Format == f || res.Format == parser.FormatUnknown {
				sub.Results = append(sub.Results, res)
			}
		}
		for _, e := range run.Rejects {
			if g := formatOf[e.Source]; g == f || g == parser.FormatUnknown {
				sub.Rejects = append(sub.Rejects, e)
			}
		}
		a := aggs[f]
		if a == nil {
			a = New(opts)
		}
		rep := BuildReport(a, sub)
		rep.Format = string(f)
		out = append(out, rep)
	}
	return out
}

// Dominant returns the report of the format with the most requests, then
// the most objects, then the first; nil for none.
func Dominant(reps []*Report) *Report {
	var best *Report
	for _, r := range reps {
		if best == nil || r.Requests > best.Requests ||
			r.Requests == best.Requests && r.Inputs.Formats[r.Format] > best.Inputs.Formats[best.Format] {
			best = r
		}
	}
	return best
}

// formatRank orders formats in a multi-format run: ALB, CloudFront, others.
func formatRank(f parser.Format) int {
	switch f {
	case alb.Format:
		return 0
	case cloudfront.Format:
		return 1
	}
	return 2
}
