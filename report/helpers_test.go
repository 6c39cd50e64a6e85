package report

import (
	"fmt"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
)

func ptr[T any](v T) *T { return &v }

// at parses an RFC 3339 time for the fixtures.
func at(s string) analysis.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return analysis.TimeOf(t)
}

// incidentReport builds the report of a realistic ALB incident: 45
// one-minute buckets from 13:00 UTC, a burst of 502s
// (target.connection_error) from 13:05 to 13:20 on the three targets of
// subnet 10.0.2.0/24, a little background of other causes, three load
// balancer nodes, paths and clients. Deterministic.
func incidentReport() *analysis.Report {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	ts := func(min int) analysis.Time { return analysis.TimeOf(start.Add(time.Duration(min) * time.Minute)) }
	rep := &analysis.Report{
		SchemaVersion: analysis.SchemaVersion,
		Format:        "alb",
		Taxonomy:      testLB,
		Inputs: analysis.Inputs{
			Objects: 36, BytesRead: 48_213_775,
			Skipped: []analysis.Skipped{{Source: "s3://acme-logs/AWSLogs/123456789012/ELBAccessLogTestFile", Reason: "test file written when logging was enabled"}},
			Failed:  []analysis.Failed{},
			Formats: map[string]int64{"alb": 36},
		},
		TimeRange:     analysis.TimeRange{First: ts(0), Last: at("2026-11-20T13:44:59Z")},
		BucketSeconds: 60,
		Context:       map[string]int64{"460": 212, "400": 31, "408": 7},
	}
	// Timeline.
	var total, t5, lb5 int64
	for m := range 45 {
		req := int64(2400 + 37*(m%7) + 11*(m%5))
		b := analysis.Bucket{Start: ts(m), Requests: req, ByDomain: map[string]int64{}}
		tgt := int64(m % 3) // background target.http_5xx
		if m >= 5 && m < 20 {
			// The burst: ramps up, plateaus, ramps down.
			tgt += []int64{40, 95, 160, 210, 240, 250, 245, 238, 230, 220, 190, 150, 110, 70, 30}[m-5]
		}
		lb := int64(0)
		if m%11 == 4 {
			lb = 2
		}
		b.ByDomain["target"] = tgt
		if lb > 0 {
			b.ByDomain["load_balancer"] = lb
		}
		b.Errors5xx = tgt + lb
		total += req
		t5 += tgt
		lb5 += lb
		rep.Timeline = append(rep.Timeline, b)
	}
	background := int64(45) // target.http_5xx: m%3 over 45 minutes
	burst := t5 - background
	rep.Requests = total
	rep.Errors = analysis.Errors{
		Total5xx: t5 + lb5,
		ByDomain: map[string]int64{"target": t5, "load_balancer": lb5},
		ByCause: map[string]int64{
			"target.connection_error": burst - 40,
			"target.timeout":          40,
			"target.http_5xx":         background,
			"lb.internal":             lb5,
		},
	}
	rep.StatusClasses = map[string]int64{"2xx": total - t5 - lb5 - 1500 - 250, "3xx": 1500, "4xx": 250, "5xx": t5 + lb5}
	rep.Lines = analysis.Lines{
		Read: total + 3 + 36, Parsed: total + 3, Rejected: 3, Comments: 36,
		RejectedSamples: []analysis.RejectedSample{
			{Source: "s3://acme-logs/AWSLogs/123456789012/elasticloadbalancing/us-east-1/2026/11/20/123456789012_elasticloadbalancing_us-east-1_app.web.50dc6c495c0c9188_20261120T1305Z_10.0.1.17_3k2h1.log.gz", Line: 1841, Reason: "13 fields, want at least 29", Snippet: "https 2026-11-20T13:05:12.000000Z app/web/50dc6c495c0c9188 198.51.100.7:51234"},
			{Source: "s3://acme-logs/.../20261120T1310Z_10.0.3.22_9xk1.log.gz", Line: 77, Reason: "bad time field", Snippet: "h2 2026-13-40T99:99:99Z app/web/50dc…"},
		},
	}
	// Targets: three in the failing subnet, three healthy ones.
	failing := []string{"10.0.2.11:8080", "10.0.2.27:8080", "10.0.2.45:8080"}
	healthy := []string{"10.0.1.12:8080", "10.0.1.38:8080", "10.0.3.9:8080"}
	share := []int64{burst - 40 - 2*((burst-40)/3), (burst - 40) / 3, (burst - 40) / 3}
	for i, tgt := range failing {
		req := total / 6
		rep.Targets = append(rep.Targets, analysis.Target{
			Target: tgt, Subnet: "10.0.2.0/24", Requests: req, Errors5xx: share[i] + []int64{20, 12, 8}[i] + []int64{15, 15, 15}[i],
			ByCause:   map[string]int64{"target.connection_error": share[i], "target.timeout": []int64{20, 12, 8}[i], "target.http_5xx": 15},
			LatencyMs: analysis.Latency{P50: 41.2 + float64(i), P95: 388 + 20*float64(i), P99: 6020 + 150*float64(i)},
			First5xx:  ts(5), Last5xx: at("2026-11-20T13:19:48Z"),
		})
	}
	for i, tgt := range healthy {
		sub := "10.0.1.0/24"
		if i == 2 {
			sub = "10.0.3.0/24"
		}
		rep.Targets = append(rep.Targets, analysis.Target{
			Target: tgt, Subnet: sub, Requests: total/6 + int64(i), ByCause: map[string]int64{},
			LatencyMs: analysis.Latency{P50: 38.5 + float64(i), P95: 120 + 5*float64(i), P99: 310 + 12*float64(i)},
		})
	}
	var subErr int64
	for _, tg := range rep.Targets[:3] {
		subErr += tg.Errors5xx
	}
	rep.Subnets = []analysis.Subnet{
		{Subnet: "10.0.2.0/24", Targets: 3, Requests: 3 * (total / 6), Errors5xx: subErr, ByCause: map[string]int64{"target.connection_error": burst - 40, "target.timeout": 40, "target.http_5xx": background}},
		{Subnet: "10.0.1.0/24", Targets: 2, Requests: 2*(total/6) + 1, ByCause: map[string]int64{}},
		{Subnet: "10.0.3.0/24", Targets: 1, Requests: total/6 + 2, ByCause: map[string]int64{}},
	}
	rep.Nodes = []analysis.Node{
		{Node: "10.0.1.17", Requests: total * 34 / 100, Errors5xx: (t5 + lb5) * 34 / 100, Share: 0.34},
		{Node: "10.0.2.200", Requests: total * 33 / 100, Errors5xx: (t5 + lb5) * 33 / 100, Share: 0.33},
		{Node: "10.0.3.22", Requests: total - total*67/100, Errors5xx: (t5 + lb5) - (t5+lb5)*67/100, Share: 0.33},
	}
	paths := []string{"/api/v1/checkout", "/api/v1/cart", "/", "/static/app.js", "/api/v1/search", "/healthz", "/api/v1/users/me"}
	for i, p := range paths {
		rep.Paths = append(rep.Paths, analysis.Path{Path: p, Requests: total / int64(3+i), Errors5xx: (t5 + lb5) / int64(4+2*i)})
	}
	for i := range 8 {
		rep.Clients = append(rep.Clients, analysis.Client{Client: fmt.Sprintf("198.51.100.%d", 7+13*i), Requests: total / int64(10+i), Errors5xx: (t5 + lb5) / int64(12+3*i)})
	}
	rep.Verdict = analysis.Verdict{
		Fault:         true,
		PrimaryDomain: ptr("target"),
		PrimaryCause:  ptr("target.connection_error"),
		Share:         float64(burst-40) / float64(t5+lb5),
		Summary:       "The targets in 10.0.2.0/24 refused or reset connections from 13:05 to 13:20 UTC: the load balancer is not at fault. Check those three instances first.",
		Hints: []string{
			"The target's keep-alive timeout must exceed the load balancer's idle timeout (60 s by default); otherwise it closes connections the load balancer is about to reuse.",
			"Check worker and connection limits on the targets (Apache MaxRequestWorkers, MaxKeepAliveRequests; nginx worker_connections).",
			"Capture with tcpdump on one target to see who sends the RST; check ephemeral-port exhaustion with ss -s.",
		},
		Findings: []string{
			"98% of target.connection_error come from the 3 targets of subnet 10.0.2.0/24; the other subnets have none.",
			"All three load balancer nodes see the same 5xx rate: the nodes are not the cause.",
		},
		Window: &analysis.Window{Start: ts(5), End: ts(20), Rate: 0.0761, BaselineRate: 0.0008},
	}
	return rep
}

