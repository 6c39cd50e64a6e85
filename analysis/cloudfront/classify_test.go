package cloudfront

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
)

func TestCloudFrontCause_Success(t *testing.T) {
	f := func(status uint16, rt, dt, wantCause, wantDomain string) {
		t.Helper()
		cause := Classify(status, rt, dt)
		if cause != wantCause || taxonomy.DomainOf(cause) != wantDomain {
			t.Fatalf("Classify(%d, %q, %q) = %q in %q; want %q in %q",
				status, rt, dt, cause, taxonomy.DomainOf(cause), wantCause, wantDomain)
		}
	}
	// Rule 1: capacity or quota, by DT or RT.
	f(503, "CapacityExceeded", "CapacityExceeded", CauseEdgeCapacity, domEdge)
	f(503, "LimitExceeded", "", CauseEdgeCapacity, domEdge)
	f(503, "Error", "LimitExceeded", CauseEdgeCapacity, domEdge)
	f(503, "CapacityExceeded", "Error", CauseEdgeCapacity, domEdge)
	// Rule 1 before rule 2 when both appear.
	f(503, "LambdaExecutionError", "CapacityExceeded", CauseEdgeCapacity, domEdge)
	f(503, "CapacityExceeded", "LambdaLimitExceeded", CauseEdgeCapacity, domEdge)

	// Rule 2: function errors, by DT or RT.
	f(503, "LambdaExecutionError", "LambdaExecutionError", CauseEdgeFunctionError, domEdge)
	f(502, "LambdaValidationError", "", CauseEdgeFunctionError, domEdge)
	f(503, "LambdaLimitExceeded", "-", CauseEdgeFunctionError, domEdge)
	f(503, "Error", "FunctionExecutionError", CauseEdgeFunctionError, domEdge)
	f(503, "Error", "FunctionThrottledError", CauseEdgeFunctionError, domEdge)
	f(502, "FunctionValidationError", "Error", CauseEdgeFunctionError, domEdge)
	f(500, "LambdaSomethingNew", "Error", CauseEdgeFunctionError, domEdge)
	// Rule 2 before rule 3: a function error beats a generated response.
	f(503, "LambdaExecutionError", "MissGeneratedResponse", CauseEdgeFunctionError, domEdge)
	// Rule 2 before rule 4: an RT function error beats an origin DT.
	f(502, "LambdaExecutionError", "OriginConnectError", CauseEdgeFunctionError, domEdge)

	// Rule 3: generated responses (DT, or RT when there is no DT).
	f(500, "Miss", "MissGeneratedResponse", CauseEdgeGenerated, domEdge)
	f(503, "Miss", "LambdaGeneratedResponse", CauseEdgeGenerated, domEdge)
	f(503, "FunctionGeneratedResponse", "FunctionGeneratedResponse", CauseEdgeGenerated, domEdge)
	f(502, "LambdaGeneratedResponse", "", CauseEdgeGenerated, domEdge)
	// An RT generated response with a DT naming the origin: DT wins (rule 4).
	f(502, "LambdaGeneratedResponse", "OriginConnectError", CauseOriginConnectError, domOrigin)

	// Rules 4–6.
	f(502, "Error", "OriginConnectError", CauseOriginConnectError, domOrigin)
	f(504, "Error", "OriginConnectError", CauseOriginConnectError, domOrigin)
	f(502, "Error", "OriginDnsError", CauseOriginDNSError, domOrigin)
	f(504, "Error", "OriginCommError", CauseOriginTimeout, domOrigin)

	// Rule 7.
	f(502, "Error", "OriginInvalidResponseError", CauseOriginInvalidResponse, domOrigin)
	f(502, "Error", "OriginHeaderTooBigError", CauseOriginInvalidResponse, domOrigin)
	f(502, "Error", "OriginZeroSizeObjectError", CauseOriginInvalidResponse, domOrigin)
	f(502, "Error", "OriginContentRangeLengthError", CauseOriginInvalidResponse, domOrigin)

	// Rule 8: the remaining origin values, and any future Origin* value.
	f(502, "Error", "OriginError", CauseOriginOther, domOrigin)
	f(502, "Error", "OriginReadError", CauseOriginOther, domOrigin)
	f(502, "Error", "OriginWriteError", CauseOriginOther, domOrigin)
	f(502, "Error", "OriginSomethingNew", CauseOriginOther, domOrigin)
	f(502, "Error", "AbortedOrigin", CauseOriginOther, domOrigin)
	f(502, "Error", "SlowReaderOriginError", CauseOriginOther, domOrigin)
	// OriginShieldHit starts with "Origin": rule 8 before rule 10.
	f(502, "Hit", "OriginShieldHit", CauseOriginOther, domOrigin)

	// Rule 9.
	f(502, "Error", "ClientCommError", CauseClientRequestError, domClient)
	f(503, "Error", "ClientHungUpRequest", CauseClientRequestError, domClient)
	f(500, "Error", "ClientGeoBlocked", CauseClientRequestError, domClient)
	f(500, "Error", "InvalidRequest", CauseClientRequestError, domClient)
	f(500, "Error", "InvalidRequestBlocked", CauseClientRequestError, domClient)
	f(500, "Error", "InvalidRequestCertificate", CauseClientRequestError, domClient)
	f(500, "Error", "InvalidRequestHeader", CauseClientRequestError, domClient)
	f(500, "Error", "InvalidRequestMethod", CauseClientRequestError, domClient)

	// Rule 10: everything else, including pre-2019 files (no DT).
	f(502, "Error", "Error", CauseOriginHTTP5xx, domOrigin)
	f(503, "Error", "", CauseOriginHTTP5xx, domOrigin)
	f(500, "Miss", "", CauseOriginHTTP5xx, domOrigin)
	f(500, "Hit", "Hit", CauseOriginHTTP5xx, domOrigin)
	f(504, "RefreshHit", "RefreshHit", CauseOriginHTTP5xx, domOrigin)
	f(599, "Redirect", "Redirect", CauseOriginHTTP5xx, domOrigin)
	f(500, "", "", CauseOriginHTTP5xx, domOrigin)
	f(500, "-", "-", CauseOriginHTTP5xx, domOrigin)
	// RT names a client error but DT does not: DT decides (rule 10).
	f(502, "ClientCommError", "Error", CauseOriginHTTP5xx, domOrigin)
}

