// Package browsertest drives headless Chromium for the tests that look at
// the HTML report as a browser shows it.
package browsertest

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Path is where the browser is (mk/browser.mk installs it).
const Path = "/usr/bin/chromium"

// Require skips the test under -short or when the browser is missing, and
// fails it when it is missing with CI set.
func Require(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	if _, err := os.Stat(Path); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing and CI is set: make test installs it (mk/browser.mk)", Path)
		}
		t.Skipf("%s is missing: the browser test is skipped (make test installs it as root or with passwordless sudo; CI always runs it)", Path)
	}
}

// Chromium runs headless Chromium with args on the page (a file path),
// returning its standard output: the DOM with "--dump-dom", nothing with
// "--screenshot=FILE".
func Chromium(t testing.TB, page string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
		"--user-data-dir=" + t.TempDir(),
	}
	cmd := exec.CommandContext(ctx, Path, append(append(base, args...), "file://"+page)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %v: %v\n%s", args, err, stderr.Bytes())
	}
	return stdout.Bytes()
}
