package albconn

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Column names of the connection-log schema, in schema order. Other
// packages refer to columns by these names.
const (
	ColTime                = parser.ColTime
	ColClientIP            = "client_ip"
	ColClientPort          = "client_port"
	ColListenerPort        = "listener_port"
	ColTLSProtocol         = "tls_protocol"
	ColTLSCipher           = "tls_cipher"
	ColTLSHandshakeLatency = "tls_handshake_latency"
	ColCertSubject         = "leaf_client_cert_subject"
	ColCertNotBefore       = "leaf_client_cert_not_before"
	ColCertNotAfter        = "leaf_client_cert_not_after"
	ColCertSerial          = "leaf_client_cert_serial_number"
	ColTLSVerifyStatus     = "tls_verify_status"
	ColTLSVerifyReason     = "tls_verify_reason"
	ColConnTraceID         = "conn_trace_id"
	ColTLSKeyExchange      = "tls_keyexchange"
	ColELB                 = "elb"
	ColNodeIP              = "node_ip"
)

// TriageColumns are the columns a connection analysis needs: who
// connected to which listener and node when, whether the handshake
// failed and why, the certificate's end, and the trace ID that joins the
// access log. Pass them as parser.Options.Columns to build nothing else.
var TriageColumns = []string{
	ColTime, ColClientIP, ColListenerPort, ColTLSProtocol, ColTLSHandshakeLatency, ColCertSubject,
	ColCertNotAfter, ColTLSVerifyStatus, ColTLSVerifyReason, ColConnTraceID, ColNodeIP,
}

// Values of the tls_verify_status column.
const (
	VerifySuccess = "Success"
	VerifyFailed  = "Failed"
)

// Schema metadata keys set from parser.Source (non-empty values only).
const (
	MetaSource       = rowbatch.MetaSource
	MetaNodeIP       = rowbatch.MetaNodeIP
	MetaLoadBalancer = rowbatch.MetaLoadBalancer
	MetaIntervalEnd  = rowbatch.MetaIntervalEnd
)

// colID indexes the columns in schema order.
type colID int

const (
	cTime colID = iota
	cClientIP
	cClientPort
	cListenerPort
	cTLSProtocol
	cTLSCipher
	cTLSHandshakeLatency
	cCertSubject
	cCertNotBefore
	cCertNotAfter
	cCertSerial
	cTLSVerifyStatus
	cTLSVerifyReason
	cConnTraceID
	cTLSKeyExchange
	cELB
	cNodeIP
	numCols
)

var (
	tsUTC    = arrow.FixedWidthTypes.Timestamp_us
	utf8     = arrow.BinaryTypes.String
	float64T = arrow.PrimitiveTypes.Float64
	uint16T  = arrow.PrimitiveTypes.Uint16
)

// fields lists every column in schema order. Columns whose value can be
// "-" or that shorter lines lack are nullable.
var fields = [numCols]arrow.Field{
	cTime:                {Name: ColTime, Type: tsUTC},
	cClientIP:            {Name: ColClientIP, Type: utf8},
	cClientPort:          {Name: ColClientPort, Type: uint16T},
	cListenerPort:        {Name: ColListenerPort, Type: uint16T},
	cTLSProtocol:         {Name: ColTLSProtocol, Type: utf8, Nullable: true},
	cTLSCipher:           {Name: ColTLSCipher, Type: utf8, Nullable: true},
	cTLSHandshakeLatency: {Name: ColTLSHandshakeLatency, Type: float64T, Nullable: true},
	cCertSubject:         {Name: ColCertSubject, Type: utf8, Nullable: true},
	cCertNotBefore:       {Name: ColCertNotBefore, Type: tsUTC, Nullable: true},
	cCertNotAfter:        {Name: ColCertNotAfter, Type: tsUTC, Nullable: true},
	cCertSerial:          {Name: ColCertSerial, Type: utf8, Nullable: true},
	cTLSVerifyStatus:     {Name: ColTLSVerifyStatus, Type: utf8, Nullable: true},
	cTLSVerifyReason:     {Name: ColTLSVerifyReason, Type: utf8, Nullable: true},
	cConnTraceID:         {Name: ColConnTraceID, Type: utf8, Nullable: true},
	cTLSKeyExchange:      {Name: ColTLSKeyExchange, Type: utf8, Nullable: true},
	cELB:                 {Name: ColELB, Type: utf8, Nullable: true},
	cNodeIP:              {Name: ColNodeIP, Type: utf8, Nullable: true},
}

var fullSchema = arrow.NewSchema(fields[:], nil)

// Schema returns the full connection-log schema: every column the decoder
// can build.
//
//	time                            timestamp[us, UTC]  when the connection was established or failed
//	client_ip, client_port          utf8, uint16        (IPv6 as written)
//	listener_port                   uint16
//	tls_protocol, tls_cipher        utf8                null for "-" (not TLS)
//	tls_handshake_latency           float64 seconds     null for "-" (not TLS, or the handshake failed)
//	leaf_client_cert_subject        utf8                null for "-" (no mutual TLS, no certificate)
//	leaf_client_cert_not_before     timestamp[us, UTC]  split of leaf_client_cert_validity,
//	leaf_client_cert_not_after      timestamp[us, UTC]  "NotBefore=…;NotAfter=…"; null for "-"
//	leaf_client_cert_serial_number  utf8                null for "-"
//	tls_verify_status               utf8                "Success" or "Failed" (before the ':'); null for "-"
//	tls_verify_reason               utf8                the failure code after "Failed:" ("ClientCertExpired")
//	conn_trace_id                   utf8                "TID_…", the access log's conn_trace_id
//	tls_keyexchange                 utf8                null for "-"
//	elb                             utf8                the load balancer, "app/name/id"
//	node_ip                         utf8                the load balancer node (AWS: ip_address)
//
// Columns that a line's layout lacks (11- and 12-field lines) are null.
func Schema() *arrow.Schema { return fullSchema }

// stringField maps the plain string columns to their field positions.
var stringField = [numCols]int{
	cClientIP:       fClientIP,
	cTLSProtocol:    fTLSProtocol,
	cTLSCipher:      fTLSCipher,
	cCertSubject:    fCertSubject,
	cCertSerial:     fCertSerial,
	cConnTraceID:    fConnTraceID,
	cTLSKeyExchange: fTLSKeyExchange,
	cELB:            fELB,
	cNodeIP:         fNodeIP,
}
