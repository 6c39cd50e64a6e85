package alb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
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

func TestCorpus(t *testing.T) { runCorpus(t, corpusDir(t)) }

// TestCorpusTestdata runs the permissively licensed corpus lines copied into
// testdata, so the checks run even without the shared corpus.
func TestCorpusTestdata(t *testing.T) { runCorpus(t, filepath.Join("testdata", "corpus")) }

func runCorpus(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "alb-*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no alb-*.log files in %s (%v)", dir, err)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := readAll(t, bytes.NewReader(data), parser.Options{BatchSize: 3, Source: parser.Source{Name: rel}})
			if res.Err != nil {
				t.Fatalf("Err() = %v", res.Err)
			}
			wantRejects := corpusRejects[rel]
			got := map[int]string{}
			for _, e := range res.Rejects {
				got[int(e.Line-1)] = e.Reason
			}
			for i, reason := range got {
				if want, ok := wantRejects[i]; !ok || want != reason {
					t.Errorf("line %d rejected: %s, want %q", i, reason, want)
				}
			}
			for i, want := range wantRejects {
				if _, ok := got[i]; !ok {
					t.Errorf("line %d accepted, want rejected: %s", i, want)
				}
			}
			// Map rows back to line indexes.
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if int(res.Stats.Lines) != len(lines) {
				t.Errorf("Lines = %d, file has %d", res.Stats.Lines, len(lines))
			}
			byIndex := map[int]map[string]any{}
			next := 0
			for i, l := range lines {
				if _, rejected := got[i]; rejected || rowbatch.IsComment([]byte(strings.TrimSuffix(l, "\r"))) {
					continue
				}
				byIndex[i] = res.Rows[next]
				next++
			}
			t.Logf("%d lines: %d parsed, %d rejected, %d blank", res.Stats.Lines, res.Stats.Parsed, res.Stats.Rejected, res.Stats.Comments)

			// The triage projection accepts and rejects the same lines.
			tri := readAll(t, bytes.NewReader(data), parser.Options{Columns: TriageColumns})
			if tri.Stats.Parsed != res.Stats.Parsed || tri.Stats.Rejected != res.Stats.Rejected {
				t.Errorf("triage projection: %+v, all columns: %+v", tri.Stats, res.Stats)
			}

			exp := strings.TrimSuffix(path, ".log") + ".expected.json"
			if _, err := os.Stat(exp); err == nil {
				checkExpected(t, rel, exp, byIndex)
			}
		})
	}
}

type expectedFile struct {
	Lines []struct {
		Index    int            `json:"index"`
		Expected map[string]any `json:"expected"`
	} `json:"lines"`
	Aggregate map[string]any `json:"aggregate"`
}

// getter renders one of our row's values the way a peer's field holds it.
type getter func(r map[string]any) any

func col(name string) getter { return func(r map[string]any) any { return r[name] } }

// timing renders a null timing as the -1 the log holds.
func timing(name string) getter {
	return func(r map[string]any) any {
		if v := r[name]; v != nil {
			return v
		}
		return -1.0
	}
}

func hostPort(ip, port string) getter {
	return func(r map[string]any) any {
		if r[ip] == nil {
			return nil
		}
		return fmt.Sprintf("%v:%v", r[ip], r[port])
	}
}

