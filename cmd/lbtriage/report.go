package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/report"
)

const reportSynopsis = "(--day DATE | --since T [--until T]) [--baseline-since T --baseline-until T] [--fail-on EXPR]... [-o FORMAT] [--out PATH|s3://bucket/key] INPUT..."

// runReport implements "lbtriage report": the nightly report. It analyzes
// one period (a UTC day, or --since/--until) and a baseline (by default the
// same period one day earlier) from the same inputs, renders one report per
// load balancer and family, as analyze does, each with the comparison with
// its own baseline, and checks the --fail-on thresholds against each.
//
// Exit status: 2 when a report's period holds no requests (a day with no
// logs: the reports are still written); else 3 when a threshold is crossed
// (the reports are still written); otherwise 0, or 1 when some input of
// either period could not be read whole, or 2 for bad usage, when nothing
// of the period could be read or when the report could not be written. A
// baseline with nothing readable is not an error: the report says so on
// standard error and goes without the comparison.
func runReport(ctx context.Context, m *Main, args []string) int {
	fs := newFlagSet("report")
	day := fs.String("day", "", "report on this UTC day (2026-11-20); or use --since/--until")
	baseSince := fs.String("baseline-since", "", "start of the baseline (default: the period one day earlier)")
	baseUntil := fs.String("baseline-until", "", "end of the baseline (default: --baseline-since plus the period's length)")
	failOn := fs.StringArray("fail-on", nil, "exit 3 when this threshold is crossed: METRIC OP VALUE with OP one of > >= < <=, rates in % "+
		"(e.g. lb_5xx_rate>0.1%, p99_ms>800, cause:target.timeout>0.5%; metrics: "+strings.Join(report.ThresholdMetrics(), ", ")+"; repeatable)")
	title := fs.String("title", "", "title of the markdown and HTML reports")
	var out outputFlags
	out.register(fs)
	var af analysisFlags
	af.register(fs)
	var s3f s3Flags
	s3f.register(fs)
	if code, ok := m.parseFlags(fs, args, reportSynopsis); !ok {
		return code
	}
	if err := out.check(); err != nil {
		return m.usageErr("report", "%v", err)
	}
	var thresholds []report.Threshold
	for _, e := range *failOn {
		th, err := report.ParseThreshold(e, families.Codes())
		if err != nil {
			return m.usageErr("report", "--fail-on: %v", err)
		}
		thresholds = append(thresholds, th)
	}
	now := m.now()
	if *day != "" {
		if *af.since != "" || *af.until != "" {
			return m.usageErr("report", "--day and --since/--until do not go together")
		}
		d, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(*day), time.UTC)
		if err != nil {
			return m.usageErr("report", "--day: %q is not a date: use YYYY-MM-DD (a UTC day)", *day)
		}
		*af.since = d.Format(time.RFC3339)
		*af.until = d.AddDate(0, 0, 1).Format(time.RFC3339)
	} else if *af.since == "" {
		return m.usageErr("report", "say which period: --day 2026-11-20, or --since 24h (with --until if it is not now)")
	}
	cfg, err := af.config(now)
	if err != nil {
		return m.usageErr("report", "%v", err)
	}
	if cfg.Analysis.Until.IsZero() {
		cfg.Analysis.Until = now.UTC()
	}
	if !cfg.Analysis.Since.Before(cfg.Analysis.Until) {
		return m.usageErr("report", "--since (%s) must be before now or --until", cfg.Analysis.Since.Format(time.RFC3339))
	}
	base, err := baselineConfig(cfg, *baseSince, *baseUntil, now)
	if err != nil {
		return m.usageErr("report", "%v", err)
	}
	if fs.NArg() == 0 {
		return m.usageErr("report", noInput)
	}
	if slices.Contains(fs.Args(), "-") {
		// Standard input can be read only once: there would be no baseline.
		return m.usageErr("report", "reads its inputs twice (period and baseline), so it cannot read standard input")
	}
	if err := m.checkOutput(*out.out, &s3f); err != nil {
		return m.usageErr("report", "--out: %v", err)
	}
	cfg.Args, cfg.S3 = fs.Args(), &s3f
	base.Args, base.S3 = fs.Args(), &s3f

	reps, code, err := m.runAnalyses(ctx, cfg)
	if err != nil {
		return m.usageErr("report", "%v", err)
	}
	if len(reps) == 0 {
		return m.usageErr("report", "%v: no report for %s", errNothingRead, periodText(cfg.Analysis))
	}
	// One report per load balancer (and family), as analyze writes them,
	// each compared with its own baseline and checked against every
	// threshold.
	baseReps, baseCode, err := m.runAnalyses(ctx, base)
	var compared bool
	switch {
	case err != nil:
		fmt.Fprintf(m.Stderr, "lbtriage report: baseline %s: %s; the report goes without the comparison\n",
			periodText(base.Analysis), sanitizeArg(err.Error()))
	case !anyRequests(baseReps):
		fmt.Fprintf(m.Stderr, "lbtriage report: baseline %s: no request in the logs; the report goes without the comparison\n",
			periodText(base.Analysis))
	default:
		compared = true
		code = max(code, baseCode)
	}
	cmps := make([]*report.Comparison, len(reps))
	titles := make([]string, len(reps))
	var crossedNames []string
	for i, rep := range reps {
		titles[i] = reportTitle(rep, cfg.Analysis, *day != "")
		if *title != "" {
			// --title heads each report, with its load balancer when
			// there are several.
			titles[i] = *title + reportOf(rep, len(reps))
		}
		if b := sameReport(rep, baseReps); compared && b != nil && b.Requests > 0 {
			cmps[i] = report.Compare(rep, b)
		}
		if len(thresholds) == 0 {
			continue
		}
		results, crossed := report.CheckThresholds(rep, thresholds)
		if cmps[i] == nil {
			// Thresholds are about the period alone: show them even
			// without a baseline.
			cmps[i] = &report.Comparison{}
		}
		cmps[i].Thresholds = results
		if crossed {
			for _, r := range results {
				if r.Crossed {
					crossedNames = append(crossedNames, r.Expr+reportOf(rep, len(reps)))
				}
			}
		}
	}

	opts := out.options(m)
	opts.Comparisons, opts.Titles = cmps, titles
	if c := out.writeAll(ctx, m, "report", reps, opts, &s3f); c != exitOK {
		return c
	}
	if code == exitPartial {
		fmt.Fprintf(m.Stderr, "lbtriage report: some inputs could not be read whole (the report covers what was read; see its inputs)\n")
	}
	if c := m.noRequests("report", reps); c != exitOK {
		return c
	}
	if len(crossedNames) > 0 {
		fmt.Fprintf(m.Stderr, "lbtriage report: threshold crossed: %s\n", sanitizeArg(strings.Join(crossedNames, ", ")))
		return exitThreshold
	}
	return code
}

