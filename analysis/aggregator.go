package analysis

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
	"unsafe"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/DataDog/sketches-go/ddsketch/mapping"
	"github.com/DataDog/sketches-go/ddsketch/store"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/zeebo/xxh3"

	"github.com/lbtriage/lbtriage/parser"
)

// Defaults for Options.
const (
	DefaultBucket  = time.Minute
	DefaultTop     = 10
	DefaultMaxKeys = 50_000
	// DefaultMaxRejectedSamples is how many rejected lines a report keeps.
	DefaultMaxRejectedSamples = 20
	// sketchAccuracy is the relative accuracy of the latency sketches.
	sketchAccuracy = 0.01
	// OtherKey names the row that collects keys beyond a cap
	// (Options.MaxKeys).
	OtherKey = "(other)"
)

// Options configures an Aggregator and the report built from it. The zero
// value is usable.
type Options struct {
	// Since and Until select rows by their own time: Since <= time < Until.
	// A zero value leaves that side open.
	Since, Until time.Time
	// Bucket is the timeline bucket width (DefaultBucket when 0).
	Bucket time.Duration
	// Top is how many paths and clients the report lists (DefaultTop when 0).
	Top int
	// MaxKeys caps the distinct paths and the distinct client IPs each
	// Aggregator tracks (DefaultMaxKeys when 0); rows of keys first seen past
	// the cap are counted under "(other)". Which keys make the cap depends on
	// the order rows arrive in, so when more keys than MaxKeys occur, the
	// path and client lists (only those) can differ between runs with
	// different worker counts. Every other figure is exact and independent of
	// the worker count.
	MaxKeys int
	// LoadBalancer, when set, keeps only the rows of this load balancer,
	// given by its name or resource ID (Subject.Name, Subject.Resource);
	// the other load balancers' rows are counted in Lines.OtherLoadBalancers.
	// Families whose reports are not about a load balancer ignore it.
	LoadBalancer string
}

// WithDefaults returns o with zero fields set to their defaults.
func (o Options) WithDefaults() Options {
	if o.Bucket <= 0 {
		o.Bucket = DefaultBucket
	}
	if o.Top <= 0 {
		o.Top = DefaultTop
	}
	if o.MaxKeys <= 0 {
		o.MaxKeys = DefaultMaxKeys
	}
	return o
}

// Aggregator adds up the rows of one subject of one family (see Subject):
// the figures every family shares, and the family's own State. A Router
// makes one per subject and worker, and BuildReports merges them. An
// Aggregator never keeps a batch, and its memory is bounded by the number
// of targets, nodes and time buckets plus Options.MaxKeys paths and
// clients, not by the input size.
type Aggregator struct {
	opts     Options
	fam      Family
	tax      *Taxonomy
	domainOf [MaxCauses]DomainID
	state    State
	sinceUS  int64
	untilUS  int64
	bucketUS int64

	subject         Subject
	account, region string
	// objects counts, per object name, the rows handed to this Aggregator
	// (inside the window or not): the report's inputs are the objects it
	// has rows of, and their other rows belong to other subjects.
	objects map[string]int64
	handed  int64

	outsideWindow int64
	// admitted counts the rows inside the window, requests or not;
	// admitFirst and admitLast bound their times.
	admitted              int64
	admitFirst, admitLast int64
	requests              int64
	firstUS               int64 // bounds of the rows inside the window
	lastUS                int64
	statusClass           [7]int64 // index status/100; 0 for unknown or out of range
	total5xx              int64
	byCause               [MaxCauses]int64
	context               [MaxContexts]int64

	targets    map[targetKey]int32
	targetList []*targetAgg
	nodes      map[string]*NodeCount
	paths      keyCounter
	clients    keyCounter
	buckets    map[int64]int32
	bucketList []bucketAgg

	// Hot-loop caches: the last target and bucket seen.
	lastTarget    *targetAgg
	lastBucketKey int64
	lastBucket    int32

	// consumer serves Consume, for callers without a Router.
	consumer Consumer
	to       Subjects
}

