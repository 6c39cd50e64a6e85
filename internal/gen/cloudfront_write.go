package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// CFTruth is what a correct analysis of the generated CloudFront rows must
// find. Classes has "000" beside "2xx".."5xx"; Status maps 000 to 0;
// Causes and Domains count the 5xx rows by taxonomy code; Context counts
// ContextClientAborted; POPs are keyed by edge location, Distributions by
// ID, Minutes by the minute's start in Unix seconds, ResultTypes by the
// printed x-edge-result-type and DetailedTypes by the printed
// x-edge-detailed-result-type. CacheHits counts requests answered from the
// cache (Hit, RefreshHit, Origin Shield, and cached errors), CacheMisses
// requests that needed the origin, including those that failed reaching it.
type CFTruth struct {
	Rows          int
	First, Last   time.Time
	Classes       map[string]int
	Status        map[int]int
	Causes        map[string]int
	Domains       map[string]int
	Context       map[string]int
	POPs          map[string]*Counts
	Distributions map[string]*Counts
	Minutes       map[int64]*Counts
	ResultTypes   map[string]*Counts
	DetailedTypes map[string]*Counts
	CacheHits     Counts
	CacheMisses   Counts
	Incidents     []IncidentWindow
}

func newCFTruth() *CFTruth {
	return &CFTruth{
		Classes: map[string]int{}, Status: map[int]int{}, Causes: map[string]int{}, Domains: map[string]int{},
		Context: map[string]int{}, POPs: map[string]*Counts{}, Distributions: map[string]*Counts{},
		Minutes: map[int64]*Counts{}, ResultTypes: map[string]*Counts{}, DetailedTypes: map[string]*Counts{},
	}
}

func (tr *CFTruth) add(g *cfGen, row *cfRow) {
	widen(&tr.First, &tr.Last, tr.Rows, time.Unix(row.t/1e6, 0).UTC())
	tr.Rows++
	if row.status == 0 {
		tr.Classes["000"]++
	} else {
		tr.Classes[classNames[row.status/100]]++
	}
	tr.Status[row.status]++
	is5 := row.status >= 500
	if is5 {
		tr.Causes[row.cause]++
		tr.Domains[CauseDomain(row.cause)]++
	}
	if row.context != "" {
		tr.Context[row.context]++
	}
	countsOf(tr.POPs, g.sc.POPs[row.pop]).add(is5, row.cause)
	countsOf(tr.Distributions, g.sc.Distributions[row.dist].ID).add(is5, row.cause)
	countsOf(tr.ResultTypes, row.rt).add(is5, row.cause)
	countsOf(tr.DetailedTypes, row.dt).add(is5, row.cause)
	switch {
	case row.cacheHit:
		tr.CacheHits.add(is5, row.cause)
	case row.cacheMiss:
		tr.CacheMisses.add(is5, row.cause)
	}
	minuteCounts(tr.Minutes, row.t).add(is5, row.cause)
}

func (tr *CFTruth) finish(g *cfGen) {
	for _, in := range g.incidents {
		w := IncidentWindow{Name: in.Name, Kind: in.Kind.String(), Cause: in.Kind.Cause(),
			Start: in.Start.UTC(), End: in.End.UTC(), POP: in.POP, Distribution: in.Distribution,
			Rows: in.affected}
		tr.Incidents = append(tr.Incidents, w)
	}
}

// CFHeader returns the two header lines of a legacy standard log file.
func CFHeader() string {
	return "#Version: 1.0\n#Fields: " + strings.Join(CFFields, " ") + "\n"
}

// CloudFrontTruthOf generates the scenario without writing it and returns
// its truth.
func CloudFrontTruthOf(sc *CFScenario) (*CFTruth, error) {
	g, err := newCFGen(sc)
	if err != nil {
		return nil, err
	}
	tr := newCFTruth()
	g.run(func(row *cfRow) { tr.add(g, row) })
	tr.finish(g)
	return tr, nil
}

// WriteCloudFront writes the scenario as one legacy standard log file (the
// two header lines, then every distribution's records in time order) and
// returns the truth.
func WriteCloudFront(w io.Writer, sc *CFScenario) (*CFTruth, error) {
	g, err := newCFGen(sc)
	if err != nil {
		return nil, err
	}
	f := &cfFormatter{g: g}
	tr := newCFTruth()
	if err := writeRows(w, []byte(CFHeader()), g.run, func(row *cfRow) { tr.add(g, row) }, f.appendRow); err != nil {
		return nil, fmt.Errorf("write CloudFront records: %w", err)
	}
	tr.finish(g)
	return tr, nil
}

// CloudFrontObjects lays the scenario out as S3 objects in the legacy
// layout: {Prefix/}{distribution}.{YYYY-MM-DD-HH}.{unique}.gz, ObjectsPerHour
// gzip objects per distribution and hour (hours without requests have
// none), each with its own header lines. The hour is when the requests
// happened. Objects come in hour order, then distribution order.
func CloudFrontObjects(sc *CFScenario) ([]Object, *CFTruth, error) {
	var objs []Object
	tr, err := cfObjects(sc, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return objs, tr, nil
}

// WriteCloudFrontObjects writes CloudFrontObjects under dir.
func WriteCloudFrontObjects(dir string, sc *CFScenario) (*CFTruth, error) {
	return cfObjects(sc, func(o Object) error { return writeObject(dir, o) })
}

func cfObjects(sc *CFScenario, put func(Object) error) (*CFTruth, error) {
	g, err := newCFGen(sc)
	if err != nil {
		return nil, err
	}
	c := g.sc
	names := rand.New(rand.NewPCG(splitmix(c.Seed^0xcf6e616d65), 13))
	prefix := c.Prefix
	if prefix != "" && prefix[len(prefix)-1] != '/' {
		prefix += "/"
	}
	k := c.ObjectsPerHour
	bufs := make([][]byte, len(c.Distributions)*k)
	f := &cfFormatter{g: g}
	tr := newCFTruth()
	cur := int64(-1 << 62)
	var perr error
	zw, _ := gzip.NewWriterLevel(io.Discard, gzip.BestSpeed)
	flush := func() {
		if perr != nil {
			return
		}
		hour := time.Unix(cur*3600, 0).UTC().Format("2006-01-02-15")
		for i, b := range bufs {
			if len(b) == 0 {
				continue
			}
			var u [13]byte
			for j := range u {
				u[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[names.IntN(36)]
			}
			key := prefix + c.Distributions[i/k].ID + "." + hour + "." + string(u[:]) + ".gz"
			var out bytes.Buffer
			zw.Reset(&out)
			io.WriteString(zw, CFHeader())
			zw.Write(b)
			if err := zw.Close(); err != nil {
				perr = err
				return
			}
			if err := put(Object{Key: key, Data: out.Bytes()}); err != nil {
				perr = err
				return
			}
			bufs[i] = b[:0]
		}
	}
	g.run(func(row *cfRow) {
		tr.add(g, row)
		h := row.t / 1e6 / 3600
		if h != cur {
			flush()
			cur = h
		}
		i := row.dist * k
		if k > 1 {
			i += names.IntN(k)
		}
		bufs[i] = f.appendRow(bufs[i], row)
	})
	flush()
	if perr != nil {
		return nil, perr
	}
	tr.finish(g)
	return tr, nil
}
