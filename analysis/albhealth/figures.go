package albhealth

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"net/netip"
	"slices"
	"strconv"

	"github.com/lbtriage/lbtriage/analysis"
)

// PartKey is the JSON key of the health part of a report.
const PartKey = "health"

// Figures are the health checks of one load balancer: the "health" object
// of the JSON report (docs/report-json.md).
type Figures struct {
	Checks    int64              `json:"checks"`
	Failed    int64              `json:"failed"`
	TimeRange analysis.TimeRange `json:"time_range"`
	// Thresholds are those the health windows assume.
	Thresholds Thresholds `json:"thresholds"`
	// ByReason counts the failed checks per reason_code.
	ByReason map[string]int64 `json:"by_reason"`
	// Failures count them per reason and status code, the most first.
	Failures []Failure `json:"failures"`
	// PassCodes counts the status codes of passed checks: what the
	// matcher accepts.
	PassCodes map[string]int64 `json:"pass_codes"`
	Targets   []Target         `json:"targets"`
	Nodes     []Node           `json:"nodes"`
	// FailOpen are the windows in which a node had every target of a
	// target group out: the load balancer routes to all of them.
	FailOpen []FailOpen `json:"fail_open"`
	// Timeline counts the checks per bucket (the report's bucket_seconds).
	Timeline []Bucket `json:"timeline"`

	// health is each target's health over time, for the sections.
	health *analysis.StateTimeline
}

// Thresholds are the consecutive failed and passed checks after which a
// node takes a target out and puts it back. Assumed is true when they are
// AWS's defaults rather than the target group's settings, which the logs
// do not carry.
type Thresholds struct {
	Unhealthy int  `json:"unhealthy"`
	Healthy   int  `json:"healthy"`
	Assumed   bool `json:"assumed"`
}

// Failure counts the failed checks of one reason and status code.
type Failure struct {
	Reason string `json:"reason"`
	// StatusCode is what the target answered; 0 (absent) for no answer.
	StatusCode int   `json:"status_code,omitempty"`
	Checks     int64 `json:"checks"`
}

// Target is one target's checks and health.
type Target struct {
	Target      string           `json:"target"`
	TargetGroup string           `json:"target_group,omitempty"`
	Checks      int64            `json:"checks"`
	Failed      int64            `json:"failed"`
	FirstFailed analysis.Time    `json:"first_failed"`
	LastFailed  analysis.Time    `json:"last_failed"`
	ByReason    map[string]int64 `json:"by_reason"`
	// Unhealthy are the windows in which some node had it out.
	Unhealthy []Span `json:"unhealthy"`
	// TakenOut counts those windows; Flapping is true when it was taken
	// out, put back and taken out again.
	TakenOut int  `json:"taken_out"`
	Flapping bool `json:"flapping"`
	// FailingAtEnd is true when its last check failed.
	FailingAtEnd bool `json:"failing_at_end"`
	// Nodes are each node's view of it.
	Nodes []TargetNode `json:"nodes"`
}

// TargetNode is one node's checks of one target.
type TargetNode struct {
	Node      string `json:"node"`
	Checks    int64  `json:"checks"`
	Failed    int64  `json:"failed"`
	Unhealthy []Span `json:"unhealthy"`
}

// Span is a window of time. A window that lasts to the end of the logs
// has ToEnd set and End at the last check.
type Span struct {
	Start analysis.Time `json:"start"`
	End   analysis.Time `json:"end"`
	ToEnd bool          `json:"to_end,omitempty"`
}

// Node is one load balancer node's checks.
type Node struct {
	Node     string           `json:"node"`
	Checks   int64            `json:"checks"`
	Failed   int64            `json:"failed"`
	ByReason map[string]int64 `json:"by_reason"`
}

// FailOpen is a window in which every target of a target group was out,
// in the view of the nodes listed.
type FailOpen struct {
	Span
	TargetGroup string   `json:"target_group,omitempty"`
	Targets     int      `json:"targets"`
	Nodes       []string `json:"nodes"`
}

// Bucket counts the checks of one time bucket.
type Bucket struct {
	Start  analysis.Time `json:"start"`
	Checks int64         `json:"checks"`
	Failed int64         `json:"failed"`
	// TargetsFailing counts the targets with a failed check in it.
	TargetsFailing int `json:"targets_failing"`
}

