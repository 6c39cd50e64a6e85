package clb

import (
	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/rule"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

var _ analysis.Ruled = Family{}

// Rules returns classifyBatch's rules as data, in its order: the lake's
// SQL CASE is printed from them (TestRules holds the two together).
func (Family) Rules() *rule.Table { return rules }

var rules = func() *rule.Table {
	var (
		elb     = rule.Col(clbparser.ColELBStatusCode)
		backend = rule.Col(clbparser.ColBackendStatusCode)
		ip      = rule.Col(clbparser.ColBackendIP)
		bpt     = rule.Col(clbparser.ColBackendProcessingTime)
	)
	return &rule.Table{
		Guard: rule.And(rule.Ge(elb, 500), rule.Le(elb, 599)),
		Rules: []rule.Rule{
			rule.When(CauseTargetHTTP5xx, rule.EqTerms(backend, elb)),
			rule.When(CauseMalformedResponse, rule.NotNull(backend)),
			rule.When(CauseMalformedResponse, rule.And(rule.Eq(elb, 502), rule.Ge(bpt, 0))),
			rule.When(CauseConnectionError, rule.Eq(elb, 502)),
			rule.When(CauseTargetTimeout, rule.Eq(elb, 504)),
			rule.When(CauseNoTargets, rule.And(rule.Eq(elb, 503), rule.IsNull(ip))),
			rule.When(CauseConnectionError, rule.Eq(elb, 503)),
		},
		Else:   CauseLBInternal,
		Status: clbparser.ColELBStatusCode, TargetIP: clbparser.ColBackendIP, TargetPort: clbparser.ColBackendPort,
		Latency: clbparser.ColBackendProcessingTime,
		// The lines of TCP and SSL listeners are connections, not requests.
		Requests: rule.In(rule.Col(clbparser.ColListener), clbparser.ListenerHTTP, clbparser.ListenerHTTPS),
	}
}()
