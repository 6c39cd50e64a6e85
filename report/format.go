package report

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// kv is one entry of a count map.
type kv struct {
	Key   string
	Count int64
}

// sortedCounts returns m's entries, largest count first, then by key.
func sortedCounts(m map[string]int64) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	slices.SortFunc(out, func(a, b kv) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// domainOrder returns the 5xx domains to show for rep: its family's, in
// the family's order, then any other domain found in the report, by key.
func domainOrder(rep *analysis.Report) []string {
	var base []string
	if rep.Taxonomy != nil {
		for _, d := range rep.Taxonomy.Domains {
			base = append(base, d.Key)
		}
	}
	seen := map[string]bool{}
	for _, d := range base {
		seen[d] = true
	}
	var extra []string
	add := func(m map[string]int64) {
		for d := range m {
			if !seen[d] {
				seen[d] = true
				extra = append(extra, d)
			}
		}
	}
	add(rep.Errors.ByDomain)
	for i := range rep.Timeline {
		add(rep.Timeline[i].ByDomain)
	}
	slices.Sort(extra)
	return append(base, extra...)
}

// domainOf returns the domain of a cause code ("target.timeout" → "target",
// "lb.internal" → "load_balancer").
func domainOf(rep *analysis.Report, cause string) string {
	return rep.Taxonomy.DomainOf(cause)
}

// brief returns the one-line hint of a cause, "" when the report's family
// has none.
func brief(rep *analysis.Report, cause string) string {
	if rep.Taxonomy == nil {
		return ""
	}
	return rep.Taxonomy.Brief(cause)
}

// causeKeys returns the union of the by-cause keys, ordered by total count.
func causeKeys(maps ...map[string]int64) []string {
	sum := map[string]int64{}
	for _, m := range maps {
		for k, v := range m {
			sum[k] += v
		}
	}
	var keys []string
	for _, e := range sortedCounts(sum) {
		keys = append(keys, e.Key)
	}
	return keys
}

func ratio(n, d int64) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// fmtPct formats a fraction as a percentage with enough digits to tell
// small rates apart.
func fmtPct(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	p := f * 100
	a := math.Abs(p)
	switch {
	case p == 0:
		return "0%"
	case a >= 99.95 && a < 100:
		// Not quite all: do not round up to 100.0%.
		return strconv.FormatFloat(math.Floor(p*100)/100, 'f', 2, 64) + "%"
	case a >= 10:
		return strconv.FormatFloat(p, 'f', 1, 64) + "%"
	case a >= 0.1:
		return strconv.FormatFloat(p, 'f', 2, 64) + "%"
	default:
		return strconv.FormatFloat(p, 'f', 3, 64) + "%"
	}
}

// fmtPctPoints formats a difference of two fractions in percentage points,
// with its sign.
func fmtPctPoints(f float64) string {
	s := fmtPct(math.Abs(f))
	s = strings.TrimSuffix(s, "%") + " pp"
	if f > 0 {
		return "+" + s
	}
	if f < 0 {
		return "−" + s
	}
	return "±0 pp"
}

// fmtMs formats a latency in milliseconds.
func fmtMs(f float64) string {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return "–"
	}
	switch a := math.Abs(f); {
	case a >= 100:
		return strconv.FormatFloat(f, 'f', 0, 64)
	case a >= 10:
		return strconv.FormatFloat(f, 'f', 1, 64)
	default:
		return strconv.FormatFloat(f, 'f', 2, 64)
	}
}

// fmtClock formats a report time as "2006-01-02 15:04 UTC"; "" for none.
func fmtClock(t analysis.Time) string {
	if t.IsZero() {
		return ""
	}
	u := t.UTC()
	if u.Second() != 0 {
		return u.Format("2006-01-02 15:04:05 UTC")
	}
	return u.Format("2006-01-02 15:04 UTC")
}

