package albhealth

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/albhealth"
)

// replay is the threshold rules applied check by check, in order: the
// reference the pieces must agree with.
func replay(times []int64, fails []bool, th thresholds) []span {
	var out []span
	healthy, since := true, int64(0)
	var nf, np int64
	for i, t := range times {
		if fails[i] {
			nf, np = nf+1, 0
			if healthy && nf >= th.unhealthy {
				healthy, since = false, t
			}
		} else {
			np, nf = np+1, 0
			if !healthy && np >= th.healthy {
				healthy = true
				out = append(out, span{since, t})
			}
		}
	}
	if !healthy {
		out = append(out, span{since, openEnd})
	}
	return out
}

// TestView_Pieces: a series cut into pieces anywhere, the pieces in any
// order, gives the windows the check-by-check rules give.
func TestView_Pieces(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		th := thresholds{unhealthy: 1 + r.Int64N(maxThreshold), healthy: 1 + r.Int64N(maxThreshold)}
		if iter%3 == 0 {
			th = thresholds{DefaultUnhealthyThreshold, DefaultHealthyThreshold}
		}
		n := 1 + r.IntN(80)
		// Runs of random lengths, so that thresholds are crossed and not.
		var fails []bool
		for len(fails) < n {
			f, k := r.IntN(2) == 0, 1+r.IntN(12)
			for range k {
				fails = append(fails, f)
			}
		}
		fails = fails[:n]
		times := make([]int64, n)
		for i := range times {
			times[i] = int64(i) * 30e6
		}
		want := replay(times, fails, th)

		var pieces []piece
		for i := 0; i < n; {
			k := 1 + r.IntN(n-i)
			if r.IntN(3) == 0 {
				k = 1
			}
			var p piece
			for j := i; j < i+k; j++ {
				p.add(times[j], fails[j], th)
			}
			pieces = append(pieces, p)
			i += k
		}
		r.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })
		got := view(pieces, th)
		if !slices.Equal(got, want) {
			t.Fatalf("thresholds %+v, %d pieces, fails %v:\n got %v\nwant %v", th, len(pieces), fails, got, want)
		}
	}
}

// TestPiece_Size: a piece keeps the same few fields however many checks
// it sums up, and one event per change of the view.
func TestPiece_Size(t *testing.T) {
	th := thresholds{DefaultUnhealthyThreshold, DefaultHealthyThreshold}
	var p piece
	for i := range 100_000 {
		p.add(int64(i), i%100 >= 90, th) // 10 failures every 100 checks
	}
	if len(p.events) != 2*1000-1 { // out and back each time but the first run's, which is the lead
		t.Fatalf("%d events", len(p.events))
	}
	var q piece
	for i := range 100_000 {
		q.add(int64(i), i%2 == 0, th) // alternating: never a run of 2
	}
	if len(q.events) != 0 || q.n != 100_000 {
		t.Fatalf("alternating checks: %d events, %d checks", len(q.events), q.n)
	}
}

// TestDecoder_ReadWhole holds the health-check decoder to no
// parser.Splitter: the pieces of a series are stretches of one object's
// consecutive checks, which blocks of an object parsed by different
// workers would break (a worker's blocks 1 and 3 joined across block 2).
func TestDecoder_ReadWhole(t *testing.T) {
	if _, ok := parser.Decoder(albhealth.Decoder{}).(parser.Splitter); ok {
		t.Fatal("the health-check decoder is a parser.Splitter: its objects would be read in blocks, which the pieces of a series do not allow")
	}
}
