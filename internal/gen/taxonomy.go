package gen

// The cause and domain codes below are defined here on purpose,
// independently of the analysis package, exactly as written in the taxonomy:
// the truth must not be derived from the code it checks.

// ALB 5xx causes, as in the taxonomy's ALB table.
const (
	CauseLBLambdaService         = "lb.lambda_service"
	CauseTargetLambdaError       = "target.lambda_error"
	CauseLBAuthError             = "lb.auth_error"
	CauseLBWAFError              = "lb.waf_error"
	CauseLBFixedResponse         = "lb.fixed_response"
	CauseClientBadRequest        = "client.bad_request"
	CauseTargetHTTP5xx           = "target.http_5xx"
	CauseTargetMalformedResponse = "target.malformed_response"
	CauseTargetConnectionError   = "target.connection_error"
	CauseTargetConnectTimeout    = "target.connect_timeout"
	CauseTargetTimeout           = "target.timeout"
	CauseLBNoTargets             = "lb.no_targets"
	CauseLBInternal              = "lb.internal"
	DomainLoadBalancer           = "load_balancer"
	DomainTarget                 = "target"
	DomainClient                 = "client"
)

// CloudFront 5xx causes, as in the taxonomy's CloudFront table.
const (
	CauseEdgeCapacity          = "edge.capacity"
	CauseEdgeFunctionError     = "edge.function_error"
	CauseEdgeGenerated         = "edge.generated"
	CauseOriginConnectError    = "origin.connect_error"
	CauseOriginDNSError        = "origin.dns_error"
	CauseOriginTimeout         = "origin.timeout"
	CauseOriginInvalidResponse = "origin.invalid_response"
	CauseOriginOther           = "origin.other"
	CauseClientRequestError    = "client.request_error"
	CauseOriginHTTP5xx         = "origin.http_5xx"
	DomainOrigin               = "origin"
	DomainEdge                 = "edge"
	// ContextClientAborted counts CloudFront status 000 rows (viewer left
	// before any response); it is context, never a 5xx.
	ContextClientAborted = "client.aborted"
)

// Non-5xx ALB context keys used in ALBTruth.Context.
const (
	// ContextClientClosed counts 460 rows (client closed the connection).
	ContextClientClosed = "460"
	// ContextWAFBlocked counts 403 rows whose actions end with waf.
	ContextWAFBlocked = "403_waf"
	// ContextLBBadRequest counts 400 rows answered by the load balancer.
	ContextLBBadRequest = "400"
	// ContextLBIdleTimeout counts 408 rows.
	ContextLBIdleTimeout = "408"
	// ContextLBTooManyForwardedFor counts 463 rows.
	ContextLBTooManyForwardedFor = "463"
	// ContextLBProtocolIncompatible counts 464 rows.
	ContextLBProtocolIncompatible = "464"
)

// CauseDomain returns the domain of a cause code (ALB or CloudFront), or ""
// for an unknown code.
func CauseDomain(cause string) string {
	switch cause {
	case CauseLBLambdaService, CauseLBAuthError, CauseLBWAFError, CauseLBFixedResponse,
		CauseLBNoTargets, CauseLBInternal:
		return DomainLoadBalancer
	case CauseTargetLambdaError, CauseTargetHTTP5xx, CauseTargetMalformedResponse,
		CauseTargetConnectionError, CauseTargetConnectTimeout, CauseTargetTimeout:
		return DomainTarget
	case CauseClientBadRequest, CauseClientRequestError:
		return DomainClient
	case CauseEdgeCapacity, CauseEdgeFunctionError, CauseEdgeGenerated:
		return DomainEdge
	case CauseOriginConnectError, CauseOriginDNSError, CauseOriginTimeout,
		CauseOriginInvalidResponse, CauseOriginOther, CauseOriginHTTP5xx:
		return DomainOrigin
	}
	return ""
}
