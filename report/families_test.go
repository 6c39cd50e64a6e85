package report

import "github.com/lbtriage/lbtriage/analysis"

// The report tests render reports of two made-up families whose words are
// those of the ALB and CloudFront families at the time the golden files
// were written: the renderers show what a report's taxonomy says, and the
// golden files pin how they show it. The real families' words are tested
// with the families (analysis/alb, analysis/cloudfront).

// testLB is a load balancer family like ALB.
var testLB = &analysis.Taxonomy{
	Name:   "ALB",
	Title:  "Application Load Balancer access logs",
	Target: analysis.Noun{One: "target", Many: "targets"},
	Domains: []analysis.Domain{
		{Key: "target", Title: "target", Role: "the targets", Side: "the targets' side", Party: analysis.PartyBackend},
		{Key: "load_balancer", Title: "load balancer", Role: "the load balancer", Side: "the load balancer's side", Party: analysis.PartyFront},
		{Key: "client", Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
	},
	Causes: []analysis.Cause{
		{Code: "target.http_5xx", Domain: "target", Brief: "The application itself answered 5xx: read its logs and its dependencies (database, downstream APIs) for the same minutes."},
		{Code: "target.connection_error", Domain: "target", Brief: "Connection refused or reset by the target: keep-alive timeout must exceed the LB idle timeout; check worker and connection limits (MaxRequestWorkers, MaxKeepAliveRequests), RSTs with tcpdump, port exhaustion with ss."},
		{Code: "target.timeout", Domain: "target", Brief: "The target stayed silent past the idle timeout: slow requests; compare target latency and raise the idle timeout or fix the slow path."},
		{Code: "lb.internal", Domain: "load_balancer", Brief: "The load balancer failed on its own: check AWS Health and open a support case with the request IDs."},
	},
	Context: []string{"460", "400", "408", "463", "464", "403_waf"},
}

// testCDN is a CDN family like CloudFront, whose rows name no target.
var testCDN = &analysis.Taxonomy{
	Name:  "CloudFront",
	Title: "CloudFront access logs",
	Domains: []analysis.Domain{
		{Key: "origin", Title: "origin", Role: "the origin", Side: "the origin's side", Party: analysis.PartyBackend},
		{Key: "edge", Title: "CloudFront edge", Role: "the CloudFront edge", Side: "the CloudFront edge's side", Party: analysis.PartyFront},
		{Key: "client", Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
	},
	Causes: []analysis.Cause{
		{Code: "origin.connect_error", Domain: "origin", Brief: "CloudFront could not connect to the origin: check the origin certificate (expiry, chain, names vs origin domain or Host), the origin port in the security group; test with a hosts-file entry."},
		{Code: "edge.function_error", Domain: "edge", Brief: "A CloudFront Function or Lambda@Edge failed: read its logs in the region of the edge location."},
	},
	Context: []string{"client.aborted"},
}

// named is one row of a name/requests/5xx/rate table.
type named struct {
	name      string
	requests  int64
	errors5xx int64
}

// namedTable is a section table of names, requests, 5xx and rate.
func namedTable(name, title, header string, top int, rows ...named) analysis.Table {
	t := analysis.Table{
		Name: name, Title: title, Top: top,
		Columns: []analysis.Column{
			{Header: header, Kind: analysis.CellName},
			{Header: "Requests", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "5xx", Key: "errors_5xx", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Rate", Key: "rate_5xx", Kind: analysis.CellRate},
		},
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(r.name), analysis.CountCell(r.requests),
			analysis.CountCell(r.errors5xx), analysis.RateCell(ratio(r.errors5xx, r.requests))})
	}
	return t
}

// resultType is one row of a result-types table.
type resultType struct {
	name         string
	requests, e5 int64
	lat          analysis.Latency
}

// resultTypes is a section table of names with requests, 5xx and latency.
func resultTypes(rows ...resultType) analysis.Table {
	t := analysis.Table{
		Name: "result-types", Title: "Result types",
		Columns: []analysis.Column{
			{Header: "Result type", Kind: analysis.CellName},
			{Header: "Requests", Kind: analysis.CellCount},
			{Header: "5xx", Key: "errors_5xx", Kind: analysis.CellCount},
			{Kind: analysis.CellLatency},
		},
	}
	for _, r := range rows {
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(r.name), analysis.CountCell(r.requests),
			analysis.CountCell(r.e5), analysis.LatencyCell(r.lat)})
	}
	return t
}
