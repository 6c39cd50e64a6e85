package albconn

import (
	"io"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// result is everything a Reader produced over one input.
type result = readertest.Result

// readAll runs a Reader over r on a checked allocator and converts every
// batch to Go values. It fails the test if the allocator is not back to zero.
func readAll(t testing.TB, r io.Reader, opts parser.Options) result {
	t.Helper()
	return readertest.ReadAll(t, Decoder{}.NewReader, r, opts)
}

func readString(t testing.TB, s string, opts parser.Options) result {
	t.Helper()
	return readAll(t, strings.NewReader(s), opts)
}

var checkRow = readertest.CheckRow

// fullFields is a connection of a partner on a mutual-TLS listener, in
// today's 15 fields, plus a trailing "-" such as AWS writes before it
// releases a field.
var fullFields = []string{
	`2026-03-14T09:26:53.902114Z`, `192.0.2.77`, `61203`, `8443`, `TLSv1.2`, `ECDHE-RSA-AES128-GCM-SHA256`,
	`0.021`, `"CN=client07.partners.example.net,O=Partner 07 Ltd,C=US"`,
	`NotBefore=2025-03-14T09:00:00Z;NotAfter=2027-03-14T09:00:00.5Z`, `5D0C2B7E91A4F036`, `Success`,
	`TID_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b`, `secp256r1`, `app/shop-alb/8c3e5f7a9b1d2c4e`, `10.0.3.18`, `-`,
}

var fullWant = map[string]any{
	ColTime: "2026-03-14T09:26:53.902114Z", ColClientIP: "192.0.2.77", ColClientPort: 61203, ColListenerPort: 8443,
	ColTLSProtocol: "TLSv1.2", ColTLSCipher: "ECDHE-RSA-AES128-GCM-SHA256", ColTLSHandshakeLatency: 0.021,
	ColCertSubject:   "CN=client07.partners.example.net,O=Partner 07 Ltd,C=US",
	ColCertNotBefore: "2025-03-14T09:00:00.000000Z", ColCertNotAfter: "2027-03-14T09:00:00.500000Z",
	ColCertSerial: "5D0C2B7E91A4F036", ColTLSVerifyStatus: "Success",
	ColConnTraceID: "TID_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b", ColTLSKeyExchange: "secp256r1",
	ColELB: "app/shop-alb/8c3e5f7a9b1d2c4e", ColNodeIP: "10.0.3.18",
}

// columnField is the field position each column comes from.
var columnField = map[string]int{
	ColTime: fTime, ColClientIP: fClientIP, ColClientPort: fClientPort, ColListenerPort: fListenerPort,
	ColTLSProtocol: fTLSProtocol, ColTLSCipher: fTLSCipher, ColTLSHandshakeLatency: fTLSHandshakeLatency,
	ColCertSubject: fCertSubject, ColCertNotBefore: fCertValidity, ColCertNotAfter: fCertValidity,
	ColCertSerial: fCertSerial, ColTLSVerifyStatus: fTLSVerifyStatus, ColTLSVerifyReason: fTLSVerifyStatus,
	ColConnTraceID: fConnTraceID, ColTLSKeyExchange: fTLSKeyExchange, ColELB: fELB, ColNodeIP: fNodeIP,
}

// lineWith returns the first 15 of fullFields joined, with the fields
// given as position, value pairs replaced.
func lineWith(kv ...any) string { return readertest.LineWith(fullFields[:maxFields], kv...) }

// with returns fullWant with the changes applied; a nil value deletes.
func with(kv ...any) map[string]any { return readertest.With(fullWant, kv...) }

// parseOne parses one line with all columns and returns its row.
func parseOne(t *testing.T, line string) map[string]any {
	t.Helper()
	return readertest.ParseOne(t, Decoder{}.NewReader, line)
}
