package main

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbtriage/lbtriage/internal/browsertest"
	"github.com/lbtriage/lbtriage/report"
)

var updateScreenshot = flag.Bool("update-screenshot", false, "rewrite the README's picture, testdata/report-screenshot.png at the repository root, from the demo's HTML report")

// screenshotPath is the README's picture of the HTML report, at the
// repository root's testdata.
const screenshotPath = "../../testdata/report-screenshot.png"

// TestBrowser_Screenshot renders the HTML report of the demo (make demo)
// in headless Chromium at 1280 × 2400 px, the README's picture. It saves
// it at testdata/report-screenshot.png when the file is missing or with
// -update-screenshot.
func TestBrowser_Screenshot(t *testing.T) {
	browsertest.Require(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "demo.html")
	if code, _, errOut := run(t, "demo", "-o", "html", "--out", page); code != exitOK {
		t.Fatalf("demo: exit %d: %s", code, errOut)
	}
	b := browsertest.Screenshot(t, page, 1280, 2400)
	if _, err := os.Stat(screenshotPath); *updateScreenshot || os.IsNotExist(err) {
		if err := report.WriteFileAtomic(screenshotPath, func(w io.Writer) error { _, err := w.Write(b); return err }); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d bytes)", screenshotPath, len(b))
	}
}

// TestBrowser_TablesFit renders the HTML report of every demo sample in
// headless Chromium at 1280 and 1920 px wide: no table may stick out of
// its card, need sideways scrolling, or widen the page.
func TestBrowser_TablesFit(t *testing.T) {
	browsertest.Require(t)
	dir := t.TempDir()
	for _, name := range sampleNames() {
		page := filepath.Join(dir, name+".html")
		if code, _, errOut := run(t, "demo", name, "-o", "html", "--out", page); code != exitOK {
			t.Fatalf("demo %s: exit %d: %s", name, code, errOut)
		}
		for _, width := range []int{1280, 1920} {
			for _, o := range browsertest.Overflow(t, page, width) {
				t.Errorf("demo %s at %d px: %s", name, width, o)
			}
		}
	}
}
