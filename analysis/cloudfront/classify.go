package cloudfront

import (
	"math"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// classify applies the taxonomy's rules 1–10 to a 5xx, in order, by its
// x-edge-result-type (rt) and x-edge-detailed-result-type (dt); the first
// match wins. dt is "" (or "-") when the file has no
// x-edge-detailed-result-type column (logs older than December 2019); rt
// then stands in for it.
func classify(rt, dt string) analysis.CauseID {
	if dt == "" || dt == "-" {
		dt = rt
	}
	switch {
	case isCapacity(dt) || isCapacity(rt): // rule 1
		return idEdgeCapacity
	case isFunctionError(dt) || isFunctionError(rt): // rule 2
		return idEdgeFunctionError
	}
	switch dt {
	case "MissGeneratedResponse", "LambdaGeneratedResponse", "FunctionGeneratedResponse": // rule 3
		return idEdgeGenerated
	case "OriginConnectError": // rule 4
		return idOriginConnectError
	case "OriginDnsError": // rule 5
		return idOriginDNSError
	case "OriginCommError": // rule 6
		return idOriginTimeout
	case "OriginInvalidResponseError", "OriginHeaderTooBigError",
		"OriginZeroSizeObjectError", "OriginContentRangeLengthError": // rule 7
		return idOriginInvalidResponse
	case "AbortedOrigin", "SlowReaderOriginError": // rule 8
		return idOriginOther
	}
	switch {
	case strings.HasPrefix(dt, "Origin"): // rule 8
		return idOriginOther
	case strings.HasPrefix(dt, "Client"), strings.HasPrefix(dt, "InvalidRequest"): // rule 9
		return idClientRequestError
	}
	return idOriginHTTP5xx // rule 10
}

// classifyBatch sets out[i] to the cause of every 5xx row of the bound
// batch (0 for the other rows).
func classifyBatch(c *columns, n int, out []analysis.CauseID) {
	statuses := c.status.Values()
	for i := 0; i < n; i++ {
		out[i] = 0
		if c.status.IsValid(i) && statuses[i] >= 500 && statuses[i] <= 599 {
			out[i] = classify(analysis.Str(c.rt, i), analysis.Str(c.dt, i))
		}
	}
}

// Classify returns the cause code of one CloudFront response with status
// 500–599, and "" for any other status (000, the viewer leaving before any
// response, is counted as ContextClientAborted, not as a 5xx). It is the
// row-level form of what the consumer does over batches, for tests and
// tools.
func Classify(status uint16, rt, dt string) string {
	if status < 500 || status > 599 {
		return ""
	}
	return taxonomy.Cause(classify(rt, dt)).Code
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
