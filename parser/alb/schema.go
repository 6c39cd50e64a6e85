package alb

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
)

// Column names of the ALB schema, in schema order. Other packages refer to
// columns by these names.
const (
	ColType                   = "type"
	ColTime                   = "time"
	ColELB                    = "elb"
	ColClientIP               = "client_ip"
	ColClientPort             = "client_port"
	ColTargetIP               = "target_ip"
	ColTargetPort             = "target_port"
	ColRequestProcessingTime  = "request_processing_time"
	ColTargetProcessingTime   = "target_processing_time"
	ColResponseProcessingTime = "response_processing_time"
	ColELBStatusCode          = "elb_status_code"
	ColTargetStatusCode       = "target_status_code"
	ColReceivedBytes          = "received_bytes"
	ColSentBytes              = "sent_bytes"
	ColRequestMethod          = "request_method"
	ColRequestURL             = "request_url"
	ColRequestProto           = "request_proto"
	ColUserAgent              = "user_agent"
	ColSSLCipher              = "ssl_cipher"
	ColSSLProtocol            = "ssl_protocol"
	ColTargetGroupARN         = "target_group_arn"
	ColTraceID                = "trace_id"
	ColDomainName             = "domain_name"
	ColChosenCertARN          = "chosen_cert_arn"
	ColMatchedRulePriority    = "matched_rule_priority"
	ColRequestCreationTime    = "request_creation_time"
	ColActionsExecuted        = "actions_executed"
	ColRedirectURL            = "redirect_url"
	ColErrorReason            = "error_reason"
	ColTargetPortList         = "target_port_list"
	ColTargetStatusCodeList   = "target_status_code_list"
	ColClassification         = "classification"
	ColClassificationReason   = "classification_reason"
	ColConnTraceID            = "conn_trace_id"
	ColTransformedHost        = "transformed_host"
	ColTransformedURI         = "transformed_uri"
	ColRequestTransformStatus = "request_transform_status"
)

// Schema metadata keys set from parser.Source (non-empty values only).
const (
	MetaSource       = rowbatch.MetaSource
	MetaNodeIP       = rowbatch.MetaNodeIP
	MetaLoadBalancer = rowbatch.MetaLoadBalancer
	MetaIntervalEnd  = rowbatch.MetaIntervalEnd
)

// TriageColumns are the columns the 5xx analysis needs; pass them as
// parser.Options.Columns to build nothing else.
var TriageColumns = []string{
	ColTime, ColClientIP, ColTargetIP, ColTargetPort,
	ColRequestProcessingTime, ColTargetProcessingTime, ColResponseProcessingTime,
	ColELBStatusCode, ColTargetStatusCode, ColRequestURL, ColRequestCreationTime,
	ColActionsExecuted, ColErrorReason,
}

// colID indexes the columns in schema order.
type colID int

const (
	cType colID = iota
	cTime
	cELB
	cClientIP
	cClientPort
	cTargetIP
	cTargetPort
	cRequestProcessingTime
	cTargetProcessingTime
	cResponseProcessingTime
	cELBStatusCode
	cTargetStatusCode
	cReceivedBytes
	cSentBytes
	cRequestMethod
	cRequestURL
	cRequestProto
	cUserAgent
	cSSLCipher
	cSSLProtocol
	cTargetGroupARN
	cTraceID
	cDomainName
	cChosenCertARN
	cMatchedRulePriority
	cRequestCreationTime
	cActionsExecuted
	cRedirectURL
	cErrorReason
	cTargetPortList
	cTargetStatusCodeList
	cClassification
	cClassificationReason
	cConnTraceID
	cTransformedHost
	cTransformedURI
	cRequestTransformStatus
	numCols
)

var (
	tsUTC    = arrow.FixedWidthTypes.Timestamp_us
	utf8     = arrow.BinaryTypes.String
	float64T = arrow.PrimitiveTypes.Float64
	uint16T  = arrow.PrimitiveTypes.Uint16
	int64T   = arrow.PrimitiveTypes.Int64
	int32T   = arrow.PrimitiveTypes.Int32
)

