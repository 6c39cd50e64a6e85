package albhealth

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// fullFields is a failing check on the current ten-field layout.
var fullFields = []string{
	`http`, `2026-03-14T09:26:41.730552Z`, `0.004870331`, `10.0.2.18:8080`, `web-blue`,
	`FAIL`, `299`, `ResponseCodeMismatch`, `app/shop-alb/8c3e5f7a9b1d2c4e`, `10.0.1.233`,
}

var fullWant = map[string]any{
	ColType: "http", ColTime: "2026-03-14T09:26:41.730552Z", ColLatency: 4870331 * time.Nanosecond,
	ColTargetIP: "10.0.2.18", ColTargetPort: 8080, ColTargetGroup: "web-blue", ColStatus: "FAIL",
	ColStatusCode: 299, ColReasonCode: "ResponseCodeMismatch", ColELB: "app/shop-alb/8c3e5f7a9b1d2c4e",
	ColNodeIP: "10.0.1.233",
}

// columnField is the field position each column comes from.
var columnField = map[string]int{
	ColType: fType, ColTime: fTime, ColLatency: fLatency, ColTargetIP: fTarget, ColTargetPort: fTarget,
	ColLambdaARN: fTarget, ColTargetGroup: fTargetGroup, ColStatus: fStatus, ColStatusCode: fStatusCode,
	ColReasonCode: fReasonCode, ColELB: fELB, ColNodeIP: fNodeIP,
}

func TestColumnField(t *testing.T) {
	for _, f := range Schema().Fields() {
		if _, ok := columnField[f.Name]; !ok {
			t.Errorf("column %s has no field position in the test table", f.Name)
		}
	}
	if len(TriageColumns) != len(Schema().Fields())-1 {
		t.Errorf("TriageColumns %v: want every column but type", TriageColumns)
	}
}

// with returns fullWant with the changes applied; a nil value deletes.
func with(kv ...any) map[string]any { return readertest.With(fullWant, kv...) }

// lineWith returns the ten-field line with field i replaced.
func lineWith(kv ...any) string { return readertest.LineWith(fullFields, kv...) }

// parseOne parses one line with all columns and returns its row.
func parseOne(t *testing.T, line string) map[string]any {
	t.Helper()
	return readertest.ParseOne(t, Decoder{}.NewReader, line)
}

func TestReaderExamples_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	// The examples of the AWS documentation page "Health check logs"
	// (User Guide for Application Load Balancers): both versions of the
	// page show them with eight fields.
	f(`http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PASS 200 -`, map[string]any{
		ColType: "http", ColTime: "2025-10-31T12:44:59.875678Z", ColLatency: 19584011 * time.Nanosecond,
		ColTargetIP: "172.31.20.97", ColTargetPort: 80, ColTargetGroup: "HCLogsTestIPs", ColStatus: "PASS",
		ColStatusCode: 200,
	})
	f(`http 2025-10-31T12:44:58.901409Z 1.121980746 172.31.31.9:80 HCLogsTestIPs FAIL 502 TargetError`, map[string]any{
		ColType: "http", ColTime: "2025-10-31T12:44:58.901409Z", ColLatency: 1121980746 * time.Nanosecond,
		ColTargetIP: "172.31.31.9", ColTargetPort: 80, ColTargetGroup: "HCLogsTestIPs", ColStatus: "FAIL",
		ColStatusCode: 502, ColReasonCode: "TargetError",
	})
	// The examples of the format notes (../shared/formats/alb.md §3.1), in
	// this project's own values, on the ten-field layout.
	node := func(n string, kv ...any) map[string]any {
		return with(append([]any{ColELB, "app/shop-alb/8c3e5f7a9b1d2c4e", ColNodeIP, n}, kv...)...)
	}
	f(`http 2026-03-14T09:26:40.118204Z 0.006209174 10.0.2.17:8080 web-blue PASS 200 - app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233`,
		node("10.0.1.233", ColTime, "2026-03-14T09:26:40.118204Z", ColLatency, 6209174*time.Nanosecond,
			ColTargetIP, "10.0.2.17", ColStatus, "PASS", ColStatusCode, 200, ColReasonCode, nil))
	f(`http 2026-03-14T09:26:41.730552Z 0.004870331 10.0.2.18:8080 web-blue FAIL 299 ResponseCodeMismatch app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233`,
		fullWant)
	f(`http 2026-03-14T09:26:44.051967Z 5.000813266 10.0.3.40:8080 web-blue FAIL - TimedOut app/shop-alb/8c3e5f7a9b1d2c4e 10.0.2.61`,
		node("10.0.2.61", ColTime, "2026-03-14T09:26:44.051967Z", ColLatency, 5000813266*time.Nanosecond,
			ColTargetIP, "10.0.3.40", ColStatusCode, nil, ColReasonCode, "TimedOut"))
	f(`https 2026-03-14T09:26:47.992310Z 0.231455072 10.0.3.41:443 api-green FAIL 503 TargetError app/shop-alb/8c3e5f7a9b1d2c4e 10.0.3.18`,
		node("10.0.3.18", ColType, "https", ColTime, "2026-03-14T09:26:47.992310Z", ColLatency, 231455072*time.Nanosecond,
			ColTargetIP, "10.0.3.41", ColTargetPort, 443, ColTargetGroup, "api-green", ColStatusCode, 503, ColReasonCode, "TargetError"))
}

