package alb

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/elbaccess"
	"github.com/lbtriage/lbtriage/parser"
	albparser "github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// columns are typed views of one batch's columns; nil when absent.
type columns struct {
	lb          *array.String // the elb column: the row's load balancer
	time        *array.Timestamp
	rct         *array.Timestamp
	clientIP    *array.String
	targetIP    *array.String
	targetPort  *array.Uint16
	tpt         *array.Float64
	elb         *array.Uint16
	target      *array.Uint16
	url         *array.String
	actions     *array.String
	errorReason *array.String
}

// bind finds the columns by name in rec's schema.
func (c *columns) bind(rec arrow.RecordBatch) error {
	*c = columns{}
	err := analysis.BindColumns("ALB", rec, []analysis.Binding{
		analysis.Col(albparser.ColELB, &c.lb),
		analysis.TimeCol(albparser.ColTime, &c.time),
		analysis.TimeCol(albparser.ColRequestCreationTime, &c.rct),
		analysis.Col(albparser.ColClientIP, &c.clientIP),
		analysis.Col(albparser.ColTargetIP, &c.targetIP),
		analysis.Col(albparser.ColTargetPort, &c.targetPort),
		analysis.Col(albparser.ColTargetProcessingTime, &c.tpt),
		analysis.Col(albparser.ColELBStatusCode, &c.elb),
		analysis.Col(albparser.ColTargetStatusCode, &c.target),
		analysis.Col(albparser.ColRequestURL, &c.url),
		analysis.Col(albparser.ColActionsExecuted, &c.actions),
		analysis.Col(albparser.ColErrorReason, &c.errorReason),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.elb == nil {
		return fmt.Errorf("analysis: ALB batch lacks the %q or %q column", albparser.ColTime, albparser.ColELBStatusCode)
	}
	return nil
}

// consumer reads ALB batches for one worker; its slices are reused from
// batch to batch.
type consumer struct {
	c      columns
	causes []analysis.CauseID // per-row causes of the batch
	todo   []int32            // classifier scratch
	lbs    elbaccess.LoadBalancers
}

// Consume classifies the rows of one ALB batch and adds each to the
// Aggregator of its load balancer: the elb column's, which is authoritative
// (a local file may hold several load balancers' lines), else the one the
// object's name tells.
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
	k.todo = classifyBatch(c, n, causes, k.todo)

	times := c.time.Values()
	elbs := c.elb.Values()
	var ports []uint16
	if c.targetPort != nil {
		ports = c.targetPort.Values()
	}
	var tpts []float64
	if c.tpt != nil {
		tpts = c.tpt.Values()
	}
	var o analysis.Row
	lbs := &k.lbs
	if !lbs.Start(c.lb, src, to, subjectOf) {
		return nil // another load balancer's batch, left out
	}
	defer lbs.Release()
	for i := 0; i < n; i++ {
		if !lbs.Next(i) {
			continue // another load balancer's row, left out
		}
		a := lbs.A
		if !a.Admit(int64(times[i]), c.time.IsValid(i)) {
			continue
		}
		o = analysis.Row{Time: int64(times[i]), Cause: causes[i]}
		if c.elb.IsValid(i) {
			o.Status = elbs[i]
		}
		if c.targetIP != nil && c.targetIP.IsValid(i) {
			o.TargetIP = c.targetIP.Value(i)
			if ports != nil && c.targetPort.IsValid(i) {
				o.TargetPort = ports[i]
			}
			if tpts != nil && c.tpt.IsValid(i) && tpts[i] >= 0 {
				o.LatencyMs = tpts[i] * 1000
				o.HasLatency = true
			}
		}
		if o.Status >= 400 && o.Status <= 499 {
			f := fields{elb: o.Status, targetAnswer: c.target != nil && c.target.IsValid(i)}
			if o.Status == 403 {
				f.actions = analysis.Str(c.actions, i)
			}
			o.Context = contextOf(&f)
		}
		o.Path = elbaccess.PathOf(analysis.Str(c.url, i))
		o.Client = analysis.Str(c.clientIP, i)
		if o.Client == "" {
			o.Client = "-"
		}
		a.Observe(lbs.Node, &o)
	}
	return nil
}

// subjectOf returns the subject of the load balancer with resource ID
// resource ("app/my-lb/50dc6c495c0c9188", named "my-lb").
func subjectOf(resource string) analysis.Subject {
	return analysis.Subject{Resource: resource, Name: awskey.LoadBalancerName(resource)}
}
