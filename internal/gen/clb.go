package gen

import (
	"fmt"
	"net/netip"
	"time"
)

// CLBScenario describes the traffic of one Classic Load Balancer over a
// time range, plus the incidents injected into it. The zero values of most
// fields are replaced by realistic defaults (see the field comments);
// Start, End and either Rows or RPS are required.
//
// The load balancer has three listeners: HTTP on port 80 and HTTPS on 443,
// both to the instances' HTTP port, and a TCP listener and an SSL one for
// a device protocol (MQTT, ports 1883 and 8883) to the instances'
// TCPPort. The lines of the TCP and SSL listeners are connections: no
// status, the request "- - - ".
type CLBScenario struct {
	// Seed drives every random choice. The same scenario with the same seed
	// produces byte-identical output.
	Seed uint64
	// Start and End bound the rows' times (when the load balancer received
	// the request): Start ≤ time < End.
	Start, End time.Time
	// Rows is the number of lines, requests and connections; when 0, RPS ×
	// duration is used.
	Rows int
	// RPS is the mean rate of lines when Rows is 0.
	RPS float64
	// Account (default "123456789012"), Region (default "eu-west-1").
	Account, Region string
	// LBName is the load balancer's name (default "shop-prod-clb").
	LBName string
	// Nodes are the IP addresses of the load balancer nodes, one per zone
	// (default DefaultNodes). They appear only in object names.
	Nodes []string
	// Instances are the registered instances' HTTP back ends as ip:port
	// (default DefaultInstances).
	Instances []string
	// TCPPort is the instances' port behind the TCP and SSL listeners
	// (default 1883).
	TCPPort int
	// TCPShare is the share of lines that are TCP or SSL connections
	// (default 0.04; negative for none).
	TCPShare float64
	// Host is the site's host name (default "shop.example.com").
	Host string
	// IdleTimeout is the load balancer's idle timeout (default 60 s).
	IdleTimeout time.Duration
	// Interval is the publishing interval of the objects: 5 or 60 minutes
	// (default 60).
	Interval time.Duration
	// Prefix is the optional S3 key prefix put before "AWSLogs/".
	Prefix string
	// DeliveryDelay is the time between an interval's end and the object's
	// delivery, which names the date folder (default 5 minutes, 15 for a
	// 60-minute interval).
	DeliveryDelay time.Duration
	// Incidents are applied in order to the HTTP and HTTPS requests: the
	// first whose window, filters and rate select a request shapes it.
	Incidents []CLBIncident
}

// CLBKind is the shape an incident gives to the requests it selects. Each
// 5xx kind is built so that it matches exactly one rule of the taxonomy's
// CLB table.
type CLBKind int

// CLB incident kinds. The cause each 5xx kind yields is given by Cause.
const (
	// CLBTimeout: the instance did not answer within the idle timeout: 504,
	// backend "-" (the log does not name the instance), times -1 -1 -1,
	// backend status 0; target.timeout. With Slow, a share of the
	// instance's other requests in the window are answered late but in
	// time, which is how the instance shows in the log.
	CLBTimeout CLBKind = iota + 1
	// CLBNoInstance: no registered or healthy instance (or the surge queue
	// is full): 503, backend "-", times -1 -1 -1, backend status 0;
	// lb.no_targets.
	CLBNoInstance
	// CLBInstanceHTTP5xx: the instance answered Status (default 500) and the
	// load balancer passed it on; target.http_5xx.
	CLBInstanceHTTP5xx
	// CLBMalformedResponse: 502 while the instance answered 200, or 502 with
	// no backend status and a backend time; target.malformed_response.
	CLBMalformedResponse
	// CLBConnectionError: the instance closed or refused the connection:
	// 502, backend "-", times -1 -1 -1; target.connection_error.
	CLBConnectionError
	// CLBInternal: 500 from the load balancer, backend "-"; lb.internal.
	CLBInternal
	// CLBBadRequest: 400, a malformed request the load balancer refused
	// (context).
	CLBBadRequest
	// CLBClientTimeout: 408, the client sent the request too slowly
	// (context).
	CLBClientTimeout
)

var clbKindNames = [...]string{
	CLBTimeout: "timeout", CLBNoInstance: "no_instance", CLBInstanceHTTP5xx: "instance_http_5xx",
	CLBMalformedResponse: "malformed_response", CLBConnectionError: "connection_error",
	CLBInternal: "internal", CLBBadRequest: "bad_request_400", CLBClientTimeout: "client_timeout_408",
}

// String returns a short name of the kind.
func (k CLBKind) String() string {
	if k > 0 && int(k) < len(clbKindNames) {
		return clbKindNames[k]
	}
	return fmt.Sprintf("CLBKind(%d)", int(k))
}

// Cause returns the taxonomy cause of the 5xx rows of this kind, or "" for
// kinds that produce no 5xx.
func (k CLBKind) Cause() string {
	switch k {
	case CLBTimeout:
		return CauseTargetTimeout
	case CLBNoInstance:
		return CauseLBNoTargets
	case CLBInstanceHTTP5xx:
		return CauseTargetHTTP5xx
	case CLBMalformedResponse:
		return CauseTargetMalformedResponse
	case CLBConnectionError:
		return CauseTargetConnectionError
	case CLBInternal:
		return CauseLBInternal
	}
	return ""
}