// New returns an empty Aggregator of family f.
func New(f Family, opts Options) *Aggregator {
	opts = opts.WithDefaults()
	a := &Aggregator{
		opts:       opts,
		fam:        f,
		tax:        f.Taxonomy(),
		state:      f.NewState(),
		sinceUS:    math.MinInt64,
		untilUS:    math.MaxInt64,
		bucketUS:   opts.Bucket.Microseconds(),
		objects:    map[string]int64{},
		firstUS:    math.MaxInt64,
		lastUS:     math.MinInt64,
		admitFirst: math.MaxInt64,
		admitLast:  math.MinInt64,
		targets:    map[targetKey]int32{},
		nodes:      map[string]*NodeCount{},
		paths:      newKeyCounter(opts.MaxKeys),
		clients:    newKeyCounter(opts.MaxKeys),
		buckets:    map[int64]int32{},
		lastBucket: -1,
	}
	a.domainOf = a.tax.domainTable()
	if a.bucketUS <= 0 {
		a.bucketUS = DefaultBucket.Microseconds()
	}
	if !opts.Since.IsZero() {
		a.sinceUS = opts.Since.UnixMicro()
	}
	if !opts.Until.IsZero() {
		a.untilUS = opts.Until.UnixMicro()
	}
	return a
}

// Options returns the options the Aggregator was built with, defaults set.
func (a *Aggregator) Options() Options { return a.opts }

// Taxonomy returns the family's taxonomy.
func (a *Aggregator) Taxonomy() *Taxonomy { return a.tax }

// State returns the family's own aggregates (nil when it keeps none).
func (a *Aggregator) State() State { return a.state }

// Requests counts the rows inside the window.
func (a *Aggregator) Requests() int64 { return a.requests }

// Total5xx counts the rows inside the window that have a cause.
func (a *Aggregator) Total5xx() int64 { return a.total5xx }

// CauseCount counts the rows of cause c.
func (a *Aggregator) CauseCount(c CauseID) int64 { return a.byCause[c] }

// BucketUS is the timeline bucket width in microseconds.
func (a *Aggregator) BucketUS() int64 { return a.bucketUS }

// Span returns the times of the first and last rows inside the window, in
// microseconds; ok is false when there is none.
func (a *Aggregator) Span() (first, last int64, ok bool) {
	return a.firstUS, a.lastUS, a.requests > 0
}

// Consume adds every row of one batch of the Aggregator's family, whatever
// its subject, through a Consumer of its own. It is for callers that read
// one subject without a Router (tests, benchmarks).
func (a *Aggregator) Consume(src parser.Source, rec arrow.RecordBatch) error {
	if a.consumer == nil {
		a.consumer = a.fam.NewConsumer()
	}
	to := &a.to
	to.only, to.src = a, src
	err := a.consumer.Consume(src, rec, to)
	to.done()
	return err
}

// Row is one row as the shared aggregates see it, whatever its family.
// Strings are views into the batch; the Aggregator copies what it keeps.
type Row struct {
	// Time is the row's time in microseconds since the Unix epoch.
	Time int64
	// Status is the HTTP status the client got; 0 when unknown.
	Status uint16
	// Cause is the row's cause, 0 when it is no 5xx; Context, for a row
	// that is no 5xx, the outcome to count beside them, or 0.
	Cause   CauseID
	Context ContextID
	// TargetIP and TargetPort name the target that served the row; "" when
	// none did.
	TargetIP   string
	TargetPort uint16
	// LatencyMs, when HasLatency, is the target's processing time.
	LatencyMs  float64
	HasLatency bool
	// Path and Client are the request's path (no query string) and the
	// client's address; "-" when unknown.
	Path, Client string
}

// NodeCount counts the rows a load balancer node wrote, in all and per
// timeline bucket.
type NodeCount struct {
	requests, errors int64
	// perBucket counts the node's requests per bucket key. The rows of a
	// node's object come in time order, so they are counted in a run of
	// one bucket (runKey, runN) that goes into the map when the bucket
	// changes: a compare and an add per row.
	perBucket map[int64]int64
	runKey    int64
	runN      int64
}

// add counts a request in bucket key.
func (n *NodeCount) add(key int64) {
	if key != n.runKey || n.runN == 0 {
		n.flush()
		n.runKey = key
	}
	n.runN++
}

// merge adds o's per-bucket counts (o keeps the same counts, its run
// flushed).
func (n *NodeCount) merge(o *NodeCount) {
	o.flush()
	n.flush()
	if len(o.perBucket) > 0 && n.perBucket == nil {
		n.perBucket = make(map[int64]int64, len(o.perBucket))
	}
	for k, c := range o.perBucket {
		n.perBucket[k] += c
	}
}

// flush moves the current run into perBucket.
func (n *NodeCount) flush() {
	if n.runN == 0 {
		return
	}
	if n.perBucket == nil {
		n.perBucket = map[int64]int64{}
	}
	n.perBucket[n.runKey] += n.runN
	n.runN = 0
}

