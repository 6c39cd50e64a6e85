package cloudfront

import "github.com/apache/arrow-go/v18/arrow"

// kind is how a column's text becomes a value.
type kind uint8

const (
	kindTime    kind = iota // timestamp[us, UTC], from date+time or timestamp(ms)
	kindString              // utf8
	kindInt64               // int64
	kindUint16              // uint16
	kindInt32               // int32
	kindFloat64             // float64
	kindStatus              // uint16 from a 1–3 digit status ("000" is 0)
)

func (k kind) dataType() arrow.DataType {
	switch k {
	case kindTime:
		return timestampUS
	case kindInt64:
		return arrow.PrimitiveTypes.Int64
	case kindUint16, kindStatus:
		return arrow.PrimitiveTypes.Uint16
	case kindInt32:
		return arrow.PrimitiveTypes.Int32
	case kindFloat64:
		return arrow.PrimitiveTypes.Float64
	}
	return arrow.BinaryTypes.String
}

// timestampUS is the type of the time column: microseconds in UTC, as in
// every decoder's schema.
var timestampUS = &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}

// decoding says how a string column is URL-decoded (see the package doc).
type decoding uint8

const (
	decodeNone decoding = iota
	decodeOnce          // decode %XX once
	decodeUA            // once, then the escapes of CloudFront's table once more
)

// column describes one schema column and the W3C field it comes from.
type column struct {
	name string
	w3c  string
	kind kind
	dec  decoding
}

// Column indexes; the order is the schema order.
const (
	cTime = iota
	cXEdgeLocation
	cScBytes
	cCIP
	cCsMethod
	cCsHost
	cCsURIStem
	cScStatus
	cCsReferer
	cCsUserAgent
	cCsURIQuery
	cCsCookie
	cXEdgeResultType
	cXEdgeRequestID
	cXHostHeader
	cCsProtocol
	cCsBytes
	cTimeTaken
	cXForwardedFor
	cSSLProtocol
	cSSLCipher
	cXEdgeResponseResultType
	cCsProtocolVersion
	cFLEStatus
	cFLEEncryptedFields
	cCPort
	cTimeToFirstByte
	cXEdgeDetailedResultType
	cScContentType
	cScContentLen
	cScRangeStart
	cScRangeEnd
	cDistributionTenantID
	cConnectionID
	cOriginFBL
	cOriginLBL
	cASN
	cCCountry
	cCacheBehaviorPathPattern
	numColumns
)

