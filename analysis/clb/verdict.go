package clb

import (
	"fmt"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// Thresholds of the Classic findings.
const (
	// unnamedShare: a target-domain cause whose lines name no instance for
	// at least this share of its 5xx gets a finding that says so.
	unnamedShare = 0.5
	// outageShare: lb.no_targets answering at least this share of the
	// requests of the minutes that had them means no instance was in
	// service at all.
	outageShare = 0.9
)

// verdict returns the Classic findings and notes, a "where" for the
// primary cause when the core found none, and a sentence for the summary
// of a report without requests.
func verdict(a *analysis.Aggregator, r *analysis.Report, st *state, ranked []analysis.CauseID) analysis.VerdictPart {
	var p analysis.VerdictPart
	total := a.Total5xx()
	for i, c := range ranked {
		n := a.CauseCount(c)
		if n < analysis.MinFindingErrors || float64(n)/float64(total) < analysis.SignificantShare {
			continue
		}
		var f, where string
		switch c {
		case idTargetTimeout:
			f, where = timeoutFinding(a, r, st)
		case idNoTargets:
			f, where = outageFinding(a, r, st)
		default:
			f, where = unnamedFinding(st, c, n)
		}
		if f != "" {
			p.Findings = append(p.Findings, f)
		}
		if i == 0 {
			p.Where = where
		}
	}
	conns := st.listeners[lTCP].connections + st.listeners[lSSL].connections
	if conns > 0 {
		p.Notes = append(p.Notes, fmt.Sprintf(
			"%s lines of TCP and SSL listeners are connections, which carry no HTTP status: they are counted apart (see the Classic Load Balancer section), never as requests or 5xx.",
			numfmt.Int(conns)))
		if a.Requests() == 0 {
			p.Summary = fmt.Sprintf("The log holds %s TCP and SSL connections, which carry no HTTP status.", numfmt.Int(conns))
		}
	}
	return p
}

// timeoutFinding names the instance of the target.timeout 5xx by its slow
// requests in the minutes that had them, or says that the log does not
// name it.
func timeoutFinding(a *analysis.Aggregator, r *analysis.Report, st *state) (finding, where string) {
	v := slowness(st, r, a.BucketUS())
	if v == nil {
		return "", "" // every timeout names its instance: the core's findings say where
	}
	when := span(v.first, v.last, a.BucketUS())
	if !v.suspect {
		return fmt.Sprintf(
				"%s: a Classic log writes these 504s with backend \"-\", so it does not name the instance that stayed silent, and no instance's requests stand out as slow in their minutes (%s): look for the instance whose own logs or Latency metric show requests close to the idle timeout then, and at BackendConnectionErrors per Availability Zone.",
				CauseTargetTimeout, when),
			"on an instance the log does not name"
	}
	top := v.rows[0]
	others := "no other instance did"
	switch {
	case v.othersSlow == 1:
		others = "the other instances 1"
	case v.othersSlow > 1:
		others = "the other instances " + numfmt.Int(v.othersSlow)
	}
	finding = fmt.Sprintf(
		"%s: a Classic log writes these 504s with backend \"-\", so it does not name the instance; in their minutes (%s), instance %s answered %s requests in %s or more, up to %s s, and %s: it is most likely the instance that stayed silent past the idle timeout. Check what it waits for (database pool, downstream calls, stuck workers) and what was deployed to it, or raise the idle timeout if such long requests are expected.",
		CauseTargetTimeout, when, top.name, numfmt.Int(top.n), seconds(slowEdges[v.edge]), fmt.Sprintf("%.1f", top.maxMs/1000), others)
	where = fmt.Sprintf("most likely on instance %s, the only one answering in %s or more then (the log names none)", top.name, seconds(slowEdges[v.edge]))
	if v.othersSlow > 0 {
		where = fmt.Sprintf("most likely on instance %s, which answered %s of the requests taking %s or more then (the log names none)",
			top.name, analysis.Pct(top.n, top.n+v.othersSlow), seconds(slowEdges[v.edge]))
	}
	return finding, where
}

// outageFinding says whether the lb.no_targets 5xx are an outage of every
// instance (nearly every request of their minutes refused) or a full
// surge queue or a zone without healthy instances (some requests served).
func outageFinding(a *analysis.Aggregator, r *analysis.Report, st *state) (finding, where string) {
	if len(st.noTargets) == 0 {
		return "", ""
	}
	in, first, last := causeMinutes(r, a.BucketUS(), st.noTargets)
	var refused, requests int64
	for b := range in {
		refused += st.noTargets[b]
	}
	for _, b := range r.Timeline {
		if in[bucketOf(b.Start, a.BucketUS())] {
			requests += b.Requests
		}
	}
	when := span(first, last, a.BucketUS())
	if requests > 0 && float64(refused) >= outageShare*float64(requests) {
		return fmt.Sprintf(
				"%s: in their minutes (%s), the load balancer refused %s of the requests (%s of %s) without sending them to an instance: no instance was in service (every one failing its health check, deregistered or stopped). Check the health check and DescribeInstanceHealth for those minutes, HealthyHostCount, and the Auto Scaling activity.",
				CauseNoTargets, when, analysis.Pct(refused, requests), numfmt.Int(refused), numfmt.Int(requests)),
			"with no instance in service"
	}
	return fmt.Sprintf(
		"%s: in their minutes (%s), the load balancer refused %s of the requests (%s of %s) without an instance while it served the others: its surge queue was full (SpilloverCount, SurgeQueueLength) or the instances of one Availability Zone were out of service (HealthyHostCount per zone, cross-zone load balancing).",
		CauseNoTargets, when, analysis.Pct(refused, requests), numfmt.Int(refused), numfmt.Int(requests)), ""
}

// unnamedFinding says that most 5xx of an instance's cause c, n of them,
// name no instance, so the report cannot tell which.
func unnamedFinding(st *state, c analysis.CauseID, n int64) (finding, where string) {
	cs := taxonomy.Cause(c)
	u := st.unnamed[c]
	if cs.Domain != domTarget || u < analysis.MinFindingErrors || float64(u) < unnamedShare*float64(n) {
		return "", ""
	}
	return fmt.Sprintf(
			"%s: %s of these 5xx (%s of %s) name no instance: a Classic log writes backend \"-\" when the instance closed the connection or did not answer. BackendConnectionErrors per Availability Zone and the instances' own logs for the same minutes tell which.",
			cs.Code, analysis.Pct(u, n), numfmt.Int(u), numfmt.Int(n)),
		"on instances the log does not name"
}