// Hostile strings that must come out inert in every format.
const (
	hostileScript = `<script>document.title='PWN'+'ED';document.body.appendChild(document.createElement('xss'+'marker'))</script>`
	hostileImg    = `"><img src=x onerror="document.body.appendChild(document.createElement('xss'+'marker'))">`
	hostileJSURL  = `javascript:alert(1)`
	hostileOSC8   = "\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\"
	hostileClear  = "\x1b[2J"
	hostileRed    = "\x1b[31m"
	hostileLink   = `=HYPERLINK("http://evil","x")`
	hostileCmd    = `+cmd|' /C calc'!A0`
	hostileSum    = `@SUM(1+1)`
	hostileMinus  = `-2+3`
	hostileMDLink = `[click](javascript:alert(1)) ![x](http://evil/x.png) <http://evil>`
)

// hostileReport is incidentReport with log-derived strings replaced by
// hostile content in every place a renderer shows one.
func hostileReport() *analysis.Report {
	rep := incidentReport()
	rep.Paths = append(rep.Paths,
		analysis.Path{Path: "/" + hostileScript, Requests: 900, Errors5xx: 90},
		analysis.Path{Path: hostileImg, Requests: 800, Errors5xx: 80},
		analysis.Path{Path: hostileJSURL, Requests: 700, Errors5xx: 70},
		analysis.Path{Path: hostileLink, Requests: 600, Errors5xx: 60},
		analysis.Path{Path: hostileMDLink, Requests: 500, Errors5xx: 50},
		analysis.Path{Path: "/a|b`c`\nnext\tline\r" + hostileClear, Requests: 400, Errors5xx: 40},
	)
	rep.Clients = append(rep.Clients,
		analysis.Client{Client: hostileCmd, Requests: 900, Errors5xx: 99},
		analysis.Client{Client: hostileSum, Requests: 800, Errors5xx: 98},
		analysis.Client{Client: hostileMinus, Requests: 700, Errors5xx: 97},
		analysis.Client{Client: "\t=1+1", Requests: 600, Errors5xx: 96},
		analysis.Client{Client: "\r=1+1", Requests: 500, Errors5xx: 95},
		analysis.Client{Client: hostileOSC8, Requests: 400, Errors5xx: 94},
	)
	rep.Targets = append(rep.Targets, analysis.Target{
		Target: hostileScript, Subnet: hostileImg, Requests: 500, Errors5xx: 400,
		ByCause:   map[string]int64{"target.http_5xx": 300, hostileSum: 100},
		LatencyMs: analysis.Latency{P50: 1, P95: 2, P99: 3},
		First5xx:  at("2026-11-20T13:05:00Z"), Last5xx: at("2026-11-20T13:19:00Z"),
	}, analysis.Target{
		Target: hostileLink, Subnet: hostileOSC8, Requests: 300, Errors5xx: 200, ByCause: map[string]int64{"target.timeout": 200},
	})
	rep.Nodes = append(rep.Nodes, analysis.Node{Node: hostileRed + "10.0.9.9" + hostileClear, Requests: 10, Errors5xx: 1, Share: 0.0001})
	rep.Subnets = append(rep.Subnets, analysis.Subnet{Subnet: hostileMinus, Targets: 1, Requests: 10, Errors5xx: 1, ByCause: map[string]int64{hostileLink: 1}})
	rep.Inputs.Skipped = append(rep.Inputs.Skipped, analysis.Skipped{Source: hostileOSC8, Reason: hostileScript})
	rep.Inputs.Failed = append(rep.Inputs.Failed, analysis.Failed{Source: hostileImg, Error: hostileClear + "truncated gzip" + hostileRed})
	rep.Lines.RejectedSamples = append(rep.Lines.RejectedSamples,
		analysis.RejectedSample{Source: hostileJSURL, Line: 9, Reason: hostileImg, Snippet: hostileScript + hostileOSC8 + "\x07\x00\x7f\u202etxt.exe\u2066"},
		analysis.RejectedSample{Source: hostileLink, Line: 10, Reason: "user agent", Snippet: `Mozilla/5.0 ` + hostileImg + "\u009b31m"},
	)
	rep.Context[hostileSum] = 3
	rep.Verdict.Summary = "Summary with " + hostileScript + " and " + hostileOSC8 + hostileClear
	rep.Verdict.Findings = append(rep.Verdict.Findings, "Host "+hostileImg+" user agent "+hostileMDLink)
	rep.Verdict.Hints = append(rep.Verdict.Hints, hostileJSURL+" "+hostileRed+"red")
	rt := resultTypes()
	rt.Rows = append(rt.Rows, []analysis.Cell{analysis.NameCell(hostileCmd), analysis.CountCell(5), analysis.CountCell(1), {}})
	rep.AddPart(analysis.Part{
		Key:  hostileLink,
		JSON: map[string]string{hostileScript: hostileImg},
		Sections: []analysis.Section{{
			ID: hostileImg, Title: hostileScript,
			Facts:  []analysis.Fact{{Label: hostileMDLink, Kind: analysis.CellName, Value: analysis.NameCell(hostileOSC8)}},
			Counts: []analysis.Count{{Key: hostileOSC8, N: 1}},
			Tables: []analysis.Table{rt,
				namedTable("hosts", hostileImg, hostileClear, 10, named{hostileScript, 5, 1}),
				namedTable("distributions", "Distributions", "Distribution", 10, named{hostileLink, 5, 1}),
				namedTable("edge-locations", "Edge locations", "Edge location", 10, named{hostileImg, 5, 1})},
			Timelines: []analysis.StateTimeline{{Title: hostileScript, BucketSeconds: 60, States: []string{hostileImg, "bad"},
				Rows: []analysis.StateRow{{Name: hostileLink, Cells: []int8{0, 1, -1}}}}},
		}},
	})
	return rep
}

