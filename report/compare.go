package report

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// Comparison is a report compared with a baseline report, typically one
// day against the day before. Rates are fractions of all requests in the
// period. Its JSON encoding is the "comparison" key of the JSON report.
type Comparison struct {
	Day      Period `json:"day"`
	Baseline Period `json:"baseline"`
	// Rate5xx is the overall 5xx rate.
	Rate5xx RateChange `json:"rate_5xx"`
	// ByDomain and ByCause are 5xx rates per domain and per cause, in
	// either period, largest day rate first.
	ByDomain []RateChange `json:"by_domain"`
	ByCause  []RateChange `json:"by_cause"`
	// NewFailingTargets have 5xx in the day and none in the baseline.
	NewFailingTargets []NewTarget `json:"new_failing_targets"`
	// Latency is the overall latency (see OverallLatency) in both periods.
	Latency LatencyShift `json:"latency_ms"`
	// TargetLatency holds the targets present in both periods, largest
	// p99 shift first.
	TargetLatency []LatencyShift `json:"target_latency_ms"`
	// Thresholds are the --fail-on checks, filled in by the caller with
	// CheckThresholds.
	Thresholds []ThresholdResult `json:"thresholds"`
}

// Period names the time compared and its totals.
type Period struct {
	First     analysis.Time `json:"first"`
	Last      analysis.Time `json:"last"`
	Requests  int64         `json:"requests"`
	Errors5xx int64         `json:"errors_5xx"`
}

// RateChange is a 5xx rate in the day and in the baseline.
type RateChange struct {
	// Key is the domain or cause; empty for the overall rate.
	Key           string  `json:"key,omitempty"`
	Day           float64 `json:"day"`
	Baseline      float64 `json:"baseline"`
	DayCount      int64   `json:"day_count"`
	BaselineCount int64   `json:"baseline_count"`
}

// HasBaseline reports whether c compares with a baseline; a Comparison
// without one carries only Thresholds (the baseline could not be read).
func (c *Comparison) HasBaseline() bool {
	return c.Baseline.Requests > 0 || !c.Baseline.First.IsZero()
}

// Delta is the change in rate, day minus baseline.
func (r RateChange) Delta() float64 { return r.Day - r.Baseline }

// NewTarget is a target failing in the day but not in the baseline.
type NewTarget struct {
	Target    string        `json:"target"`
	Subnet    string        `json:"subnet,omitempty"`
	Requests  int64         `json:"requests"`
	Errors5xx int64         `json:"errors_5xx"`
	TopCause  string        `json:"top_cause,omitempty"`
	First5xx  analysis.Time `json:"first_5xx,omitzero"`
	// InBaseline is true when the target served requests in the baseline
	// (without any 5xx); false when it is new altogether.
	InBaseline bool `json:"in_baseline"`
}

// LatencyShift is latency in the day and in the baseline.
type LatencyShift struct {
	// Target is empty for the overall latency.
	Target   string           `json:"target,omitempty"`
	Day      analysis.Latency `json:"day"`
	Baseline analysis.Latency `json:"baseline"`
}

// Compare compares day with baseline.
func Compare(day, baseline *analysis.Report) *Comparison {
	c := &Comparison{
		Day:      period(day),
		Baseline: period(baseline),
		Rate5xx: RateChange{
			Day: ratio(day.Errors.Total5xx, day.Requests), Baseline: ratio(baseline.Errors.Total5xx, baseline.Requests),
			DayCount: day.Errors.Total5xx, BaselineCount: baseline.Errors.Total5xx,
		},
		ByDomain:          rateChanges(day, baseline, day.Errors.ByDomain, baseline.Errors.ByDomain),
		ByCause:           rateChanges(day, baseline, day.Errors.ByCause, baseline.Errors.ByCause),
		NewFailingTargets: []NewTarget{},
		TargetLatency:     []LatencyShift{},
		Thresholds:        []ThresholdResult{},
	}
	dl, _ := overallLatency(day)
	bl, _ := overallLatency(baseline)
	c.Latency = LatencyShift{Day: finiteLatency(dl), Baseline: finiteLatency(bl)}

	base := make(map[string]*analysis.Target, len(baseline.Targets))
	for i := range baseline.Targets {
		base[baseline.Targets[i].Target] = &baseline.Targets[i]
	}
	for _, t := range day.Targets {
		b := base[t.Target]
		if t.Errors5xx > 0 && (b == nil || b.Errors5xx == 0) {
			c.NewFailingTargets = append(c.NewFailingTargets, NewTarget{
				Target: t.Target, Subnet: t.Subnet, Requests: t.Requests, Errors5xx: t.Errors5xx,
				TopCause: topCause(t.ByCause), First5xx: t.First5xx, InBaseline: b != nil,
			})
		}
		if b != nil && t.Requests > 0 && b.Requests > 0 {
			c.TargetLatency = append(c.TargetLatency, LatencyShift{
				Target: t.Target, Day: finiteLatency(t.LatencyMs), Baseline: finiteLatency(b.LatencyMs),
			})
		}
	}
	slices.SortFunc(c.NewFailingTargets, func(a, b NewTarget) int {
		if x := cmp.Compare(b.Errors5xx, a.Errors5xx); x != 0 {
			return x
		}
		return strings.Compare(a.Target, b.Target)
	})
	slices.SortFunc(c.TargetLatency, func(a, b LatencyShift) int {
		da, db := math.Abs(a.Day.P99-a.Baseline.P99), math.Abs(b.Day.P99-b.Baseline.P99)
		if x := cmp.Compare(db, da); x != 0 {
			return x
		}
		return strings.Compare(a.Target, b.Target)
	})
	return c
}

