package analysis

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/parser"
)

// Family is one log family plugged into the core: ALB access logs,
// CloudFront logs, ... A family lives in its own packages (its decoder in
// parser/<family>, the rest in analysis/<family>) and is listed once, in
// cmd/lbtriage; the core calls it only through this interface and never
// names one.
//
// The core does what every family shares: it routes batches to one
// Aggregator per subject (a load balancer, or everything the family read),
// keeps the shared aggregates (status classes, causes, domains, timeline,
// targets, nodes, subnets, paths, clients, latency sketches), builds the
// report and writes the verdict. The family reads its batches, classifies
// its rows, keeps what only it has, and adds its own part to the report.
type Family interface {
	// Decoder reads the family's logs; its Format names the family.
	Decoder() parser.Decoder
	// Taxonomy is the family's vocabulary. The core reads it, never
	// changes it, and the report carries it to the renderers.
	Taxonomy() *Taxonomy
	// Columns are the columns the family's Consumer reads: the decoder
	// builds no other (parser.Options.Columns). Nil builds every column.
	Columns() []string
	// NewConsumer returns a Consumer for one worker; a Consumer is never
	// used by two goroutines at once.
	NewConsumer() Consumer
	// NewState returns what the family keeps per subject beside the shared
	// aggregates, or nil when it keeps nothing.
	NewState() State
	// Report adds the family's part to r, the report of Aggregator a,
	// once the shared figures are in and before the verdict: its JSON
	// object, its sections, an overall latency (r.AddPart).
	Report(a *Aggregator, r *Report)
	// Verdict adds the family's findings to the verdict of report r, with
	// 5xx or without (then ranked is nil); ranked are the causes present,
	// most 5xx first, as IDs of r.Taxonomy, and r.Verdict.Window is the
	// window where the 5xx rate stands out, if any.
	Verdict(a *Aggregator, r *Report, ranked []CauseID) VerdictPart
}

// Companion is a Family whose logs tell more about a subject that another
// family reports on: the health checks or the connections of a load
// balancer whose access logs are read too. A companion's subject joins the
// report of the subject with the same Resource of a family that is no
// companion (the first such, in registration order), whatever the order
// or the folders its objects come in: that report gets the companion's
// objects and lines, its part (Report) and its verdict part (Verdict),
// both called with the host's report, after the host family's own. A
// companion subject no other report has (health checks read alone, or a
// subject with no Resource) makes a report of its own, with a verdict.
//
// The core never names the families involved: the subjects' resources
// alone join them. A companion's rows should not be Observed as requests
// (they are no requests); it Admits them, for the window and the line
// counts, and keeps its figures in its State.
type Companion interface {
	Family
	// Companion marks the family as a companion; it is never called.
	Companion()
}

// Consumer reads the batches of one family. For each batch it classifies
// the rows (a per-batch classifier writing CauseIDs into a reused slice),
// finds each row's subject with Subjects.Subject, and adds the row to that
// subject's Aggregator (Aggregator.Observe), and to the family's own State
// if it has one. It keeps no reference to rec once Consume returns.
type Consumer interface {
	Consume(src parser.Source, rec arrow.RecordBatch, to *Subjects) error
}

// State is what a family keeps per subject beside the shared aggregates
// (for CloudFront: edge locations, result types, cache hits). Every
// figure must add up: the report is the same whatever the number of
// workers.
type State interface {
	// Merge adds other, a State of the same family, into the receiver.
	Merge(other State)
}

// VerdictPart is what a family adds to a verdict.
type VerdictPart struct {
	// Findings follow the core's findings on the causes' concentrations.
	Findings []string
	// Notes follow every finding: things worth knowing that are nobody's
	// fault (5xx a listener rule sends on purpose).
	Notes []string
	// Where says where the primary cause sits when the core found no
	// target or subnet to name ("all on www.example.com").
	Where string
	// Summary, when set, is a sentence added to the verdict's summary.
	Summary string
	// Lead, when set, opens the summary, before the core's sentences on the
	// 5xx: a finding that outweighs them, such as every target failing its
	// health checks while the access logs look normal. Headline then says
	// it in a line, shown in place of the 5xx headline (Verdict.Headline).
	// In a report with no requests, the lead and the summary are the whole
	// summary.
	Lead, Headline string
	// Fault says whether the lead tells of a fault (every target failing
	// its health checks) rather than that all is well ("All 12,000
	// connections completed their TLS handshake"): a fault's lead opens
	// the summary and its headline replaces the 5xx headline, drawn as a
	// warning; a lead that all is well is drawn as such, and follows the
	// core's sentences when there are 5xx, whose headline it never
	// replaces.
	Fault bool
	// Hints follow the hints of the causes: what to check next about the
	// family's own findings.
	Hints []string
}

// Sampler is a Family with a built-in sample incident, for "lbtriage
// demo": the objects of a generated incident with a known truth.
type Sampler interface {
	// Sample builds the incident's objects.
	Sample() (*Sample, error)
	// SampleAbout says in a few words what goes wrong in it ("an expired
	// origin certificate"), without building it, for the demo's list of
	// samples.
	SampleAbout() string
}

// Sample is a family's sample incident.
type Sample struct {
	// Objects are the incident's log objects, named as AWS names them.
	Objects []SampleObject
	// Lines counts the log lines of the objects; First and Last bound the
	// rows' times.
	Lines       int
	First, Last Time
}

// SampleObject is one log object of a Sample.
type SampleObject struct {
	Key  string
	Data []byte
}
