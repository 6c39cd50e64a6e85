package alb

import (
	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/rule"
	albparser "github.com/lbtriage/lbtriage/parser/alb"
)

var _ analysis.Ruled = Family{}

// Rules returns classifyBatch's rules as data, in its order: the lake's
// SQL CASE is printed from them (TestRules holds the two together).
func (Family) Rules() *rule.Table { return rules }

var rules = func() *rule.Table {
	var (
		elb     = rule.Col(albparser.ColELBStatusCode)
		target  = rule.Col(albparser.ColTargetStatusCode)
		er      = rule.Col(albparser.ColErrorReason)
		actions = rule.Col(albparser.ColActionsExecuted)
		ip      = rule.Col(albparser.ColTargetIP)
		tpt     = rule.Col(albparser.ColTargetProcessingTime)
		dur     = rule.Col("duration") // the lake's: time minus request_creation_time
	)
	return &rule.Table{
		Guard: rule.And(rule.Ge(elb, 500), rule.Le(elb, 599)),
		Rules: []rule.Rule{
			rule.When(CauseLambdaService, rule.In(er, "LambdaServiceException", "LambdaConnectionError", "LambdaConnectionTimeout", "LambdaUnhandledException")),
			rule.When(CauseLambdaError, rule.HasPrefix(er, "Lambda")),
			rule.When(CauseAuthError, rule.Or(rule.HasPrefix(er, "Auth"), rule.Eq(elb, 561))),
			rule.When(CauseWAFError, rule.Or(rule.HasPrefix(er, "WAF"), rule.ContainsText(actions, "waf-failed"))),
			rule.When(CauseFixedResponse, rule.ContainsText(actions, "fixed-response")),
			rule.When(CauseBadRequest, rule.And(rule.IsNull(target), rule.In(elb, 501, 505))),
			rule.When(CauseTargetHTTP5xx, rule.EqTerms(target, elb)),
			rule.When(CauseMalformedResponse, rule.NotNull(target)),
			rule.When(CauseNoTargets, rule.And(rule.IsNull(ip), rule.Eq(elb, 503))),
			rule.When(CauseLBInternal, rule.IsNull(ip)),
			rule.When(CauseConnectionError, rule.And(rule.Eq(elb, 502), rule.Or(rule.IsNull(tpt), rule.Lt(tpt, 0)))),
			rule.When(CauseMalformedResponse, rule.Eq(elb, 502)),
			rule.When(CauseConnectTimeout, rule.And(rule.Eq(elb, 504), rule.Ge(dur, connectTimeoutMin), rule.Lt(dur, connectTimeoutMax))),
			rule.When(CauseTargetTimeout, rule.Eq(elb, 504)),
		},
		Else:   CauseConnectionError,
		Status: albparser.ColELBStatusCode, TargetIP: albparser.ColTargetIP, TargetPort: albparser.ColTargetPort,
		Latency: albparser.ColTargetProcessingTime,
	}
}()
