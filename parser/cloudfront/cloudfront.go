// Package cloudfront decodes Amazon CloudFront access logs into Arrow record
// batches with one schema, whatever the layout of the input:
//
//   - standard logs (legacy), W3C extended format: TAB-separated records under
//     "#Version:" and "#Fields:" header lines, in every historical layout
//     (12, 15, 18, 19, 23, 24, 26 and 33 fields, and 34/35 with
//     distribution-tenant-id and connection-id);
//   - standard logging v2 in W3C form: a "#Fields:" line (no "#Version:") with
//     the user's own field order and a TAB or space delimiter, including the
//     v2-only fields timestamp(ms), origin-fbl, origin-lbl, asn, c-country and
//     cache-behavior-path-pattern;
//   - standard logging v2 in JSON form: one object per line, every value a
//     string, keyed by the W3C names verbatim ("cs(Cookie)", "timestamp(ms)").
//
// Columns are mapped by the names on each "#Fields:" line, never by a fixed
// count, and every "#Fields:" line re-maps them, so several files
// concatenated into one stream read correctly. A stream with no "#Fields:"
// line at all is read by position in the standard legacy order, and then a
// record must have one of the known layout lengths. Header lines count as
// parser.Stats.Comments.
//
// The logs of RTMP distributions (a "#Fields:" header with x-event and
// x-sname and no sc-status) hold streaming events, not HTTP requests:
// NewReader refuses such a log with a *parser.UnsupportedError (RTMPTitle),
// and records under such a header after others' (files concatenated) are
// rejected with a reason naming them.
//
// Value conventions:
//
//   - "-" and empty values are null in every column; columns a file lacks are
//     null.
//   - sc_status "000" (the viewer closed the connection before any response)
//     is 0, not null: null means the status was not logged at all.
//   - time is the request's timestamp in UTC milliseconds: timestamp(ms) when
//     the record has it, otherwise date + time (whole seconds; the moment the
//     edge finished the response).
//   - URL decoding (CloudFront writes spaces, '%', '"', '\' and other
//     characters as %XX escapes): cs_uri_stem, cs_uri_query, cs_cookie,
//     x_host_header and sc_content_type are decoded once, which gives back
//     what the viewer sent on the wire (a client's own %2F, logged as %252F,
//     stays %2F and is never decoded again). cs_user_agent and cs_referer are
//     decoded once and, when the result still holds escapes of the characters
//     CloudFront escapes (%20, %22, %5C, ...), those escapes are decoded once
//     more: logs written before 2020 double-encoded these fields
//     ("Mozilla/5.0%2520(Windows..."). Invalid escapes, and escapes that would
//     give invalid UTF-8, are kept as written. Other columns are kept as
//     logged; x_forwarded_for is raw and may hold several comma-separated
//     addresses ("a, b").
package cloudfront

