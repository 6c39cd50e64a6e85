package albhealth

import (
	"cmp"
	"slices"
)

// How a load balancer node judges a target, from its own checks: every
// target starts healthy; the node takes it out at the Unhealthy-th
// consecutive failed check and puts it back at the Healthy-th consecutive
// passed one. The thresholds are settings of the target group
// (UnhealthyThresholdCount, HealthyThresholdCount), not in the logs: the
// family assumes AWS's defaults unless told otherwise.
const (
	DefaultUnhealthyThreshold = 2
	DefaultHealthyThreshold   = 5
	// maxThreshold is the largest threshold AWS allows (2 to 10).
	maxThreshold = 10
)

// thresholds are the consecutive failed and passed checks that change a
// node's view of a target.
type thresholds struct{ unhealthy, healthy int64 }

// of returns the threshold of a run of failed (fail) or passed checks.
func (t thresholds) of(fail bool) int64 {
	if fail {
		return t.unhealthy
	}
	return t.healthy
}

// A series is one node's checks of one target. Its checks arrive in
// pieces, in any order: a piece is a stretch of them read in time order
// from one object. The threshold rules need the checks in time order, but
// not all of them: what a stretch does to a node's view depends only on
// its runs (consecutive checks with the same outcome), and a run changes
// the view only at its threshold-th check. So a piece keeps:
//
//   - its lead run, with the times of its first checks (as many as the
//     threshold), because it continues the run the previous piece ends
//     with, and its threshold-th check may come earlier than its own;
//   - its trail run's outcome and length, which the next piece continues;
//   - the events between them: the times at which a run inside the piece
//     reached its threshold, which no other piece can change (a run inside
//     starts after a check of the other outcome), only whether the first
//     one changes the view.
//
// A piece is about 130 bytes plus 8 per event, whatever the number of
// checks it sums up; events are changes of the view (taken out, put
// back), so a piece grows only with flapping.
type piece struct {
	first, last int64 // times of its first and last checks, µs
	n           int64
	lead        leadRun
	single      bool // the whole piece is one run: lead (trail unused)
	trail       run
	// events alternate, the first failing when evFail: a failing event
	// takes the target out, a passing one puts it back.
	evFail bool
	events []int64
}

// run is a run's outcome and length.
type run struct {
	fail bool
	n    int64
}

// leadRun is the first run of a piece, with the times of its first
// min(n, threshold) checks.
type leadRun struct {
	run
	times [maxThreshold]int64
}

// add appends a check at time t, failed or passed, to the piece; t is not
// before the piece's last check.
func (p *piece) add(t int64, fail bool, th thresholds) {
	if p.n == 0 {
		*p = piece{first: t, last: t, n: 1, single: true, lead: leadRun{run: run{fail: fail, n: 1}}}
		p.lead.times[0] = t
		return
	}
	p.last = t
	p.n++
	switch {
	case p.single && fail == p.lead.fail:
		if p.lead.n < th.of(fail) {
			p.lead.times[p.lead.n] = t
		}
		p.lead.n++
		return
	case !p.single && fail == p.trail.fail:
		p.trail.n++
	default:
		p.single = false
		p.trail = run{fail: fail, n: 1}
	}
	if p.trail.n == th.of(fail) {
		p.event(fail, t)
	}
}

// event records that a run inside the piece reached its threshold at t.
func (p *piece) event(fail bool, t int64) {
	if n := len(p.events); n == 0 {
		p.evFail = fail
	} else if lastFail := p.evFail == ((n-1)%2 == 0); lastFail == fail {
		return // the view is already so
	}
	p.events = append(p.events, t)
}

// comparePieces orders the pieces of a series by time, then by content,
// so that the order depends on nothing but the pieces.
func comparePieces(a, b *piece) int {
	if c := cmp.Or(cmp.Compare(a.first, b.first), cmp.Compare(a.last, b.last), cmp.Compare(a.n, b.n),
		cmpBool(a.lead.fail, b.lead.fail), cmp.Compare(a.lead.n, b.lead.n), slices.Compare(a.lead.times[:], b.lead.times[:]),
		cmpBool(a.single, b.single), cmpBool(a.trail.fail, b.trail.fail), cmp.Compare(a.trail.n, b.trail.n),
		cmpBool(a.evFail, b.evFail)); c != 0 {
		return c
	}
	return slices.Compare(a.events, b.events)
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// span is a window in µs: [start, end), end openEnd while it lasts.
type span struct{ start, end int64 }

// openEnd marks a span that lasts to the end of the logs.
const openEnd = int64(1<<63 - 1)

// view replays a series' pieces, in time order, through the threshold
// rules: it returns the windows in which the node had the target out.
func view(pieces []piece, th thresholds) []span {
	slices.SortFunc(pieces, func(a, b piece) int { return comparePieces(&a, &b) })
	var (
		out     []span
		healthy = true
		since   int64
		open    run  // the run the last piece ended with
		reached bool // open reached its threshold
		started bool
	)
	apply := func(fail bool, t int64) {
		switch {
		case fail && healthy:
			healthy, since = false, t
		case !fail && !healthy:
			healthy = true
			out = append(out, span{since, t})
		}
	}
	for i := range pieces {
		p := &pieces[i]
		l := p.lead
		need := th.of(l.fail)
		if started && open.fail == l.fail {
			if !reached && open.n+l.n >= need {
				apply(l.fail, l.times[need-open.n-1])
				reached = true
			}
			open.n += l.n
		} else {
			open, reached = l.run, l.n >= need
			if reached {
				apply(l.fail, l.times[need-1])
			}
		}
		started = true
		if p.single {
			continue
		}
		for k, t := range p.events {
			apply(p.evFail == (k%2 == 0), t)
		}
		open, reached = p.trail, p.trail.n >= th.of(p.trail.fail)
	}
	if !healthy {
		out = append(out, span{since, openEnd})
	}
	return out
}
