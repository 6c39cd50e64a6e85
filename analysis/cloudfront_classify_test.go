package analysis

import (
	"math"
	"strings"
	"testing"
)

func TestCloudFrontCause_Success(t *testing.T) {
	f := func(status uint16, rt, dt, wantCause, wantDomain string) {
		t.Helper()
		cause, domain, is5xx := CloudFrontCause(status, rt, dt)
		if cause != wantCause || domain != wantDomain || !is5xx {
			t.Fatalf("CloudFrontCause(%d, %q, %q) = %q, %q, %v; want %q, %q, true",
				status, rt, dt, cause, domain, is5xx, wantCause, wantDomain)
		}
	}
	// Rule 1: capacity or quota, by DT or RT.
	f(503, "CapacityExceeded", "CapacityExceeded", CFCauseEdgeCapacity, CFDomainEdge)
	f(503, "LimitExceeded", "", CFCauseEdgeCapacity, CFDomainEdge)
	f(503, "Error", "LimitExceeded", CFCauseEdgeCapacity, CFDomainEdge)
	f(503, "CapacityExceeded", "Error", CFCauseEdgeCapacity, CFDomainEdge)
	// Rule 1 before rule 2 when both appear.
	f(503, "LambdaExecutionError", "CapacityExceeded", CFCauseEdgeCapacity, CFDomainEdge)
	f(503, "CapacityExceeded", "LambdaLimitExceeded", CFCauseEdgeCapacity, CFDomainEdge)

	// Rule 2: function errors, by DT or RT.
	f(503, "LambdaExecutionError", "LambdaExecutionError", CFCauseEdgeFunctionError, CFDomainEdge)
	f(502, "LambdaValidationError", "", CFCauseEdgeFunctionError, CFDomainEdge)
	f(503, "LambdaLimitExceeded", "-", CFCauseEdgeFunctionError, CFDomainEdge)
	f(503, "Error", "FunctionExecutionError", CFCauseEdgeFunctionError, CFDomainEdge)
	f(503, "Error", "FunctionThrottledError", CFCauseEdgeFunctionError, CFDomainEdge)
	f(502, "FunctionValidationError", "Error", CFCauseEdgeFunctionError, CFDomainEdge)
	f(500, "LambdaSomethingNew", "Error", CFCauseEdgeFunctionError, CFDomainEdge)
	// Rule 2 before rule 3: a function error beats a generated response.
	f(503, "LambdaExecutionError", "MissGeneratedResponse", CFCauseEdgeFunctionError, CFDomainEdge)
	// Rule 2 before rule 4: an RT function error beats an origin DT.
	f(502, "LambdaExecutionError", "OriginConnectError", CFCauseEdgeFunctionError, CFDomainEdge)

	// Rule 3: generated responses (DT, or RT when there is no DT).
	f(500, "Miss", "MissGeneratedResponse", CFCauseEdgeGenerated, CFDomainEdge)
	f(503, "Miss", "LambdaGeneratedResponse", CFCauseEdgeGenerated, CFDomainEdge)
	f(503, "FunctionGeneratedResponse", "FunctionGeneratedResponse", CFCauseEdgeGenerated, CFDomainEdge)
	f(502, "LambdaGeneratedResponse", "", CFCauseEdgeGenerated, CFDomainEdge)
	// An RT generated response with a DT naming the origin: DT wins (rule 4).
	f(502, "LambdaGeneratedResponse", "OriginConnectError", CFCauseOriginConnectError, CFDomainOrigin)

	// Rules 4–6.
	f(502, "Error", "OriginConnectError", CFCauseOriginConnectError, CFDomainOrigin)
	f(504, "Error", "OriginConnectError", CFCauseOriginConnectError, CFDomainOrigin)
	f(502, "Error", "OriginDnsError", CFCauseOriginDNSError, CFDomainOrigin)
	f(504, "Error", "OriginCommError", CFCauseOriginTimeout, CFDomainOrigin)

	// Rule 7.
	f(502, "Error", "OriginInvalidResponseError", CFCauseOriginInvalidResponse, CFDomainOrigin)
	f(502, "Error", "OriginHeaderTooBigError", CFCauseOriginInvalidResponse, CFDomainOrigin)
	f(502, "Error", "OriginZeroSizeObjectError", CFCauseOriginInvalidResponse, CFDomainOrigin)
	f(502, "Error", "OriginContentRangeLengthError", CFCauseOriginInvalidResponse, CFDomainOrigin)

	// Rule 8: the remaining origin values, and any future Origin* value.
	f(502, "Error", "OriginError", CFCauseOriginOther, CFDomainOrigin)
	f(502, "Error", "OriginReadError", CFCauseOriginOther, CFDomainOrigin)
	f(502, "Error", "OriginWriteError", CFCauseOriginOther, CFDomainOrigin)
	f(502, "Error", "OriginSomethingNew", CFCauseOriginOther, CFDomainOrigin)
	f(502, "Error", "AbortedOrigin", CFCauseOriginOther, CFDomainOrigin)
	f(502, "Error", "SlowReaderOriginError", CFCauseOriginOther, CFDomainOrigin)
	// OriginShieldHit starts with "Origin": rule 8 before rule 10.
	f(502, "Hit", "OriginShieldHit", CFCauseOriginOther, CFDomainOrigin)

	// Rule 9.
	f(502, "Error", "ClientCommError", CFCauseClientRequestError, CFDomainClient)
	f(503, "Error", "ClientHungUpRequest", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "ClientGeoBlocked", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "InvalidRequest", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "InvalidRequestBlocked", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "InvalidRequestCertificate", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "InvalidRequestHeader", CFCauseClientRequestError, CFDomainClient)
	f(500, "Error", "InvalidRequestMethod", CFCauseClientRequestError, CFDomainClient)

	// Rule 10: everything else, including pre-2019 files (no DT).
	f(502, "Error", "Error", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(503, "Error", "", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(500, "Miss", "", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(500, "Hit", "Hit", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(504, "RefreshHit", "RefreshHit", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(599, "Redirect", "Redirect", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(500, "", "", CFCauseOriginHTTP5xx, CFDomainOrigin)
	f(500, "-", "-", CFCauseOriginHTTP5xx, CFDomainOrigin)
	// RT names a client error but DT does not: DT decides (rule 10).
	f(502, "ClientCommError", "Error", CFCauseOriginHTTP5xx, CFDomainOrigin)
}

func TestCloudFrontCause_Failure(t *testing.T) {
	f := func(status uint16, rt, dt, wantCause, wantDomain string) {
		t.Helper()
		cause, domain, is5xx := CloudFrontCause(status, rt, dt)
		if cause != wantCause || domain != wantDomain || is5xx {
			t.Fatalf("CloudFrontCause(%d, %q, %q) = %q, %q, %v; want %q, %q, false",
				status, rt, dt, cause, domain, is5xx, wantCause, wantDomain)
		}
	}
	// Status 000 is client context, never a 5xx, whatever the result types.
	f(0, "Miss", "Miss", CFCauseClientAborted, CFDomainClient)
	f(0, "Error", "OriginCommError", CFCauseClientAborted, CFDomainClient)
	f(0, "CapacityExceeded", "", CFCauseClientAborted, CFDomainClient)
	// Not a 5xx.
	f(200, "Error", "Error", "", "")
	f(499, "Error", "OriginConnectError", "", "")
	f(600, "Error", "Error", "", "")
	f(403, "Error", "ClientGeoBlocked", "", "")
}

func TestCloudFrontHint(t *testing.T) {
	for _, c := range []string{
		CFCauseEdgeCapacity, CFCauseEdgeFunctionError, CFCauseEdgeGenerated,
		CFCauseOriginConnectError, CFCauseOriginDNSError, CFCauseOriginTimeout,
		CFCauseOriginInvalidResponse, CFCauseOriginOther, CFCauseClientRequestError,
		CFCauseOriginHTTP5xx, CFCauseClientAborted,
	} {
		if CloudFrontHint(c) == "" {
			t.Fatalf("CloudFrontHint(%q) is empty", c)
		}
	}
	if h := CloudFrontHint("no.such_cause"); h != "" {
		t.Fatalf("CloudFrontHint(unknown) = %q, want empty", h)
	}
	h := CloudFrontHint(CFCauseOriginConnectError)
	for _, want := range []string{"expiry", "chain", "Host header", "security group", "hosts-file"} {
		if !strings.Contains(strings.ToLower(h), strings.ToLower(want)) {
			t.Fatalf("origin.connect_error hint lacks %q: %s", want, h)
		}
	}
}

func TestCloudFrontLikelyCachedError(t *testing.T) {
	f := func(status uint16, rt string, ttfb float64, want bool) {
		t.Helper()
		if got := LikelyCachedError(status, rt, ttfb); got != want {
			t.Fatalf("LikelyCachedError(%d, %q, %v) = %v, want %v", status, rt, ttfb, got, want)
		}
	}
	f(502, "Error", 0, true)
	f(503, "Error", 0.001, true)
	f(504, "Hit", 0.002, true)
	f(500, "RefreshHit", 0.005, true)
	f(502, "Error", 0.102, false) // OriginDnsError example: fetched, not cached
	f(502, "Error", 0.006, false)
	f(502, "Error", math.NaN(), false)
	f(502, "Error", -1, false)
	f(505, "Error", 0, false) // 505 is not cached by CloudFront
	f(200, "Hit", 0, false)
	f(503, "CapacityExceeded", 0, false)
	f(503, "LambdaExecutionError", 0, false)
	f(502, "Miss", 0, false)
}

func TestCloudFrontLikelyOriginTimeout(t *testing.T) {
	f := func(tt float64, want bool) {
		t.Helper()
		if got := LikelyOriginTimeout(tt); got != want {
			t.Fatalf("LikelyOriginTimeout(%v) = %v, want %v", tt, got, want)
		}
	}
	f(30.014, true)
	f(30.055, true)
	f(29.9, true)
	f(31.4, true)
	f(60.2, true)
	f(90.9, true)
	f(120.1, true)
	f(0.1, false)
	f(29.5, false)
	f(32, false)
	f(45, false)
	f(59.5, false)
	f(150.0, false)
	f(math.NaN(), false)
	f(-1, false)
}
