package main

import (
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/lake"
)

// lakeDerivers gives the lake each family's derived columns, from the
// family itself (analysis.Deriver): the lake names no family.
func lakeDerivers(f parser.Format) lake.Deriver {
	fam := families.Family(f)
	d, ok := fam.(analysis.Deriver)
	if !ok {
		return nil
	}
	return &familyDeriver{tax: fam.Taxonomy(), rd: d.NewRowDeriver()}
}

// familyDeriver turns what a family derives of its rows into the lake's
// derived columns: cause and domain from the taxonomy, the duration, and
// the target's subnet as reports count it.
type familyDeriver struct {
	tax     *analysis.Taxonomy
	rd      analysis.RowDeriver
	d       analysis.Derived
	subnets map[string]string // target address → subnet, for the object
}

func (k *familyDeriver) Derive(rec arrow.RecordBatch, mem memory.Allocator) ([]arrow.Array, error) {
	if err := k.rd.Derive(rec, &k.d); err != nil {
		return nil, err
	}
	if k.subnets == nil {
		k.subnets = map[string]string{}
	}
	n := int(rec.NumRows())
	cause, domain := array.NewStringBuilder(mem), array.NewStringBuilder(mem)
	dur, subnet := array.NewFloat64Builder(mem), array.NewStringBuilder(mem)
	defer func() { cause.Release(); domain.Release(); dur.Release(); subnet.Release() }()
	cause.Reserve(n)
	domain.Reserve(n)
	dur.Reserve(n)
	subnet.Reserve(n)
	for i := range n {
		if id := k.d.Causes[i]; id != 0 {
			c := k.tax.Cause(id)
			cause.Append(c.Code)
			domain.Append(c.Domain)
		} else {
			cause.AppendNull()
			domain.AppendNull()
		}
		if v := k.d.Durations[i]; math.IsNaN(v) {
			dur.AppendNull()
		} else {
			dur.Append(v)
		}
		if t := k.d.Targets[i]; t != "" {
			s, ok := k.subnets[t]
			if !ok {
				s = analysis.SubnetOf(t)
				k.subnets[string([]byte(t))] = s
			}
			subnet.Append(s)
		} else {
			subnet.AppendNull()
		}
	}
	return []arrow.Array{cause.NewArray(), domain.NewArray(), dur.NewArray(), subnet.NewArray()}, nil
}