func TestReaderLayouts_Success(t *testing.T) {
	f := func(n int, extra string) {
		t.Helper()
		want := maps.Clone(fullWant)
		for col := range want {
			if columnField[col] >= n {
				delete(want, col)
			}
		}
		checkRow(t, parseOne(t, strings.Join(fullFields[:n], " ")+extra), want)
	}
	f(8, "")
	f(9, "")
	f(10, "")
	// Fields after the tenth, announced by a trailing "-" or released
	// later, are ignored, whatever they hold.
	f(10, " -")
	f(10, ` 42 "quoted value" TID_x`)
}

func TestReaderFields_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	// Every documented type, and an undocumented one kept as written.
	for _, typ := range []string{"https", "h2", "grpc", "lambda", "tcp", "HTTP3"} {
		f(lineWith(fType, typ), with(ColType, typ))
	}
	// A Lambda target: its ARN, no address.
	arn := "arn:aws:lambda:us-east-2:123456789012:function:my-function"
	f(lineWith(fType, "lambda", fTarget, arn), with(ColType, "lambda", ColTargetIP, nil, ColTargetPort, nil, ColLambdaARN, arn))
	// IPv6 targets, bare as ELB writes them, or bracketed.
	f(lineWith(fTarget, "2600:1f16:9ab:e400:7dc1:6b3f:ae8f:2c44:8080"),
		with(ColTargetIP, "2600:1f16:9ab:e400:7dc1:6b3f:ae8f:2c44"))
	f(lineWith(fTarget, "[fd00:ec2::23]:443"), with(ColTargetIP, "fd00:ec2::23", ColTargetPort, 443))
	// "-" is null wherever it can stand.
	f(lineWith(fTarget, "-", fTargetGroup, "-", fStatusCode, "-", fReasonCode, "-", fELB, "-", fNodeIP, "-"),
		with(ColTargetIP, nil, ColTargetPort, nil, ColTargetGroup, nil, ColStatusCode, nil, ColReasonCode, nil,
			ColELB, nil, ColNodeIP, nil))
	f(lineWith(fLatency, "-"), with(ColLatency, nil))
	f(lineWith(fLatency, "-1"), with(ColLatency, nil))
	// Latency: whole seconds, few digits, digits past the nanosecond.
	f(lineWith(fLatency, "5"), with(ColLatency, 5*time.Second))
	f(lineWith(fLatency, "0.5"), with(ColLatency, 500*time.Millisecond))
	f(lineWith(fLatency, "30.0000000019"), with(ColLatency, 30*time.Second+time.Nanosecond))
	// Reason codes of both versions of the page, and unknown ones.
	for _, rc := range []string{ReasonTimedOut, ReasonConnectionReset, ReasonResponseStringMismatch,
		ReasonInternalError, ReasonGRPCStatusHeaderEmpty, ReasonGRPCUnexpectedStatus, ReasonRequestTimedOut,
		ReasonConnectionTimedOut, ReasonClientCertTypeUnsupported, "Target.SomethingNew"} {
		f(lineWith(fReasonCode, rc), with(ColReasonCode, rc))
	}
	// Any status code, as a gRPC check may write one.
	f(lineWith(fStatusCode, "0"), with(ColStatusCode, 0))
	// Timestamps: whole seconds, nanoseconds (truncated to µs), leap day.
	f(lineWith(fTime, "2024-02-29T23:59:59Z"), with(ColTime, "2024-02-29T23:59:59.000000Z"))
	f(lineWith(fTime, "2024-02-29T23:59:59.123456789Z"), with(ColTime, "2024-02-29T23:59:59.123456Z"))
	// Runs of spaces, leading spaces, trailing blanks and CRLF.
	f(strings.ReplaceAll(lineWith(), " ", "  "), fullWant)
	f("  "+lineWith()+" \t \r\n", fullWant)
}

