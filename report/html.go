package report

import (
	"cmp"
	_ "embed"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// The HTML report is one self-contained page: inline CSS, inline SVG
// charts, no script, no network. Charts are SVG built here and written with
// html/template rather than drawn with gonum.org/v1/plot's vgsvg backend:
//
//   - size: a stacked bar series is one <path> per domain, a few KiB for a
//     whole day, where vgsvg writes every bar as its own element and embeds
//     its fonts, hundreds of KiB before any data;
//   - look: the page's own fonts and CSS colour variables style the charts,
//     so light and dark mode (prefers-color-scheme) and the tables match
//     the charts; vgsvg bakes colours and fonts into the drawing;
//   - safety: every label goes through the same html/template escaping as
//     the rest of the page, so no second escaping path exists;
//   - the charts are simple (stacked bars on a time axis, range bars on a
//     log axis): plot's strengths (many chart types, axis machinery) would
//     be mostly unused, for a new module in go.mod.
//
// Every log-derived string reaches the page only as template data, so
// html/template escapes it for its context; no value is marked as trusted
// HTML, CSS or URL. A Content-Security-Policy meta tag forbids scripts and
// every network fetch, so even an escaping bug could not run anything.

//go:embed html.tmpl
var htmlTemplate string

var htmlTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"int":   numfmt.Int,
	"pct":   fmtPct,
	"ms":    fmtMs,
	"f1":    f1,
	"f2":    f2,
	"add":   func(a, b float64) float64 { return a + b },
	"lower": strings.ToLower,
	"sparkOf": func(class string, w float64) htmlSpark {
		return htmlSpark{Class: class, W: math.Round(finiteOr0(w)*10) / 10}
	},
	"rowsOf": func(name, extra string, rows []htmlRow) htmlRowsTable {
		return htmlRowsTable{Name: name, Extra: extra, Rows: rows}
	},
	"signedMs": func(s LatencyShift) string { return signedMs(s.Day.P99 - s.Baseline.P99) },
}).Parse(htmlTemplate))

// htmlSpark is one sparkbar: a class for the colour and a width 0..100.
type htmlSpark struct {
	Class string
	W     float64
}

// htmlRowsTable is a name/requests/5xx table with an optional extra column.
type htmlRowsTable struct {
	Name, Extra string
	Rows        []htmlRow
}

func renderHTML(w io.Writer, rep *analysis.Report, cmp *Comparison, opts Options) error {
	v := buildHTMLView(rep, cmp, opts)
	return htmlTmpl.Execute(w, htmlDoc{Title: v.Title, Reports: []*htmlView{v}})
}

// renderHTMLAll renders several reports (one per input format) as one page.
func renderHTMLAll(w io.Writer, reps []*analysis.Report, opts Options) error {
	doc := htmlDoc{}
	titles := make([]string, 0, len(reps))
	for i, rep := range reps {
		o := opts.of(i)
		v := buildHTMLView(rep, o.comparison(rep), o)
		doc.Reports = append(doc.Reports, v)
		titles = append(titles, v.Title)
	}
	doc.Title = strings.Join(titles, " · ")
	doc.Overview = overview(reps)
	return htmlTmpl.Execute(w, doc)
}

// htmlDoc is one page: its title and the reports it shows, one after the
// other.
type htmlDoc struct {
	Title string
	// Overview, for several reports, says which one most 5xx are in.
	Overview string
	Reports  []*htmlView
}

// htmlView is everything the template shows, already computed.
type htmlView struct {
	Title    string
	Subtitle string
	Verdict  htmlVerdict
	Crossed  []string
	KPIs     []htmlKPI
	Charts   []htmlChart
	Legend   []htmlLegend
	Domains  []htmlBarRow
	Causes   []htmlCauseRow
	Context  []kv

	TargetsTitle string
	TargetNoun   string
	Subnets0     bool // no target has a subnet: hide the column
	Targets      []htmlTargetRow
	Latency      htmlLatency
	Nodes        []htmlRow
	Subnets      []htmlRow
	Paths        []htmlRow
	Clients      []htmlRow
	Sections     []htmlSection
	Comparison   *htmlComparison

	Inputs   htmlInputs
	Rejected []analysis.RejectedSample
}

type htmlVerdict struct {
	OK       bool
	Lead     bool   // a family's headline leads (analysis.Verdict.Headline)
	Class    string // domain class for the colour
	Party    string // "Target", "Load balancer", ...
	Cause    string
	Share    string
	Headline string
	Summary  string
	Findings []string
	Window   string
	WindowAt string
	Hints    []string
}

type htmlKPI struct {
	Label, Value, Note, Class string
}

type htmlLegend struct {
	Class, Label string
}

type htmlBarRow struct {
	Name, Class string
	Count       int64
	Share       float64
	Bar         float64 // 0..100
}

type htmlCauseRow struct {
	Code, Domain, Class, Hint string
	Count                     int64
	Share                     float64
	Bar                       float64
}

