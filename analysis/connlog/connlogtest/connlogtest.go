// Package connlogtest holds what the tests of the connection-level
// families share: the connections part of a report, and its check against
// a generator's truth.
package connlogtest

import (
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// Figures returns the connections part of a report.
func Figures(t testing.TB, rep *analysis.Report) *connlog.Figures {
	t.Helper()
	p := rep.Part(connlog.PartKey)
	if p == nil {
		t.Fatalf("the report has no %q part", connlog.PartKey)
	}
	f, ok := p.JSON.(*connlog.Figures)
	if !ok {
		t.Fatalf("the %q part holds a %T", connlog.PartKey, p.JSON)
	}
	return f
}

// Truth is what a generator says the connections part must hold. Map keys
// are as the part writes them (a listener's name, a node's address, a
// client's address); Minutes are keyed by the minute's start in Unix
// seconds and checked against a one-minute timeline.
type Truth struct {
	Connections, Failed int
	Reasons             map[string]int
	Clients             map[string]*gen.ConnCounts
	Listeners           map[string]*gen.ConnCounts
	Nodes               map[string]*gen.ConnCounts
	Minutes             map[int64]*gen.ConnCounts
}

// Check compares f with the truth, exactly: totals, reasons, and every
// client, listener, node and minute with its failures by reason. Clients
// without failures must be in f only when it lists them.
func Check(t testing.TB, f *connlog.Figures, want Truth) {
	t.Helper()
	if f.Total != int64(want.Connections) || f.Failed != int64(want.Failed) {
		t.Errorf("connections %d, failed %d; want %d, %d", f.Total, f.Failed, want.Connections, want.Failed)
	}
	eqReasons(t, "by_reason", f.ByReason, want.Reasons)
	var failing int64
	for _, c := range want.Clients {
		if c.Failed > 0 {
			failing++
		}
	}
	if f.FailingClients != failing || f.ClientsSeen != int64(len(want.Clients)) {
		t.Errorf("%d failing clients of %d, want %d of %d", f.FailingClients, f.ClientsSeen, failing, len(want.Clients))
	}
	seen := map[string]bool{}
	var conns, failed int64
	for _, c := range f.Clients {
		conns += c.Connections
		failed += c.Failed
		if c.Client == analysis.OtherKey {
			continue
		}
		w := want.Clients[c.Client]
		if w == nil {
			t.Errorf("client %s is not in the truth", c.Client)
			continue
		}
		seen[c.Client] = true
		check(t, "client "+c.Client, c.Connections, c.Failed, c.ByReason, w)
	}
	for name, w := range want.Clients {
		if w.Failed > 0 && !seen[name] {
			t.Errorf("failing client %s is not listed", name)
		}
	}
	if conns != f.Total || failed != f.Failed {
		t.Errorf("the client list sums to %d connections, %d failed; want %d, %d", conns, failed, f.Total, f.Failed)
	}
	entities(t, "listener", want.Listeners, len(f.Listeners), func(i int) (string, int64, int64, map[string]int64) {
		l := f.Listeners[i]
		return l.Listener, l.Connections, l.Failed, l.ByReason
	})
	entities(t, "node", want.Nodes, len(f.Nodes), func(i int) (string, int64, int64, map[string]int64) {
		n := f.Nodes[i]
		return n.Node, n.Connections, n.Failed, n.ByReason
	})
	if want.Minutes != nil {
		got := map[int64]*gen.ConnCounts{}
		for _, b := range f.Timeline {
			if b.Connections == 0 {
				continue
			}
			if b.Start.Unix()%60 != 0 {
				t.Fatalf("timeline bucket at %s is not a minute's", b.Start.RFC3339())
			}
			got[b.Start.Unix()] = &gen.ConnCounts{}
			check(t, "minute "+b.Start.RFC3339(), b.Connections, b.Failed, b.ByReason, want.Minutes[b.Start.Unix()])
		}
		if len(got) != len(want.Minutes) {
			t.Errorf("%d minutes with connections, want %d", len(got), len(want.Minutes))
		}
	}
}

func entities(t testing.TB, what string, want map[string]*gen.ConnCounts, n int, row func(int) (string, int64, int64, map[string]int64)) {
	t.Helper()
	if n != len(want) {
		t.Errorf("%d %ss, want %d", n, what, len(want))
	}
	for i := range n {
		name, conns, failed, byReason := row(i)
		check(t, what+" "+name, conns, failed, byReason, want[name])
	}
}

func check(t testing.TB, what string, conns, failed int64, byReason map[string]int64, w *gen.ConnCounts) {
	t.Helper()
	if w == nil {
		t.Errorf("%s is not in the truth", what)
		return
	}
	if conns != int64(w.Connections) || failed != int64(w.Failed) {
		t.Errorf("%s: %d connections, %d failed; want %d, %d", what, conns, failed, w.Connections, w.Failed)
	}
	eqReasons(t, what, byReason, w.Reasons)
}

func eqReasons(t testing.TB, what string, got map[string]int64, want map[string]int) {
	t.Helper()
	for k, w := range want {
		if got[k] != int64(w) {
			t.Errorf("%s[%s] = %d, want %d", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if g != 0 && want[k] == 0 {
			t.Errorf("%s[%s] = %d, want 0", what, k, g)
		}
	}
}
