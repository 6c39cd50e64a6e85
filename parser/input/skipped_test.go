package input

import (
	"errors"
	"testing"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

func TestSetAside(t *testing.T) {
	f := func(skipped []Skipped, results []ObjectResult, want string) {
		t.Helper()
		if got := SetAside(skipped, results); got != want {
			t.Fatalf("SetAside = %q, want %q", got, want)
		}
	}
	conn := Skipped{Source: "conn_log_1.log.gz", Reason: "ALB connection log: not read by this build"}
	test := Skipped{Source: "ELBAccessLogTestFile", Reason: SkipTestFile}
	read := ObjectResult{Source: parser.Source{Name: "a.log"}, Format: alb.Format}
	failed := ObjectResult{Source: parser.Source{Name: "b.log"}, Err: errors.New("boom")}
	skip := func(name, reason string) ObjectResult {
		return ObjectResult{Source: parser.Source{Name: name}, SkipReason: reason}
	}
	f(nil, nil, "")
	f(nil, []ObjectResult{read, failed}, "")
	f([]Skipped{test}, nil, "1 input set aside: 1 ELB access-log test file")
	f([]Skipped{conn, test, conn}, nil, "3 inputs set aside: 2 ALB connection logs, 1 ELB access-log test file")
	f([]Skipped{conn}, []ObjectResult{
		read,
		skip("x.log", "Classic Load Balancer access log: not read by this build"),
		skip("y.log", SkipTestFile),
		skip("z.log", "CloudFront RTMP distribution log: not read by lbtriage"),
		skip("w.log", "Classic Load Balancer access log: not read by this build"),
	}, "5 inputs set aside: 2 Classic Load Balancer access logs, 1 ALB connection log, 1 CloudFront RTMP distribution log, 1 ELB access-log test file")
}
