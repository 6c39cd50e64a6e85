package alb

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/analysis"
)

// fields holds the fields of one ALB row the classifier reads. Strings are
// views into the batch: the classifier never keeps them.
type fields struct {
	elb          uint16 // elb_status_code; 0 when null
	target       uint16 // target_status_code; 0 when null (not answered)
	targetSet    bool   // target_ip is not null
	tptKnown     bool   // target_processing_time is not null (not -1) and >= 0
	duration     float64
	actions      string // actions_executed; "" when null
	errorReason  string // error_reason; "" when null
	hasDuration  bool
	targetAnswer bool // target_status_code is not null
}

// Connect-timeout window: the ALB gives up on a TCP connection after a fixed
// 10 s, so such 504s take 10 s plus a little; the rest are idle timeouts.
const (
	connectTimeoutMin = 9.5
	connectTimeoutMax = 11.0
)

// classifyRow applies the ALB rules of the taxonomy, first match wins, to a
// row whose elb_status_code is a 5xx.
func classifyRow(r *fields) analysis.CauseID {
	er := r.errorReason
	if er != "" {
		switch er {
		case "LambdaServiceException", "LambdaConnectionError", "LambdaConnectionTimeout", "LambdaUnhandledException":
			return idLambdaService // rule 1
		}
		if strings.HasPrefix(er, "Lambda") {
			return idLambdaError // rule 2
		}
		if strings.HasPrefix(er, "Auth") {
			return idAuthError // rule 3
		}
	}
	if r.elb == 561 {
		return idAuthError // rule 3
	}
	if strings.HasPrefix(er, "WAF") || strings.Contains(r.actions, "waf-failed") {
		return idWAFError // rule 4
	}
	if strings.Contains(r.actions, "fixed-response") {
		return idFixedResponse // rule 5
	}
	if (r.elb == 501 || r.elb == 505) && !r.targetAnswer {
		return idBadRequest // rule 6
	}
	if r.targetAnswer {
		if r.target == r.elb {
			return idTargetHTTP5xx // rule 7
		}
		return idMalformedResponse // rule 8
	}
	if r.targetSet {
		switch r.elb {
		case 502:
			if !r.tptKnown {
				return idConnectionError // rule 9
			}
			return idMalformedResponse // rule 10
		case 504:
			if r.hasDuration && r.duration >= connectTimeoutMin && r.duration < connectTimeoutMax {
				return idConnectTimeout // rule 11
			}
			return idTargetTimeout // rule 12
		}
		return idConnectionError // rule 13
	}
	if r.elb == 503 {
		return idNoTargets // rule 14
	}
	return idLBInternal // rule 15
}