type htmlTargetRow struct {
	Name, Subnet   string
	Requests, E5   int64
	Rate           float64
	ReqBar, ErrBar float64
	Causes         []kv
	Lat            analysis.Latency
	Since          string
}

type htmlRow struct {
	Name           string
	Requests, E5   int64
	Rate           float64
	ReqBar, ErrBar float64
	Extra          string // share, target count ...
	Causes         []kv
}

type htmlTick struct {
	Pos    float64
	Label  string
	Anchor string // SVG text-anchor; empty means "middle"
}

type htmlSeries struct {
	Class, Label, D string
}

type htmlChart struct {
	Title, Caption string
	W, H           float64
	X, Y, PW, PH   float64 // plot area
	Series         []htmlSeries
	YTicks         []htmlTick
	XTicks         []htmlTick
	Window         *htmlBand
	Empty          bool
	// Hover are full-height columns, one per bar, whose titles give the
	// bucket's figures on hover.
	Hover []htmlHover
}

type htmlHover struct {
	X, W  float64
	Title string
}

type htmlBand struct {
	X, W, LabelX float64
	Label        string
}

// The latency axis spans these x positions of a 320-unit-wide SVG.
const (
	latAxisLeft  = 24.0
	latAxisRight = 296.0
)

// htmlLatency is the per-target latency chart: one row per target with
// p50, p95 and p99 placed on a shared log axis.
type htmlLatency struct {
	Rows  []htmlLatencyRow
	Ticks []htmlTick
	// More is true when only the slowest htmlLatencyRows of Total are shown.
	More  bool
	Total int
}

// htmlLatencyRows caps the latency chart; every target stays in the
// targets table.
const htmlLatencyRows = 50

type htmlLatencyRow struct {
	Name          string
	Lat           analysis.Latency
	X50, X95, X99 float64 // x on the latency axis, latAxisLeft..latAxisRight
	Slow          bool
}

// htmlSection is a family's section, ready for the page.
type htmlSection struct {
	ID, Title string
	Facts     []htmlFact
	Counts    []kv
	Tables    []htmlTable
	Timelines []htmlStates
}

type htmlFact struct {
	Label, Value string
	Bold         bool // a single figure, in bold; latencies are not
}

// htmlTable is a generic table: its header cells and rows.
type htmlTable struct {
	Title   string
	Headers []htmlHead
	Rows    [][]htmlCell
}

type htmlHead struct {
	Text  string
	Right bool
}

// htmlCell is one cell: its text, and how the page shows it.
type htmlCell struct {
	Text  string
	Code  bool    // a log-derived name: monospace
	Right bool    // a number
	Hi    bool    // a 5xx rate of 1% or more
	Bar   string  // the spark bar's class, "" for none
	W     float64 // the bar's width, 0..100
}

// htmlStates is a state timeline: a strip of coloured cells per row.
type htmlStates struct {
	Title  string
	Legend []htmlLegend
	W      float64 // SVG width of a strip, stretched to the column
	Rows   []htmlStateRow
	// Axis labels the strips' start, middle and end times.
	From, Mid, To string
}

type htmlStateRow struct {
	Name  string
	Cells []htmlStateCell
}

type htmlStateCell struct {
	X     float64
	Class string
}

type htmlComparison struct {
	// NoBaseline: only the thresholds are shown.
	NoBaseline bool
	Baseline   string
	Day        string
	Rate       RateChange
	Rows       []htmlCmpRow
	Latency    *LatencyShift
	NewTargets []htmlNewTarget
	Shifts     []LatencyShift
	Thresholds []ThresholdResult
	Crossed    int
}

// htmlNewTarget is a NewTarget with its text ready for the page.
type htmlNewTarget struct {
	Target, Subnet      string
	Requests, Errors5xx int64
	TopCause, First5xx  string
	InBaseline          bool
}

type htmlCmpRow struct {
	Name, Class    string
	IsCause        bool
	Day, Baseline  string
	Delta          string
	Worse, Better  bool
	DayN, BaseN    int64
	DayBar, BasBar float64
}

type htmlInputs struct {
	Summary string
	Lines   string
	Failed  []analysis.Failed
	Skipped []analysis.Skipped
}

func f1(f float64) string { return strconv.FormatFloat(finiteOr0(f), 'f', 1, 64) }

// domainClass maps a domain to a fixed CSS class name; never log data.
// The class is the domain's party: the colours are the same for every
// family.
func domainClass(rep *analysis.Report, d string) string {
	if dom := rep.Taxonomy.Domain(d); dom != nil {
		switch dom.Party {
		case analysis.PartyBackend:
			return "d-target"
		case analysis.PartyFront:
			return "d-lb"
		case analysis.PartyClient:
			return "d-client"
		}
	}
	return "d-other"
}

