package connlog

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/lbtriage/lbtriage/internal/numfmt"

	"github.com/lbtriage/lbtriage/analysis"
)

// tableTop is how many rows of each table the text and markdown formats
// show.
const tableTop = 10

// The CSV tables of the connections part (-o csv --table NAME).
const (
	tableFailures     = "connection-failures"
	tableClients      = "connection-clients"
	tableListeners    = "connection-listeners"
	tableNodes        = "connection-nodes"
	tableCertificates = "connection-certificates"
)

// Tables lists the CSV tables of the connections part, in the order it
// shows them (the certificates' when the logs name certificates), for the
// taxonomy of every family on connlog (analysis.Taxonomy.Tables).
func Tables() []string {
	return []string{tableFailures, tableClients, tableListeners, tableNodes, tableCertificates}
}

// maxStripCells caps the cells of a state timeline: past it, a cell covers
// several buckets.
const maxStripCells = 120

// States of the failure timelines, by the share of a cell's connections
// that failed.
var failStates = []string{"under 5% failed", "5% to 20% failed", "20% or more failed"}

// Part returns the report part of the state: the "connections" JSON object
// and its section. The figures are computed once and kept for Verdict.
// requests, when > 0, are the requests of the access logs read beside the
// connections: the part relates them to the connections that completed.
func (s *State) Part(top int, voc Vocabulary, requests int64) analysis.Part {
	f := s.figures(top, voc)
	if ok := s.total - s.failed; requests > 0 && ok > 0 {
		f.RequestsPerConnection = &PerConnection{Requests: requests, Connections: ok, Mean: analysis.Round4(float64(requests) / float64(ok))}
	}
	sec := analysis.Section{ID: "connections", Title: "Connections"}
	sec.Facts = []analysis.Fact{
		{Label: "connections", Kind: analysis.CellCount, Value: analysis.CountCell(f.Total)},
		{Label: "failed", Kind: analysis.CellCount, Value: analysis.CountCell(f.Failed)},
		{Label: "failure rate", Kind: analysis.CellRate, Value: analysis.RateCell(f.FailureRate)},
		{Label: "failing clients", Kind: analysis.CellCount, Value: analysis.CountCell(f.FailingClients)},
	}
	if f.HandshakeMs != nil {
		sec.Facts = append(sec.Facts, analysis.Fact{Label: "handshake", Kind: analysis.CellLatency, Value: analysis.LatencyCell(*f.HandshakeMs)})
	}
	if f.ConnectionMs != nil {
		sec.Facts = append(sec.Facts, analysis.Fact{Label: "connection", Kind: analysis.CellLatency, Value: analysis.LatencyCell(*f.ConnectionMs)})
	}
	if pc := f.RequestsPerConnection; pc != nil {
		sec.Facts = append(sec.Facts, analysis.Fact{Label: "requests per connection", Kind: analysis.CellText,
			Value: analysis.Cell{Text: strconv.FormatFloat(pc.Mean, 'f', 2, 64)}})
	}
	sec.Tables = append(sec.Tables, reasonTable(f), clientTable(f, voc), listenerTable(f, voc), nodeTable(f))
	if len(f.Certificates) > 0 {
		sec.Tables = append(sec.Tables, certTable(f, voc))
	}
	if tl := s.entityStrip("Failed connections per listener", &s.listeners, func(e *entity) string {
		return voc.Listener(e.name, e.port)
	}); tl != nil {
		sec.Timelines = append(sec.Timelines, *tl)
	}
	if tl := s.entityStrip("Failed connections per node", &s.nodes, func(e *entity) string { return e.name }); tl != nil {
		sec.Timelines = append(sec.Timelines, *tl)
	}
	sec.Timelines = append(sec.Timelines, s.certStrips(voc)...)
	return analysis.Part{Key: PartKey, JSON: f, Sections: []analysis.Section{sec}}
}

// figures returns the state's figures, computing them once.
func (s *State) figures(top int, voc Vocabulary) *Figures {
	if s.fig == nil {
		s.fig = s.Figures(top, voc)
	}
	return s.fig
}

