package clb

import (
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// result is everything a Reader produced over one input.
type result = readertest.Result

func readString(t testing.TB, s string, opts parser.Options) result {
	t.Helper()
	return readertest.ReadAll(t, Decoder{}.NewReader, strings.NewReader(s), opts)
}

// fullFields is the documented HTTPS example (15 fields).
var fullFields = []string{
	`2015-05-13T23:39:43.945958Z`, `my-loadbalancer`, `192.168.131.39:2817`, `10.0.0.1:80`,
	`0.000086`, `0.001048`, `0.001337`, `200`, `200`, `0`, `57`,
	`"GET https://www.example.com:443/ HTTP/1.1"`, `"curl/7.38.0"`, `DHE-RSA-AES128-SHA`, `TLSv1.2`,
}

var fullWant = map[string]any{
	ColTime: "2015-05-13T23:39:43.945958Z", ColELB: "my-loadbalancer",
	ColClientIP: "192.168.131.39", ColClientPort: 2817, ColBackendIP: "10.0.0.1", ColBackendPort: 80,
	ColRequestProcessingTime: 0.000086, ColBackendProcessingTime: 0.001048, ColResponseProcessingTime: 0.001337,
	ColELBStatusCode: 200, ColBackendStatusCode: 200, ColReceivedBytes: 0, ColSentBytes: 57,
	ColRequestMethod: "GET", ColRequestURL: "https://www.example.com:443/", ColRequestProto: "HTTP/1.1",
	ColUserAgent: "curl/7.38.0", ColSSLCipher: "DHE-RSA-AES128-SHA", ColSSLProtocol: "TLSv1.2",
	ColListener: ListenerHTTPS,
}

// columnField is the field position each column comes from (-1: derived
// from several).
var columnField = map[string]int{
	ColTime: fTime, ColELB: fELB, ColClientIP: fClient, ColClientPort: fClient,
	ColBackendIP: fBackend, ColBackendPort: fBackend, ColRequestProcessingTime: fRequestProcessingTime,
	ColBackendProcessingTime: fBackendProcessingTime, ColResponseProcessingTime: fResponseProcessingTime,
	ColELBStatusCode: fELBStatusCode, ColBackendStatusCode: fBackendStatusCode, ColReceivedBytes: fReceivedBytes,
	ColSentBytes: fSentBytes, ColRequestMethod: fRequest, ColRequestURL: fRequest, ColRequestProto: fRequest,
	ColUserAgent: fUserAgent, ColSSLCipher: fSSLCipher, ColSSLProtocol: fSSLProtocol, ColListener: -1,
}

func TestColumnField(t *testing.T) {
	for _, f := range Schema().Fields() {
		if _, ok := columnField[f.Name]; !ok {
			t.Errorf("column %s has no field position in the test table", f.Name)
		}
	}
}

// with returns fullWant with the changes applied; a nil value deletes.
func with(kv ...any) map[string]any { return readertest.With(fullWant, kv...) }

// lineWith returns the 15-field line with field i replaced.
func lineWith(kv ...any) string { return readertest.LineWith(fullFields, kv...) }

// parseOne parses one line with all columns and returns its row.
func parseOne(t *testing.T, line string) map[string]any {
	t.Helper()
	return readertest.ParseOne(t, Decoder{}.NewReader, line)
}

func TestReader_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		readertest.CheckRow(t, parseOne(t, line), want)
	}
	f(lineWith(), fullWant)
	// The HTTP example: no TLS.
	f(lineWith(fRequest, `"GET http://www.example.com:80/ HTTP/1.1"`, fSSLCipher, `-`, fSSLProtocol, `-`),
		with(ColRequestURL, "http://www.example.com:80/", ColSSLCipher, nil, ColSSLProtocol, nil, ColListener, ListenerHTTP))
	// TCP and SSL listeners: no status, request "- - - ", user agent "-".
	tcp := with(ColELBStatusCode, nil, ColBackendStatusCode, nil, ColRequestMethod, nil, ColRequestURL, nil,
		ColRequestProto, nil, ColUserAgent, nil, ColSSLCipher, nil, ColSSLProtocol, nil, ColListener, ListenerTCP)
	f(lineWith(fELBStatusCode, `-`, fBackendStatusCode, `-`, fRequest, `"- - - "`, fUserAgent, `"-"`, fSSLCipher, `-`, fSSLProtocol, `-`), tcp)
	f(lineWith(fELBStatusCode, `-`, fBackendStatusCode, `-`, fRequest, `"- - - "`, fUserAgent, `"-"`, fSSLCipher, `ECDHE-ECDSA-AES128-GCM-SHA256`),
		with(ColELBStatusCode, nil, ColBackendStatusCode, nil, ColRequestMethod, nil, ColRequestURL, nil,
			ColRequestProto, nil, ColUserAgent, nil, ColSSLCipher, "ECDHE-ECDSA-AES128-GCM-SHA256", ColListener, ListenerSSL))
	// ... with -1 byte counts: unknown.
	f(lineWith(fELBStatusCode, `-`, fBackendStatusCode, `-`, fRequest, `"- - - "`, fUserAgent, `"-"`, fSSLCipher, `-`, fSSLProtocol, `-`,
		fReceivedBytes, `-1`, fSentBytes, `-1`), with(ColELBStatusCode, nil, ColBackendStatusCode, nil, ColRequestMethod, nil, ColRequestURL, nil,
		ColRequestProto, nil, ColUserAgent, nil, ColSSLCipher, nil, ColSSLProtocol, nil, ColListener, ListenerTCP,
		ColReceivedBytes, nil, ColSentBytes, nil))
	// No instance (503): backend "-", times -1, backend status 0 or "-".
	f(lineWith(fBackend, `-`, fRequestProcessingTime, `-1`, fBackendProcessingTime, `-1`, fResponseProcessingTime, `-1`,
		fELBStatusCode, `503`, fBackendStatusCode, `0`, fSentBytes, `0`),
		with(ColBackendIP, nil, ColBackendPort, nil, ColRequestProcessingTime, nil, ColBackendProcessingTime, nil,
			ColResponseProcessingTime, nil, ColELBStatusCode, 503, ColBackendStatusCode, nil, ColSentBytes, 0))
	f(lineWith(fBackend, `-`, fELBStatusCode, `503`, fBackendStatusCode, `-`),
		with(ColBackendIP, nil, ColBackendPort, nil, ColELBStatusCode, 503, ColBackendStatusCode, nil))
	// An instance silent past the idle timeout: 504 with the response time -1.
	f(lineWith(fResponseProcessingTime, `-1`, fELBStatusCode, `504`, fBackendStatusCode, `504`),
		with(ColResponseProcessingTime, nil, ColELBStatusCode, 504, ColBackendStatusCode, 504))
	// A 502 with the backend time known (malformed answer) and unknown.
	f(lineWith(fELBStatusCode, `502`, fBackendStatusCode, `-`, fResponseProcessingTime, `-1`),
		with(ColELBStatusCode, 502, ColBackendStatusCode, nil, ColResponseProcessingTime, nil))
	// IPv6 client and backend without brackets: split at the last ':'.
	f(lineWith(fClient, `2001:db8:85a3::8a2e:370:7334:50599`, fBackend, `fd00:ec2::23:8080`),
		with(ColClientIP, "2001:db8:85a3::8a2e:370:7334", ColClientPort, 50599, ColBackendIP, "fd00:ec2::23", ColBackendPort, 8080))
	// Timings in other shapes.
	f(lineWith(fRequestProcessingTime, `0.0003`, fBackendProcessingTime, `12`, fResponseProcessingTime, `0.001`),
		with(ColRequestProcessingTime, 0.0003, ColBackendProcessingTime, 12.0, ColResponseProcessingTime, 0.001))
	// Raw spaces in the URL; a URL without port; a percent-encoded path.
	f(lineWith(fRequest, `"GET https://example.com/a b?c=d HTTP/1.1"`), with(ColRequestURL, "https://example.com/a b?c=d"))
	f(lineWith(fRequest, `"GET https://example.com/Ulysses%20Guimar%C3%A3es HTTP/1.1"`),
		with(ColRequestURL, "https://example.com/Ulysses%20Guimar%C3%A3es"))
	// A malformed request on an HTTP listener keeps its status; the cipher
	// tells HTTPS.
	f(lineWith(fRequest, `"- - - "`, fELBStatusCode, `400`, fBackendStatusCode, `-`),
		with(ColRequestMethod, nil, ColRequestURL, nil, ColRequestProto, nil, ColELBStatusCode, 400, ColBackendStatusCode, nil))
	f(lineWith(fRequest, `"GET /x HTTP/1.1"`, fSSLCipher, `-`, fSSLProtocol, `-`),
		with(ColRequestURL, "/x", ColSSLCipher, nil, ColSSLProtocol, nil, ColListener, ListenerHTTP))
	// User agents with spaces, brackets and escapes; empty is not null.
	f(lineWith(fUserAgent, `"Mozilla/5.0 (iPad; CPU OS 8_4_1 like Mac OS X) [FBAN/FBIOS;FBSS/2; FBCR/]"`),
		with(ColUserAgent, "Mozilla/5.0 (iPad; CPU OS 8_4_1 like Mac OS X) [FBAN/FBIOS;FBSS/2; FBCR/]"))
	f(lineWith(fUserAgent, `""`), with(ColUserAgent, ""))
	f(lineWith(fUserAgent, `"say \"hi\""`), with(ColUserAgent, `say \"hi\"`))
	// The lines before 2015 end at the request.
	f(strings.Join(fullFields[:fRequest+1], " "), with(ColUserAgent, nil, ColSSLCipher, nil, ColSSLProtocol, nil))
	f(strings.Join(fullFields[:fUserAgent+1], " "), with(ColSSLCipher, nil, ColSSLProtocol, nil))
	// Trailing fields (ALB-style ones in some copies) are ignored, stray
	// quotes included; trailing blanks and CRLF are dropped.
	f(lineWith()+` arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067 "Root=1-58337262-36d228ad5d99923122bbe354"`, fullWant)
	f(lineWith()+` x "unterminated`, fullWant)
	f(lineWith()+" \t\r\n", fullWant)
	// Names with underscores; whole-second timestamps.
	f(lineWith(fELB, `spline_reticulation_lb`, fTime, `2024-02-29T23:59:59Z`),
		with(ColELB, "spline_reticulation_lb", ColTime, "2024-02-29T23:59:59.000000Z"))
}