// Node returns the per-node aggregate for src, or nil when the object name
// does not tell the node.
func (a *Aggregator) Node(src parser.Source) *NodeCount {
	if src.NodeIP == "" {
		return nil
	}
	n := a.nodes[src.NodeIP]
	if n == nil {
		n = &NodeCount{}
		a.nodes[strings.Clone(src.NodeIP)] = n
	}
	return n
}

// Admit counts a row handed to the Aggregator and reports whether its
// time, us microseconds since the Unix epoch, is inside the window; valid
// is false when the row has no time. A row that is not admitted is counted
// as outside the window and must not be observed.
func (a *Aggregator) Admit(us int64, valid bool) bool {
	a.handed++
	if !valid || us < a.sinceUS || us >= a.untilUS {
		a.outsideWindow++
		return false
	}
	a.admitted++
	a.admitFirst = min(a.admitFirst, us)
	a.admitLast = max(a.admitLast, us)
	return true
}

// Observe adds one row inside the window (see Admit). n is the node that
// wrote it (Aggregator.Node), nil when unknown.
func (a *Aggregator) Observe(n *NodeCount, o *Row) {
	a.requests++
	if o.Time < a.firstUS {
		a.firstUS = o.Time
	}
	if o.Time > a.lastUS {
		a.lastUS = o.Time
	}
	class := int(o.Status / 100)
	if class >= len(a.statusClass) {
		class = 0
	}
	a.statusClass[class]++
	is5xx := o.Cause != 0
	var err int64
	if is5xx {
		err = 1
		a.total5xx++
		a.byCause[o.Cause]++
	} else if o.Context != 0 {
		a.context[o.Context]++
	}
	key := floorDiv(o.Time, a.bucketUS)
	if n != nil {
		n.requests++
		n.errors += err
		n.add(key)
	}

	if o.TargetIP != "" {
		t := a.target(o.TargetIP, o.TargetPort)
		t.requests++
		if is5xx {
			t.errors++
			t.byCause[o.Cause]++
			if o.Time < t.first5xx {
				t.first5xx = o.Time
			}
			if o.Time > t.last5xx {
				t.last5xx = o.Time
			}
		}
		if o.HasLatency {
			_ = t.latency.Add(o.LatencyMs) // fails only on NaN/Inf, which are not logged
		}
	}

	a.paths.add(o.Path, err)
	a.clients.add(o.Client, err)

	b := a.bucket(key)
	b.requests++
	if is5xx {
		b.errors++
		b.byDomain[a.domainOf[o.Cause]]++
	}
}

func (a *Aggregator) target(ip string, port uint16) *targetAgg {
	if t := a.lastTarget; t != nil && t.port == port && t.ip == ip {
		return t
	}
	// A scan beats hashing for the few targets most target groups have.
	if len(a.targetList) <= smallTargets {
		for _, t := range a.targetList {
			if t.port == port && t.ip == ip {
				a.lastTarget = t
				return t
			}
		}
	}
	k := targetKey{ip: ip, port: port}
	i, ok := a.targets[k]
	if !ok {
		k.ip = strings.Clone(ip)
		i = int32(len(a.targetList))
		a.targets[k] = i
		a.targetList = append(a.targetList, newTargetAgg(k))
	}
	t := a.targetList[i]
	a.lastTarget = t
	return t
}

