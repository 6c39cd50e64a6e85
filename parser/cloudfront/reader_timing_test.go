package cloudfront

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/lbtriage/lbtriage/parser"
)

// Compare runs with: go test -run '^$' -bench Reader -count 6 ./parser/cloudfront > new.txt; benchstat old.txt new.txt

const benchBytes = 40 << 20

var (
	benchOnce  sync.Once
	benchData  []byte // ~40 MB of 33-field records under one header
	benchGzip  []byte
	benchLines int64
	benchSink  int64
)

// benchInput synthesises a realistic, varied hour of a busy distribution:
// mixed edge locations, IPv4 and IPv6 viewers, URL-encoded user agents,
// queries, cache hits and misses, a few percent of errors.
func benchInput(b *testing.B) ([]byte, []byte, int64) {
	benchOnce.Do(func() {
		rng := rand.New(rand.NewPCG(1, 2))
		edges := []string{"FRA56-P1", "IAD89-C1", "SEA19-C2", "NRT57-P3", "LHR61-P5", "GRU3-C1", "SIN2-P4", "CDG50-P2"}
		hosts := []string{"www.example.com", "static.example.com", "api.example.com", "d111111abcdef8.cloudfront.net"}
		paths := []string{"/", "/index.html", "/assets/app.3f9a1c.js", "/assets/site.7b2e.css", "/img/hero%20large.jpg",
			"/api/v2/orders", "/api/v2/search", "/favicon.ico", "/video/seg-00042.ts", "/fonts/Inter-var.woff2"}
		uas := []string{
			"Mozilla/5.0%20(Windows%20NT%2010.0;%20Win64;%20x64)%20AppleWebKit/537.36%20(KHTML,%20like%20Gecko)%20Chrome/124.0.0.0%20Safari/537.36",
			"Mozilla/5.0%20(iPhone;%20CPU%20iPhone%20OS%2017_4%20like%20Mac%20OS%20X)%20AppleWebKit/605.1.15%20(KHTML,%20like%20Gecko)%20Version/17.4%20Mobile/15E148%20Safari/604.1",
			"Mozilla/5.0%20(X11;%20Linux%20x86_64;%20rv:125.0)%20Gecko/20100101%20Firefox/125.0",
			"curl/8.5.0", "okhttp/4.12.0", "Amazon%20CloudFront",
		}
		refs := []string{"-", "-", "https://www.example.com/", "https://www.google.com/", "https://www.example.com/search?q=shoes"}
		queries := []string{"-", "-", "-", "q=red%2520shoes&page=2", "v=3", "utm_source=newsletter&utm_medium=email"}
		types := []string{"text/html", "application/javascript", "text/css", "image/jpeg", "application/json", "video/mp2t", "font/woff2"}
		var sb strings.Builder
		sb.WriteString(header(33))
		id := make([]byte, 42)
		for sb.Len() < benchBytes {
			status, rt, dt, ttfb, tt := "200", "Hit", "Hit", 0.001+rng.Float64()*0.01, 0.0
			switch p := rng.IntN(1000); {
			case p < 250:
				rt, dt, ttfb = "Miss", "Miss", 0.02+rng.Float64()*0.5
			case p < 270:
				status, rt, dt = "304", "RefreshHit", "RefreshHit"
			case p < 290:
				status, rt, dt = "404", "Error", "Error"
			case p < 300:
				status, rt, dt = "502", "Error", []string{"OriginConnectError", "OriginDnsError", "Error"}[rng.IntN(3)]
			case p < 306:
				status, rt, dt, ttfb = "504", "Error", "OriginCommError", 30+rng.Float64()*0.05
			case p < 310:
				status, rt, dt = "503", "Error", "Error"
			case p < 312:
				status, rt, dt = "000", "Miss", "Miss"
			}
			tt = ttfb + rng.Float64()*0.05
			var ip string
			if rng.IntN(5) == 0 {
				ip = fmt.Sprintf("2a02:cf40:%x:%x::%x", rng.IntN(65536), rng.IntN(65536), rng.IntN(65536))
			} else {
				ip = fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(223), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
			}
			xff := "-"
			if rng.IntN(10) == 0 {
				xff = fmt.Sprintf("10.%d.%d.%d, %s", rng.IntN(256), rng.IntN(256), rng.IntN(256), ip)
			}
			for i := range id {
				id[i] = byte(rng.IntN(256))
			}
			path := paths[rng.IntN(len(paths))]
			rs, re := "-", "-"
			if strings.HasPrefix(path, "/video") && rng.IntN(2) == 0 {
				start := rng.IntN(1 << 20)
				rs, re = fmt.Sprint(start), fmt.Sprint(start+65535)
			}
			host := hosts[rng.IntN(len(hosts))]
			proto, tls, cipher := "https", "TLSv1.3", "TLS_AES_128_GCM_SHA256"
			if rng.IntN(20) == 0 {
				proto, tls, cipher = "http", "-", "-"
			}
			fmt.Fprintf(&sb, "2024-03-01\t12:%02d:%02d\t%s\t%d\t%s\t%s\td111111abcdef8.cloudfront.net\t%s\t%s\t%s\t%s\t%s\t-\t%s\t%s\t%s\t%s\t%d\t%.3f\t%s\t%s\t%s\t%s\tHTTP/%s\t-\t-\t%d\t%.3f\t%s\t%s\t%d\t%s\t%s\n",
				rng.IntN(60), rng.IntN(60), edges[rng.IntN(len(edges))], 300+rng.IntN(200000), ip,
				[]string{"GET", "GET", "GET", "GET", "HEAD", "POST"}[rng.IntN(6)], path, status,
				refs[rng.IntN(len(refs))], uas[rng.IntN(len(uas))], queries[rng.IntN(len(queries))],
				rt, base64.URLEncoding.EncodeToString(id), host, proto, 100+rng.IntN(2000), tt, xff, tls, cipher, rt,
				[]string{"1.1", "2.0", "2.0", "3.0"}[rng.IntN(4)], 1024+rng.IntN(64000), ttfb, dt,
				types[rng.IntN(len(types))], rng.IntN(1<<20), rs, re)
			benchLines++
		}
		benchData = []byte(sb.String())
		var zb bytes.Buffer
		zw := gzip.NewWriter(&zb)
		zw.Write(benchData)
		zw.Close()
		benchGzip = zb.Bytes()
	})
	return benchData, benchGzip, benchLines
}

