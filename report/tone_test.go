package report

import (
	"regexp"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
)

// TestRender_VerdictTone: a headline is drawn by the verdict's fault: a
// family's headline that all is well (connections with no failure) as all
// well, one of a fault as a warning, 5xx in their domain's colour, and a
// period with no row at all as a warning that names it.
func TestRender_VerdictTone(t *testing.T) {
	const (
		green  = "\x1b[32m"
		yellow = "\x1b[33m"
		red    = "\x1b[1;31m"
	)
	calm := func(fault bool) *analysis.Report {
		rep := quietReport()
		rep.Requests, rep.StatusClasses = 0, map[string]int64{}
		rep.Lines.OtherLogs = 10
		rep.Verdict = analysis.Verdict{Headline: "No failed connections in 10 connections", Fault: fault,
			Summary: "All 10 connections completed their TLS handshake."}
		return rep
	}
	noRows := quietReport()
	noRows.Requests, noRows.Lines.OutsideWindow = 0, 10
	noRows.Window = &analysis.TimeRange{First: at("2026-11-21T13:05:00Z"), Last: at("2026-11-21T13:20:00Z")}
	f := func(name string, rep *analysis.Report, color, class, party, head string) {
		t.Helper()
		text := render(t, rep, Options{Format: "text", Color: true})
		if !strings.Contains(text, "\n"+color+head) {
			t.Errorf("%s: text does not draw %q in %q:\n%.400s", name, head, color, text)
		}
		page := render(t, rep, Options{Format: "html"})
		if !strings.Contains(page, `class="card verdict `+class+`"`) || party != "" && !strings.Contains(page, `<div class="party">`+party+`</div>`) {
			t.Errorf("%s: HTML verdict is not %q with party %q", name, class, party)
		}
	}
	f("calm companion", calm(false), green, "ok", "No fault found", "No failed connections in 10 connections")
	// Health checks alone, all passed: their family gives no headline;
	// none of "No 5xx in 0 requests".
	healthy := calm(false)
	healthy.Verdict = analysis.Verdict{Summary: "All 2,430 health checks of 9 targets passed."}
	f("healthy checks alone", healthy, green, "ok", "No fault found", "No fault found")
	f("faulty companion", calm(true), yellow, "lead", "", "No failed connections in 10 connections")
	f("no 5xx", quietReport(), green, "ok", "No 5xx", "No 5xx in 10 requests")
	f("5xx", incidentReport(), red, "d-target", "Target at fault", "TARGET at fault")
	f("no rows in the period", noRows, yellow, "lead", "No requests", "No requests in the period")
}

// TestRender_OpenEndedWindow: a window with one end open (--since without
// --until, or the reverse) is written as such in the title and the
// traffic line of every format, never as raw RFC 3339 times.
func TestRender_OpenEndedWindow(t *testing.T) {
	raw := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`)
	f := func(first, last, want string) {
		t.Helper()
		rep := quietReport()
		rep.Window = &analysis.TimeRange{}
		if first != "" {
			rep.Window.First = at(first)
		}
		if last != "" {
			rep.Window.Last = at(last)
		}
		for _, format := range []string{"text", "markdown", "html"} {
			out := render(t, rep, Options{Format: format})
			if m := raw.FindString(out); m != "" {
				t.Errorf("%s, %s: raw time %q in:\n%.600s", want, format, m, out)
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s: %s lacks it:\n%.600s", want, format, out)
			}
		}
	}
	f("2026-11-20T13:05:00Z", "", "from 2026-11-20 13:05 UTC, open-ended")
	f("2026-12-03T10:48:24.282997548Z", "", "from 2026-12-03 10:48:24 UTC, open-ended")
	f("", "2026-11-20T13:20:00Z", "until 2026-11-20 13:20 UTC")
}

// TestRender_WindowEdges: a window clipped to the start of the period or
// the end of the logs says so in every format; one inside them does not.
func TestRender_WindowEdges(t *testing.T) {
	f := func(name string, edit func(*analysis.Report), want string) {
		t.Helper()
		rep := incidentReport()
		edit(rep)
		for _, format := range []string{"text", "markdown", "html"} {
			out := render(t, rep, Options{Format: format})
			if want == "" {
				if strings.Contains(out, "the start of the") || strings.Contains(out, "the end of the") {
					t.Errorf("%s, %s: an edge is named:\n%.900s", name, format, out)
				}
			} else if !strings.Contains(out, want) {
				t.Errorf("%s, %s: lacks %q:\n%.900s", name, format, want, out)
			}
		}
	}
	f("inside", func(*analysis.Report) {}, "")
	f("to the end of the logs", func(r *analysis.Report) { r.Verdict.Window.OpenEnd = true }, "(15m, to the end of the logs)")
	f("from the start of the period", func(r *analysis.Report) {
		r.Verdict.Window.OpenStart = true
		r.Window = &analysis.TimeRange{First: r.Verdict.Window.Start}
	}, "(15m, from the start of the period)")
}

// TestRender_NothingRead: a report of inputs with no line has no traffic
// section to show: no empty heading; a window with no rows shows the
// window and where the logs are.
func TestRender_NothingRead(t *testing.T) {
	rep := quietReport()
	rep.Requests, rep.StatusClasses, rep.TimeRange = 0, map[string]int64{}, analysis.TimeRange{}
	rep.Lines = analysis.Lines{}
	rep.Verdict = analysis.Verdict{Summary: "The input read holds no log line: no requests to attribute."}
	for _, format := range []string{"text", "markdown"} {
		if out := render(t, rep, Options{Format: format}); strings.Contains(out, "Traffic") || !strings.Contains(out, "No requests read") {
			t.Errorf("%s:\n%s", format, out)
		}
	}
	rep = quietReport()
	rep.Requests, rep.StatusClasses, rep.Lines.OutsideWindow = 0, map[string]int64{}, 10
	rep.Window = &analysis.TimeRange{First: at("2026-11-25T00:00:00Z")}
	for _, format := range []string{"text", "markdown"} {
		out := render(t, rep, Options{Format: format})
		if !strings.Contains(out, "indow from 2026-11-25 00:00 UTC, open-ended; ") || !strings.Contains(out, "No requests in the period") {
			t.Errorf("%s:\n%s", format, out)
		}
	}
}
