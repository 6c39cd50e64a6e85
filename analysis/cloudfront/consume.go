package cloudfront

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/DataDog/sketches-go/ddsketch"
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
	cfparser "github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Flags (Figures.Flags): 5xx rows that match a pattern.
const (
	// FlagCachedError counts 5xx that look served from CloudFront's error
	// cache (LikelyCachedError).
	FlagCachedError = "cached_error"
	// FlagOriginTimeout counts 5xx whose time-taken sits just past a
	// multiple of the 30 s origin response timeout (LikelyOriginTimeout).
	FlagOriginTimeout = "origin_timeout"
)

// Keys of Figures.MissVsHit.
const (
	// CacheHit: answered from the cache (Hit, RefreshHit, Origin Shield,
	// or an error served from the error cache).
	CacheHit = "hit"
	// CacheMiss: sent to the origin (Miss, an origin failure, an origin
	// error response fetched anew).
	CacheMiss = "miss"
)

// Caps of the CloudFront aggregates. Past them, rows go to "(other)".
const (
	// maxResultTypes caps the distinct x-edge-result-type values (the enum
	// is open, but has a dozen values).
	maxResultTypes = 64
	// maxDetailedHosts caps the hosts whose cache hits and misses are kept
	// per timeline bucket, for the verdict's "every miss fails" finding.
	maxDetailedHosts = 256
	// maxCauseDetails caps the distinct statuses and detailed result types
	// kept per cause for the verdict's wording.
	maxCauseDetails = 32
	// smallNamed is the name count up to which namedAgg looks up by
	// scanning.
	smallNamed = 8
)

// columns are typed views of one CloudFront batch's columns; nil when
// absent.
type columns struct {
	time      *array.Timestamp
	edge      *array.String
	clientIP  *array.String
	host      *array.String
	uriStem   *array.String
	status    *array.Uint16
	rt        *array.String
	xHost     *array.String
	timeTaken *array.Float64
	ttfb      *array.Float64
	dt        *array.String
}