func buildHTMLView(rep *analysis.Report, cmp *Comparison, opts Options) *htmlView {
	v := &htmlView{Title: reportTitle(rep, opts.Title)}
	v.Subtitle = htmlSubtitle(rep)
	v.Verdict = htmlVerdictOf(rep)
	v.Crossed = crossedThresholds(cmp)
	v.KPIs = htmlKPIs(rep)
	v.Charts, v.Legend = htmlCharts(rep)
	total := rep.Errors.Total5xx
	for _, d := range domainOrder(rep) {
		if n := rep.Errors.ByDomain[d]; n > 0 {
			v.Domains = append(v.Domains, htmlBarRow{Name: domainTitle(rep, d), Class: domainClass(rep, d), Count: n, Share: ratio(n, total), Bar: 100 * ratio(n, total)})
		}
	}
	causes := sortedCounts(rep.Errors.ByCause)
	for _, e := range causes {
		v.Causes = append(v.Causes, htmlCauseRow{
			Code: Sanitize(e.Key), Domain: domainTitle(rep, domainOf(rep, e.Key)), Class: domainClass(rep, domainOf(rep, e.Key)),
			Hint: brief(rep, e.Key), Count: e.Count, Share: ratio(e.Count, total), Bar: 100 * ratio(e.Count, causes[0].Count),
		})
	}
	v.Context = contextCounts(rep)
	for i := range v.Context {
		v.Context[i].Key = Sanitize(v.Context[i].Key)
	}
	v.TargetNoun = targetNoun(rep)
	v.TargetsTitle = v.TargetNoun + "s"
	v.Subnets0 = !anySubnet(rep.Targets)
	v.Targets = htmlTargets(rep.Targets)
	v.Latency = htmlLatencyOf(rep.Targets)
	v.Nodes = htmlNodes(rep.Nodes)
	v.Subnets = htmlSubnets(rep.Subnets)
	paths := sortedPaths(rep.Paths)
	v.Paths = htmlRows(len(paths), func(i int) (string, int64, int64) { return paths[i].Path, paths[i].Requests, paths[i].Errors5xx })
	clients := sortedClients(rep.Clients)
	v.Clients = htmlRows(len(clients), func(i int) (string, int64, int64) {
		return clients[i].Client, clients[i].Requests, clients[i].Errors5xx
	})
	v.Sections = htmlSections(rep)
	if cmp != nil {
		v.Comparison = htmlComparisonOf(rep, cmp)
	}
	v.Inputs = htmlInputsOf(rep)
	for _, r := range rep.Lines.RejectedSamples {
		r.Source, r.Reason, r.Snippet = Sanitize(r.Source), Sanitize(r.Reason), truncate(Sanitize(r.Snippet), 300)
		v.Rejected = append(v.Rejected, r)
	}
	return v
}

func htmlSubtitle(rep *analysis.Report) string {
	var parts []string
	switch {
	case rep.Taxonomy != nil && rep.Taxonomy.Title != "":
		parts = append(parts, rep.Taxonomy.Title)
	case rep.Format != "":
		parts = append(parts, strings.ToUpper(Sanitize(rep.Format))+" access logs")
	}
	if lb := loadBalancerText(rep); lb != "" {
		parts = append(parts, "load balancer "+lb)
	}
	parts = append(parts, numfmt.Count(rep.Inputs.Objects, "object", "objects"), numfmt.Count(rep.Lines.Read, "line", "lines"))
	if rep.BucketSeconds > 0 {
		parts = append(parts, fmtDuration(timeDur(rep.BucketSeconds))+" buckets")
	}
	return strings.Join(parts, " · ")
}

func htmlVerdictOf(rep *analysis.Report) htmlVerdict {
	v := rep.Verdict
	hv := htmlVerdict{Headline: headline(rep), Summary: Sanitize(v.Summary)}
	if strings.TrimSuffix(hv.Summary, ".") == hv.Headline {
		hv.Summary = ""
	}
	switch tn := verdictTone(rep); {
	case tn == toneWarn && empty(rep):
		hv.Lead, hv.Class, hv.Party = true, "lead", "No requests"
	case tn == toneWarn:
		// Something beyond the 5xx leads.
		hv.Lead, hv.Class = true, "lead"
		switch {
		case rep.Requests == 0:
		case hasFivexx(rep):
			hv.Party = "Beyond the 5xx"
		default:
			hv.Party = "No 5xx, but"
		}
	case tn == toneOK:
		hv.OK, hv.Class, hv.Party = true, "ok", "No 5xx"
		if rep.Requests == 0 {
			hv.Party = "No fault found"
		}
	default:
		dom := primaryDomain(rep)
		hv.Class = domainClass(rep, dom)
		hv.Party = capital(domainTitle(rep, dom))
		hv.Cause = Sanitize(*v.PrimaryCause)
		hv.Share = fmtPct(v.Share)
	}
	for _, f := range v.Findings {
		hv.Findings = append(hv.Findings, Sanitize(f))
	}
	for _, h := range v.Hints {
		hv.Hints = append(hv.Hints, Sanitize(h))
	}
	if w := v.Window; w != nil {
		hv.Window = windowText(rep, w)
		hv.WindowAt = "5xx rate " + fmtPct(w.Rate) + " inside, " + fmtPct(w.BaselineRate) + " outside"
	}
	return hv
}

