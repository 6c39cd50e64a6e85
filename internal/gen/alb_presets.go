package gen

import "time"

// Presets for the incidents users bring (see the incidents specification).
// Each returns incidents to append to ALBScenario.Incidents.

// KeepAlive502 is incident 1: the targets close idle keep-alive connections
// before the load balancer does, so a share of requests to them get 502
// with target set, times -1 -1 -1 and no target status
// (target.connection_error). targets may be empty (every target).
func KeepAlive502(start, end time.Time, rate float64, targets ...string) ALBIncident {
	return ALBIncident{Name: "target keep-alive shorter than idle timeout", Kind: ALBConnectionError,
		Start: start, End: end, Rate: rate, Targets: targets}
}

// GrowingTraffic502 is incident 3: traffic ramps up to factor times the
// usual rate over the window and, every burstEvery, every target fails a
// share of requests with 502 target.connection_error for burstFor (workers
// and keep-alive limits exhausted, health checks flapping).
func GrowingTraffic502(start, end time.Time, factor, rate float64, burstEvery, burstFor time.Duration) ALBIncident {
	return ALBIncident{Name: "worker exhaustion bursts under growing traffic", Kind: ALBConnectionError,
		Start: start, End: end, Rate: rate, BurstEvery: burstEvery, BurstFor: burstFor,
		TrafficFactor: factor, Ramp: true}
}

// AsymmetricNode is incident 4a: return traffic of one load balancer node's
// subnet goes through a NAT gateway, so most requests reaching that node's
// IP time out at the client and are never logged; the node serves far less
// than its share. drop is the share of the node's rows removed.
func AsymmetricNode(start, end time.Time, node string, drop float64) ALBIncident {
	return ALBIncident{Name: "asymmetric routing on one load balancer node", Kind: ALBNodeDrop,
		Start: start, End: end, Rate: drop, Node: node}
}

// NACLSubnet504 is incident 4c: a network ACL of one target subnet blocks
// return traffic on ephemeral ports, connections to its targets never
// complete and the load balancer answers 504 after 10 s
// (target.connect_timeout) for a share of their requests.
func NACLSubnet504(start, end time.Time, subnet string, rate float64) ALBIncident {
	return ALBIncident{Name: "network ACL blocks ephemeral ports in " + subnet, Kind: ALBConnectTimeout,
		Start: start, End: end, Rate: rate, Subnet: subnet}
}

// VPCEndpoint500 is incident 4d: one target's subnet lacks the VPC endpoint
// route its application needs, so that target answers 500 to the share of
// requests that touch DynamoDB or S3 (target.http_5xx).
func VPCEndpoint500(start, end time.Time, target string, rate float64) ALBIncident {
	return ALBIncident{Name: "missing VPC endpoint route on " + target, Kind: ALBTargetHTTP5xx,
		Start: start, End: end, Rate: rate, Targets: []string{target}, Status: 500}
}

// EveryALBCause returns one incident per ALB 5xx kind (every taxonomy cause,
// target.connection_error twice: 502 reset and 500 deregistering), plus one
// per non-5xx context kind, all over [start, end) at the given rate.
func EveryALBCause(start, end time.Time, rate float64) []ALBIncident {
	var out []ALBIncident
	for k := ALBLambdaService; k <= ALBWAFBlock; k++ {
		out = append(out, ALBIncident{Name: "every cause: " + k.String(), Kind: k, Start: start, End: end, Rate: rate})
	}
	return out
}