func (c *columns) bind(rec arrow.RecordBatch) error {
	*c = columns{}
	err := analysis.BindColumns("CloudFront", rec, []analysis.Binding{
		analysis.TimeCol(cfparser.ColTime, &c.time),
		analysis.Col(cfparser.ColXEdgeLocation, &c.edge),
		analysis.Col(cfparser.ColCIP, &c.clientIP),
		analysis.Col(cfparser.ColCsHost, &c.host),
		analysis.Col(cfparser.ColCsURIStem, &c.uriStem),
		analysis.Col(cfparser.ColScStatus, &c.status),
		analysis.Col(cfparser.ColXEdgeResultType, &c.rt),
		analysis.Col(cfparser.ColXHostHeader, &c.xHost),
		analysis.Col(cfparser.ColTimeTaken, &c.timeTaken),
		analysis.Col(cfparser.ColTimeToFirstByte, &c.ttfb),
		analysis.Col(cfparser.ColXEdgeDetailedResultType, &c.dt),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.status == nil {
		return fmt.Errorf("analysis: CloudFront batch lacks the %q or %q column", cfparser.ColTime, cfparser.ColScStatus)
	}
	return nil
}

// cacheOutcome says whether a row was answered from the cache or sent to
// the origin; cacheUnknown when the log cannot tell (redirects, requests the
// edge refused or generated itself, viewers that left).
type cacheOutcome uint8

const (
	cacheUnknown cacheOutcome = iota
	cacheHit
	cacheMiss
)

// cacheOutcomeOf tells hits from misses by the result types. A 5xx of the
// edge or client domain never reached the origin: unknown. An origin error
// counts as a miss unless it looks served from the error cache.
func cacheOutcomeOf(status uint16, rt, dt string, origin, cachedError bool) cacheOutcome {
	if status == 0 {
		return cacheUnknown
	}
	if status >= 500 && status <= 599 && !origin {
		return cacheUnknown
	}
	switch {
	case rt == "Hit" || rt == "RefreshHit" || dt == "OriginShieldHit":
		return cacheHit
	case cachedError:
		return cacheHit
	case rt == "Miss":
		if strings.HasSuffix(dt, "GeneratedResponse") {
			return cacheUnknown
		}
		return cacheMiss
	case rt == "Error":
		if dt == "Error" || dt == "" || strings.HasPrefix(dt, "Origin") || dt == "AbortedOrigin" || dt == "SlowReaderOriginError" {
			return cacheMiss
		}
	}
	return cacheUnknown
}

// consumer reads CloudFront batches for one worker; its slices are reused
// from batch to batch.
type consumer struct {
	c      columns
	causes []analysis.CauseID // per-row causes of the batch
}

// Consume classifies the rows of one CloudFront batch and adds them to the
// family's one subject: every distribution goes into one report.
func (k *consumer) Consume(src parser.Source, rec arrow.RecordBatch, to *analysis.Subjects) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }() // keep no reference to the batch
	a := to.Subject(analysis.Subject{})
	if a == nil {
		return nil
	}
	st := a.State().(*state)
	n := int(rec.NumRows())
	if cap(k.causes) < n {
		k.causes = make([]analysis.CauseID, n)
	}
	causes := k.causes[:n]
	classifyBatch(c, n, causes)
	times := c.time.Values()
	statuses := c.status.Values()
	var taken, ttfbs []float64
	if c.timeTaken != nil {
		taken = c.timeTaken.Values()
	}
	if c.ttfb != nil {
		ttfbs = c.ttfb.Values()
	}
	bucketUS := a.BucketUS()
	var o analysis.Row
	for i := 0; i < n; i++ {
		us := int64(times[i])
		if !a.Admit(us, c.time.IsValid(i)) {
			continue
		}
		o = analysis.Row{Time: us, Cause: causes[i]}
		status, hasStatus := uint16(0), c.status.IsValid(i)
		if hasStatus {
			status = statuses[i]
		}
		o.Status = status
		if hasStatus && status == 0 {
			o.Context = ctxClientAborted
		}
		o.Path = analysis.Str(c.uriStem, i)
		if o.Path == "" {
			o.Path = "-"
		}
		o.Client = analysis.Str(c.clientIP, i)
		if o.Client == "" {
			o.Client = "-"
		}
		a.Observe(nil, &o)

		tt := math.NaN()
		if taken != nil && c.timeTaken.IsValid(i) {
			tt = taken[i]
		}
		ttfb := -1.0
		if ttfbs != nil && c.ttfb.IsValid(i) {
			ttfb = ttfbs[i]
		}
		dist := src.Resource
		if dist == "" {
			dist = analysis.Str(c.host, i)
		}
		st.add(row{
			timeUS: us, bucket: analysis.FloorDiv(us, bucketUS), status: status, cause: o.Cause,
			rt: analysis.Str(c.rt, i), dt: analysis.Str(c.dt, i), pop: analysis.Str(c.edge, i), dist: dist,
			host: analysis.Str(c.xHost, i), timeTaken: tt, ttfb: ttfb,
		})
	}
	return nil
}

// row is one CloudFront row as state sees it; strings are views into the
// batch.
type row struct {
	timeUS, bucket  int64
	status          uint16
	cause           analysis.CauseID
	rt, dt          string
	pop, dist, host string
	timeTaken, ttfb float64 // seconds; NaN / negative when absent
}

