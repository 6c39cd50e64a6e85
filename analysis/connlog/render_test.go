package connlog_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	connfam "github.com/lbtriage/lbtriage/analysis/albconn"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	nlbfam "github.com/lbtriage/lbtriage/analysis/nlb"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/report"
)

// hostileSubject is a client certificate subject that would run a script
// or open a tag if a format let it through.
const hostileSubject = `CN=<script>document.title='PWN'+'ED'</script>,O=<img src=x onerror="document.body.appendChild(document.createElement('xss'+'marker'))">`

// connReports returns the reports of the NLB sample and of the connection
// logs of the partners' sample alone, with one more object holding a
// client whose certificate subject is hostile.
func connReports(t *testing.T) []*analysis.Report {
	t.Helper()
	reg := analysis.MustRegistry(albfam.Family{}, nlbfam.Family{}, connfam.Family{})
	nlbObjs, _, err := gen.NLBObjects(gen.SampleNLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	connObjs, _, _, err := gen.ConnObjects(gen.SamplePartnerTLSIncident())
	if err != nil {
		t.Fatal(err)
	}
	objs := nlbObjs
	var key string
	for _, o := range connObjs {
		if strings.Contains(o.Key, "/conn_log_") {
			objs = append(objs, o)
			key = o.Key
		}
	}
	var line bytes.Buffer
	for i := range 6 {
		line.WriteString("2026-11-20T13:1" + string(rune('0'+i)) + ":00.000000Z 192.0.2.66 40000 8443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 - \"" +
			hostileSubject + "\" NotBefore=2026-01-01T00:00:00Z;NotAfter=2027-01-01T00:00:00Z 0A Failed:ClientCertUntrusted TID_0123456789abcdef0123456789abcdef secp256r1 app/shop-prod-alb/50dc6c495c0c9188 54.76.190.5\n")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(line.Bytes())
	zw.Close()
	objs = append(objs, gen.Object{Key: strings.Replace(key, ".log.gz", "x.log.gz", 1), Data: gz.Bytes()})
	objects, skipped := analysistest.Objects(reg, objs)
	reps := analysistest.Scan(t, reg, objects, skipped, 2, analysis.Options{})
	if len(reps) != 2 || reps[0].Format != "nlb" || reps[1].Format != "alb_conn" {
		t.Fatalf("%d reports", len(reps))
	}
	return reps
}

// TestRender: every format shows the connections' verdict and section,
// and the hostile subject as inert text.
func TestRender(t *testing.T) {
	reps := connReports(t)
	render := func(rep *analysis.Report, opts report.Options) string {
		t.Helper()
		var b bytes.Buffer
		if err := report.Render(&b, rep, opts); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	for _, rep := range reps {
		for _, format := range []string{"text", "markdown", "html", "json"} {
			out := render(rep, report.Options{Format: format, Width: 100})
			for _, want := range []string{rep.Verdict.Headline, "onnections"} {
				if format == "json" || format == "html" || format == "markdown" {
					want = strings.NewReplacer("_", "", "'", "").Replace(want)
					out = strings.NewReplacer("\\_", "", "_", "", "&#39;", "", "'", "").Replace(out)
				}
				if !strings.Contains(out, want) {
					t.Errorf("%s %s: no %q", rep.Format, format, want)
				}
			}
			if format == "markdown" {
				out = codeSpan.ReplaceAllString(out, "") // code spans show markup as text
			}
			if strings.Contains(out, "<script>") || strings.Contains(out, "<img") {
				t.Errorf("%s %s: the hostile subject is not escaped", rep.Format, format)
			}
			if format != "json" && strings.Contains(out, "requests 0") {
				t.Errorf("%s %s: request figures in a report of connections", rep.Format, format)
			}
		}
		// The part's CSV tables are those the taxonomy declares, in its
		// order (the certificates' only when the logs name certificates).
		var tables []string
		for _, sec := range rep.Part(connlog.PartKey).Sections {
			for _, tb := range sec.Tables {
				tables = append(tables, tb.Name)
			}
		}
		if len(tables) < 4 || len(tables) > len(rep.Taxonomy.Tables) || !slices.Equal(tables, rep.Taxonomy.Tables[:len(tables)]) {
			t.Errorf("%s: tables %q, the taxonomy says %q", rep.Format, tables, rep.Taxonomy.Tables)
		}
		for _, table := range tables {
			rows, err := csv.NewReader(strings.NewReader(render(rep, report.Options{Format: "csv", Table: table}))).ReadAll()
			if err != nil || len(rows) < 2 {
				t.Errorf("%s csv %s: %d rows, %v", rep.Format, table, len(rows), err)
			}
			for _, r := range rows {
				for _, c := range r {
					if strings.HasPrefix(c, "=") || strings.HasPrefix(c, "+") || strings.HasPrefix(c, "@") {
						t.Errorf("%s csv %s: formula cell %q", rep.Format, table, c)
					}
				}
			}
		}
	}
}

const chromiumPath = "/usr/bin/chromium"

var codeSpan = regexp.MustCompile("`[^`]*`")

// TestBrowser renders both reports in headless Chromium: the verdict, the
// connections section with its tables and strips show, and nothing from the
// logs runs.
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped under -short")
	}
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s is missing: the browser test is skipped", chromiumPath)
	}
	for _, rep := range connReports(t) {
		page := filepath.Join(t.TempDir(), "report.html")
		var b bytes.Buffer
		if err := report.Render(&b, rep, report.Options{Format: "html"}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		out, err := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
			"--disable-background-networking", "--disable-extensions", "--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page).Output()
		cancel()
		if err != nil {
			t.Fatalf("chromium: %v", err)
		}
		dom := string(out)
		for _, marker := range []string{"PWNED", "<xssmarker"} {
			if strings.Contains(dom, marker) {
				t.Errorf("%s: a script from the log ran: the DOM contains %q", rep.Format, marker)
			}
		}
		for _, want := range []string{`id="verdict"`, `id="connections"`, "Failed connections by reason",
			"Clients, the most failed connections first", "Failed connections per listener", "<svg"} {
			if !strings.Contains(dom, want) {
				t.Errorf("%s: rendered DOM lacks %q", rep.Format, want)
			}
		}
		if rep.Format == "nlb" && !strings.Contains(dom, "Certificate served by listener 3f9c1e7a52d04b86 (port 443)") {
			t.Errorf("nlb: no certificate strip")
		}
		if rep.Format == "alb_conn" && !strings.Contains(dom, "&lt;script&gt;") {
			t.Errorf("alb_conn: the hostile subject is not shown as text")
		}
	}
}

// TestJSONContract: the keys docs/report-json.md promises under
// "connections", in the reports of both families.
func TestJSONContract(t *testing.T) {
	for _, rep := range connReports(t) {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Connections map[string]any `json:"connections"`
			Verdict     map[string]any `json:"verdict"`
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"total", "failed", "failure_rate", "by_reason", "primary_reason", "reasons", "clients", "listeners", "nodes", "timeline",
			"clients_seen", "failing_clients", "first_failed", "last_failed"} {
			if _, ok := doc.Connections[k]; !ok {
				t.Errorf("%s: connections.%s missing", rep.Format, k)
			}
		}
		if doc.Verdict["headline"] == nil || doc.Verdict["primary_cause"] != nil {
			t.Errorf("%s: verdict %v", rep.Format, doc.Verdict)
		}
		for _, k := range []string{"client", "connections", "failed", "by_reason"} {
			if _, ok := doc.Connections["clients"].([]any)[0].(map[string]any)[k]; !ok {
				t.Errorf("%s: connections.clients[].%s missing", rep.Format, k)
			}
		}
	}
}
