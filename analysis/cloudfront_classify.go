package analysis

import (
	"math"
	"strings"
)

// CloudFront cause codes, as in the taxonomy (docs: spec/taxonomy.md,
// "CloudFront"). They are stable identifiers used verbatim by the JSON report.
const (
	// CFCauseEdgeCapacity: the edge refused the request for lack of capacity
	// or because a CloudFront quota was exceeded.
	CFCauseEdgeCapacity = "edge.capacity"
	// CFCauseEdgeFunctionError: a Lambda@Edge function or CloudFront Function
	// failed, was throttled or returned an invalid response.
	CFCauseEdgeFunctionError = "edge.function_error"
	// CFCauseEdgeGenerated: customer code at the edge produced the 5xx itself.
	CFCauseEdgeGenerated = "edge.generated"
	// CFCauseOriginConnectError: the edge could not connect to the origin
	// (TCP refused, TLS handshake, certificate).
	CFCauseOriginConnectError = "origin.connect_error"
	// CFCauseOriginDNSError: the origin's domain name did not resolve.
	CFCauseOriginDNSError = "origin.dns_error"
	// CFCauseOriginTimeout: the origin did not answer in time.
	CFCauseOriginTimeout = "origin.timeout"
	// CFCauseOriginInvalidResponse: the origin's response broke the protocol
	// (bad framing, oversized headers, length mismatch, empty object).
	CFCauseOriginInvalidResponse = "origin.invalid_response"
	// CFCauseOriginOther: any other origin-side failure the edge names.
	CFCauseOriginOther = "origin.other"
	// CFCauseClientRequestError: the viewer's request or connection was at
	// fault.
	CFCauseClientRequestError = "client.request_error"
	// CFCauseOriginHTTP5xx: the origin answered with a 5xx (passed through or
	// served from the error cache).
	CFCauseOriginHTTP5xx = "origin.http_5xx"
	// CFCauseClientAborted is not a 5xx cause: it names status 000 (the
	// viewer left before any response), counted as context beside the 5xx.
	CFCauseClientAborted = "client.aborted"
)

// CloudFront fault domains.
const (
	CFDomainEdge   = "edge"
	CFDomainOrigin = "origin"
	CFDomainClient = "client"
)

// CloudFrontCause classifies one CloudFront response by its status,
// x-edge-result-type (rt) and x-edge-detailed-result-type (dt), applying the
// taxonomy's rules 1–10 in order; the first match wins.
//
// dt is "" (or "-") when the file has no x-edge-detailed-result-type column
// (logs older than December 2019); rt then stands in for it. Status 0 (logged
// as 000: the viewer left before any response) is not a 5xx: it returns
// CFCauseClientAborted in CFDomainClient with is5xx false. Any other status
// outside 500–599 returns "", "", false.
func CloudFrontCause(status uint16, rt, dt string) (cause, domain string, is5xx bool) {
	if status == 0 {
		return CFCauseClientAborted, CFDomainClient, false
	}
	if status < 500 || status > 599 {
		return "", "", false
	}
	if dt == "" || dt == "-" {
		dt = rt
	}
	switch {
	case isCapacity(dt) || isCapacity(rt): // rule 1
		return CFCauseEdgeCapacity, CFDomainEdge, true
	case isFunctionError(dt) || isFunctionError(rt): // rule 2
		return CFCauseEdgeFunctionError, CFDomainEdge, true
	}
	switch dt {
	case "MissGeneratedResponse", "LambdaGeneratedResponse", "FunctionGeneratedResponse": // rule 3
		return CFCauseEdgeGenerated, CFDomainEdge, true
	case "OriginConnectError": // rule 4
		return CFCauseOriginConnectError, CFDomainOrigin, true
	case "OriginDnsError": // rule 5
		return CFCauseOriginDNSError, CFDomainOrigin, true
	case "OriginCommError": // rule 6
		return CFCauseOriginTimeout, CFDomainOrigin, true
	case "OriginInvalidResponseError", "OriginHeaderTooBigError",
		"OriginZeroSizeObjectError", "OriginContentRangeLengthError": // rule 7
		return CFCauseOriginInvalidResponse, CFDomainOrigin, true
	case "AbortedOrigin", "SlowReaderOriginError": // rule 8
		return CFCauseOriginOther, CFDomainOrigin, true
	}
	switch {
	case strings.HasPrefix(dt, "Origin"): // rule 8
		return CFCauseOriginOther, CFDomainOrigin, true
	case strings.HasPrefix(dt, "Client"), strings.HasPrefix(dt, "InvalidRequest"): // rule 9
		return CFCauseClientRequestError, CFDomainClient, true
	}
	return CFCauseOriginHTTP5xx, CFDomainOrigin, true // rule 10
}

func isCapacity(v string) bool {
	return v == "CapacityExceeded" || v == "LimitExceeded"
}

