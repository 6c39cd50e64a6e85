package connlog

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// PartKey is the JSON key of the connections part of a report.
const PartKey = "connections"

// Figures is the "connections" object of the JSON report
// (docs/report-json.md).
type Figures struct {
	// Total counts the connections inside the window, Failed those whose
	// TLS handshake did not complete; ByReason counts those by reason.
	Total       int64            `json:"total"`
	Failed      int64            `json:"failed"`
	FailureRate float64          `json:"failure_rate"`
	ByReason    map[string]int64 `json:"by_reason"`
	// PrimaryReason is the reason with the most failures, null with none.
	PrimaryReason *string `json:"primary_reason"`
	// Window is where the primary reason's failure rate stands out.
	Window *analysis.Window `json:"window,omitempty"`
	// FirstFailed and LastFailed bound the failures.
	FirstFailed analysis.Time `json:"first_failed,omitzero"`
	LastFailed  analysis.Time `json:"last_failed,omitzero"`
	// HandshakeMs are the percentiles of the handshakes that completed,
	// ConnectionMs of the connections' durations, when logged.
	HandshakeMs  *analysis.Latency `json:"handshake_ms,omitempty"`
	ConnectionMs *analysis.Latency `json:"connection_ms,omitempty"`
	// ClientsSeen counts the distinct client addresses (up to the cap),
	// FailingClients those with a failed connection.
	ClientsSeen    int64         `json:"clients_seen"`
	FailingClients int64         `json:"failing_clients"`
	Reasons        []Reason      `json:"reasons"`
	Clients        []Client      `json:"clients"`
	Listeners      []Listener    `json:"listeners"`
	Nodes          []Node        `json:"nodes"`
	Certificates   []Certificate `json:"certificates,omitempty"`
	Timeline       []Bucket      `json:"timeline"`
	// RequestsPerConnection, when the access logs of the same load
	// balancer are in the report, relates its requests to the connections
	// that carried them.
	RequestsPerConnection *PerConnection `json:"requests_per_connection,omitempty"`
}

// PerConnection is the requests of a report over the connections that
// completed (every failed connection carries none).
type PerConnection struct {
	Requests    int64   `json:"requests"`
	Connections int64   `json:"connections"`
	Mean        float64 `json:"mean"`
}

// Reason is one failure reason.
type Reason struct {
	Reason string `json:"reason"`
	// Label names it for people ("TLS alert 48 unknown_ca").
	Label  string  `json:"label"`
	Failed int64   `json:"failed"`
	Share  float64 `json:"share"`
	// Clients counts the clients that failed with it.
	Clients int64         `json:"clients"`
	First   analysis.Time `json:"first"`
	Last    analysis.Time `json:"last"`
}

// Client is one client address. The list holds the clients with a failed
// connection, the most failures first (up to 1,000), then, up to the
// report's top count, the busiest others; "(other)" sums the rest, and the
// clients past Options.MaxKeys.
type Client struct {
	Client      string           `json:"client"`
	Connections int64            `json:"connections"`
	Failed      int64            `json:"failed"`
	ByReason    map[string]int64 `json:"by_reason"`
	FirstFailed analysis.Time    `json:"first_failed,omitzero"`
	LastFailed  analysis.Time    `json:"last_failed,omitzero"`
	// Protocols are the TLS versions its completed handshakes negotiated.
	Protocols []string `json:"protocols,omitempty"`
	// Certificate is the subject of the client certificate of its latest
	// failed connection (mutual TLS), NotAfter that certificate's expiry.
	Certificate string        `json:"certificate,omitempty"`
	NotAfter    analysis.Time `json:"not_after,omitzero"`
}

// Listener is one listener of the load balancer.
type Listener struct {
	Listener    string           `json:"listener"`
	Port        uint16           `json:"port,omitempty"`
	Connections int64            `json:"connections"`
	Failed      int64            `json:"failed"`
	ByReason    map[string]int64 `json:"by_reason"`
}

