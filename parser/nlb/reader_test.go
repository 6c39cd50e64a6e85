package nlb

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// fullFields is the documentation's example with an ALPN policy, the
// tls_connection_creation_time of the current layout and a key exchange as
// real logs write it: every field of version 2.0.
var fullFields = []string{
	`tls`, `2.0`, `2018-12-20T02:59:40`, `net/my-network-loadbalancer/c6e77e28c25b2234`, `g3d4b5e8bb8464cd`,
	`72.21.218.154:51341`, `172.100.100.185:443`, `5`, `2`, `98`, `246`, `-`,
	`arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99`, `-`,
	`ECDHE-RSA-AES128-SHA`, `tlsv12`, `x25519`, `my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com`,
	`h2`, `h2`, `"h2","http/1.1"`, `2018-12-20T02:59:30`,
}

var fullWant = map[string]any{
	ColType: "tls", ColVersion: "2.0", ColTime: "2018-12-20T02:59:40.000000Z",
	ColELB: "net/my-network-loadbalancer/c6e77e28c25b2234", ColListener: "g3d4b5e8bb8464cd",
	ColClientIP: "72.21.218.154", ColClientPort: 51341, ColDestinationIP: "172.100.100.185", ColDestinationPort: 443,
	ColConnectionTime: ms(5), ColTLSHandshakeTime: ms(2), ColReceivedBytes: 98, ColSentBytes: 246,
	ColChosenCertARN:      "arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99",
	ColTLSCipher:          "ECDHE-RSA-AES128-SHA",
	ColTLSProtocolVersion: "tlsv12", ColTLSKeyExchange: "x25519",
	ColDomainName:           "my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com",
	ColALPNFrontendProtocol: "h2", ColALPNBackendProtocol: "h2", ColALPNClientPreferenceList: `"h2","http/1.1"`,
	ColTLSConnectionCreationTime: "2018-12-20T02:59:30.000000Z",
}

// columnField is the field position each column comes from.
var columnField = map[string]int{
	ColType: fType, ColVersion: fVersion, ColTime: fTime, ColELB: fELB, ColListener: fListener,
	ColClientIP: fClient, ColClientPort: fClient, ColDestinationIP: fDestination, ColDestinationPort: fDestination,
	ColConnectionTime: fConnectionTime, ColTLSHandshakeTime: fTLSHandshakeTime,
	ColReceivedBytes: fReceivedBytes, ColSentBytes: fSentBytes, ColIncomingTLSAlert: fIncomingTLSAlert,
	ColChosenCertARN: fChosenCertARN, ColChosenCertSerial: fChosenCertSerial, ColTLSCipher: fTLSCipher,
	ColTLSProtocolVersion: fTLSProtocolVersion, ColTLSKeyExchange: fTLSKeyExchange, ColDomainName: fDomainName,
	ColALPNFrontendProtocol: fALPNFrontendProtocol, ColALPNBackendProtocol: fALPNBackendProtocol,
	ColALPNClientPreferenceList: fALPNClientPreferenceList, ColTLSConnectionCreationTime: fTLSConnectionCreationTime,
}

func TestColumnField(t *testing.T) {
	for _, f := range Schema().Fields() {
		if _, ok := columnField[f.Name]; !ok {
			t.Errorf("column %s has no field position in the test table", f.Name)
		}
	}
	if len(columnField) != len(Schema().Fields()) {
		t.Errorf("the test table has %d columns, the schema %d", len(columnField), len(Schema().Fields()))
	}
}

// parseOne parses one line with all columns and returns its row.
func parseOne(t *testing.T, line string) map[string]any {
	t.Helper()
	return readertest.ParseOne(t, Decoder{}.NewReader, line)
}

// with returns fullWant with the changes applied; a nil value deletes.
func with(kv ...any) map[string]any { return readertest.With(fullWant, kv...) }

