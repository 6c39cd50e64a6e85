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
	err := analysis.BindColumns("NLB", rec, []analysis.Binding{
		analysis.Col(nlbparser.ColELB, &c.lb),
		analysis.TimeCol(nlbparser.ColTime, &c.time),
		analysis.TimeCol(nlbparser.ColTLSConnectionCreationTime, &c.created),
		analysis.Col(nlbparser.ColListener, &c.listener),
		analysis.Col(nlbparser.ColClientIP, &c.clientIP),
		analysis.Col(nlbparser.ColDestinationIP, &c.destIP),
		analysis.Col(nlbparser.ColDestinationPort, &c.destPort),
		msCol(nlbparser.ColConnectionTime, &c.connTime),
		msCol(nlbparser.ColTLSHandshakeTime, &c.handshake),
		analysis.Col(nlbparser.ColIncomingTLSAlert, &c.alert),
		analysis.Col(nlbparser.ColChosenCertARN, &c.cert),
		analysis.Col(nlbparser.ColTLSProtocolVersion, &c.protocol),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.handshake == nil {
		return fmt.Errorf("analysis: NLB batch lacks the %q or %q column", nlbparser.ColTime, nlbparser.ColTLSHandshakeTime)
	}
	return nil
}

// msCol binds the duration column called name to *dst, as
// analysis.Col does, and checks that it holds milliseconds.
func msCol(name string, dst **array.Duration) analysis.Binding {
	return analysis.Binding{Name: name, Bind: func(family, name string, a arrow.Array) error {
		if err := analysis.Bind(family, name, a, dst); err != nil {
			return err
		}
		if u := (*dst).DataType().(*arrow.DurationType).Unit; u != arrow.Millisecond {
			return fmt.Errorf("analysis: %s column %q is in %s, want milliseconds", family, name, u)
		}
		return nil
	}}
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
