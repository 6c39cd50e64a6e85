package main

import (
	"path/filepath"
	"testing"

	"github.com/lbtriage/lbtriage/internal/browsertest"
)

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
