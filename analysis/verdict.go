package analysis

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Thresholds of the verdict's findings.
const (
	// significantShare: a cause with at least this share of the 5xx gets its
	// hint and its concentration findings.
	significantShare = 0.05
	// minFindingErrors: fewer 5xx of a cause than this give no finding.
	minFindingErrors = 5
	// concentrationShare: one target, subnet or path carrying this share of
	// a cause's 5xx is a concentration.
	concentrationShare = 0.5
	// minTargetsForConcentration: with fewer targets, one carrying most
	// errors says little.
	minTargetsForConcentration = 3
	// nodeShortfall: a node serving less than this fraction of an equal
	// share of requests is reported.
	nodeShortfall = 0.5
	// windowRatio: a window's 5xx rate must be at least this many times the
	// rate outside it to stand out.
	windowRatio = 2.0
)

func buildVerdict(a *Aggregator, r *Report) Verdict {
	v := Verdict{Hints: []string{}, Findings: []string{}}
	if a.total5xx == 0 {
		v.Summary = noErrorSummary(r)
		// A quiet node matters even without 5xx: its clients time out
		// before anything is logged.
		if nf := nodeFindings(r); len(nf) > 0 {
			v.Findings = append(v.Findings, nf...)
			v.Summary += " But a load balancer node served far less than its share of the requests: clients reaching it may be failing before anything is logged (see the findings)."
		}
		return v
	}
	ranked := rankCauses(a)
	primary := ranked[0]
	code, domain := causeTable[primary].Code, domainTable[causeDomain[primary]]
	v.PrimaryCause, v.PrimaryDomain = &code, &domain
	v.Share = round4(float64(a.byCause[primary]) / float64(a.total5xx))
	v.Window = findWindow(r.Timeline)

	var where string
	for _, c := range ranked {
		n := a.byCause[c]
		if float64(n)/float64(a.total5xx) < significantShare && c != primary {
			continue
		}
		if c == primary {
			v.Hints = append(v.Hints, code+": "+causeTable[c].Hint)
		} else {
			v.Hints = append(v.Hints, causeTable[c].Code+": "+causeTable[c].Hint)
		}
		if n < minFindingErrors {
			continue
		}
		f, w := concentrationFindings(a, r, c)
		v.Findings = append(v.Findings, f...)
		if c == primary {
			where = w
		}
	}
	var cfSummary string
	if st, ok := a.ext[cloudfront.Format].(*cfState); ok && r.Format == string(cloudfront.Format) {
		f, w, sum := cfFindings(a, st, ranked)
		v.Findings = append(v.Findings, f...)
		if where == "" {
			where = w
		}
		cfSummary = sum
	}
	if f := pathFinding(a, r); f != "" {
		v.Findings = append(v.Findings, f)
	}
	v.Findings = append(v.Findings, nodeFindings(r)...)
	if n := a.byCause[idFixedResponse]; n > 0 {
		v.Findings = append(v.Findings, fmt.Sprintf(
			"%s of the 5xx (%s) are fixed responses that a listener rule is configured to send (%s): on purpose, not a fault of the load balancer or the targets.",
			numfmt.Int(n), pct(n, a.total5xx), CauseFixedResponse))
	}
	v.Summary = errorSummary(a, r, primary, where, v.Window)
	if cfSummary != "" {
		v.Summary += " " + cfSummary
	}
	return v
}

// rankCauses orders the causes present by count, ties by code.
func rankCauses(a *Aggregator) []causeID {
	var ids []causeID
	for c := 1; c < len(causeTable); c++ {
		if a.byCause[c] > 0 {
			ids = append(ids, causeID(c))
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		x, y := a.byCause[ids[i]], a.byCause[ids[j]]
		if x != y {
			return x > y
		}
		return causeTable[ids[i]].Code < causeTable[ids[j]].Code
	})
	return ids
}

