package gen

import (
	"fmt"
	"net/netip"
	"slices"
	"time"
)

// Health-check log layouts: the number of space-separated fields per line.
const (
	HealthLayout8  = 8  // up to reason_code, the earlier documentation's layout and reason codes
	HealthLayout10 = 10 // + elb and ip_address (the node), the current layout
)

// HealthScenario describes the health checks the nodes of an
// ALBScenario's load balancer run against its targets: every node checks
// every target every Interval, and each check passes unless an incident
// makes it fail. Health logs and access logs generated from the same
// ALBScenario tell one story: same load balancer, nodes, targets, target
// group, account, region, key prefix and delivery delay.
type HealthScenario struct {
	// ALB is the load balancer whose targets are checked (required). Its
	// defaults apply (ALBScenario field comments); its Rows, Incidents and
	// traffic play no part here.
	ALB *ALBScenario
	// Seed drives every random choice (default derived from ALB.Seed).
	Seed uint64
	// Start and End bound the check times: Start ≤ time < End (default the
	// ALB scenario's).
	Start, End time.Time
	// Interval is HealthCheckIntervalSeconds (default 30 s, at least 5 s).
	Interval time.Duration
	// Timeout is HealthCheckTimeoutSeconds (default 5 s, less than
	// Interval): a TimedOut check takes a little longer.
	Timeout time.Duration
	// UnhealthyThreshold is UnhealthyThresholdCount (default 2): a node
	// takes a target out after this many consecutive failed checks.
	UnhealthyThreshold int
	// HealthyThreshold is HealthyThresholdCount (default 5): a node puts
	// a target back after this many consecutive passed checks.
	HealthyThreshold int
	// Matcher is the code a passing check gets (default 200).
	Matcher int
	// Type is the check's type field (default "http").
	Type string
	// Layout is HealthLayout10 (default) or HealthLayout8, which also writes
	// the earlier reason codes: RequestTimedOut or ConnectionTimedOut where
	// the current layout writes TimedOut.
	Layout int
	// Incidents are applied in order: the first whose window, filters and
	// rate select a check makes it fail.
	Incidents []HealthIncident
}

// HealthKind is how the checks an incident selects fail.
type HealthKind int

// Health incident kinds.
const (
	// HealthCodeMismatch: the target answers Status (default 299), which
	// the matcher does not accept: FAIL, ResponseCodeMismatch.
	HealthCodeMismatch HealthKind = iota + 1
	// HealthTargetError: the target answers Status (default 503), a 5xx:
	// FAIL, TargetError.
	HealthTargetError
	// HealthTimeout: no answer within the timeout: FAIL, no status code,
	// TimedOut, latency just over the timeout.
	HealthTimeout
	// HealthReset: the target resets the connection: FAIL, no status
	// code, ConnectionReset.
	HealthReset
	// HealthOverload: an exhausted target: two checks in three time out,
	// the others are reset.
	HealthOverload
)

var healthKindNames = [...]string{
	HealthCodeMismatch: "code_mismatch", HealthTargetError: "target_error", HealthTimeout: "timeout",
	HealthReset: "reset", HealthOverload: "overload",
}

// String returns a short name of the kind.
func (k HealthKind) String() string {
	if k > 0 && int(k) < len(healthKindNames) {
		return healthKindNames[k]
	}
	return fmt.Sprintf("HealthKind(%d)", int(k))
}

// HealthIncident makes the checks it selects fail: those whose time is in
// [Start, End), whose target and node pass the filters, drawn with
// probability Rate.
type HealthIncident struct {
	// Name labels the incident in the truth.
	Name string
	// Kind is how the selected checks fail.
	Kind HealthKind
	// Start and End bound the window.
	Start, End time.Time
	// Rate is the share of eligible checks that fail, in (0, 1].
	Rate float64
	// Targets restricts the incident to these targets (ip:port); empty
	// means every target.
	Targets []string
	// Node restricts it to the checks of this load balancer node.
	Node string
	// Status is the code of HealthCodeMismatch (default 299) and
	// HealthTargetError (default 503).
	Status int
	// BurstEvery and BurstFor, when both > 0, make the incident active only
	// during the first BurstFor of every BurstEvery from Start.
	BurstEvery, BurstFor time.Duration
}

