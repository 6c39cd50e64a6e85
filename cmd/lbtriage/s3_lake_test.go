package main

import (
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
)

// countingProxy is a reverse proxy in front of an S3 endpoint that counts
// the body bytes of the objects it serves, by key, and records the
// listings' prefixes.
type countingProxy struct {
	*httptest.Server
	mu      sync.Mutex
	fetched map[string]int64 // key → body bytes of its GETs
	gets    map[string]int
	lists   []string
}

func newCountingProxy(t *testing.T, endpoint string) *countingProxy {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	p := &countingProxy{fetched: map[string]int64{}, gets: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(u)
	rp.ModifyResponse = func(resp *http.Response) error {
		r := resp.Request
		_, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
		p.mu.Lock()
		defer p.mu.Unlock()
		if r.Method != http.MethodGet {
			return nil
		}
		if key == "" {
			p.lists = append(p.lists, r.URL.Query().Get("prefix"))
			return nil
		}
		p.gets[key]++
		resp.Body = &countingBody{ReadCloser: resp.Body, add: func(n int) {
			p.mu.Lock()
			p.fetched[key] += int64(n)
			p.mu.Unlock()
		}}
		return nil
	}
	p.Server = httptest.NewServer(rp)
	t.Cleanup(p.Server.Close)
	return p
}

type countingBody struct {
	io.ReadCloser
	add func(int)
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.add(n)
	return n, err
}

// analyze s3://… of a lake reads only the day partitions of the window and,
// of their files, the footer and the column chunks the analysis needs, by
// ranged GETs: the same report as from the logs, from a fraction of the
// bytes.
func TestAnalyze_S3Lake(t *testing.T) {
	logs, root := t.TempDir(), t.TempDir()
	start := time.Date(2026, 11, 20, 23, 40, 0, 0, time.UTC)
	end := start.Add(40 * time.Minute) // two day partitions
	// One node: files of about 1.5 MB, larger than a GET reads whole.
	if _, err := gen.WriteALBObjects(logs, &gen.ALBScenario{Seed: 14, Start: start, End: end, Rows: 300_000, Nodes: gen.DefaultNodes()[:1],
		Incidents: gen.EveryALBCause(start, end, 0.03)}); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(root, "lake"), 0o755); err != nil {
		t.Fatal(err)
	}
	endpoint := startVersitygw(t, root)
	if code, out, errOut := run(t, "export", "--endpoint-url", endpoint, "--out", "s3://lake/logs/", logs); code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
	}
	stored := map[string]int64{} // key → size
	filepath.WalkDir(filepath.Join(root, "lake"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".parquet") {
			info, _ := d.Info()
			rel, _ := filepath.Rel(filepath.Join(root, "lake"), path)
			stored[filepath.ToSlash(rel)] = info.Size()
		}
		return nil
	})
	p := newCountingProxy(t, endpoint)
	window := []string{"--since", "2026-11-21T00:00:00Z", "--until", "2026-11-21T00:15:00Z"}
	want := reportWithoutInputs(t, append(window, logs)...)
	got := reportWithoutInputs(t, append(window, "--endpoint-url", p.URL, "s3://lake/logs/")...)
	if !reflect.DeepEqual(got, want) {
		gb, _ := json.MarshalIndent(got, "", " ")
		wb, _ := json.MarshalIndent(want, "", " ")
		t.Errorf("the report from the lake on S3 differs from the logs'\nlake: %.2000s\nlogs: %.2000s", gb, wb)
	}

	var read, fetched, gets int64
	for key, size := range stored {
		day := strings.Contains(key, "/day=2026-11-21/")
		switch {
		case !day && p.gets[key] > 0:
			t.Errorf("%s, a day outside the window, was read", key)
		case day && p.gets[key] == 0:
			t.Errorf("%s, of the window's day, was not read", key)
		case day:
			read += size
			fetched += p.fetched[key]
			gets += int64(p.gets[key])
		}
	}
	for _, prefix := range p.lists {
		if strings.Contains(prefix, "day=2026-11-20") {
			t.Errorf("listed %q, a day outside the window", prefix)
		}
	}
	t.Logf("fetched %d bytes of the %d of the window's day's files (%.0f%%) in %d GETs", fetched, read, 100*float64(fetched)/float64(read), gets)
	if read == 0 || fetched*2 > read {
		t.Errorf("fetched %d bytes of the %d of the files read, want less than half", fetched, read)
	}
}
