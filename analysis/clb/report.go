package clb

import (
	"cmp"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
)

// PartKey is the JSON key of the Classic part of a report.
const PartKey = "clb"

// Figures holds what only Classic logs have: the "clb" object of the JSON
// report (docs/report-json.md).
type Figures struct {
	// Listeners are the listeners' lines: requests (HTTP, HTTPS) and
	// connections (TCP, SSL), in that order, those with lines only.
	Listeners []Listener `json:"listeners"`
	// Connections are the lines of TCP and SSL listeners, which carry no
	// HTTP status and are never 5xx.
	Connections Connections `json:"connections"`
	// Unnamed5xx counts, per cause, the 5xx whose line names no instance
	// (backend "-").
	Unnamed5xx map[string]int64 `json:"errors_5xx_without_instance"`
	// Timeouts, when the report has target.timeout 5xx, are the instances'
	// slow requests in the minutes that had them.
	Timeouts *Timeouts `json:"timeouts,omitempty"`
}

// Listener counts the lines of one listener protocol.
type Listener struct {
	Listener    string `json:"listener"`
	Requests    int64  `json:"requests"`
	Errors5xx   int64  `json:"errors_5xx"`
	Connections int64  `json:"connections"`
}

// Connections counts the TCP and SSL connections.
type Connections struct {
	Total int64 `json:"total"`
	// WithoutInstance counts those whose line names no instance.
	WithoutInstance int64 `json:"without_instance"`
	// ConnectMs are the percentiles of the time taken to connect to the
	// instance (backend_processing_time of a TCP or SSL line).
	ConnectMs analysis.Latency `json:"connect_ms"`
	Instances []ConnInstance   `json:"instances"`
}

// ConnInstance counts the connections to one instance.
type ConnInstance struct {
	Instance    string           `json:"instance"`
	Connections int64            `json:"connections"`
	ConnectMs   analysis.Latency `json:"connect_ms"`
}

// Timeouts tells which instances answered slowly in the minutes of the
// target.timeout 5xx, whose lines name no instance.
type Timeouts struct {
	Errors5xx int64 `json:"errors_5xx"`
	// First and End bound the minutes (buckets) compared, Minutes counts
	// them: the window where the timeouts stand out, else every minute
	// that had one.
	First   analysis.Time `json:"first"`
	End     analysis.Time `json:"end"`
	Minutes int           `json:"minutes"`
	// SlowSeconds is the threshold of SlowRequests: the lowest at which
	// one instance stands out, else 1 s.
	SlowSeconds float64        `json:"slow_seconds"`
	Instances   []SlowInstance `json:"instances"`
	// Suspect is the instance that answered most of those slow requests,
	// named as the likely one for the timeouts; "" when none stands out.
	Suspect string `json:"suspect"`
}

// SlowInstance is one instance's slow requests in those minutes.
type SlowInstance struct {
	Instance     string  `json:"instance"`
	SlowRequests int64   `json:"slow_requests"`
	LongestMs    float64 `json:"longest_ms"`
}

// figures returns the Classic figures of state s for report r.
func (s *state) figures(r *analysis.Report, bucketUS int64) *Figures {
	f := &Figures{Listeners: []Listener{}, Unnamed5xx: map[string]int64{}}
	for i, l := range s.listeners {
		if l.requests+l.connections > 0 {
			f.Listeners = append(f.Listeners, Listener{Listener: listenerNames[i], Requests: l.requests, Errors5xx: l.errors, Connections: l.connections})
		}
		f.Connections.Total += l.connections
	}
	for i, c := range taxonomy.Causes {
		if n := s.unnamed[i+1]; n > 0 {
			f.Unnamed5xx[c.Code] = n
		}
	}
	f.Connections.WithoutInstance = s.connNoBackend
	f.Connections.ConnectMs = analysis.Quantiles(s.connect)
	f.Connections.Instances = []ConnInstance{}
	for _, c := range s.conns {
		f.Connections.Instances = append(f.Connections.Instances, ConnInstance{
			Instance: instName(c.key), Connections: c.connections, ConnectMs: analysis.Quantiles(c.connect)})
	}
	slices.SortFunc(f.Connections.Instances, func(a, b ConnInstance) int {
		if c := cmp.Compare(b.Connections, a.Connections); c != 0 {
			return c
		}
		return strings.Compare(a.Instance, b.Instance)
	})
	if v := slowness(s, r, bucketUS); v != nil {
		t := &Timeouts{Errors5xx: v.timeouts, Minutes: v.minutes, SlowSeconds: slowEdges[v.edge], Instances: []SlowInstance{},
			First: analysis.UnixMicro(v.first * bucketUS), End: analysis.UnixMicro((v.last + 1) * bucketUS)}
		for _, row := range v.rows {
			t.Instances = append(t.Instances, SlowInstance{Instance: row.name, SlowRequests: row.n, LongestMs: analysis.Round4(row.maxMs)})
		}
		if v.suspect {
			t.Suspect = v.rows[0].name
		}
		f.Timeouts = t
	}
	return f
}

