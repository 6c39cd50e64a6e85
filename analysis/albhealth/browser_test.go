package albhealth_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/browsertest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/report"
)

var screenshot = flag.String("screenshot", "", "write the health report's screenshot to this file")

// TestBrowser renders the report of incident 4b (every target failing a
// health check answering 299) in headless Chromium: the verdict leads with
// the health checks, the health section shows a strip per target, and the
// tables follow. With -screenshot FILE it keeps the picture.
func TestBrowser(t *testing.T) {
	browsertest.Require(t)
	objs, _, _, err := gen.StoryObjects(gen.SampleHealthIncident())
	if err != nil {
		t.Fatal(err)
	}
	rep := analyze(t, objs, 2)[0]
	page := filepath.Join(t.TempDir(), "report.html")
	var b bytes.Buffer
	if err := report.Render(&b, rep, report.Options{Format: "html"}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(browsertest.Chromium(t, page, "--dump-dom"))
	for _, want := range []string{
		`<div class="party">Beyond the 5xx</div>`,
		"Every target fails its health check: it answers 299 where the matcher expects 200; the load balancer fails open",
		`id="health"`, "Health per target", "unhealthy, failing open", `class="axis"`,
		`id="health-details"`, "Fail-open: every target of a group out", "ResponseCodeMismatch",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered DOM lacks %q", want)
		}
	}
	if n := strings.Count(dom, `<svg class="states"`); n != 9 {
		t.Errorf("%d health strips, want one per target (9)", n)
	}
	if i, j := strings.Index(dom, `id="health"`), strings.Index(dom, `id="health-details"`); i < 0 || j < i {
		t.Errorf("the health strips do not come before the health tables")
	}

	data := browsertest.Screenshot(t, page, 1280, 5200)
	if *screenshot != "" {
		if err := os.WriteFile(*screenshot, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
