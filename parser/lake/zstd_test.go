package lake

import (
	"bytes"
	"runtime"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/parquet/compress"
	"github.com/klauspost/compress/zstd"
)

// A page whose zstd frame claims more than its header's uncompressed size
// is an error, found without allocating what the frame claims.
func TestBoundedZstd(t *testing.T) {
	c, err := compress.GetCodec(compress.Codecs.Zstd)
	if err != nil {
		t.Fatal(err)
	}
	dec, ok := c.(compress.ErrorCodec)
	if !ok {
		t.Fatalf("the zstd codec %T does not report errors", c)
	}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	small := bytes.Repeat([]byte("lake "), 100)
	huge := enc.EncodeAll(make([]byte, 64<<20), nil) // a few KB claiming 64 MiB

	got, err := dec.DecodeWithError(make([]byte, len(small)), c.Encode(nil, small))
	if err != nil || !bytes.Equal(got, small) {
		t.Fatalf("decoding a page: %v, %d bytes", err, len(got))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = dec.DecodeWithError(make([]byte, 4096), huge)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "larger than the 4096 bytes its header gives") {
		t.Errorf("decoding a frame of 64 MiB into a page of 4096 bytes: error %v", err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 8<<20 {
		t.Errorf("decoding a frame of 64 MiB into a page of 4096 bytes allocated %d bytes", n)
	}
}