// cpuTime is the CPU time (user + system) the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkReader(b *testing.B) {
	data, gz, lines := benchInput(b)
	parse := func(b *testing.B, r io.Reader, cols []string) {
		rd, err := NewReader(r, parser.Options{Columns: cols})
		if err != nil {
			b.Fatal(err)
		}
		for rd.Next() {
			benchSink += rd.RecordBatch().NumRows()
		}
		if rd.Err() != nil || rd.Stats().Parsed != lines {
			b.Fatalf("err %v, stats %+v, want %d rows", rd.Err(), rd.Stats(), lines)
		}
		rd.Release()
	}
	run := func(name string, body func(b *testing.B)) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			cpu0 := cpuTime()
			for b.Loop() {
				body(b)
			}
			cpu := cpuTime() - cpu0
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(int64(b.N)*lines), "allocs/line")
			// On a shared machine wall time varies with the load; the
			// process's CPU time does much less.
			b.ReportMetric(float64(len(data))*float64(b.N)/1e6/cpu.Seconds(), "cpu-MB/s")
		})
	}
	run("parse=triage", func(b *testing.B) { parse(b, bytes.NewReader(data), TriageColumns) })
	run("parse=all", func(b *testing.B) { parse(b, bytes.NewReader(data), nil) })
	run("gzip+parse", func(b *testing.B) {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			b.Fatal(err)
		}
		parse(b, zr, TriageColumns)
	})
	run("gunzip-only", func(b *testing.B) {
		zr, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, zr)
		if err != nil || n != int64(len(data)) {
			b.Fatalf("gunzip: %d bytes, %v", n, err)
		}
	})
}
