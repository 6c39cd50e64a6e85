package alb

import "github.com/lbtriage/lbtriage/analysis"

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

// The causes' IDs, in the order of taxonomy.Causes.
const (
	idLambdaService analysis.CauseID = iota + 1
	idLambdaError
	idAuthError
	idWAFError
	idFixedResponse
	idBadRequest
	idTargetHTTP5xx
	idMalformedResponse
	idConnectionError
	idConnectTimeout
	idTargetTimeout
	idNoTargets
	idLBInternal
)

// Context keys: non-5xx outcomes counted beside the 5xx.
const (
	Context460    = "460"
	Context400    = "400"
	Context408    = "408"
	Context463    = "463"
	Context464    = "464"
	Context403WAF = "403_waf"
)

// The context keys' IDs, in the order of taxonomy.Context.
const (
	ctx460 analysis.ContextID = iota + 1
	ctx400
	ctx408
	ctx463
	ctx464
	ctx403WAF
)

// The domains' keys.
const (
	domTarget = "target"
	domLB     = "load_balancer"
	domClient = "client"
)

// subnetNetworkAdvice is what to compare when timeouts sit in one subnet.
const subnetNetworkAdvice = "compare its network ACLs (return traffic on ports 1024-65535), route table and security groups with the other subnets'."

