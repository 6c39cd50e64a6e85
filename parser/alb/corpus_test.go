package alb

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// The shared corpus holds ALB lines collected from other projects' tests and
// AWS documentation (see its SOURCES.md). Files under some licences cannot be
// copied into this repository, so the test reads the corpus where it lives
// (readertest.CorpusDir).
var corpusDir = readertest.CorpusDir

// corpusRejects lists the corpus lines we reject, by file and 0-based line
// index, with the reason expected. Every other line of every alb-*.log file
// must parse.
//
// Decisions on lines peers reject:
//   - nekrassov01 alb-regex-tests.log line 1 ("expected": null): a 2018
//     line with the target:port_list and status list UNQUOTED (as AWS's docs
//     printed them before Dec 2021) and cut after classification. Both are
//     layouts real ALB logs or their documentation used, and the reader
//     accepts any line of 16 fields or more: we accept it, with
//     classification_reason null.
//   - crowdsec-hub alb-aws-alb-logs.log line 5: two records spliced mid
//     trace id. The hub's grok reports success, but the fields after the
//     splice are shifted (a cipher where matched_rule_priority belongs), so
//     we reject it.
//   - simnalamburt alb-parser-tests.log line 17 (expected_error): a 2-field
//     line.
//   - elastic-integrations alb-connection-test-alb.log: ALB connection-log
//     lines, not access logs (input.Scan names them as such).
var corpusRejects = map[string]map[int]string{
	"crowdsec-hub/alb-aws-alb-logs.log":                {5: `bad matched_rule_priority "TLSv1.2"`},
	"simnalamburt-elb-log-parser/alb-parser-tests.log": {17: "2 fields, want at least 16"},
	"elastic-integrations/alb-connection-test-alb.log": {
		0: `unknown type "2024-10-04T17:05:15."...`,
		1: `unknown type "2024-10-04T17:05:15."...`,
		2: `unknown type "2024-11-29T13:45:24."...`,
	},
}

func TestCorpus(t *testing.T) { corpus.Run(t, corpusDir(t)) }

// TestCorpusTestdata runs the permissively licensed corpus lines copied into
// testdata, so the checks run even without the shared corpus.
func TestCorpusTestdata(t *testing.T) { corpus.Run(t, filepath.Join("testdata", "corpus")) }

var corpus = &readertest.Corpus{
	Glob: "alb-*.log", NewReader: Decoder{}.NewReader, Columns: TriageColumns,
	Rejects: corpusRejects, Peers: peerFields, Aggregate: countByType,
}

// countByType checks a peer's count of rows per type.
func countByType(t *testing.T, agg map[string]any, rows map[int]map[string]any) {
	counts, ok := agg["count_by_type"].(map[string]any)
	if !ok {
		return
	}
	got := map[string]float64{}
	for _, r := range rows {
		got[r[ColType].(string)]++
	}
	for typ, n := range counts {
		if got[typ] != n.(float64) {
			t.Errorf("type %s: %v rows, peer counts %v", typ, got[typ], n)
		}
	}
	if n, ok := agg["total_lines"].(float64); ok && float64(len(rows)) != n {
		t.Errorf("%d rows, peer counts %v", len(rows), n)
	}
}

// getter renders one of our row's values the way a peer's field holds it.
type getter = readertest.Getter

var (
	col      = readertest.Col
	timing   = readertest.Timing
	hostPort = readertest.HostPort
	request  = readertest.Joined(ColRequestMethod, ColRequestURL, ColRequestProto)
)

// list renders a space- or comma-separated column as a list ([] for null).
func list(name, sep string) getter {
	return func(r map[string]any) any {
		v, ok := r[name].(string)
		if !ok {
			return []any{}
		}
		var out []any
		for _, s := range strings.Split(v, sep) {
			out = append(out, s)
		}
		return out
	}
}

func offsetTime(name string) getter {
	return func(r map[string]any) any {
		if v, ok := r[name].(string); ok {
			return strings.TrimSuffix(v, "Z") + "+00:00"
		}
		return nil
	}
}

// sameNames maps peer fields that carry our column names unchanged.
func sameNames(m map[string]getter) map[string]getter {
	return readertest.SameNames(m, []string{ColType, ColTime, ColELB, ColClientIP, ColClientPort, ColELBStatusCode,
		ColTargetStatusCode, ColReceivedBytes, ColSentBytes, ColUserAgent, ColSSLCipher, ColSSLProtocol, ColTargetGroupARN,
		ColTraceID, ColDomainName, ColChosenCertARN, ColMatchedRulePriority, ColRequestCreationTime, ColActionsExecuted,
		ColRedirectURL, ColErrorReason, ColTargetPortList, ColTargetStatusCodeList, ColClassification,
		ColClassificationReason}, []string{ColRequestProcessingTime, ColTargetProcessingTime, ColResponseProcessingTime})
}

