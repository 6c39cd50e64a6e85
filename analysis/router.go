package analysis

import (
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Subject is what one report is about: one load balancer, or everything a
// family read. The family's Consumer tells each row's subject; rows of the
// same Resource from any object go to the same report.
type Subject struct {
	// Resource identifies the subject: a load balancer's resource ID as its
	// logs write it ("app/my-lb/50dc6c495c0c9188"), or "" for one report of
	// everything the family read.
	Resource string
	// Name is what people call it ("my-lb"); "" when Resource is "".
	Name string
}

// Router is an input.Sink for inputs of any family: it hands each batch to
// its family's Consumer, which adds each row to the Aggregator of its
// subject, so that every family and every subject is reported on its own
// (BuildReports). Give each worker its own (Registry.NewRouter).
type Router struct {
	reg       *Registry
	opts      Options
	consumers map[parser.Format]Consumer
	aggs      map[subjectKey]*Aggregator
	to        Subjects // reused for every batch
}

type subjectKey struct {
	format   parser.Format
	resource string
}

// NewRouter returns an empty Router whose Aggregators use opts.
func (r *Registry) NewRouter(opts Options) *Router {
	return &Router{reg: r, opts: opts.WithDefaults(), consumers: map[parser.Format]Consumer{}, aggs: map[subjectKey]*Aggregator{}}
}

// Consume hands one batch of the given format to its family's Consumer.
func (r *Router) Consume(src parser.Source, format parser.Format, rec arrow.RecordBatch) error {
	c := r.consumers[format]
	if c == nil {
		f := r.reg.Family(format)
		if f == nil {
			name := string(format)
			if format == parser.FormatUnknown {
				name = "unrecognised"
			}
			return fmt.Errorf("analyze %s logs: not supported by this build", name)
		}
		c = f.NewConsumer()
		r.consumers[format] = c
	}
	to := &r.to
	to.r, to.format, to.src = r, format, src
	err := c.Consume(src, rec, to)
	to.done()
	return err
}

// Subjects gives a Consumer the Aggregator of each subject of the batch it
// reads.
type Subjects struct {
	r       *Router
	format  parser.Format
	src     parser.Source
	only    *Aggregator // set by Aggregator.Consume: every row goes there
	touched []touched
}

// touched is an Aggregator the batch handed rows to, with its count
// before the batch.
type touched struct {
	a      *Aggregator
	handed int64
}

// Subject returns the Aggregator of subject s, creating it, or nil when
// the run leaves s out (Options.LoadBalancer names another load balancer):
// the caller then drops the row. A consumer calls it when a row's subject
// differs from the previous row's; the Aggregator stays valid for the rest
// of the batch.
func (s *Subjects) Subject(sub Subject) *Aggregator {
	var a *Aggregator
	if s.only != nil {
		a = s.only
	} else {
		if lb := s.r.opts.LoadBalancer; lb != "" && sub.Resource != "" && lb != sub.Resource && lb != sub.Name {
			return nil
		}
		k := subjectKey{format: s.format, resource: sub.Resource}
		a = s.r.aggs[k]
		if a == nil {
			sub.Resource, sub.Name = strings.Clone(sub.Resource), strings.Clone(sub.Name)
			k.resource = sub.Resource
			a = New(s.r.reg.Family(s.format), s.r.opts)
			a.subject = sub
			s.r.aggs[k] = a
		}
	}
	for _, t := range s.touched {
		if t.a == a {
			return a
		}
	}
	s.touched = append(s.touched, touched{a: a, handed: a.handed})
	if src := s.src; src.Resource == "" || src.Resource == sub.Resource {
		// The object's name tells where the subject lives.
		a.account = minNonEmpty(a.account, src.Account)
		a.region = minNonEmpty(a.region, src.Region)
	}
	return a
}

// done credits each touched Aggregator's new rows to the batch's object.
func (s *Subjects) done() {
	name := s.src.Name
	for _, t := range s.touched {
		if n := t.a.handed - t.handed; n > 0 {
			if _, ok := t.a.objects[name]; !ok {
				t.a.objects[strings.Clone(name)] = 0
			}
			t.a.objects[name] += n
		}
	}
	s.touched = s.touched[:0]
}

// mergeRouters merges the Routers among sinks into one Aggregator per
// family and subject, and returns the Routers' Options. Sinks that are
// not *Router are ignored.
func mergeRouters[S any](sinks []S) (map[subjectKey]*Aggregator, Options) {
	out := map[subjectKey]*Aggregator{}
	var opts Options
	for _, s := range sinks {
		r, ok := any(s).(*Router)
		if !ok || r == nil {
			continue
		}
		opts = r.opts
		for k, a := range r.aggs {
			m := out[k]
			if m == nil {
				m = New(a.fam, r.opts)
				out[k] = m
			}
			m.Merge(a)
		}
	}
	return out, opts
}
