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
	"github.com/apache/arrow-go/v18/arrow/array"
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
	// otherKey names the row that collects keys beyond Options.MaxKeys.
	otherKey = "(other)"
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

// Aggregator adds up the rows of record batches. It implements input.Sink:
// give each worker its own (New), then Merge them. It never keeps a batch,
// and its memory is bounded by the number of targets, nodes and time buckets
// plus Options.MaxKeys paths and clients, not by the input size.
type Aggregator struct {
	opts     Options
	sinceUS  int64
	untilUS  int64
	bucketUS int64

	rows          map[parser.Format]int64 // rows inside the window, per format
	outsideWindow int64
	requests      int64
	firstUS       int64 // bounds of the rows inside the window
	lastUS        int64
	statusClass   [7]int64 // index status/100; 0 for unknown or out of range
	total5xx      int64
	byCause       [maxCauses]int64
	context       [maxContexts]int64

	targets    map[targetKey]int32
	targetList []*targetAgg
	nodes      map[string]*nodeAgg
	paths      keyCounter
	clients    keyCounter
	buckets    map[int64]int32
	bucketList []bucketAgg

	// Hot-loop caches: the last target and bucket seen.
	lastTarget    *targetAgg
	lastBucketKey int64
	lastBucket    int32

	ext map[parser.Format]formatState

	alb    albColumns // column views of the batch being consumed
	cf     cfColumns
	causes []causeID // per-row causes of that batch, reused
	todo   []int32   // classifier scratch, reused
}

