package gen

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// NLB log layouts: the number of space-separated fields per line.
const (
	NLBLayout18 = 18 // version 1.0: up to domain_name
	NLBLayout21 = 21 // version 2.0: + the three ALPN fields
	NLBLayout22 = 22 // version 2.0: + tls_connection_creation_time
)

// NLBScenario describes the TLS connections of one Network Load Balancer
// over a time range, plus the incidents injected into them. Start, End and
// either Connections or CPS are required; other zero fields get realistic
// defaults (see the field comments).
//
// Each connection is one log line, written when it closes: the row's time
// is the end of the connection and tls_connection_creation_time its start.
// Clients resolve the load balancer's name to one node (one per zone) for a
// minute at a time, as a DNS answer with a 60 s TTL would have them, and
// connect to one of its TLS listeners. Most clients have a current TLS
// stack (TLS 1.3, ALPN "h2","http/1.1"); a share are older (TLS 1.2 only,
// no ALPN extension, an old trust store); and a few scanners open
// connections and send no ClientHello at all.
type NLBScenario struct {
	// Seed drives every random choice: the same scenario and seed give
	// byte-identical output.
	Seed uint64
	// Start and End bound the rows' times (connection ends): Start ≤ time <
	// End.
	Start, End time.Time
	// Connections is the number of connections; when 0, CPS × duration.
	Connections int
	// CPS is the mean number of connections closing per second when
	// Connections is 0.
	CPS float64
	// Layout is the number of fields per line: NLBLayout22 (default),
	// NLBLayout21 or NLBLayout18 (log version 1.0).
	Layout int
	// Account (default "123456789012") and Region (default "eu-west-1").
	Account, Region string
	// LBName (default "partner-api-nlb") and LBID, 16 hex digits (default
	// derived from Seed), form the resource ID net/{LBName}/{LBID}.
	LBName, LBID string
	// Listeners are the TLS listeners (default DefaultNLBListeners).
	Listeners []NLBListener
	// Nodes are the private IP addresses of the load balancer's nodes, one
	// per zone (default DefaultNLBNodes). Clients connect to them directly,
	// so each is the destination address of its connections.
	Nodes []string
	// Clients is the number of distinct client addresses (default 600), of
	// which LegacyShare (default 0.15; negative for none) have an older TLS
	// stack and trust store.
	Clients     int
	LegacyShare float64
	// Scanners is the share of connections opened by scanners that send no
	// ClientHello (default 0.006; negative for none), from a handful of
	// addresses of their own.
	Scanners float64
	// Prefix is the optional S3 key prefix put before "AWSLogs/".
	Prefix string
	// DeliveryDelay is the time between an interval's end and the object's
	// delivery, which names the date folder (default 5 minutes).
	DeliveryDelay time.Duration
	// ObjectRows, when > 0, splits a node's rows of one interval into
	// objects of at most this many rows, as busy load balancers deliver
	// several objects per node and interval.
	ObjectRows int
	// Incidents are applied in order: the first whose window, filters and
	// rate select a connection shapes it.
	Incidents []NLBIncident
}

// NLBListener is one TLS listener of the load balancer.
type NLBListener struct {
	// ID is the listener's ID as logged, 16 hex digits.
	ID string
	// Port is the listener's port.
	Port int
	// Host is the name clients send as SNI (domain_name).
	Host string
	// Cert is the ARN of the ACM certificate the listener serves.
	Cert string
	// ALPN says the listener has an ALPN policy (HTTP2Preferred): the
	// ALPN fields are logged and h2 is negotiated with clients offering it.
	ALPN bool
	// Weight is the listener's share of the connections, relative to the
	// others' (default 1).
	Weight float64
}

// NLBKind is the failure an incident gives the connections it selects.
type NLBKind int

// NLB incident kinds. The reason each yields is the taxonomy's: the alert's
// name when the client sent one, else ReasonHandshakeIncomplete.
const (
	// NLBClientAlert: the client sends a valid ClientHello, is served the
	// listener's certificate and aborts the handshake with Alert (default
	// 48, unknown_ca): no handshake time, nothing negotiated, no bytes.
	NLBClientAlert NLBKind = iota + 1
	// NLBNoClientHello: the client opens the connection and sends no
	// ClientHello; every TLS field is "-".
	NLBNoClientHello
	// NLBHandshakeTimeout: the client sends its ClientHello and then
	// nothing, until the load balancer gives up after about 10 s; no alert.
	NLBHandshakeTimeout
)

var nlbKindNames = [...]string{
	NLBClientAlert: "client_alert", NLBNoClientHello: "no_client_hello", NLBHandshakeTimeout: "handshake_timeout",
}