func TestReader_Failure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		readertest.CheckReject(t, Decoder{}.NewReader, line, reason)
	}
	f(`2015-03-27T07:06:41.177907Z`, "1 fields, want at least 12")
	f(strings.Join(fullFields[:fSentBytes+1], " "), "11 fields, want at least 12")
	f(lineWith(fTime, `2015-05-13 23:39:43Z`), `bad time "2015-05-13"`)
	f(lineWith(fTime, `2015-02-30T23:39:43.945958Z`), `bad time "2015-02-30T23:39:43.945958Z"`)
	f(lineWith(fClient, `192.168.131.39`), `bad client address "192.168.131.39"`)
	f(lineWith(fClient, `192.168.131.39:70000`), `bad client port "192.168.131.39:70000"`)
	f(lineWith(fBackend, `10.0.0.1`), `bad backend address "10.0.0.1"`)
	f(lineWith(fBackend, `10.0.0.1:x`), `bad backend port "10.0.0.1:x"`)
	f(lineWith(fRequestProcessingTime, `0.0.1`), `bad request_processing_time "0.0.1"`)
	f(lineWith(fBackendProcessingTime, `abc`), `bad backend_processing_time "abc"`)
	f(lineWith(fResponseProcessingTime, `NaN`), `bad response_processing_time "NaN"`)
	f(lineWith(fELBStatusCode, `2OO`), `bad elb_status_code "2OO"`)
	f(lineWith(fBackendStatusCode, `-1`), `bad backend_status_code "-1"`)
	f(lineWith(fReceivedBytes, `1k`), `bad received_bytes "1k"`)
	f(lineWith(fSentBytes, `99999999999999999999`), `bad sent_bytes "99999999999999999999"`)
	f(lineWith(fUserAgent, `"curl/7.38.0`), "unterminated quote in field 13")
	// A quote left open mid-line swallows the fields after it up to the
	// next quote that can close; the shifted fields then fail.
	f(`2015-05-13T23:39:43.945958Z lb 1.2.3.4:5 - -1 -1 -1 503 0 0 0 "GET /`, "unterminated quote in field 12")
	// Other formats: input.Scan names them.
	f(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`,
		`bad time "https"`)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 -`,
		`bad time "tls"`)
	f(`2024-11-29T13:45:24.599544Z 172.31.43.26 58206 80 - - - "-" - - - TID_16132ed0b4112148`, `bad client address "58206"`)
	f("2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200",
		`bad time "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100"...`)
	f("http", `bad time "http"`)
}

