package input

import (
	"bytes"
	"slices"
	"testing"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Lines of the kinds lbtriage does not read, as AWS documents them; the
// health-check one is modelled on the documentation's.
const (
	connLine = `2023-12-02T21:04:58.174561Z 192.168.1.1 37532 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4.036 "CN=a" NotBefore=2023-01-01T00:00:00Z;NotAfter=2024-01-01T00:00:00Z FEF257B1 Success TID_1234`
	nlbLine  = `tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - - 2018-12-20T02:59:30`
	clbLine  = `2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`
	hcLine   = `http 2026-03-14T09:26:40.118204Z 0.006209174 10.0.2.17:8080 web-blue PASS 200 - app/shop-alb/8c3e5f7a9b1d2c4e 10.0.1.233`
	albLine  = `http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -`
	cfLine   = "2019-12-04\t21:02:31\tLAX1\t392\t192.0.2.100\tGET\td111111abcdef8.cloudfront.net\t/index.html\t200\t-\tcurl\t-\t-\tHit\tSOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==\td111111abcdef8.cloudfront.net\thttps\t23\t0.001\t-\tTLSv1.2\tECDHE-RSA-AES128-GCM-SHA256\tHit\tHTTP/2.0\t-\t-\t11040\t0.001\tHit\ttext/html\t78\t-\t-"
)

const (
	titleCLB  = "Classic Load Balancer access log"
	titleNLB  = "NLB access log"
	titleConn = "ALB connection log"
	titleHC   = "ALB health-check log"
)

func TestOtherLogKind(t *testing.T) {
	all := unreadLogs(nil)
	f := func(head, want string) {
		t.Helper()
		if got := otherLogKind([]byte(head), all); got != want {
			t.Fatalf("otherLogKind(%.60q)=%q, want %q", head, got, want)
		}
	}
	f(connLine+"\n", titleConn)
	f(nlbLine, titleNLB)
	f(clbLine, titleCLB)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 2001:db8::1:2817 - -1 -1 -1 503 0 0 0 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`, titleCLB)
	f(hcLine, titleHC)
	f(`lambda 2026-03-14T09:26:40.118204Z 1.121980746 arn:aws:lambda:us-east-2:123456789012:function:f web PASS 200 -`, titleHC)
	f(`https 2026-03-14T09:26:47.992310Z 0.231455072 10.0.3.41:443 api-green FAIL 503 TargetError`, titleHC)
	f("Enable AccessLog for ELB: my-loadbalancer at 2014-02-15T23:39:43.945958Z", SkipTestFile)
	// By most lines, not by the first: a damaged or foreign first line
	// does not decide.
	f("garbage\n# comment\n"+clbLine+"\n"+clbLine+"\n", titleCLB)
	f(connLine+"\n"+clbLine+"\n"+clbLine+"\n", titleCLB)
	// A line cut short is judged on what it holds.
	f(clbLine[:70], titleCLB)
	// Not recognised: ALB access logs are a decoder's business; noise is unknown.
	f(albLine, "")
	f(cfLine, "")
	f(`hello world this is text`, "")
	f(`2015-05-13`, "")
	f("", "")
	f("#Fields: a b c d", "")
}

// TestUnreadLogs leaves out the kinds a registered decoder reads, by title.
func TestUnreadLogs(t *testing.T) {
	titles := func(decoders ...parser.Decoder) []string {
		var s []string
		for _, k := range unreadLogs(decoders) {
			s = append(s, k.title)
		}
		return s
	}
	all := []string{titleNLB, titleConn, titleHC, titleCLB, SkipTestFile}
	if got := titles(alb.Decoder{}, cloudfront.Decoder{}); !slices.Equal(got, all) {
		t.Fatalf("unread with ALB and CloudFront: %q, want %q", got, all)
	}
	clb := fakeDecoder{format: "clb", title: titleCLB, match: fieldsMatch(isCLBLine)}
	if got, want := titles(alb.Decoder{}, clb), []string{titleNLB, titleConn, titleHC, SkipTestFile}; !slices.Equal(got, want) {
		t.Fatalf("unread with a CLB decoder: %q, want %q", got, want)
	}
}

// fieldsMatch makes a recogniser of otherLogs a fakeDecoder's match.
func fieldsMatch(match func(f [][]byte) bool) func(line []byte) bool {
	return func(line []byte) bool {
		f := bytes.Fields(line)
		return len(f) >= 4 && match(f)
	}
}
