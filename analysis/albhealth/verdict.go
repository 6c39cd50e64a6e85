package albhealth

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
	"github.com/lbtriage/lbtriage/parser/albhealth"
)

// Thresholds of the verdict.
const (
	// quietRate: the access logs look normal while the targets' 5xx stay
	// under this share of the requests.
	quietRate = 0.01
	// mixShare: a reason under this share of the failed checks is named
	// beside the main one.
	mixShare = 0.8
	// hintShare: a reason with this share of the failed checks gets its
	// hint.
	hintShare = 0.05
	// noticeRate: failed checks at this share or more, or a target taken
	// out, make a summary sentence; fewer are findings only.
	noticeRate = 0.01
	// listTargets: sentences name this many targets at most.
	listTargets = 3
	// findingTargets: this many targets get a finding each at most.
	findingTargets = 5
)

// verdict weighs the health checks f against report r (the access report
// of the same load balancer, or the checks' own).
func verdict(f *Figures, r *analysis.Report) analysis.VerdictPart {
	var p analysis.VerdictPart
	if f.Checks == 0 {
		return p
	}
	targets := len(f.Targets)
	if f.Failed == 0 {
		p.Summary = fmt.Sprintf("All %s health checks of %s passed, %s.", numfmt.Int(f.Checks), numfmt.Count(int64(targets), "target", "targets"), spanText(f.TimeRange.First, f.TimeRange.Last, false))
		return p
	}
	v := weigh(f, r)
	p.Findings = v.findings()
	switch {
	case v.bad() && v.quiet():
		p.Lead, p.Headline, p.Fault = v.lead(), v.headline(), true
	case v.corroborated():
		p.Summary = v.agree()
	case v.notable():
		p.Summary = v.describe()
	default:
		// A few failed checks and no target taken out: said calmly, with
		// findings, and no hint to go and check anything.
		p.Summary = fmt.Sprintf("%s of %s health checks of %s failed, %s; no target was taken out.",
			numfmt.Int(f.Failed), numfmt.Int(f.Checks), numfmt.Count(int64(targets), "target", "targets"), spanText(f.TimeRange.First, f.TimeRange.Last, false))
		return p
	}
	p.Hints = v.hints()
	return p
}

// weighing is what the verdict weighs: the health figures, the access
// report, and what follows from both.
type weighing struct {
	f *Figures
	r *analysis.Report
	// failing are the targets with a failed check; out those taken out.
	failing, out []*Target
	// main is the reason with the most failed checks, code the status code
	// most of them got (0 for none), passCode what passed checks got.
	main           string
	code, passCode int
	// reasons are the reasons with their failed checks, the most first.
	reasons []Failure
	// ongoing: every failing target's last check failed.
	ongoing bool
	// errs are the targets' 5xx per target (back-end domains only), err5xx
	// their sum; cause is the back-end cause with the most of them.
	errs   map[string]int64
	err5xx int64
	cause  string
	// same are the failing targets with 5xx; minutes the buckets with both
	// failed checks and the targets' 5xx, errMinutes those with 5xx.
	same                []*Target
	minutes, errMinutes int
}

