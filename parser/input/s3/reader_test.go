package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/input"
)

func readObject(c *Client, bucket, key string) ([]byte, error) {
	rc, err := c.Object(bucket, key, -1).Open(context.Background())
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// getsOf returns the Range header of each GET of key the proxy saw, and
// whether every GET after the first carried If-Match.
func getsOf(p *faultProxy, key string) (ranges []string, ifMatch bool) {
	ifMatch = true
	n := 0
	for _, r := range p.requests() {
		if r.Method == "GET" && r.Key == key {
			ranges = append(ranges, r.Range)
			if n > 0 && r.Range != "" && r.IfMatch == "" {
				ifMatch = false
			}
			n++
		}
	}
	return ranges, ifMatch
}

// Reading through a proxy that throttles and cuts connections gives the
// same bytes as reading directly: each resume asks for exactly the first
// byte not yet received, so nothing is lost or read twice.
func TestRead_FaultsLoseNothing(t *testing.T) {
	g := needGateway(t)
	objs := seeded()[bigBucket]
	size := map[string]int64{}
	plan := map[string]int{}
	for i, o := range objs {
		size[o.Key], plan[o.Key] = int64(len(o.Data)), i%3
	}
	decide := func(key string, n int) fault {
		half := size[key] / 2
		switch plan[key] {
		case 0: // throttled twice, cut halfway, then whole
			switch n {
			case 1, 2:
				return fault{SlowDown: true}
			case 3:
				return fault{Cut: half}
			}
		case 1: // cut at a third, the resume cut again after 1000 bytes
			switch n {
			case 1:
				return fault{Cut: size[key] / 3}
			case 2:
				return fault{Cut: 1000}
			}
		case 2: // cut halfway; the resume throttled, then cut before its first byte, then after one byte
			switch n {
			case 1:
				return fault{Cut: half}
			case 2:
				return fault{SlowDown: true}
			case 3:
				return fault{CutAtStart: true}
			case 4:
				return fault{Cut: 1}
			}
		}
		return fault{}
	}
	p := newFaultProxy(t, g.endpoint, decide)
	faulty := testClient(t, Options{EndpointURL: p.URL}, nil)
	direct := testClient(t, Options{}, nil)

	var wg sync.WaitGroup
	for _, o := range objs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := readObject(faulty, bigBucket, o.Key)
			if err != nil {
				t.Errorf("through faults: %v", err)
				return
			}
			want, err := readObject(direct, bigBucket, o.Key)
			if err != nil {
				t.Errorf("direct: %v", err)
				return
			}
			if !bytes.Equal(want, o.Data) {
				t.Errorf("%s: direct read differs from the uploaded bytes", o.Key)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: read through faults: %d bytes, differ from the direct read (%d bytes)", o.Key, len(got), len(want))
			}
		}()
	}
	wg.Wait()

	for _, o := range objs {
		n := int64(len(o.Data))
		r := func(off int64) string { return fmt.Sprintf("bytes=%d-", off) }
		var want []string
		switch plan[o.Key] {
		case 0:
			want = []string{"", "", "", r(n / 2)}
		case 1:
			want = []string{"", r(n / 3), r(n/3 + 1000)}
		case 2:
			want = []string{"", r(n / 2), r(n / 2), r(n / 2), r(n/2 + 1)}
		}
		got, ifMatch := getsOf(p, o.Key)
		if !slices.Equal(got, want) {
			t.Errorf("%s (plan %d): GET ranges %q, want %q", o.Key, plan[o.Key], got, want)
		}
		if !ifMatch {
			t.Errorf("%s: a resumed GET had no If-Match", o.Key)
		}
	}
}

// countSink counts rows per object.
type countSink struct{ rows map[string]int64 }

func (s *countSink) Consume(src parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	s.rows[src.Name] += rec.NumRows()
	return nil
}