func reasonTable(f *Figures) analysis.Table {
	labels := false // whether the labels say more than the reasons
	for _, r := range f.Reasons {
		labels = labels || r.Label != r.Reason
	}
	t := analysis.Table{
		Name: tableFailures, Title: "Failed connections by reason", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Reason", Kind: analysis.CellName},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Share", Kind: analysis.CellRate},
			{Header: "Clients", Kind: analysis.CellCount},
			{Header: "First", Kind: analysis.CellTime},
			{Header: "Last", Kind: analysis.CellTime},
		},
	}
	if labels {
		t.Columns = slices.Insert(t.Columns, 1, analysis.Column{Header: "Label", Kind: analysis.CellText})
	}
	for _, r := range f.Reasons {
		row := []analysis.Cell{analysis.NameCell(r.Reason), analysis.CountCell(r.Failed),
			analysis.RateCell(r.Share), analysis.CountCell(r.Clients), analysis.TimeCell(r.First), analysis.TimeCell(r.Last)}
		if labels {
			row = slices.Insert(row, 1, analysis.Cell{Text: r.Label})
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func clientTable(f *Figures, voc Vocabulary) analysis.Table {
	var certs, protos bool
	for _, c := range f.Clients {
		certs = certs || c.Certificate != ""
		protos = protos || len(c.Protocols) > 0
	}
	t := analysis.Table{
		Name: tableClients, Title: "Clients, the most failed connections first", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Client", Kind: analysis.CellName},
			{Header: "Connections", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Reasons", Kind: analysis.CellName},
			{Header: "First failed", Kind: analysis.CellTime},
		},
	}
	// The TLS versions tell older clients apart; with client certificates,
	// these say more.
	protos = protos && !certs
	if protos {
		t.Columns = append(t.Columns, analysis.Column{Header: "TLS", Key: "protocols", Kind: analysis.CellText})
	}
	if certs {
		t.Columns = append(t.Columns, analysis.Column{Header: "Client certificate", Key: "certificate", Kind: analysis.CellName},
			analysis.Column{Header: "Not after", Key: "not_after", Kind: analysis.CellTime})
	}
	for _, c := range f.Clients {
		row := []analysis.Cell{analysis.NameCell(c.Client), analysis.CountCell(c.Connections), analysis.CountCell(c.Failed),
			analysis.NameCell(reasonList(c.ByReason, 2)), analysis.TimeCell(c.FirstFailed)}
		if protos {
			row = append(row, analysis.Cell{Text: strings.Join(c.Protocols, ", ")})
		}
		if certs {
			row = append(row, analysis.NameCell(c.Certificate), analysis.TimeCell(c.NotAfter))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

func listenerTable(f *Figures, voc Vocabulary) analysis.Table {
	ports := false // whether the ports say more than the listeners' names
	for _, l := range f.Listeners {
		ports = ports || l.Port != 0 && l.Listener != strconv.Itoa(int(l.Port))
	}
	t := analysis.Table{
		Name: tableListeners, Title: "Listeners", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Listener", Kind: analysis.CellName},
			{Header: "Port", Kind: analysis.CellText},
			{Header: "Connections", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Rate", Key: "failure_rate", Kind: analysis.CellRate},
			{Header: "Reasons", Kind: analysis.CellName},
		},
	}
	for _, l := range f.Listeners {
		port := ""
		if l.Port != 0 {
			port = strconv.Itoa(int(l.Port))
		}
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(l.Listener), {Text: port}, analysis.CountCell(l.Connections),
			analysis.CountCell(l.Failed), analysis.RateCell(rate(l.Failed, l.Connections)), analysis.NameCell(reasonList(l.ByReason, 2))})
	}
	if !ports {
		t.Columns = slices.Delete(t.Columns, 1, 2)
		for i := range t.Rows {
			t.Rows[i] = slices.Delete(t.Rows[i], 1, 2)
		}
	}
	return t
}

func nodeTable(f *Figures) analysis.Table {
	t := analysis.Table{
		Name: tableNodes, Title: "Load balancer nodes", Top: tableTop,
		Columns: []analysis.Column{
			{Header: "Node", Kind: analysis.CellName},
			{Header: "Connections", Kind: analysis.CellCount, Bar: analysis.BarRequests},
			{Header: "Share", Kind: analysis.CellText},
			{Header: "Failed", Kind: analysis.CellCount, Bar: analysis.BarErrors},
			{Header: "Rate", Key: "failure_rate", Kind: analysis.CellRate},
			{Header: "Reasons", Kind: analysis.CellName},
		},
	}
	for _, n := range f.Nodes {
		// The share of the connections is no failure rate: text, so that
		// no format marks it as one.
		share := analysis.Cell{Text: strconv.FormatFloat(100*n.Share, 'f', 1, 64) + "%"}
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(n.Node), analysis.CountCell(n.Connections), share,
			analysis.CountCell(n.Failed), analysis.RateCell(rate(n.Failed, n.Connections)), analysis.NameCell(reasonList(n.ByReason, 2))})
	}
	return t
}

func certTable(f *Figures, voc Vocabulary) analysis.Table {
	t := analysis.Table{
		Name: tableCertificates, Title: "Certificates served, per listener", Top: 2 * tableTop,
		Columns: []analysis.Column{
			{Header: "Listener", Kind: analysis.CellName},
			{Header: "Certificate", Kind: analysis.CellName},
			{Header: "First served", Kind: analysis.CellTime},
			{Header: "Last served", Kind: analysis.CellTime},
			{Header: "Connections", Kind: analysis.CellCount},
			{Header: "Failed", Kind: analysis.CellCount},
			{Header: "Reasons", Kind: analysis.CellName},
		},
	}
	for _, c := range f.Certificates {
		t.Rows = append(t.Rows, []analysis.Cell{analysis.NameCell(c.Listener), analysis.NameCell(c.Certificate),
			analysis.TimeCell(c.FirstServed), analysis.TimeCell(c.LastServed), analysis.CountCell(c.Connections),
			analysis.CountCell(c.Failed), analysis.NameCell(reasonList(c.ByReason, 2))})
	}
	return t
}

// reasonList writes the top n reasons of a map as "unknown_ca 1,620,
// handshake_incomplete 101", "+2" for the rest.
func reasonList(m map[string]int64, n int) string {
	type kv struct {
		k string
		v int64
	}
	var s []kv
	for k, v := range m {
		s = append(s, kv{k, v})
	}
	slices.SortFunc(s, func(a, b kv) int {
		if c := cmp.Compare(b.v, a.v); c != 0 {
			return c
		}
		return strings.Compare(a.k, b.k)
	})
	var parts []string
	for i, e := range s {
		if i == n {
			parts = append(parts, "+"+numfmt.Int(int64(len(s)-n)))
			break
		}
		parts = append(parts, e.k+" "+numfmt.Int(e.v))
	}
	return strings.Join(parts, ", ")
}

func rate(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) / float64(d)
}

