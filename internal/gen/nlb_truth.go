package gen

import (
	"math"
	"slices"
	"time"
)

// ConnCounts is the truth about one slice of connections (a client,
// listener, node, certificate or minute), of NLB TLS access logs or ALB
// connection logs.
type ConnCounts struct {
	// Connections is the number of rows.
	Connections int
	// Failed is the number whose TLS handshake did not complete (NLB:
	// tls_handshake_time "-"; ALB: tls_verify_status "Failed:…").
	Failed int
	// Reasons counts the failed ones by reason: for NLB the client's alert
	// by name (TLSAlertNames) or ReasonHandshakeIncomplete, for ALB the
	// code after "Failed:" (ConnCertExpired, ...).
	Reasons map[string]int
}

func (c *ConnCounts) add(failed bool, reason string) {
	c.Connections++
	if !failed {
		return
	}
	c.Failed++
	if c.Reasons == nil {
		c.Reasons = map[string]int{}
	}
	c.Reasons[reason]++
}

// Dist describes a distribution of durations in milliseconds. The
// percentiles are nearest-rank: P90 is the smallest value that at least
// 90 % of the values are at or below.
type Dist struct {
	N             int
	Sum, Min, Max int64
	P50, P90, P99 int64
}

// distOf returns the distribution of vs, which it sorts.
func distOf(vs []int64) Dist {
	if len(vs) == 0 {
		return Dist{}
	}
	slices.Sort(vs)
	d := Dist{N: len(vs), Min: vs[0], Max: vs[len(vs)-1]}
	for _, v := range vs {
		d.Sum += v
	}
	rank := func(q float64) int64 {
		i := int(math.Ceil(q*float64(len(vs)))) - 1
		return vs[min(max(i, 0), len(vs)-1)]
	}
	d.P50, d.P90, d.P99 = rank(0.5), rank(0.9), rank(0.99)
	return d
}

// NLBTruth is what a correct analysis of the generated NLB rows must find.
// Map keys: Alerts the incoming_tls_alert value; Clients the client IP;
// Listeners the listener ID as logged; Nodes the node IP (the destination
// address); Certs the chosen_cert_arn ("-" when none was chosen); Minutes
// the minute's start as Unix seconds, by the row's time.
type NLBTruth struct {
	Connections int
	Failed      int
	First, Last time.Time // earliest and latest row time
	// Reasons counts the failed connections by reason.
	Reasons map[string]int
	// Alerts counts every connection by the alert its client sent, failed
	// or not (a close_notify on a good connection is no failure).
	Alerts    map[int]int
	Clients   map[string]*ConnCounts
	Listeners map[string]*ConnCounts
	Nodes     map[string]*ConnCounts
	Certs     map[string]*ConnCounts
	Minutes   map[int64]*ConnCounts
	// Handshake is the distribution of tls_handshake_time over the
	// connections whose handshake completed; Connection that of
	// connection_time over every connection.
	Handshake, Connection Dist

	hs, conn []int64 // the values of Handshake and Connection
	// Incidents lists the injected incidents in scenario order.
	Incidents []NLBIncidentWindow
}

// NLBIncidentWindow records one injected NLB incident: Cause is the reason
// of the connections it failed, Rows how many it failed, Node its node
// filter; Listener is the ID of the listener it was restricted to and
// Clients the clients it could fail (every legacy client for a Legacy
// incident), when it was restricted to some.
type NLBIncidentWindow struct {
	IncidentWindow
	Listener string
	Clients  []string
}

func newNLBTruth() *NLBTruth {
	return &NLBTruth{
		Reasons: map[string]int{}, Alerts: map[int]int{}, Clients: map[string]*ConnCounts{},
		Listeners: map[string]*ConnCounts{}, Nodes: map[string]*ConnCounts{}, Certs: map[string]*ConnCounts{},
		Minutes: map[int64]*ConnCounts{},
	}
}

func (tr *NLBTruth) add(g *nlbGen, row *nlbRow) {
	t := time.Unix(row.t, 0).UTC()
	widen(&tr.First, &tr.Last, tr.Connections, t)
	tr.Connections++
	failed := row.hsMs < 0
	if failed {
		tr.Failed++
		tr.Reasons[row.reason]++
	} else {
		tr.hs = append(tr.hs, row.hsMs)
	}
	tr.conn = append(tr.conn, row.connMs)
	if row.alert >= 0 {
		tr.Alerts[row.alert]++
	}
	cert := row.cert
	if cert == "" {
		cert = "-"
	}
	for _, c := range [...]*ConnCounts{
		countsOf(tr.Clients, g.clients[row.client].ip),
		countsOf(tr.Listeners, g.sc.Listeners[row.listener].ID),
		countsOf(tr.Nodes, g.sc.Nodes[row.node]),
		countsOf(tr.Certs, cert),
		countsOf(tr.Minutes, row.t-row.t%60),
	} {
		c.add(failed, row.reason)
	}
}

func (tr *NLBTruth) finish(g *nlbGen) {
	tr.Handshake, tr.Connection = distOf(tr.hs), distOf(tr.conn)
	tr.hs, tr.conn = nil, nil
	for _, in := range g.incidents {
		reason := ReasonHandshakeIncomplete
		if in.Kind == NLBClientAlert {
			reason = TLSAlertNames[in.Alert]
		}
		w := NLBIncidentWindow{IncidentWindow: IncidentWindow{
			Name: in.Name, Kind: in.Kind.String(), Cause: reason,
			Start: in.Start.UTC(), End: in.End.UTC(), Node: in.Node, Rows: in.affected,
		}}
		if in.listener >= 0 {
			w.Listener = g.sc.Listeners[in.listener].ID
		}
		for i, ok := range in.clientOK {
			if ok {
				w.Clients = append(w.Clients, g.clients[i].ip)
			}
		}
		tr.Incidents = append(tr.Incidents, w)
	}
}