import (
	"bytes"
	"io"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// Column names of the schema, in schema order.
const (
	ColTime                     = "time"
	ColXEdgeLocation            = "x_edge_location"
	ColScBytes                  = "sc_bytes"
	ColCIP                      = "c_ip"
	ColCsMethod                 = "cs_method"
	ColCsHost                   = "cs_host"
	ColCsURIStem                = "cs_uri_stem"
	ColScStatus                 = "sc_status"
	ColCsReferer                = "cs_referer"
	ColCsUserAgent              = "cs_user_agent"
	ColCsURIQuery               = "cs_uri_query"
	ColCsCookie                 = "cs_cookie"
	ColXEdgeResultType          = "x_edge_result_type"
	ColXEdgeRequestID           = "x_edge_request_id"
	ColXHostHeader              = "x_host_header"
	ColCsProtocol               = "cs_protocol"
	ColCsBytes                  = "cs_bytes"
	ColTimeTaken                = "time_taken"
	ColXForwardedFor            = "x_forwarded_for"
	ColSSLProtocol              = "ssl_protocol"
	ColSSLCipher                = "ssl_cipher"
	ColXEdgeResponseResultType  = "x_edge_response_result_type"
	ColCsProtocolVersion        = "cs_protocol_version"
	ColFLEStatus                = "fle_status"
	ColFLEEncryptedFields       = "fle_encrypted_fields"
	ColCPort                    = "c_port"
	ColTimeToFirstByte          = "time_to_first_byte"
	ColXEdgeDetailedResultType  = "x_edge_detailed_result_type"
	ColScContentType            = "sc_content_type"
	ColScContentLen             = "sc_content_len"
	ColScRangeStart             = "sc_range_start"
	ColScRangeEnd               = "sc_range_end"
	ColDistributionTenantID     = "distribution_tenant_id"
	ColConnectionID             = "connection_id"
	ColOriginFBL                = "origin_fbl"
	ColOriginLBL                = "origin_lbl"
	ColASN                      = "asn"
	ColCCountry                 = "c_country"
	ColCacheBehaviorPathPattern = "cache_behavior_path_pattern"
)

// TriageColumns are the columns the 5xx triage needs, in schema order; pass
// them as parser.Options.Columns to build nothing else.
var TriageColumns = []string{
	ColTime, ColXEdgeLocation, ColCIP, ColCsHost, ColCsURIStem, ColScStatus,
	ColXEdgeResultType, ColXHostHeader, ColTimeTaken, ColXEdgeResponseResultType,
	ColTimeToFirstByte, ColXEdgeDetailedResultType,
}

// Metadata keys of every batch schema, filled from parser.Options.Source.
const (
	MetaSource       = "lbtriage.source"
	MetaDistribution = "lbtriage.distribution"
	MetaHour         = "lbtriage.hour"
)

// Format names the CloudFront access-log format.
const Format parser.Format = "cloudfront"

// Decoder is the CloudFront access-log format.
type Decoder struct{}

var _ parser.Splitter = Decoder{}

// Carry returns the names of the last "#Fields:" line of text, copied, or
// carry when text has none: the header under which the next block's lines
// are read (parser.Splitter). A header line longer than the Reader's
// MaxLineBytes, rejected as too long, or opening a block other than an
// object's first after a byte-order mark, is taken for one all the same;
// neither is met in logs.
func (Decoder) Carry(carry, text []byte) []byte {
	const tag = "#Fields:"
	// Searched forwards: bytes.Index is vectorised, LastIndex is not.
	var last []byte
	for from := 0; ; {
		i := bytes.Index(text[from:], []byte(tag))
		if i < 0 {
			break
		}
		i += from
		from = i + len(tag)
		start := bytes.LastIndexByte(text[:i], '\n') + 1
		lead := bytes.TrimPrefix(text[start:i], utf8BOM)
		if len(bytes.TrimLeft(lead, " \t")) != 0 {
			continue // "#Fields:" inside a line
		}
		names := text[from:]
		if nl := bytes.IndexByte(names, '\n'); nl >= 0 {
			names = names[:nl]
		}
		last = bytes.TrimSuffix(names, []byte("\r"))
	}
	if last == nil {
		return carry
	}
	return append([]byte{}, last...)
}

// Format returns Format.
func (Decoder) Format() parser.Format { return Format }

// Schema returns the full schema.
func (Decoder) Schema() *arrow.Schema { return Schema() }

// NewReader returns a Reader over r; see the package function NewReader.
func (Decoder) NewReader(r io.Reader, opts parser.Options) (parser.Reader, error) {
	return NewReader(r, opts)
}

// Title returns "CloudFront access log".
func (Decoder) Title() string { return "CloudFront access log" }

// ParseName reads the CloudFront standard-log object name layout
// ({distribution}.{YYYY-MM-DD-HH}.{unique}.gz): Resource is the
// distribution, and the rows cover the hour.
func (Decoder) ParseName(base string) (parser.Source, bool) {
	k, ok := awskey.ParseCloudFront(base)
	if !ok {
		return parser.Source{}, false
	}
	return parser.Source{
		Format: Format, Resource: k.Distribution,
		Start: k.Hour, End: k.Hour.Add(time.Hour),
	}, true
}

// Sniff counts the lines of head that look like CloudFront's: "#Version"
// and "#Fields" header lines, JSON objects with CloudFront keys, and
// TAB-separated records starting "YYYY-MM-DD\tHH:MM:SS".
func (Decoder) Sniff(head []byte) int {
	return rowbatch.CountLines(bytes.TrimPrefix(head, utf8BOM), sniffLine)
}

func sniffLine(line []byte) bool {
	switch {
	case bytes.HasPrefix(line, []byte("#Version")), bytes.HasPrefix(line, []byte("#Fields")):
		return true
	case bytes.HasPrefix(line, []byte(`{"`)):
		for _, k := range jsonSniffKeys {
			if bytes.Contains(line, k) {
				return true
			}
		}
		return false
	}
	return len(line) >= 19 && isDate(line[:10]) && line[10] == '\t' && isClock(line[11:19])
}

var utf8BOM = []byte("\xef\xbb\xbf")

var jsonSniffKeys = [][]byte{
	[]byte(`"x-edge-location"`), []byte(`"x-edge-request-id"`), []byte(`"x-edge-result-type"`),
	[]byte(`"timestamp(ms)"`), []byte(`"cs(Host)"`), []byte(`"cs-uri-stem"`),
}

func isDate(b []byte) bool {
	_, ok := bytesconv.ParseDateDays(b)
	return ok
}

func isClock(b []byte) bool {
	_, ok := bytesconv.ParseClockSeconds(b)
	return ok
}

// Schema returns the full schema: every column the decoder builds.
func Schema() *arrow.Schema { return fullSchema }

var fullSchema = func() *arrow.Schema {
	fields := make([]arrow.Field, len(columns))
	for i, c := range columns {
		fields[i] = arrow.Field{Name: c.name, Type: c.kind.dataType(), Nullable: c.kind != kindTime}
	}
	return arrow.NewSchema(fields, nil)
}()
