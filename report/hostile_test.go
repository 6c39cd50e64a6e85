package report

import (
	"encoding/csv"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// The hostile tests render a report whose log-derived strings carry
// script, markup, terminal escapes and spreadsheet formulas, and check that
// each format shows them as inert text.

func hostileRender(t *testing.T, opts Options) string {
	t.Helper()
	opts.Baseline = hostileReport()
	return render(t, hostileReport(), opts)
}

// htmlTag is a start tag found in an HTML document.
type htmlTag struct {
	name  string
	attrs map[string]string
}

// scanTags lists the start tags of doc the way a browser's tokenizer finds
// them: "<" followed by a letter opens a tag; attribute values may be
// quoted. Escaped text (&lt;) never opens one. Raw-text elements are
// skipped as a whole, so a tag inside <style> or <title> is not counted.
func scanTags(t *testing.T, doc string) []htmlTag {
	t.Helper()
	var tags []htmlTag
	i := 0
	for {
		j := strings.IndexByte(doc[i:], '<')
		if j < 0 {
			return tags
		}
		i += j + 1
		if i >= len(doc) {
			return tags
		}
		if doc[i] == '!' || doc[i] == '/' || !isLetter(doc[i]) {
			continue
		}
		k := i
		for k < len(doc) && !strings.ContainsRune(" \t\n\r\f/>", rune(doc[k])) {
			k++
		}
		tag := htmlTag{name: strings.ToLower(doc[i:k]), attrs: map[string]string{}}
		i = k
		for i < len(doc) && doc[i] != '>' {
			for i < len(doc) && strings.ContainsRune(" \t\n\r\f/", rune(doc[i])) {
				i++
			}
			if i >= len(doc) || doc[i] == '>' {
				break
			}
			k = i
			for k < len(doc) && !strings.ContainsRune(" \t\n\r\f/>=", rune(doc[k])) {
				k++
			}
			name := strings.ToLower(doc[i:k])
			i = k
			val := ""
			if i < len(doc) && doc[i] == '=' {
				i++
				if i < len(doc) && (doc[i] == '"' || doc[i] == '\'') {
					q := doc[i]
					end := strings.IndexByte(doc[i+1:], q)
					if end < 0 {
						t.Fatalf("unterminated attribute value at %d", i)
					}
					val = doc[i+1 : i+1+end]
					i += end + 2
				} else {
					k = i
					for k < len(doc) && !strings.ContainsRune(" \t\n\r\f>", rune(doc[k])) {
						k++
					}
					val = doc[i:k]
					i = k
				}
			}
			tag.attrs[name] = val
		}
		tags = append(tags, tag)
		if tag.name == "style" || tag.name == "title" || tag.name == "script" || tag.name == "textarea" {
			end := strings.Index(strings.ToLower(doc[i:]), "</"+tag.name)
			if end < 0 {
				t.Fatalf("<%s> not closed", tag.name)
			}
			if tag.name == "title" && strings.Contains(doc[i:i+end], "<") {
				t.Errorf("raw < inside <title>: %q", doc[i:i+end])
			}
			i += end
		}
	}
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// allowedTags are the only elements the HTML report's template writes.
var allowedTags = map[string]bool{
	"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "main": true,
	"header": true, "footer": true, "section": true, "div": true, "h1": true, "h2": true, "h3": true, "p": true,
	"span": true, "b": true, "i": true, "br": true, "code": true, "ul": true, "ol": true, "li": true,
	"table": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true,
	"svg": true, "path": true, "rect": true, "line": true, "circle": true, "text": true,
}

func TestHostile_HTML(t *testing.T) {
	doc := hostileRender(t, Options{Format: "html"})
	lower := strings.ToLower(doc)
	for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "<a ", "<link", "<base", "javascript:alert(1)\"", "@import", "url("} {
		if strings.Contains(lower, bad) {
			i := strings.Index(lower, bad)
			t.Errorf("HTML contains %q: …%s…", bad, doc[max(0, i-80):min(len(doc), i+80)])
		}
	}
	tags := scanTags(t, doc)
	var csp bool
	for _, tag := range tags {
		if !allowedTags[tag.name] {
			t.Errorf("unexpected element <%s %v>", tag.name, tag.attrs)
		}
		for name, val := range tag.attrs {
			if strings.HasPrefix(name, "on") {
				t.Errorf("event handler attribute %s=%q on <%s>", name, val, tag.name)
			}
			if name == "href" || name == "src" || name == "action" || name == "formaction" || name == "xlink:href" {
				t.Errorf("<%s %s=%q>: the report must load and link nothing", tag.name, name, val)
			}
			if name == "style" && (strings.Contains(val, "url") || strings.Contains(val, "expression") || strings.Contains(val, "\\")) {
				t.Errorf("<%s style=%q>", tag.name, val)
			}
		}
		if tag.name == "meta" && strings.EqualFold(tag.attrs["http-equiv"], "content-security-policy") {
			csp = tag.attrs["content"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
		}
	}
	if !csp {
		t.Errorf("no strict Content-Security-Policy meta tag")
	}
	if strings.Contains(doc, "ZgotmplZ") {
		t.Errorf("html/template rejected a value (ZgotmplZ): a template context is wrong")
	}
	// The hostile strings are there, escaped, for the reader to see.
	for _, want := range []string{"&lt;script&gt;document.title=", "&#34;&gt;&lt;img src=x onerror=&#34;", "javascript:alert(1)", "=HYPERLINK(&#34;http://evil&#34;,&#34;x&#34;)"} {
		if !strings.Contains(doc, want) {
			t.Errorf("HTML does not show %q as text", want)
		}
	}
	checkNoControls(t, "html", doc, false)
}

// checkNoControls fails on any C0 control but \n (and \t when tabs is
// true), DEL, C1 control or bidi control in out.
func checkNoControls(t *testing.T, what, out string, tabs bool) {
	t.Helper()
	for i, r := range out {
		bad := false
		switch {
		case r == '\n':
		case r == '\t':
			bad = !tabs
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			bad = true
		case isBidiControl(r):
			bad = true
		case r == utf8.RuneError && strings.HasPrefix(out[i:], "\xff"):
			bad = true
		}
		if bad {
			t.Errorf("%s: control character %U at byte %d: …%q…", what, r, i, out[max(0, i-40):min(len(out), i+40)])
			return
		}
	}
}

func TestHostile_Text(t *testing.T) {
	for _, width := range []int{0, 60, 200} {
		out := hostileRender(t, Options{Format: "text", Width: width})
		checkNoControls(t, "text", out, false)
		if !strings.Contains(out, "click") {
			t.Errorf("the OSC 8 link text is gone: want the visible text kept")
		}
	}
	// With colour on, the only escapes are the renderer's own SGR codes.
	out := hostileRender(t, Options{Format: "text", Color: true})
	for _, code := range []string{"\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[33m", "\x1b[32m", "\x1b[36m", "\x1b[0m"} {
		out = strings.ReplaceAll(out, code, "")
	}
	checkNoControls(t, "text with colour", out, false)
}

func TestHostile_Markdown(t *testing.T) {
	out := hostileRender(t, Options{Format: "markdown"})
	checkNoControls(t, "markdown", out, false)
	prose := stripCodeSpans(t, out)
	for _, bad := range []string{"<script", "<img", "<http", "](", "![", "http://", "\n#"} {
		if strings.Contains(strings.ToLower(prose), bad) && !(bad == "\n#" && !strings.Contains(prose, "\n# ")) {
			i := strings.Index(strings.ToLower(prose), bad)
			t.Errorf("markdown prose contains %q: …%s…", bad, prose[max(0, i-60):min(len(prose), i+60)])
		}
	}
	// Every table row keeps its column count: no | from a log splits a cell.
	var cols int
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "| ") {
			cols = 0
			continue
		}
		n := strings.Count(line, "|") - strings.Count(line, `\|`)
		if cols == 0 {
			cols = n
		} else if n != cols {
			t.Errorf("table row has %d cells, header %d: %s", n, cols, line)
		}
	}
}

