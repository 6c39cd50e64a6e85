package s3

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/input"
)

// BenchmarkRead reads (downloads and gunzips; mode=read) and analyzes
// (mode=analyze) the same ALB objects from the local S3 server and from local
// files, so that the cost of S3 as a source can be compared with local files.
// MB/s counts decompressed bytes; stored-MB/s the gzip bytes.
//
//	go test -run '^$' -bench BenchmarkRead -benchtime 5x ./parser/input/s3/
func BenchmarkRead(b *testing.B) {
	needGateway(b)
	const bucket = "lbtriage-bench"
	objs, plain := benchObjects(4, 40_000)
	c := testClient(b, Options{}, nil)
	if err := putAll(context.Background(), c, bucket, objs); err != nil && !strings.Contains(err.Error(), "BucketAlready") {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var stored int64
	for _, o := range objs {
		p := filepath.Join(dir, filepath.Base(o.Key))
		if err := os.WriteFile(p, o.Data, 0o644); err != nil {
			b.Fatal(err)
		}
		stored += int64(len(o.Data))
	}
	sources := []struct {
		name string
		open func(o testObject) (io.ReadCloser, error)
	}{
		{"local", func(o testObject) (io.ReadCloser, error) { return os.Open(filepath.Join(dir, filepath.Base(o.Key))) }},
		{"s3", func(o testObject) (io.ReadCloser, error) {
			return c.Object(bucket, o.Key, int64(len(o.Data))).Open(context.Background())
		}},
	}
	for _, workers := range []int{1, 2} {
		for _, src := range sources {
			b.Run(fmt.Sprintf("mode=read/source=%s/workers=%d", src.name, workers), func(b *testing.B) {
				b.SetBytes(plain)
				b.ReportAllocs()
				for b.Loop() {
					readAllObjects(b, objs, workers, src.open)
				}
				b.ReportMetric(float64(stored)*float64(b.N)/b.Elapsed().Seconds()/1e6, "stored-MB/s")
			})
		}
	}
	// The whole analysis (scan, parse, aggregate, report) over each source.
	for _, workers := range []int{1, 2} {
		for _, src := range sources {
			inputs := make([]input.Object, len(objs))
			for i, o := range objs {
				inputs[i] = input.Object{
					Source: input.ParseName(o.Key, testDecoders), Size: int64(len(o.Data)),
					Open: func(context.Context) (io.ReadCloser, error) { return src.open(o) },
				}
			}
			b.Run(fmt.Sprintf("mode=analyze/source=%s/workers=%d", src.name, workers), func(b *testing.B) {
				b.SetBytes(plain)
				b.ReportAllocs()
				for b.Loop() {
					sinks, results, err := input.Scan(context.Background(), inputs, input.ScanOptions{
						Workers:  workers,
						Decoders: []parser.Decoder{alb.Decoder{}},
						Columns:  map[parser.Format][]string{alb.Format: alb.TriageColumns},
					}, func() input.Sink { return albOnly.NewRouter(analysis.Options{}) })
					if err != nil {
						b.Fatal(err)
					}
					rep := analysis.BuildReports(albOnly, sinks, analysis.Run{Results: results})[0]
					if len(rep.Inputs.Failed) > 0 || rep.Requests == 0 {
						b.Fatalf("failed %v, %d requests", rep.Inputs.Failed, rep.Requests)
					}
				}
			})
		}
	}
}

func readAllObjects(b *testing.B, objs []testObject, workers int, open func(testObject) (io.ReadCloser, error)) {
	var wg sync.WaitGroup
	next := make(chan testObject)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range next {
				rc, err := open(o)
				if err != nil {
					b.Error(err)
					continue
				}
				dr, err := input.Decompress(rc)
				if err == nil {
					_, err = io.Copy(io.Discard, dr)
					dr.Close()
				}
				rc.Close()
				if err != nil {
					b.Error(err)
				}
			}
		}()
	}
	for _, o := range objs {
		next <- o
	}
	close(next)
	wg.Wait()
}

// benchObjects returns n ALB objects of rows lines each, gzipped at the
// default level as ELB does, and their total decompressed size. Lines
// repeat only far beyond gzip's 32 KiB window, so the ratio is realistic.
func benchObjects(n, rows int) ([]testObject, int64) {
	s := albStreams[0]
	rng := rand.New(rand.NewPCG(3, 3))
	base := make([]string, rows/2)
	for i := range base {
		base[i] = albLine(s, day20.Add(13*time.Hour+time.Duration(i)*time.Millisecond), rng)
	}
	var (
		objs  []testObject
		plain int64
	)
	for i := 0; i < n; i++ {
		var raw bytes.Buffer
		for j := 0; j < rows; j++ {
			raw.WriteString(base[(j+i*len(base)/n)%len(base)])
		}
		plain += int64(raw.Len())
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(raw.Bytes())
		w.Close()
		key := fmt.Sprintf("AWSLogs/%s/elasticloadbalancing/%s/2026/11/20/%s_elasticloadbalancing_%s_app.shop-prod-alb.50dc6c495c0c9188_20261120T13%02dZ_%s_bench%03d.log.gz",
			s.account, s.region, s.account, s.region, 5*(i+1), s.node, i)
		objs = append(objs, testObject{key, z.Bytes()})
	}
	return objs, plain
}
