package input

import "testing"

func TestOtherLogKind(t *testing.T) {
	f := func(line, want string) {
		t.Helper()
		if got := otherLogKind([]byte(line + "\n")); got != want {
			t.Fatalf("otherLogKind(%q)=%q, want %q", line, got, want)
		}
	}
	// Lines as AWS documents them.
	f(`2023-12-02T21:04:58.174561Z 192.168.1.1 37532 443 TLSv1.2 ECDHE-RSA-AES128-GCM-SHA256 4.036 "CN=a" NotBefore=2023-01-01T00:00:00Z;NotAfter=2024-01-01T00:00:00Z FEF257B1 Success TID_1234`, SkipConnLog)
	f(`tls 2.0 2018-12-20T02:59:40 net/my-network-loadbalancer/c6e77e28c25b2234 g3d4b5e8bb8464cd 72.21.218.154:51341 172.100.100.185:443 5 2 98 246 - arn:aws:acm:us-east-2:671290407336:certificate/2a108f19-aded-46b0-8493-c63eb1ef4a99 - ECDHE-RSA-AES128-SHA tlsv12 - my-network-loadbalancer-c6e77e28c25b2234.elb.us-east-2.amazonaws.com - - - 2018-12-20T02:59:30`, SkipNLBLog)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817 10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`, SkipCLBLog)
	f(`2015-05-13T23:39:43.945958Z my-loadbalancer 2001:db8::1:2817 - -1 -1 -1 503 0 0 0 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.38.0" - -`, SkipCLBLog)
	// Not recognised: ALB access logs are a decoder's business; noise is unknown.
	f(`http 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -`, "")
	f(`hello world this is text`, "")
	f(`2015-05-13`, "")
}
