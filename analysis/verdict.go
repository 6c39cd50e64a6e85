package analysis

import (
	"cmp"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/internal/numfmt"
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
	// windowZ: a window's 5xx must exceed what its requests would hold at
	// the overall rate by this many standard deviations (Poisson).
	windowZ = 4.0
)

func buildVerdict(g *group, r *Report) Verdict {
	a := g.host
	v := Verdict{Hints: []string{}, Findings: []string{}}
	p := periodOf(a)
	if a.total5xx == 0 {
		// A family may have something to say without any 5xx (the health
		// of targets, say).
		part := familyVerdicts(g, r, nil)
		v.Headline, v.Fault = part.Headline, part.Fault
		switch {
		case r.Requests == 0 && (part.Lead != "" || part.Summary != ""):
			// Nothing but the families' words: no requests to speak of.
			v.Summary = joinSentences(part.Lead, part.Summary)
		case r.Requests == 0:
			v.Summary = noRequestSummary(a, r)
		default:
			v.Summary = noErrorSummary(a, r)
			// A quiet node matters even without 5xx: its clients time out
			// before anything is logged. It leads, unless a family's
			// finding does.
			if q := quietestNode(r); q != nil {
				v.Findings = append(v.Findings, nodeFindings(r, p)...)
				if !part.Fault {
					v.Headline, v.Fault = nodeHeadline(q, p), true
					v.Summary = joinSentences(nodeLead(q, p), v.Summary)
				} else {
					v.Summary += " A load balancer node served far less than its share of the requests: clients reaching it may be failing before anything is logged (see the findings)."
				}
			}
			v.Summary = joinSentences(part.Lead, v.Summary, part.Summary)
		}
		v.Findings = append(append(v.Findings, part.Findings...), part.Notes...)
		v.Hints = append(v.Hints, part.Hints...)
		return v
	}
	tax := a.tax
	ranked := rankCauses(a)
	primary := ranked[0]
	code, domain := tax.Cause(primary).Code, tax.Cause(primary).Domain
	v.PrimaryCause, v.PrimaryDomain = &code, &domain
	v.Share = round4(float64(a.byCause[primary]) / float64(a.total5xx))
	v.Window = windowOf(r.Timeline, p)
	v.Fault = true

	var where string
	for _, c := range ranked {
		n := a.byCause[c]
		if float64(n)/float64(a.total5xx) < significantShare && c != primary {
			continue
		}
		v.Hints = append(v.Hints, tax.Cause(c).Code+": "+tax.Cause(c).Hint)
		if n < minFindingErrors {
			continue
		}
		f, w := concentrationFindings(a, r, c)
		v.Findings = append(v.Findings, f...)
		if c == primary {
			where = w
		}
	}
	// The families' findings see the window found so far.
	r.Verdict.Window = v.Window
	part := familyVerdicts(g, r, ranked)
	v.Findings = append(v.Findings, part.Findings...)
	if where == "" {
		where = part.Where
	}
	if f := pathFinding(a, r); f != "" {
		v.Findings = append(v.Findings, f)
	}
	v.Findings = append(v.Findings, nodeFindings(r, p)...)
	v.Findings = append(v.Findings, part.Notes...)
	v.Hints = append(v.Hints, part.Hints...)
	lead := part.Lead
	if part.Fault {
		v.Headline = part.Headline
	} else if q := quietestNode(r); q != nil && background(a, v.Window) {
		// The 5xx are the usual trickle; the node is the news.
		v.Headline, lead = nodeHeadline(q, p), joinSentences(nodeLead(q, p), lead)
	}
	v.Summary = joinSentences(lead, errorSummary(a, r, primary, where, v.Window, p), part.Summary)
	return v
}

// background5xxRate: 5xx at most this share of the requests, with no
// window where they stand out, are the usual trickle, which a quiet node
// outweighs.
const background5xxRate = 0.01

// background reports whether a's 5xx are the usual trickle: no window
// where they stand out, and a low rate.
func background(a *Aggregator, w *Window) bool {
	return w == nil && float64(a.total5xx) <= background5xxRate*float64(a.requests)
}