// state holds the CloudFront-only aggregates of one subject.
type state struct {
	pops, dists, hosts namedAgg
	resultTypes        namedAgg
	rtLatency          []*ddsketch.DDSketch // per resultTypes index
	rtOtherLatency     *ddsketch.DDSketch
	latency            *ddsketch.DDSketch
	cacheHits          int64 // Hit, RefreshHit, OriginShieldHit
	requests           int64
	hits, misses       Counts
	cachedErrors       int64
	originTimeouts     int64
	// causeStatus and causeDT count, per cause, the statuses and detailed
	// result types its 5xx carried (for the verdict's wording).
	causeStatus [analysis.MaxCauses]map[uint16]int64
	causeDT     [analysis.MaxCauses]map[string]*int64
	// hostBuckets: cache hits and misses per (host index, bucket), for the
	// first maxDetailedHosts hosts.
	hostBuckets map[hostBucket]*hitMiss
}

type hostBucket struct {
	host   int32
	bucket int64
}

// hitMiss counts cache hits and misses and their 5xx, by cause.
type hitMiss struct {
	hits, hitErrors    int64
	misses, missErrors int64
	missByCause        [analysis.MaxCauses]int64
}

func newState() *state {
	return &state{
		pops:        newNamedAgg(analysis.DefaultMaxKeys),
		dists:       newNamedAgg(analysis.DefaultMaxKeys),
		hosts:       newNamedAgg(analysis.DefaultMaxKeys),
		resultTypes: newNamedAgg(maxResultTypes),
		latency:     analysis.NewSketch(),
		hostBuckets: map[hostBucket]*hitMiss{},
	}
}

func (s *state) add(r row) {
	s.requests++
	is5xx := r.cause != 0
	var cached bool
	if is5xx {
		cached = LikelyCachedError(r.status, r.rt, r.ttfb)
		if cached {
			s.cachedErrors++
		}
		if LikelyOriginTimeout(r.timeTaken) {
			s.originTimeouts++
		}
		s.causeDetail(r.cause, r.status, r.dt, r.rt)
	}
	if r.rt == "Hit" || r.rt == "RefreshHit" || r.dt == "OriginShieldHit" {
		s.cacheHits++
	}
	out := cacheOutcomeOf(r.status, r.rt, r.dt, isOrigin[r.cause], cached)
	var e int64
	if is5xx {
		e = 1
	}
	switch out {
	case cacheHit:
		s.hits.Requests++
		s.hits.Errors5xx += e
	case cacheMiss:
		s.misses.Requests++
		s.misses.Errors5xx += e
	}
	s.pops.add(r.pop, r.timeUS, r.cause)
	s.dists.add(r.dist, r.timeUS, r.cause)
	hi := s.hosts.add(r.host, r.timeUS, r.cause)
	if hi >= 0 && hi < maxDetailedHosts && out != cacheUnknown {
		k := hostBucket{host: hi, bucket: r.bucket}
		hm := s.hostBuckets[k]
		if hm == nil {
			hm = &hitMiss{}
			s.hostBuckets[k] = hm
		}
		if out == cacheHit {
			hm.hits++
			hm.hitErrors += e
		} else {
			hm.misses++
			hm.missErrors += e
			hm.missByCause[r.cause] += e
		}
	}
	rti := s.resultTypes.add(r.rt, r.timeUS, r.cause)
	if r.timeTaken >= 0 { // false for NaN
		ms := r.timeTaken * 1000
		_ = s.latency.Add(ms)
		if rti >= 0 {
			for int(rti) >= len(s.rtLatency) {
				s.rtLatency = append(s.rtLatency, analysis.NewSketch())
			}
			_ = s.rtLatency[rti].Add(ms)
		} else {
			if s.rtOtherLatency == nil {
				s.rtOtherLatency = analysis.NewSketch()
			}
			_ = s.rtOtherLatency.Add(ms)
		}
	}
}

