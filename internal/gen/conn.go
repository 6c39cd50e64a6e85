package gen

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Connection-log failure reasons (the code after "Failed:" in
// tls_verify_status) that the generator writes.
const (
	ConnCertExpired     = "ClientCertExpired"
	ConnCertNotYetValid = "ClientCertNotYetValid"
	ConnCertUntrusted   = "ClientCertUntrusted"
	ConnCertRevoked     = "ClientCertCrlHit"
	ConnUnmappedError   = "UnmappedConnectionError"
)

// ConnScenario describes the connection logs of the load balancer of an
// ALBScenario: the connections that carried its requests, the partners of
// a mutual-TLS listener, and the handshakes that failed. It is opt-in: the
// access lines of an ALBScenario generated on its own are unchanged; those
// generated through a ConnScenario carry in conn_trace_id the trace ID of
// the connection that carried them, and a client's requests share a
// connection (its port, node and TLS session) while it is kept alive.
type ConnScenario struct {
	// ALB is the load balancer and its traffic (required). Its Layout must
	// have conn_trace_id (ALBLayout30 or later; the default does). Its Seed
	// drives the connections too.
	ALB *ALBScenario
	// RequestsPerConn is the mean number of requests a client means to
	// send on one connection (default 4; 1 makes every connection carry
	// one request). A connection also ends when it has been idle for
	// KeepAlive, so the mean carried is lower.
	RequestsPerConn float64
	// KeepAlive is how long a connection waits idle for the next request
	// (default: the load balancer's idle timeout).
	KeepAlive time.Duration
	// MTLSPort is the port of the partners' mutual-TLS listener (default
	// 8443).
	MTLSPort int
	// Partners are the clients of the mutual-TLS listener. A partner's
	// handshakes fail with ClientCertExpired from its certificate's
	// NotAfter on (and ClientCertNotYetValid before its NotBefore).
	Partners []ConnPartner
	// PartnerShare is the share of the requests that come from partners
	// (default 0.05 when there are partners).
	PartnerShare float64
	// Incidents make handshakes fail for other reasons.
	Incidents []ConnIncident
}

// ConnPartner is a client of the mutual-TLS listener with its certificate.
type ConnPartner struct {
	// Name is the organisation, as in the certificate ("Partner 07 Ltd").
	Name string
	// IP is the partner's address (required, unique).
	IP string
	// Subject is the certificate's subject (default
	// "CN=api.{name in lower case, spaces as dashes}.example.net,O={Name},C=US").
	Subject string
	// Serial is the certificate's serial number in hex (default derived
	// from the seed).
	Serial string
	// NotBefore and NotAfter bound the certificate's validity (required).
	NotBefore, NotAfter time.Time
	// Weight is the partner's share of the partner traffic, relative to
	// the others (default 1).
	Weight int
}

// ConnIncident makes TLS handshakes fail with Reason during [Start, End):
// every handshake of the named partners, and Attempts more from strangers.
type ConnIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Reason is the code written after "Failed:" (ConnCertUntrusted, ...).
	Reason string
	// Start and End bound the window.
	Start, End time.Time
	// Partners names the partners (by Name) whose handshakes fail: a
	// partner that rotated to a certificate its load balancer's trust
	// store does not know, say. The certificate written is then a new one
	// (another serial, valid from a day before Start).
	Partners []string
	// Attempts, when > 0, adds that many failed handshakes, spread over
	// the window, from Strangers clients (default 3) that no access line
	// knows: devices presenting a self-signed certificate, old clients.
	Attempts  int
	Strangers int
	// Port is the listener of the strangers' attempts (default MTLSPort).
	// On the mutual-TLS listener they present a certificate; on another
	// one the handshake fails before any: protocol, cipher and
	// certificate are written "-".
	Port int
}

