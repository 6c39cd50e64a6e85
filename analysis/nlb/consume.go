package nlb

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	"github.com/lbtriage/lbtriage/parser"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

// columns are typed views of one batch's columns; nil when absent.
type columns struct {
	lb        *array.String
	time      *array.Timestamp
	created   *array.Timestamp
	listener  *array.String
	clientIP  *array.String
	destIP    *array.String
	destPort  *array.Uint16
	connTime  *array.Duration
	handshake *array.Duration
	alert     *array.Uint8
	cert      *array.String
	protocol  *array.String
}

func (c *columns) bind(rec arrow.RecordBatch) error {
	*c = columns{}
	sc := rec.Schema()
	var err error
	for i := 0; i < sc.NumFields() && err == nil; i++ {
		name, a := sc.Field(i).Name, rec.Column(i)
		switch name {
		case nlbparser.ColELB:
			err = analysis.Bind("NLB", name, a, &c.lb)
		case nlbparser.ColTime:
			err = analysis.BindTime("NLB", name, a, &c.time)
		case nlbparser.ColTLSConnectionCreationTime:
			err = analysis.BindTime("NLB", name, a, &c.created)
		case nlbparser.ColListener:
			err = analysis.Bind("NLB", name, a, &c.listener)
		case nlbparser.ColClientIP:
			err = analysis.Bind("NLB", name, a, &c.clientIP)
		case nlbparser.ColDestinationIP:
			err = analysis.Bind("NLB", name, a, &c.destIP)
		case nlbparser.ColDestinationPort:
			err = analysis.Bind("NLB", name, a, &c.destPort)
		case nlbparser.ColConnectionTime:
			err = bindMs(name, a, &c.connTime)
		case nlbparser.ColTLSHandshakeTime:
			err = bindMs(name, a, &c.handshake)
		case nlbparser.ColIncomingTLSAlert:
			err = analysis.Bind("NLB", name, a, &c.alert)
		case nlbparser.ColChosenCertARN:
			err = analysis.Bind("NLB", name, a, &c.cert)
		case nlbparser.ColTLSProtocolVersion:
			err = analysis.Bind("NLB", name, a, &c.protocol)
		}
	}
	if err != nil {
		return err
	}
	if c.time == nil || c.handshake == nil {
		return fmt.Errorf("analysis: NLB batch lacks the %q or %q column", nlbparser.ColTime, nlbparser.ColTLSHandshakeTime)
	}
	return nil
}

// bindMs binds a duration column and checks that it holds milliseconds.
func bindMs(name string, a arrow.Array, dst **array.Duration) error {
	if err := analysis.Bind("NLB", name, a, dst); err != nil {
		return err
	}
	if u := (*dst).DataType().(*arrow.DurationType).Unit; u != arrow.Millisecond {
		return fmt.Errorf("analysis: NLB column %q is in %s, want milliseconds", name, u)
	}
	return nil
}

// consumer reads NLB batches for one worker.
type consumer struct {
	c columns
}

// Consume adds every connection of one batch to the State of its load
// balancer: the elb column's, else the one the object's name tells.
func (k *consumer) Consume(src parser.Source, rec arrow.RecordBatch, to *analysis.Subjects) error {
	c := &k.c
	if err := c.bind(rec); err != nil {
		return err
	}
	defer func() { k.c = columns{} }() // keep no reference to the batch
	connlog.Consume(src, int(rec.NumRows()), c.lb, c.time, to, c.row)
	return nil
}

// row fills conn with row i, whose time is us.
func (c *columns) row(i int, us int64, conn *connlog.Conn) {
	*conn = connlog.Conn{
		Time:     us,
		Client:   analysis.Str(c.clientIP, i),
		Listener: analysis.Str(c.listener, i),
		Node:     analysis.Str(c.destIP, i),
		Cert:     analysis.Str(c.cert, i),
	}
	if c.destPort != nil && c.destPort.IsValid(i) {
		conn.Port = c.destPort.Value(i)
	}
	if c.connTime != nil && c.connTime.IsValid(i) {
		ms := int64(c.connTime.Value(i))
		conn.DurationMs, conn.HasDuration = float64(ms), true
		conn.Created = us - ms*1000
	}
	if c.created != nil && c.created.IsValid(i) {
		conn.Created = int64(c.created.Value(i))
	}
	if c.handshake.IsValid(i) {
		conn.HandshakeMs, conn.HasHandshake = float64(c.handshake.Value(i)), true
		conn.Protocol = analysis.Str(c.protocol, i)
		return
	}
	conn.Failed = true
	conn.Reason = ReasonHandshakeIncomplete
	if c.alert != nil && c.alert.IsValid(i) {
		conn.Reason = alertReasons[c.alert.Value(i)]
	}
}
