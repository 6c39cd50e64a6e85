package analysis

import (
	"cmp"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/lbtriage/lbtriage/parser"
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

// BuildReport turns a's aggregates and what the scan read into a Report,
// verdict included, taking the whole run as a's: every object, every
// rejected line. The result depends only on its arguments' figures.
func BuildReport(a *Aggregator, run Run) *Report { return buildReport(&group{host: a}, run) }

// group is what one report is about: the Aggregator of a subject, its host,
// and those of the companion families' subjects that join it (Companion).
type group struct {
	host       *Aggregator
	companions []*Aggregator
}

// members returns the host, then the companions.
func (g *group) members() []*Aggregator {
	return append([]*Aggregator{g.host}, g.companions...)
}

// member returns the group's Aggregator of format f, or nil. It is asked
// once per object read (and group), so it looks without building members'
// slice.
func (g *group) member(f parser.Format) *Aggregator {
	if g.host.fam.Decoder().Format() == f {
		return g.host
	}
	for _, m := range g.companions {
		if m.fam.Decoder().Format() == f {
			return m
		}
	}
	return nil
}

// isCompanion reports whether f is a Companion family.
func isCompanion(f Family) bool {
	_, ok := f.(Companion)
	return ok
}

func buildReport(g *group, run Run) *Report {
	a := g.host
	opts := a.opts
	tax := a.tax
	r := &Report{
		SchemaVersion: SchemaVersion,
		Format:        string(a.fam.Decoder().Format()),
		StatusClasses: map[string]int64{},
		Context:       map[string]int64{},
		BucketSeconds: int64(opts.Bucket / time.Second),
		Taxonomy:      tax,
	}
	if sub := a.subject; sub.Resource != "" {
		r.LoadBalancer = &LoadBalancer{Name: sub.Name, ResourceID: sub.Resource, Account: a.account, Region: a.region}
		for _, c := range g.companions {
			r.LoadBalancer.Account = cmp.Or(r.LoadBalancer.Account, c.account)
			r.LoadBalancer.Region = cmp.Or(r.LoadBalancer.Region, c.region)
		}
	}
	stats := r.fillInputs(run)

	// The rows of the report's objects that went to no other place than
	// another subject's report, or nowhere (Options.LoadBalancer).
	for _, res := range run.Results {
		if m := g.member(res.Format); m != nil && res.SkipReason == "" {
			r.Lines.OtherLoadBalancers += max(res.Stats.Parsed-m.objects[res.Source.Name], 0)
		}
	}
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for _, m := range g.members() {
		r.Lines.OutsideWindow += m.outsideWindow
		r.Lines.OtherLogs += m.admitted - m.requests
		first, last = min(first, m.admitFirst), max(last, m.admitLast)
	}
	r.Lines.RejectedSamples = sampleRejects(run.Rejects, DefaultMaxRejectedSamples)
	if first <= last {
		r.TimeRange = TimeRange{First: UnixMicro(first), Last: UnixMicro(last)}
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
	for _, d := range tax.Domains {
		r.Errors.ByDomain[d.Key] = 0
	}
	for i, c := range tax.Causes {
		if n := a.byCause[i+1]; n > 0 {
			r.Errors.ByCause[c.Code] += n
			r.Errors.ByDomain[c.Domain] += n
		}
	}
	for i, k := range tax.Context {
		r.Context[k] = a.context[i+1]
	}

	r.Targets = buildTargets(a)
	if l, ok := overallTargetLatency(a); ok {
		r.LatencyMs = &l
	}
	r.Subnets = buildSubnets(a, r.Targets)
	r.Nodes = buildNodes(a, periodOf(a))
	r.Paths = buildKeys(&a.paths, opts.Top, func(k string, s keyStats) Path {
		return Path{Path: k, Requests: s.requests, Errors5xx: s.errors}
	})
	r.Clients = buildKeys(&a.clients, opts.Top, func(k string, s keyStats) Client {
		return Client{Client: k, Requests: s.requests, Errors5xx: s.errors}
	})
	r.Timeline = buildTimeline(a)
	for _, m := range g.members() {
		m.fam.Report(m, r)
	}
	r.Verdict = buildVerdict(g, r)
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

// overallTargetLatency merges every target's sketch into the percentiles of
// target_processing_time over all the requests that reached a target.
// Merging adds bucket counts, so the result does not depend on the order.
func overallTargetLatency(a *Aggregator) (Latency, bool) {
	all := NewSketch()
	for _, t := range a.targetList {
		if !t.latency.IsEmpty() {
			// Every sketch shares latencyMapping, so this cannot fail.
			_ = all.MergeWith(t.latency)
		}
	}
	if all.IsEmpty() {
		return Latency{}, false
	}
	return Quantiles(all), true
}

func buildTargets(a *Aggregator) []Target {
	out := make([]Target, 0, len(a.targetList))
	for _, t := range a.targetList {
		tg := Target{
			Target:    t.name(),
			Subnet:    subnetOf(t.ip),
			Requests:  t.requests,
			Errors5xx: t.errors,
			ByCause:   causeMap(a.tax, &t.byCause),
		}
		tg.LatencyMs = Quantiles(t.latency)
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

func causeMap(tax *Taxonomy, counts *[MaxCauses]int64) map[string]int64 {
	m := map[string]int64{}
	for i, c := range tax.Causes {
		if n := counts[i+1]; n > 0 {
			m[c.Code] = n
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
	var byCause [][MaxCauses]int64
	for _, t := range a.targetList {
		s := subnetOf(t.ip)
		i, ok := idx[s]
		if !ok {
			i = len(out)
			idx[s] = i
			out = append(out, Subnet{Subnet: s})
			byCause = append(byCause, [MaxCauses]int64{})
		}
		out[i].Targets++
		out[i].Requests += t.requests
		out[i].Errors5xx += t.errors
		for c := range t.byCause {
			byCause[i][c] += t.byCause[c]
		}
	}
	for i := range out {
		out[i].ByCause = causeMap(a.tax, &byCause[i])
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

// buildNodes lists the load balancer nodes of a's requests, each with
// its share and, when it served far less than an equal share for a while,
// that stretch (clipped to p). With no request, there is no node figure to
// give: none is listed.
func buildNodes(a *Aggregator, p period) []Node {
	var total int64
	for _, n := range a.nodes {
		total += n.requests
		n.flush()
	}
	out := []Node{}
	if total == 0 {
		return out
	}
	// The requests of the nodes per bucket, in time order.
	totals := map[int64]int64{}
	for _, n := range a.nodes {
		for k, c := range n.perBucket {
			totals[k] += c
		}
	}
	keys := make([]int64, 0, len(totals))
	for k := range totals {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	// A node's share is owed from its first bucket on: a node that joins
	// (the load balancer scaled out) was not there to serve before. The
	// equal share of a bucket is one over the nodes there by then.
	first := make(map[*NodeCount]int64, len(a.nodes))
	for _, n := range a.nodes {
		f := int64(math.MaxInt64)
		for k, c := range n.perBucket {
			if c > 0 {
				f = min(f, k)
			}
		}
		first[n] = f
	}
	equal := make(map[int64]float64, len(keys))
	for _, k := range keys {
		var there int
		for _, f := range first {
			if f <= k {
				there++
			}
		}
		equal[k] = 1 / float64(max(there, 1))
	}
	for ip, n := range a.nodes {
		nd := Node{Node: ip, Requests: n.requests, Errors5xx: n.errors, Share: round4(float64(n.requests) / float64(total))}
		if len(a.nodes) >= 2 {
			from, _ := slices.BinarySearch(keys, first[n])
			nd.Quiet = quietStretch(n, keys[from:], totals, equal, total, p)
		}
		out = append(out, nd)
	}
	sort.Slice(out, func(i, j int) bool { return addrLess(out[i].Node, out[j].Node) })
	return out
}

// Thresholds of a quiet node.
const (
	// minQuietMissing: a node must miss at least this many requests of an
	// equal share to be quiet.
	minQuietMissing = 20
	// minQuietSpan: a stretch shorter than this, unless it is the whole
	// period, is no quiet node (one object of a node's five minutes late or
	// missing is not one).
	minQuietSpan = 10 * time.Minute
)

// quietStretch finds the stretch of buckets where node n fell furthest
// short of an equal share of the requests (maximum-sum run of equal ×
// requests − the node's), trims its ends to buckets where the node itself
// served less than nodeShortfall of that share, and returns it when the
// node served less than nodeShortfall of an equal share there and missed
// enough requests for that to be no chance. keys are the buckets from the
// node's first on, equal the equal share of each.
func quietStretch(n *NodeCount, keys []int64, totals map[int64]int64, equal map[int64]float64, total int64, p period) *NodeQuiet {
	owed := func(k int64) float64 { return equal[k] * float64(totals[k]) }
	best, bi, bj := math.Inf(-1), 0, -1
	sum, start := 0.0, 0
	for i, k := range keys {
		if sum <= 0 {
			sum, start = 0, i
		}
		sum += owed(k) - float64(n.perBucket[k])
		if sum > best {
			best, bi, bj = sum, start, i
		}
	}
	quiet := func(k int64) bool { return float64(n.perBucket[k]) < nodeShortfall*owed(k) }
	for bi <= bj && !quiet(keys[bi]) {
		bi++
	}
	for bj >= bi && !quiet(keys[bj]) {
		bj--
	}
	if bj < bi {
		return nil
	}
	var in, all int64
	var expected float64
	for _, k := range keys[bi : bj+1] {
		in += n.perBucket[k]
		all += totals[k]
		expected += owed(k)
	}
	missing := int64(math.Round(expected)) - in
	if float64(in) >= nodeShortfall*expected || missing < minQuietMissing {
		return nil
	}
	s := p.span(keys[bi], keys[bj])
	if !(s.OpenStart && s.OpenEnd) && s.End.Sub(s.Start.Time) < minQuietSpan {
		return nil
	}
	q := &NodeQuiet{Start: s.Start, End: s.End, OpenStart: s.OpenStart, OpenEnd: s.OpenEnd,
		Share: round4(float64(in) / float64(all)), Equal: round4(expected / float64(all)), Missing: missing}
	if rest := total - all; rest > 0 {
		q.ShareOutside = round4(float64(n.requests-in) / float64(rest))
	}
	return q
}

// buildKeys returns the top n keys by 5xx, then requests, then key, and a
// final "(other)" row when keys were past the cap. The n best are kept in
// a heap as the keys go by and only they are sorted: a full sort of tens
// of thousands of keys for ten rows took 4% of the parse and analysis of
// 30 MB of ALB logs, after the last row was read.
func buildKeys[T any](c *keyCounter, n int, mk func(string, keyStats) T) []T {
	// before reports whether key i ranks before key j; no two keys tie.
	before := func(i, j int) bool {
		x, y := c.stat(i), c.stat(j)
		if x.errors != y.errors {
			return x.errors > y.errors
		}
		if x.requests != y.requests {
			return x.requests > y.requests
		}
		return c.keys[i] < c.keys[j]
	}
	order := topKeys(len(c.keys), n, before)
	out := make([]T, 0, len(order)+1)
	for _, i := range order {
		out = append(out, mk(c.keys[i], c.stat(i)))
	}
	if c.overflow > 0 {
		out = append(out, mk(OtherKey, c.other))
	}
	return out
}

// topKeys returns the indexes of the n first of keys 0..count-1 in the
// order before gives (all of them when n <= 0), first first. A heap of
// the n best seen so far has the last of them at its root, so most keys
// cost one comparison.
func topKeys(count, n int, before func(i, j int) bool) []int {
	if n <= 0 || n > count {
		n = count
	}
	top := make([]int, 0, n)
	down := func(at int) {
		for {
			worst, l, r := at, 2*at+1, 2*at+2
			if l < len(top) && before(top[worst], top[l]) {
				worst = l
			}
			if r < len(top) && before(top[worst], top[r]) {
				worst = r
			}
			if worst == at {
				return
			}
			top[at], top[worst] = top[worst], top[at]
			at = worst
		}
	}
	for i := range count {
		if len(top) < n {
			top = append(top, i)
			for at := len(top) - 1; at > 0; {
				parent := (at - 1) / 2
				if !before(top[parent], top[at]) {
					break
				}
				top[at], top[parent] = top[parent], top[at]
				at = parent
			}
			continue
		}
		if n > 0 && before(i, top[0]) {
			top[0] = i
			down(0)
		}
	}
	sort.Slice(top, func(a, b int) bool { return before(top[a], top[b]) })
	return top
}

func buildTimeline(a *Aggregator) []Bucket {
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
	domains := a.tax.Domains
	out := make([]Bucket, 0, len(keys))
	for _, k := range keys {
		bk := Bucket{Start: UnixMicro(k * a.bucketUS), ByDomain: make(map[string]int64, len(domains))}
		for _, d := range domains {
			bk.ByDomain[d.Key] = 0
		}
		if i, ok := a.buckets[k]; ok {
			b := &a.bucketList[i]
			bk.Requests, bk.Errors5xx = b.requests, b.errors
			for d, n := range b.byDomain[:len(domains)] {
				if n > 0 {
					bk.ByDomain[domains[d].Key] = n
				}
			}
		}
		out = append(out, bk)
	}
	return out
}

// BuildReports builds the reports of a run from the Routers among sinks:
// one per family present, and within a family one per subject (load
// balancer), families in registration order and each family's subjects
// with the most 5xx first. A companion family's subject joins the report
// of the subject with the same resource of a family that is no companion,
// when there is one, rather than making its own (see Companion). A family
// counts as present when rows of it were read or an object of it was
// recognised. Each report covers the objects it has rows of (an object
// with rows of several subjects is in each of their reports) and their
// rejected lines; an object with no row goes to the report of the subject
// its name tells, else to its family's first; objects whose format could
// not be told go into every report, and the inputs skipped before reading
// into the first one. With one report, or none present, the whole run is
// the report (with no family present, of the first registered).
func BuildReports[S any](reg *Registry, sinks []S, run Run) []*Report {
	aggs, opts := mergeRouters(sinks)
	subjects := map[parser.Format][]*Aggregator{}
	for k, a := range aggs {
		subjects[k.format] = append(subjects[k.format], a)
	}
	present := map[parser.Format]bool{}
	for f := range subjects {
		present[f] = true
	}
	for _, res := range run.Results {
		if res.Format != parser.FormatUnknown && res.SkipReason == "" && reg.Family(res.Format) != nil {
			present[res.Format] = true
		}
	}
	if len(present) == 0 {
		return []*Report{BuildReport(New(reg.families[0], opts), run)}
	}
	groups := groupSubjects(reg, subjects, present, run, opts)
	if len(groups) == 1 {
		return []*Report{buildReport(groups[0], run)}
	}

	// Which reports each object goes to.
	runs := make([]Run, len(groups))
	runs[0].Skipped = run.Skipped // inputs set aside before reading are of no family
	in := make([]map[string]bool, len(groups))
	for i := range in {
		in[i] = map[string]bool{}
	}
	add := func(i int, res input.ObjectResult) {
		if !in[i][res.Source.Name] {
			runs[i].Results = append(runs[i].Results, res)
			in[i][res.Source.Name] = true
		}
	}
	for _, res := range run.Results {
		if res.Format == parser.FormatUnknown {
			for i := range groups {
				add(i, res)
			}
			continue
		}
		// An object with no row goes to the subject its name tells: of its
		// format, else the host a companion's object would join.
		first, home, host, any := -1, -1, -1, false
		for i, g := range groups {
			named := res.Source.Resource != "" && g.host.subject.Resource == res.Source.Resource
			if host < 0 && named {
				host = i
			}
			m := g.member(res.Format)
			if m == nil {
				continue
			}
			if first < 0 {
				first = i
			}
			if home < 0 && named && m.subject.Resource == res.Source.Resource {
				home = i
			}
			if m.objects[res.Source.Name] > 0 {
				add(i, res)
				any = true
			}
		}
		if !any {
			switch {
			case home >= 0:
				add(home, res)
			case host >= 0:
				add(host, res)
			default:
				add(max(first, 0), res)
			}
		}
	}
	for _, e := range run.Rejects {
		for i := range groups {
			if in[i][e.Source] {
				runs[i].Rejects = append(runs[i].Rejects, e)
			}
		}
	}
	out := make([]*Report, len(groups))
	for i, g := range groups {
		out[i] = buildReport(g, runs[i])
	}
	return out
}

// groupSubjects returns the reports' groups: one per subject of the
// families present, in registration order and the most 5xx first within
// a family, with each companion subject joined to the host of its
// resource when there is one. A family present with no rows has one empty
// subject, unless it is a companion whose objects all name a host's
// resource.
func groupSubjects(reg *Registry, subjects map[parser.Format][]*Aggregator, present map[parser.Format]bool, run Run, opts Options) []*group {
	formats := make([]parser.Format, 0, len(present))
	for f := range present {
		formats = append(formats, f)
	}
	sort.Slice(formats, func(i, j int) bool {
		if x, y := reg.rank(formats[i]), reg.rank(formats[j]); x != y {
			return x < y
		}
		return formats[i] < formats[j]
	})
	var groups []*group
	hostOf := map[string]*group{}              // resource → the group of its host
	for _, pass := range []bool{false, true} { // hosts first, then companions
		for _, f := range formats {
			fam := reg.Family(f)
			if isCompanion(fam) != pass {
				continue
			}
			subs := subjects[f]
			if len(subs) == 0 {
				if pass && allHosted(run, f, hostOf) {
					continue
				}
				subs = []*Aggregator{New(fam, opts)}
			}
			sort.Slice(subs, func(i, j int) bool { return faultLess(subs[i], subs[j]) })
			for _, a := range subs {
				res := a.subject.Resource
				if g := hostOf[res]; pass && res != "" && g != nil {
					g.companions = append(g.companions, a)
					continue
				}
				g := &group{host: a}
				groups = append(groups, g)
				if !pass && res != "" && hostOf[res] == nil {
					hostOf[res] = g
				}
			}
		}
	}
	// Registration order, the most 5xx first within a family.
	sort.SliceStable(groups, func(i, j int) bool {
		x, y := groups[i].host, groups[j].host
		if rx, ry := reg.rank(x.fam.Decoder().Format()), reg.rank(y.fam.Decoder().Format()); rx != ry {
			return rx < ry
		}
		return faultLess(x, y)
	})
	return groups
}

// allHosted reports whether every object of format f read in run names a
// resource that has a host.
func allHosted(run Run, f parser.Format, hostOf map[string]*group) bool {
	for _, res := range run.Results {
		if res.Format == f && res.SkipReason == "" && hostOf[res.Source.Resource] == nil {
			return false
		}
	}
	return true
}

// faultLess orders the subjects of a family: the most 5xx first, then the
// most requests, then by resource.
func faultLess(x, y *Aggregator) bool {
	if x.total5xx != y.total5xx {
		return x.total5xx > y.total5xx
	}
	if x.requests != y.requests {
		return x.requests > y.requests
	}
	return x.subject.Resource < y.subject.Resource
}

// Dominant returns the report with the most requests, then the most
// objects of its format, then the first; nil for none.
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