func htmlKPIs(rep *analysis.Report) []htmlKPI {
	if noRequests(rep) {
		return []htmlKPI{htmlInputsKPI(rep)}
	}
	k := []htmlKPI{
		{Label: "Requests", Value: numfmt.Int(rep.Requests), Note: htmlSpan(rep)},
		{Label: "5xx", Value: numfmt.Int(rep.Errors.Total5xx), Note: fmtPct(ratio(rep.Errors.Total5xx, rep.Requests)) + " of requests", Class: "bad"},
	}
	if rep.Errors.Total5xx == 0 {
		k[1].Class = "good"
	}
	for _, d := range domainOrder(rep) {
		if n := rep.Errors.ByDomain[d]; n > 0 {
			t := domainTitle(rep, d)
			k = append(k, htmlKPI{Label: "5xx: " + t, Value: numfmt.Int(n), Note: fmtPct(ratio(n, rep.Requests)) + " of requests", Class: domainClass(rep, d)})
		}
	}
	return append(k, htmlInputsKPI(rep))
}

func htmlInputsKPI(rep *analysis.Report) htmlKPI {
	inputs := htmlKPI{Label: "Inputs", Value: numfmt.Int(rep.Inputs.Objects), Note: numfmt.Bytes(rep.Inputs.BytesRead) + ", " + numfmt.Int(rep.Lines.Rejected) + " lines rejected"}
	if n := len(rep.Inputs.Failed); n > 0 {
		inputs.Class = "bad"
		inputs.Note = strconv.Itoa(n) + " failed, " + inputs.Note
	}
	return inputs
}

func htmlSpan(rep *analysis.Report) string {
	if w := rep.Window; w != nil && (w.First.IsZero() || w.Last.IsZero()) && (!w.First.IsZero() || !w.Last.IsZero()) {
		return fmtSpan(w.First, w.Last)
	}
	if rep.Window != nil && !rep.Window.First.IsZero() {
		return fmtShortSpan(rep.Window.First, rep.Window.Last) + " UTC"
	}
	if !rep.TimeRange.First.IsZero() {
		return fmtShortSpan(rep.TimeRange.First, rep.TimeRange.Last) + " UTC"
	}
	return ""
}

// Chart geometry, in SVG user units.
const (
	chartW      = 1000.0
	chartLeft   = 56.0
	chartRight  = 12.0
	chartTop    = 22.0
	chartBottom = 26.0
	chartBars   = 360 // at most this many bars; buckets are summed beyond
)