// An object that keeps failing is reported by bucket and key, from Read,
// while the other objects of the scan are read whole.
func TestRead_FailingObjectDoesNotStopTheScan(t *testing.T) {
	g := needGateway(t)
	objs := seeded()[bigBucket]
	cutEver, throttledEver := objs[0].Key, objs[1].Key
	p := newFaultProxy(t, g.endpoint, func(key string, n int) fault {
		switch {
		case key == cutEver:
			return fault{CutAtStart: true}
		case key == throttledEver && n == 1:
			return fault{Cut: 5000}
		case key == throttledEver:
			return fault{SlowDown: true}
		case n == 1:
			return fault{Cut: 777} // everyone else survives one cut
		}
		return fault{}
	})
	c := testClient(t, Options{EndpointURL: p.URL, MaxAttempts: 4}, nil)
	var objects []input.Object
	for _, o := range objs {
		objects = append(objects, c.Object(bigBucket, o.Key, int64(len(o.Data))))
	}
	sinks, results, err := input.Scan(context.Background(), objects,
		input.ScanOptions{Workers: 3, Decoders: []parser.Decoder{alb.Decoder{}}},
		func() input.Sink { return &countSink{rows: map[string]int64{}} })
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]int64{}
	for _, s := range sinks {
		for k, v := range s.(*countSink).rows {
			rows[k] += v
		}
	}
	for _, res := range results {
		u := res.Source.Name
		key := strings.TrimPrefix(u, "s3://"+bigBucket+"/")
		switch key {
		case cutEver:
			if !errors.Is(res.Err, ErrRead) || !strings.Contains(fmt.Sprint(res.Err), u) {
				t.Errorf("%s: err %v, want a read failure naming it", key, res.Err)
			}
			if got := p.getCount(key); got != 4 {
				t.Errorf("%s: %d GETs, want 4 (MaxAttempts)", key, got)
			}
		case throttledEver:
			if !errors.Is(res.Err, ErrThrottled) || !strings.Contains(fmt.Sprint(res.Err), u) {
				t.Errorf("%s: err %v, want throttling naming it", key, res.Err)
			}
			if got := p.getCount(key); got != 1+4 {
				t.Errorf("%s: %d GETs, want 1 + 4 (the SDK's attempts at the resume)", key, got)
			}
		default:
			if res.Err != nil || res.Stats.Parsed != 5000 || rows[u] != 5000 {
				t.Errorf("%s: err %v, parsed %d, rows %d; want 5000 rows", key, res.Err, res.Stats.Parsed, rows[u])
			}
		}
	}
}

// An object replaced while it is read is not spliced: the resume's If-Match
// fails and the read says the object changed.
func TestRead_ObjectChangedDuringRead(t *testing.T) {
	g := needGateway(t)
	direct := testClient(t, Options{}, nil)
	key := "changing/" + seeded()[bigBucket][0].Key
	data := seeded()[bigBucket][0].Data
	put := func(b []byte) {
		t.Helper()
		if _, err := direct.api.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(bigBucket), Key: aws.String(key), Body: bytes.NewReader(b),
		}); err != nil {
			t.Fatal(err)
		}
	}
	put(data)
	p := newFaultProxy(t, g.endpoint, func(k string, n int) fault {
		if k == key && n == 1 {
			return fault{Cut: int64(len(data) / 2)}
		}
		return fault{}
	})
	c := testClient(t, Options{EndpointURL: p.URL}, nil)
	rc, err := c.Object(bigBucket, key, -1).Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	buf := make([]byte, len(data)/4)
	if _, err := io.ReadFull(rc, buf); err != nil {
		t.Fatal(err)
	}
	put(append([]byte("changed "), data...))
	_, err = io.ReadAll(rc)
	if !errors.Is(err, ErrChanged) || !strings.Contains(fmt.Sprint(err), "s3://"+bigBucket+"/"+key) {
		t.Fatalf("err %v, want the object named as changed", err)
	}
}

