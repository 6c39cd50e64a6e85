package gen

import (
	"fmt"
	"slices"
	"time"
)

// CFFields is the legacy standard log's #Fields: line content: the 33 field
// names in file order.
var CFFields = []string{
	"date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)", "cs-uri-stem",
	"sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query", "cs(Cookie)", "x-edge-result-type",
	"x-edge-request-id", "x-host-header", "cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for",
	"ssl-protocol", "ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "fle-status",
	"fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
	"sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
}

// CFDistribution is one CloudFront distribution.
type CFDistribution struct {
	// ID is the distribution ID (e.g. "E2QWRUHAPOMQZL"); it names the log
	// objects.
	ID string
	// Domain is the distribution's cloudfront.net name, logged as cs(Host).
	Domain string
	// Host is the name viewers use, logged as x-host-header.
	Host string
	// HitRatio is the share of cacheable requests served from cache
	// (default 0.6 for a site, set higher for static assets).
	HitRatio float64
	// Static makes the distribution serve assets (scripts, images, fonts)
	// rather than pages and API calls.
	Static bool
}

// CFScenario describes the traffic of CloudFront distributions over a time
// range, plus the incidents injected into it. Start, End and either Rows or
// RPS are required; other zero fields get realistic defaults.
type CFScenario struct {
	// Seed drives every random choice; same scenario, same bytes.
	Seed uint64
	// Start and End bound the rows' times.
	Start, End time.Time
	// Rows is the total number of rows; when 0, RPS × duration.
	Rows int
	// RPS is the mean request rate when Rows is 0.
	RPS float64
	// Distributions (default: www.example.com and static.example.com).
	Distributions []CFDistribution
	// POPs are the edge locations, most used first (default twelve, mostly
	// European).
	POPs []string
	// Prefix is the optional S3 key prefix.
	Prefix string
	// ObjectsPerHour is the number of objects per distribution and hour
	// (default 1); rows of the hour are spread over them.
	ObjectsPerHour int
	// Incidents are applied in order: the first whose window, filters and
	// rate select a row shapes it.
	Incidents []CFIncident
}

// CFKind is the shape a CloudFront incident gives to the rows it selects.
type CFKind int

// CloudFront incident kinds.
const (
	// CFOriginConnectError: cache misses fail 502, RT Error, DT
	// OriginConnectError, within ~0.2 s (expired or mismatched origin
	// certificate, closed port); origin.connect_error.
	CFOriginConnectError CFKind = iota + 1
	// CFOriginHTTP5xx: the origin answers Status (default 503) to misses,
	// DT Error; hits in the window get the cached error with
	// time-to-first-byte ≈ 0; origin.http_5xx.
	CFOriginHTTP5xx
	// CFOriginTimeout: misses fail 504 OriginCommError after about 30, 60
	// or 90 s; origin.timeout.
	CFOriginTimeout
	// CFEdgeCapacity: 503 CapacityExceeded; edge.capacity.
	CFEdgeCapacity
	// CFFunctionError: 503 LambdaExecutionError or FunctionExecutionError;
	// edge.function_error.
	CFFunctionError
	// CFOriginDNSError: misses fail 502 OriginDnsError in ~0.1 s;
	// origin.dns_error.
	CFOriginDNSError
	// CFOriginInvalidResponse: misses fail 502 OriginInvalidResponseError,
	// OriginHeaderTooBigError or OriginZeroSizeObjectError;
	// origin.invalid_response.
	CFOriginInvalidResponse
	// CFOriginOther: misses fail 502 OriginReadError or AbortedOrigin;
	// origin.other.
	CFOriginOther
	// CFClientRequestError: 502 with DT ClientCommError; client.request_error.
	CFClientRequestError
	// CFEdgeGenerated: an edge function generated a 5xx (DT
	// MissGeneratedResponse, LambdaGeneratedResponse or
	// FunctionGeneratedResponse); edge.generated.
	CFEdgeGenerated
	// CFClientAborted: status 000, the viewer left before any response
	// (context client.aborted, not a 5xx).
	CFClientAborted
)

var cfKindNames = [...]string{
	CFOriginConnectError: "origin_connect_error", CFOriginHTTP5xx: "origin_http_5xx",
	CFOriginTimeout: "origin_timeout", CFEdgeCapacity: "edge_capacity",
	CFFunctionError: "function_error", CFOriginDNSError: "origin_dns_error",
	CFOriginInvalidResponse: "origin_invalid_response", CFOriginOther: "origin_other",
	CFClientRequestError: "client_request_error", CFEdgeGenerated: "edge_generated",
	CFClientAborted: "client_aborted",
}

