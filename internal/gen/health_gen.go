package gen

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// Reason codes written by the generator, as the documentation spells them.
const (
	reasonTimedOut           = "TimedOut"
	reasonRequestTimedOut    = "RequestTimedOut"
	reasonConnectionTimedOut = "ConnectionTimedOut"
	reasonConnectionReset    = "ConnectionReset"
	reasonCodeMismatch       = "ResponseCodeMismatch"
	reasonTargetError        = "TargetError"
)

// check is one health check before formatting. Times are Unix
// microseconds, the latency nanoseconds.
type check struct {
	t        int64
	node     int
	target   int
	latency  int64
	pass     bool
	code     int // 0 for "-"
	reason   string
	incident int // index of the incident that failed it, -1
}

type healthIncident struct {
	HealthIncident
	start, end   int64
	every, burst int64
	targetOK     []bool // per target index; nil = any
	node         int    // -1 any
	affected     int
}

type healthGen struct {
	hs        *HealthScenario
	alb       *ALBScenario
	r         *rand.Rand // phases, jitter, latencies
	ri        *rand.Rand // incident decisions and shapes
	nodes     []string
	targets   []string
	incidents []healthIncident
	start     int64
	end       int64
	interval  int64
	timeout   int64 // ns
	elb       string
	phase     [][]int64 // [node][target]: offset of the check in each round, µs
}

func newHealthGen(hs *HealthScenario) (*healthGen, error) {
	c, alb, err := hs.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &healthGen{
		hs:       c,
		alb:      alb,
		r:        rand.New(rand.NewPCG(c.Seed, splitmix(c.Seed))),
		ri:       rand.New(rand.NewPCG(splitmix(c.Seed^0x61), splitmix(c.Seed^0x62))),
		nodes:    alb.Nodes,
		targets:  alb.Targets,
		start:    c.Start.UnixMicro(),
		end:      c.End.UnixMicro(),
		interval: c.Interval.Microseconds(),
		timeout:  c.Timeout.Nanoseconds(),
		elb:      "app/" + alb.LBName + "/" + alb.LBID,
	}
	// Each node checks each target at its own offset in every round,
	// half a second or more from the round's edges, so that the jitter
	// never moves a check into the next round.
	span := g.interval - 2*edge
	g.phase = make([][]int64, len(g.nodes))
	for n := range g.phase {
		g.phase[n] = make([]int64, len(g.targets))
		for t := range g.phase[n] {
			g.phase[n][t] = edge + g.r.Int64N(span)
		}
	}
	for _, in := range c.Incidents {
		hi := healthIncident{HealthIncident: in, start: in.Start.UnixMicro(), end: in.End.UnixMicro(),
			every: in.BurstEvery.Microseconds(), burst: in.BurstFor.Microseconds(), node: -1}
		if in.Node != "" {
			hi.node = slices.Index(g.nodes, in.Node)
		}
		if len(in.Targets) > 0 {
			hi.targetOK = make([]bool, len(g.targets))
			for i, t := range g.targets {
				hi.targetOK[i] = slices.Contains(in.Targets, t)
			}
		}
		g.incidents = append(g.incidents, hi)
	}
	return g, nil
}

// edge is how far a check's offset stays from the edges of its round, and
// jitter how far a check moves from its offset, in microseconds.
const (
	edge   = 500_000
	jitter = 150_000
)

// run generates every check in time order and hands it to emit. The check
// is reused: emit must not keep it.
func (g *healthGen) run(emit func(*check)) {
	var round []check
	for ws := g.start; ws < g.end; ws += g.interval {
		round = round[:0]
		for n := range g.nodes {
			for t := range g.targets {
				ts := ws + g.phase[n][t] + g.r.Int64N(2*jitter+1) - jitter
				if ts < g.start || ts >= g.end {
					continue
				}
				round = append(round, check{t: ts, node: n, target: t})
			}
		}
		slices.SortFunc(round, func(a, b check) int {
			return cmp.Or(cmp.Compare(a.t, b.t), cmp.Compare(a.node, b.node), cmp.Compare(a.target, b.target))
		})
		for i := range round {
			g.shape(&round[i])
			emit(&round[i])
		}
	}
}

// shape decides the check's outcome: a pass unless an incident selects it.
func (g *healthGen) shape(c *check) {
	c.pass, c.code, c.reason, c.incident = true, g.hs.Matcher, "", -1
	c.latency = g.quickLatency(4e6)
	for i := range g.incidents {
		in := &g.incidents[i]
		if c.t < in.start || c.t >= in.end || in.Rate <= 0 {
			continue
		}
		if in.every > 0 && in.burst > 0 && (c.t-in.start)%in.every >= in.burst {
			continue
		}
		if in.node >= 0 && in.node != c.node || in.targetOK != nil && !in.targetOK[c.target] {
			continue
		}
		if g.ri.Float64() >= in.Rate {
			continue
		}
		in.affected++
		c.incident = i
		g.fail(c, in)
		return
	}
}

// fail gives the check the failure of the incident's kind.
func (g *healthGen) fail(c *check, in *healthIncident) {
	c.pass = false
	kind := in.Kind
	if kind == HealthOverload {
		kind = HealthTimeout
		if g.ri.IntN(3) == 0 {
			kind = HealthReset
		}
	}
	switch kind {
	case HealthCodeMismatch:
		c.code, c.reason = in.Status, reasonCodeMismatch
	case HealthTargetError:
		c.code, c.reason = in.Status, reasonTargetError
		c.latency = g.quickLatency(30e6)
	case HealthTimeout:
		c.code, c.reason = 0, reasonTimedOut
		if g.hs.Layout == HealthLayout8 {
			c.reason = reasonRequestTimedOut
			if g.ri.IntN(4) == 0 {
				c.reason = reasonConnectionTimedOut
			}
		}
		c.latency = g.timeout + 200_000 + g.ri.Int64N(1_300_000)
	case HealthReset:
		c.code, c.reason = 0, reasonConnectionReset
		c.latency = 200_000 + g.ri.Int64N(40_000_000)
	}
}

// quickLatency draws the latency of a check the target answers, in
// nanoseconds, around median.
func (g *healthGen) quickLatency(median float64) int64 {
	v := median * math.Exp(0.5*g.r.NormFloat64())
	return int64(min(v, float64(g.timeout)))
}

// appendCheck appends the check as a log line.
func (g *healthGen) appendCheck(dst []byte, f *albFormatter, c *check) []byte {
	dst = append(dst, g.hs.Type...)
	dst = append(dst, ' ')
	dst = f.appendTime(dst, c.t, 0)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, c.latency/1e9, 10)
	dst = append(dst, '.')
	dst = appendPad(dst, int(c.latency%1e9), 9)
	dst = append(dst, ' ')
	dst = append(dst, g.targets[c.target]...)
	dst = append(dst, ' ')
	dst = append(dst, g.alb.TargetGroup...)
	if c.pass {
		dst = append(dst, " PASS "...)
	} else {
		dst = append(dst, " FAIL "...)
	}
	if c.code == 0 {
		dst = append(dst, '-')
	} else {
		dst = strconv.AppendInt(dst, int64(c.code), 10)
	}
	dst = append(dst, ' ')
	if c.reason == "" {
		dst = append(dst, '-')
	} else {
		dst = append(dst, c.reason...)
	}
	if g.hs.Layout == HealthLayout10 {
		dst = append(dst, ' ')
		dst = append(dst, g.elb...)
		dst = append(dst, ' ')
		dst = append(dst, g.nodes[c.node]...)
	}
	return append(dst, '\n')
}