// Node is one load balancer node.
type Node struct {
	Node        string           `json:"node"`
	Connections int64            `json:"connections"`
	Share       float64          `json:"share"`
	Failed      int64            `json:"failed"`
	ByReason    map[string]int64 `json:"by_reason"`
}

// Certificate is one certificate a listener served, with when: a listener
// with several changed its certificate.
type Certificate struct {
	Listener    string           `json:"listener"`
	Certificate string           `json:"certificate"`
	FirstServed analysis.Time    `json:"first_served"`
	LastServed  analysis.Time    `json:"last_served"`
	Connections int64            `json:"connections"`
	Failed      int64            `json:"failed"`
	ByReason    map[string]int64 `json:"by_reason"`
}

// Bucket is one time bucket of connections.
type Bucket struct {
	Start       analysis.Time    `json:"start"`
	Connections int64            `json:"connections"`
	Failed      int64            `json:"failed"`
	ByReason    map[string]int64 `json:"by_reason"`
}

// maxListedClients caps the failing clients the report lists; "(other)"
// sums the rest.
const maxListedClients = 1000

// maxTimelineBuckets caps the gap filling of the timeline, as the core's.
const maxTimelineBuckets = 100_000

// Figures returns the state's figures; top is how many clients without a
// failure the client list adds.
func (s *State) Figures(top int, voc Vocabulary) *Figures {
	f := &Figures{Total: s.total, Failed: s.failed, ByReason: map[string]int64{}}
	if s.total > 0 {
		f.FailureRate = analysis.Round4(float64(s.failed) / float64(s.total))
	}
	for _, id := range s.rankedReasons() {
		r := &s.reasonStat[id]
		name := s.reasons[id]
		f.ByReason[name] = r.failed
		f.Reasons = append(f.Reasons, Reason{
			Reason: name, Label: voc.Reason(name).Label, Failed: r.failed,
			Share:   analysis.Round4(float64(r.failed) / float64(s.failed)),
			Clients: s.clientsWith(id),
			First:   analysis.UnixMicro(r.first), Last: analysis.UnixMicro(r.last),
		})
		if f.FirstFailed.IsZero() || r.first < f.FirstFailed.UnixMicro() {
			f.FirstFailed = analysis.UnixMicro(r.first)
		}
		if r.last > f.LastFailed.UnixMicro() {
			f.LastFailed = analysis.UnixMicro(r.last)
		}
	}
	if f.Reasons == nil {
		f.Reasons = []Reason{}
	}
	if p, ok := s.primary(); ok {
		name := s.reasons[p]
		f.PrimaryReason = &name
		f.Window = s.window(p)
	}
	if !s.handshake.IsEmpty() {
		l := analysis.Quantiles(s.handshake)
		f.HandshakeMs = &l
	}
	if !s.duration.IsEmpty() {
		l := analysis.Quantiles(s.duration)
		f.ConnectionMs = &l
	}
	f.ClientsSeen = int64(len(s.clientList))
	f.Clients = s.clientRows(top)
	for i := range s.clientList {
		if s.clientList[i].failed > 0 {
			f.FailingClients++
		}
	}
	f.Listeners = []Listener{}
	for _, i := range s.listeners.order() {
		e := &s.listeners.list[i]
		f.Listeners = append(f.Listeners, Listener{Listener: e.name, Port: e.port, Connections: e.conns, Failed: e.failed, ByReason: s.reasonMap(&e.byReason)})
	}
	f.Nodes = []Node{}
	for _, i := range s.nodes.order() {
		e := &s.nodes.list[i]
		n := Node{Node: e.name, Connections: e.conns, Failed: e.failed, ByReason: s.reasonMap(&e.byReason)}
		if s.total > 0 {
			n.Share = analysis.Round4(float64(e.conns) / float64(s.total))
		}
		f.Nodes = append(f.Nodes, n)
	}
	for _, i := range s.certOrder() {
		c := &s.certList[i]
		f.Certificates = append(f.Certificates, Certificate{
			Listener: c.listener, Certificate: c.arn,
			FirstServed: analysis.UnixMicro(c.first), LastServed: analysis.UnixMicro(c.last),
			Connections: c.conns, Failed: c.failed, ByReason: s.reasonMap(&c.byReason),
		})
	}
	f.Timeline = s.timelineRows()
	return f
}

