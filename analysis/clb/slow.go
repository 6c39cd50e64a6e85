package clb

import (
	"cmp"
	"fmt"
	"math"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// suspectShare: an instance answering at least this share of the slow
// requests of the minutes with timeouts is the one named for them.
const suspectShare = 0.8

// slowRow is one instance's slow requests in the minutes with timeouts.
type slowRow struct {
	name  string
	n     int64 // requests answered in slowEdges[edge] s or more
	maxMs float64
}

// slowView is what the slow requests say about the target.timeout 5xx,
// which a Classic log writes without their instance: in their minutes
// (causeMinutes), which instances answered requests slowly, and whether
// one stands out. Its figures are sums and maxima of the state's, and its
// rows are sorted, so it does not depend on the order rows were read in.
type slowView struct {
	timeouts      int64
	first, last   int64 // the first and last bucket compared
	minutes       int   // buckets compared
	edge          int   // slowEdges[edge] is the threshold of rows
	rows          []slowRow
	suspect       bool // rows[0] stands out
	othersSlow    int64
	otherInstance int // instances of the report other than rows[0]
}

// slowness works out the slowView of state s of report r (nil when the
// report has no timeouts).
func slowness(s *state, r *analysis.Report, bucketUS int64) *slowView {
	if len(s.timeouts) == 0 {
		return nil
	}
	v := &slowView{}
	for _, n := range s.timeouts {
		v.timeouts += n
	}
	in, first, last := causeMinutes(r, bucketUS, s.timeouts)
	v.first, v.last, v.minutes = first, last, len(in)
	// Cumulative counts per instance over the buckets with timeouts: at
	// index k, the requests answered in slowEdges[k] s or more.
	cum := make([][numSlowBins]int64, len(s.insts))
	maxMs := make([]float64, len(s.insts))
	for k, g := range s.slow {
		if !in[k.bucket] {
			continue
		}
		c := &cum[k.inst]
		for j := range g.bins {
			c[j] += g.bins[j]
		}
		maxMs[k.inst] = max(maxMs[k.inst], g.maxMs)
	}
	for i := range cum {
		for j := numSlowBins - 2; j >= 0; j-- {
			cum[i][j] += cum[i][j+1]
		}
	}
	names := make([]string, len(s.insts))
	for i, k := range s.insts {
		names[i] = instName(k)
	}
	// The threshold at which one instance answers the largest share of
	// the slow requests, at least suspectShare of them and
	// MinFindingErrors; ties go to the lower threshold, which counts more.
	// Lower thresholds count the paths that are slow everywhere.
	best := 0.0
	for e := range numSlowBins {
		var total int64
		top := -1
		for i := range cum {
			total += cum[i][e]
			if cum[i][e] > 0 && (top < 0 || cum[i][e] > cum[top][e] || cum[i][e] == cum[top][e] && names[i] < names[top]) {
				top = i
			}
		}
		if total == 0 {
			break
		}
		share := float64(cum[top][e]) / float64(total)
		if cum[top][e] >= analysis.MinFindingErrors && share >= suspectShare && share > best {
			best, v.edge, v.suspect = share, e, true
			v.othersSlow = total - cum[top][e]
		}
	}
	for i := range cum {
		if n := cum[i][v.edge]; n > 0 {
			v.rows = append(v.rows, slowRow{name: names[i], n: n, maxMs: maxMs[i]})
		}
	}
	slices.SortFunc(v.rows, func(a, b slowRow) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	v.otherInstance = len(r.Targets) - 1
	return v
}

// causeMinutes returns the buckets in which to look at a cause counted per
// bucket in perBucket: those of the window where its rate stands out in
// r's timeline (analysis.FindWindow), else every bucket that has it; first
// and last bound them.
func causeMinutes(r *analysis.Report, bucketUS int64, perBucket map[int64]int64) (in map[int64]bool, first, last int64) {
	tl := make([]analysis.Bucket, len(r.Timeline))
	for i, b := range r.Timeline {
		tl[i] = analysis.Bucket{Start: b.Start, Requests: b.Requests, Errors5xx: perBucket[bucketOf(b.Start, bucketUS)]}
	}
	in = map[int64]bool{}
	if w := analysis.FindWindow(tl); w != nil {
		for _, b := range tl {
			if !b.Start.Before(w.Start.Time) && b.Start.Before(w.End.Time) {
				in[bucketOf(b.Start, bucketUS)] = true
			}
		}
	}
	if len(in) == 0 {
		for b := range perBucket {
			in[b] = true
		}
	}
	first, last = math.MaxInt64, math.MinInt64
	for b := range in {
		first, last = min(first, b), max(last, b)
	}
	return in, first, last
}

// bucketOf returns the index of the bucket starting at t.
func bucketOf(t analysis.Time, bucketUS int64) int64 {
	return analysis.FloorDiv(t.UnixMicro(), bucketUS)
}

// instName is "ip:port", with brackets around an IPv6 address, as the
// report names targets.
func instName(k instKey) string {
	return net.JoinHostPort(k.ip, strconv.Itoa(int(k.port)))
}

// seconds writes a threshold in seconds ("20 s").
func seconds(s float64) string { return fmt.Sprintf("%g s", s) }

// span writes the minutes from bucket first to the end of bucket last as
// the verdict writes spans ("13:05 to 13:20 UTC on 2026-11-20").
func span(first, last, bucketUS int64) string {
	return analysis.SpanText(analysis.UnixMicro(first*bucketUS), analysis.UnixMicro((last+1)*bucketUS))
}