func request(r map[string]any) any {
	var parts []string
	for _, c := range []string{ColRequestMethod, ColRequestURL, ColRequestProto} {
		if v, ok := r[c].(string); ok {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

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
	for _, c := range []string{ColType, ColTime, ColELB, ColClientIP, ColClientPort, ColELBStatusCode, ColTargetStatusCode,
		ColReceivedBytes, ColSentBytes, ColUserAgent, ColSSLCipher, ColSSLProtocol, ColTargetGroupARN, ColTraceID,
		ColDomainName, ColChosenCertARN, ColMatchedRulePriority, ColRequestCreationTime, ColActionsExecuted,
		ColRedirectURL, ColErrorReason, ColTargetPortList, ColTargetStatusCodeList, ColClassification,
		ColClassificationReason} {
		if _, ok := m[c]; !ok {
			m[c] = col(c)
		}
	}
	for _, c := range []string{ColRequestProcessingTime, ColTargetProcessingTime, ColResponseProcessingTime} {
		if _, ok := m[c]; !ok {
			m[c] = timing(c)
		}
	}
	return m
}

// peerFields maps each peer's field names and conventions (the
// "conventions" string of its .expected.json) onto our columns. A nil getter
// marks a peer field we do not produce (URL pieces, parsed query strings).
var peerFields = map[string]map[string]getter{
	// '-' -> null; host -> {ip, port}; actions split on ','.
	"aws-log-parser/alb-test-fixtures.log": sameNames(map[string]getter{
		"timestamp": col(ColTime),
		"client": func(r map[string]any) any {
			return map[string]any{"ip": r[ColClientIP], "port": r[ColClientPort]}
		},
		"target": func(r map[string]any) any {
			if r[ColTargetIP] == nil {
				return nil
			}
			return map[string]any{"ip": r[ColTargetIP], "port": r[ColTargetPort]}
		},
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

func checkExpected(t *testing.T, rel, path string, rows map[int]map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var exp expectedFile
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("%s: %s", path, err)
	}
	if counts, ok := exp.Aggregate["count_by_type"].(map[string]any); ok {
		got := map[string]float64{}
		for _, r := range rows {
			got[r[ColType].(string)]++
		}
		for typ, n := range counts {
			if got[typ] != n.(float64) {
				t.Errorf("type %s: %v rows, peer counts %v", typ, got[typ], n)
			}
		}
		if n, ok := exp.Aggregate["total_lines"].(float64); ok && float64(len(rows)) != n {
			t.Errorf("%d rows, peer counts %v", len(rows), n)
		}
	}
	if len(exp.Lines) == 0 {
		return
	}
	fields, ok := peerFields[rel]
	if !ok {
		t.Fatalf("no field mapping for %s", rel)
	}
	checked := 0
	for _, l := range exp.Lines {
		if l.Expected == nil {
			continue // rejected by the peer; see corpusRejects for ours
		}
		r, ok := rows[l.Index]
		if !ok {
			if _, rejected := corpusRejects[rel][l.Index]; rejected {
				continue
			}
			t.Errorf("line %d: no row", l.Index)
			continue
		}
		for k, want := range l.Expected {
			g, ok := fields[k]
			if !ok {
				t.Errorf("line %d: peer field %q has no mapping", l.Index, k)
				continue
			}
			if g == nil {
				continue
			}
			if got := g(r); !samePeerValue(got, want) {
				t.Errorf("line %d: %s = %#v, peer expects %#v", l.Index, k, got, want)
			}
			checked++
		}
	}
	t.Logf("%d peer field values checked", checked)
}

// samePeerValue compares our value with a peer's JSON value across
// conventions: numbers may be strings on either side, and a null of ours
// matches a peer's null, "-" or "".
func samePeerValue(ours, theirs any) bool {
	if ours == nil {
		return theirs == nil || theirs == "-" || theirs == ""
	}
	switch w := theirs.(type) {
	case nil:
		return false
	case string:
		if s, ok := ours.(string); ok {
			return s == w
		}
		f, err := strconv.ParseFloat(w, 64)
		return err == nil && toFloat(ours) == f
	case float64:
		if s, ok := ours.(string); ok {
			f, err := strconv.ParseFloat(s, 64)
			return err == nil && f == w
		}
		return toFloat(ours) == w
	case []any:
		o, ok := ours.([]any)
		if !ok || len(o) != len(w) {
			return false
		}
		for i := range w {
			if !samePeerValue(o[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		o, ok := ours.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range o {
			if !samePeerValue(v, w[k]) {
				return false
			}
		}
		return true
	}
	return false
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case uint16:
		return float64(n)
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return -12345.678
}