// rankedReasons returns the IDs of the reasons with failures, the most
// first, ties by name.
func (s *State) rankedReasons() []uint8 {
	var ids []uint8
	for i := range s.reasons {
		if s.reasonStat[i].failed > 0 {
			ids = append(ids, uint8(i))
		}
	}
	slices.SortFunc(ids, func(x, y uint8) int {
		if c := cmp.Compare(s.reasonStat[y].failed, s.reasonStat[x].failed); c != 0 {
			return c
		}
		return strings.Compare(s.reasons[x], s.reasons[y])
	})
	return ids
}

// primary returns the reason with the most failures.
func (s *State) primary() (uint8, bool) {
	r := s.rankedReasons()
	if len(r) == 0 {
		return 0, false
	}
	return r[0], true
}

// clientsWith counts the clients with a failure of reason id; the clients
// past the cap count as one.
func (s *State) clientsWith(id uint8) int64 {
	var n int64
	for k := range s.pairs {
		if k.reason == id {
			n++
		}
	}
	return n
}

// reasonMap returns the non-zero counts of byReason by reason name.
func (s *State) reasonMap(byReason *[maxReasons]int64) map[string]int64 {
	m := map[string]int64{}
	for i, n := range byReason[:len(s.reasons)] {
		if n > 0 {
			m[s.reasons[i]] = n
		}
	}
	return m
}

// clientReasons returns each client's failures by reason name.
func (s *State) clientReasons() map[int32]map[string]int64 {
	out := map[int32]map[string]int64{}
	for k, n := range s.pairs {
		m := out[k.client]
		if m == nil {
			m = map[string]int64{}
			out[k.client] = m
		}
		m[s.reasons[k.reason]] += n
	}
	return out
}

// clientRows returns the client list (see Client).
func (s *State) clientRows(top int) []Client {
	order := sortedIndex(len(s.clientList), func(x, y int32) int {
		a, b := &s.clientList[x], &s.clientList[y]
		if c := cmp.Compare(b.failed, a.failed); c != 0 {
			return c
		}
		if c := cmp.Compare(b.conns, a.conns); c != 0 {
			return c
		}
		return strings.Compare(s.clientKeys[x], s.clientKeys[y])
	})
	reasons := s.clientReasons()
	out := []Client{}
	// The rest: the clients past the cap and those not listed.
	rest, restReasons, unlisted := s.otherClients, map[string]int64{}, s.clientsOver > 0
	for r, n := range reasons[-1] {
		restReasons[r] += n
	}
	extra := 0
	for _, i := range order {
		c := &s.clientList[i]
		if c.failed > 0 && len(out) < maxListedClients || c.failed == 0 && extra < top {
			if c.failed == 0 {
				extra++
			}
			out = append(out, s.clientRow(s.clientKeys[i], c, reasons[i]))
			continue
		}
		rest.merge(c)
		for r, n := range reasons[i] {
			restReasons[r] += n
		}
		unlisted = true
	}
	if unlisted {
		rest.identity, rest.notAfter, rest.protocols = "", 0, 0
		out = append(out, s.clientRow(analysis.OtherKey, &rest, restReasons))
	}
	return out
}

func (s *State) clientRow(name string, c *client, reasons map[string]int64) Client {
	row := Client{Client: name, Connections: c.conns, Failed: c.failed, ByReason: reasons, Certificate: c.identity}
	if row.ByReason == nil {
		row.ByReason = map[string]int64{}
	}
	if c.failed > 0 {
		row.FirstFailed, row.LastFailed = analysis.UnixMicro(c.firstFailed), analysis.UnixMicro(c.lastFailed)
	}
	if c.notAfter != 0 {
		row.NotAfter = analysis.UnixMicro(c.notAfter)
	}
	for i, name := range protocolNames {
		if c.protocols&(1<<i) != 0 {
			row.Protocols = append(row.Protocols, name)
		}
	}
	return row
}

