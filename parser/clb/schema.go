package clb

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
)

// Column names of the Classic Load Balancer schema, in schema order. Other
// packages refer to columns by these names.
const (
	ColTime                   = "time"
	ColELB                    = "elb"
	ColClientIP               = "client_ip"
	ColClientPort             = "client_port"
	ColBackendIP              = "backend_ip"
	ColBackendPort            = "backend_port"
	ColRequestProcessingTime  = "request_processing_time"
	ColBackendProcessingTime  = "backend_processing_time"
	ColResponseProcessingTime = "response_processing_time"
	ColELBStatusCode          = "elb_status_code"
	ColBackendStatusCode      = "backend_status_code"
	ColReceivedBytes          = "received_bytes"
	ColSentBytes              = "sent_bytes"
	ColRequestMethod          = "request_method"
	ColRequestURL             = "request_url"
	ColRequestProto           = "request_proto"
	ColUserAgent              = "user_agent"
	ColSSLCipher              = "ssl_cipher"
	ColSSLProtocol            = "ssl_protocol"
	ColListener               = "listener"
)

// Values of the listener column: the protocol of the listener that took
// the connection, as the line tells it.
const (
	ListenerHTTP  = "http"
	ListenerHTTPS = "https"
	ListenerTCP   = "tcp"
	ListenerSSL   = "ssl"
)

// Schema metadata keys set from parser.Source (non-empty values only).
const (
	MetaSource       = rowbatch.MetaSource
	MetaNodeIP       = rowbatch.MetaNodeIP
	MetaLoadBalancer = rowbatch.MetaLoadBalancer
	MetaIntervalEnd  = rowbatch.MetaIntervalEnd
)

// TriageColumns are the columns the 5xx analysis needs; pass them as
// parser.Options.Columns to build nothing else. The CLB cause table reads
// elb_status_code, backend_status_code, backend_processing_time (null is
// the log's -1: "≥ 0" is "not null") and backend_ip ("-" is null); the
// listener tells TCP and SSL lines, which are connections and never 5xx.
var TriageColumns = []string{
	ColTime, ColClientIP, ColBackendIP, ColBackendPort,
	ColRequestProcessingTime, ColBackendProcessingTime, ColResponseProcessingTime,
	ColELBStatusCode, ColBackendStatusCode, ColRequestURL, ColListener,
}

// colID indexes the columns in schema order.
type colID int

const (
	cTime colID = iota
	cELB
	cClientIP
	cClientPort
	cBackendIP
	cBackendPort
	cRequestProcessingTime
	cBackendProcessingTime
	cResponseProcessingTime
	cELBStatusCode
	cBackendStatusCode
	cReceivedBytes
	cSentBytes
	cRequestMethod
	cRequestURL
	cRequestProto
	cUserAgent
	cSSLCipher
	cSSLProtocol
	cListener
	numCols
)

var (
	tsUTC    = arrow.FixedWidthTypes.Timestamp_us
	utf8     = arrow.BinaryTypes.String
	float64T = arrow.PrimitiveTypes.Float64
	uint16T  = arrow.PrimitiveTypes.Uint16
	int64T   = arrow.PrimitiveTypes.Int64
)

// fields lists every column in schema order.
var fields = [numCols]arrow.Field{
	cTime:                   {Name: ColTime, Type: tsUTC},
	cELB:                    {Name: ColELB, Type: utf8},
	cClientIP:               {Name: ColClientIP, Type: utf8},
	cClientPort:             {Name: ColClientPort, Type: uint16T},
	cBackendIP:              {Name: ColBackendIP, Type: utf8, Nullable: true},
	cBackendPort:            {Name: ColBackendPort, Type: uint16T, Nullable: true},
	cRequestProcessingTime:  {Name: ColRequestProcessingTime, Type: float64T, Nullable: true},
	cBackendProcessingTime:  {Name: ColBackendProcessingTime, Type: float64T, Nullable: true},
	cResponseProcessingTime: {Name: ColResponseProcessingTime, Type: float64T, Nullable: true},
	cELBStatusCode:          {Name: ColELBStatusCode, Type: uint16T, Nullable: true},
	cBackendStatusCode:      {Name: ColBackendStatusCode, Type: uint16T, Nullable: true},
	cReceivedBytes:          {Name: ColReceivedBytes, Type: int64T, Nullable: true},
	cSentBytes:              {Name: ColSentBytes, Type: int64T, Nullable: true},
	cRequestMethod:          {Name: ColRequestMethod, Type: utf8, Nullable: true},
	cRequestURL:             {Name: ColRequestURL, Type: utf8, Nullable: true},
	cRequestProto:           {Name: ColRequestProto, Type: utf8, Nullable: true},
	cUserAgent:              {Name: ColUserAgent, Type: utf8, Nullable: true},
	cSSLCipher:              {Name: ColSSLCipher, Type: utf8, Nullable: true},
	cSSLProtocol:            {Name: ColSSLProtocol, Type: utf8, Nullable: true},
	cListener:               {Name: ColListener, Type: utf8},
}

var fullSchema = arrow.NewSchema(fields[:], nil)

// Schema returns the full Classic Load Balancer schema: every column the
// decoder can build.
//
//	time                      timestamp[us, UTC]  when the load balancer received the request
//	elb                       utf8                the load balancer's name
//	client_ip, client_port    utf8, uint16        (IPv6 unbracketed)
//	backend_ip, backend_port  utf8, uint16        the instance; null when "-"
//	request_processing_time   float64 seconds     null for -1
//	backend_processing_time   float64 seconds     null for -1
//	response_processing_time  float64 seconds     null for -1
//	elb_status_code           uint16              null for "-" (TCP/SSL listeners)
//	backend_status_code       uint16              null for "-" or 0 (no answer from an instance)
//	received_bytes, sent_bytes int64              null for "-" or -1
//	request_method, request_url, request_proto  utf8 (split of "request"), null for "-"
//	user_agent, ssl_cipher, ssl_protocol        utf8, null for "-"
//	listener                  utf8                "http", "https", "tcp" or "ssl"
//
// Columns that a line's layout lacks (the short lines before 2015, which
// end at the request) are null.
func Schema() *arrow.Schema { return fullSchema }
