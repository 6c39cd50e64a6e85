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
	// Verdict adds the family's findings to the verdict of a report with
	// 5xx; ranked are the causes present, most 5xx first.
	Verdict(a *Aggregator, r *Report, ranked []CauseID) VerdictPart
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
}

// Sampler is a Family with a built-in sample incident, for "lbtriage
// demo": the objects of a generated incident with a known truth.
type Sampler interface {
	Sample() (*Sample, error)
}

// Sample is a family's sample incident.
type Sample struct {
	// About says in a few words what goes wrong in it ("an expired origin
	// certificate").
	About string
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