// String returns a short name of the kind.
func (k CFKind) String() string {
	if k > 0 && int(k) < len(cfKindNames) {
		return cfKindNames[k]
	}
	return fmt.Sprintf("CFKind(%d)", int(k))
}

// Cause returns the taxonomy cause of the kind's 5xx rows ("" for
// CFClientAborted).
func (k CFKind) Cause() string {
	switch k {
	case CFOriginConnectError:
		return CauseOriginConnectError
	case CFOriginHTTP5xx:
		return CauseOriginHTTP5xx
	case CFOriginTimeout:
		return CauseOriginTimeout
	case CFEdgeCapacity:
		return CauseEdgeCapacity
	case CFFunctionError:
		return CauseEdgeFunctionError
	case CFOriginDNSError:
		return CauseOriginDNSError
	case CFOriginInvalidResponse:
		return CauseOriginInvalidResponse
	case CFOriginOther:
		return CauseOriginOther
	case CFClientRequestError:
		return CauseClientRequestError
	case CFEdgeGenerated:
		return CauseEdgeGenerated
	}
	return ""
}

// missOnly reports whether the kind needs the origin, and so only hits
// requests that were cache misses.
func (k CFKind) missOnly() bool {
	switch k {
	case CFOriginConnectError, CFOriginTimeout, CFOriginDNSError, CFOriginInvalidResponse, CFOriginOther:
		return true
	}
	return false
}

// CFIncident shapes the rows it selects: those in [Start, End) passing the
// filters, drawn with probability Rate. Kinds that need the origin select
// cache misses only; cache hits stay fine.
type CFIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Kind is the shape given to selected rows.
	Kind CFKind
	// Start and End bound the window.
	Start, End time.Time
	// Rate is the share of eligible rows selected, in (0, 1].
	Rate float64
	// Distribution restricts the incident to one distribution ID.
	Distribution string
	// POP restricts it to one edge location.
	POP string
	// Status is the origin's code for CFOriginHTTP5xx (default 503).
	Status int
}

func (sc *CFScenario) withDefaults() (*CFScenario, error) {
	c := *sc
	if c.Start.IsZero() || !c.End.After(c.Start) {
		return nil, fmt.Errorf("gen: CloudFront scenario needs Start before End")
	}
	if c.Rows <= 0 && c.RPS <= 0 {
		return nil, fmt.Errorf("gen: CloudFront scenario needs Rows or RPS")
	}
	if len(c.Distributions) == 0 {
		c.Distributions = DefaultDistributions()
	}
	c.Distributions = slices.Clone(c.Distributions)
	for i := range c.Distributions {
		d := &c.Distributions[i]
		if d.ID == "" || d.Domain == "" || d.Host == "" {
			return nil, fmt.Errorf("gen: distribution %d needs ID, Domain and Host", i)
		}
		if d.HitRatio <= 0 {
			d.HitRatio = 0.6
		}
	}
	if len(c.POPs) == 0 {
		c.POPs = DefaultPOPs()
	}
	if c.ObjectsPerHour <= 0 {
		c.ObjectsPerHour = 1
	}
	for i, in := range c.Incidents {
		if in.Kind <= 0 || int(in.Kind) >= len(cfKindNames) {
			return nil, fmt.Errorf("gen: incident %d: unknown kind %d", i, in.Kind)
		}
		if in.Kind == CFOriginHTTP5xx && in.Status != 0 && (in.Status < 500 || in.Status > 599) {
			return nil, fmt.Errorf("gen: incident %d: status %d is not a 5xx", i, in.Status)
		}
	}
	return &c, nil
}

// DefaultDistributions returns the two default distributions: a site
// (www.example.com, 60 % hits) and its assets (static.example.com, 95 %).
func DefaultDistributions() []CFDistribution {
	return []CFDistribution{
		{ID: "E2QWRUHAPOMQZL", Domain: "d1k7x2q9w3e4r5.cloudfront.net", Host: "www.example.com", HitRatio: 0.6},
		{ID: "E1ASSETS7XK3Q9", Domain: "d3m8n2b4v6c1x0.cloudfront.net", Host: "static.example.com", HitRatio: 0.95, Static: true},
	}
}

// DefaultPOPs returns the default edge locations, most used first.
func DefaultPOPs() []string {
	return []string{"FRA56-P3", "FRA60-P1", "AMS58-P2", "LHR61-P4", "CDG52-P1", "MUC50-P2",
		"WAW51-P1", "MAD53-P2", "ZRH55-P1", "SEA19-C1", "IAD89-C2", "NRT57-P3"}
}