// htmlCharts builds the two timeline charts: every request stacked (not
// 5xx, then 5xx by domain), and the 5xx alone by domain on its own scale.
func htmlCharts(rep *analysis.Report) ([]htmlChart, []htmlLegend) {
	if len(rep.Timeline) == 0 {
		return nil, nil
	}
	tl, group := downsample(rep.Timeline, chartBars)
	width := timeDur(rep.BucketSeconds * int64(group))
	domains := domainOrder(rep)
	var used []string
	for _, d := range domains {
		for _, b := range tl {
			if b.ByDomain[d] > 0 {
				used = append(used, d)
				break
			}
		}
	}
	legend := []htmlLegend{{Class: "d-okreq", Label: "requests without 5xx"}}
	for _, d := range used {
		legend = append(legend, htmlLegend{Class: domainClass(rep, d), Label: "5xx: " + domainTitle(rep, d)})
	}
	xs, bw, t0, t1 := barPositions(tl, width)
	step := fmtDuration(width)
	all := htmlChart{Title: "Requests per " + step, Caption: "all requests, 5xx stacked on top by domain"}
	err := htmlChart{Title: "5xx per " + step + " by domain", Caption: "own scale"}
	series := func(c *htmlChart, h float64, includeOK bool) {
		c.W, c.H = chartW, h
		c.X, c.Y = chartLeft, chartTop
		c.PW, c.PH = chartW-chartLeft-chartRight, h-chartTop-chartBottom
		var ymax int64
		for _, b := range tl {
			if includeOK {
				ymax = max(ymax, b.Requests)
			} else {
				ymax = max(ymax, b.Errors5xx)
			}
		}
		top, ticks := niceTicks(float64(ymax), 4)
		for _, t := range ticks {
			c.YTicks = append(c.YTicks, htmlTick{Pos: c.Y + c.PH - t/top*c.PH, Label: shortNum(t)})
		}
		c.Empty = ymax == 0
		base := make([]float64, len(tl))
		add := func(class, label string, val func(b analysis.Bucket) int64) {
			var d strings.Builder
			for i, b := range tl {
				n := val(b)
				if n <= 0 {
					continue
				}
				hgt := float64(n) / top * c.PH
				y := c.Y + c.PH - base[i] - hgt
				base[i] += hgt
				d.WriteString("M" + f1(c.X+xs[i]*c.PW) + " " + f1(y) + "h" + f2(bw*c.PW) + "v" + f2(hgt) + "h-" + f2(bw*c.PW) + "z")
			}
			if d.Len() > 0 {
				c.Series = append(c.Series, htmlSeries{Class: class, Label: label, D: d.String()})
			}
		}
		if includeOK {
			add("d-okreq", "requests without 5xx", func(b analysis.Bucket) int64 { return b.Requests - b.Errors5xx })
		}
		for _, d := range used {
			add(domainClass(rep, d), domainTitle(rep, d), func(b analysis.Bucket) int64 { return b.ByDomain[d] })
		}
		c.XTicks = timeTicks(t0, t1, c.X, c.PW)
		if !includeOK {
			step := bw
			if len(tl) > 1 {
				step = xs[1] - xs[0]
			}
			for i, b := range tl {
				title := fmtClock(b.Start) + ": " + numfmt.Int(b.Requests) + " requests, " + numfmt.Int(b.Errors5xx) + " 5xx"
				var parts []string
				for _, d := range used {
					if n := b.ByDomain[d]; n > 0 {
						parts = append(parts, domainTitle(rep, d)+" "+numfmt.Int(n))
					}
				}
				if len(parts) > 0 {
					title += " (" + strings.Join(parts, ", ") + ")"
				}
				c.Hover = append(c.Hover, htmlHover{X: c.X + xs[i]*c.PW, W: step * c.PW, Title: title})
			}
		}
		if w := rep.Verdict.Window; w != nil && !t0.IsZero() {
			ws, we := w.Start.Time, w.End.Time
			if !ws.IsZero() && !we.IsZero() && we.After(t0) && ws.Before(t1) {
				ws, we = maxTime(ws, t0), minTime(we, t1)
				x := c.X + c.PW*frac(ws, t0, t1)
				x2 := c.X + c.PW*frac(we, t0, t1)
				b := &htmlBand{X: x, W: math.Max(x2-x, 2), Label: "5xx window " + fmtShortSpan(w.Start, w.End)}
				b.LabelX = x + 4
				if b.LabelX > c.X+c.PW-260 {
					b.LabelX = math.Max(c.X, x2-264)
				}
				c.Window = b
			}
		}
	}
	series(&all, 200, true)
	series(&err, 240, false)
	return []htmlChart{err, all}, legend
}

// barPositions returns each bar's left edge as a fraction of the time
// axis, the bar width as a fraction, and the axis ends. Bars are placed by
// time when every bucket start parses, by index otherwise.
func barPositions(tl []analysis.Bucket, width time.Duration) (xs []float64, bw float64, t0, t1 time.Time) {
	xs = make([]float64, len(tl))
	starts := make([]time.Time, len(tl))
	byTime := width > 0
	for i, b := range tl {
		if b.Start.IsZero() {
			byTime = false
			break
		}
		starts[i] = b.Start.UTC()
	}
	if byTime {
		t0, t1 = starts[0], starts[len(starts)-1].Add(width)
		span := t1.Sub(t0).Seconds()
		if span > 0 {
			for i, t := range starts {
				xs[i] = t.Sub(t0).Seconds() / span
			}
			bw = width.Seconds() / span
			return xs, barWidth(bw), t0, t1
		}
	}
	for i := range tl {
		xs[i] = float64(i) / float64(len(tl))
	}
	return xs, barWidth(1 / float64(len(tl))), time.Time{}, time.Time{}
}

// barWidth leaves a small gap between bars when they are wide enough to
// show one.
func barWidth(bw float64) float64 {
	if bw*chartW >= 4 {
		return bw * 0.82
	}
	return bw
}

