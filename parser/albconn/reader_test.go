package albconn

import (
	"maps"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

func TestColumnField(t *testing.T) {
	for _, f := range Schema().Fields() {
		if _, ok := columnField[f.Name]; !ok {
			t.Errorf("column %s has no field position in the test table", f.Name)
		}
	}
}

func TestReaderLayouts_Success(t *testing.T) {
	f := func(n int) {
		t.Helper()
		want := maps.Clone(fullWant)
		for col := range want {
			if columnField[col] >= n {
				delete(want, col)
			}
		}
		checkRow(t, parseOne(t, strings.Join(fullFields[:n], " ")), want)
	}
	// The 11 fields of the first examples, 12 with conn_trace_id, today's
	// 15, and a trailing "-" past them, which is ignored.
	for _, n := range []int{11, 12, 13, 14, 15, 16} {
		f(n)
	}
}

func TestReaderFields_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	f(lineWith(), fullWant)
	// A plain HTTP listener: no TLS, no certificate, no verify status.
	f(`2026-03-14T09:26:52.104317Z 198.51.100.23 50412 80 - - - "-" - - - TID_0c4e1f7a9b2d3c5e6f708192a3b4c5d6 - app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233`,
		map[string]any{ColTime: "2026-03-14T09:26:52.104317Z", ColClientIP: "198.51.100.23", ColClientPort: 50412,
			ColListenerPort: 80, ColConnTraceID: "TID_0c4e1f7a9b2d3c5e6f708192a3b4c5d6",
			ColELB: "app/shop-alb/8c3e5f7a9b1d2c4e", ColNodeIP: "10.0.1.233"})
	// HTTPS without mutual TLS.
	f(`2026-03-14T09:26:52.377905Z 203.0.113.58 41877 443 TLSv1.3 TLS_AES_128_GCM_SHA256 0.021 "-" - - Success TID_5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d x25519 app/shop-alb/8c3e5f7a9b1d2c4e 10.0.2.61`,
		map[string]any{ColTime: "2026-03-14T09:26:52.377905Z", ColClientIP: "203.0.113.58", ColClientPort: 41877,
			ColListenerPort: 443, ColTLSProtocol: "TLSv1.3", ColTLSCipher: "TLS_AES_128_GCM_SHA256",
			ColTLSHandshakeLatency: 0.021, ColTLSVerifyStatus: "Success",
			ColConnTraceID: "TID_5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d", ColTLSKeyExchange: "x25519",
			ColELB: "app/shop-alb/8c3e5f7a9b1d2c4e", ColNodeIP: "10.0.2.61"})
	// An expired client certificate: no latency, the code after "Failed:".
	f(lineWith(fTLSHandshakeLatency, `-`, fTLSVerifyStatus, `Failed:ClientCertExpired`),
		with(ColTLSHandshakeLatency, nil, ColTLSVerifyStatus, "Failed", ColTLSVerifyReason, "ClientCertExpired"))
	f(lineWith(fTLSVerifyStatus, `Failed`), with(ColTLSVerifyStatus, "Failed"))
	f(lineWith(fTLSVerifyStatus, `Failed:`), with(ColTLSVerifyStatus, "Failed"))
	f(lineWith(fTLSVerifyStatus, `Failed:A:B`), with(ColTLSVerifyStatus, "Failed", ColTLSVerifyReason, "A:B"))
	f(lineWith(fTLSVerifyStatus, `-`), with(ColTLSVerifyStatus, nil))
	// IPv6 clients are one token, unbracketed.
	f(lineWith(fClientIP, `2001:db8:85a3::8a2e:370:7334`), with(ColClientIP, "2001:db8:85a3::8a2e:370:7334"))
	f(lineWith(fClientIP, `::ffff:192.0.2.1`), with(ColClientIP, "::ffff:192.0.2.1"))
	// Latencies as written: milliseconds, more digits, whole seconds.
	f(lineWith(fTLSHandshakeLatency, `4.036`), with(ColTLSHandshakeLatency, 4.036))
	f(lineWith(fTLSHandshakeLatency, `0.000250`), with(ColTLSHandshakeLatency, 0.00025))
	f(lineWith(fTLSHandshakeLatency, `12`), with(ColTLSHandshakeLatency, 12.0))
	// The certificate: quoted or bare "-", a subject with spaces and
	// escaped quotes inside, the validity in either order, without a
	// fraction.
	f(lineWith(fCertSubject, `"-"`, fCertValidity, `-`, fCertSerial, `-`),
		with(ColCertSubject, nil, ColCertNotBefore, nil, ColCertNotAfter, nil, ColCertSerial, nil))
	f(lineWith(fCertSubject, `-`), with(ColCertSubject, nil))
	f(lineWith(fCertSubject, `"CN=a b, O=\"Q\" Ltd"`), with(ColCertSubject, `CN=a b, O=\"Q\" Ltd`))
	f(lineWith(fCertValidity, `NotAfter=2027-03-14T09:00:00Z;NotBefore=2025-03-14T09:00:00Z`),
		with(ColCertNotAfter, "2027-03-14T09:00:00.000000Z"))
	// Other values kept as written; runs of spaces between fields.
	f(lineWith(fTLSProtocol, `-`, fTLSCipher, `-`, fTLSKeyExchange, `X25519MLKEM768`),
		with(ColTLSProtocol, nil, ColTLSCipher, nil, ColTLSKeyExchange, "X25519MLKEM768"))
	f(strings.Replace(lineWith(), " ", "   ", 4), fullWant)
	f(lineWith()+"\r\n", fullWant)
	f(lineWith()+` extra "more fields" `+strings.Repeat("x ", 30), fullWant)
}

