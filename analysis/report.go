package analysis

// The types below are the analysis result: plain data, no Arrow, no I/O.
// Renderers in package report consume them. Their JSON encoding is the
// contract in docs/report-json.md (schema_version 1): keys may be added,
// never renamed.

// SchemaVersion is the version of the JSON report contract.
const SchemaVersion = 1

// Report is the result of one analysis run.
type Report struct {
	SchemaVersion int `json:"schema_version"`
	// Format is the family the report is of ("alb", "cloudfront").
	Format string `json:"format"`
	// LoadBalancer is the load balancer the report is about, when the
	// family reports per load balancer.
	LoadBalancer *LoadBalancer `json:"load_balancer,omitempty"`
	Inputs       Inputs        `json:"inputs"`
	Lines        Lines         `json:"lines"`
	TimeRange    TimeRange     `json:"time_range"`
	// Window is the --since/--until selection, when one was given.
	Window *TimeRange `json:"window,omitempty"`
	// Requests counts rows inside the window.
	Requests      int64            `json:"requests"`
	StatusClasses map[string]int64 `json:"status_classes"`
	Errors        Errors           `json:"errors"`
	// Context counts non-5xx outcomes worth showing beside the 5xx
	// ("460", "400", "408", "463", "464", "403_waf", "client.aborted").
	Context map[string]int64 `json:"context"`
	// LatencyMs holds the percentiles of the targets' latency (for ALB,
	// target_processing_time) over every request that reached a target,
	// when there is any.
	LatencyMs *Latency `json:"latency_ms,omitempty"`
	Targets   []Target `json:"targets"`
	Nodes     []Node   `json:"nodes"`
	Subnets   []Subnet `json:"subnets"`
	Paths     []Path   `json:"paths"`
	Clients   []Client `json:"clients"`
	Timeline  []Bucket `json:"timeline"`
	// BucketSeconds is the width of each timeline bucket.
	BucketSeconds int64 `json:"bucket_seconds"`
	// The families' parts are written here, each under its own key
	// ("cloudfront"), before the verdict (see MarshalJSON).
	Verdict Verdict `json:"verdict"`

	// Parts are the family's own pieces of the report (Family.Report).
	Parts []Part `json:"-"`
	// Taxonomy is the family's vocabulary, for the renderers: domain titles
	// and order, cause briefs, what targets are called. A report decoded
	// from JSON has none; renderers then fall back to the keys themselves.
	Taxonomy *Taxonomy `json:"-"`
}

// Inputs describes what was read.
type Inputs struct {
	// Objects counts files or S3 objects read (whole or in part).
	Objects   int64     `json:"objects"`
	BytesRead int64     `json:"bytes_read"`
	Skipped   []Skipped `json:"skipped"`
	Failed    []Failed  `json:"failed"`
	// Formats counts objects per detected format.
	Formats map[string]int64 `json:"formats,omitempty"`
	// S3 listing figures, when inputs came from S3.
	Listed   int64 `json:"listed,omitempty"`
	Selected int64 `json:"selected,omitempty"`
}

// LoadBalancer names the load balancer a report is about.
type LoadBalancer struct {
	// Name is the load balancer's name ("my-lb").
	Name string `json:"name"`
	// ResourceID is its ID as its logs write it ("app/my-lb/50dc6c495c0c9188").
	ResourceID string `json:"resource_id"`
	// Account and Region are those of the objects' names, when they tell.
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
}

// Skipped is an input deliberately not read.
type Skipped struct {
	Source string `json:"source"`
	Reason string `json:"reason"`
}

// Failed is an input that could not be read whole.
type Failed struct {
	Source string `json:"source"`
	Error  string `json:"error"`
}

// Lines counts lines; Read = Parsed + Rejected + Comments.
type Lines struct {
	Read     int64 `json:"read"`
	Parsed   int64 `json:"parsed"`
	Rejected int64 `json:"rejected"`
	// Comments counts blank lines and header lines, apart from the rest.
	Comments int64 `json:"comments"`
	// OutsideWindow counts parsed rows dropped by --since/--until.
	OutsideWindow int64 `json:"outside_window"`
	// OtherLoadBalancers counts the parsed rows of the report's objects
	// that belong to other load balancers (their own reports, or left out
	// by Options.LoadBalancer): Parsed = requests + OtherLogs +
	// OutsideWindow + OtherLoadBalancers.
	OtherLoadBalancers int64 `json:"other_load_balancers,omitempty"`
	// OtherLogs counts the rows inside the window that are no requests:
	// those of the companion logs joined into the report (health checks,
	// connections), or of a companion's own report.
	OtherLogs       int64            `json:"other_logs,omitempty"`
	RejectedSamples []RejectedSample `json:"rejected_samples"`
}

// RejectedSample is one rejected line, for the user to look at.
type RejectedSample struct {
	Source  string `json:"source"`
	Line    int64  `json:"line"`
	Reason  string `json:"reason"`
	Snippet string `json:"snippet,omitempty"`
}

// TimeRange is a pair of times, "" in JSON when unknown.
type TimeRange struct {
	First Time `json:"first"`
	Last  Time `json:"last"`
}