func TestReaderRejects_Failure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		readertest.CheckReject(t, Decoder{}.NewReader, line, reason)
	}
	f(strings.Join(fullFields[:7], " "), "7 fields, want at least 8")
	f("x", "1 fields, want at least 8")
	f(lineWith(fTime, "2026-03-14 09:26:41Z"), `bad time "2026-03-14"`)
	f(lineWith(fTime, "2026-02-30T09:26:41.730552Z"), `bad time "2026-02-30T09:26:41.730552Z"`)
	f(lineWith(fTime, "2026-03-14T09:26:41.730552"), `bad time "2026-03-14T09:26:41.730552"`)
	f(lineWith(fLatency, "0.0.1"), `bad latency "0.0.1"`)
	f(lineWith(fLatency, "-0.5"), `bad latency "-0.5"`)
	f(lineWith(fLatency, "1e-3"), `bad latency "1e-3"`)
	f(lineWith(fTarget, "10.0.2.18"), `bad target address "10.0.2.18"`)
	f(lineWith(fTarget, "10.0.2.18:http"), `bad target port "10.0.2.18:http"`)
	f(lineWith(fTarget, "10.0.2.18:65536"), `bad target port "10.0.2.18:65536"`)
	f(lineWith(fStatus, "pass"), `bad status "pass"`)
	f(lineWith(fStatus, "HEALTHY"), `bad status "HEALTHY"`)
	f(lineWith(fStatusCode, "2OO"), `bad status_code "2OO"`)
	f(lineWith(fStatusCode, "-1"), `bad status_code "-1"`)
	f(lineWith(fTargetGroup, strings.Repeat("g", 60), fStatus, "x"), `bad status "x"`)
	f(lineWith(fStatusCode, strings.Repeat("9", 50)), `bad status_code "9999999999999999999999999999999999999999"...`)
	// Lines of the other logs AWS writes: input.Scan names them.
	f(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`,
		`bad latency "app/my-loadbalancer/50dc6c495c0c9188"`)
	f(`2024-11-29T13:45:24.599544Z 172.31.43.26 58206 80 - - - "-" - - - TID_16132ed0b4112148`,
		`bad time "172.31.43.26"`)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`,
		`bad time "my-loadbalancer"`)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 -`,
		`bad time "2.0"`)
	f("2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200",
		"1 fields, want at least 8")
	// A "#" line is a comment, as in every line decoder, not a reject.
	if res := readString(t, "#Version: 1.0\n", parser.Options{}); len(res.Rejects) != 0 || res.Stats.Comments != 1 {
		t.Errorf("#Version: %d rejects, stats %+v", len(res.Rejects), res.Stats)
	}
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
		lines = append(lines, lineWith(fStatusCode, string(rune('0'+i))))
	}
	readertest.CheckBatches(t, Decoder{}.NewReader, lines, &maxBatchBytes)
}

func TestReaderBatches_Growth(t *testing.T) {
	// Batches past the first reservation grow it, and keep every value.
	n := 3*rowbatch.FirstReserve + 5
	in := strings.Repeat(lineWith()+"\n", n)
	res := readString(t, in, parser.Options{BatchSize: 2*rowbatch.FirstReserve + 1})
	if !slices.Equal(res.Batches, []int{2*rowbatch.FirstReserve + 1, rowbatch.FirstReserve + 4}) {
		t.Fatalf("batches %v", res.Batches)
	}
	for _, r := range res.Rows {
		checkRow(t, r, fullWant)
	}
}

func TestReaderProjection(t *testing.T) {
	arn := "arn:aws:lambda:us-east-2:123456789012:function:f"
	in := lineWith() + "\n" + lineWith(fTarget, arn) + "\nbad\n"
	wantRows := []map[string]any{fullWant, with(ColTargetIP, nil, ColTargetPort, nil, ColLambdaARN, arn)}
	f := func(cols, wantCols []string) {
		t.Helper()
		readertest.CheckProjection(t, Decoder{}.NewReader, in, cols, wantCols, 1, wantRows...)
	}
	f(TriageColumns, TriageColumns)
	// Schema order, whatever the order asked; duplicates collapse.
	f([]string{ColNodeIP, ColTime, ColLambdaARN, ColTime}, []string{ColTime, ColLambdaARN, ColNodeIP})
	f([]string{ColStatus}, []string{ColStatus})
	var all []string
	for _, fl := range Schema().Fields() {
		all = append(all, fl.Name)
	}
	f(nil, all)
	f([]string{}, all)
}

func TestNewReader_Failure(t *testing.T) {
	_, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "target"}})
	if err == nil || err.Error() != `alb_health: unknown column "target"` {
		t.Fatalf("err = %v, want unknown column", err)
	}
	if _, err := (Decoder{}).NewReader(strings.NewReader(""), parser.Options{Columns: []string{"x"}}); err == nil {
		t.Fatalf("Decoder.NewReader accepted an unknown column")
	}
}

func TestReaderMetadata(t *testing.T) {
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{
		Name: "s3://b/k.log.gz", NodeIP: "172.160.1.192", Resource: "app/my-lb/50dc6c495c0c9188",
		End: time.Date(2022, 2, 15, 23, 40, 0, 0, time.UTC),
	}, map[string]string{
		MetaSource: "s3://b/k.log.gz", MetaNodeIP: "172.160.1.192",
		MetaLoadBalancer: "app/my-lb/50dc6c495c0c9188", MetaIntervalEnd: "2022-02-15T23:40:00Z",
	})
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{}, nil)
}

// TestReaderHugeMaxLine checks that caps beyond what int32 token bounds hold
// are lowered to 1 GiB.
func TestReaderHugeMaxLine(t *testing.T) { readertest.CheckMaxLineCap(t, Decoder{}.NewReader) }

// TestReaderStream checks the behaviour every decoder's Reader shares.
func TestReaderStream(t *testing.T) { readertest.CheckStream(t, Decoder{}.NewReader, lineWith()) }
