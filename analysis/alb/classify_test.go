package alb

import (
	"math"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
)

// causeOf runs one row through the batch path and returns its cause code
// ("" when it is not a 5xx).
func causeOf(t *testing.T, r row) string {
	t.Helper()
	a := aggregate(t, analysis.Options{}, parser.Source{Name: "t"}, []row{r})
	var got []string
	for c := range taxonomy.Causes {
		for i := int64(0); i < a.CauseCount(analysis.CauseID(c+1)); i++ {
			got = append(got, taxonomy.Causes[c].Code)
		}
	}
	switch len(got) {
	case 0:
		return ""
	case 1:
		return got[0]
	}
	t.Fatalf("one row counted as %v", got)
	return ""
}

// lbRow is a row the load balancer answered itself: no target, times -1.
func lbRow(elb int) row {
	return row{time: t0, dur: 0.001, tpt: -1, elb: elb, actions: "forward"}
}

// tgRow is a row with a target set that did not answer.
func tgRow(elb int, tpt, dur float64) row {
	return row{time: t0, dur: dur, target: "10.0.1.5", port: 8080, tpt: tpt, elb: elb, actions: "forward"}
}

func with(r row, fn func(*row)) row {
	fn(&r)
	return r
}

func TestClassify_Rules(t *testing.T) {
	f := func(want string, r row) {
		t.Helper()
		if got := causeOf(t, r); got != want {
			t.Fatalf("cause = %q, want %q (row %+v)", got, want, r)
		}
	}
	reason := func(r row, er string) row { return with(r, func(r *row) { r.reason = er }) }
	actions := func(r row, a string) row { return with(r, func(r *row) { r.actions = a }) }
	answered := func(r row, code int) row { return with(r, func(r *row) { r.tstatus = code }) }

	// Rule 1: Lambda internal errors are the load balancer's.
	for _, er := range []string{"LambdaServiceException", "LambdaConnectionError", "LambdaConnectionTimeout", "LambdaUnhandledException"} {
		f(CauseLambdaService, reason(lbRow(502), er))
	}
	f(CauseLambdaService, reason(lbRow(504), "LambdaConnectionTimeout"))
	// Rule 2: any other Lambda reason is the function's (user error).
	for _, er := range []string{"LambdaUnhandled", "LambdaThrottling", "LambdaInvalidResponse", "LambdaResponseTooLarge", "LambdaAccessDenied", "LambdaSomethingNew"} {
		f(CauseLambdaError, reason(lbRow(502), er))
	}
	// LambdaUnhandled (user) vs LambdaUnhandledException (internal).
	f(CauseLambdaError, reason(lbRow(502), "LambdaUnhandled"))
	f(CauseLambdaService, reason(lbRow(502), "LambdaUnhandledException"))
	// Rule 2 beats rule 3 (561) and rule 5 (fixed-response).
	f(CauseLambdaError, actions(reason(lbRow(561), "LambdaThrottling"), "fixed-response"))

	// Rule 3: Auth* reasons or 561.
	f(CauseAuthError, reason(lbRow(561), "AuthTokenEpRequestFailed"))
	f(CauseAuthError, reason(lbRow(500), "AuthTokenEpRequestTimeout"))
	f(CauseAuthError, actions(lbRow(561), "authenticate"))
	f(CauseAuthError, answered(tgRow(561, 0.1, 0.1), 561)) // 561 wins over rule 7
	// Rule 3 beats rule 4.
	f(CauseAuthError, actions(reason(lbRow(500), "AuthUnhandledException"), "waf-failed"))

	// Rule 4: WAF reasons or waf-failed.
	f(CauseWAFError, reason(lbRow(500), "WAFConnectionError"))
	f(CauseWAFError, actions(lbRow(500), "waf-failed"))
	f(CauseWAFError, actions(lbRow(500), "waf-failed,forward"))
	// Rule 4 beats rule 5.
	f(CauseWAFError, actions(lbRow(503), "waf-failed,fixed-response"))

	// Rule 5: fixed-response, configured on purpose; beats no targets (rule 14).
	f(CauseFixedResponse, actions(lbRow(503), "fixed-response"))
	f(CauseFixedResponse, actions(lbRow(500), "waf,fixed-response"))
	f(CauseFixedResponse, actions(lbRow(501), "fixed-response")) // beats rule 6

	// Rule 6: 501/505 without a target answer.
	f(CauseBadRequest, lbRow(501))
	f(CauseBadRequest, lbRow(505))
	f(CauseBadRequest, tgRow(501, -1, 0.1))
	// 501 with the target's answer: the target's own 501 (rule 7).
	f(CauseTargetHTTP5xx, answered(tgRow(501, 0.05, 0.06), 501))
	f(CauseMalformedResponse, answered(tgRow(505, 0.05, 0.06), 200))

	// Rule 7: target answered with the same code.
	f(CauseTargetHTTP5xx, answered(tgRow(500, 0.2, 0.21), 500))
	f(CauseTargetHTTP5xx, answered(tgRow(503, 0.2, 0.21), 503))
	f(CauseTargetHTTP5xx, answered(tgRow(507, 0.2, 0.21), 507))
	// Rule 8: target answered with another code.
	f(CauseMalformedResponse, answered(tgRow(502, 0.2, 0.21), 200))
	f(CauseMalformedResponse, answered(tgRow(502, -1, 0.21), 500))

	// Rules 9/10: 502 with a target, no answer: -1 (NULL) vs ≥ 0.
	f(CauseConnectionError, tgRow(502, -1, 0.001))
	f(CauseMalformedResponse, tgRow(502, 0, 0.001)) // 0 is not -1
	f(CauseMalformedResponse, tgRow(502, 1.5, 1.6))

	// Rules 11/12: 504 and the duration boundaries.
	f(CauseTargetTimeout, tgRow(504, -1, 9.499))
	f(CauseConnectTimeout, tgRow(504, -1, 9.5))
	f(CauseConnectTimeout, tgRow(504, -1, 10.001))
	f(CauseConnectTimeout, tgRow(504, -1, 10.99))
	f(CauseTargetTimeout, tgRow(504, -1, 11.0))
	f(CauseTargetTimeout, tgRow(504, -1, 60.002))
	f(CauseConnectTimeout, tgRow(504, 0, 10.0)) // rule 11 reads the duration only
	f(CauseTargetTimeout, with(tgRow(504, -1, 10), func(r *row) { r.noCreate = true }))

	// Rule 13: other 5xx with a target and no answer.
	f(CauseConnectionError, tgRow(500, -1, 0.1))
	f(CauseConnectionError, tgRow(503, -1, 0.1))
	f(CauseConnectionError, tgRow(503, 0.2, 0.3))

	// Rule 14: no target, 503; rule order vs fixed-response covered above.
	f(CauseNoTargets, lbRow(503))
	f(CauseNoTargets, actions(lbRow(503), ""))
	// Rule 15: anything else.
	f(CauseLBInternal, lbRow(500))
	f(CauseLBInternal, lbRow(502))
	f(CauseLBInternal, lbRow(504))
	f(CauseLBInternal, lbRow(599))

	// Not a 5xx.
	f("", lbRow(460))
	f("", okRow(t0, "10.0.1.5"))
	f("", lbRow(0))
}