// TestReaderStream checks what every decoder's Reader does alike: counts,
// read errors, long lines, Release.
func TestReaderStream(t *testing.T) { readertest.CheckStream(t, Decoder{}.NewReader, lineWith()) }

func TestReader_Batches(t *testing.T) {
	var lines []string
	for i := range 10 {
		lines = append(lines, lineWith(fSentBytes, string(rune('0'+i))))
	}
	readertest.CheckBatches(t, Decoder{}.NewReader, lines, &maxBatchBytes)
}

func TestReader_TimeRange(t *testing.T) {
	in := lineWith(fTime, `2015-05-13T23:39:43.945958Z`) + "\n" + lineWith(fTime, `2015-05-13T23:09:43.000001Z`) + "\n" +
		lineWith(fTime, `2015-05-14T00:00:00Z`) + "\n"
	s := readString(t, in, parser.Options{}).Stats
	if got := readertest.FmtTime(s.MinTime); got != "2015-05-13T23:09:43.000001Z" {
		t.Errorf("MinTime %s", got)
	}
	if got := readertest.FmtTime(s.MaxTime); got != "2015-05-14T00:00:00.000000Z" {
		t.Errorf("MaxTime %s", got)
	}
}

func TestReader_Projection(t *testing.T) {
	tcp := lineWith(fELBStatusCode, `-`, fBackendStatusCode, `-`, fRequest, `"- - - "`, fUserAgent, `"-"`, fSSLCipher, `-`, fSSLProtocol, `-`)
	in := lineWith() + "\n" + tcp + "\nbad\n"
	wantRows := []map[string]any{fullWant, with(ColELBStatusCode, nil, ColBackendStatusCode, nil, ColRequestMethod, nil,
		ColRequestURL, nil, ColRequestProto, nil, ColUserAgent, nil, ColSSLCipher, nil, ColSSLProtocol, nil, ColListener, ListenerTCP)}
	f := func(cols, wantCols []string) {
		t.Helper()
		readertest.CheckProjection(t, Decoder{}.NewReader, in, cols, wantCols, 1, wantRows...)
	}
	f(TriageColumns, TriageColumns)
	// Schema order, whatever the order asked; duplicates collapse. The
	// listener alone still splits the request.
	f([]string{ColListener, ColTime, ColTime}, []string{ColTime, ColListener})
	f([]string{ColSSLProtocol, ColRequestProto}, []string{ColRequestProto, ColSSLProtocol})
	var all []string
	for _, fl := range Schema().Fields() {
		all = append(all, fl.Name)
	}
	f(nil, all)
	if _, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "target_ip"}}); err == nil ||
		err.Error() != `clb: unknown column "target_ip"` {
		t.Fatalf("err = %v, want unknown column", err)
	}
	if _, err := (Decoder{}).NewReader(strings.NewReader(""), parser.Options{Columns: []string{"x"}}); err == nil {
		t.Fatal("Decoder.NewReader accepted an unknown column")
	}
}

