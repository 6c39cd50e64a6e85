package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// A Parquet object is read by byte ranges: its tail first (a small one
// whole, in one GET), the head when Read, and what ReadAt asks for, the same
// bytes as the object's through cut connections; a replaced object is told.
func TestRanged(t *testing.T) {
	g := needGateway(t)
	direct := testClient(t, Options{}, nil)
	rng := rand.New(rand.NewPCG(3, 4))
	objects := map[string][]byte{"lake/big.parquet": make([]byte, 3<<20), "lake/small.parquet": make([]byte, 10_000), "lake/empty.parquet": nil}
	put := func(key string, b []byte) {
		t.Helper()
		if _, err := direct.api.PutObject(context.Background(), &s3.PutObjectInput{
			Bucket: aws.String(bigBucket), Key: aws.String(key), Body: bytes.NewReader(b),
		}); err != nil {
			t.Fatal(err)
		}
	}
	for key, b := range objects {
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		put(key, b)
	}
	p := newFaultProxy(t, g.endpoint, func(key string, n int) fault {
		if key == "lake/big.parquet" && n%2 == 0 {
			return fault{Cut: 1000}
		}
		return fault{}
	})
	c := testClient(t, Options{EndpointURL: p.URL, MaxAttempts: 3}, nil)
	open := func(key string) *rangedReader {
		t.Helper()
		rc, err := c.Object(bigBucket, key, int64(len(objects[key]))).Open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		r, ok := rc.(*rangedReader)
		if !ok {
			t.Fatalf("%s is opened as %T, not by ranges", key, rc)
		}
		return r
	}
	f := func(r *rangedReader, key string, off int64, n int) {
		t.Helper()
		data := objects[key]
		buf := make([]byte, n)
		got, err := r.ReadAt(buf, off)
		want := data[min(off, int64(len(data))):min(off+int64(n), int64(len(data)))]
		if got != len(want) || !bytes.Equal(buf[:got], want) {
			t.Errorf("%s: ReadAt(%d bytes, %d) gave %d bytes, want %d the object's", key, n, off, got, len(want))
		}
		if wantEOF := off+int64(n) > int64(len(data)); wantEOF != errors.Is(err, io.EOF) || err != nil && !errors.Is(err, io.EOF) {
			t.Errorf("%s: ReadAt(%d bytes, %d): error %v", key, n, off, err)
		}
	}

	big := open("lake/big.parquet")
	head := make([]byte, 64<<10)
	if n, err := big.Read(head); err != nil || n != rangedHead || !bytes.Equal(head[:n], objects["lake/big.parquet"][:n]) {
		t.Errorf("Read of the head: %d bytes, %v; want the first %d", n, err, rangedHead)
	}
	f(big, "lake/big.parquet", 3<<20-8, 8) // the tail, kept
	f(big, "lake/big.parquet", 100_000, 200_000)
	f(big, "lake/big.parquet", 3<<20-100, 1000)
	f(big, "lake/big.parquet", 10, 100) // the head, kept
	ranges, ifMatch := getsOf(p, "lake/big.parquet")
	t.Logf("GETs of big.parquet: %q", ranges)
	if !ifMatch || len(ranges) > 6 {
		t.Errorf("GETs of big.parquet %q (If-Match on all after the first: %v)", ranges, ifMatch)
	}

	small := open("lake/small.parquet")
	f(small, "lake/small.parquet", 0, 4)
	f(small, "lake/small.parquet", 9_000, 2000)
	if all, err := io.ReadAll(small); err != nil || !bytes.Equal(all, objects["lake/small.parquet"]) {
		t.Errorf("ReadAll of small.parquet: %d bytes, %v", len(all), err)
	}
	if ranges, _ := getsOf(p, "lake/small.parquet"); len(ranges) != 1 {
		t.Errorf("GETs of small.parquet %q, want one", ranges)
	}

	empty := open("lake/empty.parquet")
	if all, err := io.ReadAll(empty); err != nil || len(all) != 0 {
		t.Errorf("ReadAll of empty.parquet: %d bytes, %v", len(all), err)
	}

	put("lake/big.parquet", []byte("changed"))
	_, err := big.ReadAt(make([]byte, 10), 2<<20)
	if !errors.Is(err, ErrChanged) || !strings.Contains(fmt.Sprint(err), "s3://"+bigBucket+"/lake/big.parquet") {
		t.Errorf("ReadAt of a replaced object: %v, want it named as changed", err)
	}
}