// stripGeometry returns the first bucket, the buckets per cell and the
// number of cells of the state timelines; ok is false with no bucket.
func (s *State) stripGeometry() (first, per int64, cells int, ok bool) {
	keys := s.bucketKeys()
	if len(keys) == 0 {
		return 0, 0, 0, false
	}
	first, last := keys[0], keys[len(keys)-1]
	span := last - first + 1
	per = max(1, (span+maxStripCells-1)/maxStripCells)
	return first, per, int((span + per - 1) / per), true
}

// entityStrip returns the failure timeline of listeners or nodes, nil when
// there are fewer than one.
func (s *State) entityStrip(title string, e *entities, name func(*entity) string) *analysis.StateTimeline {
	first, per, cells, ok := s.stripGeometry()
	if !ok || len(e.list) == 0 {
		return nil
	}
	acc := make([][]counts, len(e.list))
	for i := range acc {
		acc[i] = make([]counts, cells)
	}
	for i := range e.list {
		for k, c := range e.list[i].series.m {
			cell := (k - first) / per
			if cell < 0 || cell >= int64(cells) {
				continue
			}
			a := &acc[i][cell]
			a.conns += c.conns
			a.failed += c.failed
		}
	}
	tl := &analysis.StateTimeline{Title: title, Start: analysis.UnixMicro(first * s.bucketUS),
		BucketSeconds: per * s.bucketUS / 1e6, States: failStates}
	for _, i := range e.order() {
		row := analysis.StateRow{Name: name(&e.list[i]), Cells: make([]int8, cells)}
		for j, c := range acc[i] {
			switch {
			case c.conns == 0:
				row.Cells[j] = -1
			case c.failed*20 < c.conns:
				row.Cells[j] = 0
			case c.failed*5 < c.conns:
				row.Cells[j] = 1
			default:
				row.Cells[j] = 2
			}
		}
		tl.Rows = append(tl.Rows, row)
	}
	return tl
}

// maxStripCerts is the most certificates a listener's certificate strip
// tells apart (the renderers' glyphs).
const maxStripCerts = 4

// certStrips returns, for each listener that served several certificates,
// a timeline of the certificate it served most in each cell, by the
// connections' start.
func (s *State) certStrips(voc Vocabulary) []analysis.StateTimeline {
	first, per, cells, ok := s.stripGeometry()
	if !ok {
		return nil
	}
	byListener := map[string][]int32{}
	for _, i := range s.certOrder() {
		l := s.certList[i].listener
		byListener[l] = append(byListener[l], i)
	}
	var out []analysis.StateTimeline
	for _, li := range s.listeners.order() {
		e := &s.listeners.list[li]
		certs := byListener[e.name]
		if len(certs) < 2 || len(certs) > maxStripCerts {
			continue
		}
		tl := analysis.StateTimeline{Title: "Certificate served by " + voc.Listener(e.name, e.port), Start: analysis.UnixMicro(first * s.bucketUS),
			BucketSeconds: per * s.bucketUS / 1e6}
		acc := make([][maxStripCerts]int64, cells)
		for j, ci := range certs {
			tl.States = append(tl.States, ShortCert(s.certList[ci].arn))
			for k, n := range s.certList[ci].series.m {
				if cell := (k - first) / per; cell >= 0 && cell < int64(cells) {
					acc[cell][j] += n.conns
				}
			}
		}
		row := analysis.StateRow{Name: voc.Listener(e.name, e.port), Cells: make([]int8, cells)}
		for j := range acc {
			row.Cells[j] = -1
			var best int64
			for c, n := range acc[j] {
				if n > best {
					best, row.Cells[j] = n, int8(c)
				}
			}
		}
		tl.Rows = []analysis.StateRow{row}
		out = append(out, tl)
	}
	return out
}

// ShortCert shortens a certificate ARN to what follows its last "/" (the
// certificate's ID), for sentences and legends.
func ShortCert(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 && i+1 < len(arn) {
		return arn[i+1:]
	}
	return arn
}
