package albhealth

import (
	"math"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// state is what the family keeps per load balancer: counts per reason and
// code, per target, per node and per time bucket, and each node's checks
// of each target as pieces (piece.go). Its memory grows with the targets,
// the nodes, the time buckets (Options.Bucket), the objects each node's
// checks of a target come in (a piece each, about 130 bytes) and the
// changes of a target's health; not with the number of checks.
type state struct {
	th       thresholds
	bucketUS int64

	checks, failed int64
	first, last    int64 // check times, µs
	// failures counts failed checks per reason and status code (0 for
	// none); passCodes the codes passed checks got.
	failures  reasonCounts
	passCodes map[uint16]int64

	targets    map[targetKey]*target
	targetList []*target
	nodes      map[string]*nodeCounts
	buckets    map[int64]*bucketCounts

	// fig are the figures, once computed (Family.figuresOf).
	fig *Figures

	// The last target and series a row went to, for the hot loop.
	lastTarget *target
	lastSeries *series
	// The last bucket a row went to and its key: rows come in time
	// order, so most find it without a map lookup.
	lastBucket  *bucketCounts
	lastBucketK int64
}

func newState(th thresholds, bucketUS int64) *state {
	return &state{
		th: th, bucketUS: bucketUS,
		first: math.MaxInt64, last: math.MinInt64,
		passCodes: map[uint16]int64{},
		targets:   map[targetKey]*target{},
		nodes:     map[string]*nodeCounts{},
		buckets:   map[int64]*bucketCounts{},
	}
}

// targetKey identifies a target within its target group: by address and
// port, or by Lambda function ARN.
type targetKey struct {
	group, ip, arn string
	port           uint16
}

// name is "ip:port" (IPv6 in brackets) or the function's ARN.
func (k targetKey) name() string {
	if k.arn != "" {
		return k.arn
	}
	if strings.IndexByte(k.ip, ':') >= 0 {
		return "[" + k.ip + "]:" + strconv.Itoa(int(k.port))
	}
	return k.ip + ":" + strconv.Itoa(int(k.port))
}

// target is one target of one target group.
type target struct {
	key                     targetKey
	checks, failed          int64
	firstFailed, lastFailed int64
	lastCheck               int64
	lastCheckFailed         bool // the latest check failed
	failures                reasonCounts
	// failedIn counts the failed checks per time bucket (only buckets
	// with failures).
	failedIn map[int64]int64
	series   map[string]*series // by node
	list     []*series          // the same, for a scan
}

func newTarget(k targetKey) *target {
	return &target{key: k, firstFailed: math.MaxInt64, lastFailed: math.MinInt64, lastCheck: math.MinInt64,
		failedIn: map[int64]int64{}, series: map[string]*series{}}
}

// series is one node's checks of one target.
type series struct {
	node           string
	nc             *nodeCounts // the node's
	checks, failed int64
	pieces         []piece
	// open is the piece being built, from object gen; -1 for none.
	open int
	gen  uint64
}

// nodeCounts counts one node's checks.
type nodeCounts struct {
	checks, failed int64
	failures       reasonCounts
}

// bucketCounts counts the checks of one time bucket.
type bucketCounts struct{ checks, failed int64 }

// reasonCount is the number of failed checks with one reason and code.
type reasonCount struct {
	reason string
	code   uint16
	n      int64
}

// reasonCounts counts failed checks per reason and code: a short list,
// since a log holds a handful of reasons.
type reasonCounts []reasonCount

func (rc *reasonCounts) add(reason string, code uint16, n int64) {
	for i := range *rc {
		if c := &(*rc)[i]; c.code == code && c.reason == reason {
			c.n += n
			return
		}
	}
	*rc = append(*rc, reasonCount{reason: strings.Clone(reason), code: code, n: n})
}

func (rc *reasonCounts) merge(o reasonCounts) {
	for _, c := range o {
		rc.add(c.reason, c.code, c.n)
	}
}

// byReason sums the counts per reason.
func (rc reasonCounts) byReason() map[string]int64 {
	m := map[string]int64{}
	for _, c := range rc {
		m[c.reason] += c.n
	}
	return m
}

// check is one row as the state sees it. Strings are views into the batch.
type check struct {
	time   int64
	key    targetKey
	node   string
	fail   bool
	code   uint16 // 0 for none
	reason string
}

// add counts one check inside the window; gen names the object it comes
// from (a new number for each object a consumer reads).
func (s *state) add(c *check, gen uint64) {
	s.checks++
	s.first, s.last = min(s.first, c.time), max(s.last, c.time)
	b := s.bucket(analysis.FloorDiv(c.time, s.bucketUS))
	b.checks++
	t := s.target(&c.key)
	t.checks++
	if c.time >= t.lastCheck {
		t.lastCheck, t.lastCheckFailed = c.time, c.fail
	}
	se := s.series(t, c.node)
	n := se.nc
	n.checks++
	if c.fail {
		s.failed++
		s.failures.add(c.reason, c.code, 1)
		b.failed++
		t.failed++
		t.firstFailed, t.lastFailed = min(t.firstFailed, c.time), max(t.lastFailed, c.time)
		t.failures.add(c.reason, c.code, 1)
		t.failedIn[analysis.FloorDiv(c.time, s.bucketUS)]++
		n.failed++
		n.failures.add(c.reason, c.code, 1)
	} else {
		s.passCodes[c.code]++
	}

	se.checks++
	if c.fail {
		se.failed++
	}
	if se.open < 0 || se.gen != gen || c.time < se.pieces[se.open].last {
		// A new object, or a check out of order: a new piece.
		se.pieces = append(se.pieces, piece{})
		se.open, se.gen = len(se.pieces)-1, gen
	}
	se.pieces[se.open].add(c.time, c.fail, s.th)
}

func (s *state) bucket(k int64) *bucketCounts {
	if s.lastBucket != nil && s.lastBucketK == k {
		return s.lastBucket
	}
	b := s.buckets[k]
	if b == nil {
		b = &bucketCounts{}
		s.buckets[k] = b
	}
	s.lastBucket, s.lastBucketK = b, k
	return b
}

// smallTargets is the target count up to which target looks up by
// scanning, and smallNodes the same for a target's nodes.
const (
	smallTargets = 16
	smallNodes   = 8
)

// target returns the target of key k, whose strings may be views.
func (s *state) target(k *targetKey) *target {
	if t := s.lastTarget; t != nil && t.key == *k {
		return t
	}
	if len(s.targetList) <= smallTargets {
		for _, t := range s.targetList {
			if t.key == *k {
				s.lastTarget, s.lastSeries = t, nil
				return t
			}
		}
	}
	t := s.targets[*k]
	if t == nil {
		kc := targetKey{group: strings.Clone(k.group), ip: strings.Clone(k.ip), arn: strings.Clone(k.arn), port: k.port}
		t = newTarget(kc)
		s.targets[kc] = t
		s.targetList = append(s.targetList, t)
	}
	s.lastTarget, s.lastSeries = t, nil
	return t
}

// series returns t's series of node, whose string may be a view.
func (s *state) series(t *target, node string) *series {
	if se := s.lastSeries; se != nil && se.node == node {
		return se
	}
	var se *series
	if len(t.list) <= smallNodes {
		for _, x := range t.list {
			if x.node == node {
				se = x
				break
			}
		}
	} else {
		se = t.series[node]
	}
	if se == nil {
		se = s.newSeries(t, node)
	}
	s.lastSeries = se
	return se
}

// newSeries adds t's series of node.
func (s *state) newSeries(t *target, node string) *series {
	n := s.nodes[node]
	if n == nil {
		n = &nodeCounts{}
		s.nodes[strings.Clone(node)] = n
	}
	se := &series{node: strings.Clone(node), nc: n, open: -1}
	t.series[se.node] = se
	t.list = append(t.list, se)
	return se
}

// Merge adds o, another worker's state of the same load balancer.
func (s *state) Merge(other analysis.State) {
	o := other.(*state)
	s.bucketUS = max(s.bucketUS, o.bucketUS)
	s.checks += o.checks
	s.failed += o.failed
	s.first, s.last = min(s.first, o.first), max(s.last, o.last)
	s.failures.merge(o.failures)
	for c, n := range o.passCodes {
		s.passCodes[c] += n
	}
	for k, ob := range o.buckets {
		b := s.bucket(k)
		b.checks += ob.checks
		b.failed += ob.failed
	}
	for node, on := range o.nodes {
		n := s.nodes[node]
		if n == nil {
			n = &nodeCounts{}
			s.nodes[node] = n
		}
		n.checks += on.checks
		n.failed += on.failed
		n.failures.merge(on.failures)
	}
	for _, ot := range o.targetList {
		t := s.target(&ot.key)
		t.checks += ot.checks
		t.failed += ot.failed
		t.firstFailed, t.lastFailed = min(t.firstFailed, ot.firstFailed), max(t.lastFailed, ot.lastFailed)
		if ot.lastCheck > t.lastCheck || ot.lastCheck == t.lastCheck && ot.lastCheckFailed {
			t.lastCheck, t.lastCheckFailed = ot.lastCheck, ot.lastCheckFailed
		}
		t.failures.merge(ot.failures)
		for k, n := range ot.failedIn {
			t.failedIn[k] += n
		}
		for node, ose := range ot.series {
			se := t.series[node]
			if se == nil {
				se = s.newSeries(t, node)
			}
			se.checks += ose.checks
			se.failed += ose.failed
			se.pieces = append(se.pieces, ose.pieces...)
			se.open = -1
		}
	}
	s.lastTarget, s.lastSeries = nil, nil
}