// busyDayReport builds a day of a busy load balancer: 1440 one-minute
// buckets, 200 targets, 50 paths and 50 clients.
func busyDayReport() *analysis.Report {
	rep := incidentReport()
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	rep.Timeline = rep.Timeline[:0]
	var total, e5 int64
	for m := range 1440 {
		b := analysis.Bucket{Start: analysis.TimeOf(start.Add(time.Duration(m) * time.Minute)), Requests: 50_000 + int64(m*37%9000)}
		b.ByDomain = map[string]int64{"target": int64(m % 17), "load_balancer": int64(m % 3)}
		if m >= 785 && m < 800 {
			b.ByDomain["target"] += 2000
		}
		b.Errors5xx = b.ByDomain["target"] + b.ByDomain["load_balancer"]
		total += b.Requests
		e5 += b.Errors5xx
		rep.Timeline = append(rep.Timeline, b)
	}
	rep.Requests = total
	rep.Errors.Total5xx = e5
	rep.Targets = rep.Targets[:0]
	for i := range 200 {
		rep.Targets = append(rep.Targets, analysis.Target{
			Target: fmt.Sprintf("10.0.%d.%d:8080", i%3+1, i), Subnet: fmt.Sprintf("10.0.%d.0/24", i%3+1),
			Requests: total / 200, Errors5xx: int64(i % 40),
			ByCause:   map[string]int64{"target.connection_error": int64(i % 30), "target.timeout": int64(i % 10)},
			LatencyMs: analysis.Latency{P50: 40 + float64(i%13), P95: 200 + float64(i%50), P99: 900 + float64(i%300)},
		})
	}
	rep.Paths, rep.Clients = rep.Paths[:0], rep.Clients[:0]
	for i := range 50 {
		rep.Paths = append(rep.Paths, analysis.Path{Path: fmt.Sprintf("/api/v2/resource/%d/items", i), Requests: total / int64(i+2), Errors5xx: e5 / int64(i+3)})
		rep.Clients = append(rep.Clients, analysis.Client{Client: fmt.Sprintf("203.0.113.%d", i), Requests: total / int64(i+20), Errors5xx: e5 / int64(i+30)})
	}
	rep.TimeRange = analysis.TimeRange{First: at("2026-11-20T00:00:00Z"), Last: at("2026-11-20T23:59:59Z")}
	rep.Verdict.Window = &analysis.Window{Start: at("2026-11-20T13:05:00Z"), End: at("2026-11-20T13:20:00Z"), Rate: 0.04, BaselineRate: 0.0002}
	return rep
}