func frac(t, t0, t1 time.Time) float64 {
	return t.Sub(t0).Seconds() / t1.Sub(t0).Seconds()
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func f2(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// niceTicks returns a rounded axis maximum at or above mx and the ticks
// from 0 to it, about n intervals.
func niceTicks(mx float64, n int) (float64, []float64) {
	if mx <= 0 {
		return 1, []float64{0, 1}
	}
	raw := mx / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*mag >= raw {
			step = m * mag
			break
		}
	}
	if step < 1 {
		step = 1
	}
	top := math.Ceil(mx/step) * step
	var ticks []float64
	for t := 0.0; t <= top+step/2; t += step {
		ticks = append(ticks, t)
	}
	return top, ticks
}

// shortNum formats an axis value: 950, 1.5k, 12k, 1.2M.
func shortNum(f float64) string {
	switch a := math.Abs(f); {
	case a >= 1e6:
		return trimZero(strconv.FormatFloat(f/1e6, 'f', 1, 64)) + "M"
	case a >= 1e3:
		return trimZero(strconv.FormatFloat(f/1e3, 'f', 1, 64)) + "k"
	}
	return trimZero(strconv.FormatFloat(f, 'f', 1, 64))
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }

// timeTicks labels the time axis at a round step giving at most 8 labels.
func timeTicks(t0, t1 time.Time, x, w float64) []htmlTick {
	if t0.IsZero() || !t1.After(t0) {
		return nil
	}
	span := t1.Sub(t0)
	var step time.Duration
	for _, m := range []int{1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080} {
		step = time.Duration(m) * time.Minute
		if span/step <= 8 {
			break
		}
	}
	layout := "15:04"
	if span > 36*time.Hour {
		layout = "Jan 2 15:04"
	}
	if step >= 24*time.Hour {
		layout = "Jan 2"
	}
	var ticks []htmlTick
	for t := t0.Truncate(step); !t.After(t1); t = t.Add(step) {
		if t.Before(t0) {
			continue
		}
		tk := htmlTick{Pos: x + w*frac(t, t0, t1), Label: t.Format(layout), Anchor: "middle"}
		if tk.Pos > x+w-24 {
			tk.Anchor = "end"
		}
		ticks = append(ticks, tk)
	}
	return ticks
}

func htmlTargets(in []analysis.Target) []htmlTargetRow {
	targets := sortedTargets(in)
	var maxReq, maxErr int64
	for _, t := range targets {
		maxReq, maxErr = max(maxReq, t.Requests), max(maxErr, t.Errors5xx)
	}
	out := make([]htmlTargetRow, 0, len(targets))
	for _, t := range targets {
		r := htmlTargetRow{
			Name: Sanitize(t.Target), Subnet: Sanitize(t.Subnet), Requests: t.Requests, E5: t.Errors5xx,
			Rate: ratio(t.Errors5xx, t.Requests), ReqBar: 100 * ratio(t.Requests, maxReq), ErrBar: 100 * ratio(t.Errors5xx, maxErr),
			Causes: sanitizedCounts(t.ByCause, 3), Lat: finiteLatency(t.LatencyMs),
		}
		if !t.First5xx.IsZero() {
			r.Since = fmtShortSpan(t.First5xx, t.Last5xx)
		}
		out = append(out, r)
	}
	return out
}

func sanitizedCounts(m map[string]int64, n int) []kv {
	s := sortedCounts(m)
	if n > 0 && len(s) > n {
		s = s[:n]
	}
	for i := range s {
		s[i].Key = Sanitize(s[i].Key)
	}
	return s
}

func htmlLatencyOf(in []analysis.Target) htmlLatency {
	targets := sortedTargets(in)
	lo, hi := math.Inf(1), 0.0
	for _, t := range targets {
		l := finiteLatency(t.LatencyMs)
		if t.Requests == 0 || l.P99 <= 0 {
			continue
		}
		lo = math.Min(lo, math.Max(l.P50, 0.1))
		hi = math.Max(hi, l.P99)
	}
	if hi == 0 {
		return htmlLatency{}
	}
	// Round the log axis out to powers of ten.
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if hi <= lo {
		hi = lo * 10
	}
	pos := func(v float64) float64 {
		v = math.Min(math.Max(v, lo), hi)
		f := (math.Log10(v) - math.Log10(lo)) / (math.Log10(hi) - math.Log10(lo))
		return math.Round((latAxisLeft+f*(latAxisRight-latAxisLeft))*10) / 10
	}
	var h htmlLatency
	for d := lo; d <= hi*1.001; d *= 10 {
		label := trimZero(strconv.FormatFloat(d, 'f', -1, 64)) + " ms"
		if d >= 1000 {
			label = trimZero(strconv.FormatFloat(d/1000, 'f', 1, 64)) + " s"
		}
		h.Ticks = append(h.Ticks, htmlTick{Pos: pos(d), Label: label})
	}
	var slowest float64
	for _, t := range targets {
		slowest = math.Max(slowest, finiteOr0(t.LatencyMs.P99))
	}
	for _, t := range targets {
		l := finiteLatency(t.LatencyMs)
		if t.Requests == 0 || l.P99 <= 0 {
			continue
		}
		h.Rows = append(h.Rows, htmlLatencyRow{
			Name: Sanitize(t.Target), Lat: l, X50: pos(l.P50), X95: pos(l.P95), X99: pos(l.P99),
			Slow: l.P99 >= slowest/2 && l.P99 >= 1000,
		})
	}
	h.Total = len(h.Rows)
	if len(h.Rows) > htmlLatencyRows {
		slices.SortStableFunc(h.Rows, func(a, b htmlLatencyRow) int { return cmp.Compare(b.Lat.P99, a.Lat.P99) })
		h.Rows, h.More = h.Rows[:htmlLatencyRows], true
	}
	return h
}

func htmlNodes(in []analysis.Node) []htmlRow {
	nodes := sortedNodes(in)
	return htmlRows(len(nodes), func(i int) (string, int64, int64) { return nodes[i].Node, nodes[i].Requests, nodes[i].Errors5xx },
		func(i int, r *htmlRow) { r.Extra = fmtPct(nodes[i].Share) })
}

func htmlSubnets(in []analysis.Subnet) []htmlRow {
	subnets := sortedSubnets(in)
	return htmlRows(len(subnets), func(i int) (string, int64, int64) {
		return subnets[i].Subnet, subnets[i].Requests, subnets[i].Errors5xx
	}, func(i int, r *htmlRow) {
		r.Extra = numfmt.Int(subnets[i].Targets)
		r.Causes = sanitizedCounts(subnets[i].ByCause, 3)
	})
}

// htmlRows builds n table rows from row, with bars scaled to the largest
// request and 5xx counts; more fills in per-table extras.
func htmlRows(n int, row func(i int) (string, int64, int64), more ...func(i int, r *htmlRow)) []htmlRow {
	out := make([]htmlRow, n)
	var maxReq, maxErr int64
	for i := range n {
		name, req, e5 := row(i)
		out[i] = htmlRow{Name: Sanitize(name), Requests: req, E5: e5, Rate: ratio(e5, req)}
		maxReq, maxErr = max(maxReq, req), max(maxErr, e5)
		for _, f := range more {
			f(i, &out[i])
		}
	}
	for i := range out {
		out[i].ReqBar = 100 * ratio(out[i].Requests, maxReq)
		out[i].ErrBar = 100 * ratio(out[i].E5, maxErr)
	}
	return out
}

// htmlSections turns the families' sections into the page's.
func htmlSections(rep *analysis.Report) []htmlSection {
	var out []htmlSection
	for _, s := range sections(rep) {
		h := htmlSection{ID: htmlID(s.ID), Title: Sanitize(s.Title)}
		for i, f := range s.Facts {
			label := Sanitize(f.Label)
			if i == 0 {
				label = capital(label)
			}
			h.Facts = append(h.Facts, htmlFact{Label: label, Value: factProse(f), Bold: f.Kind != analysis.CellLatency})
		}
		h.Counts = shownCounts(s.Counts)
		for i := range h.Counts {
			h.Counts[i].Key = Sanitize(h.Counts[i].Key)
		}
		for i := range s.Tables {
			if t := &s.Tables[i]; len(t.Rows) > 0 {
				h.Tables = append(h.Tables, htmlTableOf(t))
			}
		}
		for i := range s.Timelines {
			if tl := &s.Timelines[i]; len(tl.Rows) > 0 {
				h.Timelines = append(h.Timelines, htmlStatesOf(tl))
			}
		}
		out = append(out, h)
	}
	return out
}

// htmlID keeps the letters, digits and hyphens of a section's ID, for an
// element id.
func htmlID(id string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return -1
	}, strings.ToLower(id))
}

