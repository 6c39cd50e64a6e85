package cloudfront

import "github.com/lbtriage/lbtriage/analysis"

// CloudFront cause codes, as in the taxonomy (docs: spec/taxonomy.md,
// "CloudFront"). They are stable identifiers used verbatim by the JSON report.
const (
	// CauseEdgeCapacity: the edge refused the request for lack of capacity
	// or because a CloudFront quota was exceeded.
	CauseEdgeCapacity = "edge.capacity"
	// CauseEdgeFunctionError: a Lambda@Edge function or CloudFront Function
	// failed, was throttled or returned an invalid response.
	CauseEdgeFunctionError = "edge.function_error"
	// CauseEdgeGenerated: customer code at the edge produced the 5xx itself.
	CauseEdgeGenerated = "edge.generated"
	// CauseOriginConnectError: the edge could not connect to the origin
	// (TCP refused, TLS handshake, certificate).
	CauseOriginConnectError = "origin.connect_error"
	// CauseOriginDNSError: the origin's domain name did not resolve.
	CauseOriginDNSError = "origin.dns_error"
	// CauseOriginTimeout: the origin did not answer in time.
	CauseOriginTimeout = "origin.timeout"
	// CauseOriginInvalidResponse: the origin's response broke the protocol
	// (bad framing, oversized headers, length mismatch, empty object).
	CauseOriginInvalidResponse = "origin.invalid_response"
	// CauseOriginOther: any other origin-side failure the edge names.
	CauseOriginOther = "origin.other"
	// CauseClientRequestError: the viewer's request or connection was at
	// fault.
	CauseClientRequestError = "client.request_error"
	// CauseOriginHTTP5xx: the origin answered with a 5xx (passed through or
	// served from the error cache).
	CauseOriginHTTP5xx = "origin.http_5xx"
)

// The causes' IDs, in the order of taxonomy.Causes.
const (
	idEdgeCapacity analysis.CauseID = iota + 1
	idEdgeFunctionError
	idEdgeGenerated
	idOriginConnectError
	idOriginDNSError
	idOriginTimeout
	idOriginInvalidResponse
	idOriginOther
	idClientRequestError
	idOriginHTTP5xx
)

// ContextClientAborted counts status 000, which is no 5xx: the viewer
// closed the connection before CloudFront started the response. Many of
// them together with slow responses point to impatient clients or slow
// origins.
const ContextClientAborted = "client.aborted"

// ctxClientAborted is ContextClientAborted's ID.
const ctxClientAborted analysis.ContextID = 1

// The domains' keys.
const (
	domOrigin = "origin"
	domEdge   = "edge"
	domClient = "client"
)

