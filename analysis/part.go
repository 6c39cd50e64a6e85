package analysis

// Part is a family's own piece of a report (Family.Report adds it with
// Report.AddPart): an object of its own in the JSON report, and sections
// that every other format shows. Renderers know nothing of the family: they
// render the sections' generic structures.
type Part struct {
	// Key is the JSON key of the part's object ("cloudfront"); "" when the
	// part has none.
	Key string
	// JSON is the object written under Key. A report decoded from JSON holds
	// the object as a json.RawMessage.
	JSON any
	// Sections are what the text, markdown, HTML and CSV formats show.
	Sections []Section
	// Latency, when set, is the overall latency the family measured (for
	// CloudFront, time taken), for a report with no target latency.
	Latency *Latency
}

// Section is a titled block of a report.
type Section struct {
	// ID names the section for links ("cloudfront"): letters, digits and
	// hyphens.
	ID string
	// Title heads it ("CloudFront").
	Title string
	// Facts are a few figures shown on one line ("cache hit ratio 80.0%").
	Facts []Fact
	// Counts are named counters, shown largest first when not zero
	// ("cached_error 12").
	Counts []Count
	// Tables follow, in order.
	Tables []Table
	// Timelines are per-row states over time, such as each target's health
	// from health checks.
	Timelines []StateTimeline
}

// Fact is one labelled figure of a Section.
type Fact struct {
	// Label says what the figure is, in lower case ("time taken").
	Label string
	Kind  CellKind
	Value Cell
}

// Count is one named counter of a Section.
type Count struct {
	Key string
	N   int64
}

// Table is a table of typed cells. Renderers escape every cell for their
// format; CSV neutralises formulas.
type Table struct {
	// Name is the table's name for "-o csv --table NAME"; "" when CSV does
	// not offer it.
	Name string
	// Title heads the table where a format shows table titles (HTML).
	// Text and markdown show no title: the first column's header names the
	// rows.
	Title   string
	Columns []Column
	// Rows hold one Cell per column, in the order shown: renderers do not
	// sort.
	Rows [][]Cell
	// Top caps the rows the text and markdown formats show; 0 shows all.
	Top int
}

// Column describes one column of a Table.
type Column struct {
	// Header names the column ("Requests", "5xx", "Result type"); text
	// writes it in capitals.
	Header string
	// Key names it in CSV; "" means Header in lower case with "_" for
	// spaces.
	Key  string
	Kind CellKind
	// Bar draws a bar beside each value in HTML, scaled to the column's
	// largest.
	Bar Bar
}

// CellKind says what a cell holds and how formats write it.
type CellKind uint8

const (
	// CellName is a log-derived identifier (host, path, result type): code
	// in markdown and HTML, sanitised everywhere.
	CellName CellKind = iota
	// CellText is prose.
	CellText
	// CellCount is an integer count (Cell.N).
	CellCount
	// CellRate is a fraction written as a percentage (Cell.F).
	CellRate
	// CellMs is a duration in milliseconds (Cell.F).
	CellMs
	// CellLatency is p50, p95 and p99 in milliseconds (Cell.Latency): three
	// columns in tables, one figure in facts.
	CellLatency
	// CellTime is an instant (Cell.Time).
	CellTime
)

// Bar is the kind of bar HTML draws beside a count.
type Bar uint8

const (
	NoBar Bar = iota
	// BarRequests is drawn in the colour of requests.
	BarRequests
	// BarErrors is drawn in the colour of 5xx.
	BarErrors
)

// Cell is one value of a Table or Fact; the field its kind names is set.
type Cell struct {
	Text    string
	N       int64
	F       float64
	Latency Latency
	Time    Time
}

// Cells for each kind.
func NameCell(s string) Cell     { return Cell{Text: s} }
func CountCell(n int64) Cell     { return Cell{N: n} }
func RateCell(f float64) Cell    { return Cell{F: f} }
func MsCell(f float64) Cell      { return Cell{F: f} }
func LatencyCell(l Latency) Cell { return Cell{Latency: l} }
func TimeCell(t Time) Cell       { return Cell{Time: t} }

// StateTimeline shows, for each row (a target), its state over time as a
// strip of cells, one per bucket: health from health checks, say.
type StateTimeline struct {
	Title string
	// Start and Bucket place the cells in time: cell i covers
	// [Start+i·BucketSeconds, Start+(i+1)·BucketSeconds).
	Start         Time
	BucketSeconds int64
	// States name the states a cell can be in, in order of severity
	// ("healthy", "unhealthy"); a cell holds an index into States, or -1
	// for no data.
	States []string
	Rows   []StateRow
}

// StateRow is one row of a StateTimeline.
type StateRow struct {
	Name  string
	Cells []int8
}

// AddPart adds a family's part to the report.
func (r *Report) AddPart(p Part) { r.Parts = append(r.Parts, p) }

// Part returns the part with JSON key key, or nil.
func (r *Report) Part(key string) *Part {
	for i := range r.Parts {
		if r.Parts[i].Key == key {
			return &r.Parts[i]
		}
	}
	return nil
}