func TestCloudFrontCause_Failure(t *testing.T) {
	f := func(status uint16, rt, dt string) {
		t.Helper()
		if cause := Classify(status, rt, dt); cause != "" {
			t.Fatalf("Classify(%d, %q, %q) = %q, want no cause", status, rt, dt, cause)
		}
	}
	// Status 000 is client context (ContextClientAborted), never a 5xx,
	// whatever the result types.
	f(0, "Miss", "Miss")
	f(0, "Error", "OriginCommError")
	f(0, "CapacityExceeded", "")
	// Not a 5xx.
	f(200, "Error", "Error")
	f(499, "Error", "OriginConnectError")
	f(600, "Error", "Error")
	f(403, "Error", "ClientGeoBlocked")
}

func TestTaxonomy(t *testing.T) {
	if _, err := analysis.NewRegistry(Family{}); err != nil {
		t.Fatal(err)
	}
	want := []string{CauseEdgeCapacity, CauseEdgeFunctionError, CauseEdgeGenerated,
		CauseOriginConnectError, CauseOriginDNSError, CauseOriginTimeout,
		CauseOriginInvalidResponse, CauseOriginOther, CauseClientRequestError, CauseOriginHTTP5xx}
	if len(taxonomy.Causes) != len(want) {
		t.Fatalf("%d causes, want %d", len(taxonomy.Causes), len(want))
	}
	for i, code := range want {
		// The IDs the classifier returns are the positions in the list.
		if taxonomy.CauseID(code) != analysis.CauseID(i+1) {
			t.Fatalf("cause %s has ID %d, want %d", code, taxonomy.CauseID(code), i+1)
		}
		if dom := strings.SplitN(code, ".", 2)[0]; dom != taxonomy.DomainOf(code) {
			t.Errorf("cause %q: prefix does not match domain %q", code, taxonomy.DomainOf(code))
		}
	}
	if taxonomy.ContextID(ContextClientAborted) != ctxClientAborted {
		t.Errorf("ctxClientAborted is not the ID of %s", ContextClientAborted)
	}
	h := taxonomy.CauseByCode(CauseOriginConnectError).Hint
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

// TestPart_Tables: the CSV tables the taxonomy announces are the part's.
func TestPart_Tables(t *testing.T) {
	var names []string
	for _, s := range Part(newState().figures()).Sections {
		for _, tb := range s.Tables {
			names = append(names, tb.Name)
		}
	}
	if !slices.Equal(names, taxonomy.Tables) {
		t.Fatalf("tables %q, taxonomy says %q", names, taxonomy.Tables)
	}
}