// CLBIncident shapes the requests it selects: those whose time is in
// [Start, End), whose instance and node pass the filters, drawn with
// probability Rate.
type CLBIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Kind is the shape given to selected requests.
	Kind CLBKind
	// Start and End bound the window.
	Start, End time.Time
	// Rate is the share of eligible requests selected, in (0, 1].
	Rate float64
	// Instances restricts the incident to requests routed to these
	// instances (ip:port, as in CLBScenario.Instances). Empty means any.
	Instances []string
	// Node restricts it to requests served by this load balancer node IP.
	Node string
	// Status is the code for CLBInstanceHTTP5xx (default 500).
	Status int
	// Slow, for CLBTimeout, is the share of the other requests of the
	// window's instances answered in 30 to 95 % of the idle timeout.
	Slow float64
}

func (sc *CLBScenario) withDefaults() (*CLBScenario, error) {
	c := *sc
	if c.Start.IsZero() || !c.End.After(c.Start) {
		return nil, fmt.Errorf("gen: CLB scenario needs Start before End")
	}
	if c.Rows <= 0 && c.RPS <= 0 {
		return nil, fmt.Errorf("gen: CLB scenario needs Rows or RPS")
	}
	if c.Account == "" {
		c.Account = "123456789012"
	}
	if c.Region == "" {
		c.Region = "eu-west-1"
	}
	if c.LBName == "" {
		c.LBName = "shop-prod-clb"
	}
	if len(c.Nodes) == 0 {
		c.Nodes = DefaultNodes()
	}
	if len(c.Instances) == 0 {
		c.Instances = DefaultInstances()
	}
	if c.TCPPort == 0 {
		c.TCPPort = 1883
	}
	switch {
	case c.TCPShare == 0:
		c.TCPShare = 0.04
	case c.TCPShare < 0:
		c.TCPShare = 0
	case c.TCPShare >= 1:
		return nil, fmt.Errorf("gen: TCP share %v leaves no HTTP requests", c.TCPShare)
	}
	if c.Host == "" {
		c.Host = "shop.example.com"
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = 60 * time.Second
	}
	switch c.Interval {
	case 0:
		c.Interval = time.Hour
	case 5 * time.Minute, time.Hour:
	default:
		return nil, fmt.Errorf("gen: CLB publishing interval %v is neither 5 nor 60 minutes", c.Interval)
	}
	if c.DeliveryDelay <= 0 {
		c.DeliveryDelay = 5 * time.Minute
		if c.Interval == time.Hour {
			c.DeliveryDelay = 15 * time.Minute
		}
	}
	for _, in := range c.Instances {
		if _, err := netip.ParseAddrPort(in); err != nil {
			return nil, fmt.Errorf("gen: instance %q: %w", in, err)
		}
	}
	for i, in := range c.Incidents {
		if in.Kind <= 0 || int(in.Kind) >= len(clbKindNames) {
			return nil, fmt.Errorf("gen: incident %d: unknown kind %d", i, in.Kind)
		}
		if in.Kind == CLBInstanceHTTP5xx && in.Status != 0 && (in.Status < 500 || in.Status > 599) {
			return nil, fmt.Errorf("gen: incident %d: status %d is not a 5xx", i, in.Status)
		}
	}
	return &c, nil
}

// DefaultInstances returns the six default instances: 10.0.{1,2,3}.x:80,
// two per /24 subnet, one subnet per zone.
func DefaultInstances() []string {
	return []string{
		"10.0.1.11:80", "10.0.1.12:80",
		"10.0.2.21:80", "10.0.2.22:80",
		"10.0.3.31:80", "10.0.3.32:80",
	}
}

// Presets for the Classic incidents users bring. Each returns an incident
// to append to CLBScenario.Incidents.

// CLBInstanceTimeout504 is an instance slower than the idle timeout: a
// share rate of its requests time out (504, target.timeout, backend "-"),
// and half the others are answered late but in time.
func CLBInstanceTimeout504(start, end time.Time, instance string, rate float64) CLBIncident {
	return CLBIncident{Name: "instance " + instance + " slower than the idle timeout", Kind: CLBTimeout,
		Start: start, End: end, Rate: rate, Instances: []string{instance}, Slow: 0.5}
}

// CLBNoHealthyInstance503 is a window in which no instance is healthy:
// every request is answered 503 by the load balancer (lb.no_targets).
func CLBNoHealthyInstance503(start, end time.Time) CLBIncident {
	return CLBIncident{Name: "no healthy instance", Kind: CLBNoInstance, Start: start, End: end, Rate: 1}
}

// CLBInstance500 is one instance answering 500 to a share rate of its
// requests (target.http_5xx).
func CLBInstance500(start, end time.Time, instance string, rate float64) CLBIncident {
	return CLBIncident{Name: "instance " + instance + " answering 500", Kind: CLBInstanceHTTP5xx,
		Start: start, End: end, Rate: rate, Instances: []string{instance}, Status: 500}
}

// EveryCLBCause returns one incident per CLB kind (every cause of the CLB
// table, plus the 400 and 408 context), all over [start, end) at the given
// rate.
func EveryCLBCause(start, end time.Time, rate float64) []CLBIncident {
	var out []CLBIncident
	for k := CLBTimeout; k <= CLBClientTimeout; k++ {
		out = append(out, CLBIncident{Name: "every cause: " + k.String(), Kind: k, Start: start, End: end, Rate: rate})
	}
	return out
}