func (hs *HealthScenario) withDefaults() (*HealthScenario, *ALBScenario, error) {
	if hs.ALB == nil {
		return nil, nil, fmt.Errorf("gen: health scenario needs its ALB scenario")
	}
	alb, err := hs.ALB.withDefaults()
	if err != nil {
		return nil, nil, err
	}
	c := *hs
	if c.Seed == 0 {
		c.Seed = splitmix(alb.Seed ^ 0x6865616c7468)
	}
	if c.Start.IsZero() {
		c.Start = alb.Start
	}
	if c.End.IsZero() {
		c.End = alb.End
	}
	if !c.End.After(c.Start) {
		return nil, nil, fmt.Errorf("gen: health scenario needs Start before End")
	}
	if c.Interval == 0 {
		c.Interval = 30 * time.Second
	}
	if c.Timeout == 0 {
		c.Timeout = 5 * time.Second
	}
	if c.Interval < 5*time.Second || c.Timeout <= 0 || c.Timeout >= c.Interval {
		return nil, nil, fmt.Errorf("gen: health check interval %v and timeout %v: want an interval of 5 s or more and a shorter timeout", c.Interval, c.Timeout)
	}
	if c.UnhealthyThreshold == 0 {
		c.UnhealthyThreshold = 2
	}
	if c.HealthyThreshold == 0 {
		c.HealthyThreshold = 5
	}
	if c.UnhealthyThreshold < 1 || c.HealthyThreshold < 1 {
		return nil, nil, fmt.Errorf("gen: health thresholds %d and %d: want 1 or more", c.UnhealthyThreshold, c.HealthyThreshold)
	}
	if c.Matcher == 0 {
		c.Matcher = 200
	}
	if c.Type == "" {
		c.Type = "http"
	}
	switch c.Layout {
	case 0:
		c.Layout = HealthLayout10
	case HealthLayout8, HealthLayout10:
	default:
		return nil, nil, fmt.Errorf("gen: unsupported health-check layout %d", c.Layout)
	}
	c.Incidents = slices.Clone(c.Incidents)
	for i := range c.Incidents {
		in := &c.Incidents[i]
		switch in.Kind {
		case HealthCodeMismatch:
			if in.Status == 0 {
				in.Status = 299
			}
			if in.Status == c.Matcher || in.Status < 100 || in.Status > 599 {
				return nil, nil, fmt.Errorf("gen: health incident %d: status %d cannot fail the matcher %d", i, in.Status, c.Matcher)
			}
		case HealthTargetError:
			if in.Status == 0 {
				in.Status = 503
			}
			if in.Status < 500 || in.Status > 599 {
				return nil, nil, fmt.Errorf("gen: health incident %d: status %d is not a 5xx", i, in.Status)
			}
		case HealthTimeout, HealthReset, HealthOverload:
		default:
			return nil, nil, fmt.Errorf("gen: health incident %d: unknown kind %d", i, in.Kind)
		}
		for _, t := range in.Targets {
			if !slices.Contains(alb.Targets, t) {
				return nil, nil, fmt.Errorf("gen: health incident %d: %q is not a target of the load balancer", i, t)
			}
		}
		if in.Node != "" && !slices.Contains(alb.Nodes, in.Node) {
			return nil, nil, fmt.Errorf("gen: health incident %d: %q is not a node of the load balancer", i, in.Node)
		}
	}
	for _, n := range alb.Nodes {
		if _, err := netip.ParseAddr(n); err != nil {
			return nil, nil, fmt.Errorf("gen: node %q: %w", n, err)
		}
	}
	return &c, alb, nil
}

// MatcherMismatch is incident 4b, "every target unhealthy although curl
// works": from start on, the application answers its health check with
// status (299, say) where the target group's matcher expects 200, so every
// check of every target fails with ResponseCodeMismatch, every target is
// taken out and the load balancer fails open: it keeps routing to all of
// them, and the access logs look normal.
func MatcherMismatch(start, end time.Time, status int) HealthIncident {
	return HealthIncident{Name: fmt.Sprintf("health check answers %d, the matcher expects 200", status),
		Kind: HealthCodeMismatch, Start: start, End: end, Rate: 1, Status: status}
}

// Overload is incident 3, "502s that come and go under growing traffic",
// on both logs. Traffic ramps up to factor times the usual rate over
// [start, end); every `every` from start, for `burst`, the workers of some
// targets are exhausted: their health checks time out or are reset, and a
// share rate of their requests end in 502 target.connection_error. The
// bursts take the targets in turn, one a burst, so that each is taken out
// and put back (with two targets, the healthy count flaps 2→1→2); the last
// burst that fits the window takes every target at once, so that the
// target group fails open. A burst of two minutes or more holds at least one
// whole minute in which every check of its targets fails; a gap between
// bursts longer than the healthy threshold times the interval (2.5 min by
// default) lets the targets come back in between.
//
// The ALB incidents go to the ALBScenario, the health incidents to the
// HealthScenario built on it.
func Overload(start, end time.Time, targets []string, every, burst time.Duration, factor, rate float64) ([]ALBIncident, []HealthIncident) {
	var albs []ALBIncident
	var hcs []HealthIncident
	n := 0
	for t := start; t.Add(burst).Compare(end) <= 0 && every > 0; t = t.Add(every) {
		n++
	}
	for i := range n {
		from := start.Add(time.Duration(i) * every)
		to := from.Add(burst)
		ts := targets
		name := "worker exhaustion on every target"
		if i < n-1 && len(targets) > 1 {
			ts = targets[i%len(targets) : i%len(targets)+1]
			name = "worker exhaustion on " + ts[0]
		}
		albs = append(albs, ALBIncident{Name: name, Kind: ALBConnectionError, Start: from, End: to, Rate: rate, Targets: ts})
		hcs = append(hcs, HealthIncident{Name: name, Kind: HealthOverload, Start: from, End: to, Rate: 1, Targets: ts})
	}
	albs = append(albs, ALBIncident{Name: "growing traffic", Kind: ALBConnectionError, Start: start, End: end,
		TrafficFactor: factor, Ramp: true})
	return albs, hcs
}
