package clb

import (
	"bytes"
	"fmt"
	"path"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// classify applies the taxonomy's CLB table to a row of the triage
// columns, first match wins. It is what the cause of a 5xx is; a row
// without elb_status_code (a TCP or SSL connection) has none.
func classify(r map[string]any) string {
	elb, _ := r[ColELBStatusCode].(uint16)
	backend, answered := r[ColBackendStatusCode].(uint16)
	switch {
	case answered && backend == elb:
		return gen.CauseTargetHTTP5xx
	case answered:
		return gen.CauseTargetMalformedResponse
	case elb == 502 && r[ColBackendProcessingTime] != nil:
		return gen.CauseTargetMalformedResponse
	case elb == 502:
		return gen.CauseTargetConnectionError
	case elb == 504:
		return gen.CauseTargetTimeout
	case elb == 503 && r[ColBackendIP] == nil:
		return gen.CauseLBNoTargets
	case elb == 503:
		return gen.CauseTargetConnectionError
	}
	return gen.CauseLBInternal
}

// tally counts rows as gen.Counts does.
func tally(m map[string]*gen.Counts, k string, is5 bool, cause string) {
	c := m[k]
	if c == nil {
		c = &gen.Counts{}
		m[k] = c
	}
	c.Requests++
	if !is5 {
		return
	}
	c.Errors5xx++
	if c.Causes == nil {
		c.Causes, c.Domains = map[string]int{}, map[string]int{}
	}
	c.Causes[cause]++
	c.Domains[gen.CauseDomain(cause)]++
}

// TestGenerated reads a generated load balancer's objects, every cause
// and the three incidents of the CLB family among ordinary traffic and
// connections, and recounts from the rows what the generator's truth
// states: every line parses; the listeners, statuses and causes (by the
// CLB table on the parsed values) overall, and the requests, 5xx and
// causes per instance, node (from the object names) and minute.
func TestGenerated(t *testing.T) {
	start := time.Date(2026, 11, 20, 12, 50, 0, 0, time.UTC)
	end := start.Add(45 * time.Minute)
	sc := gen.SampleCLBIncident()
	sc.Interval = 5 * time.Minute
	sc.Incidents = append(sc.Incidents, gen.CLBNoHealthyInstance503(start.Add(30*time.Minute), start.Add(33*time.Minute)))
	sc.Incidents = append(sc.Incidents, gen.EveryCLBCause(start, end, 0.002)...)
	objs, tr, err := gen.CLBObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	var (
		rows, conns                 int
		listeners                   = map[string]int{}
		status                      = map[int]int{}
		causes                      = map[string]int{}
		instances, nodes, perMinute = map[string]*gen.Counts{}, map[string]*gen.Counts{}, map[string]*gen.Counts{}
	)
	for _, o := range objs[1:] {
		src, ok := Decoder{}.ParseName(path.Base(o.Key))
		if !ok {
			t.Fatalf("%s: name not claimed", o.Key)
		}
		src.Name = o.Key
		res := readertest.ReadAll(t, Decoder{}.NewReader, bytes.NewReader(o.Data), parser.Options{Columns: TriageColumns, Source: src})
		if len(res.Rejects) > 0 || res.Err != nil {
			t.Fatalf("%s: rejects %v, err %v", o.Key, res.Rejects, res.Err)
		}
		if res.Stats.MinTime.Before(src.End.Add(-sc.Interval)) || !res.Stats.MaxTime.Before(src.End) {
			t.Fatalf("%s: rows from %v to %v", o.Key, res.Stats.MinTime, res.Stats.MaxTime)
		}
		for _, r := range res.Rows {
			rows++
			listeners[r[ColListener].(string)]++
			elb, ok := r[ColELBStatusCode].(uint16)
			if !ok {
				conns++
				continue
			}
			status[int(elb)]++
			is5, cause := elb >= 500, ""
			if is5 {
				cause = classify(r)
				causes[cause]++
			}
			if ip, ok := r[ColBackendIP].(string); ok {
				tally(instances, fmt.Sprintf("%s:%d", ip, r[ColBackendPort]), is5, cause)
			}
			tally(nodes, src.NodeIP, is5, cause)
			tally(perMinute, r[ColTime].(string)[:16], is5, cause)
		}
	}
	eq := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	eq("rows, connections", []int{rows, conns}, []int{tr.Rows, tr.Connections})
	eq("listeners", listeners, tr.Listeners)
	eq("status", status, tr.Status)
	eq("causes", causes, tr.Causes)
	dump := func(m map[string]*gen.Counts) map[string]gen.Counts {
		o := map[string]gen.Counts{}
		for k, v := range m {
			o[k] = *v
		}
		return o
	}
	eq("instances", dump(instances), dump(tr.Instances))
	eq("nodes", dump(nodes), dump(tr.Nodes))
	minutes := map[string]*gen.Counts{}
	for m, c := range tr.Minutes {
		minutes[time.Unix(m, 0).UTC().Format("2006-01-02T15:04")] = c
	}
	eq("minutes", dump(perMinute), dump(minutes))
	if len(tr.Causes) != 6 || tr.Connections == 0 {
		t.Errorf("causes %v, %d connections: the scenario lacks some", tr.Causes, tr.Connections)
	}
}