func weigh(f *Figures, r *analysis.Report) *weighing {
	v := &weighing{f: f, r: r, errs: map[string]int64{}, ongoing: true}
	for i := range f.Targets {
		t := &f.Targets[i]
		if t.Failed > 0 {
			v.failing = append(v.failing, t)
			v.ongoing = v.ongoing && t.FailingAtEnd
		}
		if t.TakenOut > 0 {
			v.out = append(v.out, t)
		}
	}
	for reason, n := range f.ByReason {
		v.reasons = append(v.reasons, Failure{Reason: reason, Checks: n})
	}
	slices.SortFunc(v.reasons, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(b.Checks, a.Checks), cmp.Compare(a.Reason, b.Reason))
	})
	v.main = v.reasons[0].Reason
	for _, x := range f.Failures { // the most first
		if x.Reason == v.main {
			v.code = x.StatusCode
			break
		}
	}
	var best int64
	for code, n := range f.PassCodes {
		if c, err := strconv.Atoi(code); err == nil && (n > best || n == best && c < v.passCode) {
			v.passCode, best = c, n
		}
	}

	// The access report's 5xx on the targets' side.
	backend := map[string]bool{}
	if tax := r.Taxonomy; tax != nil {
		for _, d := range tax.Domains {
			backend[d.Key] = d.Party == analysis.PartyBackend
		}
	}
	byCause := map[string]int64{}
	for _, t := range r.Targets {
		for code, n := range t.ByCause {
			if backend[r.Taxonomy.DomainOf(code)] {
				v.errs[t.Target] += n
				v.err5xx += n
				byCause[code] += n
			}
		}
	}
	for code, n := range byCause {
		if n > byCause[v.cause] || n == byCause[v.cause] && code < v.cause {
			v.cause = code
		}
	}
	for _, t := range v.failing {
		if v.errs[t.Target] > 0 {
			v.same = append(v.same, t)
		}
	}
	failedAt := map[int64]bool{}
	for _, b := range f.Timeline {
		if b.Failed > 0 {
			failedAt[b.Start.UnixMicro()] = true
		}
	}
	for _, b := range r.Timeline {
		var n int64
		for d, c := range b.ByDomain {
			if backend[d] {
				n += c
			}
		}
		if n > 0 {
			v.errMinutes++
			if failedAt[b.Start.UnixMicro()] {
				v.minutes++
			}
		}
	}
	return v
}

// bad: the load balancer failed open, or every target was taken out.
func (v *weighing) bad() bool {
	return len(v.f.FailOpen) > 0 || len(v.out) == len(v.f.Targets)
}

// quiet: the access logs look normal (or were not read): few 5xx on the
// targets' side, and none in the minutes of the failed checks.
func (v *weighing) quiet() bool {
	if v.r.Requests == 0 {
		return true
	}
	return float64(v.err5xx) < quietRate*float64(v.r.Requests) && !v.corroborated()
}

// corroborated: targets with failed checks have 5xx too, and some minutes
// have both.
func (v *weighing) corroborated() bool { return len(v.same) > 0 && v.minutes > 0 }

// notable: enough failed checks, or a target taken out, to say so in the
// summary.
func (v *weighing) notable() bool {
	return len(v.out) > 0 || float64(v.f.Failed) >= noticeRate*float64(v.f.Checks)
}

// scope names the failing targets: "every target", "the only target", "3
// of 9 targets".
func (v *weighing) scope() string {
	n, all := len(v.failing), len(v.f.Targets)
	switch {
	case all == 1:
		return "the only target"
	case n == all:
		return "every target"
	}
	return fmt.Sprintf("%d of %d targets", n, all)
}

// plural: the scope takes a plural verb.
func (v *weighing) plural() bool { return len(v.failing) > 1 && len(v.failing) < len(v.f.Targets) }

// why says how the checks fail: "it answers 299 where the matcher expects
// 200", "their checks time out".
func (v *weighing) why() string {
	it, its, s := "it", "its", "s"
	if v.plural() {
		it, its, s = "they", "their", ""
	}
	var w string
	switch v.main {
	case albhealth.ReasonResponseCodeMismatch:
		w = fmt.Sprintf("%s answer%s %d", it, s, v.code)
		if v.passCode != 0 && v.passCode != v.code {
			w += fmt.Sprintf(" where the matcher expects %d", v.passCode)
		} else {
			w += ", which the matcher does not accept"
		}
	case albhealth.ReasonTimedOut, albhealth.ReasonRequestTimedOut, albhealth.ReasonConnectionTimedOut:
		w = its + " checks time out"
	case albhealth.ReasonConnectionReset:
		w = fmt.Sprintf("%s reset%s the connection", it, s)
	case albhealth.ReasonTargetError:
		w = fmt.Sprintf("%s answer%s %d", it, s, v.code)
	case albhealth.ReasonResponseStringMismatch:
		w = its + " answer lacks the string the check expects"
	default:
		w = its + " checks fail with " + v.main
	}
	return w + " (" + v.mix() + ")"
}