func htmlTableOf(t *analysis.Table) htmlTable {
	cols := columnsOf(t.Columns)
	h := htmlTable{Title: Sanitize(t.Title)}
	for _, c := range cols {
		h.Headers = append(h.Headers, htmlHead{Text: Sanitize(c.html), Right: c.right})
	}
	// Bars are scaled to the column's largest value.
	maxN := make([]int64, len(cols))
	rows := make([][]analysis.Cell, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = cellsOf(t.Columns, r)
		for k := range cols {
			maxN[k] = max(maxN[k], rows[i][k].N)
		}
	}
	for _, r := range rows {
		out := make([]htmlCell, len(cols))
		for k, c := range cols {
			cell := htmlCell{Text: plainCell(c, r[k]), Right: c.right, Code: c.kind == analysis.CellName}
			if c.kind == analysis.CellRate && !c.isLatMs {
				cell.Hi = r[k].F >= 0.01
			}
			switch c.bar {
			case analysis.BarRequests:
				cell.Bar, cell.W = "d-okreq", 100*ratio(r[k].N, maxN[k])
			case analysis.BarErrors:
				cell.Bar, cell.W = "d-target", 100*ratio(r[k].N, maxN[k])
			}
			out[k] = cell
		}
		h.Rows = append(h.Rows, out)
	}
	return h
}

// stateClasses are the colour classes of a state timeline's states, by
// index: the first state is fine, the later ones worse.
var stateClasses = []string{"st-0", "st-1", "st-2", "st-3"}

// htmlStateCellW is the width of one cell of a state strip, in SVG units.
const htmlStateCellW = 6.0

