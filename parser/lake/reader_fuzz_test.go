package lake

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
)

// FuzzFileDecoder feeds damaged lake files to the reader: it may reject
// them, never panic.
func FuzzFileDecoder(f *testing.F) {
	objs, _, err := gen.ALBObjects(albScenario(300))
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	written, _ := export(f, memObjects("s3://logs/", objs[:2]), DirStore{Root: dir}, Options{RowGroupRows: 20}, 1)
	for _, w := range written {
		b, err := os.ReadFile(filepath.Join(dir, w.Path))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)/2])
		f.Add(append(b[:0:0], b[len(b)/3:]...))
	}
	f.Add([]byte("PAR1PAR1"))
	d := FileDecoder{Decoders: decoders()}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := d.OpenFile(bytes.NewReader(data), int64(len(data)), parser.Source{Name: "fuzz.parquet"})
		if err != nil {
			return
		}
		file.Source()
		r, err := file.NewReader(parser.Options{BatchSize: 7})
		if err != nil {
			return
		}
		defer r.Release()
		for r.Next() {
			r.RecordBatch()
		}
		_ = r.Err()
	})
}