func TestClassify_RowLevel(t *testing.T) {
	i := func(v int) *int { return &v }
	fl := func(v float64) *float64 { return &v }
	f := func(want string, elb int, ts *int, set bool, tpt *float64, dur float64, actions, reason string) {
		t.Helper()
		if got := Classify(elb, ts, set, tpt, dur, actions, reason); got != want {
			t.Fatalf("Classify(%d, …) = %q, want %q", elb, got, want)
		}
	}
	f(CauseConnectionError, 502, nil, true, nil, 0.01, "forward", "")
	f(CauseMalformedResponse, 502, nil, true, fl(0), 0.01, "forward", "")
	f(CauseConnectTimeout, 504, nil, true, nil, 10, "forward", "")
	f(CauseTargetTimeout, 504, nil, true, nil, math.NaN(), "forward", "")
	f(CauseTargetHTTP5xx, 500, i(500), true, fl(0.1), 0.1, "forward", "")
	f(CauseNoTargets, 503, nil, false, nil, 0, "forward", "")
	f(CauseFixedResponse, 503, nil, false, nil, 0, "fixed-response", "")
}

func TestContextALB(t *testing.T) {
	f := func(want string, r row) {
		t.Helper()
		a := aggregate(t, analysis.Options{}, parser.Source{}, []row{r})
		var got []string
		for _, k := range taxonomy.Context {
			if analysis.BuildReport(a, analysis.Run{}).Context[k] > 0 {
				got = append(got, k)
			}
		}
		if strings.Join(got, ",") != want {
			t.Fatalf("context = %v, want %q", got, want)
		}
		if a.Total5xx() != 0 {
			t.Fatalf("context row counted as 5xx")
		}
	}
	f(Context460, lbRow(460))
	f(Context460, tgRow(460, -1, 30))
	f(Context400, lbRow(400))
	f(Context408, lbRow(408))
	f(Context463, lbRow(463))
	f(Context464, lbRow(464))
	f(Context403WAF, with(lbRow(403), func(r *row) { r.actions = "waf" }))
	f("", lbRow(403))
	f("", with(tgRow(400, 0.01, 0.01), func(r *row) { r.tstatus = 400 })) // the target's own 400
	f("", lbRow(404))
}

