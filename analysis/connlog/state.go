// Package connlog is what the connection-level log families share (NLB TLS
// access logs, ALB connection logs): the aggregates of one subject's
// connections (failed TLS handshakes by reason, per client, listener, node,
// served certificate and time bucket, handshake and connection times), the
// "connections" object and section of a report, and a verdict that names
// the reason, the failing clients, the listener and the window.
//
// A family's consumer turns each row into a Conn and adds it to the State
// it keeps per subject; its Report and Verdict call Part and Verdict with
// its Vocabulary. The core does not import this package.
package connlog

import (
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Caps of the aggregates, beside Options.MaxKeys for clients. Past them,
// rows go to an "(other)" row.
const (
	// maxReasons caps the distinct failure reasons, the "(other)" one
	// included (reason 0).
	maxReasons = 32
	// maxEntities caps the distinct listeners and nodes.
	maxEntities = 1024
	// maxCerts caps the distinct (listener, certificate) pairs.
	maxCerts = 256
	// smallEntities is the count of listeners or nodes up to which they
	// are looked up by scanning.
	smallEntities = 8
)

// Conn is one connection as the shared aggregates see it. Strings are
// views into the batch; the State copies what it keeps.
type Conn struct {
	// Time is the row's time in microseconds since the Unix epoch.
	Time int64
	// Created is when the connection began, 0 when unknown: it places the
	// certificate it was served in time.
	Created int64
	// Client is the client's address; Listener names the listener (an ID,
	// or the port as text) and Port is its port, 0 when unknown; Node is the
	// load balancer node's address, "" when unknown.
	Client, Listener string
	Port             uint16
	Node             string
	// Failed says the TLS handshake did not complete; Reason says why.
	Failed bool
	Reason string
	// HandshakeMs is the handshake time of a completed handshake, when
	// HasHandshake; DurationMs the connection's duration, when HasDuration.
	HandshakeMs  float64
	HasHandshake bool
	DurationMs   float64
	HasDuration  bool
	// Protocol is the TLS protocol negotiated ("tlsv12", "TLSv1.3"), ""
	// when none was.
	Protocol string
	// Cert is the certificate the load balancer served, "" when unknown.
	Cert string
	// Identity is the subject of the certificate the client presented
	// (mutual TLS), "" when none; NotAfter its expiry in microseconds, 0
	// when unknown.
	Identity string
	NotAfter int64
}

// counts is a pair of connection and failure counts.
type counts struct {
	conns, failed int64
}

// reasonStat is what the State keeps per reason.
type reasonStat struct {
	failed      int64
	first, last int64
}

// entity is a listener or a node.
type entity struct {
	name string
	port uint16 // a listener's smallest non-zero port
	counts
	byReason [maxReasons]int64
	series   series // per time bucket
	// lastCert is the index in State.certList of the certificate the
	// listener served last, plus one; 0 for none.
	lastCert int32
}

// series counts connections and failures per time bucket, the last bucket
// at hand: rows come mostly in time order.
type series struct {
	m       map[int64]*counts
	lastKey int64
	last    *counts
}

// at returns the counts of bucket k, adding it.
func (t *series) at(k int64) *counts {
	if t.last != nil && t.lastKey == k {
		return t.last
	}
	c := t.m[k]
	if c == nil {
		if t.m == nil {
			t.m = map[int64]*counts{}
		}
		c = &counts{}
		t.m[k] = c
	}
	t.lastKey, t.last = k, c
	return c
}

// merge adds o's buckets.
func (t *series) merge(o *series) {
	for k, c := range o.m {
		d := t.at(k)
		d.conns += c.conns
		d.failed += c.failed
	}
}

// client is what the State keeps per client address.
type client struct {
	counts
	firstFailed, lastFailed int64
	// protocols has bit i set when a handshake completed with protocol i
	// (protocolTLS10...).
	protocols uint8
	// identity and notAfter are those of the client's latest failed
	// connection that presented a certificate, at identityAt.
	identity   string
	notAfter   int64
	identityAt int64
}

// cert is one certificate served by one listener.
type cert struct {
	listener string
	arn      string
	counts
	byReason [maxReasons]int64
	// first and last bound the times of the connections it was served to
	// (their start when known); series counts them by that time.
	first, last int64
	series      series
}

// bucket is one time bucket.
type bucket struct {
	counts
	byReason [maxReasons]uint32
}

// pairKey is a client (its index) and a reason.
type pairKey struct {
	client int32
	reason uint8
}

// State is the connection aggregates of one subject. Every figure adds up
// whatever the order of rows and merges, except which clients make the cap
// when more than Options.MaxKeys occur (as the core's client list).
type State struct {
	maxKeys  int
	bucketUS int64

	total, failed int64
	first, last   int64 // row times

	reasons    []string         // reason i+1; reason 0 is "(other)"
	reasonID   map[string]uint8 // by name
	lastReason string
	lastID     uint8
	reasonStat [maxReasons]reasonStat

	handshake, duration *ddsketch.DDSketch

	listeners, nodes entities

	clients      map[string]int32
	clientList   []client
	clientKeys   []string
	otherClients client // clients past the cap
	clientsOver  int64  // their connections
	pairs        map[pairKey]int64
	pairsOver    int64 // failures of pairs past the cap
	lastClient   string
	lastClientID int32

	certs    map[[2]string]int32
	certList []cert

	buckets    map[int64]int32
	bucketList []bucket
	lastBKey   int64
	lastB      int32

	fig *Figures // computed once the rows are in (Part)

	conn Conn // Consume's scratch
}

// entities is a small set of named listeners or nodes.
type entities struct {
	idx  map[string]int32
	list []entity
	last int32
}

// New returns an empty State, for Family.NewState. It takes its bucket
// width and client cap from its Aggregator's options when Of first returns
// it.
func New() *State {
	return &State{
		first:        math.MaxInt64,
		last:         math.MinInt64,
		reasons:      []string{analysis.OtherKey},
		reasonID:     map[string]uint8{},
		handshake:    analysis.NewSketch(),
		duration:     analysis.NewSketch(),
		listeners:    newEntities(),
		nodes:        newEntities(),
		clients:      map[string]int32{},
		pairs:        map[pairKey]int64{},
		lastClientID: -1,
		certs:        map[[2]string]int32{},
		buckets:      map[int64]int32{},
		lastB:        -1,
	}
}

// Of returns the State of Aggregator a, a connection family's.
func Of(a *analysis.Aggregator) *State {
	s := a.State().(*State)
	if s.bucketUS == 0 {
		opts := a.Options().WithDefaults()
		s.maxKeys, s.bucketUS = opts.MaxKeys, opts.Bucket.Microseconds()
	}
	return s
}

func newEntities() entities { return entities{idx: map[string]int32{}, last: -1} }

// get returns the index of the entity called name, adding it, or -1 past
// the cap.
func (e *entities) get(name string) int32 {
	if e.last >= 0 && e.list[e.last].name == name {
		return e.last
	}
	// A scan beats hashing for the few listeners and nodes of most load
	// balancers.
	if len(e.list) <= smallEntities {
		for i := range e.list {
			if e.list[i].name == name {
				e.last = int32(i)
				return e.last
			}
		}
	}
	i, ok := e.idx[name]
	if !ok {
		if len(e.list) >= maxEntities {
			name = analysis.OtherKey
			if i, ok = e.idx[name]; ok {
				e.last = i
				return i
			}
		}
		name = strings.Clone(name)
		i = int32(len(e.list))
		e.idx[name] = i
		e.list = append(e.list, entity{name: name})
	}
	e.last = i
	return i
}

// Add adds one connection inside the report's window.
func (s *State) Add(c *Conn) {
	s.total++
	s.first = min(s.first, c.Time)
	s.last = max(s.last, c.Time)
	var rid uint8
	if c.Failed {
		s.failed++
		rid = s.reason(c.Reason)
		r := &s.reasonStat[rid]
		if r.failed == 0 || c.Time < r.first {
			r.first = c.Time
		}
		if r.failed == 0 || c.Time > r.last {
			r.last = c.Time
		}
		r.failed++
	} else if c.HasHandshake {
		_ = s.handshake.Add(c.HandshakeMs) // fails only on NaN/Inf, which are not logged
	}
	if c.HasDuration {
		_ = s.duration.Add(c.DurationMs)
	}
	fail := b2i(c.Failed)

	bk := analysis.FloorDiv(c.Time, s.bucketUS)
	b := s.bucket(bk)
	b.conns++
	b.failed += fail

	li := int32(-1)
	if c.Listener != "" {
		li = s.listeners.get(c.Listener)
		l := &s.listeners.list[li]
		l.conns++
		if c.Failed {
			l.failed++
			l.byReason[rid]++
		}
		if c.Port != 0 && (l.port == 0 || c.Port < l.port) {
			l.port = c.Port
		}
		lb := l.series.at(bk)
		lb.conns++
		lb.failed += fail
	}
	if c.Node != "" {
		ni := s.nodes.get(c.Node)
		n := &s.nodes.list[ni]
		n.conns++
		if c.Failed {
			n.failed++
			n.byReason[rid]++
		}
		nb := n.series.at(bk)
		nb.conns++
		nb.failed += fail
	}
	if c.Failed {
		b.byReason[rid]++
	}
	if c.Cert != "" && li >= 0 {
		s.addCert(c, li, rid)
	}
	s.addClient(c, rid)
}

// addCert counts the certificate listener li served to c.
func (s *State) addCert(c *Conn, li int32, rid uint8) {
	l := &s.listeners.list[li]
	i := l.lastCert - 1
	if i < 0 || s.certList[i].arn != c.Cert {
		var ok bool
		i, ok = s.certs[[2]string{l.name, c.Cert}]
		if !ok {
			if len(s.certList) >= maxCerts {
				return
			}
			i = int32(len(s.certList))
			arn := strings.Clone(c.Cert)
			s.certs[[2]string{l.name, arn}] = i
			s.certList = append(s.certList, cert{listener: l.name, arn: arn, first: math.MaxInt64, last: math.MinInt64})
		}
		l.lastCert = i + 1
	}
	ct := &s.certList[i]
	ct.conns++
	if c.Failed {
		ct.failed++
		ct.byReason[rid]++
	}
	at := c.Created
	if at == 0 {
		at = c.Time
	}
	ct.first = min(ct.first, at)
	ct.last = max(ct.last, at)
	ct.series.at(analysis.FloorDiv(at, s.bucketUS)).conns++
}

// addClient counts c for its client.
func (s *State) addClient(c *Conn, rid uint8) {
	name := c.Client
	if name == "" {
		name = "-"
	}
	var cl *client
	ci := s.lastClientID
	if ci < 0 || s.lastClient != name {
		var ok bool
		ci, ok = s.clients[name]
		if !ok {
			if len(s.clientList) >= s.maxKeys {
				ci = -1
			} else {
				ci = int32(len(s.clientList))
				key := strings.Clone(name)
				s.clients[key] = ci
				s.clientKeys = append(s.clientKeys, key)
				s.clientList = append(s.clientList, client{})
			}
		}
		if ci >= 0 {
			s.lastClient, s.lastClientID = s.clientKeys[ci], ci
		}
	}
	if ci < 0 {
		cl = &s.otherClients
		s.clientsOver++
	} else {
		cl = &s.clientList[ci]
	}
	cl.conns++
	if !c.Failed {
		if p := protocolBit(c.Protocol); p != 0 {
			cl.protocols |= p
		}
		return
	}
	if cl.failed == 0 || c.Time < cl.firstFailed {
		cl.firstFailed = c.Time
	}
	if cl.failed == 0 || c.Time > cl.lastFailed {
		cl.lastFailed = c.Time
	}
	cl.failed++
	if c.Identity != "" && (c.Time > cl.identityAt || c.Time == cl.identityAt && c.Identity < cl.identity || cl.identity == "") {
		if cl.identity != c.Identity {
			cl.identity = strings.Clone(c.Identity)
		}
		cl.notAfter, cl.identityAt = c.NotAfter, c.Time
	}
	k := pairKey{client: ci, reason: rid}
	if n, ok := s.pairs[k]; ok || len(s.pairs) < s.maxKeys {
		s.pairs[k] = n + 1
	} else {
		s.pairsOver++
	}
}

// reason returns the ID of a failure reason, adding it; "(other)" past the
// cap.
func (s *State) reason(name string) uint8 {
	if s.lastID != 0 && name == s.lastReason {
		return s.lastID
	}
	if name == "" {
		name = analysis.OtherKey
	}
	id, ok := s.reasonID[name]
	if !ok {
		if len(s.reasons) >= maxReasons || name == analysis.OtherKey {
			return 0
		}
		name = strings.Clone(name)
		id = uint8(len(s.reasons))
		s.reasons = append(s.reasons, name)
		s.reasonID[name] = id
	}
	s.lastReason, s.lastID = s.reasons[id], id
	return id
}

func (s *State) bucket(key int64) *bucket {
	if s.lastB >= 0 && s.lastBKey == key {
		return &s.bucketList[s.lastB]
	}
	i, ok := s.buckets[key]
	if !ok {
		i = int32(len(s.bucketList))
		s.buckets[key] = i
		s.bucketList = append(s.bucketList, bucket{})
	}
	s.lastBKey, s.lastB = key, i
	return &s.bucketList[i]
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// Protocol bits of client.protocols, oldest first.
const (
	protocolTLS10 uint8 = 1 << iota
	protocolTLS11
	protocolTLS12
	protocolTLS13
)

// protocolNames name the protocol bits.
var protocolNames = [...]string{"TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"}

// protocolBit returns the bit of a protocol as NLB ("tlsv12") or ALB
// ("TLSv1.2") logs write it, 0 for none or another.
func protocolBit(p string) uint8 {
	if len(p) < 5 || !strings.EqualFold(p[:4], "tlsv") {
		return 0
	}
	switch p[4:] {
	case "10", "1", "1.0":
		return protocolTLS10
	case "11", "1.1":
		return protocolTLS11
	case "12", "1.2":
		return protocolTLS12
	case "13", "1.3":
		return protocolTLS13
	}
	return 0
}

// Merge adds o, a State of the same family and options, into s.
func (s *State) Merge(other analysis.State) {
	o := other.(*State)
	if s.bucketUS == 0 {
		s.maxKeys, s.bucketUS = o.maxKeys, o.bucketUS
	}
	s.total += o.total
	s.failed += o.failed
	s.first = min(s.first, o.first)
	s.last = max(s.last, o.last)
	// Reasons in name order, so that which make the cap does not depend on
	// the order of merges more than on the rows'.
	remap := make([]uint8, len(o.reasons))
	for _, i := range sortedIndex(len(o.reasons), func(x, y int32) int { return strings.Compare(o.reasons[x], o.reasons[y]) }) {
		if i > 0 { // reason 0 is "(other)", which stays 0
			remap[i] = s.reason(o.reasons[i])
		}
	}
	for i, r := range o.reasonStat[:len(o.reasons)] {
		if r.failed == 0 {
			continue
		}
		m := &s.reasonStat[remap[i]]
		if m.failed == 0 || r.first < m.first {
			m.first = r.first
		}
		if m.failed == 0 || r.last > m.last {
			m.last = r.last
		}
		m.failed += r.failed
	}
	_ = s.handshake.MergeWith(o.handshake) // every sketch shares one mapping
	_ = s.duration.MergeWith(o.duration)

	s.listeners.merge(&o.listeners, remap)
	s.nodes.merge(&o.nodes, remap)
	for k, ob := range o.buckets {
		b := s.bucket(k)
		src := &o.bucketList[ob]
		b.conns += src.conns
		b.failed += src.failed
		for r, n := range src.byReason[:len(o.reasons)] {
			b.byReason[remap[r]] += n
		}
	}
	s.mergeCerts(o, remap)
	s.mergeClients(o, remap)
}

// merge adds o's entities into e.
func (e *entities) merge(o *entities, remap []uint8) {
	order := sortedIndex(len(o.list), func(x, y int32) int { return strings.Compare(o.list[x].name, o.list[y].name) })
	for _, i := range order {
		src := &o.list[i]
		d := &e.list[e.get(src.name)]
		d.conns += src.conns
		d.failed += src.failed
		if src.port != 0 && (d.port == 0 || src.port < d.port) {
			d.port = src.port
		}
		for r, n := range src.byReason[:len(remap)] {
			d.byReason[remap[r]] += n
		}
		d.series.merge(&src.series)
	}
}

func (s *State) mergeCerts(o *State, remap []uint8) {
	order := sortedIndex(len(o.certList), func(x, y int32) int {
		a, b := &o.certList[x], &o.certList[y]
		if c := strings.Compare(a.listener, b.listener); c != 0 {
			return c
		}
		return strings.Compare(a.arn, b.arn)
	})
	for _, i := range order {
		src := &o.certList[i]
		li := s.listeners.get(src.listener)
		listener := s.listeners.list[li].name
		j, ok := s.certs[[2]string{listener, src.arn}]
		if !ok {
			if len(s.certList) >= maxCerts {
				continue
			}
			j = int32(len(s.certList))
			s.certs[[2]string{listener, src.arn}] = j
			s.certList = append(s.certList, cert{listener: listener, arn: src.arn, first: math.MaxInt64, last: math.MinInt64})
		}
		d := &s.certList[j]
		d.conns += src.conns
		d.failed += src.failed
		d.first = min(d.first, src.first)
		d.last = max(d.last, src.last)
		for r, n := range src.byReason[:len(remap)] {
			d.byReason[remap[r]] += n
		}
		d.series.merge(&src.series)
	}
}

func (s *State) mergeClients(o *State, remap []uint8) {
	order := sortedIndex(len(o.clientKeys), func(x, y int32) int { return strings.Compare(o.clientKeys[x], o.clientKeys[y]) })
	where := make([]int32, len(o.clientKeys))
	for _, i := range order {
		key := o.clientKeys[i]
		j, ok := s.clients[key]
		if !ok {
			if len(s.clientList) >= s.maxKeys {
				j = -1
			} else {
				j = int32(len(s.clientList))
				s.clients[key] = j
				s.clientKeys = append(s.clientKeys, key)
				s.clientList = append(s.clientList, client{})
			}
		}
		where[i] = j
		src := &o.clientList[i]
		if j < 0 {
			s.otherClients.merge(src)
			s.clientsOver += src.conns
			continue
		}
		s.clientList[j].merge(src)
	}
	s.otherClients.merge(&o.otherClients)
	s.clientsOver += o.clientsOver
	s.lastClientID = -1
	// Pairs in (client, reason) order.
	keys := make([]pairKey, 0, len(o.pairs))
	for k := range o.pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		x, y := keys[i], keys[j]
		kx, ky := clientKey(o, x.client), clientKey(o, y.client)
		if kx != ky {
			return kx < ky
		}
		return o.reasons[x.reason] < o.reasons[y.reason]
	})
	for _, k := range keys {
		n := o.pairs[k]
		nk := pairKey{client: -1, reason: remap[k.reason]}
		if k.client >= 0 {
			nk.client = where[k.client]
		}
		if m, ok := s.pairs[nk]; ok || len(s.pairs) < s.maxKeys {
			s.pairs[nk] = m + n
		} else {
			s.pairsOver += n
		}
	}
	s.pairsOver += o.pairsOver
}

