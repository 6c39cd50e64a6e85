package analysis

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/lbtriage/lbtriage/internal/rule"
)

// Deriver is a Family that tells, row by row, what lbtriage derives of its
// rows beside the logged columns: each row's cause, duration and target.
// The Parquet lake (lbtriage export) stores them, with the cause's domain
// and the target's subnet, so that other engines count what lbtriage
// counts without repeating its rules.
type Deriver interface {
	// NewRowDeriver returns a RowDeriver for one worker.
	NewRowDeriver() RowDeriver
}

// RowDeriver derives the values of Derived for the rows of batches of its
// family's full schema (every column of the decoder). It keeps no
// reference to rec once Derive returns.
type RowDeriver interface {
	Derive(rec arrow.RecordBatch, d *Derived) error
}

// Derived holds what a RowDeriver derived for the rows of one batch, one
// value a row; Derive reuses its slices from batch to batch.
type Derived struct {
	// Causes are the rows' causes: 0 for a row that is no 5xx.
	Causes []CauseID
	// Durations are the requests' durations in seconds as the family sees
	// them (ALB: time minus request_creation_time; CloudFront: time-taken),
	// NaN when unknown.
	Durations []float64
	// Targets are the addresses of the targets that served the rows, ""
	// when none did or the family has none; they are views of the batch.
	Targets []string
}

// Reset sizes d's slices for n rows.
func (d *Derived) Reset(n int) {
	if cap(d.Causes) < n {
		d.Causes = make([]CauseID, n)
		d.Durations = make([]float64, n)
		d.Targets = make([]string, n)
	}
	d.Causes, d.Durations, d.Targets = d.Causes[:n], d.Durations[:n], d.Targets[:n]
}

// SubnetOf returns the subnet a report puts a target address in: the /24
// of an IPv4 address, the /64 of an IPv6 one, "(unknown)" for what is no
// address.
func SubnetOf(ip string) string { return subnetOf(ip) }

// Ruled is a Family whose classification rules are also written as data
// (package rule), in the order its classifier applies them, so that other
// engines classify as lbtriage does: lbtriage sql prints them as one SQL
// CASE, and tests hold it to the classifier on every row.
type Ruled interface {
	Rules() *rule.Table
}