// connectionsTop is how many instances the text and markdown reports list
// in the connections table.
const connectionsTop = 10

// Part returns the report part of figures f: the "clb" JSON object and
// its section.
func Part(f *Figures) analysis.Part {
	sec := analysis.Section{ID: "clb", Title: "Classic Load Balancer"}
	sec.Facts = append(sec.Facts, analysis.Fact{Label: "TCP and SSL connections", Kind: analysis.CellCount, Value: analysis.CountCell(f.Connections.Total)})
	if f.Connections.ConnectMs != (analysis.Latency{}) {
		sec.Facts = append(sec.Facts, analysis.Fact{Label: "time to connect to the instance", Kind: analysis.CellLatency, Value: analysis.LatencyCell(f.Connections.ConnectMs)})
	}
	for _, c := range taxonomy.Causes {
		sec.Counts = append(sec.Counts, analysis.Count{Key: c.Code + " without instance", N: f.Unnamed5xx[c.Code]})
	}
	lt := analysis.Table{
		Name: tableListeners, Title: "Listeners",
		Columns: []analysis.Column{
			{Header: "Listener", Kind: analysis.CellName},
			{Header: "Requests", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "5xx", Key: "errors_5xx", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Connections", Kind: analysis.CellCount},
		},
	}
	for _, l := range f.Listeners {
		lt.Rows = append(lt.Rows, []analysis.Cell{analysis.NameCell(l.Listener), analysis.CountCell(l.Requests),
			analysis.CountCell(l.Errors5xx), analysis.CountCell(l.Connections)})
	}
	sec.Tables = append(sec.Tables, lt)
	ct := analysis.Table{
		Name: tableConnections, Title: "TCP and SSL connections per instance", Top: connectionsTop,
		Columns: []analysis.Column{
			{Header: "Connected instance", Key: "instance", Kind: analysis.CellName},
			{Header: "Connections", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Connect", Key: "connect_ms", Kind: analysis.CellLatency},
		},
	}
	for _, c := range f.Connections.Instances {
		ct.Rows = append(ct.Rows, []analysis.Cell{analysis.NameCell(c.Instance), analysis.CountCell(c.Connections), analysis.LatencyCell(c.ConnectMs)})
	}
	st := analysis.Table{
		Name: tableSlow, Title: "Slow requests per instance in the minutes of the 504 timeouts",
		Columns: []analysis.Column{
			{Header: "Slow instance", Key: "instance", Kind: analysis.CellName},
			{Header: "Slow requests", Key: "slow_requests", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Longest ms", Key: "longest_ms", Kind: analysis.CellMs},
		},
	}
	if t := f.Timeouts; t != nil {
		st.Title = "Instances answering in " + seconds(t.SlowSeconds) + " or more in the minutes of the 504 timeouts"
		st.Columns[1].Header = "Requests in " + seconds(t.SlowSeconds) + " or more"
		for _, i := range t.Instances {
			st.Rows = append(st.Rows, []analysis.Cell{analysis.NameCell(i.Instance), analysis.CountCell(i.SlowRequests), analysis.MsCell(i.LongestMs)})
		}
	}
	sec.Tables = append(sec.Tables, ct, st)
	return analysis.Part{Key: PartKey, JSON: f, Sections: []analysis.Section{sec}}
}