func (s *state) causeDetail(c analysis.CauseID, status uint16, dt, rt string) {
	if dt == "" || dt == "-" {
		dt = rt
	}
	if s.causeStatus[c] == nil {
		s.causeStatus[c] = map[uint16]int64{}
		s.causeDT[c] = map[string]*int64{}
	}
	if _, ok := s.causeStatus[c][status]; ok || len(s.causeStatus[c]) < maxCauseDetails {
		s.causeStatus[c][status]++
	}
	// dt is a view into the batch: a map assignment would store it as the
	// key (Go replaces a string key on every assignment), so counts are
	// bumped through pointers and a key is stored only cloned.
	if n := s.causeDT[c][dt]; n != nil {
		*n++
	} else if len(s.causeDT[c]) < maxCauseDetails {
		s.causeDT[c][strings.Clone(dt)] = new(int64(1))
	}
}

// Merge adds other, a *state, into s.
func (s *state) Merge(other analysis.State) {
	o := other.(*state)
	s.pops.merge(&o.pops)
	s.dists.merge(&o.dists)
	hostMap := s.hosts.merge(&o.hosts)
	rtMap := s.resultTypes.merge(&o.resultTypes)
	for i, sk := range o.rtLatency {
		if sk.IsEmpty() {
			continue
		}
		j := rtMap[i]
		if j < 0 {
			if s.rtOtherLatency == nil {
				s.rtOtherLatency = analysis.NewSketch()
			}
			_ = s.rtOtherLatency.MergeWith(sk)
			continue
		}
		for int(j) >= len(s.rtLatency) {
			s.rtLatency = append(s.rtLatency, analysis.NewSketch())
		}
		_ = s.rtLatency[j].MergeWith(sk)
	}
	if o.rtOtherLatency != nil && !o.rtOtherLatency.IsEmpty() {
		if s.rtOtherLatency == nil {
			s.rtOtherLatency = analysis.NewSketch()
		}
		_ = s.rtOtherLatency.MergeWith(o.rtOtherLatency)
	}
	if !o.latency.IsEmpty() {
		_ = s.latency.MergeWith(o.latency)
	}
	s.cacheHits += o.cacheHits
	s.requests += o.requests
	s.hits.Requests += o.hits.Requests
	s.hits.Errors5xx += o.hits.Errors5xx
	s.misses.Requests += o.misses.Requests
	s.misses.Errors5xx += o.misses.Errors5xx
	s.cachedErrors += o.cachedErrors
	s.originTimeouts += o.originTimeouts
	for c := range o.causeStatus {
		for st, n := range o.causeStatus[c] {
			if s.causeStatus[c] == nil {
				s.causeStatus[c] = map[uint16]int64{}
				s.causeDT[c] = map[string]*int64{}
			}
			s.causeStatus[c][st] += n
		}
		for dt, n := range o.causeDT[c] {
			if s.causeDT[c] == nil {
				s.causeStatus[c] = map[uint16]int64{}
				s.causeDT[c] = map[string]*int64{}
			}
			if p := s.causeDT[c][dt]; p != nil {
				*p += *n
			} else {
				s.causeDT[c][dt] = new(*n)
			}
		}
	}
	for k, ohm := range o.hostBuckets {
		h := hostMap[k.host]
		if h < 0 || h >= maxDetailedHosts {
			continue
		}
		nk := hostBucket{host: h, bucket: k.bucket}
		hm := s.hostBuckets[nk]
		if hm == nil {
			hm = &hitMiss{}
			s.hostBuckets[nk] = hm
		}
		hm.hits += ohm.hits
		hm.hitErrors += ohm.hitErrors
		hm.misses += ohm.misses
		hm.missErrors += ohm.missErrors
		for c := range hm.missByCause {
			hm.missByCause[c] += ohm.missByCause[c]
		}
	}
}

// namedAgg counts requests and 5xx per name (edge location, distribution,
// host, result type), by cause, up to max names; rows of names first seen
// past the cap go to other.
type namedAgg struct {
	max   int
	index map[string]int32
	names []string
	stats []namedStats
	other namedStats
	// last caches the index of the name looked up last.
	last     int32
	lastName string
}

