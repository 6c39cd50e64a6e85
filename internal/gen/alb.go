package gen

import (
	"fmt"
	"net/netip"
	"time"
)

// ALB log layouts: the number of space-separated fields per line.
const (
	ALBLayout25 = 25 // up to error_reason (Lambda targets launch, 2018-11)
	ALBLayout29 = 29 // + target lists and desync classification (2020-08)
	ALBLayout30 = 30 // + conn_trace_id (2024)
	ALBLayout33 = 33 // + transformed_host, transformed_uri, request_transform_status (2025-10)
)

// ALBScenario describes the traffic of one Application Load Balancer over a
// time range, plus the incidents injected into it. The zero values of most
// fields are replaced by realistic defaults (see the field comments); Start,
// End and either Rows or RPS are required.
type ALBScenario struct {
	// Seed drives every random choice. The same scenario with the same seed
	// produces byte-identical output.
	Seed uint64
	// Start and End bound the response times of the rows: Start ≤ time < End.
	Start, End time.Time
	// Rows is the number of requests before incidents that drop traffic
	// (ALBNodeDrop); when 0, RPS × duration is used.
	Rows int
	// RPS is the mean request rate when Rows is 0.
	RPS float64
	// Layout is the number of fields per line: ALBLayout33 (default),
	// ALBLayout30, ALBLayout29 or ALBLayout25.
	Layout int
	// Account (default "123456789012"), Region (default "eu-west-1").
	Account, Region string
	// LBName (default "shop-prod-alb") and LBID, 16 hex digits (default
	// derived from Seed), form the resource ID app/{LBName}/{LBID}.
	LBName, LBID string
	// Nodes are the IP addresses of the load balancer nodes, one per zone
	// and subnet (default DefaultNodes). They appear only in object names.
	Nodes []string
	// Targets are the registered targets as ip:port (default nine targets
	// 10.0.{1,2,3}.x:8080, three per /24 subnet, one subnet per zone).
	Targets []string
	// TargetGroup is the target group name (default "shop-web-tg").
	TargetGroup string
	// Host is the site's host name (default "shop.example.com").
	Host string
	// WAF adds a web ACL: forwarded rows carry "waf,forward" and a share of
	// requests are blocked with 403 "waf".
	WAF bool
	// IdleTimeout is the load balancer's idle timeout (default 60 s); rows of
	// ALBTargetTimeout last about this long.
	IdleTimeout time.Duration
	// Prefix is the optional S3 key prefix put before "AWSLogs/".
	Prefix string
	// DeliveryDelay is the time between an interval's end and the object's
	// delivery, which names the date folder (default 5 minutes).
	DeliveryDelay time.Duration
	// Incidents are applied in order: the first whose window, filters and
	// rate select a row shapes it.
	Incidents []ALBIncident
}

// ALBKind is the shape an incident gives to the rows it selects. Each 5xx
// kind is built so that it matches exactly one taxonomy rule.
type ALBKind int

// ALB incident kinds. The cause each 5xx kind yields is given by Cause.
const (
	// ALBLambdaService: target "-", error_reason LambdaServiceException,
	// LambdaConnectionError, LambdaConnectionTimeout (504) or
	// LambdaUnhandledException; lb.lambda_service.
	ALBLambdaService ALBKind = iota + 1
	// ALBLambdaError: target "-", error_reason LambdaInvalidResponse,
	// LambdaUnhandled, LambdaThrottling or LambdaResponseTooLarge, 502;
	// target.lambda_error.
	ALBLambdaError
	// ALBAuthError: actions "authenticate", error_reason Auth*, 561 or 500;
	// lb.auth_error.
	ALBAuthError
	// ALBWAFError: actions "waf-failed", error_reason WAF*, 500; lb.waf_error.
	ALBWAFError
	// ALBFixedResponse: fixed-response 503 maintenance page; lb.fixed_response.
	ALBFixedResponse
	// ALBBadRequest: 501 (unsupported Transfer-Encoding) or 505 (HTTP
	// version), target "-"; client.bad_request.
	ALBBadRequest
	// ALBTargetHTTP5xx: the target answered Status (default 500) and the load
	// balancer passed it on; target.http_5xx.
	ALBTargetHTTP5xx
	// ALBMalformedResponse: 502 while the target answered 200, or 502 with
	// no target status and target_processing_time ≥ 0;
	// target.malformed_response.
	ALBMalformedResponse
	// ALBConnectionError: 502, target set, times -1 -1 -1, no target status
	// (reset or keep-alive close); target.connection_error.
	ALBConnectionError
	// ALBDeregistering: 500 from a deregistering target that closed the
	// connection (target set, no target status); target.connection_error.
	ALBDeregistering
	// ALBConnectTimeout: 504 about 10 s after the request arrived, target set,
	// -1 -1 -1; target.connect_timeout.
	ALBConnectTimeout
	// ALBTargetTimeout: 504 after the idle timeout, target set, -1 -1 -1;
	// target.timeout.
	ALBTargetTimeout
	// ALBNoTargets: 503, target "-", -1 -1 -1; lb.no_targets.
	ALBNoTargets
	// ALBInternal: 500, target "-", no error_reason; lb.internal.
	ALBInternal
	// ALBClientClosed: 460, the client left before the response (context).
	ALBClientClosed
	// ALBLBBadRequest: 400 from the load balancer, malformed request (context).
	ALBLBBadRequest
	// ALBIdleTimeout408: 408, the client sent nothing in time (context).
	ALBIdleTimeout408
	// ALBTooManyForwardedFor: 463, X-Forwarded-For with > 30 addresses.
	ALBTooManyForwardedFor
	// ALBProtocolIncompatible: 464, protocol not matching the target group.
	ALBProtocolIncompatible
	// ALBWAFBlock: 403 blocked by AWS WAF, actions "waf" (context).
	ALBWAFBlock
	// ALBNodeDrop: the selected rows are never logged: traffic that reached
	// the node's IP and was lost (asymmetric routing). Needs Node.
	ALBNodeDrop
)

