package analysis

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser/alb"
)

// ALB cause codes (docs/taxonomy.md).
const (
	CauseLambdaService     = "lb.lambda_service"
	CauseLambdaError       = "target.lambda_error"
	CauseAuthError         = "lb.auth_error"
	CauseWAFError          = "lb.waf_error"
	CauseFixedResponse     = "lb.fixed_response"
	CauseBadRequest        = "client.bad_request"
	CauseTargetHTTP5xx     = "target.http_5xx"
	CauseMalformedResponse = "target.malformed_response"
	CauseConnectionError   = "target.connection_error"
	CauseConnectTimeout    = "target.connect_timeout"
	CauseTargetTimeout     = "target.timeout"
	CauseNoTargets         = "lb.no_targets"
	CauseLBInternal        = "lb.internal"
)

var albCauseIDs = registerCauses(
	CauseInfo{Code: CauseLambdaService, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "the Lambda service or the load balancer failed to invoke the function",
		Hint: "The load balancer could not invoke the Lambda function (LambdaServiceException, LambdaConnectionError, " +
			"LambdaConnectionTimeout, LambdaUnhandledException): an AWS-side fault, counted in the LambdaInternalError metric. " +
			"Check the AWS Health Dashboard for Lambda in the region and retry; open a support case if it persists."},
	CauseInfo{Code: CauseLambdaError, Domain: DomainTarget, Format: alb.Format,
		Meaning: "the Lambda function failed, timed out, was throttled or returned an invalid response",
		Hint: "The Lambda function itself failed (error_reason tells which: LambdaUnhandled = the function raised, " +
			"LambdaThrottling = concurrency limit, LambdaInvalidResponse = bad response shape, LambdaResponseTooLarge = over 1 MB, " +
			"LambdaAccessDenied = the load balancer lacks lambda:InvokeFunction). Read the function's CloudWatch Logs " +
			"and its Errors, Throttles and Duration metrics for the same minutes."},
	CauseInfo{Code: CauseAuthError, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "the authenticate action failed (identity provider unreachable or returned an error)",
		Hint: "The listener's authenticate action failed: 561 means the identity provider returned an error; " +
			"AuthTokenEpRequestTimeout/AuthUserinfoEpRequestTimeout mean the load balancer cannot reach the IdP endpoints. " +
			"Check the IdP's status and client secret, and the load balancer's outbound path to the token and user-info endpoints " +
			"(DNS, security group egress on 443, NAT or internet gateway)."},
	CauseInfo{Code: CauseWAFError, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "the load balancer could not get a verdict from AWS WAF",
		Hint: "The load balancer failed to consult AWS WAF (waf-failed, WAFConnectionError, WAFServiceError…): " +
			"check the web ACL's rules for errors and the AWS Health Dashboard for WAF; consider the load balancer's " +
			"WAF fail-open attribute (waf.fail_open.enabled) if availability matters more than filtering."},
	CauseInfo{Code: CauseFixedResponse, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "a listener rule answers with a fixed response configured on purpose",
		Hint: "These 5xx are fixed responses configured on purpose in a listener rule (a maintenance page, a catch-all " +
			"default action): not a fault of the load balancer or of the targets. Check which rule matches " +
			"(matched_rule_priority) and whether the maintenance mode is meant to be on."},
	CauseInfo{Code: CauseBadRequest, Domain: DomainClient, Format: alb.Format,
		Meaning: "the clients sent requests the load balancer cannot handle (501 unsupported Transfer-Encoding, 505 HTTP version)",
		Hint: "The load balancer rejected the client's request itself: 501 = a Transfer-Encoding other than chunked or identity, " +
			"505 = an unexpected HTTP version. Look at which clients and user agents send them (top clients); " +
			"nothing to fix on the targets."},
	CauseInfo{Code: CauseTargetHTTP5xx, Domain: DomainTarget, Format: alb.Format,
		Meaning: "the application on the targets answered with a 5xx",
		Hint: "The targets answered with this 5xx themselves and the load balancer passed it on: read the application's " +
			"own logs and error tracking for the same minutes, on the targets and paths listed; check its dependencies " +
			"(database, downstream APIs, IAM role or VPC endpoint routes for AWS services)."},
	CauseInfo{Code: CauseMalformedResponse, Domain: DomainTarget, Format: alb.Format,
		Meaning: "targets sent responses the load balancer could not use (malformed, invalid headers, or a changed status)",
		Hint: "The target's response could not be used: malformed status line or headers, response headers over 32 KB, " +
			"a connection closed in the middle of the response, or the load balancer answering with another code than the target. " +
			"Capture a response with curl -v against the target directly; check proxies or servers in front of the application."},
	CauseInfo{Code: CauseConnectionError, Domain: DomainTarget, Format: alb.Format,
		Meaning: "targets closed, reset or refused the connection",
		Hint: "The target closed or reset the connection, or refused it. Check that the target's keep-alive timeout exceeds " +
			"the load balancer's idle timeout (60 s by default), worker and connection limits (Apache MaxRequestWorkers and " +
			"MaxKeepAliveRequests, nginx worker_connections, application thread pools), TCP resets with tcpdump on the target, " +
			"ephemeral-port exhaustion with ss -s or netstat, deregistration delay shorter than the longest request, " +
			"and TLS handshake errors toward HTTPS targets."},
	CauseInfo{Code: CauseConnectTimeout, Domain: DomainTarget, Format: alb.Format,
		Meaning: "the load balancer could not open a TCP connection to the targets within 10 s",
		Hint: "No TCP connection to the target within the fixed 10 s connect timeout: the network path drops packets. " +
			"Compare the targets' subnets side by side: security group rules from the load balancer, network ACLs (return " +
			"traffic on ephemeral ports 1024-65535 must be allowed), route tables; check that the instance is up and listening " +
			"on the port (ss -ltn) and not overloaded (SYN backlog)."},
	CauseInfo{Code: CauseTargetTimeout, Domain: DomainTarget, Format: alb.Format,
		Meaning: "targets accepted the request but did not answer before the idle timeout",
		Hint: "The target accepted the request but sent nothing before the load balancer's idle timeout: slow requests, " +
			"stuck workers, slow database queries or downstream calls. Look at the slow paths and the target's own request " +
			"durations; raise the idle timeout only if such long requests are expected."},
	CauseInfo{Code: CauseNoTargets, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "the target group had no registered targets to send requests to",
		Hint: "The rule's target group had no registered targets (all deregistered, a deployment or Auto Scaling " +
			"scaled to zero, a new empty target group). Check the target group's registered targets and the Auto Scaling " +
			"group's activity history for these minutes. Unhealthy targets do not cause this: the load balancer fails open."},
	CauseInfo{Code: CauseLBInternal, Domain: DomainLoadBalancer, Format: alb.Format,
		Meaning: "the load balancer answered with a 5xx it generated itself, with no target involved",
		Hint: "The load balancer generated the 5xx without reaching a target, for a reason the log does not spell out. " +
			"Check the listener rules and the target group configuration, the AWS Health Dashboard, and open a support " +
			"case with the request IDs (trace_id) if it persists."},
)

