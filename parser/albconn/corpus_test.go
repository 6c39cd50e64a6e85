package albconn

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// TestOfficialExamples parses the two example lines of the AWS page
// "Connection logs for your Application Load Balancer" (which wraps them
// for reading; re-joined with single spaces): a successful and a failed
// connection on a mutual-TLS HTTPS listener on port 443, in 12 fields.
func TestOfficialExamples(t *testing.T) {
	f := func(line string, want map[string]any) {
		t.Helper()
		checkRow(t, parseOne(t, line), want)
	}
	cert := exampleCert("2023-10-04T17:05:15.514108Z", "203.0.113.1")
	and := func(kv ...any) map[string]any { return readertest.With(cert, kv...) }
	f(`2023-10-04T17:05:15.514108Z 203.0.113.1 36280 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4.036 "CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US" NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z FEF257372D5C14D4 Success TID_3180a73013c8ca4bac2f731159d4b0fe`,
		and(ColTLSHandshakeLatency, 4.036, ColTLSVerifyStatus, "Success", ColConnTraceID, "TID_3180a73013c8ca4bac2f731159d4b0fe"))
	f(`2023-10-04T17:05:15.514108Z 203.0.113.1 36280 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 - "CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US" NotBefore=2023-09-21T22:43:21Z;NotAfter=2026-06-17T22:43:21Z FEF257372D5C14D4 Failed:ClientCertUntrusted TID_1c71a68d70587445ad5127ff8b2687d7`,
		and(ColTLSVerifyStatus, "Failed", ColTLSVerifyReason, "ClientCertUntrusted", ColConnTraceID, "TID_1c71a68d70587445ad5127ff8b2687d7"))
}

// exampleCert is the row of the official examples' connection at time
// from client, before its handshake's outcome.
func exampleCert(time, client string) map[string]any {
	return map[string]any{
		ColTime: time, ColClientIP: client, ColClientPort: 36280, ColListenerPort: 443,
		ColTLSProtocol: "TLSv1.2", ColTLSCipher: "ECDHE-RSA-AES128-GCM-SHA256",
		ColCertSubject:   "CN=amazondomains.com,O=endEntity,L=Seattle,ST=Washington,C=US",
		ColCertNotBefore: "2023-09-21T22:43:21.000000Z", ColCertNotAfter: "2026-06-17T22:43:21.000000Z",
		ColCertSerial: "FEF257372D5C14D4",
	}
}

// TestCorpus parses the connection-log lines of the shared corpus, which
// its licence keeps out of this repository: elastic/integrations' test
// lines (the official examples without their trace IDs, 11 fields, and a
// plain-HTTP line), each checked field by field.
func TestCorpus(t *testing.T) {
	dir := readertest.CorpusDir(t)
	rel := "elastic-integrations/alb-connection-test-alb.log"
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, bytes.NewReader(data), parser.Options{BatchSize: 2, Source: parser.Source{Name: rel}})
	if res.Err != nil || len(res.Rejects) != 0 || len(res.Rows) != 3 {
		t.Fatalf("%s: %d rows, rejects %v, err %v", rel, len(res.Rows), res.Rejects, res.Err)
	}
	cert := exampleCert("2024-10-04T17:05:15.514108Z", "192.168.131.39")
	checkRow(t, res.Rows[0], readertest.With(cert, ColTLSHandshakeLatency, 4.036, ColTLSVerifyStatus, "Success"))
	checkRow(t, res.Rows[1], readertest.With(cert, ColTLSVerifyStatus, "Failed", ColTLSVerifyReason, "ClientCertUntrusted"))
	checkRow(t, res.Rows[2], map[string]any{ColTime: "2024-11-29T13:45:24.599544Z", ColClientIP: "172.31.43.26",
		ColClientPort: 58206, ColListenerPort: 80, ColConnTraceID: "TID_16132ed0b4112148"})

	// Sniff claims every line, and the ALB access-log files none.
	if n := (Decoder{}).Sniff(data); n != 3 {
		t.Errorf("Sniff(%s) = %d, want 3", rel, n)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "alb-*.log"))
	for _, path := range files {
		if strings.Contains(path, "connection") {
			continue
		}
		head, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if n := (Decoder{}).Sniff(head); n != 0 {
			t.Errorf("Sniff(%s) = %d, want 0", path, n)
		}
	}
}