// familyVerdicts gathers the verdict parts of the group's families, the
// host's first: findings, notes and hints in that order, the first Where.
// The leads of the parts that tell of a fault come first, and the first
// such part's headline is the headline; the leads of parts that tell all
// is well follow the summaries, and give the headline only when no part
// tells of a fault.
func familyVerdicts(g *group, r *Report, ranked []CauseID) VerdictPart {
	var out VerdictPart
	var leads, sums, calm []string
	var calmHeadline string
	for _, m := range g.members() {
		p := m.fam.Verdict(m, r, ranked)
		out.Findings = append(out.Findings, p.Findings...)
		out.Notes = append(out.Notes, p.Notes...)
		out.Hints = append(out.Hints, p.Hints...)
		out.Where = cmp.Or(out.Where, p.Where)
		switch {
		case p.Lead != "" && p.Fault:
			out.Headline, out.Fault = cmp.Or(out.Headline, p.Headline), true
			leads = append(leads, p.Lead)
		case p.Lead != "":
			calmHeadline = cmp.Or(calmHeadline, p.Headline)
			calm = append(calm, p.Lead)
		}
		sums = append(sums, p.Summary)
	}
	if !out.Fault {
		out.Headline = calmHeadline
	}
	if ranked == nil && !out.Fault {
		// No 5xx and no fault: the calm leads still lead.
		leads, calm = calm, nil
	}
	out.Lead, out.Summary = joinSentences(leads...), joinSentences(append(sums, calm...)...)
	return out
}

// joinSentences joins the non-empty sentences with spaces.
func joinSentences(s ...string) string {
	var out []string
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	return strings.Join(out, " ")
}

// rankCauses orders the causes present by count, ties by code.
func rankCauses(a *Aggregator) []CauseID {
	var ids []CauseID
	for c := range a.tax.Causes {
		if a.byCause[c+1] > 0 {
			ids = append(ids, CauseID(c+1))
		}
	}
	sort.Slice(ids, func(i, j int) bool {
		x, y := a.byCause[ids[i]], a.byCause[ids[j]]
		if x != y {
			return x > y
		}
		return a.tax.Cause(ids[i]).Code < a.tax.Cause(ids[j]).Code
	})
	return ids
}

// noRequestSummary says that the report holds no request, and where the
// rows read are when there are some: a window with no rows, an empty
// input, a day with no logs.
func noRequestSummary(a *Aggregator, r *Report) string {
	if lb := a.opts.LoadBalancer; lb != "" && r.Lines.OtherLoadBalancers > 0 && a.subject.Resource == "" {
		return fmt.Sprintf("No requests of load balancer %s (%s rows of other load balancers left out); nothing to attribute.", lb, numfmt.Int(r.Lines.OtherLoadBalancers))
	}
	if n := r.Lines.OutsideWindow; n > 0 {
		s := "The period " + periodText(r.Window) + " holds no requests"
		if tr := r.TimeRange; !tr.First.IsZero() {
			s += fmt.Sprintf(": the %s rows read are from %s", numfmt.Int(n), rangeText(tr.First, tr.Last))
		} else {
			s += fmt.Sprintf(" (%s rows read, all outside it)", numfmt.Int(n))
		}
		return s + "; nothing to attribute."
	}
	if r.Inputs.Objects > 0 && r.Lines.Read == 0 {
		if r.Inputs.Objects == 1 {
			return "The input read holds no log line: no requests to attribute."
		}
		return fmt.Sprintf("The %d inputs read hold no log line: no requests to attribute.", r.Inputs.Objects)
	}
	return "No requests were read; nothing to attribute."
}

// periodText writes a --since/--until selection: "2026-11-21 13:05 to
// 13:20 UTC", "since 2026-11-21 13:05 UTC", "until ...".
func periodText(w *TimeRange) string {
	switch {
	case w == nil:
		return "analysed"
	case w.Last.IsZero():
		return "since " + stampText(w.First.UTC())
	case w.First.IsZero():
		return "until " + stampText(w.Last.UTC())
	}
	return rangeText(w.First, w.Last)
}

// rangeText writes two times as "2026-11-20 12:50 to 13:34:59 UTC", with
// the second date when it differs.
func rangeText(first, last Time) string {
	a, b := first.UTC(), last.UTC()
	if a.Format(time.DateOnly) == b.Format(time.DateOnly) {
		return a.Format(time.DateOnly) + " " + ClockText(a) + " to " + ClockText(b) + " UTC"
	}
	return a.Format(time.DateOnly) + " " + ClockText(a) + " to " + b.Format(time.DateOnly) + " " + ClockText(b) + " UTC"
}

// stampText writes a time as "2026-11-20 13:05 UTC".
func stampText(t time.Time) string {
	return t.Format(time.DateOnly) + " " + ClockText(t) + " UTC"
}