// lineWith returns the 22-field line with field i replaced.
func lineWith(kv ...any) string { return readertest.LineWith(fullFields, kv...) }

func TestReaderLayouts_Success(t *testing.T) {
	f := func(n int, version string) {
		t.Helper()
		fs := append([]string(nil), fullFields[:min(n, len(fullFields))]...)
		fs[fVersion] = version
		for len(fs) < n {
			fs = append(fs, "extra")
		}
		want := with(ColVersion, version)
		for col := range want {
			if columnField[col] >= n {
				delete(want, col)
			}
		}
		checkRow(t, parseOne(t, strings.Join(fs, " ")), want)
	}
	f(18, "1.0") // version 1.0: up to domain_name
	f(21, "2.0") // 2.0 as documented until 2023: + the ALPN fields
	f(22, "2.0") // + tls_connection_creation_time
	f(25, "2.0") // fields AWS may add later are ignored
	f(22, "1.0") // the version is not checked against the layout
	f(18, "2.0")
}

func TestReaderFields_Success(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	// The two documented examples (the awsdocs lines of the corpus).
	doc := with(ColTLSKeyExchange, nil, ColALPNFrontendProtocol, nil, ColALPNBackendProtocol, nil,
		ColALPNClientPreferenceList, nil, ColTLSConnectionCreationTime, nil)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - -`,
		doc)
	f(`tls 2.0 2020-04-01T08:51:42 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com h2 h2 "h2","http/1.1"`,
		with(ColTime, "2020-04-01T08:51:42.000000Z", ColTLSKeyExchange, nil, ColTLSConnectionCreationTime, nil))
	// IPv6 client and destination, without brackets: split at the last ':'.
	f(lineWith(fClient, `2001:db8:85a3::8a2e:370:7334:50599`, fDestination, `fd00:ec2::23:443`),
		with(ColClientIP, "2001:db8:85a3::8a2e:370:7334", ColClientPort, 50599,
			ColDestinationIP, "fd00:ec2::23", ColDestinationPort, 443))
	// A handshake the client aborted with unknown_ca: no handshake time,
	// nothing negotiated, the certificate served and the SNI known.
	f(lineWith(fConnectionTime, `12`, fTLSHandshakeTime, `-`, fReceivedBytes, `0`, fSentBytes, `0`,
		fIncomingTLSAlert, `48`, fTLSCipher, `-`, fTLSProtocolVersion, `-`, fTLSKeyExchange, `-`,
		fALPNFrontendProtocol, `-`, fALPNBackendProtocol, `-`),
		with(ColConnectionTime, ms(12), ColTLSHandshakeTime, nil, ColReceivedBytes, 0, ColSentBytes, 0,
			ColIncomingTLSAlert, 48, ColTLSCipher, nil, ColTLSProtocolVersion, nil, ColTLSKeyExchange, nil,
			ColALPNFrontendProtocol, nil, ColALPNBackendProtocol, nil))
	// No ClientHello at all: every TLS field "-" (elastic/integrations).
	f(`tls 2.0 2024-10-25T17:33:59 net/x-us-east-2/c88927aafc9abafe 52878890095341b5 192.168.131.39:2817 10.0.0.1:80 0 - 0 0 - - - - - - - - - - 2024-10-25T17:33:59`,
		map[string]any{ColType: "tls", ColVersion: "2.0", ColTime: "2024-10-25T17:33:59.000000Z",
			ColELB: "net/x-us-east-2/c88927aafc9abafe", ColListener: "52878890095341b5",
			ColClientIP: "192.168.131.39", ColClientPort: 2817, ColDestinationIP: "10.0.0.1", ColDestinationPort: 80,
			ColConnectionTime: ms(0), ColReceivedBytes: 0, ColSentBytes: 0,
			ColTLSConnectionCreationTime: "2024-10-25T17:33:59.000000Z"})
	// Alerts: the bounds of a byte.
	f(lineWith(fIncomingTLSAlert, `0`), with(ColIncomingTLSAlert, 0))
	f(lineWith(fIncomingTLSAlert, `255`), with(ColIncomingTLSAlert, 255))
	// TLS 1.3 and a post-quantum key exchange.
	f(lineWith(fTLSCipher, `TLS_AES_128_GCM_SHA256`, fTLSProtocolVersion, `tlsv13`, fTLSKeyExchange, `X25519MLKEM768`),
		with(ColTLSCipher, "TLS_AES_128_GCM_SHA256", ColTLSProtocolVersion, "tlsv13", ColTLSKeyExchange, "X25519MLKEM768"))
	// URL-encoded fields are kept as written, escaped quotes too.
	f(lineWith(fDomainName, `xn--bcher-kva.example%2Ecom`, fALPNClientPreferenceList, `\"http/1.1\"`),
		with(ColDomainName, "xn--bcher-kva.example%2Ecom", ColALPNClientPreferenceList, `\"http/1.1\"`))
	f(lineWith(fDomainName, `[oauth.example.com](https://oauth.example.com/)`),
		with(ColDomainName, "[oauth.example.com](https://oauth.example.com/)"))
	// A quoted value is kept with its quotes, as written.
	f(lineWith(fDomainName, `"a.example.com"`), with(ColDomainName, `"a.example.com"`))
	f(lineWith(fALPNClientPreferenceList, `"h2"`), with(ColALPNClientPreferenceList, `"h2"`))
	f(lineWith(fDomainName, `"-"`), with(ColDomainName, nil))
	// A serial, should the reserved field ever be filled.
	f(lineWith(fChosenCertSerial, `0a1b2c`), with(ColChosenCertSerial, "0a1b2c"))
	// Long connections and large counts.
	f(lineWith(fConnectionTime, `86400000`, fReceivedBytes, `9223372036854775807`),
		with(ColConnectionTime, ms(86400000), ColReceivedBytes, int64(9223372036854775807)))
	// A destination "-" is null (not documented; kept rather than lost).
	f(lineWith(fDestination, `-`), with(ColDestinationIP, nil, ColDestinationPort, nil))
	// "-" connection time and byte counts are null, as in the other fields.
	f(lineWith(fConnectionTime, `-`, fSentBytes, `-`), with(ColConnectionTime, nil, ColSentBytes, nil))
	// A fraction and a Z are read, should NLB ever write them.
	f(lineWith(fTime, `2018-12-20T02:59:40.5Z`, fTLSConnectionCreationTime, `2018-12-20T02:59:30Z`),
		with(ColTime, "2018-12-20T02:59:40.500000Z"))
	f(lineWith(fTLSConnectionCreationTime, `-`), with(ColTLSConnectionCreationTime, nil))
	// Leap day, end of year.
	f(lineWith(fTime, `2024-02-29T23:59:59`, fTLSConnectionCreationTime, `2023-12-31T23:59:59`),
		with(ColTime, "2024-02-29T23:59:59.000000Z", ColTLSConnectionCreationTime, "2023-12-31T23:59:59.000000Z"))
	// Runs of spaces, trailing whitespace and CRLF endings.
	f(strings.Replace(lineWith(), " ", "   ", 5)+"  \r\n", fullWant)
	// Lines longer than a 64-byte block boundary in every position.
	for _, n := range []int{1, 63, 64, 65, 200} {
		f(lineWith(fDomainName, strings.Repeat("d", n)), with(ColDomainName, strings.Repeat("d", n)))
	}
}