func (a *Aggregator) bucket(key int64) *bucketAgg {
	if a.lastBucket >= 0 && a.lastBucketKey == key {
		return &a.bucketList[a.lastBucket]
	}
	i, ok := a.buckets[key]
	if !ok {
		i = int32(len(a.bucketList))
		a.buckets[key] = i
		a.bucketList = append(a.bucketList, bucketAgg{key: key})
	}
	a.lastBucketKey, a.lastBucket = key, i
	return &a.bucketList[i]
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// Merge adds o's figures into a. o's figures are left unchanged; a and o must have been
// built with the same Options.
func (a *Aggregator) Merge(o *Aggregator) {
	if a.subject.Resource == "" {
		a.subject = o.subject
	}
	a.account = minNonEmpty(a.account, o.account)
	a.region = minNonEmpty(a.region, o.region)
	for name, n := range o.objects {
		a.objects[name] += n
	}
	a.handed += o.handed
	a.outsideWindow += o.outsideWindow
	a.admitted += o.admitted
	a.admitFirst = min(a.admitFirst, o.admitFirst)
	a.admitLast = max(a.admitLast, o.admitLast)
	a.requests += o.requests
	a.firstUS = min(a.firstUS, o.firstUS)
	a.lastUS = max(a.lastUS, o.lastUS)
	for i := range a.statusClass {
		a.statusClass[i] += o.statusClass[i]
	}
	a.total5xx += o.total5xx
	for i := range a.byCause {
		a.byCause[i] += o.byCause[i]
	}
	for i := range a.context {
		a.context[i] += o.context[i]
	}
	for _, ot := range o.targetList {
		k := targetKey{ip: ot.ip, port: ot.port}
		i, ok := a.targets[k]
		if !ok {
			i = int32(len(a.targetList))
			a.targets[k] = i
			a.targetList = append(a.targetList, newTargetAgg(k))
		}
		a.targetList[i].merge(ot)
	}
	a.lastTarget = nil
	for ip, on := range o.nodes {
		n := a.nodes[ip]
		if n == nil {
			n = &NodeCount{}
			a.nodes[ip] = n
		}
		n.requests += on.requests
		n.errors += on.errors
		n.merge(on)
	}
	a.paths.merge(&o.paths)
	a.clients.merge(&o.clients)
	if a.state != nil && o.state != nil {
		a.state.Merge(o.state)
	}
	for _, ob := range o.bucketList {
		b := a.bucket(ob.key)
		b.requests += ob.requests
		b.errors += ob.errors
		for i := range b.byDomain {
			b.byDomain[i] += ob.byDomain[i]
		}
	}
}

// minNonEmpty returns the smaller of two strings, ignoring empty ones, so
// that a merge does not depend on order.
func minNonEmpty(a, b string) string {
	if a == "" || b != "" && b < a {
		return b
	}
	return a
}

// smallTargets is the target count up to which target looks up by scanning.
const smallTargets = 16

type targetKey struct {
	ip   string
	port uint16
}

type targetAgg struct {
	ip                string
	port              uint16
	requests, errors  int64
	byCause           [MaxCauses]int64
	first5xx, last5xx int64
	latency           *ddsketch.DDSketch
}

// latencyMapping maps latencies to sketch bins. The cubically interpolated
// mapping keeps the 1% relative accuracy without a logarithm per value.
var latencyMapping = func() mapping.IndexMapping {
	m, err := mapping.NewCubicallyInterpolatedMapping(sketchAccuracy)
	if err != nil {
		panic(fmt.Sprintf("BUG: ddsketch mapping: %v", err))
	}
	return m
}()

// NewSketch returns an empty latency sketch (milliseconds, 1% relative
// accuracy). Every sketch shares one mapping, so any two merge.
func NewSketch() *ddsketch.DDSketch {
	return ddsketch.NewDDSketch(latencyMapping, store.NewDenseStore(), store.NewDenseStore())
}

// latencyQuantiles are the percentiles reported.
var latencyQuantiles = []float64{0.5, 0.95, 0.99}

// Quantiles returns a sketch's p50, p95 and p99, zero when it is nil or
// empty.
func Quantiles(s *ddsketch.DDSketch) Latency {
	if s == nil || s.IsEmpty() {
		return Latency{}
	}
	q, err := s.GetValuesAtQuantiles(latencyQuantiles)
	if err != nil {
		return Latency{}
	}
	return Latency{P50: round3(q[0]), P95: round3(q[1]), P99: round3(q[2])}
}

func newTargetAgg(k targetKey) *targetAgg {
	return &targetAgg{ip: k.ip, port: k.port, first5xx: math.MaxInt64, last5xx: math.MinInt64, latency: NewSketch()}
}

func (t *targetAgg) merge(o *targetAgg) {
	t.requests += o.requests
	t.errors += o.errors
	for i := range t.byCause {
		t.byCause[i] += o.byCause[i]
	}
	t.first5xx = min(t.first5xx, o.first5xx)
	t.last5xx = max(t.last5xx, o.last5xx)
	if !o.latency.IsEmpty() {
		// Both sketches share the same mapping, so this cannot fail.
		_ = t.latency.MergeWith(o.latency)
	}
}

// name is "ip:port", with brackets around an IPv6 address.
func (t *targetAgg) name() string {
	if strings.IndexByte(t.ip, ':') >= 0 {
		return fmt.Sprintf("[%s]:%d", t.ip, t.port)
	}
	return fmt.Sprintf("%s:%d", t.ip, t.port)
}

type bucketAgg struct {
	key              int64 // start / bucket width
	requests, errors int64
	byDomain         [MaxDomains]int64
}

// keyCounter counts requests and 5xx per string key, up to max keys; rows
// of keys first seen past the cap go to other.
//
// Keys are found by their 64-bit xxh3 hash (fixed seed) in an open-addressing
// table whose slots hold the hash and the counts side by side, so that the
// lookup of a row touches one slot: no string header, no stored key bytes,
// no second array of counts, and no pointers for the garbage collector to
// scan. Two different keys with the same hash would share a row: with K keys
// kept and N distinct strings seen the odds are about K·N/2^64 (under 10^-6
// for 50,000 keys and 10^8 distinct paths), and the outcome is still
// reproducible.
type keyCounter struct {
	max    int
	slots  []keySlot // linear probing; a power of two, at most 3/4 full
	keys   []string  // in the order first seen
	slotOf []int32   // the slot of keys[i]
	arena  []byte    // the bytes of the keys, in chunks never moved
	other  keyStats
	// overflow counts the rows that went to other.
	overflow int64
}

type keyStats struct {
	requests, errors int64
}

// keySlot is a slot of keyCounter's table; hash 0 marks it empty.
type keySlot struct {
	hash uint64
	keyStats
}

func newKeyCounter(max int) keyCounter {
	return keyCounter{max: max, slots: make([]keySlot, 64)}
}

// stat returns the counts of keys[i].
func (c *keyCounter) stat(i int) keyStats { return c.slots[c.slotOf[i]].keyStats }

func (c *keyCounter) add(key string, errors int64) {
	c.addN(key, keyStats{requests: 1, errors: errors})
}

func (c *keyCounter) addN(key string, s keyStats) {
	h := xxh3.HashString(key)
	if h == 0 {
		h = 1
	}
	mask := uint64(len(c.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		sl := &c.slots[i]
		if sl.hash == h {
			sl.requests += s.requests
			sl.errors += s.errors
			return
		}
		if sl.hash == 0 {
			c.insert(key, h, s, int(i))
			return
		}
	}
}

// insert adds key, whose hash h is not in the table, with counts s, at the
// empty slot i unless the table must grow first; past max keys the counts
// go to other.
func (c *keyCounter) insert(key string, h uint64, s keyStats, i int) {
	if len(c.keys) >= c.max {
		c.other.requests += s.requests
		c.other.errors += s.errors
		c.overflow += s.requests
		return
	}
	if 4*(len(c.keys)+1) > 3*len(c.slots) {
		c.grow()
		i = c.free(h)
	}
	c.slots[i] = keySlot{hash: h, keyStats: s}
	c.keys = append(c.keys, c.clone(key))
	c.slotOf = append(c.slotOf, int32(i))
}

// free returns the empty slot where h goes.
func (c *keyCounter) free(h uint64) int {
	mask := uint64(len(c.slots) - 1)
	i := h & mask
	for c.slots[i].hash != 0 {
		i = (i + 1) & mask
	}
	return int(i)
}

// grow doubles the table and moves every key to its new slot.
func (c *keyCounter) grow() {
	old := c.slots
	c.slots = make([]keySlot, 2*len(old))
	for k, j := range c.slotOf {
		sl := old[j]
		i := c.free(sl.hash)
		c.slots[i] = sl
		c.slotOf[k] = int32(i)
	}
}

// clone copies key into the arena, which saves an allocation per key: the
// arena grows by chunks, and a chunk once filled is never written again.
func (c *keyCounter) clone(key string) string {
	const chunk = 64 << 10
	if len(key) == 0 || len(key) > chunk/16 {
		return strings.Clone(key)
	}
	if cap(c.arena)-len(c.arena) < len(key) {
		c.arena = make([]byte, 0, chunk)
	}
	start := len(c.arena)
	c.arena = append(c.arena, key...)
	return unsafe.String(&c.arena[start], len(key))
}

// merge adds o's keys in sorted order, so that the result depends only on
// the two counters and not on map iteration order. When the keys of both
// fit under the cap, every key is kept whatever the order, and the counts
// are sums: o's keys are added as they are, without the sort, which took
// a tenth of the parse and analysis of one object split over four sinks.
func (c *keyCounter) merge(o *keyCounter) {
	if len(c.keys)+len(o.keys) <= c.max {
		for i, k := range o.keys {
			c.addN(k, o.stat(i))
		}
		c.other.requests += o.other.requests
		c.other.errors += o.other.errors
		c.overflow += o.overflow
		return
	}
	order := make([]int32, len(o.keys))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(i, j int) bool { return o.keys[order[i]] < o.keys[order[j]] })
	for _, i := range order {
		c.addN(o.keys[i], o.stat(int(i)))
	}
	c.other.requests += o.other.requests
	c.other.errors += o.other.errors
	c.overflow += o.overflow
}
