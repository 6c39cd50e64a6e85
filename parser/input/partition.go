package input

import (
	"strings"
	"time"
)

// DayPartitionKey is the name of the Hive partition folders of days that
// lbtriage's Parquet lake writes: "day=2026-11-20".
const DayPartitionKey = "day"

// DayPartition returns the UTC day of folder, a folder's base name (a
// trailing "/" is ignored), when it is a day partition "day=YYYY-MM-DD".
func DayPartition(folder string) (time.Time, bool) {
	v, ok := strings.CutPrefix(strings.TrimSuffix(folder, "/"), DayPartitionKey+"=")
	if !ok {
		return time.Time{}, false
	}
	day, err := time.Parse(time.DateOnly, v)
	return day, err == nil
}

// DayOutside reports whether folder is a day partition (DayPartition)
// whose day lies wholly outside [since, until) (a zero bound is open): its
// files hold rows of that day only, so a windowed run need not list or
// read them. Any other folder is not outside.
func DayOutside(folder string, since, until time.Time) bool {
	day, ok := DayPartition(folder)
	if !ok {
		return false
	}
	return !since.IsZero() && !day.AddDate(0, 0, 1).After(since) || !until.IsZero() && !day.Before(until)
}