func TestReaderRejects_Failure(t *testing.T) {
	f := func(line, reason string) {
		t.Helper()
		readertest.CheckReject(t, Decoder{}.NewReader, line, reason)
	}
	f(`tls 2.0 2018-12-20T02:59:40`, "3 fields, want at least 18")
	f(`tls`, "1 fields, want at least 18")
	f(strings.Join(fullFields[:17], " "), "17 fields, want at least 18")
	f(lineWith(fVersion, `3.0`), `unknown version "3.0"`)
	f(lineWith(fVersion, `2`), `unknown version "2"`)
	f(lineWith(fType, `TLS`), `unknown type "TLS"`)
	f(lineWith(fType, `tcp`), `unknown type "tcp"`)
	f(lineWith(fTime, `2018-12-20 02:59:40`), `bad time "2018-12-20"`)
	f(lineWith(fTime, `2018-02-30T02:59:40`), `bad time "2018-02-30T02:59:40"`)
	f(lineWith(fTime, `2018-12-20T02:59:60`), `bad time "2018-12-20T02:59:60"`)
	f(lineWith(fTime, `2018-12-20T02:59:4`), `bad time "2018-12-20T02:59:4"`)
	f(lineWith(fTime, `2018-12-20T02:59:40+01:00`), `bad time "2018-12-20T02:59:40+01:00"`)
	f(lineWith(fTime, `1545274780`), `bad time "1545274780"`)
	f(lineWith(fClient, `72.21.218.154`), `bad client address "72.21.218.154"`)
	f(lineWith(fClient, `72.21.218.154:65536`), `bad client address "72.21.218.154:65536"`)
	f(lineWith(fClient, `-`), `bad client address "-"`)
	f(lineWith(fClient, `:443`), `bad client address ":443"`)
	f(lineWith(fDestination, `172.100.100.185:https`), `bad destination address "172.100.100.185:https"`)
	f(lineWith(fConnectionTime, `5.0`), `bad connection_time "5.0"`)
	f(lineWith(fConnectionTime, `-1`), `bad connection_time "-1"`)
	f(lineWith(fTLSHandshakeTime, `2ms`), `bad tls_handshake_time "2ms"`)
	f(lineWith(fReceivedBytes, `99999999999999999999`), `bad received_bytes "99999999999999999999"`)
	f(lineWith(fSentBytes, `9223372036854775808`), `bad sent_bytes "9223372036854775808"`)
	f(lineWith(fIncomingTLSAlert, `256`), `bad incoming_tls_alert "256"`)
	f(lineWith(fIncomingTLSAlert, `unknown_ca`), `bad incoming_tls_alert "unknown_ca"`)
	f(lineWith(fTLSConnectionCreationTime, `yesterday`), `bad tls_connection_creation_time "yesterday"`)
	f(lineWith(fTime, strings.Repeat("9", 50)), `bad time "9999999999999999999999999999999999999999"...`)
	// Other formats: input.Scan names them.
	f(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "GET https://www.example.com:443/ HTTP/1.1" "curl/7.46.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2`,
		`unknown type "https"`)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`,
		`unknown type "2015-05-13T23:39:43.945958Z"`)
	f("2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200",
		`unknown type "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100"...`)
	f(strings.Repeat("x", 60)+" tls", `unknown type "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"...`)
	f(" "+lineWith(), "line starts with a space")
	f(`"tls" 2.0`, `unknown type "\"tls\""`)
	// A quote opened and never closed.
	f(lineWith(fTLSConnectionCreationTime, `"h2","http/1.1`), "unterminated quote in field 22")
	// ... which, mid-line, meets the opening quote of a later field.
	f(lineWith(fDomainName, `"unterminated`), "stray quote in field 18")
	f(lineWith(fDomainName, `"a b"`), `bad domain_name "\"a b\""`)
}