func (sc *ConnScenario) withDefaults() (*ConnScenario, error) {
	if sc.ALB == nil {
		return nil, fmt.Errorf("gen: connection scenario needs an ALB scenario")
	}
	alb, err := sc.ALB.withDefaults()
	if err != nil {
		return nil, err
	}
	if alb.Layout < ALBLayout30 {
		return nil, fmt.Errorf("gen: connection logs need access lines with conn_trace_id (layout 30 or later), not %d", alb.Layout)
	}
	c := *sc
	c.Partners = slices.Clone(sc.Partners)
	if c.RequestsPerConn == 0 {
		c.RequestsPerConn = 4
	}
	if c.RequestsPerConn < 1 {
		return nil, fmt.Errorf("gen: %v requests per connection, want at least 1", c.RequestsPerConn)
	}
	if c.KeepAlive <= 0 {
		c.KeepAlive = alb.IdleTimeout
	}
	if c.MTLSPort == 0 {
		c.MTLSPort = 8443
	}
	if c.MTLSPort == 80 || c.MTLSPort == 443 || c.MTLSPort < 1 || c.MTLSPort > 65535 {
		return nil, fmt.Errorf("gen: mutual-TLS port %d", c.MTLSPort)
	}
	if c.PartnerShare == 0 && len(c.Partners) > 0 {
		c.PartnerShare = 0.05
	}
	if c.PartnerShare < 0 || c.PartnerShare >= 1 {
		return nil, fmt.Errorf("gen: partner share %v, want [0, 1)", c.PartnerShare)
	}
	seen := map[string]bool{}
	for i := range c.Partners {
		p := &c.Partners[i]
		a, err := netip.ParseAddr(p.IP)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("gen: partner %d: address %q", i, p.IP)
		}
		if p.Name == "" || seen[p.Name] || seen[p.IP] {
			return nil, fmt.Errorf("gen: partner %d: name %q or address %q missing or repeated", i, p.Name, p.IP)
		}
		seen[p.Name], seen[p.IP] = true, true
		if p.NotBefore.IsZero() || !p.NotAfter.After(p.NotBefore) {
			return nil, fmt.Errorf("gen: partner %s: certificate validity %v..%v", p.Name, p.NotBefore, p.NotAfter)
		}
		if p.Weight < 0 {
			return nil, fmt.Errorf("gen: partner %s: weight %d", p.Name, p.Weight)
		}
	}
	for i, in := range c.Incidents {
		if in.Reason == "" || !in.End.After(in.Start) {
			return nil, fmt.Errorf("gen: connection incident %d: needs a reason and Start before End", i)
		}
		for _, name := range in.Partners {
			if !slices.ContainsFunc(c.Partners, func(p ConnPartner) bool { return p.Name == name }) {
				return nil, fmt.Errorf("gen: connection incident %d: no partner %q", i, name)
			}
		}
		if in.Attempts < 0 || in.Strangers < 0 || in.Port < 0 || in.Port > 65535 {
			return nil, fmt.Errorf("gen: connection incident %d: attempts, strangers or port out of range", i)
		}
	}
	return &c, nil
}

// ConnIncidentTruth records one cause of failed handshakes: a
// ConnIncident, or a partner's certificate expiring.
type ConnIncidentTruth struct {
	Name   string
	Reason string
	// Clients are the addresses whose handshakes failed, sorted.
	Clients []string
	// Port is the listener.
	Port int
	// Start and End bound the window set (for an expiry: from NotAfter to
	// the scenario's end).
	Start, End time.Time
	// First and Last are the first and the last failed handshake (zero
	// when none fell in the scenario).
	First, Last time.Time
	// Failed counts its failed handshakes.
	Failed int
}

// ConnTruth is what a correct reading of the generated connection logs,
// beside the access logs, must find; ConnCounts.Reasons counts the failed
// connections by the code after "Failed:". Map keys: Clients the client's
// address; Listeners the listener port; Nodes the node IP; Minutes the
// minute's start as Unix seconds.
type ConnTruth struct {
	// Connections counts the lines written, Failed those whose handshake
	// failed; Reasons counts those by reason code.
	Connections, Failed int
	Reasons             map[string]int
	First, Last         time.Time // earliest and latest connection time
	Clients             map[string]*ConnCounts
	Listeners           map[int]*ConnCounts
	Nodes               map[string]*ConnCounts
	Minutes             map[int64]*ConnCounts
	// Requests counts the access lines the connections carried (those of
	// the ALB truth), and RequestsPerConn the connections by the number
	// of requests they carried: 0 for every failed one.
	Requests        int
	RequestsPerConn map[int]int
	// Incidents lists the causes of failures: the scenario's incidents in
	// order, then the expired (or not yet valid) certificates by partner.
	Incidents []ConnIncidentTruth
}