// fields lists every column in schema order. Columns whose value can be "-"
// or that older layouts lack are nullable.
var fields = [numCols]arrow.Field{
	cType:                   {Name: ColType, Type: utf8},
	cTime:                   {Name: ColTime, Type: tsUTC},
	cELB:                    {Name: ColELB, Type: utf8},
	cClientIP:               {Name: ColClientIP, Type: utf8},
	cClientPort:             {Name: ColClientPort, Type: uint16T},
	cTargetIP:               {Name: ColTargetIP, Type: utf8, Nullable: true},
	cTargetPort:             {Name: ColTargetPort, Type: uint16T, Nullable: true},
	cRequestProcessingTime:  {Name: ColRequestProcessingTime, Type: float64T, Nullable: true},
	cTargetProcessingTime:   {Name: ColTargetProcessingTime, Type: float64T, Nullable: true},
	cResponseProcessingTime: {Name: ColResponseProcessingTime, Type: float64T, Nullable: true},
	cELBStatusCode:          {Name: ColELBStatusCode, Type: uint16T, Nullable: true},
	cTargetStatusCode:       {Name: ColTargetStatusCode, Type: uint16T, Nullable: true},
	cReceivedBytes:          {Name: ColReceivedBytes, Type: int64T, Nullable: true},
	cSentBytes:              {Name: ColSentBytes, Type: int64T, Nullable: true},
	cRequestMethod:          {Name: ColRequestMethod, Type: utf8, Nullable: true},
	cRequestURL:             {Name: ColRequestURL, Type: utf8, Nullable: true},
	cRequestProto:           {Name: ColRequestProto, Type: utf8, Nullable: true},
	cUserAgent:              {Name: ColUserAgent, Type: utf8, Nullable: true},
	cSSLCipher:              {Name: ColSSLCipher, Type: utf8, Nullable: true},
	cSSLProtocol:            {Name: ColSSLProtocol, Type: utf8, Nullable: true},
	cTargetGroupARN:         {Name: ColTargetGroupARN, Type: utf8, Nullable: true},
	cTraceID:                {Name: ColTraceID, Type: utf8, Nullable: true},
	cDomainName:             {Name: ColDomainName, Type: utf8, Nullable: true},
	cChosenCertARN:          {Name: ColChosenCertARN, Type: utf8, Nullable: true},
	cMatchedRulePriority:    {Name: ColMatchedRulePriority, Type: int32T, Nullable: true},
	cRequestCreationTime:    {Name: ColRequestCreationTime, Type: tsUTC, Nullable: true},
	cActionsExecuted:        {Name: ColActionsExecuted, Type: utf8, Nullable: true},
	cRedirectURL:            {Name: ColRedirectURL, Type: utf8, Nullable: true},
	cErrorReason:            {Name: ColErrorReason, Type: utf8, Nullable: true},
	cTargetPortList:         {Name: ColTargetPortList, Type: utf8, Nullable: true},
	cTargetStatusCodeList:   {Name: ColTargetStatusCodeList, Type: utf8, Nullable: true},
	cClassification:         {Name: ColClassification, Type: utf8, Nullable: true},
	cClassificationReason:   {Name: ColClassificationReason, Type: utf8, Nullable: true},
	cConnTraceID:            {Name: ColConnTraceID, Type: utf8, Nullable: true},
	cTransformedHost:        {Name: ColTransformedHost, Type: utf8, Nullable: true},
	cTransformedURI:         {Name: ColTransformedURI, Type: utf8, Nullable: true},
	cRequestTransformStatus: {Name: ColRequestTransformStatus, Type: utf8, Nullable: true},
}

var fullSchema = arrow.NewSchema(fields[:], nil)

// Schema returns the full ALB schema: every column the decoder can build.
//
//	type                      utf8
//	time                      timestamp[us, UTC]  when the response was sent
//	elb                       utf8
//	client_ip, client_port    utf8, uint16        (IPv6 unbracketed)
//	target_ip, target_port    utf8, uint16        null when "-"
//	request_processing_time   float64 seconds     null for -1
//	target_processing_time    float64 seconds     null for -1
//	response_processing_time  float64 seconds     null for -1
//	elb_status_code           uint16              null for "-"
//	target_status_code        uint16              null for "-"
//	received_bytes, sent_bytes int64
//	request_method, request_url, request_proto  utf8 (split of "request")
//	user_agent ... chosen_cert_arn              utf8, null for "-"
//	matched_rule_priority     int32               null for "-"
//	request_creation_time     timestamp[us, UTC]
//	actions_executed ... request_transform_status  utf8, null for "-"
//
// Columns that a line's layout lacks (older, shorter lines) are null.
func Schema() *arrow.Schema { return fullSchema }