// mix lists the reasons' shares of the failed checks: "ResponseCodeMismatch,
// 1,350 checks" for one, "TimedOut 67%, ConnectionReset 33%" for several.
func (v *weighing) mix() string {
	if float64(v.reasons[0].Checks) >= mixShare*float64(v.f.Failed) && len(v.reasons) == 1 {
		return fmt.Sprintf("%s, %s checks", v.main, numfmt.Int(v.f.Failed))
	}
	var parts []string
	for i, x := range v.reasons {
		if i == 3 {
			break
		}
		parts = append(parts, x.Reason+" "+analysis.Pct(x.Checks, v.f.Failed))
	}
	return strings.Join(parts, ", ")
}

// when says since when, or from when to when, the targets failed.
func (v *weighing) when() string {
	first, last := analysis.Time{}, analysis.Time{}
	for _, t := range v.failing {
		if first.IsZero() || t.FirstFailed.Before(first.Time) {
			first = t.FirstFailed
		}
		if t.LastFailed.After(last.Time) {
			last = t.LastFailed
		}
	}
	// To the minute: the targets' first failures spread over a check
	// interval.
	first = analysis.TimeOf(first.Truncate(time.Minute))
	last = analysis.TimeOf(last.Truncate(time.Minute))
	return spanText(first, last, v.ongoing)
}

// lead is the sentence that opens the summary when the health checks
// tell what the access logs do not.
func (v *weighing) lead() string {
	var b strings.Builder
	verb := "fails its health check"
	if v.plural() {
		verb = "fail their health checks"
	}
	fmt.Fprintf(&b, "%s %s %s: %s", capital(v.scope()), verb, v.when(), v.why())
	if fo := v.f.FailOpen; len(fo) > 0 {
		b.WriteString("; " + v.failOpenText())
	}
	if v.r.Requests > 0 {
		if v.r.Errors.Total5xx == 0 {
			fmt.Fprintf(&b, ", so the access logs look normal (no 5xx in %s requests)", numfmt.Int(v.r.Requests))
		} else {
			fmt.Fprintf(&b, ", so the access logs look normal (%s 5xx in %s requests, %s on the targets' side)",
				numfmt.Int(v.r.Errors.Total5xx), numfmt.Int(v.r.Requests), numfmt.Int(v.err5xx))
		}
	}
	return b.String() + "."
}

// failOpenText says when the load balancer failed open: "the load
// balancer fails open since 13:11 UTC and keeps routing to every target".
func (v *weighing) failOpenText() string {
	fo := v.f.FailOpen
	last := fo[len(fo)-1]
	if last.ToEnd && len(fo) == 1 {
		return "the load balancer fails open " + spanText(last.Start, last.End, true) + " and keeps routing to every target"
	}
	s := "the load balancer failed open " + spanText(fo[0].Start, fo[0].End, fo[0].ToEnd)
	if len(fo) > 1 {
		s += fmt.Sprintf(" (and %d more times, the last %s)", len(fo)-1, spanText(last.Start, last.End, last.ToEnd))
	}
	return s + " and kept routing to every target"
}

// headline says the lead in one line.
func (v *weighing) headline() string {
	verb := "fails its health check"
	if v.plural() {
		verb = "fail their health checks"
	}
	h := capital(v.scope()) + " " + verb + ": " + strings.TrimSuffix(v.why(), " ("+v.mix()+")")
	if len(v.f.FailOpen) > 0 {
		h += "; the load balancer fails open"
	}
	return h
}

// agree is the sentence that corroborates the targets' 5xx.
func (v *weighing) agree() string {
	var b strings.Builder
	fmt.Fprintf(&b, "The health checks agree: %s, whose requests ended in %s, failed %s own health checks in the same minutes (%s; %d of the %d minutes with such 5xx)",
		v.names(v.same), v.cause, theirOwn(len(v.same)), v.mix(), v.minutes, v.errMinutes)
	if f := v.flapText(); f != "" {
		b.WriteString("; " + f)
	}
	if len(v.f.FailOpen) > 0 {
		b.WriteString("; every target was out at once, so " + v.failOpenText())
	}
	return b.String() + "."
}

