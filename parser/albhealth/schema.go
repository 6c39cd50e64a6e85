package albhealth

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Column names of the health-check schema, in schema order. Other packages
// refer to columns by these names.
const (
	ColType        = "type"
	ColTime        = parser.ColTime
	ColLatency     = "latency"
	ColTargetIP    = "target_ip"
	ColTargetPort  = "target_port"
	ColLambdaARN   = "lambda_arn"
	ColTargetGroup = "target_group"
	ColStatus      = "status"
	ColStatusCode  = "status_code"
	ColReasonCode  = "reason_code"
	ColELB         = "elb"
	ColNodeIP      = "node_ip"
)

// Values of the status column.
const (
	StatusPass = "PASS"
	StatusFail = "FAIL"
)

// Reason codes of failed checks, as the log writes them. The current
// documentation lists the first eight; the earlier one had
// RequestTimedOut and ConnectionTimedOut where TimedOut now stands, and
// ClientCertTypeUnsupported. The reader keeps any code as written, these
// and others.
const (
	ReasonTimedOut                  = "TimedOut"
	ReasonConnectionReset           = "ConnectionReset"
	ReasonResponseCodeMismatch      = "ResponseCodeMismatch"
	ReasonResponseStringMismatch    = "ResponseStringMismatch"
	ReasonInternalError             = "InternalError"
	ReasonTargetError               = "TargetError"
	ReasonGRPCStatusHeaderEmpty     = "GRPCStatusHeaderEmpty"
	ReasonGRPCUnexpectedStatus      = "GRPCUnexpectedStatus"
	ReasonRequestTimedOut           = "RequestTimedOut"
	ReasonConnectionTimedOut        = "ConnectionTimedOut"
	ReasonClientCertTypeUnsupported = "ClientCertTypeUnsupported"
)

// Schema metadata keys set from parser.Source (non-empty values only; see
// rowbatch.SourceMetadata).
const (
	MetaSource       = rowbatch.MetaSource
	MetaNodeIP       = rowbatch.MetaNodeIP
	MetaLoadBalancer = rowbatch.MetaLoadBalancer
	MetaIntervalEnd  = rowbatch.MetaIntervalEnd
)

// TriageColumns are the columns the health analysis needs (all but type);
// pass them as parser.Options.Columns to build nothing else.
var TriageColumns = []string{
	ColTime, ColLatency, ColTargetIP, ColTargetPort, ColLambdaARN, ColTargetGroup,
	ColStatus, ColStatusCode, ColReasonCode, ColELB, ColNodeIP,
}

// colID indexes the columns in schema order.
type colID int

const (
	cType colID = iota
	cTime
	cLatency
	cTargetIP
	cTargetPort
	cLambdaARN
	cTargetGroup
	cStatus
	cStatusCode
	cReasonCode
	cELB
	cNodeIP
	numCols
)

var (
	tsUTC   = arrow.FixedWidthTypes.Timestamp_us
	durNS   = arrow.FixedWidthTypes.Duration_ns
	utf8    = arrow.BinaryTypes.String
	uint16T = arrow.PrimitiveTypes.Uint16
)

// fields lists every column in schema order.
var fields = [numCols]arrow.Field{
	cType:        {Name: ColType, Type: utf8},
	cTime:        {Name: ColTime, Type: tsUTC},
	cLatency:     {Name: ColLatency, Type: durNS, Nullable: true},
	cTargetIP:    {Name: ColTargetIP, Type: utf8, Nullable: true},
	cTargetPort:  {Name: ColTargetPort, Type: uint16T, Nullable: true},
	cLambdaARN:   {Name: ColLambdaARN, Type: utf8, Nullable: true},
	cTargetGroup: {Name: ColTargetGroup, Type: utf8, Nullable: true},
	cStatus:      {Name: ColStatus, Type: utf8},
	cStatusCode:  {Name: ColStatusCode, Type: uint16T, Nullable: true},
	cReasonCode:  {Name: ColReasonCode, Type: utf8, Nullable: true},
	cELB:         {Name: ColELB, Type: utf8, Nullable: true},
	cNodeIP:      {Name: ColNodeIP, Type: utf8, Nullable: true},
}

var fullSchema = arrow.NewSchema(fields[:], nil)

// Schema returns the full health-check schema, one row per check of one
// target by one load balancer node:
//
//	type          utf8                 http, https, h2, grpc, lambda, or another value as written
//	time          timestamp[us, UTC]   when the check started
//	latency       duration[ns]         how long the check took; null for "-" or -1
//	target_ip     utf8                 the target's address (IPv6 unbracketed); null for a Lambda target
//	target_port   uint16               its port; null for a Lambda target
//	lambda_arn    utf8                 the function's ARN when the target is a Lambda function
//	target_group  utf8                 the target group's name; null for "-"
//	status        utf8                 PASS or FAIL
//	status_code   uint16               the code the target answered; null for "-" (no answer)
//	reason_code   utf8                 why the check failed (TimedOut, ResponseCodeMismatch, ...); null for "-"
//	elb           utf8                 the load balancer's resource ID; null on 8-field lines
//	node_ip       utf8                 the node that ran the check (field ip_address); null on 8-field lines
//
// The latency is a duration rather than float seconds because the log
// writes nanosecond digits ("1.121980746"): an int64 of nanoseconds keeps
// them exactly, and reads as a time.Duration. A line names its target by
// target_ip and target_port or by lambda_arn, never both; both are null when
// the log writes "-". Lines written before elb and ip_address existed have
// them null: the object's name still tells the node and the load balancer
// (parser.Source, and the schema metadata).
func Schema() *arrow.Schema { return fullSchema }
