package clb

import (
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"

	"github.com/lbtriage/lbtriage/analysis"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// The listeners a line comes through, as the decoder tells them.
const (
	lHTTP = iota
	lHTTPS
	lTCP
	lSSL
	numListeners
)

var listenerNames = [numListeners]string{clbparser.ListenerHTTP, clbparser.ListenerHTTPS, clbparser.ListenerTCP, clbparser.ListenerSSL}

// listenerOf returns the listener of a listener column value.
func listenerOf(s string) int {
	switch len(s) {
	case 4:
		return lHTTP
	case 5:
		return lHTTPS
	}
	if s == clbparser.ListenerSSL {
		return lSSL
	}
	return lTCP
}

// slowEdges are the lower bounds, in seconds, of the bins in which the
// requests an instance answered slowly are counted: an instance slower
// than the idle timeout shows through the requests it still answered in
// time, whatever the idle timeout (1 s to 4,000 s).
var slowEdges = [...]float64{1, 2, 5, 10, 20, 30, 45, 60, 120, 300, 600, 1800, 3600}

const numSlowBins = len(slowEdges)

// instKey names an instance: its address and port.
type instKey struct {
	ip   string
	port uint16
}

// slowKey is an instance (its index in state.insts) and a time bucket.
type slowKey struct {
	inst   int32
	bucket int64
}

// slowAgg counts an instance's slow requests in one bucket.
type slowAgg struct {
	bins  [numSlowBins]int64
	maxMs float64
}

// connAgg counts the TCP and SSL connections to one instance.
type connAgg struct {
	key         instKey
	connections int64
	// connect is the time to establish the connection to the instance
	// (backend_processing_time of a TCP or SSL line), in milliseconds.
	connect *ddsketch.DDSketch
}

// counts are the lines of one listener.
type counts struct {
	requests, errors, connections int64
}

// state is what the Classic family keeps per load balancer beside the
// shared aggregates. Its memory is bounded by the instances and the time
// buckets, not by the lines.
type state struct {
	listeners [numListeners]counts
	// unnamed counts, per cause, the 5xx whose line names no instance
	// (backend "-").
	unnamed [analysis.MaxCauses]int64
	// timeouts counts the target.timeout 5xx per time bucket (the log
	// names no instance for them).
	timeouts map[int64]int64
	// noTargets counts the lb.no_targets 5xx per time bucket.
	noTargets map[int64]int64

	// insts are the instances with slow requests, slow their slow
	// requests per bucket.
	insts   []instKey
	instIdx map[instKey]int32
	slow    map[slowKey]*slowAgg

	conns         []*connAgg
	connIdx       map[instKey]int32
	lastConn      *connAgg
	connNoBackend int64
	connect       *ddsketch.DDSketch // every connection's connect time
}

func newState() *state {
	return &state{
		timeouts:  map[int64]int64{},
		noTargets: map[int64]int64{},
		instIdx:   map[instKey]int32{},
		slow:      map[slowKey]*slowAgg{},
		connIdx:   map[instKey]int32{},
		connect:   analysis.NewSketch(),
	}
}

// request adds an HTTP or HTTPS request of listener lis, already observed
// as o by a; bpt is its backend_processing_time when ok.
func (s *state) request(a *analysis.Aggregator, o *analysis.Row, lis int, bpt float64, ok bool) {
	l := &s.listeners[lis]
	l.requests++
	if o.Cause != 0 {
		l.errors++
		if o.TargetIP == "" {
			s.unnamed[o.Cause]++
			switch o.Cause {
			case idTargetTimeout:
				s.timeouts[analysis.FloorDiv(o.Time, a.BucketUS())]++
			case idNoTargets:
				s.noTargets[analysis.FloorDiv(o.Time, a.BucketUS())]++
			}
		}
	}
	if ok && bpt >= slowEdges[0] && o.TargetIP != "" {
		s.addSlow(instKey{o.TargetIP, o.TargetPort}, analysis.FloorDiv(o.Time, a.BucketUS()), bpt)
	}
}

// addSlow counts a request instance k answered in sec seconds (at least
// slowEdges[0]) in bucket b.
func (s *state) addSlow(k instKey, b int64, sec float64) {
	i, ok := s.instIdx[k]
	if !ok {
		k.ip = strings.Clone(k.ip)
		i = int32(len(s.insts))
		s.insts = append(s.insts, k)
		s.instIdx[k] = i
	}
	g := s.slow[slowKey{i, b}]
	if g == nil {
		g = &slowAgg{}
		s.slow[slowKey{i, b}] = g
	}
	bin := numSlowBins - 1
	for bin > 0 && sec < slowEdges[bin] {
		bin--
	}
	g.bins[bin]++
	g.maxMs = max(g.maxMs, sec*1000)
}

// connection adds a TCP or SSL line of listener lis to instance ip:port
// ("" when the line names none); connect is the time to connect to it in
// seconds, when ok.
func (s *state) connection(lis int, ip string, port uint16, connect float64, ok bool) {
	s.listeners[lis].connections++
	if ip == "" {
		s.connNoBackend++
		return
	}
	c := s.connTo(instKey{ip, port})
	c.connections++
	if ok {
		_ = c.connect.Add(connect * 1000) // fails only on NaN/Inf, which are not logged
		_ = s.connect.Add(connect * 1000)
	}
}

// connTo returns the connection counts of instance k, made when new.
func (s *state) connTo(k instKey) *connAgg {
	if c := s.lastConn; c != nil && c.key == k {
		return c
	}
	i, ok := s.connIdx[k]
	if !ok {
		k.ip = strings.Clone(k.ip)
		i = int32(len(s.conns))
		s.connIdx[k] = i
		s.conns = append(s.conns, &connAgg{key: k, connect: analysis.NewSketch()})
	}
	s.lastConn = s.conns[i]
	return s.lastConn
}

// Merge adds o, another worker's state of the same load balancer. Every
// figure is a sum, a maximum or a sketch merge, so the result does not
// depend on the order of merges.
func (s *state) Merge(other analysis.State) {
	o := other.(*state)
	for i := range s.listeners {
		l, ol := &s.listeners[i], &o.listeners[i]
		l.requests += ol.requests
		l.errors += ol.errors
		l.connections += ol.connections
	}
	for i := range s.unnamed {
		s.unnamed[i] += o.unnamed[i]
	}
	for b, n := range o.timeouts {
		s.timeouts[b] += n
	}
	for b, n := range o.noTargets {
		s.noTargets[b] += n
	}
	for k, og := range o.slow {
		ik := o.insts[k.inst]
		i, ok := s.instIdx[ik]
		if !ok {
			i = int32(len(s.insts))
			s.insts = append(s.insts, ik)
			s.instIdx[ik] = i
		}
		g := s.slow[slowKey{i, k.bucket}]
		if g == nil {
			g = &slowAgg{}
			s.slow[slowKey{i, k.bucket}] = g
		}
		for j := range g.bins {
			g.bins[j] += og.bins[j]
		}
		g.maxMs = max(g.maxMs, og.maxMs)
	}
	for _, oc := range o.conns {
		c := s.connTo(oc.key)
		c.connections += oc.connections
		if !oc.connect.IsEmpty() {
			_ = c.connect.MergeWith(oc.connect) // one mapping for every sketch: cannot fail
		}
	}
	s.lastConn = nil
	s.connNoBackend += o.connNoBackend
	if !o.connect.IsEmpty() {
		_ = s.connect.MergeWith(o.connect)
	}
}