func noErrorSummary(r *Report) string {
	if r.Requests == 0 {
		if r.Lines.OutsideWindow > 0 {
			return fmt.Sprintf("No requests inside the selected time window (%s rows outside it); nothing to attribute.", numfmt.Int(r.Lines.OutsideWindow))
		}
		return "No requests were read; nothing to attribute."
	}
	s := fmt.Sprintf("No 5xx among %s requests", numfmt.Int(r.Requests))
	if !r.TimeRange.First.IsZero() {
		s += fmt.Sprintf(" from %s to %s", r.TimeRange.First.RFC3339(), r.TimeRange.Last.RFC3339())
	}
	s += "; nothing to attribute."
	var ctx []string
	for _, k := range sortedKeys(r.Context) {
		if n := r.Context[k]; n > 0 {
			ctx = append(ctx, fmt.Sprintf("%s %s", numfmt.Int(n), k))
		}
	}
	if len(ctx) > 0 {
		s += " Client-side outcomes worth a look: " + strings.Join(ctx, ", ") + "."
	}
	return s
}

// concentrationFindings reports a cause concentrated on one target or one
// subnet, and returns a short "where" for the summary.
func concentrationFindings(a *Aggregator, r *Report, c causeID) ([]string, string) {
	code := causeTable[c].Code
	total := a.byCause[c]
	var targetsWith int
	var top *targetAgg
	var targetReq int64
	for _, t := range a.targetList {
		targetReq += t.requests
		if t.byCause[c] == 0 {
			continue
		}
		targetsWith++
		if top == nil || t.byCause[c] > top.byCause[c] || (t.byCause[c] == top.byCause[c] && t.name() < top.name()) {
			top = t
		}
	}
	if top == nil {
		return nil, "" // a cause with no target, such as lb.no_targets
	}
	var out []string
	var where string

	// Subnets.
	type sub struct {
		name             string
		targets          int
		requests         int64
		errorsOfTheCause int64
		targetsWithCause int
	}
	subs := map[string]*sub{}
	for _, t := range a.targetList {
		name := subnetOf(t.ip)
		s := subs[name]
		if s == nil {
			s = &sub{name: name}
			subs[name] = s
		}
		s.targets++
		s.requests += t.requests
		s.errorsOfTheCause += t.byCause[c]
		if t.byCause[c] > 0 {
			s.targetsWithCause++
		}
	}
	var topSub *sub
	for _, s := range subs {
		if topSub == nil || s.errorsOfTheCause > topSub.errorsOfTheCause ||
			(s.errorsOfTheCause == topSub.errorsOfTheCause && addrLess(s.name, topSub.name)) {
			topSub = s
		}
	}
	if len(subs) >= 2 && targetReq > 0 {
		errShare := float64(topSub.errorsOfTheCause) / float64(total)
		reqShare := float64(topSub.requests) / float64(targetReq)
		if errShare >= concentrationShare && errShare >= 1.5*reqShare && topSub.targetsWithCause >= 2 {
			out = append(out, fmt.Sprintf(
				"%s: %s (%s of %s) are in subnet %s (%s), which served %s of the requests sent to targets: %s",
				code, pct(topSub.errorsOfTheCause, total), numfmt.Int(topSub.errorsOfTheCause), numfmt.Int(total),
				topSub.name, plural(topSub.targets, "target"), pct(topSub.requests, targetReq), subnetAdvice(c)))
			where = fmt.Sprintf("concentrated on %s (%s)", topSub.name, plural(topSub.targets, "target"))
		}
	}

	// Targets.
	if len(a.targetList) >= minTargetsForConcentration {
		n := top.byCause[c]
		if float64(n)/float64(total) >= concentrationShare {
			out = append(out, fmt.Sprintf(
				"%s: %s (%s of %s) come from target %s (1 of %d targets), which served %s of the requests sent to targets.",
				code, pct(n, total), numfmt.Int(n), numfmt.Int(total), top.name(), len(a.targetList), pct(top.requests, targetReq)))
			if where == "" || topSub.targets > 1 && topSub.targetsWithCause == 1 {
				where = "concentrated on target " + top.name()
			}
		}
	}
	if where == "" && targetsWith > 1 {
		if targetsWith == len(a.targetList) {
			where = fmt.Sprintf("spread over every target (%d)", targetsWith)
		} else {
			where = fmt.Sprintf("spread over %d of %d targets", targetsWith, len(a.targetList))
		}
	} else if where == "" && targetsWith == 1 {
		where = "all on target " + top.name()
	}
	return out, where
}