func TestTaxonomy(t *testing.T) {
	if _, err := analysis.NewRegistry(Family{}); err != nil {
		t.Fatal(err)
	}
	want := []string{CauseLambdaService, CauseLambdaError, CauseAuthError, CauseWAFError, CauseFixedResponse,
		CauseBadRequest, CauseTargetHTTP5xx, CauseMalformedResponse, CauseConnectionError, CauseConnectTimeout,
		CauseTargetTimeout, CauseNoTargets, CauseLBInternal}
	if len(taxonomy.Causes) != len(want) {
		t.Fatalf("%d causes, want %d", len(taxonomy.Causes), len(want))
	}
	for i, code := range want {
		// The IDs the classifier returns are the positions in the list.
		if taxonomy.CauseID(code) != analysis.CauseID(i+1) {
			t.Fatalf("cause %s has ID %d, want %d", code, taxonomy.CauseID(code), i+1)
		}
	}
	for _, c := range taxonomy.Causes {
		if len(c.Hint) < 80 {
			t.Errorf("cause %q: hint too short: %q", c.Code, c.Hint)
		}
		if strings.Contains(c.Brief, "\n") {
			t.Errorf("cause %q: brief %q, want one line", c.Code, c.Brief)
		}
		if dom := strings.SplitN(c.Code, ".", 2)[0]; dom != map[string]string{domLB: "lb", domTarget: "target", domClient: "client"}[c.Domain] {
			t.Errorf("cause %q: prefix does not match domain %q", c.Code, c.Domain)
		}
	}
	if !strings.Contains(taxonomy.CauseByCode(CauseFixedResponse).Hint, "on purpose") {
		t.Errorf("fixed-response hint must say it is configured on purpose")
	}
	for _, s := range []string{"keep-alive", "MaxRequestWorkers", "MaxKeepAliveRequests", "tcpdump", "ephemeral-port", "netstat"} {
		if !strings.Contains(taxonomy.CauseByCode(CauseConnectionError).Hint, s) {
			t.Errorf("connection_error hint lacks %q", s)
		}
	}
	for i, k := range []string{Context460, Context400, Context408, Context463, Context464, Context403WAF} {
		if taxonomy.ContextID(k) != analysis.ContextID(i+1) {
			t.Errorf("context %s has ID %d, want %d", k, taxonomy.ContextID(k), i+1)
		}
	}
	if ctx403WAF != taxonomy.ContextID(Context403WAF) {
		t.Errorf("ctx403WAF is not the ID of %s", Context403WAF)
	}
}