// classifyBatch sets out[i] to the cause of every 5xx row of the bound
// batch (0 for the other rows). It applies the rules of classifyRow one
// group at a time, each pass reading one or two columns over the rows still
// unclassified: on 5xx-heavy batches this measured about twice as fast as
// classifying row by row (classify_alb_timing_test.go). todo is scratch
// space, returned for reuse.
func classifyBatch(c *columns, n int, out []analysis.CauseID, todo []int32) []int32 {
	elbs := c.elb.Values()
	todo = todo[:0]
	for i := 0; i < n; i++ {
		out[i] = 0
		if c.elb.IsValid(i) && elbs[i] >= 500 && elbs[i] <= 599 {
			todo = append(todo, int32(i))
		}
	}
	keep := func(pass func(i int) analysis.CauseID) {
		rest := todo[:0]
		for _, i := range todo {
			if id := pass(int(i)); id != 0 {
				out[i] = id
			} else {
				rest = append(rest, i)
			}
		}
		todo = rest
	}
	// Rules 1–4 by error_reason, 3 by 561.
	keep(func(i int) analysis.CauseID {
		if c.errorReason == nil || c.errorReason.IsNull(i) {
			if elbs[i] == 561 {
				return idAuthError
			}
			return 0
		}
		er := c.errorReason.Value(i)
		switch er {
		case "LambdaServiceException", "LambdaConnectionError", "LambdaConnectionTimeout", "LambdaUnhandledException":
			return idLambdaService
		}
		switch {
		case strings.HasPrefix(er, "Lambda"):
			return idLambdaError
		case strings.HasPrefix(er, "Auth"), elbs[i] == 561:
			return idAuthError
		case strings.HasPrefix(er, "WAF"):
			return idWAFError
		}
		return 0
	})
	// Rules 4–5 by actions_executed.
	keep(func(i int) analysis.CauseID {
		if c.actions == nil || c.actions.IsNull(i) {
			return 0
		}
		a := c.actions.Value(i)
		switch {
		case strings.Contains(a, "waf-failed"):
			return idWAFError
		case strings.Contains(a, "fixed-response"):
			return idFixedResponse
		}
		return 0
	})
	// Rules 6–8 by target_status_code.
	var targets []uint16
	if c.target != nil {
		targets = c.target.Values()
	}
	keep(func(i int) analysis.CauseID {
		if targets == nil || c.target.IsNull(i) {
			if elbs[i] == 501 || elbs[i] == 505 {
				return idBadRequest
			}
			return 0
		}
		if targets[i] == elbs[i] {
			return idTargetHTTP5xx
		}
		return idMalformedResponse
	})
	// Rules 9–15 by target, processing time and duration.
	var tpts []float64
	if c.tpt != nil {
		tpts = c.tpt.Values()
	}
	var rcts []arrow.Timestamp
	if c.rct != nil {
		rcts = c.rct.Values()
	}
	times := c.time.Values()
	keep(func(i int) analysis.CauseID {
		if c.targetIP == nil || c.targetIP.IsNull(i) {
			if elbs[i] == 503 {
				return idNoTargets
			}
			return idLBInternal
		}
		switch elbs[i] {
		case 502:
			if tpts == nil || c.tpt.IsNull(i) || tpts[i] < 0 {
				return idConnectionError
			}
			return idMalformedResponse
		case 504:
			if rcts != nil && c.rct.IsValid(i) {
				d := float64(int64(times[i])-int64(rcts[i])) / 1e6
				if d >= connectTimeoutMin && d < connectTimeoutMax {
					return idConnectTimeout
				}
			}
			return idTargetTimeout
		}
		return idConnectionError
	})
	return todo
}

// contextOf returns the context key of a non-5xx ALB row, or 0.
func contextOf(r *fields) analysis.ContextID {
	switch r.elb {
	case 460:
		return ctx460
	case 400, 408, 463, 464:
		if r.targetAnswer {
			return 0
		}
		switch r.elb {
		case 400:
			return ctx400
		case 408:
			return ctx408
		case 463:
			return ctx463
		}
		return ctx464
	case 403:
		if !r.targetAnswer && strings.Contains(r.actions, "waf") {
			return ctx403WAF
		}
	}
	return 0
}

// Classify returns the cause code of one ALB row with a 5xx elb_status_code,
// given as plain values: targetStatus and tpt are nil when the log has "-" or
// -1, durationSec is time − request_creation_time (NaN when unknown). It is
// the row-level form of what Aggregator does over batches, for tests and tools.
func Classify(elbStatus int, targetStatus *int, targetSet bool, tpt *float64, durationSec float64, actions, errorReason string) string {
	r := fields{
		elb:         uint16(elbStatus),
		targetSet:   targetSet,
		actions:     actions,
		errorReason: errorReason,
		duration:    durationSec,
		hasDuration: durationSec == durationSec, // not NaN
	}
	if targetStatus != nil {
		r.targetAnswer = true
		r.target = uint16(*targetStatus)
	}
	if tpt != nil && *tpt >= 0 {
		r.tptKnown = true
	}
	if id := classifyRow(&r); id != 0 {
		return taxonomy.Cause(id).Code
	}
	return ""
}