func TestReaderTimeRange(t *testing.T) {
	in := lineWith(fTime, "2020-01-02T00:00:01") + "\n" +
		lineWith(fTime, "2019-12-31T23:59:59") + "\n" +
		lineWith(fTime, "2020-01-01T12:00:00") + "\n"
	s := readString(t, in, parser.Options{}).Stats
	if got := fmtTime(s.MinTime); got != "2019-12-31T23:59:59.000000Z" {
		t.Errorf("MinTime %s", got)
	}
	if got := fmtTime(s.MaxTime); got != "2020-01-02T00:00:01.000000Z" {
		t.Errorf("MaxTime %s", got)
	}
	if s.MinTime.Location() != time.UTC {
		t.Errorf("MinTime not in UTC")
	}
	if s := readString(t, "\n", parser.Options{}).Stats; !s.MinTime.IsZero() || !s.MaxTime.IsZero() {
		t.Errorf("time range %v..%v without rows, want zero", s.MinTime, s.MaxTime)
	}
}

func TestReaderTimeCache(t *testing.T) {
	// Lines sharing a minute reuse its parse; the seconds are still checked.
	in := lineWith(fTime, "2018-12-20T02:59:40", fTLSConnectionCreationTime, "2018-12-20T02:59:30") + "\n" +
		lineWith(fTime, "2018-12-20T02:59:59", fTLSConnectionCreationTime, "2018-12-20T02:58:01") + "\n" +
		lineWith(fTime, "2018-12-20T02:58:60") + "\n" +
		lineWith(fTime, "2018-12-20T02:58:0x") + "\n" +
		lineWith(fTime, "2018-12-20T02:58:07") + "\n"
	res := readString(t, in, parser.Options{Columns: []string{ColTime, ColTLSConnectionCreationTime}})
	if len(res.Rejects) != 2 || res.Rejects[0].Line != 3 || res.Rejects[1].Line != 4 {
		t.Fatalf("rejects %v", res.Rejects)
	}
	want := [][2]string{
		{"2018-12-20T02:59:40.000000Z", "2018-12-20T02:59:30.000000Z"},
		{"2018-12-20T02:59:59.000000Z", "2018-12-20T02:58:01.000000Z"},
		{"2018-12-20T02:58:07.000000Z", "2018-12-20T02:59:30.000000Z"},
	}
	for i, w := range want {
		checkRow(t, res.Rows[i], map[string]any{ColTime: w[0], ColTLSConnectionCreationTime: w[1]})
	}
}