func noErrorSummary(a *Aggregator, r *Report) string {
	s := fmt.Sprintf("No 5xx among %s requests", numfmt.Int(r.Requests))
	if !r.TimeRange.First.IsZero() {
		s += " from " + rangeText(r.TimeRange.First, r.TimeRange.Last)
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
func concentrationFindings(a *Aggregator, r *Report, c CauseID) ([]string, string) {
	code := a.tax.Cause(c).Code
	noun := a.tax.TargetNoun()
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
				"%s: %s (%s of %s) are in subnet %s (%s), which served %s of the requests sent to %s: %s",
				code, pct(topSub.errorsOfTheCause, total), numfmt.Int(topSub.errorsOfTheCause), numfmt.Int(total),
				topSub.name, plural(topSub.targets, noun), pct(topSub.requests, targetReq), noun.Many, subnetAdvice(a.tax, c)))
			where = fmt.Sprintf("concentrated on %s (%s)", topSub.name, plural(topSub.targets, noun))
		}
	}

	// Targets.
	if len(a.targetList) >= minTargetsForConcentration {
		n := top.byCause[c]
		if float64(n)/float64(total) >= concentrationShare {
			out = append(out, fmt.Sprintf(
				"%s: %s (%s of %s) come from %s %s (1 of %d %s), which served %s of the requests sent to %s.",
				code, pct(n, total), numfmt.Int(n), numfmt.Int(total), noun.One, top.name(), len(a.targetList), noun.Many,
				pct(top.requests, targetReq), noun.Many))
			if where == "" || topSub.targets > 1 && topSub.targetsWithCause == 1 {
				where = "concentrated on " + noun.One + " " + top.name()
			}
		}
	}
	if where == "" && targetsWith > 1 {
		if targetsWith == len(a.targetList) {
			where = fmt.Sprintf("spread over every %s (%d)", noun.One, targetsWith)
		} else {
			where = fmt.Sprintf("spread over %d of %d %s", targetsWith, len(a.targetList), noun.Many)
		}
	} else if where == "" && targetsWith == 1 {
		where = "all on " + noun.One + " " + top.name()
	}
	return out, where
}

