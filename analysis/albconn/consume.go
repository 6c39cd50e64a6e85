package albconn

import (
	"fmt"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	"github.com/lbtriage/lbtriage/parser"
	connparser "github.com/lbtriage/lbtriage/parser/albconn"
)

// columns are typed views of one batch's columns; nil when absent.
type columns struct {
	lb        *array.String
	time      *array.Timestamp
	clientIP  *array.String
	port      *array.Uint16
	protocol  *array.String
	latency   *array.Float64
	subject   *array.String
	notAfter  *array.Timestamp
	status    *array.String
	reason    *array.String
	node      *array.String
	portNames map[uint16]string // the listener ports as text, made once
	// objectNode is the node the object's name tells, for lines without
	// one.
	objectNode string
}

func (c *columns) bind(rec arrow.RecordBatch) error {
	names := c.portNames
	*c = columns{portNames: names}
	err := analysis.BindColumns("ALB connection", rec, []analysis.Binding{
		analysis.Col(connparser.ColELB, &c.lb),
		analysis.TimeCol(connparser.ColTime, &c.time),
		analysis.Col(connparser.ColClientIP, &c.clientIP),
		analysis.Col(connparser.ColListenerPort, &c.port),
		analysis.Col(connparser.ColTLSProtocol, &c.protocol),
		analysis.Col(connparser.ColTLSHandshakeLatency, &c.latency),
		analysis.Col(connparser.ColCertSubject, &c.subject),
		analysis.TimeCol(connparser.ColCertNotAfter, &c.notAfter),
		analysis.Col(connparser.ColTLSVerifyStatus, &c.status),
		analysis.Col(connparser.ColTLSVerifyReason, &c.reason),
		analysis.Col(connparser.ColNodeIP, &c.node),
	})
	if err != nil {
		return err
	}
	if c.time == nil || c.status == nil {
		return fmt.Errorf("analysis: ALB connection batch lacks the %q or %q column", connparser.ColTime, connparser.ColTLSVerifyStatus)
	}
	return nil
}

// consumer reads connection-log batches for one worker.
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
	defer func() { k.c = columns{portNames: k.c.portNames} }() // keep no reference to the batch
	c.objectNode = src.NodeIP
	connlog.Consume(src, int(rec.NumRows()), c.lb, c.time, to, c.row)
	return nil
}

// ReasonHandshakeIncomplete is the reason of a failed TLS handshake whose
// tls_verify_status gives no code.
const ReasonHandshakeIncomplete = "handshake_incomplete"

// row fills conn with row i, whose time is us.
func (c *columns) row(i int, us int64, conn *connlog.Conn) {
	*conn = connlog.Conn{Time: us, Client: analysis.Str(c.clientIP, i), Node: analysis.Str(c.node, i)}
	if conn.Node == "" {
		conn.Node = c.objectNode
	}
	if c.port != nil && c.port.IsValid(i) {
		conn.Port = c.port.Value(i)
		conn.Listener = c.portName(conn.Port)
	}
	tls := c.protocol != nil && c.protocol.IsValid(i)
	status := analysis.Str(c.status, i)
	handshake := c.latency != nil && c.latency.IsValid(i)
	switch {
	case status == connparser.VerifyFailed:
		conn.Failed = true
		conn.Reason = analysis.Str(c.reason, i)
		if conn.Reason == "" {
			conn.Reason = ReasonHandshakeIncomplete
		}
	case tls && !handshake:
		conn.Failed, conn.Reason = true, ReasonHandshakeIncomplete
	}
	if handshake && !conn.Failed {
		conn.HandshakeMs, conn.HasHandshake = c.latency.Value(i)*1000, true
	}
	if tls && !conn.Failed {
		conn.Protocol = c.protocol.Value(i)
	}
	if conn.Failed {
		conn.Identity = analysis.Str(c.subject, i)
		if c.notAfter != nil && c.notAfter.IsValid(i) {
			conn.NotAfter = int64(c.notAfter.Value(i))
		}
	}
}

// portName returns a listener port as text, made once per port.
func (c *columns) portName(port uint16) string {
	name, ok := c.portNames[port]
	if !ok {
		if c.portNames == nil {
			c.portNames = map[uint16]string{}
		}
		name = strconv.Itoa(int(port))
		c.portNames[port] = name
	}
	return name
}