// figures computes the state's figures; assumed says whether the
// thresholds are the defaults. The result depends only on the state's
// contents, not on the order its checks came in.
func (s *state) figures(assumed bool) *Figures {
	f := &Figures{
		Checks: s.checks, Failed: s.failed,
		Thresholds: Thresholds{Unhealthy: int(s.th.unhealthy), Healthy: int(s.th.healthy), Assumed: assumed},
		ByReason:   s.failures.byReason(),
		Failures:   []Failure{},
		PassCodes:  map[string]int64{},
		Targets:    []Target{},
		Nodes:      []Node{},
		FailOpen:   []FailOpen{},
		Timeline:   []Bucket{},
	}
	if s.checks == 0 {
		return f
	}
	f.TimeRange = analysis.TimeRange{First: analysis.UnixMicro(s.first), Last: analysis.UnixMicro(s.last)}
	for _, c := range s.failures {
		f.Failures = append(f.Failures, Failure{Reason: c.reason, StatusCode: int(c.code), Checks: c.n})
	}
	slices.SortFunc(f.Failures, func(a, b Failure) int {
		return cmp.Or(cmp.Compare(b.Checks, a.Checks), cmp.Compare(a.Reason, b.Reason), cmp.Compare(a.StatusCode, b.StatusCode))
	})
	for code, n := range s.passCodes {
		f.PassCodes[codeKey(code)] += n
	}
	end := s.last
	spanOf := func(x span) Span {
		if x.end == openEnd {
			return Span{Start: analysis.UnixMicro(x.start), End: analysis.UnixMicro(end), ToEnd: true}
		}
		return Span{Start: analysis.UnixMicro(x.start), End: analysis.UnixMicro(x.end)}
	}
	spansOf := func(xs []span) []Span {
		out := make([]Span, 0, len(xs))
		for _, x := range xs {
			out = append(out, spanOf(x))
		}
		return out
	}

	// Each node's view of each target, then per target and per group.
	type groupView struct {
		targets int
		// per node: each target's presence (its first check) and windows out
		nodes map[string][]nodeTarget
	}
	groups := map[string]*groupView{}
	var strips []strip
	for _, t := range s.sortedTargets() {
		tg := Target{
			Target: t.key.name(), TargetGroup: t.key.group, Checks: t.checks, Failed: t.failed,
			ByReason: t.failures.byReason(), Nodes: []TargetNode{}, FailingAtEnd: t.lastCheckFailed,
		}
		if t.failed > 0 {
			tg.FirstFailed, tg.LastFailed = analysis.UnixMicro(t.firstFailed), analysis.UnixMicro(t.lastFailed)
		}
		g := groups[t.key.group]
		if g == nil {
			g = &groupView{nodes: map[string][]nodeTarget{}}
			groups[t.key.group] = g
		}
		g.targets++
		var all []span
		present := int64(math.MaxInt64)
		for _, node := range slices.Sorted(maps.Keys(t.series)) {
			se := t.series[node]
			out := view(se.pieces, s.th)
			first := se.pieces[0].first // view sorted the pieces
			present = min(present, first)
			tg.Nodes = append(tg.Nodes, TargetNode{Node: node, Checks: se.checks, Failed: se.failed, Unhealthy: spansOf(out)})
			all = append(all, out...)
			g.nodes[node] = append(g.nodes[node], nodeTarget{present: first, out: out})
		}
		u := union(all)
		tg.Unhealthy, tg.TakenOut = spansOf(u), len(u)
		tg.Flapping = len(u) >= 2
		f.Targets = append(f.Targets, tg)
		strips = append(strips, strip{name: tg.Target, group: t.key.group, failed: t.failed, first: present, last: t.lastCheck, out: u, failedIn: t.failedIn})
	}
	slices.SortStableFunc(f.Targets, func(a, b Target) int {
		return cmp.Or(cmp.Compare(b.Failed, a.Failed), cmp.Compare(a.TargetGroup, b.TargetGroup), compareAddr(a.Target, b.Target))
	})

	// Fail-open: per group, the union over nodes of the windows in which
	// the node had every target it checks out.
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		g := groups[name]
		type nodeWindow struct {
			node string
			w    span
		}
		var wins []nodeWindow
		var all []span
		for _, node := range slices.Sorted(maps.Keys(g.nodes)) {
			for _, w := range allOut(g.nodes[node]) {
				wins = append(wins, nodeWindow{node, w})
				all = append(all, w)
			}
		}
		open := union(all)
		for i := range strips {
			if strips[i].group == name {
				strips[i].open = open
			}
		}
		for _, u := range open {
			fo := FailOpen{Span: spanOf(u), TargetGroup: name, Targets: g.targets, Nodes: []string{}}
			for _, w := range wins {
				if w.w.start < u.end && u.start < w.w.end && !slices.Contains(fo.Nodes, w.node) {
					fo.Nodes = append(fo.Nodes, w.node)
				}
			}
			slices.SortFunc(fo.Nodes, compareAddr)
			f.FailOpen = append(f.FailOpen, fo)
		}
	}
	slices.SortStableFunc(f.FailOpen, func(a, b FailOpen) int { return a.Start.Compare(b.Start.Time) })

	for _, node := range slices.Sorted(maps.Keys(s.nodes)) {
		n := s.nodes[node]
		f.Nodes = append(f.Nodes, Node{Node: node, Checks: n.checks, Failed: n.failed, ByReason: n.failures.byReason()})
	}
	slices.SortStableFunc(f.Nodes, func(a, b Node) int { return compareAddr(a.Node, b.Node) })

	f.Timeline = s.timeline()
	f.health = s.healthTimeline(strips)
	return f
}

