package s3

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/input"
)

// albOnly is the registry of the tests that analyze: the ALB family.
var albOnly = analysis.MustRegistry(albfam.Family{})

// analyzeObjects runs the analysis pipeline over objects and returns the
// report as JSON, with the inputs section (which names the objects by where
// they were read from) left out.
func analyzeObjects(t *testing.T, objs []input.Object, opts analysis.Options) ([]byte, *analysis.Report) {
	t.Helper()
	sinks, results, err := input.Scan(context.Background(), objs, input.ScanOptions{
		Workers:  4,
		Decoders: []parser.Decoder{alb.Decoder{}},
		Columns:  map[parser.Format][]string{alb.Format: alb.TriageColumns},
	}, func() input.Sink { return albOnly.NewRouter(opts) })
	if err != nil {
		t.Fatal(err)
	}
	rep := analysis.BuildReports(albOnly, sinks, analysis.Run{Results: results})[0]
	cp := *rep
	cp.Inputs = analysis.Inputs{}
	b, err := json.Marshal(&cp)
	if err != nil {
		t.Fatal(err)
	}
	return b, rep
}

// TestGenerated_ReportThroughFaults: the report of a window read from S3 is
// the report of the same objects read from memory, whether or not every GET
// is first cut halfway and then throttled with 503 SlowDown.
func TestGenerated_ReportThroughFaults(t *testing.T) {
	objs, _ := genData(t)
	data := map[string][]byte{}
	for _, o := range objs {
		data[o.Key] = o.Data
	}
	since := time.Date(2026, 11, 20, 23, 45, 0, 0, time.UTC)
	until := time.Date(2026, 11, 21, 0, 15, 0, 0, time.UTC)
	opts := analysis.Options{Since: since, Until: until}

	for _, faulty := range []bool{false, true} {
		g := needGateway(t)
		proxy := newFaultProxy(t, g.endpoint, func(key string, n int) fault {
			switch {
			case !faulty:
				return fault{}
			case n == 1:
				return fault{Cut: int64(len(data[key]) / 2)}
			case n == 2:
				return fault{SlowDown: true}
			}
			return fault{}
		})
		c := testClient(t, Options{EndpointURL: proxy.URL, Since: since, Until: until}, nil)
		remote, _, _, err := c.Objects(context.Background(), "s3://"+genBucket+"/gen/")
		if err != nil {
			t.Fatal(err)
		}
		// The same objects, from memory.
		local := make([]input.Object, 0, len(remote))
		for _, o := range remote {
			key := o.Source.Name[len("s3://"+genBucket+"/"):]
			b, ok := data[key]
			if !ok {
				t.Fatalf("listed %s, which the generator did not write", key)
			}
			local = append(local, input.Object{
				Source: input.ParseName(key, testDecoders), Size: int64(len(b)),
				Open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil },
			})
		}
		want, wantRep := analyzeObjects(t, local, opts)
		got, gotRep := analyzeObjects(t, remote, opts)
		if wantRep.Requests == 0 || wantRep.Errors.Total5xx == 0 {
			t.Fatalf("the window holds %d requests and %d 5xx: the test needs both", wantRep.Requests, wantRep.Errors.Total5xx)
		}
		if len(gotRep.Inputs.Failed) != 0 {
			t.Fatalf("faulty=%v: failed inputs %+v", faulty, gotRep.Inputs.Failed)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("faulty=%v: the S3 report differs from the local one:\ns3    %.600s\nlocal %.600s", faulty, got, want)
		}
		if faulty {
			// Every selected object was cut once and throttled once.
			for _, o := range remote {
				key := o.Source.Name[len("s3://"+genBucket+"/"):]
				if n := proxy.getCount(key); n != 3 {
					t.Errorf("%s: %d GETs, want 3 (cut, throttled, resumed)", key, n)
				}
			}
		}
	}
}
