package main

// Compare runs with:
//
//	go test -run '^$' -bench BenchmarkAnalyze_Lake -count 6 ./cmd/lbtriage > new.txt
//	benchstat old.txt new.txt

import (
	"bytes"
	"context"
	"io"
	"syscall"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
)

// BenchmarkAnalyze_Lake measures lbtriage analyze -o json over the gzip
// objects of one load balancer (three nodes, an object per node every 5
// minutes) and over the lake export wrote of them, on one worker: a quiet
// day (200,000 rows, about 230 an object) and a busy hour (600,000 rows,
// about 17,000 an object). cpu-ns/row is the process's CPU time, steadier
// than wall time on a shared machine.
func BenchmarkAnalyze_Lake(b *testing.B) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, sc := range []struct {
		name string
		span time.Duration
		rows int
	}{{"quiet-day", 24 * time.Hour, 200_000}, {"busy-hour", time.Hour, 600_000}} {
		logs, lakeDir := b.TempDir(), b.TempDir()
		if _, err := gen.WriteALBObjects(logs, &gen.ALBScenario{Seed: 5, Start: start, End: start.Add(sc.span), Rows: sc.rows,
			Incidents: gen.EveryALBCause(start, start.Add(sc.span), 0.01)}); err != nil {
			b.Fatal(err)
		}
		benchmarkAnalyzeLake(b, sc.name, logs, lakeDir, sc.rows)
	}
}

func benchmarkAnalyzeLake(b *testing.B, name, logs, lakeDir string, rows int) {
	m := &Main{Stdin: bytes.NewReader(nil), Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now}
	if code := m.Run(context.Background(), []string{"export", "--out", lakeDir, logs}); code != exitOK {
		b.Fatalf("export: exit %d", code)
	}
	for _, c := range []struct{ name, dir string }{{"gzip", logs}, {"lake", lakeDir}} {
		b.Run(name+"/source="+c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				if code := m.Run(context.Background(), []string{"analyze", "-o", "json", "--workers", "1", "--progress", "never", c.dir}); code != exitOK {
					b.Fatalf("analyze: exit %d", code)
				}
			}
			b.ReportMetric(float64((processCPU()-cpu0).Nanoseconds())/float64(b.N)/float64(rows), "cpu-ns/row")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
		})
	}
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
