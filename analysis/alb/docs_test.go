package alb_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

// TestDocsTaxonomyExamples checks that docs/taxonomy.md has a section for
// every ALB cause and that its example log line classifies as that cause.
func TestDocsTaxonomyExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)### `([a-z_.0-9]+)`\n.*?```log\n(.*?)\n```")
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		code, line := m[1], m[2]
		found[code] = true
		r, err := alb.NewReader(strings.NewReader(line+"\n"), parser.Options{Columns: albfam.Family{}.Columns()})
		if err != nil {
			t.Fatal(err)
		}
		a := analysis.New(albfam.Family{}, analysis.Options{})
		for r.Next() {
			if err := a.Consume(parser.Source{}, r.RecordBatch()); err != nil {
				t.Fatal(err)
			}
		}
		if st := r.Stats(); st.Parsed != 1 {
			t.Errorf("%s: example line not parsed: %+v", code, st)
		}
		r.Release()
		rep := analysis.BuildReport(a, analysis.Run{})
		if rep.Errors.ByCause[code] != 1 || rep.Errors.Total5xx != 1 {
			t.Errorf("%s: example line classified as %v", code, rep.Errors.ByCause)
		}
		if !strings.Contains(string(doc), rep.Verdict.Summary) {
			t.Errorf("%s: excerpt's summary is stale; now: %s", code, rep.Verdict.Summary)
		}
	}
	for _, c := range (albfam.Family{}).Taxonomy().Causes {
		if !found[c.Code] {
			t.Errorf("docs/taxonomy.md has no example for %s", c.Code)
		}
	}
}
