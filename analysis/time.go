package analysis

import (
	"bytes"
	"fmt"
	"time"
)

// Time is an instant of the result model, kept typed from the rows to the
// renderers. Its JSON form is the contract's: an RFC 3339 UTC string with
// as many fractional digits as the instant needs ("2026-11-20T13:05:00Z",
// "2026-11-20T13:05:00.25Z"), and "" for the zero Time, which means "none"
// (a report with no row has no time range).
type Time struct{ time.Time }

// TimeOf returns t as a Time in UTC; the zero time.Time stays zero.
func TimeOf(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.UTC()}
}

// UnixMicro returns the Time us microseconds after the Unix epoch, in UTC.
func UnixMicro(us int64) Time { return Time{time.UnixMicro(us).UTC()} }

// RFC3339 returns t as the JSON contract writes it, without quotes: "" for
// the zero Time.
func (t Time) RFC3339() string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// MarshalJSON writes t as a JSON string (see Time).
func (t Time) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(time.RFC3339Nano)+2)
	b = append(b, '"')
	if !t.IsZero() {
		b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return append(b, '"'), nil
}

// UnmarshalJSON reads a JSON string written by MarshalJSON; "" and null
// give the zero Time.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte("null")) || bytes.Equal(b, []byte(`""`)) {
		*t = Time{}
		return nil
	}
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("report time %s is not a JSON string", b)
	}
	v, err := time.Parse(time.RFC3339Nano, string(b[1:len(b)-1]))
	if err != nil {
		return fmt.Errorf("report time %s: %w", b, err)
	}
	*t = Time{v.UTC()}
	return nil
}