// describe is the summary sentence on failed checks that neither lead nor
// corroborate.
func (v *weighing) describe() string {
	verb := "fails"
	if v.plural() {
		verb = "fail"
	}
	s := fmt.Sprintf("Health checks: %s %s some (%s of %s checks failed, %s: %s)", v.scope(), verb,
		numfmt.Int(v.f.Failed), numfmt.Int(v.f.Checks), v.when(), v.why())
	if f := v.flapText(); f != "" {
		s += "; " + f
	} else if len(v.out) > 0 {
		s += fmt.Sprintf("; %s taken out", v.names(v.out))
		if len(v.out) == 1 {
			s += " once"
		}
	}
	if len(v.f.FailOpen) > 0 {
		s += "; " + v.failOpenText()
	}
	return s + "."
}

// flapText names the targets taken out more than once: "10.0.1.11:8080
// was taken out 3 times and 10.0.2.21:8080 twice (flapping)".
func (v *weighing) flapText() string {
	var flap []*Target
	for _, t := range v.out {
		if t.Flapping {
			flap = append(flap, t)
		}
	}
	if len(flap) == 0 {
		return ""
	}
	slices.SortStableFunc(flap, func(a, b *Target) int { return cmp.Compare(b.TakenOut, a.TakenOut) })
	var parts []string
	for i, t := range flap {
		if i == listTargets {
			parts = append(parts, fmt.Sprintf("%d more", len(flap)-i))
			break
		}
		if i == 0 {
			parts = append(parts, fmt.Sprintf("%s was taken out %s", t.Target, times(t.TakenOut)))
		} else {
			parts = append(parts, fmt.Sprintf("%s %s", t.Target, times(t.TakenOut)))
		}
	}
	return joinAnd(parts) + " (flapping)"
}

// names lists targets: "10.0.1.11:8080 and 10.0.2.21:8080", "every
// target" when they are all, "5 targets (10.0.1.11:8080, ...)" when many.
func (v *weighing) names(ts []*Target) string {
	if len(ts) == len(v.f.Targets) && len(ts) > listTargets {
		return "every target"
	}
	var names []string
	for i, t := range ts {
		if i == listTargets {
			return fmt.Sprintf("%d targets (%s, ...)", len(ts), strings.Join(names, ", "))
		}
		names = append(names, t.Target)
	}
	if len(ts) == 1 {
		return "target " + names[0]
	}
	return joinAnd(names)
}

// findings are a sentence per target that failed most (up to
// findingTargets), per fail-open window and, for one mismatched code on
// every target, on the configuration.
func (v *weighing) findings() []string {
	var out []string
	if v.main == albhealth.ReasonResponseCodeMismatch && len(v.failing) == len(v.f.Targets) && len(v.f.Targets) > 1 && v.oneCode() {
		expect := "the code the matcher expects"
		if v.passCode != 0 {
			expect = fmt.Sprint(v.passCode)
		}
		out = append(out, fmt.Sprintf(
			"One status code, %d, fails the check of every target: a configuration mismatch, not a sick fleet. The health check path answers %d and the target group's matcher expects %s; the application may well answer requests (curl works), but the load balancer counts every target unhealthy.",
			v.code, v.code, expect))
	}
	if s := v.alike(); s != "" {
		out = append(out, s)
	} else {
		out = append(out, v.perTarget()...)
	}
	for _, w := range v.f.FailOpen {
		group := "a target group"
		if w.TargetGroup != "" {
			group = "target group " + w.TargetGroup
		}
		out = append(out, fmt.Sprintf(
			"Every target of %s (%s) was out %s in the view of %s: the load balancer failed open, routing requests to targets it judged unhealthy.",
			group, numfmt.Count(int64(w.Targets), "target", "targets"), spanText(w.Start, w.End, w.ToEnd), nodeList(w.Nodes)))
	}
	return out
}