func period(rep *analysis.Report) Period {
	p := Period{First: rep.TimeRange.First, Last: rep.TimeRange.Last, Requests: rep.Requests, Errors5xx: rep.Errors.Total5xx}
	if rep.Window != nil {
		p.First, p.Last = rep.Window.First, rep.Window.Last
	}
	return p
}

func rateChanges(day, baseline *analysis.Report, dm, bm map[string]int64) []RateChange {
	keys := map[string]bool{}
	for k := range dm {
		keys[k] = true
	}
	for k := range bm {
		keys[k] = true
	}
	out := make([]RateChange, 0, len(keys))
	for k := range keys {
		out = append(out, RateChange{
			Key: k, Day: ratio(dm[k], day.Requests), Baseline: ratio(bm[k], baseline.Requests),
			DayCount: dm[k], BaselineCount: bm[k],
		})
	}
	slices.SortFunc(out, func(a, b RateChange) int {
		if x := cmp.Compare(b.DayCount, a.DayCount); x != 0 {
			return x
		}
		if x := cmp.Compare(b.BaselineCount, a.BaselineCount); x != 0 {
			return x
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out
}

// Threshold is a --fail-on check such as "lb_5xx_rate>0.1%" or
// "cause:target.timeout>=0.5%" or "p99_ms>800".
//
// Metrics (ThresholdMetrics): 5xx_rate, lb_5xx_rate (the domains of the
// front end: the load balancer, the CloudFront edge; edge_5xx_rate is the
// same), target_5xx_rate (the back end: targets, the origin;
// origin_5xx_rate is the same), client_5xx_rate, cause:CODE (that cause's
// 5xx per request), errors_5xx (a count), and p50_ms, p95_ms, p99_ms (the
// overall latency, see OverallLatency). Rates are percentages of all
// requests, written with "%" (0 may go without), from 0% to 100%; counts
// and latencies are not negative. Operators are >, >=, <
// and <=.
type Threshold struct {
	// Expr is the expression as written.
	Expr   string
	Metric string
	Op     string
	// Value is the limit; rates as fractions.
	Value float64
}

// ErrBadThreshold is wrapped by ParseThreshold's errors.
var ErrBadThreshold = errors.New("bad threshold")

// ThresholdMetrics lists the metrics a threshold can check, "cause:CODE"
// standing for every cause.
func ThresholdMetrics() []string {
	return []string{"5xx_rate", "lb_5xx_rate", "edge_5xx_rate", "target_5xx_rate", "origin_5xx_rate",
		"client_5xx_rate", "cause:CODE", "errors_5xx", "p50_ms", "p95_ms", "p99_ms"}
}

// ParseThreshold parses a threshold expression; causes are the cause codes
// a cause:CODE metric may name (analysis.Causes), so that a threshold that
// could never fire is refused rather than checked.
func ParseThreshold(expr string, causes []string) (Threshold, error) {
	s := strings.TrimSpace(expr)
	bad := func(format string, args ...any) (Threshold, error) {
		return Threshold{}, fmt.Errorf("%w %q: %s", ErrBadThreshold, expr, fmt.Sprintf(format, args...))
	}
	i := strings.IndexAny(s, "<>")
	if i < 0 {
		return bad("want METRIC OP VALUE, e.g. lb_5xx_rate>0.1%%")
	}
	op := s[i : i+1]
	rest := s[i+1:]
	if strings.HasPrefix(rest, "=") {
		op += "="
		rest = rest[1:]
	}
	t := Threshold{Expr: s, Metric: strings.TrimSpace(s[:i]), Op: op}
	if t.Metric == "" {
		return bad("no metric before %s", op)
	}
	if code, ok := strings.CutPrefix(t.Metric, "cause:"); ok {
		if !slices.Contains(causes, code) {
			return bad("unknown cause %q (want one of %s)", code, strings.Join(causes, ", "))
		}
	} else if !slices.Contains(ThresholdMetrics(), t.Metric) {
		return bad("unknown metric %q (want one of %s)", t.Metric, strings.Join(ThresholdMetrics(), ", "))
	}
	val := strings.TrimSpace(rest)
	pct := strings.HasSuffix(val, "%")
	num := strings.TrimSpace(strings.TrimSuffix(val, "%"))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return bad("value %q is not a number", val)
	}
	switch {
	case pct && !t.IsRate():
		return bad("%s is not a rate, so it takes no %%", t.Metric)
	case t.IsRate() && !pct && v != 0:
		asPct := strconv.FormatFloat(math.Round(v*100*1e9)/1e9, 'f', -1, 64)
		return bad("%s is a rate: write it as a percentage, %s%s%s%% or, if %s is a fraction, %s%s%s%%",
			t.Metric, t.Metric, op, num, num, t.Metric, op, asPct)
	case v < 0:
		return bad("%s is never below 0", t.Metric)
	case t.IsRate() && v > 100:
		return bad("%s is never above 100%%", t.Metric)
	}
	if pct {
		v /= 100
	}
	t.Value = v
	return t, nil
}

// IsRate reports whether the metric is a fraction of requests.
func (t Threshold) IsRate() bool {
	return strings.HasSuffix(t.Metric, "_rate") || strings.HasPrefix(t.Metric, "cause:")
}

// Check measures the metric in rep and reports whether the threshold is
// crossed, with the measured value (rates as fractions).
func (t Threshold) Check(rep *analysis.Report) (crossed bool, actual float64) {
	actual = t.measure(rep)
	switch t.Op {
	case ">":
		crossed = actual > t.Value
	case ">=":
		crossed = actual >= t.Value
	case "<":
		crossed = actual < t.Value
	case "<=":
		crossed = actual <= t.Value
	}
	return crossed, actual
}

func (t Threshold) measure(rep *analysis.Report) float64 {
	// A party's rate adds up the domains of that party, in whatever words
	// the report's family has them; a report with no taxonomy (decoded
	// from JSON) goes by the usual keys.
	party := func(p analysis.Party, keys ...string) float64 {
		var n int64
		for d, v := range rep.Errors.ByDomain {
			if dom := rep.Taxonomy.Domain(d); dom != nil && dom.Party == p || dom == nil && slices.Contains(keys, d) {
				n += v
			}
		}
		return ratio(n, rep.Requests)
	}
	switch t.Metric {
	case "5xx_rate":
		return ratio(rep.Errors.Total5xx, rep.Requests)
	case "lb_5xx_rate", "edge_5xx_rate":
		return party(analysis.PartyFront, "load_balancer", "edge")
	case "target_5xx_rate", "origin_5xx_rate":
		return party(analysis.PartyBackend, "target", "origin")
	case "client_5xx_rate":
		return party(analysis.PartyClient, "client")
	case "errors_5xx":
		return float64(rep.Errors.Total5xx)
	case "p50_ms", "p95_ms", "p99_ms":
		l, _ := overallLatency(rep)
		switch t.Metric {
		case "p50_ms":
			return finiteOr0(l.P50)
		case "p95_ms":
			return finiteOr0(l.P95)
		}
		return finiteOr0(l.P99)
	}
	if code, ok := strings.CutPrefix(t.Metric, "cause:"); ok {
		return ratio(rep.Errors.ByCause[code], rep.Requests)
	}
	return 0
}

// ThresholdResult is one threshold checked against a report.
type ThresholdResult struct {
	Expr    string  `json:"expr"`
	Metric  string  `json:"metric"`
	Op      string  `json:"op"`
	Value   float64 `json:"value"`
	Actual  float64 `json:"actual"`
	IsRate  bool    `json:"is_rate"`
	Crossed bool    `json:"crossed"`
}

// CheckThresholds checks every threshold against rep; crossed is true when
// any of them is crossed.
func CheckThresholds(rep *analysis.Report, ths []Threshold) (results []ThresholdResult, crossed bool) {
	results = make([]ThresholdResult, 0, len(ths))
	for _, t := range ths {
		c, actual := t.Check(rep)
		results = append(results, ThresholdResult{
			Expr: t.Expr, Metric: t.Metric, Op: t.Op, Value: t.Value, Actual: actual, IsRate: t.IsRate(), Crossed: c,
		})
		crossed = crossed || c
	}
	return results, crossed
}

// OverallLatency returns the report's overall latency percentiles in
// milliseconds: CloudFront's own when the report has them, otherwise the
// request-weighted mean of the targets' percentiles (an ALB report holds
// per-target sketches only, and percentiles cannot be merged exactly, so
// this is an estimate). ok is false when there is nothing to go on.
func OverallLatency(rep *analysis.Report) (l analysis.Latency, ok bool) { return overallLatency(rep) }

// fmtValue formats a threshold value or measurement.
func (r ThresholdResult) fmtValue(v float64) string {
	if r.IsRate {
		return fmtPct(v)
	}
	if strings.HasSuffix(r.Metric, "_ms") {
		return fmtMs(v) + " ms"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// crossedThresholds describes the crossed thresholds of c, one string each
// ("lb_5xx_rate>0.1%, actual 0.52%"); nil when c is nil or none is crossed.
func crossedThresholds(c *Comparison) []string {
	if c == nil {
		return nil
	}
	var out []string
	for _, r := range c.Thresholds {
		if r.Crossed {
			out = append(out, Sanitize(r.Expr)+", actual "+r.fmtValue(r.Actual))
		}
	}
	return out
}
