package albhealth

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// columnsRead are the columns the consumer reads.
var columnsRead = []string{
	albhealth.ColTime, albhealth.ColTargetIP, albhealth.ColTargetPort, albhealth.ColLambdaARN,
	albhealth.ColTargetGroup, albhealth.ColStatus, albhealth.ColStatusCode, albhealth.ColReasonCode,
	albhealth.ColELB, albhealth.ColNodeIP,
}

// columns are typed views of one batch's columns; nil when absent.
type columns struct {
	time       *array.Timestamp
	targetIP   *array.String
	targetPort *array.Uint16
	arn        *array.String
	group      *array.String
	status     *array.String
	code       *array.Uint16
	reason     *array.String
	lb         *array.String
	node       *array.String
}

const title = "ALB health-check"

func (c *columns) bind(rec arrow.RecordBatch) error {
	*c = columns{}
	err := analysis.BindColumns(title, rec, []analysis.Binding{
		analysis.TimeCol(albhealth.ColTime, &c.time),
		analysis.Col(albhealth.ColTargetIP, &c.targetIP),
		analysis.Col(albhealth.ColTargetPort, &c.targetPort),
		analysis.Col(albhealth.ColLambdaARN, &c.arn),
		analysis.Col(albhealth.ColTargetGroup, &c.group),
		analysis.Col(albhealth.ColStatus, &c.status),
		analysis.Col(albhealth.ColStatusCode, &c.code),
		analysis.Col(albhealth.ColReasonCode, &c.reason),
		analysis.Col(albhealth.ColELB, &c.lb),
		analysis.Col(albhealth.ColNodeIP, &c.node),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.status == nil {
		return fmt.Errorf("analysis: %s batch lacks the %q or %q column", title, albhealth.ColTime, albhealth.ColStatus)
	}
	return nil
}

// consumer reads health-check batches for one worker.
type consumer struct {
	c columns
	// obj is the object being read and gen its number: a node's checks of
	// a target from one object make one piece.
	obj string
	gen uint64
}

// Consume adds every check of one batch to the state of its load balancer:
// the elb column's, else the one the object's name tells. The node is the
// node_ip column's, else the object name's.
func (k *consumer) Consume(src parser.Source, rec arrow.RecordBatch, to *analysis.Subjects) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }() // keep no reference to the batch
	if src.Name != k.obj || k.gen == 0 {
		k.obj = src.Name
		k.gen++
	}
	times := c.time.Values()
	var ports, codes []uint16
	if c.targetPort != nil {
		ports = c.targetPort.Values()
	}
	if c.code != nil {
		codes = c.code.Values()
	}
	var (
		a    *analysis.Aggregator
		st   *state
		lb   string
		have bool
		ch   check
	)
	for i := 0; i < int(rec.NumRows()); i++ {
		row := src.Resource
		if c.lb != nil && c.lb.IsValid(i) {
			row = c.lb.Value(i)
		}
		if !have || row != lb {
			lb, have = row, true
			if a = to.Subject(analysis.Subject{Resource: lb, Name: awskey.LoadBalancerName(lb)}); a != nil {
				st = a.State().(*state)
				if st.bucketUS == 0 {
					st.bucketUS = a.BucketUS()
				}
			}
		}
		if a == nil || !a.Admit(int64(times[i]), c.time.IsValid(i)) {
			continue
		}
		ch = check{time: int64(times[i]), node: src.NodeIP, fail: analysis.Str(c.status, i) == albhealth.StatusFail}
		if c.node != nil && c.node.IsValid(i) {
			ch.node = c.node.Value(i)
		}
		ch.key = targetKey{group: analysis.Str(c.group, i), ip: analysis.Str(c.targetIP, i), arn: analysis.Str(c.arn, i)}
		if ports != nil && c.targetPort.IsValid(i) {
			ch.key.port = ports[i]
		}
		if codes != nil && c.code.IsValid(i) {
			ch.code = codes[i]
		}
		if ch.fail {
			ch.reason = analysis.Str(c.reason, i)
			if ch.reason == "" {
				ch.reason = "-"
			}
		}
		st.add(&ch, k.gen)
	}
	return nil
}