// perTarget is a finding per target that failed most, up to
// findingTargets.
func (v *weighing) perTarget() []string {
	var out []string
	for i, t := range v.failing {
		if i == findingTargets {
			out = append(out, fmt.Sprintf("%d more targets failed health checks (see the Targets table).", len(v.failing)-i))
			break
		}
		s := fmt.Sprintf("Target %s failed %s of %s health checks (%s)", t.Target, numfmt.Int(t.Failed), numfmt.Int(t.Checks), reasonList(t.ByReason))
		if t.TakenOut > 0 {
			s += fmt.Sprintf(" and was out %s: %s", times(t.TakenOut), spansText(t.Unhealthy))
		}
		if n := v.errs[t.Target]; n > 0 {
			s += fmt.Sprintf("; its requests had %s 5xx on the targets' side", numfmt.Int(n))
		}
		out = append(out, s+".")
	}
	return out
}

// alike is one finding for targets that all failed alike (every one out
// once, for the main reason alone), "" when they did not.
func (v *weighing) alike() string {
	if len(v.failing) <= listTargets {
		return ""
	}
	var (
		minF, maxF, minC, maxC int64
		outFrom, outTo         analysis.Time
		backFrom, backTo       analysis.Time
		toEnd                  int
	)
	for i, t := range v.failing {
		if len(t.ByReason) != 1 || t.ByReason[v.main] == 0 || t.TakenOut != 1 || v.errs[t.Target] > 0 {
			return ""
		}
		u := t.Unhealthy[0]
		if i == 0 {
			minF, maxF, minC, maxC = t.Failed, t.Failed, t.Checks, t.Checks
			outFrom, outTo, backFrom, backTo = u.Start, u.Start, u.End, u.End
		}
		minF, maxF, minC, maxC = min(minF, t.Failed), max(maxF, t.Failed), min(minC, t.Checks), max(maxC, t.Checks)
		outFrom, outTo = earlier(outFrom, u.Start), later(outTo, u.Start)
		backFrom, backTo = earlier(backFrom, u.End), later(backTo, u.End)
		if u.ToEnd {
			toEnd++
		}
	}
	s := fmt.Sprintf("The %d failing targets failed alike: %s of %s health checks each (%s), taken out between %s",
		len(v.failing), numRange(minF, maxF), numRange(minC, maxC), v.main, clockRange(outFrom, outTo))
	switch toEnd {
	case len(v.failing):
		s += ", and none back by the end of the logs."
	case 0:
		s += " and back between " + clockRange(backFrom, backTo) + "."
	default:
		s += fmt.Sprintf("; %d not back by the end of the logs.", toEnd)
	}
	return s
}

func earlier(a, b analysis.Time) analysis.Time {
	if b.Before(a.Time) {
		return b
	}
	return a
}

func later(a, b analysis.Time) analysis.Time {
	if b.After(a.Time) {
		return b
	}
	return a
}

// numRange writes "150" or "140 to 150".
func numRange(lo, hi int64) string {
	if lo == hi {
		return numfmt.Int(lo)
	}
	return numfmt.Int(lo) + " to " + numfmt.Int(hi)
}

// clockRange writes "13:10:31 and 13:10:53 UTC", or one time.
func clockRange(a, b analysis.Time) string {
	if a.Equal(b.Time) {
		return a.UTC().Format("15:04:05") + " UTC"
	}
	return a.UTC().Format("15:04:05") + " and " + b.UTC().Format("15:04:05") + " UTC"
}

// oneCode reports whether every ResponseCodeMismatch got one status code.
func (v *weighing) oneCode() bool {
	n := 0
	for _, x := range v.f.Failures {
		if x.Reason == albhealth.ReasonResponseCodeMismatch {
			n++
		}
	}
	return n == 1
}