var albKindNames = [...]string{
	ALBLambdaService: "lambda_service", ALBLambdaError: "lambda_error", ALBAuthError: "auth_error",
	ALBWAFError: "waf_error", ALBFixedResponse: "fixed_response", ALBBadRequest: "bad_request",
	ALBTargetHTTP5xx: "target_http_5xx", ALBMalformedResponse: "malformed_response",
	ALBConnectionError: "connection_error", ALBDeregistering: "deregistering",
	ALBConnectTimeout: "connect_timeout", ALBTargetTimeout: "target_timeout",
	ALBNoTargets: "no_targets", ALBInternal: "internal", ALBClientClosed: "client_closed_460",
	ALBLBBadRequest: "lb_bad_request_400", ALBIdleTimeout408: "idle_timeout_408",
	ALBTooManyForwardedFor: "too_many_xff_463", ALBProtocolIncompatible: "protocol_464",
	ALBWAFBlock: "waf_block_403", ALBNodeDrop: "node_drop",
}

// String returns a short name of the kind.
func (k ALBKind) String() string {
	if k > 0 && int(k) < len(albKindNames) {
		return albKindNames[k]
	}
	return fmt.Sprintf("ALBKind(%d)", int(k))
}

// Cause returns the taxonomy cause of the 5xx rows of this kind, or "" for
// kinds that produce no 5xx.
func (k ALBKind) Cause() string {
	switch k {
	case ALBLambdaService:
		return CauseLBLambdaService
	case ALBLambdaError:
		return CauseTargetLambdaError
	case ALBAuthError:
		return CauseLBAuthError
	case ALBWAFError:
		return CauseLBWAFError
	case ALBFixedResponse:
		return CauseLBFixedResponse
	case ALBBadRequest:
		return CauseClientBadRequest
	case ALBTargetHTTP5xx:
		return CauseTargetHTTP5xx
	case ALBMalformedResponse:
		return CauseTargetMalformedResponse
	case ALBConnectionError, ALBDeregistering:
		return CauseTargetConnectionError
	case ALBConnectTimeout:
		return CauseTargetConnectTimeout
	case ALBTargetTimeout:
		return CauseTargetTimeout
	case ALBNoTargets:
		return CauseLBNoTargets
	case ALBInternal:
		return CauseLBInternal
	}
	return ""
}

// ALBIncident shapes the rows it selects: those whose time is in
// [Start, End), whose target and node pass the filters, drawn with
// probability Rate.
type ALBIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Kind is the shape given to selected rows.
	Kind ALBKind
	// Start and End bound the window.
	Start, End time.Time
	// Rate is the share of eligible rows selected, in (0, 1].
	Rate float64
	// Targets restricts the incident to rows routed to these targets
	// (ip:port). Empty means any target.
	Targets []string
	// Subnet restricts it to targets in this prefix (e.g. "10.0.2.0/24").
	Subnet string
	// Node restricts it to rows served by this load balancer node IP.
	Node string
	// Status is the code for ALBTargetHTTP5xx (default 500).
	Status int
	// TrafficFactor, when > 0, multiplies the request rate inside the window
	// relative to the rest of the scenario (Rows stays the total), ramping
	// from 1 at Start to TrafficFactor at End when Ramp is set. It applies
	// whether or not Rate selects any row.
	TrafficFactor float64
	// Ramp makes TrafficFactor grow linearly over the window.
	Ramp bool
	// BurstEvery and BurstFor, when both > 0, make the incident active only
	// during the first BurstFor of every BurstEvery from Start.
	BurstEvery, BurstFor time.Duration
}

