package clb

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/elbaccess"
	"github.com/lbtriage/lbtriage/parser"
	clbparser "github.com/lbtriage/lbtriage/parser/clb"
)

// columns are typed views of one batch's columns; nil when absent.
type columns struct {
	lb          *array.String // the elb column: the row's load balancer
	time        *array.Timestamp
	clientIP    *array.String
	backendIP   *array.String
	backendPort *array.Uint16
	rpt, bpt    *array.Float64 // request and backend processing times
	rspt        *array.Float64 // response processing time
	elb         *array.Uint16
	backend     *array.Uint16 // backend_status_code
	url         *array.String
	listener    *array.String
}

// bind finds the columns by name in rec's schema.
func (c *columns) bind(rec arrow.RecordBatch) error {
	*c = columns{}
	err := analysis.BindColumns("CLB", rec, []analysis.Binding{
		analysis.Col(clbparser.ColELB, &c.lb),
		analysis.TimeCol(clbparser.ColTime, &c.time),
		analysis.Col(clbparser.ColClientIP, &c.clientIP),
		analysis.Col(clbparser.ColBackendIP, &c.backendIP),
		analysis.Col(clbparser.ColBackendPort, &c.backendPort),
		analysis.Col(clbparser.ColRequestProcessingTime, &c.rpt),
		analysis.Col(clbparser.ColBackendProcessingTime, &c.bpt),
		analysis.Col(clbparser.ColResponseProcessingTime, &c.rspt),
		analysis.Col(clbparser.ColELBStatusCode, &c.elb),
		analysis.Col(clbparser.ColBackendStatusCode, &c.backend),
		analysis.Col(clbparser.ColRequestURL, &c.url),
		analysis.Col(clbparser.ColListener, &c.listener),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.elb == nil || c.listener == nil {
		return fmt.Errorf("analysis: CLB batch lacks the %q, %q or %q column", clbparser.ColTime, clbparser.ColELBStatusCode, clbparser.ColListener)
	}
	return nil
}

// consumer reads Classic batches for one worker; its slices are reused
// from batch to batch.
type consumer struct {
	c      columns
	causes []analysis.CauseID // per-row causes of the batch
	lbs    elbaccess.LoadBalancers
}

// Consume classifies the rows of one Classic batch and adds each to the
// Aggregator of its load balancer (elbaccess.LoadBalancers). HTTP and
// HTTPS lines are requests; TCP and SSL lines are connections, which carry
// no status: they are admitted (for the window and the line counts) and
// counted in the family's state, never observed as requests.
func (k *consumer) Consume(src parser.Source, rec arrow.RecordBatch, to *analysis.Subjects) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }() // keep no reference to the batch
	n := int(rec.NumRows())
	if cap(k.causes) < n {
		k.causes = make([]analysis.CauseID, n)
	}
	causes := k.causes[:n]
	classifyBatch(c, n, causes)

	times := c.time.Values()
	elbs := c.elb.Values()
	var ports []uint16
	if c.backendPort != nil {
		ports = c.backendPort.Values()
	}
	var bpts []float64
	if c.bpt != nil {
		bpts = c.bpt.Values()
	}
	var (
		o  analysis.Row
		a  *analysis.Aggregator
		st *state
	)
	lbs := &k.lbs
	if !lbs.Start(c.lb, src, to, subjectOf) {
		return nil // another load balancer's batch, left out
	}
	defer lbs.Release()
	for i := 0; i < n; i++ {
		if !lbs.Next(i) {
			continue // another load balancer's row, left out
		}
		if lbs.A != a {
			a, st = lbs.A, lbs.A.State().(*state)
		}
		t := int64(times[i])
		if !a.Admit(t, c.time.IsValid(i)) {
			continue
		}
		lis := listenerOf(c.listener.Value(i))
		var ip string
		var port uint16
		if c.backendIP != nil && c.backendIP.IsValid(i) {
			ip = c.backendIP.Value(i)
			if ports != nil && c.backendPort.IsValid(i) {
				port = ports[i]
			}
		}
		bpt, bptOK := 0.0, bpts != nil && c.bpt.IsValid(i) && bpts[i] >= 0
		if bptOK {
			bpt = bpts[i]
		}
		if lis >= lTCP {
			st.connection(lis, ip, port, bpt, bptOK)
			continue
		}
		o = analysis.Row{Time: t, Cause: causes[i], TargetIP: ip, TargetPort: port}
		if c.elb.IsValid(i) {
			o.Status = elbs[i]
		}
		if ip != "" && bptOK {
			o.LatencyMs = bpt * 1000
			o.HasLatency = true
		}
		if o.Status >= 400 && o.Status <= 499 {
			o.Context = contextOf(o.Status, c.backend != nil && c.backend.IsValid(i))
		}
		o.Path = elbaccess.PathOf(analysis.Str(c.url, i))
		o.Client = analysis.Str(c.clientIP, i)
		if o.Client == "" {
			o.Client = "-"
		}
		a.Observe(lbs.Node, &o)
		st.request(a, &o, lis, bpt, bptOK)
	}
	return nil
}

// subjectOf returns the subject of the Classic Load Balancer named name:
// its name is its identity.
func subjectOf(name string) analysis.Subject {
	return analysis.Subject{Resource: name, Name: name}
}
