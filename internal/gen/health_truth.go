package gen

import (
	"cmp"
	"math"
	"slices"
	"time"
)

// HealthTruth is what a correct analysis of the generated health checks
// must find. Map keys: Reasons the reason_code as written; MismatchCodes
// the status_code of ResponseCodeMismatch checks; Targets "ip:port"; Nodes
// the node IP; Minutes the minute's start as Unix seconds.
//
// Health follows the thresholds, from each node's own checks, as the load
// balancer judges it (the thresholds are settings of the target group, not
// in the logs): every target starts healthy in every node's view; a node
// takes a target out at the UnhealthyThreshold-th consecutive failed check
// of it and puts it back at the HealthyThreshold-th consecutive passed one.
// A Span starts at the time of the check that took the target out and ends
// at the time of the check that put it back (the checks' own times, when
// they started).
type HealthTruth struct {
	Checks int
	Failed int
	// First and Last are the earliest and latest check times.
	First, Last   time.Time
	Reasons       map[string]int
	MismatchCodes map[int]int
	Targets       map[string]*TargetHealth
	Nodes         map[string]*HealthCounts
	Minutes       map[int64]*HealthCounts
	// FailOpen are the windows in which some node had every target out, so
	// routed to unhealthy targets: the union over nodes of NodeFailOpen.
	FailOpen []Span
	// NodeFailOpen are, per node, the windows in which that node had every
	// target of the group out.
	NodeFailOpen map[string][]Span
	// AllFailingMinutes are the minutes (in time order) in which every
	// target was checked and every check of every target failed: all
	// targets failing at once, whatever the thresholds.
	AllFailingMinutes []time.Time
	// Incidents lists the injected incidents in scenario order; Rows is the
	// number of checks each made fail.
	Incidents []IncidentWindow
}

// HealthCounts counts the checks of a slice of them (a target, a node, a
// minute).
type HealthCounts struct {
	Checks int
	Failed int
	// Reasons counts the failed checks per reason_code.
	Reasons map[string]int
	// MismatchCodes counts the status codes of ResponseCodeMismatch checks.
	MismatchCodes map[int]int
}

// TargetHealth is the truth about one target.
type TargetHealth struct {
	HealthCounts
	// FirstFailed and LastFailed are the times of its first and last failed
	// checks (zero when none failed).
	FirstFailed, LastFailed time.Time
	// Unhealthy are the windows in which some node had it out: the union
	// of NodeUnhealthy.
	Unhealthy []Span
	// NodeUnhealthy are, per node, the windows in which that node had it
	// out.
	NodeUnhealthy map[string][]Span
}

// Span is a window of time; End is zero when it lasts to the end of the
// scenario.
type Span struct {
	Start, End time.Time
}

func (c *HealthCounts) add(ch *check) {
	c.Checks++
	if ch.pass {
		return
	}
	c.Failed++
	if c.Reasons == nil {
		c.Reasons = map[string]int{}
	}
	c.Reasons[ch.reason]++
	if ch.reason == reasonCodeMismatch {
		if c.MismatchCodes == nil {
			c.MismatchCodes = map[int]int{}
		}
		c.MismatchCodes[ch.code]++
	}
}

// span64 is a window in Unix microseconds; end is openEnd while it lasts.
type span64 struct{ start, end int64 }

const openEnd = math.MaxInt64

// nodeState is one node's view of one target.
type nodeState struct {
	out           bool
	fails, passes int
	since         int64
	spans         []span64
}

// healthTruthBuilder accumulates the truth check by check, in time order.
type healthTruthBuilder struct {
	g       *healthGen
	tr      *HealthTruth
	state   [][]nodeState // [node][target]
	minutes map[int64][]minuteCount
}

type minuteCount struct{ checks, failed int }

func newHealthTruth(g *healthGen) *healthTruthBuilder {
	b := &healthTruthBuilder{
		g: g,
		tr: &HealthTruth{Reasons: map[string]int{}, MismatchCodes: map[int]int{},
			Targets: map[string]*TargetHealth{}, Nodes: map[string]*HealthCounts{},
			Minutes: map[int64]*HealthCounts{}, NodeFailOpen: map[string][]Span{}},
		minutes: map[int64][]minuteCount{},
	}
	b.state = make([][]nodeState, len(g.nodes))
	for i := range b.state {
		b.state[i] = make([]nodeState, len(g.targets))
	}
	return b
}