func TestReader_Metadata(t *testing.T) {
	src, ok := Decoder{}.ParseName("123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20140215T2340Z_172.160.001.192_20sg8hgm.log")
	if !ok {
		t.Fatal("name not claimed")
	}
	src.Name = "s3://b/k.log"
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), src, map[string]string{
		MetaSource: "s3://b/k.log", MetaNodeIP: "172.160.1.192",
		MetaLoadBalancer: "my-loadbalancer", MetaIntervalEnd: "2014-02-15T23:40:00Z",
	})
}

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%.50q) = %d, want %d", head, got, want)
		}
	}
	f(lineWith(), 1)
	f("\n\r\n  \n"+lineWith()+"\r\n"+lineWith()+"\n", 2)
	f("2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.001069 0.000028 0.000041 - - 82 305 \"- - - \" \"-\" - -", 1)
	// A last line cut short is judged on what it holds.
	f(lineWith()+"\n"+lineWith()[:40], 2)
	f("2015-05-13T23:39:43.945958Z my-lo", 1)
	f("2015-05-13T23:39", 1)
	f("2015-05", 0)
	// Other formats.
	f("https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817", 0)
	f("2024-11-29T13:45:24.599544Z 172.31.43.26 58206 80 - - - \"-\" - - -", 0)
	f("2024-11-29T13:45:24.599544Z 2001:db8::1 58206 80 - - -", 0)
	f("2024-11-29T13:45:24.599544Z lb 58206 80 - - -", 0)
	f("2019-12-04\t21:02:31\tLAX1\t392", 0)
	f("#Version: 1.0\n#Fields: date time", 0)
	f("", 0)
}