func TestReader_Failure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		res := readString(t, line+"\n"+lineWith()+"\n", parser.Options{Source: parser.Source{Name: "conn.log"}})
		if len(res.Rejects) != 1 || len(res.Rows) != 1 {
			t.Fatalf("%q: %d rejects, %d rows", line, len(res.Rejects), len(res.Rows))
		}
		e := res.Rejects[0]
		if e.Reason != reason || e.Line != 1 || e.Source != "conn.log" {
			t.Fatalf("%q: reject %+v, want %q on line 1", line, e, reason)
		}
	}
	f(`2026-03-14T09:26:53.902114Z 192.0.2.77 61203 8443`, "4 fields, want at least 11")
	f(strings.Join(fullFields[:10], " "), "10 fields, want at least 11")
	f(lineWith(fTime, `2026-02-30T09:26:53.902114Z`), `bad time "2026-02-30T09:26:53.902114Z"`)
	f(lineWith(fTime, `"2026-03-14T09:26:53.902114Z"`), `bad time "\"2026-03-14T09:26:53.902114Z\""`)
	f(" "+lineWith(), `bad time ""`)
	f(lineWith(fClientIP, `192.0.2.300`), `bad client_ip "192.0.2.300"`)
	f(lineWith(fClientIP, `-`), `bad client_ip "-"`)
	f(lineWith(fClientIP, `fe80::1%eth0`), `bad client_ip "fe80::1%eth0"`)
	f(lineWith(fClientPort, `65536`), `bad client_port "65536"`)
	f(lineWith(fListenerPort, `-`), `bad listener_port "-"`)
	f(lineWith(fTLSHandshakeLatency, `-1`), `bad tls_handshake_latency "-1"`)
	f(lineWith(fTLSHandshakeLatency, `fast`), `bad tls_handshake_latency "fast"`)
	f(lineWith(fCertValidity, `NotBefore=2025-03-14T09:00:00Z`), `bad leaf_client_cert_validity "NotBefore=2025-03-14T09:00:00Z"`)
	f(lineWith(fCertValidity, `NotBefore=2025-03-14T09:00:00Z;NotBefore=2025-03-14T09:00:00Z`),
		`bad leaf_client_cert_validity "NotBefore=2025-03-14T09:00:00Z;NotBefore"...`)
	f(lineWith(fCertValidity, `NotBefore=2025-03-14;NotAfter=2027-03-14`), `bad leaf_client_cert_validity "NotBefore=2025-03-14;NotAfter=2027-03-14"`)
	f(lineWith(fCertValidity, `Since=2025-03-14T09:00:00Z;NotAfter=2027-03-14T09:00:00Z`),
		`bad leaf_client_cert_validity "Since=2025-03-14T09:00:00Z;NotAfter=2027"...`)
	f(lineWith(fTLSVerifyStatus, `:ClientCertExpired`), `bad tls_verify_status ":ClientCertExpired"`)
	f(lineWith(fCertSubject, `"CN=unterminated`), "unterminated quote in field 8")
	// A raw quote inside a value looks like a missing space beside a
	// closing quote: the line is rejected rather than read shifted.
	f(lineWith(fCertSubject, `"CN=x"y,O=z"`), "stray quote in field 8")
	// Lines of the other logs AWS writes: input.Scan names them.
	f(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`,
		`bad time "https"`)
	f(`http 2026-03-14T09:26:41.730552Z 0.004870331 10.0.2.18:8080 web-blue FAIL 299 ResponseCodeMismatch app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233`,
		`bad time "http"`)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - - 2018-12-20T02:59:30`,
		`bad time "tls"`)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`,
		`bad client_ip "my-loadbalancer"`)
	f("2014-05-23\t01:13:11\tFRA2\t182\t192.0.2.10\tGET\td111111abcdef8.cloudfront.net", `bad time "2014-05-23\t01:13:11\tFRA2\t182\t192.0.2.10\t"...`)
	f("hello world", `bad time "hello"`)
}

func TestReaderProjection(t *testing.T) {
	in := lineWith() + "\n" + lineWith(fClientPort, "x") + "\n" + strings.Join(fullFields[:11], " ") + "\n"
	all := readString(t, in, parser.Options{})
	for _, cols := range [][]string{
		{ColTime},
		{ColNodeIP, ColTLSVerifyReason, ColClientIP},
		{ColCertNotAfter, ColTLSHandshakeLatency, ColTLSVerifyStatus, ColListenerPort},
	} {
		res := readString(t, in, parser.Options{Columns: cols})
		if res.Stats != all.Stats || len(res.Schema.Fields()) != len(cols) {
			t.Fatalf("columns %v: stats %+v, schema %s; all columns: %+v", cols, res.Stats, res.Schema, all.Stats)
		}
		for i, f := range res.Schema.Fields() {
			if i > 0 && fieldIndex(f.Name) < fieldIndex(res.Schema.Field(i-1).Name) {
				t.Fatalf("columns %v: schema %s not in schema order", cols, res.Schema)
			}
		}
		for i, row := range res.Rows {
			want := map[string]any{}
			for _, c := range cols {
				want[c] = all.Rows[i][c]
			}
			checkRow(t, row, want)
		}
	}
	_, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "status"}})
	if err == nil || err.Error() != `alb_conn: unknown column "status"` {
		t.Fatalf("err = %v, want unknown column", err)
	}
	if rd, err := (Decoder{}).NewReader(strings.NewReader(""), parser.Options{Columns: []string{"x"}}); err == nil || rd != nil {
		t.Fatalf("Decoder.NewReader = %v, %v on an unknown column", rd, err)
	}
}

func fieldIndex(name string) int {
	for i, f := range Schema().Fields() {
		if f.Name == name {
			return i
		}
	}
	return -1
}

func TestReaderBatches(t *testing.T) {
	var lines []string
	for i := range 10 {
		lines = append(lines, lineWith(fClientPort, string(rune('0'+i))))
	}
	readertest.CheckBatches(t, Decoder{}.NewReader, lines, &maxBatchBytes)
}

func TestReaderTimeRange(t *testing.T) {
	in := lineWith(fTime, "2026-03-14T09:30:00Z") + "\n" + lineWith(fTime, "2026-03-14T09:25:00.000001Z") + "\n" + lineWith()
	s := readString(t, in, parser.Options{}).Stats
	if got := readertest.FmtTime(s.MinTime); got != "2026-03-14T09:25:00.000001Z" {
		t.Errorf("MinTime %s", got)
	}
	if got := readertest.FmtTime(s.MaxTime); got != "2026-03-14T09:30:00.000000Z" || s.MaxTime.Location() != time.UTC {
		t.Errorf("MaxTime %s", got)
	}
}

func TestReaderMetadata(t *testing.T) {
	// The metadata is rowbatch.SourceMetadata's, keyed as MetaSource etc.
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{
		Name: "s3://b/conn.log.gz", NodeIP: "10.0.3.18", Resource: "app/shop-alb/8c3e5f7a9b1d2c4e",
		End: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC),
	}, map[string]string{
		MetaSource: "s3://b/conn.log.gz", MetaNodeIP: "10.0.3.18",
		MetaLoadBalancer: "app/shop-alb/8c3e5f7a9b1d2c4e", MetaIntervalEnd: "2026-03-14T09:30:00Z",
	})
}

// TestReaderMaxLine checks that caps beyond what int32 token bounds hold
// are lowered to 1 GiB.
func TestReaderMaxLine(t *testing.T) { readertest.CheckMaxLineCap(t, Decoder{}.NewReader) }

// TestReaderStream checks the behaviour every decoder's Reader shares:
// counts, read errors, long lines, Release.
func TestReaderStream(t *testing.T) { readertest.CheckStream(t, Decoder{}.NewReader, lineWith()) }

// TestReader_SplitLine reads the same varied input three ways: whole,
// where most lines are found and split in one pass by SplitLine; one byte
// per read, where the buffer never holds a whole line and every line comes
// from the LineReader; and, where the CPU has the assembly, without it.
// Rows, rejects and counts must not change.
func TestReader_SplitLine(t *testing.T) {
	text, _ := synthesize(100<<10, 11)
	lines := strings.Split(strings.TrimSuffix(string(text), "\n"), "\n")
	good := lineWith()
	for i, q := range []string{
		good + "\r", "", "\t", "  ", strings.Replace(good, " ", "  ", 3),
		good + ` extra "fields"`, good + "\t", "bogus", good + " ", lineWith(fCertSubject, `"a "b" c"`),
	} {
		lines[(i*97+5)%len(lines)] = q
	}
	in := strings.Join(lines, "\n") + "\n" + good // no trailing newline
	want := readertest.CheckReadWays(t, Decoder{}.NewReader, in)
	if want.Stats.Parsed < int64(len(lines))-5 || want.Stats.Comments != 3 {
		t.Fatalf("stats %+v", want.Stats)
	}
}

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%.50q) = %d, want %d", head, got, want)
		}
	}
	f(lineWith(), 1)
	f("\n\r\n  \n"+lineWith()+"\n"+lineWith()+"\r\n", 2)
	f("2026-03-14T09:26:52.104317Z 2001:db8::1 50412 80 -", 1)
	f("2026-03-14T09:26:52.104317Z 198.51.100.23 50412 80", 1) // cut short
	f("2026-03-14T09:26:52.104317Z 198.51.100.23 50412", 0)
	f("2026-03-14T09:26:52.104317Z 198.51.100.23 50412 http", 0)
	f("2026-03-14T09:26:52.104317Z my-lb 198.51.100.23:50412 10.0.0.1:80 0.1", 0)
	f("https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817", 0)
	f("2026-13-14T09:26:52.104317Z 198.51.100.23 50412 80 -", 0)
	f("", 0)
	d := Decoder{}
	if d.Format() != Format || d.Schema() != Schema() || d.Title() != "ALB connection log" {
		t.Errorf("Format %q, Title %q", d.Format(), d.Title())
	}
}

func TestParseName(t *testing.T) {
	const tail = "123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz"
	src, ok := Decoder{}.ParseName("conn_log_" + tail)
	end := time.Date(2014, 2, 15, 23, 40, 0, 0, time.UTC)
	want := parser.Source{Format: Format, Account: "123456789012", Region: "us-east-2",
		Resource: "app/my-loadbalancer/1234567890abcdef", NodeIP: "172.160.1.192", Start: end.Add(-5 * time.Minute), End: end}
	if !ok || src != want {
		t.Fatalf("ParseName = %+v, %v; want %+v", src, ok, want)
	}
	for _, base := range []string{tail, "health_check_log_" + tail, "conn_log_x.log", "ELBAccessLogTestFile"} {
		if src, ok := (Decoder{}).ParseName(base); ok {
			t.Errorf("ParseName(%q) = %+v, want not ok", base, src)
		}
	}
}

// TestIsIP holds isIP to netip.ParseAddr on addresses and near misses.
func TestIsIP(t *testing.T) {
	f := func(s string) {
		t.Helper()
		a, err := netip.ParseAddr(s)
		if want := err == nil && a.Zone() == ""; isIP([]byte(s)) != want {
			t.Fatalf("isIP(%q) = %v, want %v", s, !want, want)
		}
	}
	for _, s := range []string{
		"192.0.2.1", "0.0.0.0", "255.255.255.255", "10.0.0.256", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
		"1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", "", "-", "1000.1.1.1", "1.2.3.a", "::1", "2001:db8::1",
		"::ffff:192.0.2.1", "fe80::1%eth0", "2001:db8:::1", "1.2.3.0", "0.0.0.00",
	} {
		f(s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100000 {
		b := make([]byte, 1+rng.IntN(16))
		for i := range b {
			b[i] = "0123456789...:a"[rng.IntN(15)]
		}
		f(string(b))
	}
}
