package gen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// healthLogPrefix starts the file name of a health-check log object.
const healthLogPrefix = "health_check_log_"

// HealthTruthOf generates the scenario's checks without writing them and
// returns their truth.
func HealthTruthOf(hs *HealthScenario) (*HealthTruth, error) {
	g, err := newHealthGen(hs)
	if err != nil {
		return nil, err
	}
	tb := newHealthTruth(g)
	g.run(tb.add)
	return tb.finish(), nil
}

// WriteHealth writes the scenario's checks to w as plain log lines in time
// order (all nodes interleaved, as after concatenating the objects and
// sorting) and returns the truth.
func WriteHealth(w io.Writer, hs *HealthScenario) (*HealthTruth, error) {
	g, err := newHealthGen(hs)
	if err != nil {
		return nil, err
	}
	f := &albFormatter{}
	tb := newHealthTruth(g)
	format := func(dst []byte, c *check) []byte { return g.appendCheck(dst, f, c) }
	if err := writeRows(w, nil, g.run, tb.add, format); err != nil {
		return nil, fmt.Errorf("write health-check lines: %w", err)
	}
	return tb.finish(), nil
}

// HealthObjects lays the scenario's checks out as S3 objects in the AWS key
// layout: one gzip object per node per 5-minute interval holding the checks
// that node ran in it, named as the access logs of the same load balancer
// with the prefix "health_check_log_":
//
//	{Prefix/}AWSLogs/{account}/elasticloadbalancing/{region}/{yyyy}/{mm}/{dd}/
//	health_check_log_{account}_elasticloadbalancing_{region}_app.{lb-name}.{lb-id}_{YYYYMMDDThhmmZ}_{node-ip}_{random}.log.gz
//
// where the time is the interval's end and the date folder the delivery
// date (interval end + DeliveryDelay). Objects come in node order within an
// interval, intervals in time order.
func HealthObjects(hs *HealthScenario) ([]Object, *HealthTruth, error) {
	var objs []Object
	tr, err := healthObjects(hs, func(o Object) error {
		objs = append(objs, o)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return objs, tr, nil
}

// WriteHealthObjects writes HealthObjects under dir, creating folders as
// needed.
func WriteHealthObjects(dir string, hs *HealthScenario) (*HealthTruth, error) {
	return healthObjects(hs, func(o Object) error { return writeObject(dir, o) })
}

func healthObjects(hs *HealthScenario, put func(Object) error) (*HealthTruth, error) {
	g, err := newHealthGen(hs)
	if err != nil {
		return nil, err
	}
	names := rand.New(rand.NewPCG(splitmix(g.hs.Seed^0x6e616d65), 13))
	f := &albFormatter{}
	tb := newHealthTruth(g)
	objs := newNodeObjects(g.alb.objectLayout(healthLogPrefix), names, put)
	g.run(func(c *check) {
		tb.add(c)
		if b := objs.buf(c.t, c.node); b != nil {
			*b = g.appendCheck(*b, f, c)
		}
	})
	if err := objs.close(); err != nil {
		return nil, err
	}
	return tb.finish(), nil
}

// StoryObjects returns the objects of one load balancer's access and
// health-check logs: ALBObjects of hs.ALB followed by HealthObjects of hs,
// with the truth of each.
func StoryObjects(hs *HealthScenario) ([]Object, *ALBTruth, *HealthTruth, error) {
	if hs.ALB == nil {
		return nil, nil, nil, fmt.Errorf("gen: health scenario needs its ALB scenario")
	}
	access, at, err := ALBObjects(hs.ALB)
	if err != nil {
		return nil, nil, nil, err
	}
	health, ht, err := HealthObjects(hs)
	if err != nil {
		return nil, nil, nil, err
	}
	return append(access, health...), at, ht, nil
}

// SampleHealthIncident returns the demo's health-check scenario on top of
// its own ALB scenario: 45 minutes (12:50–13:35 UTC on 2026-11-20) of the
// same load balancer as SampleIncident (shop-prod-alb, three nodes, nine
// targets 10.0.{1,2,3}.x:8080 in target group shop-web-tg, behind AWS
// WAF), about 30,000 requests, and every node checking every target every
// 30 s (2,430 checks).
//
// What happens: at 13:10 a release changes the application's health
// endpoint to answer 299; the target group's matcher expects 200. From then
// on every check of every target fails with ResponseCodeMismatch and status
// code 299 (1,350 checks); each node takes every target out at its second
// failed check, within a minute, and from then on has no healthy target
// left, so the load balancer fails open: it keeps routing to every target,
// which answer requests normally. The access logs hold nothing but a
// handful of client.bad_request (501/505).
//
// A correct report concludes: every target fails its health check since
// 13:10 because it answers 299 where the matcher expects 200 (a
// configuration mismatch, not a sick fleet); the load balancer has failed
// open since about 13:11, to the end of the logs; the access logs look
// normal. StoryObjects(SampleHealthIncident()) gives the objects of both
// logs and their truths.
func SampleHealthIncident() *HealthScenario {
	alb := SampleIncident() // the same load balancer, its nodes and targets
	alb.Seed = 20261121
	alb.Incidents = []ALBIncident{
		{Name: "clients sending unsupported requests", Kind: ALBBadRequest, Start: alb.Start, End: alb.End, Rate: 0.0003},
	}
	return &HealthScenario{
		ALB:       alb,
		Incidents: []HealthIncident{MatcherMismatch(time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC), alb.End, 299)},
	}
}
