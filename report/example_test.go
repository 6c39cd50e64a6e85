package report_test

import (
	"fmt"
	"os"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/report"
)

func ExampleParseThreshold() {
	// The second argument lists the cause codes a cause:CODE metric may
	// name (a registry's Codes); this threshold names none.
	th, err := report.ParseThreshold("lb_5xx_rate>0.1%", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	rep := &analysis.Report{Requests: 10000, Errors: analysis.Errors{Total5xx: 25, ByDomain: map[string]int64{"load_balancer": 20, "target": 5}}}
	crossed, actual := th.Check(rep)
	fmt.Println(th.Metric, th.Op, th.Value, crossed, actual)
	// Output: lb_5xx_rate > 0.001 true 0.002
}

func ExampleRender() {
	rep := &analysis.Report{
		Format: "alb", Requests: 1200, Lines: analysis.Lines{Read: 1200, Parsed: 1200},
		Nodes: []analysis.Node{
			{Node: "52.208.14.23", Requests: 610, Errors5xx: 3, Share: 0.5083},
			{Node: "54.76.190.5", Requests: 590, Share: 0.4917},
		},
		Verdict: analysis.Verdict{Summary: "3 5xx in 1,200 requests."},
	}
	if err := report.Render(os.Stdout, rep, report.Options{Format: "csv", Table: "nodes"}); err != nil {
		fmt.Println(err)
	}
	// A table with no row is an error, never a header alone.
	if err := report.Render(os.Stdout, rep, report.Options{Format: "csv", Table: "paths"}); err != nil {
		fmt.Println(err)
	}
	// Output:
	// node,requests,errors_5xx,rate_5xx,share
	// 52.208.14.23,610,3,0.004918,0.508300
	// 54.76.190.5,590,0,0.000000,0.491700
	// csv table "paths" has no row in this report (tables with rows: nodes)
}