func TestReaderBatches(t *testing.T) {
	var lines []string
	for i := range 10 {
		lines = append(lines, lineWith(fSentBytes, string(rune('0'+i))))
	}
	readertest.CheckBatches(t, Decoder{}.NewReader, lines, &maxBatchBytes)
}

// TestReaderManyRows crosses the first reservation and the growth steps
// of a batch, and a second batch that starts from the first one's sizes.
func TestReaderManyRows(t *testing.T) {
	var sb strings.Builder
	const n = 5000
	for i := range n {
		sb.WriteString(lineWith(fReceivedBytes, strconv.Itoa(i)))
		sb.WriteByte('\n')
	}
	res := readString(t, sb.String(), parser.Options{BatchSize: 3000})
	if !slices.Equal(res.Batches, []int{3000, 2000}) {
		t.Fatalf("batches %v", res.Batches)
	}
	for i, r := range res.Rows {
		if r[ColReceivedBytes] != int64(i) || r[ColDomainName] != fullWant[ColDomainName] {
			t.Fatalf("row %d: %v", i, r)
		}
	}
}

func TestReaderProjection(t *testing.T) {
	failed := lineWith(fTLSHandshakeTime, "-", fIncomingTLSAlert, "48", fTLSCipher, "-")
	in := lineWith() + "\n" + failed + "\nbad\n"
	wantRows := []map[string]any{fullWant, with(ColTLSHandshakeTime, nil, ColIncomingTLSAlert, 48, ColTLSCipher, nil)}
	f := func(cols, wantCols []string) {
		t.Helper()
		readertest.CheckProjection(t, Decoder{}.NewReader, in, cols, wantCols, 1, wantRows...)
	}
	f(TriageColumns, TriageColumns)
	// Schema order, whatever the order asked; duplicates collapse.
	f([]string{ColDomainName, ColTime, ColIncomingTLSAlert, ColTime}, []string{ColTime, ColIncomingTLSAlert, ColDomainName})
	f([]string{ColClientPort}, []string{ColClientPort})
	var all []string
	for _, fl := range Schema().Fields() {
		all = append(all, fl.Name)
	}
	f(nil, all)
	f([]string{}, all)
}

