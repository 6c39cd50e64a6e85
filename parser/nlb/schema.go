package nlb

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
)

// Column names of the NLB schema, in schema order. Other packages refer to
// columns by these names.
const (
	ColType                      = "type"
	ColVersion                   = "version"
	ColTime                      = "time"
	ColELB                       = "elb"
	ColListener                  = "listener"
	ColClientIP                  = "client_ip"
	ColClientPort                = "client_port"
	ColDestinationIP             = "destination_ip"
	ColDestinationPort           = "destination_port"
	ColConnectionTime            = "connection_time"
	ColTLSHandshakeTime          = "tls_handshake_time"
	ColReceivedBytes             = "received_bytes"
	ColSentBytes                 = "sent_bytes"
	ColIncomingTLSAlert          = "incoming_tls_alert"
	ColChosenCertARN             = "chosen_cert_arn"
	ColChosenCertSerial          = "chosen_cert_serial"
	ColTLSCipher                 = "tls_cipher"
	ColTLSProtocolVersion        = "tls_protocol_version"
	ColTLSKeyExchange            = "tls_keyexchange"
	ColDomainName                = "domain_name"
	ColALPNFrontendProtocol      = "alpn_fe_protocol"
	ColALPNBackendProtocol       = "alpn_be_protocol"
	ColALPNClientPreferenceList  = "alpn_client_preference_list"
	ColTLSConnectionCreationTime = "tls_connection_creation_time"
)

// Schema metadata keys set from parser.Source (non-empty values only). An
// NLB object's name tells no node, so there is no node key: the node a
// direct client reached is its row's destination_ip.
const (
	MetaSource       = rowbatch.MetaSource
	MetaLoadBalancer = rowbatch.MetaLoadBalancer
	MetaIntervalEnd  = rowbatch.MetaIntervalEnd
)

// TriageColumns are the columns a connection analysis needs: when, who,
// which listener and node, whether and why the handshake failed, how long
// it took and which certificate and name the client was served; pass them
// as parser.Options.Columns to build nothing else.
var TriageColumns = []string{
	ColTime, ColListener, ColClientIP, ColDestinationIP, ColDestinationPort,
	ColConnectionTime, ColTLSHandshakeTime, ColIncomingTLSAlert,
	ColChosenCertARN, ColTLSProtocolVersion, ColDomainName,
}

// colID indexes the columns in schema order.
type colID int

const (
	cType colID = iota
	cVersion
	cTime
	cELB
	cListener
	cClientIP
	cClientPort
	cDestinationIP
	cDestinationPort
	cConnectionTime
	cTLSHandshakeTime
	cReceivedBytes
	cSentBytes
	cIncomingTLSAlert
	cChosenCertARN
	cChosenCertSerial
	cTLSCipher
	cTLSProtocolVersion
	cTLSKeyExchange
	cDomainName
	cALPNFrontendProtocol
	cALPNBackendProtocol
	cALPNClientPreferenceList
	cTLSConnectionCreationTime
	numCols
)

var (
	tsUTC  = arrow.FixedWidthTypes.Timestamp_us
	msT    = arrow.FixedWidthTypes.Duration_ms
	utf8   = arrow.BinaryTypes.String
	uint8T = arrow.PrimitiveTypes.Uint8
	u16T   = arrow.PrimitiveTypes.Uint16
	int64T = arrow.PrimitiveTypes.Int64
)

// fields lists every column in schema order. Columns whose value can be "-"
// or that older layouts lack are nullable.
var fields = [numCols]arrow.Field{
	cType:                      {Name: ColType, Type: utf8},
	cVersion:                   {Name: ColVersion, Type: utf8},
	cTime:                      {Name: ColTime, Type: tsUTC},
	cELB:                       {Name: ColELB, Type: utf8},
	cListener:                  {Name: ColListener, Type: utf8},
	cClientIP:                  {Name: ColClientIP, Type: utf8},
	cClientPort:                {Name: ColClientPort, Type: u16T},
	cDestinationIP:             {Name: ColDestinationIP, Type: utf8, Nullable: true},
	cDestinationPort:           {Name: ColDestinationPort, Type: u16T, Nullable: true},
	cConnectionTime:            {Name: ColConnectionTime, Type: msT, Nullable: true},
	cTLSHandshakeTime:          {Name: ColTLSHandshakeTime, Type: msT, Nullable: true},
	cReceivedBytes:             {Name: ColReceivedBytes, Type: int64T, Nullable: true},
	cSentBytes:                 {Name: ColSentBytes, Type: int64T, Nullable: true},
	cIncomingTLSAlert:          {Name: ColIncomingTLSAlert, Type: uint8T, Nullable: true},
	cChosenCertARN:             {Name: ColChosenCertARN, Type: utf8, Nullable: true},
	cChosenCertSerial:          {Name: ColChosenCertSerial, Type: utf8, Nullable: true},
	cTLSCipher:                 {Name: ColTLSCipher, Type: utf8, Nullable: true},
	cTLSProtocolVersion:        {Name: ColTLSProtocolVersion, Type: utf8, Nullable: true},
	cTLSKeyExchange:            {Name: ColTLSKeyExchange, Type: utf8, Nullable: true},
	cDomainName:                {Name: ColDomainName, Type: utf8, Nullable: true},
	cALPNFrontendProtocol:      {Name: ColALPNFrontendProtocol, Type: utf8, Nullable: true},
	cALPNBackendProtocol:       {Name: ColALPNBackendProtocol, Type: utf8, Nullable: true},
	cALPNClientPreferenceList:  {Name: ColALPNClientPreferenceList, Type: utf8, Nullable: true},
	cTLSConnectionCreationTime: {Name: ColTLSConnectionCreationTime, Type: tsUTC, Nullable: true},
}

var fullSchema = arrow.NewSchema(fields[:], nil)

// Schema returns the full NLB schema: every column the decoder can build.
//
//	type                          utf8                "tls"
//	version                       utf8                "1.0" or "2.0"
//	time                          timestamp[us, UTC]  end of the connection (whole seconds)
//	elb                           utf8                net/{name}/{id}
//	listener                      utf8                the listener's ID
//	client_ip, client_port        utf8, uint16        (IPv6 unbracketed)
//	destination_ip, ..._port      utf8, uint16        the node (direct clients) or the
//	                                                  VPC endpoint; null for "-"
//	connection_time               duration[ms]        start to close
//	tls_handshake_time            duration[ms]        null when the handshake failed
//	received_bytes, sent_bytes    int64               after decryption / before encryption
//	incoming_tls_alert            uint8               the client's TLS alert (AlertName); null for "-"
//	chosen_cert_arn ... domain_name             utf8, null for "-"
//	alpn_fe_protocol, alpn_be_protocol          utf8, null for "-" (version 2.0)
//	alpn_client_preference_list   utf8                as written: "h2","http/1.1" (version 2.0)
//	tls_connection_creation_time  timestamp[us, UTC]  start of the connection (since 2023)
//
// domain_name and alpn_client_preference_list are URL-encoded by the load
// balancer and kept as written. Columns that a line's layout lacks (version
// 1.0 lines, lines written before tls_connection_creation_time) are null.
func Schema() *arrow.Schema { return fullSchema }
