package report

import (
	"bytes"
	"encoding/json"
	"io"
	"math"

	"github.com/lbtriage/lbtriage/analysis"
)

// renderJSON writes the JSON document: the report's keys, plus
// "comparison" last when a baseline was given (the contract allows added
// keys), indented by two spaces.
func renderJSON(w io.Writer, rep *analysis.Report, cmp *Comparison) error {
	b, err := json.Marshal(normalized(rep))
	if err != nil {
		return err
	}
	if cmp != nil {
		c, err := json.Marshal(cmp)
		if err != nil {
			return err
		}
		b = append(append(append(b[:len(b)-1], `,"comparison":`...), c...), '}')
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = w.Write(out.Bytes())
	return err
}

// normalized returns a copy of rep fit for the JSON contract: nil maps and
// slices become {} and [], non-finite floats become 0, and with no 5xx the
// primary domain and cause are null. rep itself is not modified.
func normalized(rep *analysis.Report) *analysis.Report {
	r := *rep
	if r.SchemaVersion == 0 {
		r.SchemaVersion = analysis.SchemaVersion
	}
	r.Inputs.Skipped = nonNil(r.Inputs.Skipped)
	r.Inputs.Failed = nonNil(r.Inputs.Failed)
	r.Lines.RejectedSamples = nonNil(r.Lines.RejectedSamples)
	r.StatusClasses = nonNilMap(r.StatusClasses)
	r.Errors.ByDomain = nonNilMap(r.Errors.ByDomain)
	r.Errors.ByCause = nonNilMap(r.Errors.ByCause)
	r.Context = nonNilMap(r.Context)

	r.Targets = make([]analysis.Target, len(rep.Targets))
	for i, t := range rep.Targets {
		t.ByCause = nonNilMap(t.ByCause)
		t.LatencyMs = finiteLatency(t.LatencyMs)
		r.Targets[i] = t
	}
	r.Nodes = make([]analysis.Node, len(rep.Nodes))
	for i, n := range rep.Nodes {
		n.Share = finiteOr0(n.Share)
		r.Nodes[i] = n
	}
	r.Subnets = make([]analysis.Subnet, len(rep.Subnets))
	for i, s := range rep.Subnets {
		s.ByCause = nonNilMap(s.ByCause)
		r.Subnets[i] = s
	}
	r.Paths = nonNil(r.Paths)
	r.Clients = nonNil(r.Clients)
	r.Timeline = make([]analysis.Bucket, len(rep.Timeline))
	for i, b := range rep.Timeline {
		b.ByDomain = nonNilMap(b.ByDomain)
		r.Timeline[i] = b
	}
	v := rep.Verdict
	v.Hints = nonNil(v.Hints)
	v.Findings = nonNil(v.Findings)
	v.Share = finiteOr0(v.Share)
	if r.Errors.Total5xx == 0 {
		v.PrimaryCause = nil
		v.PrimaryDomain = nil
		v.Share = 0
	}
	if w := rep.Verdict.Window; w != nil {
		c := *w
		c.Rate = finiteOr0(c.Rate)
		c.BaselineRate = finiteOr0(c.BaselineRate)
		v.Window = &c
	}
	r.Verdict = v
	return &r
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func nonNilMap[V any](m map[string]V) map[string]V {
	if m == nil {
		return map[string]V{}
	}
	return m
}

func finiteOr0(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

func finiteLatency(l analysis.Latency) analysis.Latency {
	return analysis.Latency{P50: finiteOr0(l.P50), P95: finiteOr0(l.P95), P99: finiteOr0(l.P99)}
}