func TestNewReader_Failure(t *testing.T) {
	_, err := NewReader(strings.NewReader(""), parser.Options{Columns: []string{ColTime, "status"}})
	if err == nil || err.Error() != `nlb: unknown column "status"` {
		t.Fatalf("err = %v, want unknown column", err)
	}
	if _, err := (Decoder{}).NewReader(strings.NewReader(""), parser.Options{Columns: []string{"x"}}); err == nil {
		t.Fatalf("Decoder.NewReader accepted an unknown column")
	}
}

func TestReaderMetadata(t *testing.T) {
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{
		Name: "s3://b/k.log.gz", Resource: "net/my-nlb/c6e77e28c25b2234", End: time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC),
	}, map[string]string{
		MetaSource: "s3://b/k.log.gz", MetaLoadBalancer: "net/my-nlb/c6e77e28c25b2234", MetaIntervalEnd: "2020-05-01T00:00:00Z",
	})
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{Name: "a.log"}, map[string]string{MetaSource: "a.log"})
	readertest.CheckMetadata(t, Decoder{}.NewReader, lineWith(), parser.Source{}, nil)
}

func TestReaderMaxLineBounds(t *testing.T) {
	f := func(max, want int) {
		t.Helper()
		rd, err := NewReader(strings.NewReader(""), parser.Options{MaxLineBytes: max})
		if err != nil {
			t.Fatal(err)
		}
		defer rd.Release()
		if got := rd.Options().MaxLineBytes; got != want {
			t.Fatalf("MaxLineBytes %d: %d, want %d", max, got, want)
		}
	}
	f(1<<40, 1<<30) // beyond a batch's text
	f(10, 160)      // below a reject's snippet
	f(0, 1<<20)
}

// TestReader_SplitLine reads the same varied input three ways: whole, where
// the CPUs that can split most lines in one pass with SplitLine; one byte
// per read, where the buffer never holds a whole line and every line comes
// from the LineReader; and without the vector tokenizer. Rows, rejects and
// counts must not change.
func TestReader_SplitLine(t *testing.T) {
	var lines []string
	for i := range 300 {
		switch i % 7 {
		case 0:
			lines = append(lines, lineWith(fReceivedBytes, strconv.Itoa(i)))
		case 1:
			lines = append(lines, lineWith(fALPNClientPreferenceList, "-", fSentBytes, strconv.Itoa(i)))
		case 2:
			lines = append(lines, lineWith(fVersion, "1.0", fSentBytes, strconv.Itoa(i))+"\r")
		case 3:
			lines = append(lines, strings.Replace(lineWith(fTLSHandshakeTime, "-"), " ", "  ", 4))
		case 4:
			lines = append(lines, "", "\t", "bogus "+strconv.Itoa(i))
		case 5:
			lines = append(lines, lineWith()+` extra "fields"`)
		default:
			lines = append(lines, lineWith(fTLSConnectionCreationTime, `"unterminated`))
		}
	}
	in := strings.Join(lines, "\n") + "\n" + lineWith() // no trailing newline
	want := readertest.CheckReadWays(t, Decoder{}.NewReader, in)
	if want.Stats.Parsed != 216 || want.Stats.Comments != 86 || want.Stats.Rejected != 85 {
		t.Fatalf("stats %+v", want.Stats)
	}
}

// TestReaderStream checks the behaviour every decoder's Reader shares.
func TestReaderStream(t *testing.T) { readertest.CheckStream(t, Decoder{}.NewReader, lineWith()) }