func (sc *ALBScenario) withDefaults() (*ALBScenario, error) {
	c := *sc
	if c.Start.IsZero() || !c.End.After(c.Start) {
		return nil, fmt.Errorf("gen: ALB scenario needs Start before End")
	}
	if c.Rows <= 0 && c.RPS <= 0 {
		return nil, fmt.Errorf("gen: ALB scenario needs Rows or RPS")
	}
	switch c.Layout {
	case 0:
		c.Layout = ALBLayout33
	case ALBLayout25, ALBLayout29, ALBLayout30, ALBLayout33:
	default:
		return nil, fmt.Errorf("gen: unsupported ALB layout %d", c.Layout)
	}
	if c.Account == "" {
		c.Account = "123456789012"
	}
	if c.Region == "" {
		c.Region = "eu-west-1"
	}
	if c.LBName == "" {
		c.LBName = "shop-prod-alb"
	}
	if c.LBID == "" {
		c.LBID = string(appendHex(nil, splitmix(c.Seed^0x1b0c), 16))
	}
	if len(c.Nodes) == 0 {
		c.Nodes = DefaultNodes()
	}
	if len(c.Targets) == 0 {
		c.Targets = DefaultTargets()
	}
	if c.TargetGroup == "" {
		c.TargetGroup = "shop-web-tg"
	}
	if c.Host == "" {
		c.Host = "shop.example.com"
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 60 * time.Second
	}
	if c.IdleTimeout >= 9*time.Second && c.IdleTimeout < 12*time.Second {
		return nil, fmt.Errorf("gen: idle timeout %v is too close to the 10 s connect timeout", c.IdleTimeout)
	}
	if c.DeliveryDelay <= 0 {
		c.DeliveryDelay = 5 * time.Minute
	}
	for _, t := range c.Targets {
		if _, err := netip.ParseAddrPort(t); err != nil {
			return nil, fmt.Errorf("gen: target %q: %w", t, err)
		}
	}
	for i, in := range c.Incidents {
		if in.Kind <= 0 || int(in.Kind) >= len(albKindNames) {
			return nil, fmt.Errorf("gen: incident %d: unknown kind %d", i, in.Kind)
		}
		if in.Subnet != "" {
			if _, err := netip.ParsePrefix(in.Subnet); err != nil {
				return nil, fmt.Errorf("gen: incident %d: subnet %q: %w", i, in.Subnet, err)
			}
		}
		if in.Kind == ALBTargetHTTP5xx && in.Status != 0 && (in.Status < 500 || in.Status > 599 || in.Status == 561) {
			return nil, fmt.Errorf("gen: incident %d: status %d is not a target 5xx", i, in.Status)
		}
		if in.Kind == ALBNodeDrop && in.Node == "" {
			return nil, fmt.Errorf("gen: incident %d: node drop needs Node", i)
		}
	}
	return &c, nil
}

// DefaultNodes returns the three default load balancer node IPs, one per
// zone, in the order of the target subnets 10.0.1.0/24, 10.0.2.0/24 and
// 10.0.3.0/24.
func DefaultNodes() []string {
	return []string{"52.208.14.23", "34.243.77.102", "54.76.190.5"}
}

// DefaultTargets returns the nine default targets: 10.0.{1,2,3}.x:8080, three
// per /24 subnet.
func DefaultTargets() []string {
	return []string{
		"10.0.1.11:8080", "10.0.1.12:8080", "10.0.1.13:8080",
		"10.0.2.21:8080", "10.0.2.22:8080", "10.0.2.23:8080",
		"10.0.3.31:8080", "10.0.3.32:8080", "10.0.3.33:8080",
	}
}

// LoadBalancerID returns the resource ID as written in the elb field,
// app/{LBName}/{LBID}, after defaults are applied.
func (sc *ALBScenario) LoadBalancerID() string {
	c, err := sc.withDefaults()
	if err != nil {
		return ""
	}
	return "app/" + c.LBName + "/" + c.LBID
}

// splitmix is the SplitMix64 finaliser, used to derive independent seeds.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

const hexDigits = "0123456789abcdef"

// appendHex appends the low n hex digits of v (n ≤ 16).
func appendHex(dst []byte, v uint64, n int) []byte {
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, hexDigits[(v>>(uint(i)*4))&0xf])
	}
	return dst
}