// quietReport is a report with no 5xx at all, nil maps and slices left as
// the zero value.
func quietReport() *analysis.Report {
	return &analysis.Report{
		SchemaVersion: analysis.SchemaVersion,
		Format:        "alb",
		Taxonomy:      testLB,
		Inputs:        analysis.Inputs{Objects: 1, BytesRead: 1234},
		Lines:         analysis.Lines{Read: 10, Parsed: 10},
		TimeRange:     analysis.TimeRange{First: at("2026-11-20T13:00:00Z"), Last: at("2026-11-20T13:05:00Z")},
		Requests:      10,
		StatusClasses: map[string]int64{"2xx": 10},
		Verdict:       analysis.Verdict{PrimaryCause: ptr("stale"), Summary: "No 5xx in 10 requests."},
	}
}

// baselineReport is the day before incidentReport: the same fleet, a few
// application 5xx on one healthy target, faster p99 everywhere.
func baselineReport() *analysis.Report {
	rep := incidentReport()
	rep.TimeRange = analysis.TimeRange{First: at("2026-11-19T13:00:00Z"), Last: at("2026-11-19T13:44:59Z")}
	for i := range rep.Timeline {
		b := &rep.Timeline[i]
		b.Start = analysis.TimeOf(b.Start.AddDate(0, 0, -1))
		b.ByDomain = map[string]int64{"target": int64(i % 2)}
		b.Errors5xx = int64(i % 2)
	}
	rep.Errors = analysis.Errors{Total5xx: 22, ByDomain: map[string]int64{"target": 22}, ByCause: map[string]int64{"target.http_5xx": 22}}
	rep.StatusClasses["5xx"] = 22
	for i := range rep.Targets {
		t := &rep.Targets[i]
		t.Errors5xx, t.ByCause, t.First5xx, t.Last5xx = 0, map[string]int64{}, analysis.Time{}, analysis.Time{}
		t.LatencyMs.P99 = 300 + 10*float64(i)
		t.LatencyMs.P95 = 110 + 5*float64(i)
	}
	rep.Targets[3].Errors5xx = 22
	rep.Targets[3].ByCause = map[string]int64{"target.http_5xx": 22}
	rep.Targets = rep.Targets[1:] // 10.0.2.11:8080 was not registered yet
	for i := range rep.Subnets {
		rep.Subnets[i].Errors5xx, rep.Subnets[i].ByCause = 0, map[string]int64{}
	}
	rep.Verdict = analysis.Verdict{Fault: true, PrimaryDomain: ptr("target"), PrimaryCause: ptr("target.http_5xx"), Share: 1, Summary: "A few application errors on one target."}
	return rep
}