// subnetAdvice says what to compare when a cause sits in one subnet: the
// cause's own advice, else a general one.
func subnetAdvice(tax *Taxonomy, c CauseID) string {
	if adv := tax.Cause(c).SubnetAdvice; adv != "" {
		return adv
	}
	return "compare its " + tax.TargetNoun().Many + "' configuration and recent deployments, then its network ACLs, route table and security groups, with the other subnets'."
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

// nodeFindings reports the load balancer nodes that served far less than
// an equal share of the requests, and since when.
func nodeFindings(r *Report, p period) []string {
	var out []string
	for _, n := range r.Nodes {
		q := n.Quiet
		if q == nil {
			continue
		}
		f := nodeServed(&n, p)
		if !(q.OpenStart && q.OpenEnd) {
			switch {
			case q.OpenEnd:
				f += fmt.Sprintf(" (%.0f%% before)", q.ShareOutside*100)
			case q.OpenStart:
				f += fmt.Sprintf(" (%.0f%% after)", q.ShareOutside*100)
			default:
				f += fmt.Sprintf(" (%.0f%% outside)", q.ShareOutside*100)
			}
		}
		out = append(out, f+fmt.Sprintf(", where an equal share is %.0f%%: clients reaching this node may be failing before their requests are logged; check the route table and network ACL of its subnet (asymmetric routing, e.g. return traffic through a NAT gateway).", q.Equal*100))
	}
	return out
}

// quietestNode returns the quiet node that missed the most requests, nil
// when none is quiet.
func quietestNode(r *Report) *Node {
	var best *Node
	for i := range r.Nodes {
		n := &r.Nodes[i]
		if n.Quiet != nil && (best == nil || n.Quiet.Missing > best.Quiet.Missing) {
			best = n
		}
	}
	return best
}

// nodeServed says what share of the requests a quiet node served, and
// when unless it was all along: "Load balancer node 10.0.1.5 served 2.0%
// of the requests from 13:05 to 13:20 UTC on 2026-11-20".
func nodeServed(n *Node, p period) string {
	s := fmt.Sprintf("Load balancer node %s served %.1f%% of the requests", n.Node, n.Quiet.Share*100)
	if q := n.Quiet; !(q.OpenStart && q.OpenEnd) {
		s += " " + p.phrase(q.span())
	}
	return s
}

// nodeHeadline is the headline of a quiet node that leads the verdict.
func nodeHeadline(n *Node, p period) string {
	return nodeServed(n, p) + fmt.Sprintf(", where an equal share is %.0f%%", n.Quiet.Equal*100)
}

// nodeLead is the sentence that opens the summary on a quiet node.
func nodeLead(n *Node, p period) string {
	return nodeHeadline(n, p) + ": clients reaching it may be failing before their requests are logged, which no 5xx count shows (see the findings)."
}

// span returns the stretch of a quiet node.
func (q *NodeQuiet) span() span {
	return span{Start: q.Start, End: q.End, OpenStart: q.OpenStart, OpenEnd: q.OpenEnd}
}

// findWindow finds the contiguous run of buckets with the most excess 5xx
// over the overall rate, and returns it, with bucket edges, when its rate
// stands out from the rest.
func findWindow(tl []Bucket) *Window {
	i, j, ok := windowRun(tl)
	if !ok {
		return nil
	}
	width := time.Minute
	if t0, t1 := tl[0].Start, tl[1].Start; t1.After(t0.Time) {
		width = t1.Sub(t0.Time)
	}
	inRate, outRate := runRates(tl, i, j)
	// The window is written in whole seconds.
	return &Window{
		Start:        TimeOf(tl[i].Start.Truncate(time.Second)),
		End:          TimeOf(tl[j].Start.Add(width).Truncate(time.Second)),
		Rate:         round4(inRate),
		BaselineRate: round4(outRate),
	}
}

// windowOf is findWindow on a report's gap-free timeline, clipped to the
// period p: it never starts before the period's first row or its start,
// never ends after its last row or its end, and says when it runs from
// the start or to the end of the rows read.
func windowOf(tl []Bucket, p period) *Window {
	i, j, ok := windowRun(tl)
	if !ok {
		return nil
	}
	s := p.span(floorDiv(tl[i].Start.UnixMicro(), p.bucketUS), floorDiv(tl[j].Start.UnixMicro(), p.bucketUS))
	inRate, outRate := runRates(tl, i, j)
	return &Window{
		Start: s.Start, End: s.End, Rate: round4(inRate), BaselineRate: round4(outRate),
		OpenStart: s.OpenStart, OpenEnd: s.OpenEnd,
	}
}

// windowRun finds the contiguous run of buckets tl[i..j] with the most
// excess 5xx over the overall rate (maximum-sum subarray of errors − rate
// × requests); ok says whether its rate stands out from the rest.
func windowRun(tl []Bucket) (i, j int, ok bool) {
	var reqs, errs int64
	for _, b := range tl {
		reqs += b.Requests
		errs += b.Errors5xx
	}
	if reqs == 0 || errs == 0 || len(tl) < 2 {
		return 0, 0, false
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
		return 0, 0, false
	}
	var inReq, inErr int64
	for _, b := range tl[bestStart : bestEnd+1] {
		inReq += b.Requests
		inErr += b.Errors5xx
	}
	outReq, outErr := reqs-inReq, errs-inErr
	if outReq == 0 || inReq == 0 || inErr < minFindingErrors {
		return 0, 0, false
	}
	inRate, outRate := float64(inErr)/float64(inReq), float64(outErr)/float64(outReq)
	if inRate < windowRatio*outRate {
		return 0, 0, false
	}
	// A trickle of few 5xx bunches by chance: the window's 5xx must exceed
	// what its requests would hold at the overall rate by windowZ standard
	// deviations.
	if expected := rate * float64(inReq); float64(inErr)-expected < windowZ*math.Sqrt(expected) {
		return 0, 0, false
	}
	return bestStart, bestEnd, true
}

// runRates returns the 5xx rate of tl[i..j] and of the other buckets.
func runRates(tl []Bucket, i, j int) (in, out float64) {
	var inReq, inErr, outReq, outErr int64
	for k, b := range tl {
		if k >= i && k <= j {
			inReq, inErr = inReq+b.Requests, inErr+b.Errors5xx
		} else {
			outReq, outErr = outReq+b.Requests, outErr+b.Errors5xx
		}
	}
	return ratio(inErr, inReq), ratio(outErr, outReq)
}

func ratio(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

func round4(v float64) float64 { return math.Round(v*10000) / 10000 }

func errorSummary(a *Aggregator, r *Report, primary CauseID, where string, w *Window, p period) string {
	n := a.byCause[primary]
	ci := a.tax.Cause(primary)
	var b strings.Builder
	fmt.Fprintf(&b, "%s of 5xx (%s of %s) are %s: %s", pct(n, a.total5xx), numfmt.Int(n), numfmt.Int(a.total5xx), ci.Code, ci.Meaning)
	if where != "" {
		b.WriteString(", " + where)
	}
	if w != nil {
		b.WriteString(", " + p.phrase(span{Start: w.Start, End: w.End, OpenStart: w.OpenStart, OpenEnd: w.OpenEnd}))
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
		name := d.name
		if dom := a.tax.Domain(d.name); dom != nil && dom.Role != "" {
			name = dom.Role
		}
		parts = append(parts, fmt.Sprintf("%s %s", name, pct(d.n, a.total5xx)))
	}
	if len(ds) == 1 {
		side, plain := ds[0].name+"'s side", ""
		if dom := a.tax.Domain(ds[0].name); dom != nil {
			if dom.Side != "" {
				side = dom.Side
			}
			plain = dom.Plain
		}
		fmt.Fprintf(&b, " All 5xx are on %s%s.", side, plain)
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

func plural(n int, noun Noun) string {
	if n == 1 {
		return "1 " + noun.One
	}
	return fmt.Sprintf("%d %s", n, noun.Many)
}

func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