// fmtSpan formats a from–to pair of report times, leaving the date out of
// the second when it is the same day; an open end (a zero time: --since
// without --until, or the reverse) is said as such: "from 2026-11-20 13:05
// UTC, open-ended", "until 2026-11-20 13:20 UTC".
func fmtSpan(from, to analysis.Time) string {
	if from.IsZero() || to.IsZero() {
		return openSpan(fmtClock(from), fmtClock(to))
	}
	a, b := from.UTC(), to.UTC()
	layout := "15:04"
	if a.Second() != 0 || b.Second() != 0 {
		layout = "15:04:05"
	}
	if a.Format("2006-01-02") == b.Format("2006-01-02") {
		return a.Format("2006-01-02 "+layout) + "–" + b.Format(layout) + " UTC"
	}
	return a.Format("2006-01-02 "+layout) + " – " + b.Format("2006-01-02 "+layout) + " UTC"
}

// openSpan writes a span with an open end from its ends written ("" for
// the open one).
func openSpan(from, to string) string {
	switch {
	case from == "" && to == "":
		return "open-ended"
	case to == "":
		return "from " + from + ", open-ended"
	case from == "":
		return "until " + to
	}
	return from + " – " + to
}

// fmtDuration formats a duration briefly ("15m", "2h30m", "1d2h").
func fmtDuration(d time.Duration) string {
	if d <= 0 {
		return "0s"
	}
	if d < time.Minute {
		return strconv.Itoa(int(d.Seconds())) + "s"
	}
	days := int(d / (24 * time.Hour))
	d -= time.Duration(days) * 24 * time.Hour
	h := int(d / time.Hour)
	d -= time.Duration(h) * time.Hour
	m := int(d / time.Minute)
	var b strings.Builder
	if days > 0 {
		b.WriteString(strconv.Itoa(days) + "d")
	}
	if h > 0 {
		b.WriteString(strconv.Itoa(h) + "h")
	}
	if m > 0 && days == 0 {
		b.WriteString(strconv.Itoa(m) + "m")
	}
	if b.Len() == 0 {
		return "0m"
	}
	return b.String()
}

// windowLen returns the length of a verdict window, when both ends are
// known.
func windowLen(w *analysis.Window) (time.Duration, bool) {
	if w.Start.IsZero() || w.End.IsZero() {
		return 0, false
	}
	return w.End.Sub(w.Start.Time), true
}

// windowText writes the verdict's window: its span, its length, and
// where it meets the edge of what was read ("2026-11-20 13:00–13:35 UTC
// (35m, to the end of the logs)"): a window clipped there may have begun
// before or go on.
func windowText(rep *analysis.Report, w *analysis.Window) string {
	var notes []string
	if d, ok := windowLen(w); ok {
		notes = append(notes, fmtDuration(d))
	}
	edge := func(t, bound analysis.Time) string {
		if !bound.IsZero() && t.Equal(bound.Time) {
			return "period"
		}
		return "logs"
	}
	var since, until analysis.Time
	if rep.Window != nil {
		since, until = rep.Window.First, rep.Window.Last
	}
	switch {
	case w.OpenStart && w.OpenEnd:
		notes = append(notes, "the whole "+edge(w.Start, since))
	case w.OpenStart:
		notes = append(notes, "from the start of the "+edge(w.Start, since))
	case w.OpenEnd:
		notes = append(notes, "to the end of the "+edge(w.End, until))
	}
	s := fmtSpan(w.Start, w.End)
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, ", ") + ")"
	}
	return s
}

// domainTitle is how a domain is named to a person: its family's title
// for it, else its key.
func domainTitle(rep *analysis.Report, d string) string {
	if dom := rep.Taxonomy.Domain(d); dom != nil && dom.Title != "" {
		return dom.Title
	}
	return Sanitize(d)
}

// topCause returns the largest entry of a by-cause map, "" when empty.
func topCause(m map[string]int64) string {
	s := sortedCounts(m)
	if len(s) == 0 {
		return ""
	}
	return s[0].Key
}

// hasFivexx reports whether the report counted any 5xx.
func hasFivexx(rep *analysis.Report) bool { return rep.Errors.Total5xx > 0 }

