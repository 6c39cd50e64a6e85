package clb_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// TestDocsTaxonomyExamples checks that the Classic section of
// docs/taxonomy.md has an example for every Classic cause, that its log
// line classifies as that cause, and that the excerpt's summary is the one
// reported now.
func TestDocsTaxonomyExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(doc), "\n## Classic Load Balancer\n")
	if !ok {
		t.Fatal("docs/taxonomy.md has no Classic Load Balancer section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	re := regexp.MustCompile("(?s)#### `([a-z_.0-9]+)`\n.*?```clb\n(.*?)\n```")
	found := map[string]bool{}
	for _, m := range re.FindAllStringSubmatch(section, -1) {
		code, line := m[1], m[2]
		found[code] = true
		r, err := clbparser.NewReader(strings.NewReader(line+"\n"), parser.Options{Columns: clbfam.Family{}.Columns()})
		if err != nil {
			t.Fatal(err)
		}
		a := analysis.New(clbfam.Family{}, analysis.Options{})
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
	for _, c := range (clbfam.Family{}).Taxonomy().Causes {
		if !found[c.Code] {
			t.Errorf("docs/taxonomy.md has no Classic example for %s", c.Code)
		}
	}
}
