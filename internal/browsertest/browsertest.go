// Package browsertest drives headless Chromium for the tests that look at
// the HTML report as a browser shows it.
package browsertest

import (
	"bytes"
	"context"
	"html"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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

// measureScript lists what does not fit at the window's width: the page
// wider than the window; an element of a card (section.card) whose right
// edge is past the card's, unless a scroll box inside the card clips it;
// a scroll box (.scroll) whose content is wider than itself, so that it
// must be scrolled sideways. It writes the list, | between, into the
// root's data-overflow attribute, which --dump-dom prints.
const measureScript = `(function(){
var out=[], root=document.documentElement;
if(root.scrollWidth>root.clientWidth)out.push('page: '+root.scrollWidth+' px wide in a window of '+root.clientWidth);
function name(c){var h=c.querySelector('h2');return (c.id||'')+(h?' ('+h.textContent.trim()+')':'');}
document.querySelectorAll('.card').forEach(function(c){
 var cr=c.getBoundingClientRect(), n=name(c);
 c.querySelectorAll('*').forEach(function(e){
  var r=e.getBoundingClientRect();
  if(r.width===0||r.right<=cr.right+0.5)return;
  var s=e.closest('.scroll');
  if(s&&c.contains(s)&&s.getBoundingClientRect().right<=cr.right+0.5)return;
  out.push(n+': '+e.tagName.toLowerCase()+(e.className&&e.className.baseVal===undefined?'.'+e.className:'')+' ends at '+Math.round(r.right)+' px, past the card at '+Math.round(cr.right));
 });
 c.querySelectorAll('.scroll').forEach(function(s){
  if(s.scrollWidth>s.clientWidth+1)out.push(n+': a table '+s.scrollWidth+' px wide in '+s.clientWidth+' px, scrolled sideways');
 });
});
root.setAttribute('data-overflow',out.join('|'));
})();`

var (
	cspMeta     = regexp.MustCompile(`<meta http-equiv="Content-Security-Policy"[^>]*>`)
	overflowOut = regexp.MustCompile(`data-overflow="([^"]*)"`)
)

// Overflow renders the HTML page in a window width px wide and returns
// what does not fit in it (see measureScript), each once: nil when every
// card holds its tables. The page is measured from a copy with the
// measuring script added and its Content-Security-Policy, which forbids
// scripts, left out.
func Overflow(t testing.TB, page string, width int) []string {
	t.Helper()
	b, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	doc := cspMeta.ReplaceAllString(string(b), "")
	i := strings.LastIndex(doc, "</body>")
	if i < 0 {
		t.Fatalf("%s has no </body>", page)
	}
	doc = doc[:i] + "<script>" + measureScript + "</script>" + doc[i:]
	measured := filepath.Join(t.TempDir(), "measured-"+strconv.Itoa(width)+".html")
	if err := os.WriteFile(measured, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := Chromium(t, measured, "--dump-dom", "--window-size="+strconv.Itoa(width)+",1600")
	m := overflowOut.FindSubmatch(dom)
	if m == nil {
		t.Fatalf("%s at %d px: the measuring script did not run", page, width)
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range strings.Split(html.UnescapeString(string(m[1])), "|") {
		if l != "" && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// Screenshot renders the page in a window width × height px and returns
// the PNG, failing t unless it is a picture of that size.
func Screenshot(t testing.TB, page string, width, height int) []byte {
	t.Helper()
	shot := filepath.Join(t.TempDir(), "shot.png")
	Chromium(t, page, "--screenshot="+shot, "--window-size="+strconv.Itoa(width)+","+strconv.Itoa(height))
	b, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("screenshot of %s: %v", page, err)
	}
	if got := img.Bounds().Size(); got.X != width || got.Y != height {
		t.Errorf("screenshot of %s is %v, want %dx%d", page, got, width, height)
	}
	return b
}
