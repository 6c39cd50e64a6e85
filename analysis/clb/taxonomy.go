package clb

import "github.com/lbtriage/lbtriage/analysis"

// Classic Load Balancer cause codes (docs/taxonomy.md): the codes of the
// ALB causes that mean the same thing, in Classic's words.
const (
	CauseTargetHTTP5xx     = "target.http_5xx"
	CauseMalformedResponse = "target.malformed_response"
	CauseConnectionError   = "target.connection_error"
	CauseTargetTimeout     = "target.timeout"
	CauseNoTargets         = "lb.no_targets"
	CauseLBInternal        = "lb.internal"
)

// The causes' IDs, in the order of taxonomy.Causes.
const (
	idTargetHTTP5xx analysis.CauseID = iota + 1
	idMalformedResponse
	idConnectionError
	idTargetTimeout
	idNoTargets
	idLBInternal
)

// Context keys: the load balancer's own 4xx, counted beside the 5xx.
const (
	Context400 = "400"
	Context405 = "405"
	Context408 = "408"
)

// The context keys' IDs, in the order of taxonomy.Context.
const (
	ctx400 analysis.ContextID = iota + 1
	ctx405
	ctx408
)

// The domains' keys: those of the ALB, whose codes the causes share.
const (
	domTarget = "target"
	domLB     = "load_balancer"
	domClient = "client"
)

// The CSV tables of the Classic part.
const (
	tableListeners   = "clb-listeners"
	tableConnections = "clb-connections"
	tableSlow        = "clb-slow-instances"
)

// taxonomy is the Classic Load Balancer vocabulary. Each cause's Hint is
// the advice the verdict gives; Brief is that advice in one line, for
// tables that list every cause.
var taxonomy = &analysis.Taxonomy{
	Name:   "CLB",
	Title:  "Classic Load Balancer access logs",
	Target: analysis.Noun{One: "instance", Many: "instances"},
	Domains: []analysis.Domain{
		{Key: domTarget, Title: "back-end instance", Role: "the instances", Side: "the instances' side", Party: analysis.PartyBackend},
		{Key: domLB, Title: "Classic Load Balancer", Role: "the load balancer", Side: "the load balancer's side", Party: analysis.PartyFront},
		{Key: domClient, Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
	},
	Causes: []analysis.Cause{
		{
			Code: CauseTargetHTTP5xx, Domain: domTarget,
			Meaning: "the application on the instances answered with a 5xx",
			Hint: "The instances answered with this 5xx themselves and the load balancer passed it on (HTTPCode_Backend_5XX): " +
				"read the application's own logs and error tracking on the instances listed, for the same minutes; check its " +
				"dependencies (database, downstream APIs, the instance role's permissions) and what was deployed to them.",
			Brief: "The application on the instance answered 5xx: read its logs and its dependencies for the same minutes.",
		},
		{
			Code: CauseMalformedResponse, Domain: domTarget,
			Meaning: "instances sent responses the load balancer could not use",
			Hint: "The load balancer answered 502 because the instance's response was unusable: a malformed status line or " +
				"headers, a response cut short, or another code than the instance's. Fetch the path from the instance directly " +
				"(curl -v http://instance:port/path) and check the web server or proxy in front of the application on it.",
			Brief: "The instance's response was malformed or cut short: fetch the path from the instance directly and check its web server.",
		},
		{
			Code: CauseConnectionError, Domain: domTarget,
			Meaning: "instances closed, reset or refused the connection",
			Hint: "The instance closed or refused the back-end connection before answering (BackendConnectionErrors counts these, " +
				"with retries and failed health checks). Check that the instances' keep-alive timeout exceeds the load balancer's " +
				"idle timeout (60 s by default), their worker and connection limits (Apache MaxRequestWorkers and MaxKeepAliveRequests, " +
				"nginx worker_connections), resets with tcpdump on the instance, and ephemeral-port exhaustion with ss -s. A Classic " +
				"log writes these 502s with backend \"-\": BackendConnectionErrors per Availability Zone and the instances' own logs " +
				"tell which instance.",
			Brief: "The instance closed or refused the connection: keep-alive timeout above the idle timeout, worker and connection limits, resets (tcpdump).",
		},
		{
			Code: CauseTargetTimeout, Domain: domTarget,
			Meaning: "instances did not answer before the idle timeout",
			Hint: "The instance accepted the request but sent no response before the load balancer's idle timeout (60 s by default, " +
				"ConnectionSettings.IdleTimeout), or closed the connection without one. A Classic log writes these 504s with " +
				"backend \"-\" and times -1: the report names the instance by its slow requests in the same minutes when they stand " +
				"out. Look at what that instance waits for (database pool, downstream calls, stuck workers) and its own request " +
				"durations; raise the idle timeout only if such long requests are expected.",
			Brief: "The instance stayed silent past the idle timeout: find the slow instance and path, fix what it waits for or raise the idle timeout.",
		},
		{
			Code: CauseNoTargets, Domain: domLB,
			Meaning: "no healthy instance could take the request, or the surge queue was full",
			Hint: "The load balancer had no healthy registered instance to send the request to, or its surge queue (up to 1,024 " +
				"requests waiting for an instance) was full and it refused the request: SpilloverCount counts those, " +
				"SurgeQueueLength shows the queue, HealthyHostCount the instances in service. Unlike an ALB, a Classic Load " +
				"Balancer answers 503 when every instance is unhealthy: check the health check (target, port, timeout, " +
				"thresholds) with DescribeInstanceHealth, the Auto Scaling activity for those minutes, and whether the " +
				"instances keep up with the load (the surge queue rising before the 503s).",
			Brief: "No healthy instance or a full surge queue: check the health check, DescribeInstanceHealth, SurgeQueueLength and SpilloverCount.",
		},
		{
			Code: CauseLBInternal, Domain: domLB,
			Meaning: "the load balancer answered with a 5xx it generated itself, with no instance involved",
			Hint: "The load balancer generated the 5xx without an instance's answer, for a reason the log does not spell out " +
				"(HTTPCode_ELB_5XX). Check the listeners and their certificates, the AWS Health Dashboard, and open a support " +
				"case with the times and client addresses if it persists.",
			Brief: "The load balancer failed on its own: check AWS Health and open a support case with the times and clients.",
		},
	},
	Context: []string{Context400, Context405, Context408},
	Tables:  []string{tableListeners, tableConnections, tableSlow},
}
