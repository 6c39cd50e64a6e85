package albconn

import (
	"bytes"
	"compress/gzip"
	"maps"
	"path"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
)

// TestGenerated reads the objects of a generated scenario as lbtriage
// would: the object names say which are connection logs and which access
// logs, every line parses, the counts equal the generator's truth, and the
// access lines join their connections by trace ID.
func TestGenerated(t *testing.T) {
	sc := gen.SamplePartnerTLSIncident()
	sc.ALB.Rows = 12000
	sc.Incidents = append(sc.Incidents, gen.ConnIncident{Name: "old clients", Reason: gen.ConnUnmappedError,
		Port: 443, Attempts: 30, Start: sc.ALB.Start, End: sc.ALB.End})
	objs, tr, albTr, err := gen.ConnObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	got := struct {
		conns, failed int
		reasons       map[string]int
		clients       map[string]int
		failedBy      map[string]int
		listeners     map[uint16]int
		nodes         map[string]int
		minutes       map[int64]int
	}{reasons: map[string]int{}, clients: map[string]int{}, failedBy: map[string]int{},
		listeners: map[uint16]int{}, nodes: map[string]int{}, minutes: map[int64]int{}}
	tids := map[string]bool{} // successful connections
	carried := map[string]int{}
	access := 0
	for _, o := range objs {
		base := path.Base(o.Key)
		connSrc, isConn := Decoder{}.ParseName(base)
		_, isAccess := alb.Decoder{}.ParseName(base)
		if base == "ELBAccessLogTestFile" {
			continue
		}
		if isConn == isAccess {
			t.Fatalf("%s: connection log %v, access log %v", base, isConn, isAccess)
		}
		zr, err := gzip.NewReader(bytes.NewReader(o.Data))
		if err != nil {
			t.Fatal(err)
		}
		text := new(bytes.Buffer)
		if _, err := text.ReadFrom(zr); err != nil {
			t.Fatal(err)
		}
		if n, lines := (Decoder{}).Sniff(text.Bytes()), bytes.Count(text.Bytes(), []byte{'\n'}); isConn != (n == lines) || n > 0 && !isConn {
			t.Fatalf("%s: Sniff %d of %d lines", base, n, lines)
		}
		if !isConn {
			res := readertest.ReadAll(t, alb.Decoder{}.NewReader, text, parser.Options{Columns: []string{alb.ColConnTraceID}})
			if res.Stats.Rejected != 0 {
				t.Fatalf("%s: %v", base, res.Rejects[0])
			}
			for _, r := range res.Rows {
				carried[r[alb.ColConnTraceID].(string)]++
			}
			access += len(res.Rows)
			continue
		}
		connSrc.Name = o.Key
		res := readAll(t, text, parser.Options{Source: connSrc, BatchSize: 500})
		if res.Stats.Rejected != 0 || res.Err != nil {
			t.Fatalf("%s: %v %v", base, res.Rejects, res.Err)
		}
		if res.Stats.MinTime.Before(connSrc.Start) || !res.Stats.MaxTime.Before(connSrc.End) {
			t.Fatalf("%s: rows from %s to %s", base, res.Stats.MinTime, res.Stats.MaxTime)
		}
		for _, r := range res.Rows {
			if r[ColNodeIP] != connSrc.NodeIP || r[ColELB] != connSrc.Resource {
				t.Fatalf("%s: row of node %v, %v", base, r[ColNodeIP], r[ColELB])
			}
			got.conns++
			client := r[ColClientIP].(string)
			got.clients[client]++
			got.listeners[r[ColListenerPort].(uint16)]++
			got.nodes[r[ColNodeIP].(string)]++
			ts, _ := time.Parse("2006-01-02T15:04:05.000000Z", r[ColTime].(string))
			got.minutes[ts.Truncate(time.Minute).Unix()]++
			if r[ColTLSVerifyStatus] == VerifyFailed {
				got.failed++
				got.reasons[r[ColTLSVerifyReason].(string)]++
				got.failedBy[client]++
				if r[ColTLSHandshakeLatency] != nil {
					t.Fatalf("%s: a failed handshake with a latency: %v", base, r)
				}
				continue
			}
			tids[r[ColConnTraceID].(string)] = true
		}
	}
	if got.conns != tr.Connections || got.failed != tr.Failed || !maps.Equal(got.reasons, tr.Reasons) {
		t.Fatalf("parsed %d connections, %d failed %v; truth %d, %d %v", got.conns, got.failed, got.reasons, tr.Connections, tr.Failed, tr.Reasons)
	}
	for k, c := range tr.Clients {
		if got.clients[k] != c.Connections || got.failedBy[k] != c.Failed {
			t.Fatalf("client %s: parsed %d, %d failed; truth %+v", k, got.clients[k], got.failedBy[k], c)
		}
	}
	for k, c := range tr.Listeners {
		if got.listeners[uint16(k)] != c.Connections {
			t.Fatalf("listener %d: parsed %d, truth %d", k, got.listeners[uint16(k)], c.Connections)
		}
	}
	for k, c := range tr.Nodes {
		if got.nodes[k] != c.Connections {
			t.Fatalf("node %s: parsed %d, truth %d", k, got.nodes[k], c.Connections)
		}
	}
	for k, c := range tr.Minutes {
		if got.minutes[k] != c.Connections {
			t.Fatalf("minute %s: parsed %d, truth %d", time.Unix(k, 0).UTC(), got.minutes[k], c.Connections)
		}
	}
	if len(got.clients) != len(tr.Clients) || len(got.minutes) != len(tr.Minutes) {
		t.Fatalf("parsed %d clients, %d minutes; truth %d, %d", len(got.clients), len(got.minutes), len(tr.Clients), len(tr.Minutes))
	}

	// Every access line joins a successful connection; the requests per
	// connection are the truth's.
	if access != albTr.Rows {
		t.Fatalf("parsed %d access lines, truth %d", access, albTr.Rows)
	}
	perConn := map[int]int{0: tr.Failed}
	for tid := range tids {
		perConn[carried[tid]]++
	}
	for tid := range carried {
		if !tids[tid] {
			t.Fatalf("access lines with %s, which no successful connection has", tid)
		}
	}
	if !maps.Equal(perConn, tr.RequestsPerConn) {
		t.Fatalf("requests per connection %v, truth %v", perConn, tr.RequestsPerConn)
	}
}