// taxonomy is the CloudFront vocabulary. Each cause's Hint is the advice
// the verdict gives; Brief is that advice in one line, for tables that
// list every cause.
var taxonomy = &analysis.Taxonomy{
	Name:  "CloudFront",
	Title: "CloudFront access logs",
	Domains: []analysis.Domain{
		{Key: domOrigin, Title: "origin", Role: "the origin", Side: "the origin's side",
			Plain: ": the origin failed, not the CloudFront edge", Party: analysis.PartyBackend},
		{Key: domEdge, Title: "CloudFront edge", Role: "the CloudFront edge", Side: "the CloudFront edge's side",
			Plain: ": the CloudFront edge failed, not the origin", Party: analysis.PartyFront},
		{Key: domClient, Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
	},
	Causes: []analysis.Cause{
		{
			Code: CauseEdgeCapacity, Domain: domEdge,
			Meaning: "the CloudFront edge refused the request for capacity or a quota",
			Hint: "CloudFront refused the request at the edge (CapacityExceeded or LimitExceeded). " +
				"Check the distribution's CloudFront quotas (Service Quotas) and whether a load test sent " +
				"a sudden burst from few clients; ramp load gradually and spread it across locations.",
			Brief: "CloudFront capacity or limit exceeded: check the distribution's quotas and request rate.",
		},
		{
			Code: CauseEdgeFunctionError, Domain: domEdge,
			Meaning: "a Lambda@Edge function or CloudFront Function failed",
			Hint: "A Lambda@Edge function or CloudFront Function failed: unhandled exception, timeout, " +
				"throttling (Regional concurrency) or an invalid response such as a read-only header changed or a body too big. " +
				"Read the function's CloudWatch logs in the Region nearest the edge location, and its Errors/Throttles metrics.",
			Brief: "A CloudFront Function or Lambda@Edge failed: read its logs in the region of the edge location.",
		},
		{
			Code: CauseEdgeGenerated, Domain: domEdge,
			Meaning: "edge code generated the 5xx itself",
			Hint: "Your own edge code (origin-request Lambda@Edge or a CloudFront Function) generated this 5xx. " +
				"Check the function's logic for the paths affected; the origin was not involved.",
			Brief: "The edge generated this response itself (function or configuration): check the behaviour's functions and custom error pages.",
		},
		{
			Code: CauseOriginConnectError, Domain: domOrigin,
			Meaning: "CloudFront could not connect to the origin (TLS handshake, certificate, port)",
			Hint: "CloudFront could not connect to the origin. Check the origin certificate's expiry, " +
				"the chain order (intermediates present), and that its names match the origin domain or the forwarded Host header; " +
				"the origin protocol and ciphers; that the origin port is open to CloudFront in the security group or firewall. " +
				"Test the origin directly by pointing a hosts-file entry for the host name at the origin.",
			Brief: "CloudFront could not connect to the origin: check the origin certificate (expiry, chain, names vs origin domain or Host), the origin port in the security group; test with a hosts-file entry.",
		},
		{
			Code: CauseOriginDNSError, Domain: domOrigin,
			Meaning: "the origin's domain name did not resolve",
			Hint: "The origin's domain name did not resolve from public DNS. Check the origin domain in the " +
				"distribution, its NS/SOA records and delegation, and that it is not a private-only zone.",
			Brief: "The origin's domain name did not resolve: check the DNS record of the origin domain.",
		},
		{
			Code: CauseOriginTimeout, Domain: domOrigin,
			Meaning: "the origin did not answer in time",
			Hint: "The origin did not answer within the origin response timeout (default 30 s, with up to 3 " +
				"connection attempts for GET/HEAD). Look for slow requests in the origin's own logs, check that CloudFront's " +
				"address ranges are allowed (dropped packets also time out), or raise the origin response timeout.",
			Brief: "The origin did not answer in time: check origin response and keep-alive timeouts and origin load.",
		},
		{
			Code: CauseOriginInvalidResponse, Domain: domOrigin,
			Meaning: "the origin's response was malformed",
			Hint: "The origin's response was malformed: headers too big, Content-Length conflicting with " +
				"Content-Range, an empty object, or a protocol error. Fetch the same URL from the origin directly and inspect the headers.",
			Brief: "The origin's response was invalid (headers too big, zero size, bad content range): check the origin's response headers.",
		},
		{
			Code: CauseOriginOther, Domain: domOrigin,
			Meaning: "reading from or writing to the origin failed",
			Hint: "The edge hit a problem reading from or writing to the origin (connection reset or aborted mid-response). " +
				"Check the origin's keep-alive and idle timeouts, its worker limits, and its error logs at the same time.",
			Brief: "Another origin-side failure: check the origin's health and logs for the same minutes.",
		},
		{
			Code: CauseClientRequestError, Domain: domClient,
			Meaning: "the viewer's request or connection was at fault",
			Hint: "The viewer's request or connection failed (invalid request, hang-up, geo block, " +
				"certificate mismatch). Usually one client or bot; check the client IPs and user agents involved.",
			Brief: "The viewer's request was invalid or the viewer failed: usually not actionable unless one client dominates.",
		},
		{
			Code: CauseOriginHTTP5xx, Domain: domOrigin,
			Meaning: "the origin answered with a 5xx",
			Hint: "The origin itself answered with a 5xx, or CloudFront served a cached copy of one " +
				"(errors are cached for the error-caching minimum TTL, 10 s by default). Check the origin's logs " +
				"(for an ALB origin: elb_status_code and target_status_code) at the same time.",
			Brief: "The origin answered 5xx: read the origin's (load balancer's or application's) logs for the same minutes.",
		},
	},
	Context: []string{ContextClientAborted},
	Tables:  []string{tableResultTypes, tableDistributions, tableHosts, tableEdgeLocations},
}

// The CSV tables of the CloudFront part (-o csv --table NAME).
const (
	tableResultTypes   = "result-types"
	tableDistributions = "distributions"
	tableHosts         = "hosts"
	tableEdgeLocations = "edge-locations"
)
