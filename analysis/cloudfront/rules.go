package cloudfront

import (
	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/rule"
	cfparser "github.com/lbtriage/lbtriage/parser/cloudfront"
)

var _ analysis.Ruled = Family{}

// Rules returns classify's rules as data, in its order: the lake's SQL
// CASE is printed from them (TestRules holds the two together).
func (Family) Rules() *rule.Table { return rules }

var rules = func() *rule.Table {
	status := rule.Col(cfparser.ColScStatus)
	rt := rule.Col(cfparser.ColXEdgeResultType)
	// The detailed result type, or the result type in logs older than
	// December 2019, which lack it.
	dt := rule.Fallback(rule.Col(cfparser.ColXEdgeDetailedResultType), rt, "", "-")
	capacity := func(t rule.Term) rule.Expr { return rule.In(t, "CapacityExceeded", "LimitExceeded") }
	function := func(t rule.Term) rule.Expr {
		return rule.And(rule.Or(rule.HasPrefix(t, "Lambda"), rule.HasPrefix(t, "Function")),
			rule.Not(rule.HasSuffix(t, "GeneratedResponse")))
	}
	return &rule.Table{
		Guard: rule.And(rule.Ge(status, 500), rule.Le(status, 599)),
		Rules: []rule.Rule{
			rule.When(CauseEdgeCapacity, rule.Or(capacity(dt), capacity(rt))),
			rule.When(CauseEdgeFunctionError, rule.Or(function(dt), function(rt))),
			rule.When(CauseEdgeGenerated, rule.In(dt, "MissGeneratedResponse", "LambdaGeneratedResponse", "FunctionGeneratedResponse")),
			rule.When(CauseOriginConnectError, rule.Eq(dt, "OriginConnectError")),
			rule.When(CauseOriginDNSError, rule.Eq(dt, "OriginDnsError")),
			rule.When(CauseOriginTimeout, rule.Eq(dt, "OriginCommError")),
			rule.When(CauseOriginInvalidResponse, rule.In(dt, "OriginInvalidResponseError", "OriginHeaderTooBigError",
				"OriginZeroSizeObjectError", "OriginContentRangeLengthError")),
			rule.When(CauseOriginOther, rule.Or(rule.In(dt, "AbortedOrigin", "SlowReaderOriginError"), rule.HasPrefix(dt, "Origin"))),
			rule.When(CauseClientRequestError, rule.Or(rule.HasPrefix(dt, "Client"), rule.HasPrefix(dt, "InvalidRequest"))),
		},
		Else:    CauseOriginHTTP5xx,
		Status:  cfparser.ColScStatus,
		Latency: cfparser.ColTimeTaken,
	}
}()