// New returns an empty Aggregator.
func New(opts Options) *Aggregator {
	opts = opts.WithDefaults()
	a := &Aggregator{
		opts:       opts,
		sinceUS:    math.MinInt64,
		untilUS:    math.MaxInt64,
		bucketUS:   opts.Bucket.Microseconds(),
		rows:       map[parser.Format]int64{},
		firstUS:    math.MaxInt64,
		lastUS:     math.MinInt64,
		targets:    map[targetKey]int32{},
		nodes:      map[string]*nodeAgg{},
		paths:      newKeyCounter(opts.MaxKeys),
		clients:    newKeyCounter(opts.MaxKeys),
		buckets:    map[int64]int32{},
		lastBucket: -1,
		ext:        map[parser.Format]formatState{},
	}
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

// Consume adds the rows of one batch. src is the object the batch came from
// (its NodeIP feeds the per-node figures). rec is not kept.
func (a *Aggregator) Consume(src parser.Source, format parser.Format, rec arrow.RecordBatch) error {
	consume, ok := consumers[format]
	if !ok {
		return fmt.Errorf("analyze %s logs: not supported by this build", formatName(format))
	}
	return consume(a, src, rec)
}

// consumers maps a format to the function that reads its batches; each
// format's file adds itself (consumeALB in consume_alb.go). A consumer
// classifies its rows, fills an obs per row inside the window (inWindow)
// and hands it to observe, which keeps every shared aggregate; it adds its
// in-window row count to rows[format].
var consumers = map[parser.Format]func(a *Aggregator, src parser.Source, rec arrow.RecordBatch) error{}

// formatState is what a format keeps beside the shared aggregates (for
// CloudFront: edge locations, result types, cache hits). A format registers
// a constructor in newFormatState; its consumer gets its state with
// a.state(format). Merge and BuildReport handle the rest.
type formatState interface {
	// merge adds other, a state of the same format, into the receiver.
	merge(other formatState)
	// fill writes the format's figures into the report.
	fill(r *Report)
}

var newFormatState = map[parser.Format]func() formatState{}

// state returns the Aggregator's state for format f, creating it.
func (a *Aggregator) state(f parser.Format) formatState {
	st, ok := a.ext[f]
	if !ok {
		mk := newFormatState[f]
		if mk == nil {
			panic(fmt.Sprintf("BUG: no state registered for format %q", f))
		}
		st = mk()
		a.ext[f] = st
	}
	return st
}

// obs is one row as the shared aggregates see it, whatever its format.
// Strings are views into the batch; only keys inserted into maps are copied.
type obs struct {
	timeUS     int64
	status     uint16 // 0 when unknown
	cause      causeID
	context    contextID
	targetIP   string // "" when no target
	targetPort uint16
	latencyMs  float64
	hasLatency bool
	path       string
	client     string
}

// node returns the per-node aggregate for src, or nil when the object name
// does not tell the node.
func (a *Aggregator) node(src parser.Source) *nodeAgg {
	if src.NodeIP == "" {
		return nil
	}
	n := a.nodes[src.NodeIP]
	if n == nil {
		n = &nodeAgg{}
		a.nodes[strings.Clone(src.NodeIP)] = n
	}
	return n
}

// inWindow reports whether a row time is inside [Since, Until), counting
// the rows that are not.
func (a *Aggregator) inWindow(us int64) bool {
	if us < a.sinceUS || us >= a.untilUS {
		a.outsideWindow++
		return false
	}
	return true
}

// rowTime returns row i's time in µs, from the timestamps times of col
// scaled by mul/div, and whether it is inside the window; a null time
// counts as outside it.
func (a *Aggregator) rowTime(col *array.Timestamp, times []arrow.Timestamp, mul, div int64, i int) (int64, bool) {
	if col.IsNull(i) {
		a.outsideWindow++
		return 0, false
	}
	us := int64(times[i]) * mul / div
	return us, a.inWindow(us)
}

// observe adds one row inside the window.
func (a *Aggregator) observe(n *nodeAgg, o *obs) {
	a.requests++
	if o.timeUS < a.firstUS {
		a.firstUS = o.timeUS
	}
	if o.timeUS > a.lastUS {
		a.lastUS = o.timeUS
	}
	class := int(o.status / 100)
	if class >= len(a.statusClass) {
		class = 0
	}
	a.statusClass[class]++
	is5xx := o.cause != 0
	var err int64
	if is5xx {
		err = 1
		a.total5xx++
		a.byCause[o.cause]++
	} else if o.context != 0 {
		a.context[o.context]++
	}
	if n != nil {
		n.requests++
		n.errors += err
	}

	if o.targetIP != "" {
		t := a.target(o.targetIP, o.targetPort)
		t.requests++
		if is5xx {
			t.errors++
			t.byCause[o.cause]++
			if o.timeUS < t.first5xx {
				t.first5xx = o.timeUS
			}
			if o.timeUS > t.last5xx {
				t.last5xx = o.timeUS
			}
		}
		if o.hasLatency {
			_ = t.latency.Add(o.latencyMs) // fails only on NaN/Inf, which are not logged
		}
	}

	a.paths.add(o.path, err)
	a.clients.add(o.client, err)

	b := a.bucket(floorDiv(o.timeUS, a.bucketUS))
	b.requests++
	if is5xx {
		b.errors++
		b.byDomain[causeDomain[o.cause]]++
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

// Merge adds o's figures into a. o is left unchanged; a and o must have been
// built with the same Options.
func (a *Aggregator) Merge(o *Aggregator) {
	for f, n := range o.rows {
		a.rows[f] += n
	}
	a.outsideWindow += o.outsideWindow
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
			n = &nodeAgg{}
			a.nodes[ip] = n
		}
		n.requests += on.requests
		n.errors += on.errors
	}
	a.paths.merge(&o.paths)
	a.clients.merge(&o.clients)
	for f, ost := range o.ext {
		a.state(f).merge(ost)
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

// MergeAll merges aggregators into a new one built with the first one's
// options. Sinks that are not *Aggregator are ignored.
func MergeAll[S any](sinks []S) *Aggregator {
	var out *Aggregator
	for _, s := range sinks {
		a, ok := any(s).(*Aggregator)
		if !ok || a == nil {
			continue
		}
		if out == nil {
			out = New(a.opts)
		}
		out.Merge(a)
	}
	if out == nil {
		out = New(Options{})
	}
	return out
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
	byCause           [maxCauses]int64
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

func newTargetAgg(k targetKey) *targetAgg {
	s := ddsketch.NewDDSketch(latencyMapping, store.NewDenseStore(), store.NewDenseStore())
	return &targetAgg{ip: k.ip, port: k.port, first5xx: math.MaxInt64, last5xx: math.MinInt64, latency: s}
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

type nodeAgg struct {
	requests, errors int64
}

type bucketAgg struct {
	key              int64 // start / bucket width
	requests, errors int64
	byDomain         [maxDomains]int64
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
// the two counters and not on map iteration order.
func (c *keyCounter) merge(o *keyCounter) {
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

func formatName(f parser.Format) string {
	if f == parser.FormatUnknown {
		return "unrecognised"
	}
	return string(f)
}

// Router is an input.Sink for inputs of several formats: it hands each
// batch to an Aggregator of the batch's format, so that every format is
// reported on its own (BuildReports). Give each worker its own (NewRouter).
type Router struct {
	opts Options
	aggs map[parser.Format]*Aggregator
}

// NewRouter returns an empty Router whose Aggregators use opts.
func NewRouter(opts Options) *Router {
	return &Router{opts: opts.WithDefaults(), aggs: map[parser.Format]*Aggregator{}}
}

// Consume adds the rows of one batch to the Aggregator of its format.
func (r *Router) Consume(src parser.Source, format parser.Format, rec arrow.RecordBatch) error {
	a := r.aggs[format]
	if a == nil {
		if _, ok := consumers[format]; !ok {
			return fmt.Errorf("analyze %s logs: not supported by this build", formatName(format))
		}
		a = New(r.opts)
		r.aggs[format] = a
	}
	return a.Consume(src, format, rec)
}

// Aggregator returns the Router's Aggregator for format f, nil when no
// batch of that format came.
func (r *Router) Aggregator(f parser.Format) *Aggregator { return r.aggs[f] }

// mergeRouters merges the Routers among sinks into one Aggregator per
// format. Sinks that are not *Router are ignored.
func mergeRouters[S any](sinks []S) (map[parser.Format]*Aggregator, Options) {
	out := map[parser.Format]*Aggregator{}
	var opts Options
	for _, s := range sinks {
		r, ok := any(s).(*Router)
		if !ok || r == nil {
			continue
		}
		opts = r.opts
		for f, a := range r.aggs {
			m := out[f]
			if m == nil {
				m = New(r.opts)
				out[f] = m
			}
			m.Merge(a)
		}
	}
	return out, opts
}
