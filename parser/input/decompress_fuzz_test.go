package input

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser/awskey"
)

// maxFuzzOutput bounds what one fuzz input may decompress to, so that a small
// gzip bomb does not stall the fuzzer.
const maxFuzzOutput = 8 << 20

// decompressCapped decompresses data, keeping at most maxFuzzOutput bytes.
func decompressCapped(data []byte) ([]byte, error) {
	rc, err := Decompress(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var out bytes.Buffer
	_, err = io.CopyN(&out, rc, maxFuzzOutput)
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return out.Bytes(), err
}

// FuzzDecompress checks that no input makes Decompress panic, that the only
// errors over an in-memory reader are ErrTruncated and ErrCorrupt, that plain
// text passes through unchanged, and that pooled readers give the same answer
// twice. The seed corpus is in testdata/fuzz/FuzzDecompress.
//
//	go test ./parser/input/ -run '^$' -fuzz FuzzDecompress -fuzztime 2m
func FuzzDecompress(f *testing.F) {
	if testing.Short() {
		f.Skip("fuzz seeds skipped in short mode")
	}
	f.Add([]byte(""))
	f.Add([]byte("L 1\nL 2\n"))
	f.Add(gzipBytes(f, "L 1\nL 2\n", "L 3\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := decompressCapped(data)
		if err != nil && !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrCorrupt) {
			t.Fatalf("unexpected error kind: %v", err)
		}
		if !IsGzip(data) && (err != nil || !bytes.Equal(out, data)) {
			t.Fatalf("plain input changed: err=%v", err)
		}
		out2, err2 := decompressCapped(data)
		if !bytes.Equal(out, out2) || errString(err) != errString(err2) {
			t.Fatalf("second read differs: %d bytes, %v; then %d bytes, %v", len(out), err, len(out2), err2)
		}
	})
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// FuzzParseName checks that no name makes ParseName or Classify panic and
// that what they find is consistent.
func FuzzParseName(f *testing.F) {
	f.Add("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz")
	f.Add("EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz")
	f.Fuzz(func(t *testing.T, name string) {
		src := ParseName(name, testDecoders)
		Classify(name, testDecoders)
		if src.Name != name {
			t.Fatalf("Name=%q, want %q", src.Name, name)
		}
		if !src.End.IsZero() && (src.End.Location() != time.UTC || src.Resource == "" || !src.Start.Before(src.End)) {
			t.Fatalf("interval %v–%v without a resource, not UTC or empty", src.Start, src.End)
		}
		if src.NodeIP != "" {
			if ip, ok := awskey.NormalizeIP(src.NodeIP); !ok || ip != src.NodeIP {
				t.Fatalf("NodeIP %q is not normalised", src.NodeIP)
			}
		}
	})
}
