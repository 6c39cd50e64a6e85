package albconn

import (
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties: those of readertest.FuzzRead (it never panics, the counts
// reconcile, every Arrow buffer is released, ...), and the triage
// projection accepts exactly the lines all columns accept.
//
// Run with
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 1m ./parser/albconn
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(lineWith(fTLSVerifyStatus, "Failed:ClientCertExpired", fCertValidity, "-") + "\r\n" + lineWith()))
	f.Add([]byte(`2026-03-14T09:26:52.104317Z 198.51.100.23 50412 80 - - - "-" - - - TID_0c4e` + "\n\n \t\n"))
	f.Add([]byte(lineWith(fCertSubject, `"unterminated`)))
	f.Add([]byte(lineWith(fCertValidity, `NotAfter=2027-03-14T09:00:00Z;NotBefore=2025-03-14T09:00:00.123Z`)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		all := readertest.FuzzRead(t, Decoder{}.NewReader, data, nil, 3)
		tri := readertest.FuzzRead(t, Decoder{}.NewReader, data, TriageColumns, 1)
		if all.Parsed != tri.Parsed || all.Rejected != tri.Rejected || all.Comments != tri.Comments {
			t.Fatalf("all columns %+v, triage %+v", all, tri)
		}
	})
}

// FuzzSniff checks that Sniff never panics and counts no more lines than
// head has.
func FuzzSniff(f *testing.F) {
	f.Add([]byte(lineWith() + "\n" + lineWith()))
	f.Add([]byte("2026-03-14T09:26:52.104317Z 198.51.100.23 50412"))
	f.Fuzz(func(t *testing.T, head []byte) {
		n := Decoder{}.Sniff(head)
		lines := 1
		for _, c := range head {
			if c == '\n' {
				lines++
			}
		}
		if n < 0 || n > lines {
			t.Fatalf("Sniff = %d for %d lines", n, lines)
		}
	})
}

// FuzzParseName checks that ParseName never panics and that what it
// claims is a connection log of an Application Load Balancer.
func FuzzParseName(f *testing.F) {
	f.Add("conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20140215T2340Z_10.0.0.1_r.log.gz")
	f.Add("123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20140215T2340Z_10.0.0.1_r.log.gz")
	f.Fuzz(func(t *testing.T, base string) {
		src, ok := Decoder{}.ParseName(base)
		if ok && (src.Format != Format || len(src.Resource) < 5 || src.Resource[:4] != "app/" || !src.Start.Before(src.End)) {
			t.Fatalf("ParseName(%q) = %+v", base, src)
		}
	})
}
