package analysis

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Helpers for the families' consumers and verdicts, so that every family
// binds columns, words shares and applies thresholds alike.

// Bind sets *dst to a, the column called name of a batch of the family
// titled family, or says that a has another type than *dst.
func Bind[T arrow.Array](family, name string, a arrow.Array, dst *T) error {
	v, ok := a.(T)
	if !ok {
		return fmt.Errorf("analysis: %s column %q has type %s", family, name, a.DataType())
	}
	*dst = v
	return nil
}

// BindTime binds a timestamp column as Bind does and checks that it holds
// microseconds, the unit of every decoder's times.
func BindTime(family, name string, a arrow.Array, dst **array.Timestamp) error {
	if err := Bind(family, name, a, dst); err != nil {
		return err
	}
	if u := (*dst).DataType().(*arrow.TimestampType).Unit; u != arrow.Microsecond {
		return fmt.Errorf("analysis: %s column %q is in %s, want microseconds", family, name, u)
	}
	return nil
}

// Binding is how a family's consumer binds a column, by name (see
// BindColumns): Bind binds a, the column called Name of a batch of the
// family titled family, or says why it cannot.
type Binding struct {
	Name string
	Bind func(family, name string, a arrow.Array) error
}

// Col is the Binding of the column called name to *dst by Bind.
func Col[T arrow.Array](name string, dst *T) Binding {
	return Binding{Name: name, Bind: func(family, name string, a arrow.Array) error {
		return Bind(family, name, a, dst)
	}}
}

// TimeCol is the Binding of the column called name to *dst by BindTime.
func TimeCol(name string, dst **array.Timestamp) Binding {
	return Binding{Name: name, Bind: func(family, name string, a arrow.Array) error {
		return BindTime(family, name, a, dst)
	}}
}

// BindColumns binds the columns of rec, a batch of the family titled
// family, that cols names, in the order of rec's schema, and returns the
// first error. A column cols names that rec lacks is left as it was, and
// a column of rec that cols does not name is passed over.
func BindColumns(family string, rec arrow.RecordBatch, cols []Binding) error {
	sc := rec.Schema()
	for i := range sc.NumFields() {
		name := sc.Field(i).Name
		for _, c := range cols {
			if c.Name == name {
				if err := c.Bind(family, name, rec.Column(i)); err != nil {
					return err
				}
				break
			}
		}
	}
	return nil
}

// Str returns the value of row i of a, "" when a is nil or the value null.
// The string is a view into the batch.
func Str(a *array.String, i int) string {
	if a == nil || a.IsNull(i) {
		return ""
	}
	return a.Value(i)
}

// Thresholds of the verdict, for the families' findings too.
const (
	// SignificantShare: a cause with at least this share of the 5xx gets
	// its hint and its findings.
	SignificantShare = significantShare
	// MinFindingErrors: fewer 5xx of a cause than this give no finding.
	MinFindingErrors = minFindingErrors
)

// Pct formats n/d as a whole percentage, never rounding to 0% or 100%
// unless it is exactly that, as every verdict sentence writes shares.
func Pct(n, d int64) string { return pct(n, d) }

// FloorDiv divides rounding toward negative infinity (a time in µs by a
// bucket width gives the bucket's index).
func FloorDiv(a, b int64) int64 { return floorDiv(a, b) }

// Round4 rounds a ratio to 4 decimals, as the report writes ratios.
func Round4(v float64) float64 { return round4(v) }

// FindWindow returns the stretch of a gap-free timeline whose error rate
// (Errors5xx over Requests) stands out from the rest, or nil. A family
// whose failures are not 5xx (failed connections) fills the two counts with
// its rows and failures to find its window as the verdict finds the 5xx's.
func FindWindow(tl []Bucket) *Window { return findWindow(tl) }

// SpanText writes a span as the verdict does: "13:05 to 13:20 UTC on
// 2026-11-20", with both dates when it spans days.
func SpanText(start, end Time) string { return spanText(start, end) }
