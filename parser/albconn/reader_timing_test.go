package albconn

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
// for benchstat and the yardstick) over 32 MB of synthesize's lines.
func BenchmarkReader(b *testing.B) {
	bn := benchInput()
	bn.Run(b, "parse=triage", func(b *testing.B) { bn.Parse(b, false, TriageColumns) })
	bn.Run(b, "parse=all", func(b *testing.B) { bn.Parse(b, false, nil) })
	bn.Run(b, "gzip+parse=all", func(b *testing.B) { bn.Parse(b, true, nil) })
	bn.Run(b, "gunzip-only", bn.Gunzip)
}

var benchInput = sync.OnceValue(func() *readertest.Bench {
	text, lines := synthesize(32<<20, 1)
	return readertest.NewBench(Decoder{}.NewReader, text, lines)
})

// synthesize returns about size bytes of varied, valid connection-log
// lines and their count, the same for the same seed: plain HTTP, HTTPS
// and mutual-TLS listeners, IPv6 clients, handshakes that failed for a
// verify reason, and the 11-, 12- and 15-field layouts, mostly 15.
func synthesize(size int, seed uint64) ([]byte, int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	ciphers := [][2]string{
		{"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"}, {"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
		{"TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384"}, {"TLSv1.3", "TLS_AES_256_GCM_SHA384"},
	}
	kex := []string{"x25519", "x25519", "secp256r1", "X25519MLKEM768"}
	reasons := []string{"ClientCertExpired", "ClientCertUntrusted", "ClientCertNotYetValid", "ClientCertRevoked", "UnmappedConnectionError"}
	hex := func(n int) string {
		const digits = "0123456789abcdef"
		b := make([]byte, n)
		for i := range b {
			b[i] = digits[rng.IntN(16)]
		}
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(size + 4096)
	lines := 0
	base := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	for sb.Len() < size {
		t := base.Add(time.Duration(lines) * 1777 * time.Microsecond)
		client := fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(222), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
		if rng.IntN(15) == 0 {
			client = fmt.Sprintf("2001:db8:%x:%x::%x", rng.IntN(0xffff), rng.IntN(0xffff), rng.IntN(0xffff))
		}
		port, proto, cipher, latency, subject, validity, serial, status, kx := "80", "-", "-", "-", `"-"`, "-", "-", "-", "-"
		switch x := rng.IntN(10); {
		case x < 7:
			c := ciphers[rng.IntN(len(ciphers))]
			port, proto, cipher, status, kx = "443", c[0], c[1], "Success", kex[rng.IntN(len(kex))]
			latency = fmt.Sprintf("%.3f", rng.ExpFloat64()*0.02)
		case x < 9:
			c := ciphers[rng.IntN(len(ciphers))]
			port, proto, cipher, status, kx = "8443", c[0], c[1], "Success", kex[rng.IntN(len(kex))]
			latency = fmt.Sprintf("%.3f", rng.ExpFloat64()*0.05)
			n := rng.IntN(40)
			subject = fmt.Sprintf(`"CN=client%02d.partners.example.net,O=Partner %02d Ltd,L=Seattle,ST=Washington,C=US"`, n, n)
			validity = fmt.Sprintf("NotBefore=2025-%02d-14T09:00:00Z;NotAfter=2027-%02d-14T09:00:00Z", 1+n%12, 1+n%12)
			serial = strings.ToUpper(hex(16))
			if rng.IntN(8) == 0 {
				status, latency = "Failed:"+reasons[rng.IntN(len(reasons))], "-"
			}
		}
		fmt.Fprintf(&sb, "%s %s %d %s %s %s %s %s %s %s %s",
			t.Format("2006-01-02T15:04:05.000000Z"), client, 1024+rng.IntN(64000), port, proto, cipher, latency,
			subject, validity, serial, status)
		switch l := rng.IntN(20); {
		case l == 0: // 11 fields
		case l == 1:
			fmt.Fprintf(&sb, " TID_%s", hex(32)) // 12
		default:
			fmt.Fprintf(&sb, " TID_%s %s app/shop-alb/8c3e5f7a9b1d2c4e 10.0.%d.%d", hex(32), kx, 1+rng.IntN(3), 10+rng.IntN(200))
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
	r.toks.Need = maxFields
	b.SetBytes(int64(len(text)) / int64(len(lines)))
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if reason := r.parse(lines[i%len(lines)]); reason != "" {
			b.Fatal(reason)
		}
		i++
	}
}
