package alb

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// BenchmarkReader runs the sub-benchmarks of readertest.Bench (see there
// for benchstat and the yardstick) over 50 MB of synthesize's lines.
func BenchmarkReader(b *testing.B) { benchInput().RunParse(b, TriageColumns) }

var benchInput = sync.OnceValue(func() *readertest.Bench {
	text, lines := synthesize(50<<20, 1)
	return readertest.NewBench(Decoder{}.NewReader, text, lines)
})

// synthesize returns about size bytes of varied, valid ALB lines and their
// count, the same for the same seed: client and target addresses (some
// IPv6), ports, paths with query strings, user agents, a status mix with
// LB-generated 5xx (target "-" or target status "-", -1 timings), TLS and
// plain listeners, and several layouts, mostly the current 33 fields.
func synthesize(size int, seed uint64) ([]byte, int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	uas := []string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
		"curl/8.5.0", "okhttp/4.12.0", "python-requests/2.31.0", "Go-http-client/2.0", "-",
		"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		"aws-sdk-java/2.25.1 Linux/5.10 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS",
	}
	paths := []string{"/", "/api/v1/orders", "/api/v1/users/%d/profile", "/static/js/app.%d.js", "/health",
		"/search?q=term%d&page=2", "/cart/checkout", "/img/product/%d.jpg?w=640&h=480", "/graphql", "/login?next=%%2Fhome"}
	hosts := []string{"www.example.com", "api.example.com", "shop.example.org", "10.0.2.105"}
	ciphers := []string{"ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384"}
	methods := []string{"GET", "GET", "GET", "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"}
	tgs := []string{"web/73e2d6bc24d8a067", "api/8f04c4fe71f5f794", "static/5a03cc723870f039"}
	var sb strings.Builder
	sb.Grow(size + 4096)
	lines := 0
	base := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	for sb.Len() < size {
		t := base.Add(time.Duration(lines) * 937 * time.Microsecond)
		created := t.Add(-time.Duration(rng.IntN(2_000_000)) * time.Microsecond)
		typ := [...]string{"https", "https", "h2", "h2", "http", "wss", "grpcs"}[rng.IntN(7)]
		tls := typ != "http"
		var client string
		if rng.IntN(10) == 0 {
			client = fmt.Sprintf("2001:db8:%x:%x::%x:%d", rng.IntN(0xffff), rng.IntN(0xffff), rng.IntN(0xffff), 1024+rng.IntN(64000))
		} else {
			client = fmt.Sprintf("%d.%d.%d.%d:%d", 1+rng.IntN(222), rng.IntN(256), rng.IntN(256), rng.IntN(256), 1024+rng.IntN(64000))
		}
		target := fmt.Sprintf("10.0.%d.%d:%d", rng.IntN(4), 2+rng.IntN(250), []int{80, 8080, 8443, 3000}[rng.IntN(4)])
		if rng.IntN(50) == 0 {
			target = fmt.Sprintf("fd00:ec2::%x:%d", rng.IntN(0xffff), 8080)
		}
		reqT, tgtT, respT := fmt.Sprintf("%.3f", rng.Float64()*0.005), fmt.Sprintf("%.3f", rng.ExpFloat64()*0.05), "0.000"
		elb, tst := "200", "200"
		actions, errReason, redirect := "forward", "-", "-"
		switch p := rng.IntN(100); {
		case p < 5:
			elb, tst = "404", "404"
		case p < 8:
			elb, tst, actions, target, redirect = "301", "-", "redirect", "-", "https://www.example.com:443/"
			reqT, tgtT, respT = "-1", "-1", "-1"
		case p < 10:
			elb, tst = "500", "500"
		case p < 12:
			elb, tst, tgtT, respT = "502", "-", "-1", "-1"
		case p < 13:
			elb, tst, target, reqT, tgtT, respT = "503", "-", "-", "-1", "-1", "-1"
		case p < 14:
			elb, tst, tgtT, respT = "504", "-", "-1", "-1"
		case p < 15:
			elb, tst, reqT, tgtT, respT = "460", "-", "-1", "-1", "-1"
		case p < 16:
			elb, tst, target, errReason, reqT, tgtT, respT = "502", "-", "-", "LambdaInvalidResponse", "0.001", "-1", "-1"
		case p < 17:
			elb, tst, target, actions, reqT, tgtT, respT = "403", "-", "-", "waf", "-1", "-1", "-1"
		}
		path := paths[rng.IntN(len(paths))]
		if strings.Contains(path, "%d") {
			path = fmt.Sprintf(path, rng.IntN(100000))
		}
		scheme, port := "https", "443"
		if !tls {
			scheme, port = "http", "80"
		}
		proto := "HTTP/1.1"
		if typ == "h2" || typ == "grpcs" {
			proto = "HTTP/2.0"
		}
		cipher, tlsv, domain, cert := "-", "-", "-", "-"
		if tls {
			cipher = ciphers[rng.IntN(len(ciphers))]
			tlsv = "TLSv1.2"
			if strings.HasPrefix(cipher, "TLS_") {
				tlsv = "TLSv1.3"
			}
			domain = hosts[rng.IntN(3)]
			cert = "arn:aws:acm:eu-west-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"
		}
		tg := "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/" + tgs[rng.IntN(len(tgs))]
		tlist, slist := "-", "-"
		if target != "-" {
			tlist = target
			if tst != "-" {
				slist = tst
			}
		}
		fmt.Fprintf(&sb, `%s %s app/prod-web/50dc6c495c0c9188 %s %s %s %s %s %s %s %d %d "%s %s://%s:%s%s %s" "%s" %s %s %s "Root=1-%s-%s" "%s" "%s" %d %s "%s" "%s" "%s"`,
			typ, t.Format("2006-01-02T15:04:05.000000Z"), client, target, reqT, tgtT, respT, elb, tst,
			100+rng.IntN(4000), 200+rng.IntN(200000), methods[rng.IntN(len(methods))], scheme, hosts[rng.IntN(len(hosts))], port, path, proto,
			uas[rng.IntN(len(uas))], cipher, tlsv, tg, hex(8), hex(24), domain, cert, rng.IntN(20),
			created.Format("2006-01-02T15:04:05.000000Z"), actions, redirect, errReason)
		switch l := rng.IntN(20); {
		case l == 0: // 25 fields, 2018 layout
		case l == 1:
			fmt.Fprintf(&sb, ` "%s" "%s"`, tlist, slist) // 27
		case l < 4:
			fmt.Fprintf(&sb, ` "%s" "%s" "-" "-"`, tlist, slist) // 29
		case l < 5:
			fmt.Fprintf(&sb, ` "%s" "%s" "-" "-" TID_%s`, tlist, slist, hex(32)) // 30
		default:
			fmt.Fprintf(&sb, ` "%s" "%s" "-" "-" TID_%s "-" "-" "-"`, tlist, slist, hex(32)) // 33
		}
		sb.WriteByte('\n')
		lines++
	}
	return []byte(sb.String()), lines
}

func TestSynthesize(t *testing.T) {
	text, n := synthesize(1<<20, 7)
	res := readAll(t, bytes.NewReader(text), parser.Options{BatchSize: 1000})
	if res.Stats.Rejected != 0 || int(res.Stats.Parsed) != n {
		t.Fatalf("stats %+v, want %d parsed; first reject: %v", res.Stats, n, res.Rejects)
	}
	again, _ := synthesize(1<<20, 7)
	if !bytes.Equal(text, again) {
		t.Fatal("synthesize is not deterministic")
	}
}

// BenchmarkRowParse measures tokenising and converting one line, without
// the line reader or the column builders.
func BenchmarkRowParse(b *testing.B) {
	text, _ := synthesize(1<<20, 3)
	lines := bytes.Split(bytes.TrimSuffix(text, []byte("\n")), []byte("\n"))
	var r row
	b.SetBytes(int64(len(text)) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if reason := r.parse(lines[i%len(lines)], true); reason != "" {
			b.Fatal(reason)
		}
		i++
	}
}
