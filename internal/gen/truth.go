package gen

import "time"

// Counts is the truth about one slice of traffic (a target, node, subnet,
// minute, point of presence or distribution).
type Counts struct {
	// Requests is the number of rows.
	Requests int
	// Errors5xx is the number of rows with a 5xx status.
	Errors5xx int
	// Causes counts the 5xx rows per cause code.
	Causes map[string]int
	// Domains counts the 5xx rows per domain code.
	Domains map[string]int
}

func (c *Counts) add(is5xx bool, cause string) {
	c.Requests++
	if !is5xx {
		return
	}
	c.Errors5xx++
	if c.Causes == nil {
		c.Causes = map[string]int{}
		c.Domains = map[string]int{}
	}
	c.Causes[cause]++
	c.Domains[CauseDomain(cause)]++
}

// countsOf returns m's counts of k, made zero when k has none yet: the
// Counts of access logs or the ConnCounts of connections.
func countsOf[K comparable, C any](m map[K]*C, k K) *C {
	c := m[k]
	if c == nil {
		c = new(C)
		m[k] = c
	}
	return c
}

// IncidentWindow records one injected incident and how many rows it shaped.
type IncidentWindow struct {
	Name string
	// Kind is the incident kind's name (ALBKind.String or CFKind.String).
	Kind string
	// Cause is the taxonomy cause of the rows it shaped ("" for context or
	// dropped traffic).
	Cause      string
	Start, End time.Time
	Targets    []string
	Subnet     string
	Node       string
	// POP and Distribution are the CloudFront filters.
	POP          string
	Distribution string
	// Rows is the number of rows the incident shaped (for a node drop: the
	// number of rows removed).
	Rows int
}

// ALBTruth is what a correct analysis of the generated ALB rows must find.
// Map keys: Classes "2xx".."5xx"; Status the elb_status_code; Causes and
// Domains the taxonomy codes; Context the non-5xx context keys (Context*
// constants); Targets "ip:port"; Nodes the node IP (from object names);
// Subnets the target's /24 ("10.0.2.0/24"); Minutes the minute's start as
// Unix seconds.
type ALBTruth struct {
	Rows  int
	First time.Time // earliest row time
	Last  time.Time // latest row time
	Responses
	Targets map[string]*Counts
	Nodes   map[string]*Counts
	Subnets map[string]*Counts
	Minutes map[int64]*Counts
	// Incidents lists the injected incidents in scenario order.
	Incidents []IncidentWindow
}

func newALBTruth() *ALBTruth {
	return &ALBTruth{
		Responses: newResponses(), Targets: map[string]*Counts{},
		Nodes: map[string]*Counts{}, Subnets: map[string]*Counts{}, Minutes: map[int64]*Counts{},
	}
}

// Responses counts HTTP responses. Map keys: Classes "2xx".."5xx"; Status
// the elb_status_code; Causes and Domains the taxonomy codes of the 5xx;
// Context the non-5xx context keys (Context* constants).
type Responses struct {
	Classes map[string]int
	Status  map[int]int
	Causes  map[string]int
	Domains map[string]int
	Context map[string]int
}

func newResponses() Responses {
	return Responses{Classes: map[string]int{}, Status: map[int]int{}, Causes: map[string]int{},
		Domains: map[string]int{}, Context: map[string]int{}}
}

// add counts a response of status, with the cause of a 5xx and the
// context key of another ("" for none), and reports whether it is a 5xx.
func (r *Responses) add(status int, cause, context string) bool {
	r.Classes[classNames[status/100]]++
	r.Status[status]++
	is5 := status >= 500
	if is5 {
		r.Causes[cause]++
		r.Domains[CauseDomain(cause)]++
	}
	if context != "" {
		r.Context[context]++
	}
	return is5
}

// widen widens [*first, *last] to hold t; rows is the number of rows they
// bound so far.
func widen(first, last *time.Time, rows int, t time.Time) {
	if rows == 0 || t.Before(*first) {
		*first = t
	}
	if t.After(*last) {
		*last = t
	}
}

var classNames = [...]string{"1xx", "1xx", "2xx", "3xx", "4xx", "5xx"}

func (tr *ALBTruth) add(g *albGen, row *albRow) {
	widen(&tr.First, &tr.Last, tr.Rows, time.UnixMicro(row.t).UTC())
	tr.Rows++
	is5 := tr.Responses.add(row.elb, row.cause, row.context)
	if row.target >= 0 {
		tg := &g.targets[row.target]
		countsOf(tr.Targets, tg.addr).add(is5, row.cause)
		countsOf(tr.Subnets, tg.subnet).add(is5, row.cause)
	}
	countsOf(tr.Nodes, g.sc.Nodes[row.node]).add(is5, row.cause)
	minuteCounts(tr.Minutes, row.t).add(is5, row.cause)
}

// minuteCounts returns the Counts of m for the minute holding us
// (microseconds since the epoch), keyed by the minute's start in Unix
// seconds.
func minuteCounts(m map[int64]*Counts, us int64) *Counts {
	return countsOf(m, minuteOf(us))
}

// minuteOf returns the start, in Unix seconds, of the minute holding us
// (microseconds since the epoch).
func minuteOf(us int64) int64 {
	s := us / 1e6
	return s - ((s%60)+60)%60
}

func (tr *ALBTruth) finish(g *albGen) {
	for _, in := range g.incidents {
		tr.Incidents = append(tr.Incidents, IncidentWindow{
			Name: in.Name, Kind: in.Kind.String(), Cause: in.cause,
			Start: in.Start.UTC(), End: in.End.UTC(), Targets: in.Targets,
			Subnet: in.Subnet, Node: in.Node, Rows: in.affected,
		})
	}
}