// subnetAdvice says what to compare when a cause sits in one subnet.
func subnetAdvice(c causeID) string {
	switch c {
	case idConnectTimeout, idTargetTimeout:
		return "compare its network ACLs (return traffic on ports 1024-65535), route table and security groups with the other subnets'."
	}
	return "compare its targets' configuration and recent deployments, then its network ACLs, route table and security groups, with the other subnets'."
}

// pathFinding reports one path carrying most 5xx while serving few requests.
func pathFinding(a *Aggregator, r *Report) string {
	if len(a.paths.keys) < 3 || a.total5xx < minFindingErrors {
		return ""
	}
	best := -1
	for i := range a.paths.keys {
		s := a.paths.stat(i)
		if best < 0 || s.errors > a.paths.stat(best).errors ||
			(s.errors == a.paths.stat(best).errors && a.paths.keys[i] < a.paths.keys[best]) {
			best = i
		}
	}
	s := a.paths.stat(best)
	errShare := float64(s.errors) / float64(a.total5xx)
	reqShare := float64(s.requests) / float64(a.requests)
	if errShare < concentrationShare || reqShare > errShare/2 {
		return ""
	}
	return fmt.Sprintf("Path %s carries %s of the 5xx (%s of %s) but %s of the requests: look at what this path does differently (slow queries, downstream calls, large responses).",
		a.paths.keys[best], pct(s.errors, a.total5xx), numfmt.Int(s.errors), numfmt.Int(a.total5xx), pct(s.requests, a.requests))
}

// nodeFindings reports load balancer nodes serving far less than an equal
// share of the requests.
func nodeFindings(r *Report) []string {
	if len(r.Nodes) < 2 {
		return nil
	}
	equal := 1 / float64(len(r.Nodes))
	var out []string
	for _, n := range r.Nodes {
		if n.Share < nodeShortfall*equal {
			out = append(out, fmt.Sprintf(
				"Load balancer node %s served %.1f%% of the requests where an equal share is %.0f%%: clients reaching this node may be failing before their requests are logged; check the route table and network ACL of its subnet (asymmetric routing, e.g. return traffic through a NAT gateway).",
				n.Node, n.Share*100, equal*100))
		}
	}
	return out
}

