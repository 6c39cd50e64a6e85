package cloudfront

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

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

// findings returns the CloudFront findings for the significant causes and
// the flags, a "where" for the primary cause, and a sentence for the
// summary when every cache miss of a host fails while hits are fine.
func findings(a *analysis.Aggregator, st *state, ranked []analysis.CauseID) (out []string, where, summary string) {
	total := a.Total5xx()
	for i, c := range ranked {
		n := a.CauseCount(c)
		if n < analysis.MinFindingErrors || float64(n)/float64(total) < analysis.SignificantShare {
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
	if n := st.originTimeouts; n >= analysis.MinFindingErrors {
		out = append(out, fmt.Sprintf(
			"%s of the 5xx (%s) took just over a multiple of 30 s (30, 60 or 90 s): the origin response timeout (30 s by default, tried up to 3 times for GET and HEAD) ran out while the origin stayed silent; look for slow requests in the origin's logs at the same time, check that packets from CloudFront are not dropped, or raise the origin response timeout.",
			numfmt.Int(n), analysis.Pct(n, total)))
	}
	if n := st.cachedErrors; n >= analysis.MinFindingErrors {
		out = append(out, fmt.Sprintf(
			"%s of the 5xx (%s) look served from CloudFront's error cache (result type Error or Hit, first byte in under 5 ms): one origin failure is repeated to every viewer for the error-caching TTL (10 s by default), so the origin failed far fewer times than the 5xx count suggests.",
			numfmt.Int(n), analysis.Pct(n, total)))
	}
	return out, where, summary
}

// topHost returns the detailed host with the most 5xx of cause c, or -1.
func topHost(st *state, c analysis.CauseID) int32 {
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
func topHostShare(st *state, c analysis.CauseID) string {
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
func missFailFinding(a *analysis.Aggregator, st *state, c analysis.CauseID) (finding, host, summary string) {
	if !isOrigin[c] {
		return "", "", ""
	}
	h := topHost(st, c)
	if h < 0 {
		return "", "", ""
	}
	first := st.hosts.stats[h].first5xx[c]
	fb := analysis.FloorDiv(first, a.BucketUS())
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
	if since.misses < analysis.MinFindingErrors || float64(failed) < missFailShare*float64(since.misses) {
		return "", "", ""
	}
	if since.hits > 0 && float64(since.hitErrors) > hitFineShare*float64(since.hits) {
		return "", "", ""
	}
	host = st.hosts.names[h]
	t := analysis.UnixMicro(fb * a.BucketUS())
	from := t.Format("15:04")
	if len(st.hostBuckets) > 0 && spansDays(a) {
		from = t.Format("2006-01-02 15:04") + " UTC"
	}
	every := "Every cache miss"
	if failed < since.misses {
		every = analysis.Pct(failed, since.misses) + " of the cache misses"
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
func spansDays(a *analysis.Aggregator) bool {
	first, last, ok := a.Span()
	return ok && analysis.FloorDiv(first, 86_400_000_000) != analysis.FloorDiv(last, 86_400_000_000)
}

// causeSignature is the status and detailed result type most of a cause's
// 5xx carried ("502 OriginConnectError").
func (st *state) causeSignature(c analysis.CauseID) string {
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
		if *n > dn || *n == dn && d < dt {
			dt, dn = d, *n
		}
	}
	if dt == "" {
		return strconv.Itoa(int(status))
	}
	return fmt.Sprintf("%d %s", status, dt)
}

// missAdvice says what a host's failing misses mean and what to check.
func missAdvice(c analysis.CauseID) string {
	switch c {
	case idOriginConnectError:
		return "CloudFront cannot reach the origin. Check the origin certificate (expiry, chain order, names against the origin domain or Host header) and the origin port in its security group or firewall; a hosts-file entry pointing the name at the origin tests it directly."
	case idOriginDNSError:
		return "CloudFront cannot resolve the origin's name. Check the origin domain's DNS record (deleted or renamed, broken delegation, private-only zone)."
	case idOriginTimeout:
		return "the origin does not answer in time. Check its load and its own logs, and that CloudFront's address ranges are allowed to reach it."
	case idOriginHTTP5xx:
		return "the origin itself answers with errors. Read the origin's logs for the same time (for an ALB origin, its access logs: elb_status_code and target_status_code)."
	}
	return "the origin's responses are broken. Fetch an affected URL from the origin directly and inspect the response."
}

// missVerdict is missAdvice's short form for the summary.
func missVerdict(c analysis.CauseID) string {
	switch c {
	case idOriginConnectError:
		return "CloudFront cannot reach the origin; check the origin certificate (expiry, chain, names) and the origin port."
	case idOriginDNSError:
		return "CloudFront cannot resolve the origin's name; check its DNS record."
	case idOriginTimeout:
		return "the origin does not answer in time; check its load and its logs."
	case idOriginHTTP5xx:
		return "the origin answers with errors; read its logs."
	}
	return "the origin's responses are broken; fetch a URL from the origin directly."
}

// popFinding says whether cause c sits on one edge location (a problem of
// that location) or is spread over them (a problem they share: the origin
// or the distribution's settings), and returns a "where" for the summary.
func popFinding(st *state, c analysis.CauseID) (finding, where string) {
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
	code, domain := taxonomy.Cause(c).Code, taxonomy.Cause(c).Domain
	n := g.stats[top].byCause[c]
	share := float64(n) / float64(total)
	reqShare := float64(g.stats[top].requests) / float64(reqs)
	switch {
	case share >= popConcentration && reqShare < 0.5:
		what := "the fault sits in that CloudFront edge location, not in the origin."
		if domain == domOrigin {
			what = "the origin fails only as seen from that location: check the network path from that region to the origin (firewall rules, geographic restrictions, regional DNS)."
		} else if domain == domClient {
			what = "look at the viewers served by that location."
		}
		return fmt.Sprintf("%s: %s (%s of %s) at edge location %s (1 of %d), which served %s of the requests: %s",
				code, analysis.Pct(n, total), numfmt.Int(n), numfmt.Int(total), g.names[top], np, analysis.Pct(g.stats[top].requests, reqs), what),
			"concentrated on edge location " + g.names[top]
	case float64(with) >= popSpread*float64(np):
		what := "not one location's problem: the common factor is the origin."
		switch domain {
		case domEdge:
			what = "not one location's problem: look at what every location shares (the distribution's quotas, its functions)."
		case domClient:
			what = "the common factor is the viewers, not one location."
		}
		spread := fmt.Sprintf("every edge location (%d)", np)
		if with < np {
			spread = fmt.Sprintf("%d of %d edge locations", with, np)
		}
		return fmt.Sprintf("%s: spread over %s, the busiest carrying %s of them; %s", code, spread, analysis.Pct(n, total), what),
			"on " + spread
	}
	return "", ""
}