// order returns the entities the most failures first, then the most
// connections, then by name.
func (e *entities) order() []int32 {
	order := sortedIndex(len(e.list), func(x, y int32) int {
		a, b := &e.list[x], &e.list[y]
		if c := cmp.Compare(b.failed, a.failed); c != 0 {
			return c
		}
		if c := cmp.Compare(b.conns, a.conns); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	return order
}

// certOrder returns the certificates by listener, then first served.
func (s *State) certOrder() []int32 {
	order := sortedIndex(len(s.certList), func(x, y int32) int {
		a, b := &s.certList[x], &s.certList[y]
		if c := strings.Compare(a.listener, b.listener); c != 0 {
			return c
		}
		if c := cmp.Compare(a.first, b.first); c != 0 {
			return c
		}
		return strings.Compare(a.arn, b.arn)
	})
	return order
}

// bucketKeys returns the bucket keys from the first to the last, gaps
// filled unless there would be too many.
func (s *State) bucketKeys() []int64 {
	keys := slices.Sorted(maps.Keys(s.buckets))
	if n := len(keys); n > 1 && keys[n-1]-keys[0] < maxTimelineBuckets {
		filled := make([]int64, 0, keys[n-1]-keys[0]+1)
		for k := keys[0]; k <= keys[n-1]; k++ {
			filled = append(filled, k)
		}
		keys = filled
	}
	return keys
}

// timelineRows returns the timeline of the figures.
func (s *State) timelineRows() []Bucket {
	out := []Bucket{}
	for _, k := range s.bucketKeys() {
		b := Bucket{Start: analysis.UnixMicro(k * s.bucketUS), ByReason: map[string]int64{}}
		if i, ok := s.buckets[k]; ok {
			src := &s.bucketList[i]
			b.Connections, b.Failed = src.conns, src.failed
			for r, n := range src.byReason[:len(s.reasons)] {
				if n > 0 {
					b.ByReason[s.reasons[r]] = int64(n)
				}
			}
		}
		out = append(out, b)
	}
	return out
}

// timeline returns the timeline in the core's terms for reason id:
// connections as requests, its failures as errors.
func (s *State) timeline(id uint8) []analysis.Bucket {
	var out []analysis.Bucket
	for _, k := range s.bucketKeys() {
		b := analysis.Bucket{Start: analysis.UnixMicro(k * s.bucketUS)}
		if i, ok := s.buckets[k]; ok {
			b.Requests, b.Errors5xx = s.bucketList[i].conns, int64(s.bucketList[i].byReason[id])
		}
		out = append(out, b)
	}
	return out
}

// Significance of a reason's window: it must hold at least windowShare of
// the reason's failures, windowZ standard deviations above what the same
// connections would hold at the rate outside (a few failures of a steady
// trickle bunched by chance make no window).
const (
	windowShare = 0.5
	windowZ     = 4.0
)

// window returns where the failure rate of reason id stands out, when that
// stretch is significant.
func (s *State) window(id uint8) *analysis.Window {
	tl := s.timeline(id)
	w := analysis.FindWindow(tl)
	if w == nil {
		return nil
	}
	var in, conns int64
	for _, b := range tl {
		if !b.Start.Before(w.Start.Time) && b.Start.Before(w.End.Time) {
			in += b.Errors5xx
			conns += b.Requests
		}
	}
	n := s.reasonStat[id].failed
	expected := float64(n) * float64(conns) / float64(s.total)
	if float64(in) < windowShare*float64(n) || float64(in)-expected < windowZ*math.Sqrt(expected) {
		return nil
	}
	return w
}