// noRequests reports whether the report has no request (its rows are all
// of other logs, such as connections or health checks read alone, or it
// has no row in its period): its request figures, all zero, are not shown.
func noRequests(rep *analysis.Report) bool {
	return rep.Requests == 0
}

// empty reports whether the report holds no row at all in its period: no
// request, no row of other logs (a window with no rows, empty inputs).
func empty(rep *analysis.Report) bool {
	return rep.Requests == 0 && rep.Lines.OtherLogs == 0
}

// tone is how a verdict's headline is drawn.
type tone uint8

const (
	// toneOK: no 5xx and nothing wrong found.
	toneOK tone = iota
	// tone5xx: 5xx attributed to a domain, whose colour it takes.
	tone5xx
	// toneWarn: a finding beyond the 5xx leads (a family's fault, a quiet
	// node), or the period holds no row at all.
	toneWarn
)

// verdictTone returns how rep's headline is drawn: by its verdict's fault
// (analysis.Verdict.Fault), a headline that says all is well being OK.
func verdictTone(rep *analysis.Report) tone {
	v := rep.Verdict
	switch {
	case v.Headline != "" && v.Fault, empty(rep):
		return toneWarn
	case v.Headline != "":
		return toneOK
	case hasFivexx(rep) && v.PrimaryCause != nil:
		return tone5xx
	}
	return toneOK
}