func TestParseName(t *testing.T) {
	end := time.Date(2014, 2, 15, 23, 40, 0, 0, time.UTC)
	want := parser.Source{Format: Format, Account: "123456789012", Region: "us-east-1", Resource: "my-loadbalancer",
		NodeIP: "192.0.2.7", Start: end.Add(-time.Hour), End: end}
	f := func(base string, ok bool) {
		t.Helper()
		got, gotOK := Decoder{}.ParseName(base)
		if gotOK != ok || ok && got != want {
			t.Fatalf("ParseName(%q) = %+v, %v; want %+v, %v", base, got, gotOK, want, ok)
		}
	}
	f("123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20140215T2340Z_192.0.2.7_20sg8hgm.log", true)
	f("123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20140215T2340Z_192.0.2.7_20sg8hgm.log.gz", true)
	f("123456789012_elasticloadbalancing_us-east-1_my-loadbalancer_20140215T2340Z_192.0.2.7_20sg8hgm", true)
	// Other layouts: ALB, NLB, ALB connection logs, CloudFront, the test file.
	f("123456789012_elasticloadbalancing_us-east-1_app.my-loadbalancer.50dc6c495c0c9188_20140215T2340Z_192.0.2.7_20sg8hgm.log.gz", false)
	f("123456789012_elasticloadbalancing_us-east-1_net.my-nlb.c6e77e28c25b2234_20140215T2340Z_20sg8hgm.log.gz", false)
	f("conn_log_123456789012_elasticloadbalancing_us-east-1_app.my-lb.50dc6c495c0c9188_20140215T2340Z_192.0.2.7_x.log.gz", false)
	f("E2QWRUHAPOMQZL.2026-11-20-13.a1b2c3d4.gz", false)
	f("ELBAccessLogTestFile", false)
	f("access.log", false)
}