type namedStats struct {
	requests, errors int64
	byCause          [analysis.MaxCauses]int64
	// first5xx is the time of the first 5xx of each cause (µs), MaxInt64
	// when none.
	first5xx [analysis.MaxCauses]int64
}

func newNamedAgg(max int) namedAgg {
	return namedAgg{max: max, index: map[string]int32{}, last: -1, other: newNamedStats()}
}

func newNamedStats() namedStats {
	var s namedStats
	for i := range s.first5xx {
		s.first5xx[i] = math.MaxInt64
	}
	return s
}

// lookup returns the index of name, adding it when there is room; -1 when
// the name is past the cap.
func (g *namedAgg) lookup(name string) int32 {
	if g.last >= 0 && g.lastName == name {
		return g.last
	}
	// A scan beats hashing for the few result types, distributions and
	// hosts most logs have.
	if len(g.names) <= smallNamed {
		for i, n := range g.names {
			if n == name {
				g.last, g.lastName = int32(i), n
				return int32(i)
			}
		}
	}
	i, ok := g.index[name]
	if !ok {
		if len(g.names) >= g.max {
			return -1
		}
		name = strings.Clone(name)
		i = int32(len(g.names))
		g.index[name] = i
		g.names = append(g.names, name)
		g.stats = append(g.stats, newNamedStats())
	}
	g.last, g.lastName = i, g.names[i]
	return i
}

// add counts one row under name ("-" when empty) and returns its index
// (-1 for other).
func (g *namedAgg) add(name string, us int64, cause analysis.CauseID) int32 {
	if name == "" {
		name = "-"
	}
	i := g.lookup(name)
	st := &g.other
	if i >= 0 {
		st = &g.stats[i]
	}
	st.requests++
	if cause != 0 {
		st.errors++
		st.byCause[cause]++
		if us < st.first5xx[cause] {
			st.first5xx[cause] = us
		}
	}
	return i
}

func (s *namedStats) merge(o *namedStats) {
	s.requests += o.requests
	s.errors += o.errors
	for c := range s.byCause {
		s.byCause[c] += o.byCause[c]
		s.first5xx[c] = min(s.first5xx[c], o.first5xx[c])
	}
}

// merge adds o's names in sorted order (so that indexes do not depend on
// map order) and returns, for each of o's indexes, the receiver's (-1 for
// other).
func (g *namedAgg) merge(o *namedAgg) []int32 {
	order := make([]int32, len(o.names))
	for i := range order {
		order[i] = int32(i)
	}
	sort.Slice(order, func(i, j int) bool { return o.names[order[i]] < o.names[order[j]] })
	m := make([]int32, len(o.names))
	for _, oi := range order {
		i := g.lookup(o.names[oi])
		m[oi] = i
		if i < 0 {
			g.other.merge(&o.stats[oi])
			continue
		}
		g.stats[i].merge(&o.stats[oi])
	}
	g.other.merge(&o.other)
	return m
}

// order returns the indexes by 5xx, then requests, then name.
func (g *namedAgg) order() []int32 {
	out := make([]int32, len(g.names))
	for i := range out {
		out[i] = int32(i)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := &g.stats[out[i]], &g.stats[out[j]]
		if x.errors != y.errors {
			return x.errors > y.errors
		}
		if x.requests != y.requests {
			return x.requests > y.requests
		}
		return g.names[out[i]] < g.names[out[j]]
	})
	return out
}

// sorted returns every name with its counts in order, and "(other)" last
// when names were past the cap.
func (g *namedAgg) sorted() []Named {
	out := []Named{}
	for _, i := range g.order() {
		out = append(out, Named{Name: g.names[i], Requests: g.stats[i].requests, Errors5xx: g.stats[i].errors})
	}
	if g.other.requests > 0 {
		out = append(out, Named{Name: analysis.OtherKey, Requests: g.other.requests, Errors5xx: g.other.errors})
	}
	return out
}