// String returns a short name of the kind.
func (k NLBKind) String() string {
	if k > 0 && int(k) < len(nlbKindNames) {
		return nlbKindNames[k]
	}
	return fmt.Sprintf("NLBKind(%d)", int(k))
}

// ReasonHandshakeIncomplete is the taxonomy's reason of a failed handshake
// without a TLS alert from the client.
const ReasonHandshakeIncomplete = "handshake_incomplete"

// TLSAlertNames names the TLS alerts the generator writes, as RFC 8446 and
// RFC 5246 do. It is the generator's own table, kept apart from the
// parser's on purpose.
var TLSAlertNames = map[int]string{
	0: "close_notify", 40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
	44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown", 48: "unknown_ca",
	70: "protocol_version", 71: "insufficient_security", 90: "user_canceled", 112: "unrecognized_name",
	116: "certificate_required", 120: "no_application_protocol",
}

// NLBIncident shapes the connections it selects: those whose handshake
// falls in [Start, End) and that pass the filters, drawn with probability
// Rate. Scanners' connections are never selected.
type NLBIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Kind is the failure given to selected connections.
	Kind NLBKind
	// Start and End bound the window.
	Start, End time.Time
	// Rate is the share of eligible connections selected, in (0, 1].
	Rate float64
	// Alert is the client's TLS alert for NLBClientAlert (default 48,
	// unknown_ca); it must be one of TLSAlertNames.
	Alert int
	// Legacy restricts the incident to the clients with an older TLS stack
	// and trust store.
	Legacy bool
	// Clients restricts it to these client addresses.
	Clients []string
	// Port restricts it to the listener on this port.
	Port int
	// Node restricts it to connections to this node.
	Node string
	// Cert, when set, is the certificate the listeners the incident
	// selects (all, or the one on Port) serve to every connection whose
	// handshake falls in the window, failed or not: a certificate change,
	// rolled back at End.
	Cert string
}

func (sc *NLBScenario) withDefaults() (*NLBScenario, error) {
	c := *sc
	if c.Start.IsZero() || !c.End.After(c.Start) {
		return nil, fmt.Errorf("gen: NLB scenario needs Start before End")
	}
	if c.Connections <= 0 && c.CPS <= 0 {
		return nil, fmt.Errorf("gen: NLB scenario needs Connections or CPS")
	}
	switch c.Layout {
	case 0:
		c.Layout = NLBLayout22
	case NLBLayout18, NLBLayout21, NLBLayout22:
	default:
		return nil, fmt.Errorf("gen: unsupported NLB layout %d", c.Layout)
	}
	if c.Account == "" {
		c.Account = "123456789012"
	}
	if c.Region == "" {
		c.Region = "eu-west-1"
	}
	if c.LBName == "" {
		c.LBName = "partner-api-nlb"
	}
	if c.LBID == "" {
		c.LBID = string(appendHex(nil, splitmix(c.Seed^0x6e6c62), 16))
	}
	if len(c.Listeners) == 0 {
		c.Listeners = DefaultNLBListeners(c.Account, c.Region)
	}
	c.Listeners = slices.Clone(c.Listeners)
	for i := range c.Listeners {
		l := &c.Listeners[i]
		if l.ID == "" || l.Port <= 0 || l.Port > 65535 || l.Host == "" || l.Cert == "" {
			return nil, fmt.Errorf("gen: listener %d needs ID, Port, Host and Cert", i)
		}
		if l.Weight <= 0 {
			l.Weight = 1
		}
	}
	if len(c.Nodes) == 0 {
		c.Nodes = DefaultNLBNodes()
	}
	for _, n := range c.Nodes {
		if _, err := netip.ParseAddr(n); err != nil {
			return nil, fmt.Errorf("gen: node %q: %w", n, err)
		}
	}
	if c.Clients <= 0 {
		c.Clients = 600
	}
	if c.LegacyShare == 0 {
		c.LegacyShare = 0.15
	}
	c.LegacyShare = max(c.LegacyShare, 0)
	if c.Scanners == 0 {
		c.Scanners = 0.006
	}
	c.Scanners = max(c.Scanners, 0)
	if c.DeliveryDelay <= 0 {
		c.DeliveryDelay = 5 * time.Minute
	}
	for i, in := range c.Incidents {
		if in.Kind <= 0 || int(in.Kind) >= len(nlbKindNames) {
			return nil, fmt.Errorf("gen: incident %d: unknown kind %d", i, in.Kind)
		}
		if _, ok := TLSAlertNames[in.Alert]; in.Kind == NLBClientAlert && in.Alert != 0 && !ok {
			return nil, fmt.Errorf("gen: incident %d: alert %d is not in TLSAlertNames", i, in.Alert)
		}
		if in.Port != 0 && !slices.ContainsFunc(c.Listeners, func(l NLBListener) bool { return l.Port == in.Port }) {
			return nil, fmt.Errorf("gen: incident %d: no listener on port %d", i, in.Port)
		}
		if in.Node != "" && !slices.Contains(c.Nodes, in.Node) {
			return nil, fmt.Errorf("gen: incident %d: no node %s", i, in.Node)
		}
	}
	return &c, nil
}

