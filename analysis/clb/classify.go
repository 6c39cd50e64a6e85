package clb

import "github.com/lbtriage/lbtriage/analysis"

// cause applies the Classic Load Balancer table of the taxonomy, first
// match wins, to a 5xx: elb is elb_status_code; answered says that
// backend_status_code is a number (not "-" or 0), backend that number;
// bptKnown that backend_processing_time is not -1 (null) and ≥ 0;
// backendSet that backend:port is not "-".
func cause(elb uint16, answered bool, backend uint16, bptKnown, backendSet bool) analysis.CauseID {
	switch {
	case answered && backend == elb:
		return idTargetHTTP5xx // rule 1
	case answered:
		return idMalformedResponse // rule 2
	}
	switch elb {
	case 502:
		if bptKnown {
			return idMalformedResponse // rule 3
		}
		return idConnectionError // rule 4
	case 504:
		return idTargetTimeout // rule 5
	case 503:
		if !backendSet {
			return idNoTargets // rule 6
		}
		return idConnectionError // rule 7
	}
	return idLBInternal // rule 8
}

// classifyBatch sets out[i] to the cause of every 5xx row of the bound
// batch, 0 for the other rows (TCP and SSL connections, whose
// elb_status_code is null, among them). The table reads three or four
// columns of the rows that have a 5xx, so one pass over the batch does.
func classifyBatch(c *columns, n int, out []analysis.CauseID) {
	elbs := c.elb.Values()
	var backends []uint16
	if c.backend != nil {
		backends = c.backend.Values()
	}
	var bpts []float64
	if c.bpt != nil {
		bpts = c.bpt.Values()
	}
	for i := 0; i < n; i++ {
		out[i] = 0
		e := elbs[i]
		if e < 500 || e > 599 || !c.elb.IsValid(i) {
			continue
		}
		answered := backends != nil && c.backend.IsValid(i)
		var backend uint16
		if answered {
			backend = backends[i]
		}
		bptKnown := bpts != nil && c.bpt.IsValid(i) && bpts[i] >= 0
		backendSet := c.backendIP != nil && c.backendIP.IsValid(i)
		out[i] = cause(e, answered, backend, bptKnown, backendSet)
	}
}

// contextOf returns the context key of a non-5xx row, or 0: a 400, 405 or
// 408 the load balancer answered itself (no instance's status).
func contextOf(elb uint16, answered bool) analysis.ContextID {
	if answered {
		return 0
	}
	switch elb {
	case 400:
		return ctx400
	case 405:
		return ctx405
	case 408:
		return ctx408
	}
	return 0
}

// Classify returns the cause code of one Classic row with a 5xx
// elb_status_code ("" for another status), given as plain values: backendStatus is nil when the
// log has "-" or 0, bpt nil when it has -1, and backendSet says that
// backend:port is not "-". It is the row-level form of what the consumer
// does over batches, for tests and tools.
func Classify(elbStatus int, backendStatus *int, bpt *float64, backendSet bool) string {
	if elbStatus < 500 || elbStatus > 599 {
		return ""
	}
	var backend uint16
	if backendStatus != nil {
		backend = uint16(*backendStatus)
	}
	id := cause(uint16(elbStatus), backendStatus != nil, backend, bpt != nil && *bpt >= 0, backendSet)
	return taxonomy.Cause(id).Code
}