func htmlStatesOf(tl *analysis.StateTimeline) htmlStates {
	h := htmlStates{Title: Sanitize(tl.Title)}
	if tl.Title != "" {
		h.Title += stateTimelineSpan(tl)
	}
	for i, s := range tl.States {
		h.Legend = append(h.Legend, htmlLegend{Class: stateClasses[min(i, len(stateClasses)-1)], Label: Sanitize(s)})
	}
	for _, r := range tl.Rows {
		row := htmlStateRow{Name: Sanitize(r.Name)}
		for i, c := range r.Cells {
			if c < 0 {
				continue
			}
			row.Cells = append(row.Cells, htmlStateCell{X: float64(i) * htmlStateCellW, Class: stateClasses[min(int(c), len(stateClasses)-1)]})
		}
		h.W = max(h.W, float64(len(r.Cells))*htmlStateCellW)
		h.Rows = append(h.Rows, row)
	}
	if n := int64(h.W / htmlStateCellW); n > 0 && tl.BucketSeconds > 0 {
		start := tl.Start.UTC()
		end := start.Add(timeDur(n * tl.BucketSeconds))
		layout := "15:04"
		if start.Format("2006-01-02") != end.Add(-time.Second).Format("2006-01-02") {
			layout = "Jan 2 15:04"
		}
		h.From, h.Mid, h.To = start.Format(layout), start.Add(end.Sub(start)/2).Format(layout), end.Format(layout)
	}
	return h
}

func htmlComparisonOf(rep *analysis.Report, c *Comparison) *htmlComparison {
	h := &htmlComparison{NoBaseline: !c.HasBaseline()}
	for _, t := range c.Thresholds {
		t.Expr = Sanitize(t.Expr)
		if t.Crossed {
			h.Crossed++
		}
		h.Thresholds = append(h.Thresholds, t)
	}
	if h.NoBaseline {
		return h
	}
	h.Baseline = fmtSpan(c.Baseline.First, c.Baseline.Last) + " · " + numfmt.Int(c.Baseline.Requests) + " requests, " + numfmt.Int(c.Baseline.Errors5xx) + " 5xx"
	h.Day = fmtSpan(c.Day.First, c.Day.Last) + " · " + numfmt.Int(c.Day.Requests) + " requests, " + numfmt.Int(c.Day.Errors5xx) + " 5xx"
	h.Rate = c.Rate5xx
	var mx float64
	for _, r := range slices.Concat(c.ByDomain, c.ByCause, []RateChange{c.Rate5xx}) {
		mx = math.Max(mx, math.Max(r.Day, r.Baseline))
	}
	row := func(name, class string, cause bool, r RateChange) htmlCmpRow {
		return htmlCmpRow{
			Name: name, Class: class, IsCause: cause, Day: fmtPct(r.Day), Baseline: fmtPct(r.Baseline), Delta: fmtPctPoints(r.Delta()),
			Worse: r.Delta() > 0, Better: r.Delta() < 0, DayN: r.DayCount, BaseN: r.BaselineCount,
			DayBar: 100 * safeDiv(r.Day, mx), BasBar: 100 * safeDiv(r.Baseline, mx),
		}
	}
	h.Rows = append(h.Rows, row("all 5xx", "d-other", false, c.Rate5xx))
	for _, r := range c.ByDomain {
		h.Rows = append(h.Rows, row(domainTitle(rep, r.Key), domainClass(rep, r.Key), false, r))
	}
	for _, r := range c.ByCause {
		h.Rows = append(h.Rows, row(Sanitize(r.Key), domainClass(rep, domainOf(rep, r.Key)), true, r))
	}
	if c.Latency.Day != (analysis.Latency{}) && c.Latency.Baseline != (analysis.Latency{}) {
		l := c.Latency
		h.Latency = &l
	}
	for _, n := range c.NewFailingTargets {
		h.NewTargets = append(h.NewTargets, htmlNewTarget{
			Target: Sanitize(n.Target), Subnet: Sanitize(n.Subnet), Requests: n.Requests, Errors5xx: n.Errors5xx,
			TopCause: Sanitize(n.TopCause), First5xx: fmtClock(n.First5xx), InBaseline: n.InBaseline,
		})
	}
	for _, s := range bigShifts(c.TargetLatency) {
		s.Target = Sanitize(s.Target)
		h.Shifts = append(h.Shifts, s)
	}
	return h
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func htmlInputsOf(rep *analysis.Report) htmlInputs {
	in, ln := rep.Inputs, rep.Lines
	h := htmlInputs{Summary: numfmt.Count(in.Objects, "object", "objects") + ", " + numfmt.Bytes(in.BytesRead) + " read"}
	if in.Listed > 0 {
		h.Summary += " (" + numfmt.Int(in.Selected) + " selected of " + numfmt.Int(in.Listed) + " listed)"
	}
	h.Lines = "Lines " + linesText(ln, "outside the window") + "."
	for _, f := range in.Failed {
		h.Failed = append(h.Failed, analysis.Failed{Source: Sanitize(f.Source), Error: Sanitize(f.Error)})
	}
	for _, s := range in.Skipped {
		h.Skipped = append(h.Skipped, analysis.Skipped{Source: Sanitize(s.Source), Reason: Sanitize(s.Reason)})
	}
	return h
}

// ValueText formats the threshold's limit.
func (r ThresholdResult) ValueText() string { return r.fmtValue(r.Value) }

// ActualText formats the measured value.
func (r ThresholdResult) ActualText() string { return r.fmtValue(r.Actual) }