// DefaultNLBNodes returns the three default node addresses, one per zone,
// in the subnets 10.0.1.0/24, 10.0.2.0/24 and 10.0.3.0/24.
func DefaultNLBNodes() []string {
	return []string{"10.0.1.164", "10.0.2.37", "10.0.3.201"}
}

// DefaultNLBListeners returns the two default listeners: the public API on
// 443 (api.example.com, ALPN policy, three connections in four) and the
// partner endpoint on 8443 (partners.example.com, no ALPN policy), each
// with its own ACM certificate in account and region.
func DefaultNLBListeners(account, region string) []NLBListener {
	return []NLBListener{
		{ID: "3f9c1e7a52d04b86", Port: 443, Host: "api.example.com", ALPN: true, Weight: 3,
			Cert: ACMCertificateARN(account, region, 0x4a11)},
		{ID: "b27d64e0c9a1f385", Port: 8443, Host: "partners.example.com", Weight: 1,
			Cert: ACMCertificateARN(account, region, 0x9a27)},
	}
}

// ACMCertificateARN returns an ACM certificate ARN in account and region
// whose ID is derived from seed.
func ACMCertificateARN(account, region string, seed uint64) string {
	u := splitmix(seed ^ 0xace)
	v := splitmix(u)
	id := appendHex(nil, u>>32, 8)
	id = append(id, '-')
	id = appendHex(id, u>>16, 4)
	id = append(id, "-4"...)
	id = appendHex(id, u, 3)
	id = append(id, "-a"...)
	id = appendHex(id, v>>52, 3)
	id = append(id, '-')
	id = appendHex(id, v, 12)
	return "arn:aws:acm:" + region + ":" + account + ":certificate/" + string(id)
}

// LoadBalancerID returns the resource ID as written in the elb field,
// net/{LBName}/{LBID}, after defaults are applied.
func (sc *NLBScenario) LoadBalancerID() string {
	c, err := sc.withDefaults()
	if err != nil {
		return ""
	}
	return "net/" + c.LBName + "/" + c.LBID
}

// SampleNLBIncident returns the demo's NLB scenario: about 20,000 TLS
// connections over 45 minutes (12:50–13:35 UTC on 2026-11-20) to
// partner-api-nlb, with three nodes (10.0.1.164, 10.0.2.37, 10.0.3.201) and
// two listeners: the public API on 443 (api.example.com) and the partner
// endpoint on 8443 (partners.example.com).
//
// What happens: at 13:10 the certificate of the 443 listener is replaced by
// one that chains to a root older clients do not trust. From then on every
// handshake of those clients (about one in seven client addresses, TLS 1.2
// only) on port 443 fails: the client, served the new certificate, aborts
// with TLS alert 48 (unknown_ca). They never make a request, so no access
// log shows them. Their connections to 8443, whose certificate did not
// change, keep working, as do current clients on both listeners; legacy
// connections that began before 13:10 end normally. In the background,
// scanners open connections without a ClientHello all along.
//
// A correct report concludes: almost all failed handshakes are unknown_ca
// (48), about 1,600, all on listener 3f9c1e7a52d04b86 (port 443), all since
// 13:10, from some 85 client addresses that all speak TLS 1.2 only, on
// every node alike (so not a node or zone), from the moment the listener's
// certificate ARN changed: clients whose trust stores lack the new
// certificate's CA reject it; check its chain. The steady trickle of
// handshake_incomplete failures (about 130, no ClientHello) is scanners,
// before and after 13:10 alike, not the incident.
//
// NLBTruthOf(SampleNLBIncident()) gives the exact numbers.
func SampleNLBIncident() *NLBScenario {
	start := time.Date(2026, 11, 20, 12, 50, 0, 0, time.UTC)
	change := time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	return &NLBScenario{
		Seed:        20261120,
		Start:       start,
		End:         end,
		Connections: 20000,
		Incidents: []NLBIncident{
			{Name: "new certificate on 443 rejected by older clients", Kind: NLBClientAlert, Alert: 48,
				Start: change, End: end, Rate: 1, Legacy: true, Port: 443,
				Cert: ACMCertificateARN("123456789012", "eu-west-1", 0x2026)},
		},
	}
}
