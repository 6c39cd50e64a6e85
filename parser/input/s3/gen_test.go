package s3

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/input"
)

// Traffic from the generator, laid out by it in the AWS key layout with its
// delivery delay, over midnight: a windowed listing must find every row of
// the window (the generator's truth says how many), while reading only
// part of the objects.

const genBucket = "lbtriage-gen"

var (
	genOnce  sync.Once
	genObjs  []gen.Object
	genTruth *gen.ALBTruth
	genErr   error
)

func genData(t *testing.T) ([]gen.Object, *gen.ALBTruth) {
	t.Helper()
	c := testClient(t, Options{}, nil)
	genOnce.Do(func() {
		sc := &gen.ALBScenario{
			Seed: 11, RPS: 2, Prefix: "gen",
			Start: time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC),
			End:   time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC),
			Incidents: []gen.ALBIncident{{
				Kind: gen.ALBTargetTimeout, Rate: 0.3,
				Start: time.Date(2026, 11, 20, 23, 52, 0, 0, time.UTC),
				End:   time.Date(2026, 11, 21, 0, 8, 0, 0, time.UTC),
			}},
		}
		genObjs, genTruth, genErr = gen.ALBObjects(sc)
		if genErr != nil {
			return
		}
		var objs []testObject
		for _, o := range genObjs {
			objs = append(objs, testObject{o.Key, o.Data})
		}
		genErr = putAll(context.Background(), c, genBucket, objs)
	})
	if genErr != nil {
		t.Fatal(genErr)
	}
	return genObjs, genTruth
}

// windowSink counts the rows whose time is in [since, until).
type windowSink struct {
	since, until time.Time
	rows         int
}

func (s *windowSink) Consume(_ parser.Source, _ parser.Format, rec arrow.RecordBatch) error {
	for i, f := range rec.Schema().Fields() {
		if f.Name != alb.ColTime {
			continue
		}
		col := rec.Column(i).(*array.Timestamp)
		unit := f.Type.(*arrow.TimestampType).Unit
		for j := 0; j < col.Len(); j++ {
			if col.IsNull(j) {
				continue
			}
			if t := col.Value(j).ToTime(unit); !t.Before(s.since) && t.Before(s.until) {
				s.rows++
			}
		}
	}
	return nil
}

func TestGenerated_WindowKeepsEveryRow(t *testing.T) {
	objs, truth := genData(t)
	f := func(since, until time.Time) {
		t.Helper()
		want := 0
		for m := since; m.Before(until); m = m.Add(time.Minute) {
			if c := truth.Minutes[m.Unix()]; c != nil {
				want += c.Requests
			}
		}
		rec := newRecorder()
		c := testClient(t, Options{Since: since, Until: until}, rec)
		selected, _, st, err := c.Objects(context.Background(), "s3://"+genBucket+"/")
		if err != nil {
			t.Fatal(err)
		}
		if len(selected) == 0 || len(selected) > len(objs)/4 {
			t.Errorf("%v–%v: selected %d of %d objects", since, until, len(selected), len(objs))
		}
		sinks, results, err := input.Scan(context.Background(), selected,
			input.ScanOptions{Decoders: []parser.Decoder{alb.Decoder{}}, Columns: map[parser.Format][]string{alb.Format: {alb.ColTime}}},
			func() input.Sink { return &windowSink{since: since, until: until} })
		if err != nil {
			t.Fatal(err)
		}
		got := 0
		for _, s := range sinks {
			got += s.(*windowSink).rows
		}
		for _, r := range results {
			if r.Err != nil {
				t.Error(r.Err)
			}
		}
		if got != want || want == 0 {
			t.Errorf("%v–%v: %d rows in the window read from S3, the generator wrote %d", since, until, got, want)
		}
		t.Logf("%s–%s: %d rows from %d of %d objects, %d listings", since.Format("15:04"), until.Format("15:04"), got, len(selected), len(objs), st.Requests)
	}
	f(time.Date(2026, 11, 20, 23, 50, 0, 0, time.UTC), time.Date(2026, 11, 21, 0, 10, 0, 0, time.UTC))
	f(time.Date(2026, 11, 20, 21, 0, 0, 0, time.UTC), time.Date(2026, 11, 20, 21, 30, 0, 0, time.UTC))
	f(time.Date(2026, 11, 21, 2, 30, 0, 0, time.UTC), time.Date(2026, 11, 21, 3, 0, 0, 0, time.UTC))
}