// hints are the reasons' hints (those with hintShare of the failed checks
// or more) and, when the load balancer failed open, what that means.
func (v *weighing) hints() []string {
	var out []string
	for _, x := range v.reasons {
		if float64(x.Checks) < hintShare*float64(v.f.Failed) {
			continue
		}
		if h := reasonHint(x.Reason); h != "" {
			out = append(out, "health check "+x.Reason+": "+h)
		}
	}
	if len(v.f.FailOpen) > 0 {
		out = append(out, "health check fail-open: with every target of a group unhealthy, the load balancer routes to all of them, so requests may succeed while CloudWatch shows HealthyHostCount 0; fix the checks before the targets, and do not deregister targets in the meantime.")
	}
	return out
}

// reasonHint says what usually produces a reason and what to check.
func reasonHint(reason string) string {
	switch reason {
	case albhealth.ReasonResponseCodeMismatch:
		return "the health check path answers a code the target group's success codes (matcher) do not include: curl the path on a target to see what it answers, then make it answer a matching code or change the matcher (aws elbv2 modify-target-group --matcher HttpCode=...); check recent releases of the health endpoint."
	case albhealth.ReasonTimedOut, albhealth.ReasonRequestTimedOut, albhealth.ReasonConnectionTimedOut:
		return "the target did not answer within the health check timeout: exhausted workers or connections (Apache MaxRequestWorkers and MaxKeepAliveRequests, nginx worker_connections), CPU or memory pressure, or a slow dependency behind the health check path; the security group must let the load balancer's subnets reach the health check port."
	case albhealth.ReasonConnectionReset:
		return "the target reset the connection: a server out of workers or restarting, a full listen backlog, or a proxy in front of it closing connections; check its process restarts and connection limits."
	case albhealth.ReasonTargetError:
		return "the health check path answered 5xx: read the application's logs for that path and the dependencies it checks."
	case albhealth.ReasonResponseStringMismatch:
		return "the answer lacks the string the check expects: compare the health check path's answer with the expected string."
	}
	return ""
}

// spanText writes a window: "since 13:10:57 UTC" when it lasts, "from
// 13:40:02 to 13:42:31 UTC", with the date when the days differ; times on
// the minute without seconds.
func spanText(start, end analysis.Time, ongoing bool) string {
	s, e := start.UTC(), end.UTC()
	layout := "15:04"
	if s.Second() != 0 || !ongoing && e.Second() != 0 {
		layout = "15:04:05"
	}
	if ongoing {
		return "since " + s.Format(layout) + " UTC"
	}
	if s.Format("2006-01-02") != e.Format("2006-01-02") {
		return "from " + s.Format("2006-01-02 "+layout) + " to " + e.Format("2006-01-02 "+layout) + " UTC"
	}
	return "from " + s.Format(layout) + " to " + e.Format(layout) + " UTC"
}

// spansText lists windows briefly: "13:05:40–13:09:12, 13:21:40–13:25:10
// and 2 more".
func spansText(ss []Span) string {
	var parts []string
	for i, x := range ss {
		if i == listTargets {
			parts = append(parts, fmt.Sprintf("%d more", len(ss)-i))
			break
		}
		s := x.Start.UTC().Format("15:04:05") + "–"
		if x.ToEnd {
			s += "end of logs"
		} else {
			s += x.End.UTC().Format("15:04:05")
		}
		parts = append(parts, s)
	}
	return joinAnd(parts)
}

// reasonList writes counts per reason, the most first: "TimedOut 40,
// ConnectionReset 20".
func reasonList(by map[string]int64) string {
	keys := slices.Sorted(maps.Keys(by))
	slices.SortStableFunc(keys, func(a, b string) int { return cmp.Compare(by[b], by[a]) })
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+" "+numfmt.Int(by[k]))
	}
	return strings.Join(parts, ", ")
}

func nodeList(nodes []string) string {
	switch len(nodes) {
	case 0:
		return "no node"
	case 1:
		return "node " + nodes[0]
	}
	return "nodes " + joinAnd(nodes)
}

func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

func theirOwn(n int) string {
	if n == 1 {
		return "its"
	}
	return "their"
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