// Errors breaks the 5xx down by domain and by cause.
type Errors struct {
	Total5xx int64            `json:"total_5xx"`
	ByDomain map[string]int64 `json:"by_domain"`
	ByCause  map[string]int64 `json:"by_cause"`
}

// Latency holds percentiles in milliseconds.
type Latency struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
	P99 float64 `json:"p99"`
}

// Target is one target (ip:port).
type Target struct {
	Target    string           `json:"target"`
	Subnet    string           `json:"subnet,omitempty"`
	Requests  int64            `json:"requests"`
	Errors5xx int64            `json:"errors_5xx"`
	ByCause   map[string]int64 `json:"by_cause"`
	LatencyMs Latency          `json:"latency_ms"`
	// First5xx and Last5xx bound this target's 5xx, when any.
	First5xx Time `json:"first_5xx,omitzero"`
	Last5xx  Time `json:"last_5xx,omitzero"`
}

// Node is one load balancer node (IP from the object name).
type Node struct {
	Node      string `json:"node"`
	Requests  int64  `json:"requests"`
	Errors5xx int64  `json:"errors_5xx"`
	// Share is this node's fraction of all requests.
	Share float64 `json:"share"`
	// Quiet, when set, is where the node served far less than an equal
	// share of the requests (clients reaching it may fail before anything
	// is logged).
	Quiet *NodeQuiet `json:"quiet,omitempty"`
}

// NodeQuiet is a stretch of time in which a load balancer node served far
// less than an equal share of the requests.
type NodeQuiet struct {
	Start Time `json:"start"`
	End   Time `json:"end"`
	// OpenStart and OpenEnd: the stretch starts or ends with the rows read
	// (see Window); both for the whole period.
	OpenStart bool `json:"open_start,omitempty"`
	OpenEnd   bool `json:"open_end,omitempty"`
	// Share is the node's fraction of the requests inside the stretch,
	// ShareOutside outside it (0 when it is the whole period), Equal an
	// equal share (1 / the number of nodes).
	Share        float64 `json:"share"`
	ShareOutside float64 `json:"share_outside"`
	Equal        float64 `json:"equal"`
	// Missing is how many requests the node would have served with an
	// equal share inside the stretch, beyond those it did.
	Missing int64 `json:"missing"`
}

// Subnet is one target /24 (or /64 for IPv6).
type Subnet struct {
	Subnet    string           `json:"subnet"`
	Targets   int64            `json:"targets"`
	Requests  int64            `json:"requests"`
	Errors5xx int64            `json:"errors_5xx"`
	ByCause   map[string]int64 `json:"by_cause"`
}

// Path is one request path, query string stripped.
type Path struct {
	Path      string `json:"path"`
	Requests  int64  `json:"requests"`
	Errors5xx int64  `json:"errors_5xx"`
}

// Client is one client IP.
type Client struct {
	Client    string `json:"client"`
	Requests  int64  `json:"requests"`
	Errors5xx int64  `json:"errors_5xx"`
}

// Bucket is one timeline bucket.
type Bucket struct {
	Start     Time             `json:"start"`
	Requests  int64            `json:"requests"`
	Errors5xx int64            `json:"errors_5xx"`
	ByDomain  map[string]int64 `json:"by_domain"`
}

// Verdict is the answer: who is at fault, where, since when, what to check.
type Verdict struct {
	// Headline, when set, is what leads the story instead of the 5xx (a
	// family's VerdictPart.Headline: every target failing its health
	// checks while the access logs look normal); renderers show it as the
	// verdict's headline.
	Headline string `json:"headline,omitempty"`
	// Fault says whether the verdict tells of a fault: 5xx to attribute, a
	// family's finding that leads (VerdictPart.Fault) or a quiet load
	// balancer node. Renderers draw the headline as a fault or as all
	// well by it.
	Fault         bool    `json:"fault"`
	PrimaryDomain *string `json:"primary_domain"`
	PrimaryCause  *string `json:"primary_cause"`
	// Share is the primary cause's fraction of all 5xx.
	Share   float64  `json:"share"`
	Summary string   `json:"summary"`
	Hints   []string `json:"hints"`
	// Findings are further sentences: concentrations on a target, node,
	// subnet or path, and fixed responses configured on purpose.
	Findings []string `json:"findings"`
	// Window is where the 5xx rate stands out, when it does.
	Window *Window `json:"window,omitempty"`
}

// Window is a stretch of time whose 5xx rate stands out from the rest.
type Window struct {
	Start Time `json:"start"`
	End   Time `json:"end"`
	// Rate is the 5xx rate inside the window; BaselineRate outside it.
	Rate         float64 `json:"rate"`
	BaselineRate float64 `json:"baseline_rate"`
	// OpenStart: the window starts where the rows read (or the period)
	// start, so the rate may have stood out before; OpenEnd: it ends where
	// they end, so it may go on.
	OpenStart bool `json:"open_start,omitempty"`
	OpenEnd   bool `json:"open_end,omitempty"`
}