// anyRequests reports whether some report of reps has requests.
func anyRequests(reps []*analysis.Report) bool {
	return slices.ContainsFunc(reps, func(r *analysis.Report) bool { return r.Requests > 0 })
}

// sameReport returns the report of reps about the same load balancer and
// family as rep, nil when there is none.
func sameReport(rep *analysis.Report, reps []*analysis.Report) *analysis.Report {
	for _, r := range reps {
		if r.Format == rep.Format && lbKey(r) == lbKey(rep) {
			return r
		}
	}
	return nil
}

// lbKey names a report's load balancer: its resource ID, account and
// region ("" for none).
func lbKey(r *analysis.Report) string {
	if lb := r.LoadBalancer; lb != nil {
		return lb.ResourceID + "|" + lb.Account + "|" + lb.Region
	}
	return ""
}

// reportOf names, among n reports, rep's load balancer for a message: "
// (shop-prod-alb)"; "" for one report.
func reportOf(rep *analysis.Report, n int) string {
	if n < 2 {
		return ""
	}
	if lb := rep.LoadBalancer; lb != nil && lb.Name != "" {
		return " (" + lb.Name + ")"
	}
	return " (" + report.FamilyName(rep) + ")"
}

// baselineConfig returns the analysis of the baseline: cfg's period moved
// one day earlier, or the --baseline-since/--baseline-until given.
func baselineConfig(cfg analysisConfig, since, until string, now time.Time) (analysisConfig, error) {
	base := cfg
	length := cfg.Analysis.Until.Sub(cfg.Analysis.Since)
	if since == "" && until == "" {
		base.Analysis.Since = cfg.Analysis.Since.AddDate(0, 0, -1)
		base.Analysis.Until = cfg.Analysis.Until.AddDate(0, 0, -1)
		return base, nil
	}
	if since == "" {
		return base, errors.New("--baseline-until needs --baseline-since")
	}
	var err error
	if base.Analysis.Since, err = parseTimeFlag("--baseline-since", since, now); err != nil {
		return base, err
	}
	if until == "" {
		base.Analysis.Until = base.Analysis.Since.Add(length)
	} else if base.Analysis.Until, err = parseTimeFlag("--baseline-until", until, now); err != nil {
		return base, err
	}
	if !base.Analysis.Since.Before(base.Analysis.Until) {
		return base, fmt.Errorf("--baseline-since (%s) must be before --baseline-until (%s)",
			base.Analysis.Since.Format(time.RFC3339), base.Analysis.Until.Format(time.RFC3339))
	}
	return base, nil
}

// periodText names a period for messages.
func periodText(o analysis.Options) string {
	return o.Since.UTC().Format("2006-01-02 15:04") + " – " + o.Until.UTC().Format("2006-01-02 15:04 UTC")
}

// reportTitle is the nightly report's title: the day, or the period.
func reportTitle(rep *analysis.Report, o analysis.Options, isDay bool) string {
	kind := report.FamilyName(rep)
	if lb := rep.LoadBalancer; lb != nil && lb.Name != "" {
		kind += " 5xx report of " + sanitizeArg(lb.Name)
	} else {
		kind += " 5xx report"
	}
	if isDay {
		return kind + " for " + o.Since.UTC().Format("Monday 2 January 2006") + " (UTC)"
	}
	return kind + ", " + periodText(o)
}
