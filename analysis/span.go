package analysis

import (
	"math"
	"time"
)

// period is what a report covers: the rows inside the window, between the
// --since/--until bounds when given. The stretches the verdict finds (a
// window of 5xx, a quiet node) are runs of timeline buckets; period clips
// them to what was read, so that none starts before the first row or the
// period's start, or ends after the last row or the period's end, and says
// when one runs from the start or to the end of what was read: a burst
// that is already there in the first bucket may have begun before it.
type period struct {
	// first and last are the times of the first and last rows, in µs.
	first, last int64
	// since and until are the --since/--until bounds in µs, or
	// math.MinInt64 and math.MaxInt64 when open.
	since, until int64
	// firstKey and lastKey are the first and last buckets with rows.
	firstKey, lastKey int64
	bucketUS          int64
}

// periodOf returns the period of a's rows inside the window (requests or
// not), with first > last when there is none.
func periodOf(a *Aggregator) period {
	p := period{first: a.admitFirst, last: a.admitLast, since: a.sinceUS, until: a.untilUS, bucketUS: a.bucketUS,
		firstKey: math.MaxInt64, lastKey: math.MinInt64}
	for _, b := range a.bucketList {
		p.firstKey, p.lastKey = min(p.firstKey, b.key), max(p.lastKey, b.key)
	}
	return p
}

// span is a stretch of buckets clipped to the period.
type span struct {
	Start, End Time
	// OpenStart: the span starts with the first bucket of rows, so what it
	// tells may have begun before; OpenEnd: it ends with the last bucket,
	// so it may go on.
	OpenStart, OpenEnd bool
}

// span returns the stretch of the buckets from key k0 to key k1 (both
// included), clipped to the period: from the later of the bucket's start,
// the period's start and the first row's minute, to the earlier of the
// last bucket's end, the period's end and the end of the last row's
// minute (buckets shorter than a minute: their own edges).
func (p period) span(k0, k1 int64) span {
	unit := min(p.bucketUS, time.Minute.Microseconds())
	start := max(k0*p.bucketUS, p.since, floorDiv(p.first, unit)*unit)
	end := min((k1+1)*p.bucketUS, p.until, (floorDiv(p.last, unit)+1)*unit)
	end = max(end, start)
	return span{
		Start:     UnixMicro(start),
		End:       UnixMicro(end),
		OpenStart: k0 <= p.firstKey,
		OpenEnd:   k1 >= p.lastKey,
	}
}

// edge names what an open end of a span is the edge of: "period" when it
// is at the --since or --until bound, else "logs" (the rows read end
// there).
func (p period) edge(us int64, bound int64) string {
	if us == bound {
		return "period"
	}
	return "logs"
}

// phrase writes a span for a sentence, saying where it meets the edge of
// what was read: "from 13:05 to 13:20 UTC on 2026-11-20", "from the start
// of the period at 13:15 to 13:20 UTC on 2026-11-20", "since 13:05 UTC on
// 2026-11-20, to the end of the logs at 13:35".
func (p period) phrase(s span) string {
	start, end := s.Start.UTC(), s.End.UTC()
	oneDay := start.Format(time.DateOnly) == end.Add(-time.Nanosecond).Format(time.DateOnly)
	at := func(t time.Time) string {
		if oneDay {
			return ClockText(t)
		}
		return t.Format(time.DateOnly) + " " + ClockText(t)
	}
	utc := " UTC"
	if oneDay {
		utc += " on " + start.Format(time.DateOnly)
	}
	switch {
	case s.OpenStart && s.OpenEnd:
		return "over the whole " + p.edge(s.Start.UnixMicro(), p.since) + ", " + at(start) + " to " + at(end) + utc
	case s.OpenStart:
		return "from the start of the " + p.edge(s.Start.UnixMicro(), p.since) + " at " + at(start) + " to " + at(end) + utc
	case s.OpenEnd:
		return "since " + at(start) + utc + ", to the end of the " + p.edge(s.End.UnixMicro(), p.until) + " at " + at(end)
	}
	return "from " + at(start) + " to " + at(end) + utc
}

// ClockText writes a time of day as "13:05", or "13:05:30" when it has
// seconds.
func ClockText(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("15:04:05")
	}
	return t.Format("15:04")
}