// findWindow finds the contiguous run of buckets with the most excess 5xx
// over the overall rate (maximum-sum subarray of errors − rate × requests),
// and returns it when its rate stands out from the rest.
func findWindow(tl []Bucket) *Window {
	var reqs, errs int64
	for _, b := range tl {
		reqs += b.Requests
		errs += b.Errors5xx
	}
	if reqs == 0 || errs == 0 || len(tl) < 2 {
		return nil
	}
	rate := float64(errs) / float64(reqs)
	bestSum, bestStart, bestEnd := math.Inf(-1), 0, -1
	sum, start := 0.0, 0
	for i, b := range tl {
		if sum <= 0 {
			sum, start = 0, i
		}
		sum += float64(b.Errors5xx) - rate*float64(b.Requests)
		if sum > bestSum {
			bestSum, bestStart, bestEnd = sum, start, i
		}
	}
	if bestEnd < 0 {
		return nil
	}
	var inReq, inErr int64
	for _, b := range tl[bestStart : bestEnd+1] {
		inReq += b.Requests
		inErr += b.Errors5xx
	}
	outReq, outErr := reqs-inReq, errs-inErr
	if outReq == 0 || inReq == 0 || inErr < minFindingErrors {
		return nil
	}
	inRate, outRate := float64(inErr)/float64(inReq), float64(outErr)/float64(outReq)
	if inRate < windowRatio*outRate {
		return nil
	}
	width := time.Minute
	if t0, t1 := tl[0].Start, tl[1].Start; t1.After(t0.Time) {
		width = t1.Sub(t0.Time)
	}
	// The window is written in whole seconds.
	return &Window{
		Start:        TimeOf(tl[bestStart].Start.Truncate(time.Second)),
		End:          TimeOf(tl[bestEnd].Start.Add(width).Truncate(time.Second)),
		Rate:         round4(inRate),
		BaselineRate: round4(outRate),
	}
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

var domainNames = map[string]string{
	DomainLoadBalancer: "the load balancer",
	DomainTarget:       "the targets",
	DomainClient:       "the clients",
	DomainOrigin:       "the origin",
	DomainEdge:         "the CloudFront edge",
}

var domainSides = map[string]string{
	DomainLoadBalancer: "the load balancer's side",
	DomainTarget:       "the targets' side",
	DomainClient:       "the clients' side",
	DomainOrigin:       "the origin's side",
	DomainEdge:         "the CloudFront edge's side",
}

// domainPlain says plainly who failed, for the CloudFront domains.
var domainPlain = map[string]string{
	DomainOrigin: ": the origin failed, not the CloudFront edge",
	DomainEdge:   ": the CloudFront edge failed, not the origin",
}

func errorSummary(a *Aggregator, r *Report, primary causeID, where string, w *Window) string {
	n := a.byCause[primary]
	ci := causeTable[primary]
	var b strings.Builder
	fmt.Fprintf(&b, "%s of 5xx (%s of %s) are %s: %s", pct(n, a.total5xx), numfmt.Int(n), numfmt.Int(a.total5xx), ci.Code, ci.Meaning)
	if where != "" {
		b.WriteString(", " + where)
	}
	if w != nil {
		fmt.Fprintf(&b, ", from %s", spanText(w.Start, w.End))
	}
	b.WriteString(".")

	// Second sentence: who is at fault, by domain.
	type dn struct {
		name string
		n    int64
	}
	var ds []dn
	for d, n := range r.Errors.ByDomain {
		if n > 0 {
			ds = append(ds, dn{d, n})
		}
	}
	sort.Slice(ds, func(i, j int) bool {
		if ds[i].n != ds[j].n {
			return ds[i].n > ds[j].n
		}
		return ds[i].name < ds[j].name
	})
	parts := make([]string, 0, len(ds))
	for _, d := range ds {
		name := domainNames[d.name]
		if name == "" {
			name = d.name
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, pct(d.n, a.total5xx)))
	}
	if len(ds) == 1 {
		side := domainSides[ds[0].name]
		if side == "" {
			side = ds[0].name + "'s side"
		}
		fmt.Fprintf(&b, " All 5xx are on %s%s.", side, domainPlain[ds[0].name])
	} else {
		fmt.Fprintf(&b, " At fault: %s.", strings.Join(parts, ", "))
	}
	return b.String()
}

// spanText writes "13:05 to 13:20 UTC" for a span within one day, with the
// date when it spans several.
func spanText(start, end Time) string {
	s, e := start.UTC(), end.UTC()
	if s.Format("2006-01-02") == e.Add(-time.Nanosecond).Format("2006-01-02") {
		return fmt.Sprintf("%s to %s UTC on %s", s.Format("15:04"), e.Format("15:04"), s.Format("2006-01-02"))
	}
	return fmt.Sprintf("%s to %s UTC", s.Format("2006-01-02 15:04"), e.Format("2006-01-02 15:04"))
}