// taxonomy is the ALB vocabulary. Each cause's Hint is the advice the
// verdict gives; Brief is that advice in one line, for tables that list
// every cause.
var taxonomy = &analysis.Taxonomy{
	Name:   "ALB",
	Title:  "Application Load Balancer access logs",
	Target: analysis.Noun{One: "target", Many: "targets"},
	Domains: []analysis.Domain{
		{Key: domTarget, Title: "target", Role: "the targets", Side: "the targets' side", Party: analysis.PartyBackend},
		{Key: domLB, Title: "load balancer", Role: "the load balancer", Side: "the load balancer's side", Party: analysis.PartyFront},
		{Key: domClient, Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
	},
	Causes: []analysis.Cause{
		{
			Code: CauseLambdaService, Domain: domLB,
			Meaning: "the Lambda service or the load balancer failed to invoke the function",
			Hint: "The load balancer could not invoke the Lambda function (LambdaServiceException, LambdaConnectionError, " +
				"LambdaConnectionTimeout, LambdaUnhandledException): an AWS-side fault, counted in the LambdaInternalError metric. " +
				"Check the AWS Health Dashboard for Lambda in the region and retry; open a support case if it persists.",
			Brief: "Lambda service or connection failure: check the function's throttles and concurrency, and Lambda service health.",
		},
		{
			Code: CauseLambdaError, Domain: domTarget,
			Meaning: "the Lambda function failed, timed out, was throttled or returned an invalid response",
			Hint: "The Lambda function itself failed (error_reason tells which: LambdaUnhandled = the function raised, " +
				"LambdaThrottling = concurrency limit, LambdaInvalidResponse = bad response shape, LambdaResponseTooLarge = over 1 MB, " +
				"LambdaAccessDenied = the load balancer lacks lambda:InvokeFunction). Read the function's CloudWatch Logs " +
				"and its Errors, Throttles and Duration metrics for the same minutes.",
			Brief: "The Lambda target failed: read the function's logs for the same minutes.",
		},
		{
			Code: CauseAuthError, Domain: domLB,
			Meaning: "the authenticate action failed (identity provider unreachable or returned an error)",
			Hint: "The listener's authenticate action failed: 561 means the identity provider returned an error; " +
				"AuthTokenEpRequestTimeout/AuthUserinfoEpRequestTimeout mean the load balancer cannot reach the IdP endpoints. " +
				"Check the IdP's status and client secret, and the load balancer's outbound path to the token and user-info endpoints " +
				"(DNS, security group egress on 443, NAT or internet gateway).",
			Brief: "Authentication action failed: check the IdP endpoints, client secret and the listener's authenticate rule.",
		},
		{
			Code: CauseWAFError, Domain: domLB,
			Meaning: "the load balancer could not get a verdict from AWS WAF",
			Hint: "The load balancer failed to consult AWS WAF (waf-failed, WAFConnectionError, WAFServiceError…): " +
				"check the web ACL's rules for errors and the AWS Health Dashboard for WAF; consider the load balancer's " +
				"WAF fail-open attribute (waf.fail_open.enabled) if availability matters more than filtering.",
			Brief: "AWS WAF could not evaluate the request: check the web ACL and WAF service health.",
		},
		{
			Code: CauseFixedResponse, Domain: domLB,
			Meaning: "a listener rule answers with a fixed response configured on purpose",
			Hint: "These 5xx are fixed responses configured on purpose in a listener rule (a maintenance page, a catch-all " +
				"default action): not a fault of the load balancer or of the targets. Check which rule matches " +
				"(matched_rule_priority) and whether the maintenance mode is meant to be on.",
			Brief: "A listener rule answers with a fixed 5xx on purpose: check whether the rule is still meant to be there.",
		},
		{
			Code: CauseBadRequest, Domain: domClient,
			Meaning: "the clients sent requests the load balancer cannot handle (501 unsupported Transfer-Encoding, 505 HTTP version)",
			Hint: "The load balancer rejected the client's request itself: 501 = a Transfer-Encoding other than chunked or identity, " +
				"505 = an unexpected HTTP version. Look at which clients and user agents send them (top clients); " +
				"nothing to fix on the targets.",
			Brief: "501/505 from the load balancer: unsupported transfer encoding or HTTP version from the client.",
		},
		{
			Code: CauseTargetHTTP5xx, Domain: domTarget,
			Meaning: "the application on the targets answered with a 5xx",
			Hint: "The targets answered with this 5xx themselves and the load balancer passed it on: read the application's " +
				"own logs and error tracking for the same minutes, on the targets and paths listed; check its dependencies " +
				"(database, downstream APIs, IAM role or VPC endpoint routes for AWS services).",
			Brief: "The application itself answered 5xx: read its logs and its dependencies (database, downstream APIs) for the same minutes.",
		},
		{
			Code: CauseMalformedResponse, Domain: domTarget,
			Meaning: "targets sent responses the load balancer could not use (malformed, invalid headers, or a changed status)",
			Hint: "The target's response could not be used: malformed status line or headers, response headers over 32 KB, " +
				"a connection closed in the middle of the response, or the load balancer answering with another code than the target. " +
				"Capture a response with curl -v against the target directly; check proxies or servers in front of the application.",
			Brief: "The target's response was malformed or closed mid-response: check response headers and sizes, and proxies in front of the app.",
		},
		{
			Code: CauseConnectionError, Domain: domTarget,
			Meaning: "targets closed, reset or refused the connection",
			Hint: "The target closed or reset the connection, or refused it. Check that the target's keep-alive timeout exceeds " +
				"the load balancer's idle timeout (60 s by default), worker and connection limits (Apache MaxRequestWorkers and " +
				"MaxKeepAliveRequests, nginx worker_connections, application thread pools), TCP resets with tcpdump on the target, " +
				"ephemeral-port exhaustion with ss -s or netstat, deregistration delay shorter than the longest request, " +
				"and TLS handshake errors toward HTTPS targets.",
			Brief: "Connection refused or reset by the target: keep-alive timeout must exceed the LB idle timeout; check worker and connection limits (MaxRequestWorkers, MaxKeepAliveRequests), RSTs with tcpdump, port exhaustion with ss.",
		},
		{
			Code: CauseConnectTimeout, Domain: domTarget,
			Meaning: "the load balancer could not open a TCP connection to the targets within 10 s",
			Hint: "No TCP connection to the target within the fixed 10 s connect timeout: the network path drops packets. " +
				"Compare the targets' subnets side by side: security group rules from the load balancer, network ACLs (return " +
				"traffic on ephemeral ports 1024-65535 must be allowed), route tables; check that the instance is up and listening " +
				"on the port (ss -ltn) and not overloaded (SYN backlog).",
			Brief:        "No TCP connection within 10 s: check security groups and network ACLs (return traffic on ports 1024-65535) and routes for the target's subnet.",
			SubnetAdvice: subnetNetworkAdvice,
		},
		{
			Code: CauseTargetTimeout, Domain: domTarget,
			Meaning: "targets accepted the request but did not answer before the idle timeout",
			Hint: "The target accepted the request but sent nothing before the load balancer's idle timeout: slow requests, " +
				"stuck workers, slow database queries or downstream calls. Look at the slow paths and the target's own request " +
				"durations; raise the idle timeout only if such long requests are expected.",
			Brief:        "The target stayed silent past the idle timeout: slow requests; compare target latency and raise the idle timeout or fix the slow path.",
			SubnetAdvice: subnetNetworkAdvice,
		},
		{
			Code: CauseNoTargets, Domain: domLB,
			Meaning: "the target group had no registered targets to send requests to",
			Hint: "The rule's target group had no registered targets (all deregistered, a deployment or Auto Scaling " +
				"scaled to zero, a new empty target group). Check the target group's registered targets and the Auto Scaling " +
				"group's activity history for these minutes. Unhealthy targets do not cause this: the load balancer fails open.",
			Brief: "No registered or healthy target: check the target group's health checks (expected codes, path, port) and registrations.",
		},
		{
			Code: CauseLBInternal, Domain: domLB,
			Meaning: "the load balancer answered with a 5xx it generated itself, with no target involved",
			Hint: "The load balancer generated the 5xx without reaching a target, for a reason the log does not spell out. " +
				"Check the listener rules and the target group configuration, the AWS Health Dashboard, and open a support " +
				"case with the request IDs (trace_id) if it persists.",
			Brief: "The load balancer failed on its own: check AWS Health and open a support case with the request IDs.",
		},
	},
	Context: []string{Context460, Context400, Context408, Context463, Context464, Context403WAF},
}