func (b *healthTruthBuilder) add(ch *check) {
	tr := b.tr
	t := time.UnixMicro(ch.t).UTC()
	widen(&tr.First, &tr.Last, tr.Checks, t)
	tr.Checks++
	if !ch.pass {
		tr.Failed++
		tr.Reasons[ch.reason]++
		if ch.reason == reasonCodeMismatch {
			tr.MismatchCodes[ch.code]++
		}
	}
	addr := b.g.targets[ch.target]
	th := tr.Targets[addr]
	if th == nil {
		th = &TargetHealth{NodeUnhealthy: map[string][]Span{}}
		tr.Targets[addr] = th
	}
	th.add(ch)
	if !ch.pass {
		if th.FirstFailed.IsZero() {
			th.FirstFailed = t
		}
		th.LastFailed = t
	}
	node := b.g.nodes[ch.node]
	countsOf(tr.Nodes, node).add(ch)
	m := minuteOf(ch.t)
	mc := tr.Minutes[m]
	if mc == nil {
		mc = &HealthCounts{}
		tr.Minutes[m] = mc
		b.minutes[m] = make([]minuteCount, len(b.g.targets))
	}
	mc.add(ch)
	b.minutes[m][ch.target].checks++
	if !ch.pass {
		b.minutes[m][ch.target].failed++
	}

	// The node's view of the target, by the thresholds.
	s := &b.state[ch.node][ch.target]
	hs := b.g.hs
	if ch.pass {
		s.passes++
		s.fails = 0
		if s.out && s.passes >= hs.HealthyThreshold {
			s.out = false
			s.spans = append(s.spans, span64{s.since, ch.t})
		}
	} else {
		s.fails++
		s.passes = 0
		if !s.out && s.fails >= hs.UnhealthyThreshold {
			s.out = true
			s.since = ch.t
		}
	}
}

func (b *healthTruthBuilder) finish() *HealthTruth {
	tr := b.tr
	g := b.g
	var nodeOpen [][]span64
	for n, node := range g.nodes {
		var every []span64 // every target out in this node's view
		for t, addr := range g.targets {
			s := &b.state[n][t]
			if s.out {
				s.spans = append(s.spans, span64{s.since, openEnd})
			}
			if th := tr.Targets[addr]; th != nil && len(s.spans) > 0 {
				th.NodeUnhealthy[node] = toSpans(s.spans)
			}
			if t == 0 {
				every = s.spans
			} else {
				every = intersectSpans(every, s.spans)
			}
		}
		if len(every) > 0 {
			tr.NodeFailOpen[node] = toSpans(every)
		}
		nodeOpen = append(nodeOpen, every)
	}
	for t, addr := range g.targets {
		th := tr.Targets[addr]
		if th == nil {
			continue
		}
		var all []span64
		for n := range g.nodes {
			all = append(all, b.state[n][t].spans...)
		}
		th.Unhealthy = toSpans(unionSpans(all))
	}
	tr.FailOpen = toSpans(unionSpans(slices.Concat(nodeOpen...)))
	for m, counts := range b.minutes {
		all := true
		for _, c := range counts {
			if c.checks == 0 || c.failed != c.checks {
				all = false
				break
			}
		}
		if all {
			tr.AllFailingMinutes = append(tr.AllFailingMinutes, time.Unix(m, 0).UTC())
		}
	}
	slices.SortFunc(tr.AllFailingMinutes, time.Time.Compare)
	for _, in := range g.incidents {
		tr.Incidents = append(tr.Incidents, IncidentWindow{
			Name: in.Name, Kind: in.Kind.String(), Start: in.Start.UTC(), End: in.End.UTC(),
			Targets: in.Targets, Node: in.Node, Rows: in.affected,
		})
	}
	return tr
}

// unionSpans merges overlapping or touching windows, in time order.
func unionSpans(s []span64) []span64 {
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b span64) int { return cmp.Compare(a.start, b.start) })
	var out []span64
	for _, x := range s {
		if n := len(out); n > 0 && x.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}

// intersectSpans returns the windows both a and b hold; each is in time
// order without overlaps.
func intersectSpans(a, b []span64) []span64 {
	var out []span64
	for i, j := 0, 0; i < len(a) && j < len(b); {
		s, e := max(a[i].start, b[j].start), min(a[i].end, b[j].end)
		if s < e {
			out = append(out, span64{s, e})
		}
		if a[i].end < b[j].end {
			i++
		} else {
			j++
		}
	}
	return out
}

func toSpans(s []span64) []Span {
	var out []Span
	for _, x := range s {
		sp := Span{Start: time.UnixMicro(x.start).UTC()}
		if x.end != openEnd {
			sp.End = time.UnixMicro(x.end).UTC()
		}
		out = append(out, sp)
	}
	return out
}