// pct formats n/d as a whole percentage, never rounding to 0% or 100%
// unless it is exactly that.
func pct(n, d int64) string {
	if d == 0 {
		return "0%"
	}
	p := float64(n) * 100 / float64(d)
	switch {
	case n == 0:
		return "0%"
	case n == d:
		return "100%"
	case p < 1:
		return "<1%"
	case p > 99:
		return ">99%"
	}
	return fmt.Sprintf("%.0f%%", p)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// CloudFront findings.

// Thresholds of the CloudFront findings.
const (
	// missFailShare: at least this share of a host's cache misses failing
	// with one cause since its first 5xx makes "every miss fails".
	missFailShare = 0.9
	// hitFineShare: cache hits failing at most at this rate are "fine".
	hitFineShare = 0.01
	// popConcentration: one edge location carrying this share of a
	// cause's 5xx is a concentration.
	popConcentration = 0.8
	// popSpread: a cause seen at this share of the edge locations is
	// spread over them.
	popSpread = 0.8
	// minPOPs: with fewer edge locations, neither is said.
	minPOPs = 3
)

// cfFindings returns the CloudFront findings for the significant causes and
// the flags, a "where" for the primary cause, and a sentence for the
// summary when every cache miss of a host fails while hits are fine.
func cfFindings(a *Aggregator, st *cfState, ranked []causeID) (out []string, where, summary string) {
	for i, c := range ranked {
		n := a.byCause[c]
		if n < minFindingErrors || float64(n)/float64(a.total5xx) < significantShare {
			continue
		}
		var parts []string
		if f, host, s := missFailFinding(a, st, c); f != "" {
			out = append(out, f)
			if i == 0 {
				summary = s
				parts = append(parts, "all on "+host)
			}
		} else if h := topHostShare(st, c); h != "" && i == 0 {
			parts = append(parts, "all on "+h)
		}
		f, w := popFinding(st, c)
		if f != "" {
			out = append(out, f)
		}
		if i == 0 && w != "" {
			parts = append(parts, w)
		}
		if i == 0 {
			where = strings.Join(parts, ", ")
		}
	}
	if n := st.originTimeouts; n >= minFindingErrors {
		out = append(out, fmt.Sprintf(
			"%s of the 5xx (%s) took just over a multiple of 30 s (30, 60 or 90 s): the origin response timeout (30 s by default, tried up to 3 times for GET and HEAD) ran out while the origin stayed silent; look for slow requests in the origin's logs at the same time, check that packets from CloudFront are not dropped, or raise the origin response timeout.",
			numfmt.Int(n), pct(n, a.total5xx)))
	}
	if n := st.cachedErrors; n >= minFindingErrors {
		out = append(out, fmt.Sprintf(
			"%s of the 5xx (%s) look served from CloudFront's error cache (result type Error or Hit, first byte in under 5 ms): one origin failure is repeated to every viewer for the error-caching TTL (10 s by default), so the origin failed far fewer times than the 5xx count suggests.",
			numfmt.Int(n), pct(n, a.total5xx)))
	}
	return out, where, summary
}

// topHost returns the detailed host with the most 5xx of cause c, or -1.
func topHost(st *cfState, c causeID) int32 {
	best := int32(-1)
	for i := range st.hosts.names {
		if i >= maxDetailedHosts {
			break
		}
		s := &st.hosts.stats[i]
		if s.byCause[c] == 0 {
			continue
		}
		if best < 0 || s.byCause[c] > st.hosts.stats[best].byCause[c] ||
			s.byCause[c] == st.hosts.stats[best].byCause[c] && st.hosts.names[i] < st.hosts.names[best] {
			best = int32(i)
		}
	}
	return best
}

// topHostShare names the host holding every 5xx of cause c when more than
// one host served requests.
func topHostShare(st *cfState, c causeID) string {
	h := topHost(st, c)
	if h < 0 || len(st.hosts.names) < 2 {
		return ""
	}
	var total int64
	for i := range st.hosts.stats {
		total += st.hosts.stats[i].byCause[c]
	}
	total += st.hosts.other.byCause[c]
	if st.hosts.stats[h].byCause[c] != total {
		return ""
	}
	return st.hosts.names[h]
}

// missFailFinding reports a host whose cache misses (nearly) all fail with
// cause c since its first such 5xx while its cache hits are fine: the edge
// serves what it has and cannot get anything from the origin.
func missFailFinding(a *Aggregator, st *cfState, c causeID) (finding, host, summary string) {
	if causeTable[c].Domain != DomainOrigin {
		return "", "", ""
	}
	h := topHost(st, c)
	if h < 0 {
		return "", "", ""
	}
	first := st.hosts.stats[h].first5xx[c]
	fb := floorDiv(first, a.bucketUS)
	var since hitMiss
	for k, hm := range st.hostBuckets {
		if k.host != h || k.bucket < fb {
			continue
		}
		since.hits += hm.hits
		since.hitErrors += hm.hitErrors
		since.misses += hm.misses
		since.missErrors += hm.missErrors
		since.missByCause[c] += hm.missByCause[c]
	}
	failed := since.missByCause[c]
	if since.misses < minFindingErrors || float64(failed) < missFailShare*float64(since.misses) {
		return "", "", ""
	}
	if since.hits > 0 && float64(since.hitErrors) > hitFineShare*float64(since.hits) {
		return "", "", ""
	}
	host = st.hosts.names[h]
	t := UnixMicro(fb * a.bucketUS)
	from := t.Format("15:04")
	if len(st.hostBuckets) > 0 && spansDays(a) {
		from = t.Format("2006-01-02 15:04") + " UTC"
	}
	every := "Every cache miss"
	if failed < since.misses {
		every = pct(failed, since.misses) + " of the cache misses"
	}
	hits := "while cache hits were fine"
	switch {
	case since.hits == 0:
		hits = "(no cache hit to compare with)"
	case since.hitErrors == 0:
		hits = fmt.Sprintf("while cache hits were fine (%s served, none failed)", numfmt.Int(since.hits))
	default:
		hits = fmt.Sprintf("while cache hits were fine (%s of %s failed)", numfmt.Int(since.hitErrors), numfmt.Int(since.hits))
	}
	finding = fmt.Sprintf("%s of %s failed from %s (%s of %s misses %s) %s: %s",
		every, host, from, numfmt.Int(failed), numfmt.Int(since.misses), st.causeSignature(c), hits, missAdvice(c))
	if since.hits > 0 {
		summary = fmt.Sprintf("%s of %s fails since %s while cache hits are fine: %s", every, host, from, missVerdict(c))
	} else {
		summary = fmt.Sprintf("%s of %s fails since %s: %s", every, host, from, missVerdict(c))
	}
	return finding, host, summary
}

// spansDays reports whether the rows cover more than one UTC day.
func spansDays(a *Aggregator) bool {
	return a.requests > 0 && floorDiv(a.firstUS, 86_400_000_000) != floorDiv(a.lastUS, 86_400_000_000)
}

// causeSignature is the status and detailed result type most of a cause's
// 5xx carried ("502 OriginConnectError").
func (st *cfState) causeSignature(c causeID) string {
	var status uint16
	var sn int64
	for s, n := range st.causeStatus[c] {
		if n > sn || n == sn && s < status {
			status, sn = s, n
		}
	}
	var dt string
	var dn int64
	for d, n := range st.causeDT[c] {
		if n > dn || n == dn && d < dt {
			dt, dn = d, n
		}
	}
	if dt == "" {
		return strconv.Itoa(int(status))
	}
	return fmt.Sprintf("%d %s", status, dt)
}

// missAdvice says what a host's failing misses mean and what to check.
func missAdvice(c causeID) string {
	switch causeTable[c].Code {
	case CFCauseOriginConnectError:
		return "CloudFront cannot reach the origin. Check the origin certificate (expiry, chain order, names against the origin domain or Host header) and the origin port in its security group or firewall; a hosts-file entry pointing the name at the origin tests it directly."
	case CFCauseOriginDNSError:
		return "CloudFront cannot resolve the origin's name. Check the origin domain's DNS record (deleted or renamed, broken delegation, private-only zone)."
	case CFCauseOriginTimeout:
		return "the origin does not answer in time. Check its load and its own logs, and that CloudFront's address ranges are allowed to reach it."
	case CFCauseOriginHTTP5xx:
		return "the origin itself answers with errors. Read the origin's logs for the same time (for an ALB origin, its access logs: elb_status_code and target_status_code)."
	}
	return "the origin's responses are broken. Fetch an affected URL from the origin directly and inspect the response."
}

// missVerdict is missAdvice's short form for the summary.
func missVerdict(c causeID) string {
	switch causeTable[c].Code {
	case CFCauseOriginConnectError:
		return "CloudFront cannot reach the origin; check the origin certificate (expiry, chain, names) and the origin port."
	case CFCauseOriginDNSError:
		return "CloudFront cannot resolve the origin's name; check its DNS record."
	case CFCauseOriginTimeout:
		return "the origin does not answer in time; check its load and its logs."
	case CFCauseOriginHTTP5xx:
		return "the origin answers with errors; read its logs."
	}
	return "the origin's responses are broken; fetch a URL from the origin directly."
}

// popFinding says whether cause c sits on one edge location (a problem of
// that location) or is spread over them (a problem they share: the origin
// or the distribution's settings), and returns a "where" for the summary.
func popFinding(st *cfState, c causeID) (finding, where string) {
	g := &st.pops
	var total, reqs int64
	var with int
	top := int32(-1)
	for i := range g.stats {
		s := &g.stats[i]
		reqs += s.requests
		if s.byCause[c] == 0 {
			continue
		}
		total += s.byCause[c]
		with++
		if top < 0 || s.byCause[c] > g.stats[top].byCause[c] || s.byCause[c] == g.stats[top].byCause[c] && g.names[i] < g.names[top] {
			top = int32(i)
		}
	}
	np := len(g.names)
	if top < 0 || np < minPOPs || total == 0 {
		return "", ""
	}
	code, domain := causeTable[c].Code, causeTable[c].Domain
	n := g.stats[top].byCause[c]
	share := float64(n) / float64(total)
	reqShare := float64(g.stats[top].requests) / float64(reqs)
	switch {
	case share >= popConcentration && reqShare < 0.5:
		what := "the fault sits in that CloudFront edge location, not in the origin."
		if domain == DomainOrigin {
			what = "the origin fails only as seen from that location: check the network path from that region to the origin (firewall rules, geographic restrictions, regional DNS)."
		} else if domain == DomainClient {
			what = "look at the viewers served by that location."
		}
		return fmt.Sprintf("%s: %s (%s of %s) at edge location %s (1 of %d), which served %s of the requests: %s",
				code, pct(n, total), numfmt.Int(n), numfmt.Int(total), g.names[top], np, pct(g.stats[top].requests, reqs), what),
			"concentrated on edge location " + g.names[top]
	case float64(with) >= popSpread*float64(np):
		what := "not one location's problem: the common factor is the origin."
		switch domain {
		case DomainEdge:
			what = "not one location's problem: look at what every location shares (the distribution's quotas, its functions)."
		case DomainClient:
			what = "the common factor is the viewers, not one location."
		}
		spread := fmt.Sprintf("every edge location (%d)", np)
		if with < np {
			spread = fmt.Sprintf("%d of %d edge locations", with, np)
		}
		return fmt.Sprintf("%s: spread over %s, the busiest carrying %s of them; %s", code, spread, pct(n, total), what),
			"on " + spread
	}
	return "", ""
}
