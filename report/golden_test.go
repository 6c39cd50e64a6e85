package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden compares the text, markdown, CSV and JSON renderings of fixed
// reports with the files in testdata/golden.
func TestGolden(t *testing.T) {
	day, cmp := comparedReport()
	cases := []struct {
		name string
		rep  *analysis.Report
		opts Options
	}{
		{"incident.txt", incidentReport(), Options{Format: "text"}},
		{"incident-color.txt", incidentReport(), Options{Format: "text", Color: true, Width: 120}},
		{"incident.md", incidentReport(), Options{Format: "markdown"}},
		{"incident.json", incidentReport(), Options{Format: "json"}},
		{"cloudfront.txt", cloudfrontReport(), Options{Format: "text"}},
		{"cloudfront.md", cloudfrontReport(), Options{Format: "markdown"}},
		{"quiet.txt", quietReport(), Options{Format: "text"}},
		{"quiet.md", quietReport(), Options{Format: "markdown"}},
		{"quiet.json", quietReport(), Options{Format: "json"}},
		{"compared.txt", day, Options{Format: "text", Comparison: cmp}},
		{"compared.md", day, Options{Format: "markdown", Comparison: cmp}},
		{"compared.json", day, Options{Format: "json", Comparison: cmp}},
		{"compared-comparison.csv", day, Options{Format: "csv", Table: "comparison", Comparison: cmp}},
	}
	for _, table := range []string{"timeline", "targets", "nodes", "subnets", "paths", "clients"} {
		cases = append(cases, struct {
			name string
			rep  *analysis.Report
			opts Options
		}{"incident-" + table + ".csv", incidentReport(), Options{Format: "csv", Table: table}})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Render(&b, c.rep, c.opts); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", c.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (create the golden files with: go test ./report -run TestGolden -update)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file; if the change is intended, run: go test ./report -run TestGolden -update\n--- got ---\n%s", path, firstDiff(b.String(), string(want)))
			}
		})
	}
}

// firstDiff returns the lines around the first difference.
func firstDiff(got, want string) string {
	gl, wl := bytes.Split([]byte(got), []byte("\n")), bytes.Split([]byte(want), []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if !bytes.Equal(g, w) {
			return "line " + itoa(i+1) + ":\n got: " + string(g) + "\nwant: " + string(w)
		}
	}
	return ""
}

func itoa(i int) string { return numfmt.Int(int64(i)) }