var (
	idLambdaService     = albCauseIDs[0]
	idLambdaError       = albCauseIDs[1]
	idAuthError         = albCauseIDs[2]
	idWAFError          = albCauseIDs[3]
	idFixedResponse     = albCauseIDs[4]
	idBadRequest        = albCauseIDs[5]
	idTargetHTTP5xx     = albCauseIDs[6]
	idMalformedResponse = albCauseIDs[7]
	idConnectionError   = albCauseIDs[8]
	idConnectTimeout    = albCauseIDs[9]
	idTargetTimeout     = albCauseIDs[10]
	idNoTargets         = albCauseIDs[11]
	idLBInternal        = albCauseIDs[12]
)

var (
	ctx460    = registerContext(Context460)
	ctx400    = registerContext(Context400)
	ctx408    = registerContext(Context408)
	ctx463    = registerContext(Context463)
	ctx464    = registerContext(Context464)
	ctx403WAF = registerContext(Context403WAF)
)

// albRow holds the fields of one ALB row the classifier reads. Strings are
// views into the batch: the classifier never keeps them.
type albRow struct {
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

// classifyALB applies the ALB rules of the taxonomy, first match wins, to a
// row whose elb_status_code is a 5xx.
func classifyALB(r *albRow) causeID {
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

// classifyBatchALB sets out[i] to the cause of every 5xx row of the bound
// batch (0 for the other rows). It applies the rules of classifyALB one
// group at a time, each pass reading one or two columns over the rows still
// unclassified: on 5xx-heavy batches this measured about twice as fast as
// classifying row by row (classify_alb_timing_test.go). todo is scratch
// space, returned for reuse.
func classifyBatchALB(c *albColumns, n int, out []causeID, todo []int32) []int32 {
	elbs := c.elb.Values()
	todo = todo[:0]
	for i := 0; i < n; i++ {
		out[i] = 0
		if c.elb.IsValid(i) && elbs[i] >= 500 && elbs[i] <= 599 {
			todo = append(todo, int32(i))
		}
	}
	keep := func(pass func(i int) causeID) {
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
	keep(func(i int) causeID {
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
	keep(func(i int) causeID {
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
	keep(func(i int) causeID {
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
	keep(func(i int) causeID {
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
				d := float64(int64(times[i])*c.timeMul/c.timeDiv-int64(rcts[i])*c.rctMul/c.rctDiv) / 1e6
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

// contextALB returns the context key of a non-5xx ALB row, or 0.
func contextALB(r *albRow) contextID {
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

// ClassifyALB returns the cause code of one ALB row with a 5xx elb_status_code,
// given as plain values: targetStatus and tpt are nil when the log has "-" or
// -1, durationSec is time − request_creation_time (NaN when unknown). It is
// the row-level form of what Aggregator does over batches, for tests and tools.
func ClassifyALB(elbStatus int, targetStatus *int, targetSet bool, tpt *float64, durationSec float64, actions, errorReason string) string {
	r := albRow{
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
	return causeTable[classifyALB(&r)].Code
}
