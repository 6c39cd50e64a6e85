package analysis

// briefs are one-line reminders of what each cause means and what to check
// first, for reports that list every cause beside its count; Hint is the
// fuller advice the verdict gives. Every registered cause has one (a test
// holds the two lists together).
var briefs = map[string]string{
	"lb.lambda_service":         "Lambda service or connection failure: check the function's throttles and concurrency, and Lambda service health.",
	"target.lambda_error":       "The Lambda target failed: read the function's logs for the same minutes.",
	"lb.auth_error":             "Authentication action failed: check the IdP endpoints, client secret and the listener's authenticate rule.",
	"lb.waf_error":              "AWS WAF could not evaluate the request: check the web ACL and WAF service health.",
	"lb.fixed_response":         "A listener rule answers with a fixed 5xx on purpose: check whether the rule is still meant to be there.",
	"client.bad_request":        "501/505 from the load balancer: unsupported transfer encoding or HTTP version from the client.",
	"target.http_5xx":           "The application itself answered 5xx: read its logs and its dependencies (database, downstream APIs) for the same minutes.",
	"target.malformed_response": "The target's response was malformed or closed mid-response: check response headers and sizes, and proxies in front of the app.",
	"target.connection_error":   "Connection refused or reset by the target: keep-alive timeout must exceed the LB idle timeout; check worker and connection limits (MaxRequestWorkers, MaxKeepAliveRequests), RSTs with tcpdump, port exhaustion with ss.",
	"target.connect_timeout":    "No TCP connection within 10 s: check security groups and network ACLs (return traffic on ports 1024-65535) and routes for the target's subnet.",
	"target.timeout":            "The target stayed silent past the idle timeout: slow requests; compare target latency and raise the idle timeout or fix the slow path.",
	"lb.no_targets":             "No registered or healthy target: check the target group's health checks (expected codes, path, port) and registrations.",
	"lb.internal":               "The load balancer failed on its own: check AWS Health and open a support case with the request IDs.",
	"edge.capacity":             "CloudFront capacity or limit exceeded: check the distribution's quotas and request rate.",
	"edge.function_error":       "A CloudFront Function or Lambda@Edge failed: read its logs in the region of the edge location.",
	"edge.generated":            "The edge generated this response itself (function or configuration): check the behaviour's functions and custom error pages.",
	"origin.connect_error":      "CloudFront could not connect to the origin: check the origin certificate (expiry, chain, names vs origin domain or Host), the origin port in the security group; test with a hosts-file entry.",
	"origin.dns_error":          "The origin's domain name did not resolve: check the DNS record of the origin domain.",
	"origin.timeout":            "The origin did not answer in time: check origin response and keep-alive timeouts and origin load.",
	"origin.invalid_response":   "The origin's response was invalid (headers too big, zero size, bad content range): check the origin's response headers.",
	"origin.other":              "Another origin-side failure: check the origin's health and logs for the same minutes.",
	"client.request_error":      "The viewer's request was invalid or the viewer failed: usually not actionable unless one client dominates.",
	"origin.http_5xx":           "The origin answered 5xx: read the origin's (load balancer's or application's) logs for the same minutes.",
}

// Brief returns the one-line hint for a cause code, or "" for an unknown
// code.
func Brief(cause string) string {
	if id, ok := causeByCode[cause]; ok {
		return causeTable[id].Brief
	}
	return ""
}