// isFunctionError reports a Lambda@Edge or CloudFront Function failure:
// LambdaExecutionError, LambdaValidationError, LambdaLimitExceeded,
// FunctionExecutionError, FunctionThrottledError, FunctionValidationError
// and any later value of the same families, but not …GeneratedResponse.
func isFunctionError(v string) bool {
	if !strings.HasPrefix(v, "Lambda") && !strings.HasPrefix(v, "Function") {
		return false
	}
	return !strings.HasSuffix(v, "GeneratedResponse")
}

var cfHints = map[string]string{
	CFCauseEdgeCapacity: "CloudFront refused the request at the edge (CapacityExceeded or LimitExceeded). " +
		"Check the distribution's CloudFront quotas (Service Quotas) and whether a load test sent " +
		"a sudden burst from few clients; ramp load gradually and spread it across locations.",
	CFCauseEdgeFunctionError: "A Lambda@Edge function or CloudFront Function failed: unhandled exception, timeout, " +
		"throttling (Regional concurrency) or an invalid response such as a read-only header changed or a body too big. " +
		"Read the function's CloudWatch logs in the Region nearest the edge location, and its Errors/Throttles metrics.",
	CFCauseEdgeGenerated: "Your own edge code (origin-request Lambda@Edge or a CloudFront Function) generated this 5xx. " +
		"Check the function's logic for the paths affected; the origin was not involved.",
	CFCauseOriginConnectError: "CloudFront could not connect to the origin. Check the origin certificate's expiry, " +
		"the chain order (intermediates present), and that its names match the origin domain or the forwarded Host header; " +
		"the origin protocol and ciphers; that the origin port is open to CloudFront in the security group or firewall. " +
		"Test the origin directly by pointing a hosts-file entry for the host name at the origin.",
	CFCauseOriginDNSError: "The origin's domain name did not resolve from public DNS. Check the origin domain in the " +
		"distribution, its NS/SOA records and delegation, and that it is not a private-only zone.",
	CFCauseOriginTimeout: "The origin did not answer within the origin response timeout (default 30 s, with up to 3 " +
		"connection attempts for GET/HEAD). Look for slow requests in the origin's own logs, check that CloudFront's " +
		"address ranges are allowed (dropped packets also time out), or raise the origin response timeout.",
	CFCauseOriginInvalidResponse: "The origin's response was malformed: headers too big, Content-Length conflicting with " +
		"Content-Range, an empty object, or a protocol error. Fetch the same URL from the origin directly and inspect the headers.",
	CFCauseOriginOther: "The edge hit a problem reading from or writing to the origin (connection reset or aborted mid-response). " +
		"Check the origin's keep-alive and idle timeouts, its worker limits, and its error logs at the same time.",
	CFCauseClientRequestError: "The viewer's request or connection failed (invalid request, hang-up, geo block, " +
		"certificate mismatch). Usually one client or bot; check the client IPs and user agents involved.",
	CFCauseOriginHTTP5xx: "The origin itself answered with a 5xx, or CloudFront served a cached copy of one " +
		"(errors are cached for the error-caching minimum TTL, 10 s by default). Check the origin's logs " +
		"(for an ALB origin: elb_status_code and target_status_code) at the same time.",
	CFCauseClientAborted: "Status 000: the viewer closed the connection before CloudFront started the response. " +
		"Not a 5xx; many of them together with slow responses point to impatient clients or slow origins.",
}

// CloudFrontHint returns a short, actionable hint for a CloudFront cause
// code, or "" for an unknown code.
func CloudFrontHint(cause string) string {
	return cfHints[cause]
}

// cachedErrorTTFB is the largest time to first byte, in seconds, still taken
// as "served from the cache": legacy logs give milliseconds, and a cache
// hit's first byte leaves within a few of them.
const cachedErrorTTFB = 0.005

// LikelyCachedError reports whether a 5xx looks like an origin error served
// from CloudFront's error cache rather than fetched again: status 500–504
// (the codes CloudFront caches), result type Error, Hit or RefreshHit, and a
// time to first byte near zero. ttfb is in seconds; pass NaN or a negative
// value when the file has no time-to-first-byte.
func LikelyCachedError(status uint16, rt string, ttfb float64) bool {
	if status < 500 || status > 504 {
		return false
	}
	switch rt {
	case "Error", "Hit", "RefreshHit":
	default:
		return false
	}
	return ttfb >= 0 && ttfb <= cachedErrorTTFB
}

// LikelyOriginTimeout reports whether time-taken (seconds) sits just past a
// multiple of 30 s, the default origin response timeout, up to 4 attempts:
// within [30k-0.25, 30k+1.5] for k in 1..4. Observed 504s from silent origins
// take 30.01–30.06 s, and about 90 s for a GET retried three times.
func LikelyOriginTimeout(timeTaken float64) bool {
	if math.IsNaN(timeTaken) || timeTaken < 29 {
		return false
	}
	k := math.Round(timeTaken / 30)
	if k < 1 || k > 4 {
		return false
	}
	d := timeTaken - 30*k
	return d >= -0.25 && d <= 1.5
}