func TestRead_MissingKey(t *testing.T) {
	c := testClient(t, Options{}, nil)
	_, err := readObject(c, logsBucket, "prod/no-such-key.log.gz")
	want := "s3://" + logsBucket + "/prod/no-such-key.log.gz does not exist"
	if !errors.Is(err, ErrNoSuchKey) || !strings.HasPrefix(fmt.Sprint(err), want) {
		t.Fatalf("err %v, want %q…", err, want)
	}
}

func TestParseContentRange(t *testing.T) {
	f := func(s string, start, total int64, ok bool) {
		t.Helper()
		gs, gt, gok := parseContentRange(s)
		if gs != start || gt != total || gok != ok {
			t.Errorf("parseContentRange(%q) = %d, %d, %v; want %d, %d, %v", s, gs, gt, gok, start, total, ok)
		}
	}
	f("bytes 100-199/200", 100, 200, true)
	f("bytes 0-0/*", 0, -1, true)
	f("bytes */200", 0, 0, false)
	f("", 0, 0, false)
}

// A GetObject that stalls (no headers, or no more body bytes) is cut after
// the idle timeout and made again from where it stopped.
func TestRead_StalledConnectionResumes(t *testing.T) {
	g := needGateway(t)
	o := seeded()[bigBucket][2]
	n := int64(len(o.Data))
	p := newFaultProxy(t, g.endpoint, func(key string, i int) fault {
		switch i {
		case 1:
			return fault{StallHeaders: true}
		case 2:
			return fault{StallAfter: n / 2}
		}
		return fault{}
	})
	c := testClient(t, Options{EndpointURL: p.URL, Timeout: 200 * time.Millisecond}, nil)
	start := time.Now()
	got, err := readObject(c, bigBucket, o.Key)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, o.Data) {
		t.Fatalf("read %d bytes, differ from the %d uploaded", len(got), n)
	}
	ranges, _ := getsOf(p, o.Key)
	if want := []string{"", "", fmt.Sprintf("bytes=%d-", n/2)}; !slices.Equal(ranges, want) {
		t.Errorf("GET ranges %q, want %q", ranges, want)
	}
	if d := time.Since(start); d > stallLimit/2 {
		t.Errorf("took %v: the stalls were not cut", d)
	}

	// Stalling for ever: the read fails, naming the object.
	p.mu.Lock()
	p.decide = func(string, int) fault { return fault{StallHeaders: true} }
	p.mu.Unlock()
	c = testClient(t, Options{EndpointURL: p.URL, MaxAttempts: 2, Timeout: 100 * time.Millisecond}, nil)
	_, err = readObject(c, bigBucket, o.Key)
	checkSentence(t, err, ErrRead, "reading s3://"+bigBucket+"/"+o.Key+" failed at byte 0", "no data from "+p.URL+" for 100ms")
}

// An object stored with a checksum (as the SDK uploads by default): the
// first GET is validated by the SDK, the ranged resume is not cut short by
// a whole-object checksum it cannot match.
func TestRead_ChecksummedObjectResumes(t *testing.T) {
	g := needGateway(t)
	direct := testClient(t, Options{}, nil)
	data := seeded()[bigBucket][1].Data
	key := "checksummed/" + seeded()[bigBucket][1].Key
	if _, err := direct.api.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(bigBucket), Key: aws.String(key), Body: bytes.NewReader(data),
	}); err != nil {
		t.Fatal(err)
	}
	p := newFaultProxy(t, g.endpoint, func(_ string, n int) fault {
		if n == 1 {
			return fault{Cut: int64(len(data) / 2)}
		}
		return fault{}
	})
	c := testClient(t, Options{EndpointURL: p.URL}, nil)
	for _, c := range []*Client{c, direct} {
		got, err := readObject(c, bigBucket, key)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("read %d bytes of %d: %v", len(got), len(data), err)
		}
	}
	if ranges, _ := getsOf(p, key); len(ranges) != 2 {
		t.Errorf("GETs %q, want the first and one resume", ranges)
	}
}
