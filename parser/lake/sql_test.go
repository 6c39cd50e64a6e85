package lake

import (
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/rule"
)

// TestQueries_Requests: a family whose rows are not all requests
// (rule.Table.Requests) has its targets and timeline count the requests
// alone, in every dialect; the 5xx queries need no condition, since only
// requests have a cause.
func TestQueries_Requests(t *testing.T) {
	tab := func(requests rule.Expr) Table {
		status := rule.Col("status")
		return Table{Format: "x", Rules: &rule.Table{
			Guard: rule.And(rule.Ge(status, 500), rule.Le(status, 599)), Else: "x.fault",
			Status: "status", TargetIP: "ip", TargetPort: "port", Latency: "seconds",
			Requests: requests,
		}}
	}
	for _, d := range Dialects() {
		all, some := Queries(d, tab(nil)), Queries(d, tab(rule.Eq(rule.Col("kind"), "request")))
		if len(all) != 4 || len(some) != 4 {
			t.Fatalf("%s: %d and %d queries, want 4", d, len(all), len(some))
		}
		cond := "COALESCE(" + quoteQuery(d, "kind") + " = 'request', FALSE)"
		for i, q := range some {
			has := strings.Contains(q.SQL, cond)
			if want := i >= 2; has != want {
				t.Errorf("%s: query %d (%s) has the condition: %v, want %v\n%s", d, i, q.Comment, has, want, q.SQL)
			}
			if i < 2 && q.SQL != all[i].SQL {
				t.Errorf("%s: query %d differs without the condition", d, i)
			}
			if strings.Contains(all[i].SQL, "kind") {
				t.Errorf("%s: query %d of a table whose rows are all requests names the condition", d, i)
			}
		}
	}
}