// clientKey names client i of s, "" for the clients past the cap.
func clientKey(s *State, i int32) string {
	if i < 0 {
		return ""
	}
	return s.clientKeys[i]
}

func (c *client) merge(o *client) {
	if o.failed > 0 {
		if c.failed == 0 || o.firstFailed < c.firstFailed {
			c.firstFailed = o.firstFailed
		}
		if c.failed == 0 || o.lastFailed > c.lastFailed {
			c.lastFailed = o.lastFailed
		}
	}
	c.conns += o.conns
	c.failed += o.failed
	c.protocols |= o.protocols
	if o.identity != "" && (c.identity == "" || o.identityAt > c.identityAt || o.identityAt == c.identityAt && o.identity < c.identity) {
		c.identity, c.notAfter, c.identityAt = o.identity, o.notAfter, o.identityAt
	}
}

// SubjectOf returns the subject of the load balancer with resource ID
// resource ("net/my-lb/50dc6c495c0c9188", named "my-lb").
func SubjectOf(resource string) analysis.Subject {
	return analysis.Subject{Resource: resource, Name: awskey.LoadBalancerName(resource)}
}

// Consume adds the connections of one batch of n rows to the States of
// their subjects: each row's load balancer is lbs's value (the elb column),
// else the one the object's name tells; fill fills the connection of row i,
// whose time is us, for the rows inside the window. A family's Consumer
// binds its columns, then calls it.
func Consume(src parser.Source, n int, lbs *array.String, times *array.Timestamp, to *analysis.Subjects, fill func(i int, us int64, c *Conn)) {
	values := times.Values()
	var (
		a    *analysis.Aggregator
		st   *State
		lb   string
		have bool
	)
	for i := 0; i < n; i++ {
		row := src.Resource
		if lbs != nil && lbs.IsValid(i) {
			row = lbs.Value(i)
		}
		if !have || row != lb {
			lb, have = row, true
			if st != nil {
				st.conn = Conn{} // keep no view of the batch
			}
			if a = to.Subject(SubjectOf(lb)); a != nil {
				st = Of(a)
			}
		}
		us := int64(values[i])
		if a == nil || !a.Admit(us, times.IsValid(i)) {
			continue
		}
		// The connection is the State's scratch: one on the stack would
		// escape through fill.
		fill(i, us, &st.conn)
		st.Add(&st.conn)
	}
	if st != nil {
		st.conn = Conn{}
	}
}

// sortedIndex returns 0 to n-1 sorted by cmp, for lists sorted by their
// indexes.
func sortedIndex(n int, cmp func(x, y int32) int) []int32 {
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, cmp)
	return order
}