// testCauses are the cause codes a threshold may name: those of the test
// families.
func testCauses() []string {
	var codes []string
	for _, t := range []*analysis.Taxonomy{testLB, testCDN} {
		for _, c := range t.Causes {
			codes = append(codes, c.Code)
		}
	}
	return codes
}

// comparedReport is incidentReport compared with baselineReport, with
// thresholds checked.
func comparedReport() (*analysis.Report, *Comparison) {
	day := incidentReport()
	c := Compare(day, baselineReport())
	var ths []Threshold
	for _, e := range []string{"target_5xx_rate>0.5%", "lb_5xx_rate>0.1%", "p99_ms>5000", "cause:target.connection_error>=1%"} {
		th, err := ParseThreshold(e, testCauses())
		if err != nil {
			panic(err)
		}
		ths = append(ths, th)
	}
	c.Thresholds, _ = CheckThresholds(day, ths)
	return day, c
}

// cloudfrontReport is a CloudFront incident: every cache miss fails with
// origin.connect_error from 13:10 (the origin certificate expired), hits
// are fine.
func cloudfrontReport() *analysis.Report {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	rep := &analysis.Report{
		SchemaVersion: analysis.SchemaVersion, Format: "cloudfront", Taxonomy: testCDN,
		Inputs:        analysis.Inputs{Objects: 12, BytesRead: 3_400_000, Formats: map[string]int64{"cloudfront": 12}},
		TimeRange:     analysis.TimeRange{First: at("2026-11-20T13:00:00Z"), Last: at("2026-11-20T13:29:59Z")},
		BucketSeconds: 300,
		Context:       map[string]int64{"client.aborted": 17},
	}
	var total, e5 int64
	for i := range 6 {
		b := analysis.Bucket{Start: analysis.TimeOf(start.Add(time.Duration(i) * 5 * time.Minute)), Requests: 6000, ByDomain: map[string]int64{}}
		if i >= 2 {
			b.ByDomain["origin"] = 1500
			b.ByDomain["edge"] = int64(i % 2)
		}
		b.Errors5xx = b.ByDomain["origin"] + b.ByDomain["edge"]
		total += b.Requests
		e5 += b.Errors5xx
		rep.Timeline = append(rep.Timeline, b)
	}
	rep.Requests = total
	rep.Lines = analysis.Lines{Read: total + 24, Parsed: total, Comments: 24}
	rep.StatusClasses = map[string]int64{"2xx": total - e5 - 300, "3xx": 200, "4xx": 100, "5xx": e5}
	rep.Errors = analysis.Errors{Total5xx: e5, ByDomain: map[string]int64{"origin": 6000, "edge": 2},
		ByCause: map[string]int64{"origin.connect_error": 6000, "edge.function_error": 2}}
	rep.Paths = []analysis.Path{{Path: "/", Requests: 20000, Errors5xx: 4000}, {Path: "/img/logo.png", Requests: 16000, Errors5xx: 2002}}
	rep.Clients = []analysis.Client{{Client: "203.0.113.9", Requests: 900, Errors5xx: 150}}
	lat := analysis.Latency{P50: 3, P95: 70, P99: 120}
	rt := resultTypes(
		resultType{"Hit", 28800, 0, analysis.Latency{P50: 2, P95: 6, P99: 14}},
		resultType{"Error", 6002, 6002, analysis.Latency{P50: 30, P95: 90, P99: 140}},
		resultType{"Miss", 1198, 0, analysis.Latency{P50: 60, P95: 180, P99: 400}})
	rep.AddPart(analysis.Part{
		Key:     "cdn",
		JSON:    map[string]float64{"cache_hit_ratio": 0.8},
		Latency: &lat,
		Sections: []analysis.Section{{
			ID: "cloudfront", Title: "CloudFront",
			Facts: []analysis.Fact{
				{Label: "cache hit ratio", Kind: analysis.CellRate, Value: analysis.RateCell(0.8)},
				{Label: "time taken", Kind: analysis.CellLatency, Value: analysis.LatencyCell(lat)},
			},
			Counts: []analysis.Count{{Key: "cached_error"}, {Key: "origin_timeout"}},
			Tables: []analysis.Table{rt,
				namedTable("distributions", "Distributions", "Distribution", 10, named{"E2ABCDEF123456", total, e5}),
				namedTable("hosts", "Hosts", "Host", 10, named{"d111111abcdef8.cloudfront.net", total, e5}),
				namedTable("edge-locations", "Edge locations", "Edge location", 10, named{"IAD89-P1", 20000, 3300}, named{"FRA56-C1", 16000, 2702})},
		}},
	})
	rep.Verdict = analysis.Verdict{
		Fault: true, PrimaryDomain: ptr("origin"), PrimaryCause: ptr("origin.connect_error"), Share: 6000.0 / float64(e5),
		Summary: "Every cache miss fails since 13:10 and cache hits are fine: CloudFront cannot reach the origin. Check the origin certificate.",
		Hints:   []string{"Check the origin certificate's expiry, chain order and names against the origin domain or Host header."},
		Window:  &analysis.Window{Start: at("2026-11-20T13:10:00Z"), End: at("2026-11-20T13:30:00Z"), Rate: 0.25, BaselineRate: 0},
	}
	return rep
}