// nodeTarget is one target in one node's view: checked from present on,
// out in the windows out.
type nodeTarget struct {
	present int64
	out     []span
}

// allOut returns the windows in which every target of ts that is present
// (checked once at least) is out.
func allOut(ts []nodeTarget) []span {
	type edge struct {
		t       int64
		present int
		out     int
	}
	var edges []edge
	for _, t := range ts {
		edges = append(edges, edge{t: t.present, present: 1})
		for _, w := range t.out {
			edges = append(edges, edge{t: w.start, out: 1})
			if w.end != openEnd {
				edges = append(edges, edge{t: w.end, out: -1})
			}
		}
	}
	slices.SortFunc(edges, func(a, b edge) int { return cmp.Compare(a.t, b.t) })
	var out []span
	present, n := 0, 0
	since, all := int64(0), false
	for i := 0; i < len(edges); {
		t := edges[i].t
		for ; i < len(edges) && edges[i].t == t; i++ {
			present += edges[i].present
			n += edges[i].out
		}
		now := present > 0 && n == present
		switch {
		case now && !all:
			since, all = t, true
		case !now && all:
			out = append(out, span{since, t})
			all = false
		}
	}
	if all {
		out = append(out, span{since, openEnd})
	}
	return out
}

// union merges overlapping or touching windows, in time order.
func union(s []span) []span {
	s = slices.Clone(s)
	slices.SortFunc(s, func(a, b span) int { return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.end, b.end)) })
	var out []span
	for _, x := range s {
		if n := len(out); n > 0 && x.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, x.end)
			continue
		}
		out = append(out, x)
	}
	return out
}

// maxTimelineBuckets caps the gap filling of the timeline: past it, only
// the buckets that hold checks are listed.
const maxTimelineBuckets = 100_000

// timeline lists every bucket from the first check's to the last's.
func (s *state) timeline() []Bucket {
	failing := map[int64]int{}
	for _, t := range s.targetList {
		for k := range t.failedIn {
			failing[k]++
		}
	}
	var keys []int64
	lo, hi := analysis.FloorDiv(s.first, s.bucketUS), analysis.FloorDiv(s.last, s.bucketUS)
	if hi-lo < maxTimelineBuckets {
		for k := lo; k <= hi; k++ {
			keys = append(keys, k)
		}
	} else {
		keys = slices.Sorted(maps.Keys(s.buckets))
	}
	out := make([]Bucket, 0, len(keys))
	for _, k := range keys {
		b := Bucket{Start: analysis.UnixMicro(k * s.bucketUS), TargetsFailing: failing[k]}
		if c := s.buckets[k]; c != nil {
			b.Checks, b.Failed = c.checks, c.failed
		}
		out = append(out, b)
	}
	return out
}

