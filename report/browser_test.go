package report

import (
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/browsertest"
)

// browserReport is the incident of incidentReport with hostile strings
// where logs put them: paths, clients, a target, user agents in rejected
// lines, an input name. Each payload, if it ever ran, would change the
// document title to PWNED or add an <xssmarker> element.
func browserReport() *analysis.Report {
	rep := incidentReport()
	rep.Paths = append(rep.Paths,
		analysis.Path{Path: "/search?q=" + hostileScript, Requests: 40, Errors5xx: 0},
		analysis.Path{Path: hostileImg, Requests: 30, Errors5xx: 0},
	)
	rep.Clients = append(rep.Clients, analysis.Client{Client: hostileJSURL, Requests: 20})
	rep.Targets = append(rep.Targets, analysis.Target{Target: hostileImg, Requests: 0, ByCause: map[string]int64{}})
	rep.Lines.RejectedSamples = append(rep.Lines.RejectedSamples, analysis.RejectedSample{
		Source: "upload/" + hostileScript + ".log", Line: 3, Reason: "user agent " + hostileImg,
		Snippet: `GET /` + hostileOSC8 + hostileClear + ` "Mozilla/5.0 <svg onload=document.body.appendChild(document.createElement('xss'+'marker'))>"`,
	})
	rep.Lines.Rejected++
	rep.Lines.Read++
	return rep
}

// TestBrowser renders the HTML report in headless Chromium: the page must
// show the verdict, charts and tables, no script from the log may run, and
// every table fits its card. (The README's picture is the demo's report:
// cmd/lbtriage's TestBrowser_Screenshot.)
func TestBrowser(t *testing.T) {
	browsertest.Require(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	err := WriteFileAtomic(page, func(w io.Writer) error {
		return Render(w, browserReport(), Options{Format: "html"})
	})
	if err != nil {
		t.Fatal(err)
	}

	dom := string(browsertest.Chromium(t, page, "--dump-dom"))
	if !strings.Contains(dom, "<html") {
		t.Fatalf("--dump-dom printed no document:\n%.500s", dom)
	}
	for _, marker := range []string{"PWNED", "<xssmarker"} {
		if strings.Contains(dom, marker) {
			t.Errorf("a script from the log ran: the DOM contains %q", marker)
		}
	}
	for _, want := range []string{
		`id="verdict"`, "Target at fault", "target.connection_error", // the verdict
		"<svg", `class="chart"`, // the timeline charts
		`id="targets"`, "10.0.2.11:8080", `id="subnets"`, "10.0.2.0/24", `id="nodes"`, `id="paths"`, `id="clients"`,
		`id="latency"`, `id="inputs"`,
		"&lt;script&gt;document.title=", // the payload shown as text
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if n := strings.Count(dom, `class="chart"`); n != 2 {
		t.Errorf("%d timeline charts, want 2", n)
	}
	if i := strings.Index(dom, "<title>"); i < 0 || !strings.HasPrefix(dom[i+len("<title>"):], "ALB 5xx triage") {
		t.Errorf("document title changed: %.80s", dom[max(i, 0):])
	}

	// Long log-derived strings wrap inside their cells: every table fits
	// its card at desktop widths.
	for _, width := range []int{1280, 1920} {
		for _, o := range browsertest.Overflow(t, page, width) {
			t.Errorf("at %d px: %s", width, o)
		}
	}

	browsertest.Screenshot(t, page, 1280, 2400)
}