// stripCodeSpans removes inline code spans (any fence length) and fenced
// code blocks from markdown, leaving the text a renderer would parse for
// links and HTML.
func stripCodeSpans(t *testing.T, md string) string {
	t.Helper()
	var b strings.Builder
	inBlock := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			continue
		}
		for i := 0; i < len(line); {
			if line[i] == '\\' && i+1 < len(line) {
				i += 2 // an escaped character is text
				continue
			}
			if line[i] != '`' {
				b.WriteByte(line[i])
				i++
				continue
			}
			n := 0
			for i+n < len(line) && line[i+n] == '`' {
				n++
			}
			fence := line[i : i+n]
			end := -1
			for k := i + n; k < len(line); {
				j := strings.Index(line[k:], fence)
				if j < 0 {
					break
				}
				j += k
				if (j+n == len(line) || line[j+n] != '`') && line[j-1] != '`' {
					end = j
					break
				}
				k = j + n
			}
			if end < 0 {
				t.Fatalf("unclosed code span in %q", line)
			}
			i = end + n
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func TestHostile_CSV(t *testing.T) {
	seen := map[string]bool{}
	tables := TablesOf(hostileReport())
	if len(tables) == len(Tables()) {
		t.Fatalf("the hostile report's part offers no CSV table")
	}
	for _, table := range tables {
		out := hostileRender(t, Options{Format: "csv", Table: table})
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("%s: not CSV: %v", table, err)
		}
		for _, row := range rows {
			for _, cell := range row {
				seen[cell] = true
				if cell == "" {
					continue
				}
				switch cell[0] {
				case '=', '+', '@', '\t', '\r':
					t.Errorf("%s: cell starts with a formula character: %q", table, cell)
				case '-':
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("%s: cell starts with - and is not a number: %q", table, cell)
					}
				}
				checkNoControls(t, "csv cell", cell, false)
			}
		}
	}
	for _, want := range []string{"'" + hostileLink, "'" + hostileCmd, "'" + hostileSum, "'" + hostileMinus, "' =1+1"} {
		if !seen[want] {
			t.Errorf("no CSV cell %q", want)
		}
	}
}

func TestHostile_JSON(t *testing.T) {
	out := hostileRender(t, Options{Format: "json"})
	if strings.Contains(out, "<script") || strings.Contains(out, "\x1b") {
		t.Errorf("JSON holds raw markup or escapes; encoding/json should have escaped them")
	}
	got, cmp := decodeJSON(t, out)
	// JSON is data: the strings come back exactly as they were, the part's
	// object under its key.
	want := normalized(hostileReport())
	part := want.Parts[0]
	var obj map[string]string
	if p := got.Part(part.Key); p == nil {
		t.Errorf("no part %q", part.Key)
	} else if err := json.Unmarshal(p.JSON.(json.RawMessage), &obj); err != nil || !reflect.DeepEqual(obj, part.JSON) {
		t.Errorf("the part's object does not round-trip: %v %v", obj, err)
	}
	got.Parts, want.Parts, want.Taxonomy = nil, nil, nil
	if !reflect.DeepEqual(*got, *want) {
		t.Errorf("hostile report does not round-trip through JSON")
	}
	if cmp == nil {
		t.Errorf("no comparison")
	}
}