// contextOrder lists the non-5xx context counters in the order shown.
// Counters at zero are left out.
func contextCounts(rep *analysis.Report) []kv {
	out := sortedCounts(rep.Context)
	for len(out) > 0 && out[len(out)-1].Count == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// downsample sums adjacent buckets so that at most n remain. It returns the
// grouped buckets and how many source buckets each holds.
func downsample(tl []analysis.Bucket, n int) ([]analysis.Bucket, int) {
	if n <= 0 || len(tl) <= n {
		return tl, 1
	}
	group := (len(tl) + n - 1) / n
	out := make([]analysis.Bucket, 0, (len(tl)+group-1)/group)
	for i := 0; i < len(tl); i += group {
		end := min(i+group, len(tl))
		b := analysis.Bucket{Start: tl[i].Start, ByDomain: map[string]int64{}}
		for _, x := range tl[i:end] {
			b.Requests += x.Requests
			b.Errors5xx += x.Errors5xx
			for d, v := range x.ByDomain {
				b.ByDomain[d] += v
			}
		}
		out = append(out, b)
	}
	return out, group
}

// sparkline draws values as eighth-block characters, scaled to the
// largest; zero is a space-like baseline "▁" only when all are zero.
func sparkline(vals []int64) string {
	const blocks = "▁▂▃▄▅▆▇█"
	var mx int64
	for _, v := range vals {
		mx = max(mx, v)
	}
	var b strings.Builder
	for _, v := range vals {
		switch {
		case v <= 0:
			b.WriteString(" ")
		case mx == 0:
			b.WriteString("▁")
		default:
			i := int(math.Ceil(float64(v)/float64(mx)*8)) - 1
			i = max(0, min(7, i))
			b.WriteString(string([]rune(blocks)[i]))
		}
	}
	return b.String()
}

// overallLatency returns the report's overall latency percentiles: the
// report's own (latency_ms, else a part's, such as CloudFront's time
// taken) when present,
// otherwise, for a report written before latency_ms existed, an estimate:
// the request-weighted mean of the targets' percentiles. ok is false when
// there is nothing to go on.
func overallLatency(rep *analysis.Report) (analysis.Latency, bool) {
	if rep.LatencyMs != nil {
		return *rep.LatencyMs, true
	}
	for _, p := range rep.Parts {
		if p.Latency != nil && *p.Latency != (analysis.Latency{}) {
			return *p.Latency, true
		}
	}
	var l analysis.Latency
	var w float64
	for _, t := range rep.Targets {
		if t.Requests <= 0 || !finite(t.LatencyMs.P50) || !finite(t.LatencyMs.P95) || !finite(t.LatencyMs.P99) {
			continue
		}
		f := float64(t.Requests)
		l.P50 += f * t.LatencyMs.P50
		l.P95 += f * t.LatencyMs.P95
		l.P99 += f * t.LatencyMs.P99
		w += f
	}
	if w == 0 {
		return analysis.Latency{}, false
	}
	return analysis.Latency{P50: l.P50 / w, P95: l.P95 / w, P99: l.P99 / w}, true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// FamilyName is how a title names the log family of a report: its
// taxonomy's name ("ALB", "CloudFront"), or "Load balancer" when the report
// has none.
func FamilyName(rep *analysis.Report) string {
	if rep.Taxonomy != nil && rep.Taxonomy.Name != "" {
		return rep.Taxonomy.Name
	}
	return "Load balancer"
}

// reportTitle is the default title of a report.
func reportTitle(rep *analysis.Report, title string) string {
	if title != "" {
		return title
	}
	kind := FamilyName(rep) + " 5xx triage"
	switch {
	case rep.Taxonomy != nil && rep.Taxonomy.Triage != "":
		kind = rep.Taxonomy.Triage
	case rep.Requests == 0 && rep.Lines.OtherLogs > 0:
		kind = FamilyName(rep) + " triage" // logs with no requests: no 5xx to triage
	}
	if lb := rep.LoadBalancer; lb != nil && lb.Name != "" {
		kind += " of " + Sanitize(lb.Name)
	}
	span := ""
	if w := rep.Window; w != nil && (!w.First.IsZero() || !w.Last.IsZero()) {
		span = fmtSpan(w.First, w.Last)
	} else if !rep.TimeRange.First.IsZero() {
		span = fmtSpan(rep.TimeRange.First, rep.TimeRange.Last)
	}
	if span == "" {
		return kind
	}
	return kind + ", " + span
}

// loadBalancerText describes a report's load balancer: "shop-prod-alb
// (app/shop-prod-alb/50dc6c495c0c9188), account 123456789012, eu-west-1";
// "" when the report is about none.
func loadBalancerText(rep *analysis.Report) string {
	lb := rep.LoadBalancer
	if lb == nil {
		return ""
	}
	s := Sanitize(lb.Name)
	if lb.ResourceID != "" && lb.ResourceID != lb.Name {
		s += " (" + Sanitize(lb.ResourceID) + ")"
	}
	if lb.Account != "" {
		s += ", account " + Sanitize(lb.Account)
	}
	if lb.Region != "" {
		s += ", " + Sanitize(lb.Region)
	}
	return s
}

// linesText is the line count of the inputs: "lines read 10, parsed 9,
// rejected 1, comments 0, outside window 0", with the rows of other logs
// (no requests) and of other load balancers when there are any; outside names the window ("outside
// window", "outside the window").
func linesText(ln analysis.Lines, outside string) string {
	s := "read " + numfmt.Int(ln.Read) + ", parsed " + numfmt.Int(ln.Parsed) + ", rejected " + numfmt.Int(ln.Rejected) +
		", comments " + numfmt.Int(ln.Comments) + ", " + outside + " " + numfmt.Int(ln.OutsideWindow)
	if ln.OtherLogs > 0 {
		s += ", other logs " + numfmt.Int(ln.OtherLogs)
	}
	if ln.OtherLoadBalancers > 0 {
		s += ", other load balancers " + numfmt.Int(ln.OtherLoadBalancers)
	}
	return s
}

// subjectLabel names what a report is about, for the overview of several:
// "load balancer shop-prod-alb", or "the CloudFront logs".
func subjectLabel(rep *analysis.Report) string {
	if lb := rep.LoadBalancer; lb != nil && lb.Name != "" {
		return "load balancer " + Sanitize(lb.Name)
	}
	return "the " + FamilyName(rep) + " logs"
}

// overview is the line that opens several reports rendered together: how
// many, and the one most 5xx are in.
func overview(reps []*analysis.Report) string {
	var total int64
	lead := reps[0]
	for _, r := range reps {
		total += r.Errors.Total5xx
		if r.Errors.Total5xx > lead.Errors.Total5xx {
			lead = r
		}
	}
	s := fmt.Sprintf("%d reports", len(reps))
	// What leads beyond the 5xx, in the reports that have it.
	var beyond []string
	for _, r := range reps {
		if r.Verdict.Headline != "" && r.Verdict.Fault {
			beyond = append(beyond, subjectLabel(r)+": "+Sanitize(r.Verdict.Headline))
		}
	}
	tail := "."
	if len(beyond) > 0 {
		tail = "; beyond the 5xx, " + strings.Join(beyond, "; ") + "."
	}
	if total == 0 {
		labels := make([]string, len(reps))
		for i, r := range reps {
			labels[i] = subjectLabel(r)
		}
		return s + ", no 5xx in any: " + strings.Join(labels, ", ") + tail
	}
	s += fmt.Sprintf("; most 5xx are at %s (%s of %s)", subjectLabel(lead), numfmt.Int(lead.Errors.Total5xx), numfmt.Int(total))
	var others []string
	for _, r := range reps {
		if r != lead {
			others = append(others, subjectLabel(r)+" "+numfmt.Int(r.Errors.Total5xx))
		}
	}
	return s + "; the others: " + strings.Join(others, ", ") + tail
}

// headline is the verdict's first line, e.g. "TARGET at fault:
// target.connection_error, 87% of 5xx".
func headline(rep *analysis.Report) string {
	v := rep.Verdict
	if v.Headline != "" {
		return Sanitize(v.Headline)
	}
	if empty(rep) {
		if rep.Window != nil {
			return "No requests in the period"
		}
		return "No requests read"
	}
	if rep.Requests == 0 {
		// Other logs alone (health checks, connections) whose family has
		// no headline of its own: no 5xx to speak of.
		return "No fault found"
	}
	if !hasFivexx(rep) || v.PrimaryCause == nil {
		return "No 5xx in " + numfmt.Int(rep.Requests) + " requests"
	}
	return strings.ToUpper(domainTitle(rep, primaryDomain(rep))) + " at fault: " + Sanitize(*v.PrimaryCause) + ", " + fmtPct(v.Share) + " of 5xx"
}

// primaryDomain returns the domain of the verdict's primary cause: the
// verdict's, else the cause's in the report's family. The verdict must
// have a primary cause.
func primaryDomain(rep *analysis.Report) string {
	if d := rep.Verdict.PrimaryDomain; d != nil {
		return *d
	}
	return domainOf(rep, *rep.Verdict.PrimaryCause)
}

// timeDur converts seconds to a duration.
func timeDur(sec int64) time.Duration { return time.Duration(sec) * time.Second }

// fmtShortSpan formats a from–to pair as clock times only ("13:05–13:19:48"),
// with the date when the two differ in day; for table cells.
func fmtShortSpan(from, to analysis.Time) string {
	if from.IsZero() || to.IsZero() {
		short := func(t analysis.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.UTC().Format("Jan 2 ") + clockOnly(t)
		}
		return openSpan(short(from), short(to))
	}
	a, b := from.UTC(), to.UTC()
	if a.Format("2006-01-02") != b.Format("2006-01-02") {
		return a.Format("Jan 2 ") + clockOnly(from) + " – " + b.Format("Jan 2 ") + clockOnly(to)
	}
	return clockOnly(from) + "–" + clockOnly(to)
}

// clockOnly writes a time as "13:05" or "13:05:30".
func clockOnly(t analysis.Time) string {
	u := t.UTC()
	if u.Second() != 0 {
		return u.Format("15:04:05")
	}
	return u.Format("15:04")
}

// targetNoun is what a report's targets are called, capitalised
// ("Target"); targetNouns is the plural ("Targets").
func targetNoun(rep *analysis.Report) string { return capital(rep.Taxonomy.TargetNoun().One) }

func targetNouns(rep *analysis.Report) string { return capital(rep.Taxonomy.TargetNoun().Many) }

// capital returns s with its first letter in upper case.
func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// anySubnet reports whether any target has a subnet.
func anySubnet(ts []analysis.Target) bool {
	for _, t := range ts {
		if t.Subnet != "" {
			return true
		}
	}
	return false
}
