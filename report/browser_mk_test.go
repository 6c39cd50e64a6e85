package report

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// mk/browser.mk installs Chromium only where it can (CI, root, passwordless
// sudo); a contributor without root gets a message and a skipped browser
// test, not a failed apt-get. Run with fake id, sudo and apt-get on PATH.
func TestBrowserMk(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make is not installed")
	}
	mk, err := filepath.Abs(filepath.Join("..", "mk", "browser.mk"))
	if err != nil {
		t.Fatal(err)
	}
	f := func(uid string, sudoOK bool, ci string, wantInstall bool, wantOut string) {
		t.Helper()
		dir := t.TempDir()
		bin := filepath.Join(dir, "bin")
		aptLog := filepath.Join(dir, "apt.log")
		sudo := "exit 1"
		if sudoOK {
			sudo = `[ "$1" = -n ] && shift; exec "$@"`
		}
		for name, body := range map[string]string{
			"id":      "echo " + uid,
			"sudo":    sudo,
			"apt-get": `echo "$@" >> ` + aptLog,
		} {
			if err := os.MkdirAll(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(bin, name), []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		chromium := filepath.Join(dir, "chromium")
		cmd := exec.Command("make", "-s", "-f", mk, "CHROMIUM="+chromium, chromium)
		cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "CI="+ci)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("uid %s, sudo %v, CI %q: make: %v\n%s", uid, sudoOK, ci, err, out)
		}
		apt, _ := os.ReadFile(aptLog)
		if installed := strings.Contains(string(apt), "install -y --no-install-recommends chromium"); installed != wantInstall {
			t.Errorf("uid %s, sudo %v, CI %q: apt-get ran %q, want install %v", uid, sudoOK, ci, apt, wantInstall)
		}
		if !strings.Contains(string(out), wantOut) {
			t.Errorf("uid %s, sudo %v, CI %q: make printed %q, want %q", uid, sudoOK, ci, out, wantOut)
		}
	}
	f("1000", false, "", false, "installing it needs root: the browser test will be skipped")
	f("1000", true, "", true, "")
	f("0", false, "", true, "")
	f("1000", false, "true", true, "")
}