// peerFields maps each peer's field names and conventions (the
// "conventions" string of its .expected.json) onto our columns. A nil getter
// marks a peer field we do not produce (URL pieces, parsed query strings).
var peerFields = map[string]map[string]getter{
	// '-' -> null; host -> {ip, port}; actions split on ','.
	"aws-log-parser/alb-test-fixtures.log": sameNames(map[string]getter{
		"timestamp": col(ColTime),
		"client":    readertest.IPPort(ColClientIP, ColClientPort),
		"target":    readertest.IPPort(ColTargetIP, ColTargetPort),
		"http_request": func(r map[string]any) any {
			return map[string]any{"method": r[ColRequestMethod], "url": r[ColRequestURL], "protocol": r[ColRequestProto]}
		},
		ColActionsExecuted: list(ColActionsExecuted, ","),
	}),
	// grok strings, '-' kept; URL split into scheme/host/port/path (not ours).
	"crowdsec-hub/alb-aws-alb-logs.log": sameNames(map[string]getter{
		"remote_addr": col(ColClientIP), "remote_port": col(ColClientPort),
		"target_addr": col(ColTargetIP), "target_port": col(ColTargetPort),
		"verb":            col(ColRequestMethod),
		"http_user_agent": col(ColUserAgent),
		"http_version": func(r map[string]any) any {
			v, _ := r[ColRequestProto].(string)
			return strings.TrimPrefix(v, "HTTP/")
		},
		"target_list": col(ColTargetPortList),
		"protocol":    nil, "host": nil, "port": nil, "request": nil, "parse_success": nil, "note": nil,
	}),
	// honeytail: target is "backend", time is "response_time".
	"honeyaws/alb-publisher-test.log": sameNames(map[string]getter{
		"client_authority":        hostPort(ColClientIP, ColClientPort),
		"backend_authority":       hostPort(ColTargetIP, ColTargetPort),
		"backend_processing_time": timing(ColTargetProcessingTime),
		"backend_status_code":     col(ColTargetStatusCode),
		"response_time":           col(ColTime),
		"request":                 request,
	}),
	// Raw strings; client_port/target_port hold "ip:port".
	"nekrassov01-access-log-parser/alb-regex-tests.log": sameNames(map[string]getter{
		ColClientPort: hostPort(ColClientIP, ColClientPort),
		"target_port": hostPort(ColTargetIP, ColTargetPort),
		"method":      col(ColRequestMethod), "request_uri": col(ColRequestURL), "protocol": col(ColRequestProto),
	}),
	// plaso event data names; times with +00:00.
	"plaso/alb-aws_elb_access.log": sameNames(map[string]getter{
		"destination_group_arn":           col(ColTargetGroupARN),
		"destination_ip_address":          col(ColTargetIP),
		"destination_port":                col(ColTargetPort),
		"destination_list":                list(ColTargetPortList, " "),
		"destination_processing_duration": timing(ColTargetProcessingTime),
		"destination_status_code":         col(ColTargetStatusCode),
		"destination_status_code_list":    col(ColTargetStatusCodeList),
		"request":                         request,
		"request_processing_duration":     timing(ColRequestProcessingTime),
		"response_processing_duration":    timing(ColResponseProcessingTime),
		"request_type":                    col(ColType),
		"resource_identifier":             col(ColELB),
		"source_ip_address":               col(ColClientIP),
		"source_port":                     col(ColClientPort),
		"request_time":                    offsetTime(ColRequestCreationTime),
		"response_time":                   offsetTime(ColTime),
		"trace_identifier":                col(ColTraceID),
	}),
	// Raw strings, '-' kept. The peer trims the leading space the log has
	// in one SNI domain (" some-subdomain.domain.com"); we keep values as
	// written, so compare trimmed.
	"simnalamburt-elb-log-parser/alb-parser-tests.log": sameNames(map[string]getter{
		"target_ip_port": hostPort(ColTargetIP, ColTargetPort),
		"http_method":    col(ColRequestMethod), "url": col(ColRequestURL), "http_version": col(ColRequestProto),
		"target_ip_port_list": col(ColTargetPortList),
		"tid":                 col(ColConnTraceID),
		ColDomainName: func(r map[string]any) any {
			if v, ok := r[ColDomainName].(string); ok {
				return strings.TrimSpace(v)
			}
			return nil
		},
	}),
	// '-' -> null; timings keep -1.0; lists are arrays.
	"vector-vrl/alb-parse_aws_alb_log-tests.log": sameNames(map[string]getter{
		"timestamp":               col(ColTime),
		"client_host":             hostPort(ColClientIP, ColClientPort),
		"target_host":             hostPort(ColTargetIP, ColTargetPort),
		"request_method":          col(ColRequestMethod),
		"request_url":             col(ColRequestURL),
		"request_protocol":        col(ColRequestProto),
		"target_port_list":        list(ColTargetPortList, " "),
		"target_status_code_list": list(ColTargetStatusCodeList, " "),
		"traceability_id":         col(ColConnTraceID),
	}),
	// The peer asserts regex matches and field presence.
	"elb-log-analyzer/alb-new-fields.log": {
		"domain_name_matches": func(r map[string]any) any {
			return regexp.QuoteMeta(fmt.Sprint(r[ColDomainName])) + " (quotes retained by this tool)"
		},
		ColMatchedRulePriority:     col(ColMatchedRulePriority),
		"actions_executed_matches": col(ColActionsExecuted),
		ColClassification: func(r map[string]any) any {
			return fmt.Sprint(r[ColClassification]) + " (field present in line)"
		},
	},
	"lnav/alb-format-samples.log": {
		"matches_format": func(map[string]any) any { return "alb_log" },
	},
}
