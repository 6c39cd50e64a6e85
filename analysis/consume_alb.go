package analysis

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

func init() {
	consumers[alb.Format] = (*Aggregator).consumeALB
}

// albColumns are typed views of one batch's columns; nil when absent.
type albColumns struct {
	time        *array.Timestamp
	timeMul     int64 // to microseconds: v*mul/div
	timeDiv     int64
	rct         *array.Timestamp
	rctMul      int64
	rctDiv      int64
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
func (c *albColumns) bind(rec arrow.RecordBatch) error {
	*c = albColumns{}
	sc := rec.Schema()
	var err error
	for i := 0; i < sc.NumFields() && err == nil; i++ {
		name, a := sc.Field(i).Name, rec.Column(i)
		switch name {
		case alb.ColTime:
			err = bindAs("ALB", name, a, &c.time)
		case alb.ColRequestCreationTime:
			err = bindAs("ALB", name, a, &c.rct)
		case alb.ColClientIP:
			err = bindAs("ALB", name, a, &c.clientIP)
		case alb.ColTargetIP:
			err = bindAs("ALB", name, a, &c.targetIP)
		case alb.ColTargetPort:
			err = bindAs("ALB", name, a, &c.targetPort)
		case alb.ColTargetProcessingTime:
			err = bindAs("ALB", name, a, &c.tpt)
		case alb.ColELBStatusCode:
			err = bindAs("ALB", name, a, &c.elb)
		case alb.ColTargetStatusCode:
			err = bindAs("ALB", name, a, &c.target)
		case alb.ColRequestURL:
			err = bindAs("ALB", name, a, &c.url)
		case alb.ColActionsExecuted:
			err = bindAs("ALB", name, a, &c.actions)
		case alb.ColErrorReason:
			err = bindAs("ALB", name, a, &c.errorReason)
		}
	}
	if err != nil {
		return err
	}
	if c.time == nil || c.elb == nil {
		return fmt.Errorf("analysis: ALB batch lacks the %q or %q column", alb.ColTime, alb.ColELBStatusCode)
	}
	c.timeMul, c.timeDiv = toMicros(c.time)
	if c.rct != nil {
		c.rctMul, c.rctDiv = toMicros(c.rct)
	}
	return nil
}

// bindAs sets *dst to a when a has the type *dst wants.
// bindAs sets *dst to a, the column called name of a batch of the given
// format, or says that a has an unexpected type.
func bindAs[T arrow.Array](format, name string, a arrow.Array, dst *T) error {
	v, ok := a.(T)
	if !ok {
		return fmt.Errorf("analysis: %s column %q has type %s", format, name, a.DataType())
	}
	*dst = v
	return nil
}

// toMicros returns the factors that turn a timestamp column's values into
// microseconds.
func toMicros(a *array.Timestamp) (mul, div int64) {
	switch a.DataType().(*arrow.TimestampType).Unit {
	case arrow.Second:
		return 1_000_000, 1
	case arrow.Millisecond:
		return 1000, 1
	case arrow.Nanosecond:
		return 1, 1000
	}
	return 1, 1
}

func str(a *array.String, i int) string {
	if a == nil || a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// consumeALB classifies and adds the rows of one ALB batch.
func (a *Aggregator) consumeALB(src parser.Source, rec arrow.RecordBatch) error {
	c := &a.alb
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { a.alb = albColumns{} }() // keep no reference to the batch
	node := a.node(src)
	n := int(rec.NumRows())
	if cap(a.causes) < n {
		a.causes = make([]causeID, n)
	}
	causes := a.causes[:n]
	a.todo = classifyBatchALB(c, n, causes, a.todo)

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
	var (
		o    obs
		kept int64
	)
	for i := 0; i < n; i++ {
		us, ok := a.rowTime(c.time, times, c.timeMul, c.timeDiv, i)
		if !ok {
			continue
		}
		kept++
		o = obs{timeUS: us, cause: causes[i]}
		if c.elb.IsValid(i) {
			o.status = elbs[i]
		}
		if c.targetIP != nil && c.targetIP.IsValid(i) {
			o.targetIP = c.targetIP.Value(i)
			if ports != nil && c.targetPort.IsValid(i) {
				o.targetPort = ports[i]
			}
			if tpts != nil && c.tpt.IsValid(i) && tpts[i] >= 0 {
				o.latencyMs = tpts[i] * 1000
				o.hasLatency = true
			}
		}
		if o.status >= 400 && o.status <= 499 {
			row := albRow{elb: o.status, targetAnswer: c.target != nil && c.target.IsValid(i)}
			if o.status == 403 {
				row.actions = str(c.actions, i)
			}
			o.context = contextALB(&row)
		}
		o.path = pathOf(str(c.url, i))
		o.client = str(c.clientIP, i)
		if o.client == "" {
			o.client = "-"
		}
		a.observe(node, &o)
	}
	a.rows[alb.Format] += kept
	return nil
}

// pathOf returns the path of a request URL ("scheme://host:port/path?q"),
// without scheme, host and query string. It returns a view of url.
func pathOf(url string) string {
	// Skip "scheme://host:port": the path starts at the first '/' after "//".
	if i := strings.IndexByte(url, '/'); i > 0 && i+1 < len(url) && url[i-1] == ':' && url[i+1] == '/' {
		rest := url[i+2:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "-" // no path: an incomplete request ("http://host:80-")
		}
		url = rest[j:]
	}
	if q := strings.IndexByte(url, '?'); q >= 0 {
		url = url[:q]
	}
	if url == "" {
		return "-"
	}
	return url
}