var columns = [numColumns]column{
	cTime:                     {ColTime, "", kindTime, decodeNone},
	cXEdgeLocation:            {ColXEdgeLocation, "x-edge-location", kindString, decodeNone},
	cScBytes:                  {ColScBytes, "sc-bytes", kindInt64, decodeNone},
	cCIP:                      {ColCIP, "c-ip", kindString, decodeNone},
	cCsMethod:                 {ColCsMethod, "cs-method", kindString, decodeNone},
	cCsHost:                   {ColCsHost, "cs(Host)", kindString, decodeNone},
	cCsURIStem:                {ColCsURIStem, "cs-uri-stem", kindString, decodeOnce},
	cScStatus:                 {ColScStatus, "sc-status", kindStatus, decodeNone},
	cCsReferer:                {ColCsReferer, "cs(Referer)", kindString, decodeUA},
	cCsUserAgent:              {ColCsUserAgent, "cs(User-Agent)", kindString, decodeUA},
	cCsURIQuery:               {ColCsURIQuery, "cs-uri-query", kindString, decodeOnce},
	cCsCookie:                 {ColCsCookie, "cs(Cookie)", kindString, decodeOnce},
	cXEdgeResultType:          {ColXEdgeResultType, "x-edge-result-type", kindString, decodeNone},
	cXEdgeRequestID:           {ColXEdgeRequestID, "x-edge-request-id", kindString, decodeNone},
	cXHostHeader:              {ColXHostHeader, "x-host-header", kindString, decodeOnce},
	cCsProtocol:               {ColCsProtocol, "cs-protocol", kindString, decodeNone},
	cCsBytes:                  {ColCsBytes, "cs-bytes", kindInt64, decodeNone},
	cTimeTaken:                {ColTimeTaken, "time-taken", kindFloat64, decodeNone},
	cXForwardedFor:            {ColXForwardedFor, "x-forwarded-for", kindString, decodeNone},
	cSSLProtocol:              {ColSSLProtocol, "ssl-protocol", kindString, decodeNone},
	cSSLCipher:                {ColSSLCipher, "ssl-cipher", kindString, decodeNone},
	cXEdgeResponseResultType:  {ColXEdgeResponseResultType, "x-edge-response-result-type", kindString, decodeNone},
	cCsProtocolVersion:        {ColCsProtocolVersion, "cs-protocol-version", kindString, decodeNone},
	cFLEStatus:                {ColFLEStatus, "fle-status", kindString, decodeNone},
	cFLEEncryptedFields:       {ColFLEEncryptedFields, "fle-encrypted-fields", kindInt32, decodeNone},
	cCPort:                    {ColCPort, "c-port", kindUint16, decodeNone},
	cTimeToFirstByte:          {ColTimeToFirstByte, "time-to-first-byte", kindFloat64, decodeNone},
	cXEdgeDetailedResultType:  {ColXEdgeDetailedResultType, "x-edge-detailed-result-type", kindString, decodeNone},
	cScContentType:            {ColScContentType, "sc-content-type", kindString, decodeOnce},
	cScContentLen:             {ColScContentLen, "sc-content-len", kindInt64, decodeNone},
	cScRangeStart:             {ColScRangeStart, "sc-range-start", kindInt64, decodeNone},
	cScRangeEnd:               {ColScRangeEnd, "sc-range-end", kindInt64, decodeNone},
	cDistributionTenantID:     {ColDistributionTenantID, "distribution-tenant-id", kindString, decodeNone},
	cConnectionID:             {ColConnectionID, "connection-id", kindString, decodeNone},
	cOriginFBL:                {ColOriginFBL, "origin-fbl", kindFloat64, decodeNone},
	cOriginLBL:                {ColOriginLBL, "origin-lbl", kindFloat64, decodeNone},
	cASN:                      {ColASN, "asn", kindString, decodeNone},
	cCCountry:                 {ColCCountry, "c-country", kindString, decodeNone},
	cCacheBehaviorPathPattern: {ColCacheBehaviorPathPattern, "cache-behavior-path-pattern", kindString, decodeNone},
}

// fieldID is what a W3C field feeds: a column index below numColumns, or one
// of the time sources, or nothing.
type fieldID uint8

const (
	fieldDate fieldID = numColumns + iota
	fieldClock
	fieldTimestampMs
	fieldSkip
)

// fieldByName maps W3C field names to what they feed.
var fieldByName = func() map[string]fieldID {
	m := map[string]fieldID{
		"date":          fieldDate,
		"time":          fieldClock,
		"timestamp(ms)": fieldTimestampMs,
	}
	for i, c := range columns {
		if c.w3c != "" {
			m[c.w3c] = fieldID(i)
		}
	}
	return m
}()

// legacyOrder is the standard (legacy) field order. Every historical layout
// is a prefix of it; see knownLayout.
var legacyOrder = []string{
	"date", "time", "x-edge-location", "sc-bytes", "c-ip", "cs-method", "cs(Host)",
	"cs-uri-stem", "sc-status", "cs(Referer)", "cs(User-Agent)", "cs-uri-query",
	"cs(Cookie)", "x-edge-result-type", "x-edge-request-id", "x-host-header",
	"cs-protocol", "cs-bytes", "time-taken", "x-forwarded-for", "ssl-protocol",
	"ssl-cipher", "x-edge-response-result-type", "cs-protocol-version", "fle-status",
	"fle-encrypted-fields", "c-port", "time-to-first-byte", "x-edge-detailed-result-type",
	"sc-content-type", "sc-content-len", "sc-range-start", "sc-range-end",
	"distribution-tenant-id", "connection-id",
}

// knownLayout reports whether n is the field count of a historical standard
// layout: 12 (≤2012), 15 (2012), 18 (2013), 19 (~2014), 23 (≤2016),
// 24 (2016), 26 (2017), 33 (2019) and 34/35 (distribution-tenant-id,
// connection-id).
func knownLayout(n int) bool {
	switch n {
	case 12, 15, 18, 19, 23, 24, 26, 33, 34, 35:
		return true
	}
	return false
}

const knownLayouts = "12, 15, 18, 19, 23, 24, 26, 33, 34 or 35"
