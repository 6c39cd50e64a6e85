package nlb

import (
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
)

// FuzzReader feeds arbitrary bytes to a Reader with small batches. The
// properties: those of readertest.FuzzRead (it never panics, the counts
// reconcile, every Arrow buffer is released, ...), the triage projection
// accepts exactly the lines all columns accept, and Sniff counts no more
// lines than there are.
//
// The seed corpus lives in testdata/fuzz/FuzzReader. Run with
//
//	go test -run '^$' -fuzz FuzzReader -fuzztime 1m ./parser/nlb
func FuzzReader(f *testing.F) {
	f.Add([]byte(lineWith() + "\n"))
	f.Add([]byte(lineWith(fTLSHandshakeTime, "-", fIncomingTLSAlert, "48") + "\r\n" + lineWith(fVersion, "1.0")))
	f.Add([]byte("tls 2.0 2024-10-25T17:33:59 net/x/c88927aafc9abafe 52878890095341b5 [::1]:2817 10.0.0.1:80 0 - 0 0 - - - - - - - - - - 2024-10-25T17:33:59"))
	f.Add([]byte("\r\n\n \t\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		all := readertest.FuzzRead(t, Decoder{}.NewReader, data, nil, 3)
		tri := readertest.FuzzRead(t, Decoder{}.NewReader, data, TriageColumns, 1)
		if all.Parsed != tri.Parsed || all.Rejected != tri.Rejected || all.Comments != tri.Comments {
			t.Fatalf("all columns %+v, triage %+v", all, tri)
		}
		if n := (Decoder{}).Sniff(data); int64(n) > all.Lines {
			t.Fatalf("Sniff counts %d lines of %d", n, all.Lines)
		}
	})
}

// FuzzParseName checks that ParseName never panics and that what it
// accepts is an NLB object of a known interval.
func FuzzParseName(f *testing.F) {
	f.Add("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log.gz")
	f.Add("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20200501T0000Z_172.160.001.192_20sg8hgm.log.gz")
	f.Add("ELBAccessLogTestFile")
	f.Fuzz(func(t *testing.T, base string) {
		src, ok := Decoder{}.ParseName(base)
		if !ok {
			return
		}
		if src.Format != Format || src.Resource[:4] != "net/" || src.NodeIP != "" ||
			src.End.Sub(src.Start) != Interval || src.End.Location().String() != "UTC" {
			t.Fatalf("ParseName(%q) = %+v", base, src)
		}
	})
}