// sortedTargets returns the targets by group and name.
func (s *state) sortedTargets() []*target {
	ts := slices.Clone(s.targetList)
	slices.SortFunc(ts, func(a, b *target) int {
		return cmp.Or(cmp.Compare(a.key.group, b.key.group), cmp.Compare(a.key.name(), b.key.name()))
	})
	return ts
}

func codeKey(code uint16) string {
	if code == 0 {
		return "-"
	}
	return strconv.Itoa(int(code))
}

// compareAddr orders addresses and ip:port pairs numerically, anything
// else after them by text.
func compareAddr(x, y string) int {
	ax, okx := parseAddr(x)
	ay, oky := parseAddr(y)
	switch {
	case okx && oky:
		if c := ax.Compare(ay); c != 0 {
			return c
		}
	case okx:
		return -1
	case oky:
		return 1
	}
	return cmp.Compare(x, y)
}

func parseAddr(s string) (netip.AddrPort, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap, true
	}
	a, err := netip.ParseAddr(s)
	return netip.AddrPortFrom(a, 0), err == nil
}

// strip is what a target's row of the health timeline is drawn from.
type strip struct {
	name, group string
	failed      int64
	first, last int64  // its first and last checks
	out         []span // windows some node had it out
	open        []span // windows its group failed open
	failedIn    map[int64]int64
}

// States of the health timeline's cells, by severity.
const (
	statePassing int8 = iota
	stateFailing
	stateUnhealthy
	stateFailOpen
)

var healthStates = []string{"passing", "failing checks", "unhealthy", "unhealthy, failing open"}

// maxHealthCells caps the cells of a health timeline's row: past it,
// buckets are grouped, each cell showing the worst state of its buckets.
// maxHealthRows caps its rows: the targets with the most failed checks.
const (
	maxHealthCells = 240
	maxHealthRows  = 40
)

// healthTimeline draws each target's health over time, the most failed
// checks first: a cell per bucket (or group of buckets), in the worst state
// it saw: out in some node's view while its group failed open, out,
// failing checks, passing; no data before the target's first check and
// after its last.
func (s *state) healthTimeline(strips []strip) *analysis.StateTimeline {
	if len(strips) == 0 || s.bucketUS <= 0 {
		return nil
	}
	lo, hi := analysis.FloorDiv(s.first, s.bucketUS), analysis.FloorDiv(s.last, s.bucketUS)
	group := (hi-lo)/maxHealthCells + 1
	width := group * s.bucketUS
	cells := (hi-lo)/group + 1
	tl := &analysis.StateTimeline{
		Title:         "Health per target",
		Start:         analysis.UnixMicro(lo * s.bucketUS),
		BucketSeconds: width / 1e6,
		States:        healthStates,
	}
	slices.SortStableFunc(strips, func(a, b strip) int {
		return cmp.Or(cmp.Compare(b.failed, a.failed), cmp.Compare(a.group, b.group), compareAddr(a.name, b.name))
	})
	overlaps := func(ws []span, from, to int64) bool {
		for _, w := range ws {
			if w.start < to && w.end > from {
				return true
			}
		}
		return false
	}
	if len(strips) > maxHealthRows {
		tl.Title = fmt.Sprintf("Health of the %d targets with the most failed checks", maxHealthRows)
		strips = strips[:maxHealthRows]
	}
	failing := make([]bool, cells)
	for _, st := range strips {
		row := analysis.StateRow{Name: st.name, Cells: make([]int8, cells)}
		clear(failing)
		for k, n := range st.failedIn {
			if c := (k - lo) / group; n > 0 && c >= 0 && c < cells {
				failing[c] = true
			}
		}
		for c := range row.Cells {
			from := (lo + int64(c)*group) * s.bucketUS
			to := from + width
			cell := int8(-1)
			if st.first < to && st.last >= from {
				cell = statePassing
				if failing[c] {
					cell = stateFailing
				}
				if overlaps(st.out, from, to) {
					cell = stateUnhealthy
					if overlaps(st.open, from, to) {
						cell = stateFailOpen
					}
				}
			}
			row.Cells[c] = cell
		}
		tl.Rows = append(tl.Rows, row)
	}
	return tl
}
