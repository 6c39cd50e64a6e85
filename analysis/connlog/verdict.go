package connlog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// Domains are the domains of a connection family's taxonomy: the parties
// of a connection. Its rows have no 5xx, so the report's figures of 5xx by
// domain are zero; a taxonomy needs domains all the same.
func Domains() []analysis.Domain {
	return []analysis.Domain{
		{Key: "client", Title: "client", Role: "the clients", Side: "the clients' side", Party: analysis.PartyClient},
		{Key: "load_balancer", Title: "load balancer", Role: "the load balancer", Side: "the load balancer's side", Party: analysis.PartyFront},
	}
}

// Vocabulary is a family's words for its connections.
type Vocabulary interface {
	// Reason describes a failure reason of the family.
	Reason(reason string) ReasonInfo
	// Listener names a listener in sentences and tables ("listener
	// 3f9c1e7a52d04b86 (port 443)", "port 8443").
	Listener(name string, port uint16) string
}

// ReasonInfo describes a failure reason.
type ReasonInfo struct {
	// Label names it for people ("TLS alert 48 unknown_ca").
	Label string
	// Meaning says what happened, after "because" ("the client does not
	// trust the authority that issued the certificate it was served").
	Meaning string
	// Hint says what to check.
	Hint string
	// ServedCert: the client rejected the certificate the load balancer
	// served; a change of certificate is the first suspect.
	ServedCert bool
	// ClientCert: the load balancer rejected the certificate the client
	// presented (mutual TLS).
	ClientCert bool
	// Noise, when set, says what a steady trickle of the reason usually is
	// ("scanners and probes that open a connection and send nothing").
	Noise string
}

// Thresholds of the verdict.
const (
	// noiseRate: failures under this share of the connections, in no
	// window, are no fault.
	noiseRate = 0.01
	// listenerShare: a listener with this share of a reason's failures is
	// where they are.
	listenerShare = 0.9
	// certShare: a certificate with this share of a listener's failures of
	// a reason is the one rejected.
	certShare = 0.9
	// nodeConcentration: a node with this share of a reason's failures,
	// and nodeRatio times its share of the connections, concentrates them.
	nodeConcentration = 0.5
	nodeRatio         = 1.5
	// namedClients is how many failing clients a finding names.
	namedClients = 10
	// summaryClients: with at most this many failing clients, the summary
	// names them.
	summaryClients = 3
)

// Verdict returns the verdict of the state's connections, which lead the
// report: a headline, a lead naming the reason, the clients, the listener
// and the window, findings and hints. In a report with requests and 5xx,
// Follow makes it follow the 5xx instead. fault says whether connections
// fail beyond a steady trickle.
func (s *State) Verdict(voc Vocabulary, r *analysis.Report) (p analysis.VerdictPart, fault bool) {
	f := s.fig
	if f == nil {
		f = s.figures(analysis.DefaultTop, voc)
	}
	switch {
	case s.total == 0:
		p.Headline = "No connections"
		p.Lead = "No connections were read; nothing to judge."
		if n := r.Lines.OutsideWindow; n > 0 {
			p.Lead = fmt.Sprintf("No connections inside the selected time window (%s rows outside it); nothing to judge.", numfmt.Int(n))
		}
		return p, false
	case s.failed == 0:
		p.Headline = "No failed connections in " + numfmt.Int(s.total) + " connections"
		p.Lead = fmt.Sprintf("All %s connections from %s completed their TLS handshake.", numfmt.Int(s.total), s.spanText(s.first, s.last))
		return p, false
	}
	id, _ := s.primary()
	v := verdict{s: s, voc: voc, f: f, id: id, info: voc.Reason(s.reasons[id])}
	fault = v.write(&p)
	p.Fault = fault
	return p, fault
}

// Follow turns a verdict part that leads into one whose sentences follow
// the core's: no headline, the lead as a summary sentence.
func Follow(p analysis.VerdictPart) analysis.VerdictPart {
	p.Summary = strings.TrimSpace(p.Lead + " " + p.Summary)
	p.Lead, p.Headline = "", ""
	return p
}

// verdict holds what the verdict's sentences share.
type verdict struct {
	s    *State
	voc  Vocabulary
	f    *Figures
	id   uint8 // the primary reason
	info ReasonInfo
}

// write writes the verdict of connections with failures into p, and
// reports whether they are a fault rather than a steady trickle.
func (v *verdict) write(p *analysis.VerdictPart) bool {
	s, f, id, info := v.s, v.f, v.id, v.info
	n := s.reasonStat[id].failed
	label := info.Label
	// A fault: failures bunched in a window, many failures, or failures of
	// a reason that is no usual trickle.
	if f.Window == nil && float64(s.failed) < noiseRate*float64(s.total) && (info.Noise != "" || n < analysis.MinFindingErrors) {
		p.Headline = fmt.Sprintf("No connection failure stands out: %s of %s failed", numfmt.Int(s.failed), numfmt.Int(s.total))
		p.Lead = fmt.Sprintf("%s of %s connections (%s) failed their TLS handshake from %s, at a steady rate: no window stands out.",
			numfmt.Int(s.failed), numfmt.Int(s.total), analysis.Pct(s.failed, s.total), s.spanText(s.first, s.last))
		p.Findings = append(p.Findings, v.otherReasons(0)...)
		return false
	}
	clients := v.clientsOf(id)
	k := int64(len(clients))
	if s.pairsOver > 0 || s.clientsOver > 0 {
		k = s.clientsWith(id)
	}
	where, li := v.where()
	when := v.when()
	share := fmt.Sprintf("%s failed connections, %s of the %s failures", numfmt.Int(n), analysis.Pct(n, s.failed), numfmt.Int(s.failed))
	// With few clients, the sentence names them: "203.0.113.24 (Contoso
	// Payments, certificate expired 13:00) and 203.0.113.57 (...)".
	named, who := "", "they"
	if len(clients) > 0 && len(clients) <= summaryClients && k == int64(len(clients)) {
		who = andList(v.clientNames(clients))
		named = ": " + who + ","
	}
	change, changed := v.certChange(li)
	meaning := capital(info.Meaning) + "."
	switch {
	case changed:
		until := "since"
		if !v.lastsToEnd() {
			until = "until " + clock(s.reasonStat[id].last)
		}
		p.Headline = fmt.Sprintf("Clients reject the new certificate of %s: %s", where, label)
		p.Lead = fmt.Sprintf("After the certificate of %s changed at %s UTC%s, %s%s %s it with %s: %s failed connections %s, %s of the %s failures. %s",
			where, clock(change.at), s.dateSuffix(change.at), numfmt.Count(k, "client", "clients"), strings.TrimSuffix(named, ","), verb(k, len(clients), "reject"), label,
			numfmt.Int(n), until, analysis.Pct(n, s.failed), numfmt.Int(s.failed), meaning)
	case info.ClientCert:
		p.Headline = fmt.Sprintf("%s cannot connect: %s on %s", capital(numfmt.Count(k, "client", "clients")), label, where)
		p.Lead = fmt.Sprintf("%s cannot connect: %s %s %s on %s %s (%s). %s",
			capital(numfmt.Count(k, "client", "clients")), who, verb(k, len(clients), "fail"), label, where, when, share, meaning)
	default:
		p.Headline = fmt.Sprintf("%s cannot connect: %s, %s of failed connections", capital(numfmt.Count(k, "client", "clients")), label, analysis.Pct(n, s.failed))
		p.Lead = fmt.Sprintf("%s%s %s with %s on %s %s (%s). %s",
			capital(numfmt.Count(k, "client", "clients")), strings.TrimSuffix(named, ","), verb(k, len(clients), "fail"), label, where, when, share, meaning)
	}
	p.Lead += " They never make a request, so no access log shows them."
	if f := v.clientFinding(clients, k); f != "" {
		p.Findings = append(p.Findings, f)
	}
	if changed {
		p.Findings = append(p.Findings, v.certFinding(change))
	}
	if f := v.protocolFinding(clients); f != "" {
		p.Findings = append(p.Findings, f)
	}
	if f := v.nodeFinding(); f != "" {
		p.Findings = append(p.Findings, f)
	}
	if f := v.listenerFinding(li); f != "" {
		p.Findings = append(p.Findings, f)
	}
	p.Findings = append(p.Findings, v.otherReasons(id)...)
	if info.Hint != "" {
		p.Hints = append(p.Hints, label+": "+info.Hint)
	}
	for _, r := range s.rankedReasons() {
		if r == id || float64(s.reasonStat[r].failed) < analysis.SignificantShare*float64(s.failed) {
			continue
		}
		if ri := v.voc.Reason(s.reasons[r]); ri.Hint != "" && ri.Noise == "" {
			p.Hints = append(p.Hints, ri.Label+": "+ri.Hint)
		}
	}
	return true
}

// clientsOf returns the clients (indexes) with failures of reason id, the
// most first.
func (v *verdict) clientsOf(id uint8) []int32 {
	s := v.s
	var out []int32
	for k := range s.pairs {
		if k.reason == id && k.client >= 0 {
			out = append(out, k.client)
		}
	}
	slices.SortFunc(out, func(x, y int32) int {
		if c := cmp.Compare(s.pairs[pairKey{y, id}], s.pairs[pairKey{x, id}]); c != 0 {
			return c
		}
		return strings.Compare(s.clientKeys[x], s.clientKeys[y])
	})
	return out
}

// clientNames names clients, with their certificate when they presented
// one.
func (v *verdict) clientNames(clients []int32) []string {
	out := make([]string, 0, len(clients))
	for _, i := range clients {
		out = append(out, v.clientName(i))
	}
	return out
}

// clientName names a client by its address, with who its certificate
// says it is and when that certificate expired, if before its failures:
// "203.0.113.24 (Contoso Payments, certificate expired 13:00)".
func (v *verdict) clientName(i int32) string {
	s := v.s
	c := &s.clientList[i]
	name := s.clientKeys[i]
	var about []string
	if who := subjectName(c.identity); who != "" {
		about = append(about, who)
	}
	if c.notAfter != 0 && c.notAfter <= c.lastFailed {
		about = append(about, "certificate expired "+clock(c.notAfter))
	}
	if len(about) == 0 {
		return name
	}
	return name + " (" + strings.Join(about, ", ") + ")"
}

// subjectName returns the organisation (O=) of a certificate subject, else
// its common name (CN=), else the subject. Commas escaped with "\" are
// part of a value.
func subjectName(subject string) string {
	var cn string
	for rest := subject; rest != ""; {
		rdn := rest
		rest = ""
		for i := 0; i < len(rdn); i++ {
			if rdn[i] == '\\' {
				i++
			} else if rdn[i] == ',' {
				rdn, rest = rdn[:i], rdn[i+1:]
				break
			}
		}
		k, val, ok := strings.Cut(strings.TrimSpace(rdn), "=")
		val = strings.ReplaceAll(val, "\\,", ",")
		switch {
		case !ok:
		case k == "O" && val != "":
			return val
		case k == "CN":
			cn = val
		}
	}
	if cn != "" {
		return cn
	}
	return subject
}

// where names the listener of the primary reason's failures, or how many
// listeners they are on; li is the listener's index, -1 for several.
func (v *verdict) where() (string, int32) {
	s := v.s
	n := s.reasonStat[v.id].failed
	best, with := int32(-1), 0
	for i := range s.listeners.list {
		e := &s.listeners.list[i]
		if e.byReason[v.id] == 0 {
			continue
		}
		with++
		if best < 0 || e.byReason[v.id] > s.listeners.list[best].byReason[v.id] {
			best = int32(i)
		}
	}
	if best >= 0 && float64(s.listeners.list[best].byReason[v.id]) >= listenerShare*float64(n) {
		e := &s.listeners.list[best]
		return v.voc.Listener(e.name, e.port), best
	}
	if with == 0 {
		return "the load balancer", -1
	}
	return fmt.Sprintf("%d listeners", with), -1
}

// when says when the primary reason's failures happened: "since 13:10 UTC
// on 2026-11-20" when they last to the end of the logs, else "from 13:10
// to 13:25 UTC on 2026-11-20".
func (v *verdict) when() string {
	s := v.s
	first, last, toEnd := v.onset(), s.reasonStat[v.id].last, v.lastsToEnd()
	if w := v.f.Window; w != nil {
		// The window leaves out the reason's steady trickle around it.
		if first < w.Start.UnixMicro()-s.bucketUS {
			first = w.Start.UnixMicro()
		}
		if end := w.End.UnixMicro(); end <= analysis.FloorDiv(s.last, s.bucketUS)*s.bucketUS {
			last, toEnd = end-1, false
		}
	}
	if toEnd && analysis.FloorDiv(first, s.bucketUS) > analysis.FloorDiv(s.first, s.bucketUS) {
		m := analysis.FloorDiv(first, minuteUS) * minuteUS
		return "since " + clock(m) + " UTC" + s.dateSuffix(m)
	}
	return "from " + s.spanText(first, last)
}

// strayShare is the share of a reason's failures that may come before its
// onset.
const strayShare = 0.05

// onset returns when the primary reason's failures began, leaving out a
// few early strays: the start of the latest run of buckets with failures
// (consecutive buckets) before which no more than strayShare of them
// happened; the first failure itself when that run is the first.
func (v *verdict) onset() int64 {
	s := v.s
	r := &s.reasonStat[v.id]
	var before int64
	onset, prev, runs := r.first, int64(0), 0
	for _, k := range s.bucketKeys() {
		n := int64(0)
		if i, ok := s.buckets[k]; ok {
			n = int64(s.bucketList[i].byReason[v.id])
		}
		if n == 0 {
			continue
		}
		if runs == 0 || k != prev+1 {
			// A run starts here.
			if float64(before) > strayShare*float64(r.failed) {
				break
			}
			if runs > 0 {
				onset = k * s.bucketUS
			}
			runs++
		}
		prev = k
		before += n
	}
	return onset
}

// lastsToEnd reports whether the primary reason's failures go on to the
// last bucket of the logs.
func (v *verdict) lastsToEnd() bool {
	s := v.s
	return analysis.FloorDiv(s.reasonStat[v.id].last, s.bucketUS) >= analysis.FloorDiv(s.last, s.bucketUS)
}

// certChangeAt is a change of certificate on a listener.
type certChangeAt struct {
	listener    string
	from, to    int32 // certificates
	at          int64
	rejected    int64 // failures of the reason on the new certificate
	onListener  int64 // failures of the reason on the listener
	beforeAfter int64 // failures of the reason on other certificates of it
}

// certChange finds the change of certificate of listener li that the
// primary reason's failures followed, when the reason is a rejection of
// the served certificate.
func (v *verdict) certChange(li int32) (certChangeAt, bool) {
	s := v.s
	if li < 0 || !v.info.ServedCert {
		return certChangeAt{}, false
	}
	l := &s.listeners.list[li]
	var certs []int32
	for i := range s.certList {
		if s.certList[i].listener == l.name {
			certs = append(certs, int32(i))
		}
	}
	if len(certs) < 2 {
		return certChangeAt{}, false
	}
	total := l.byReason[v.id]
	top := certs[0]
	for _, c := range certs[1:] {
		if s.certList[c].byReason[v.id] > s.certList[top].byReason[v.id] {
			top = c
		}
	}
	nc := &s.certList[top]
	if float64(nc.byReason[v.id]) < certShare*float64(total) {
		return certChangeAt{}, false
	}
	// The certificate served before it: the one most served of those first
	// served earlier.
	from := int32(-1)
	for _, c := range certs {
		oc := &s.certList[c]
		if c == top || oc.first >= nc.first {
			continue
		}
		if from < 0 || oc.conns > s.certList[from].conns {
			from = c
		}
	}
	if from < 0 {
		return certChangeAt{}, false
	}
	// The change happened between the last handshake served the previous
	// certificate and the first served the new one: say the minute between
	// them when there is one, or the nearest within the second the logs'
	// times may be off by (their connections' starts are then estimated
	// from their ends and durations).
	at := nc.first
	if m := analysis.FloorDiv(at, minuteUS) * minuteUS; s.certList[from].last < m {
		at = m
	} else if m += minuteUS; s.certList[from].last < m && m-at <= 2*secondUS {
		at = m
	}
	return certChangeAt{listener: l.name, from: from, to: top, at: at, rejected: nc.byReason[v.id], onListener: total,
		beforeAfter: total - nc.byReason[v.id]}, true
}

func (v *verdict) certFinding(c certChangeAt) string {
	s := v.s
	from, to := &s.certList[c.from], &s.certList[c.to]
	l := s.listeners.list[s.listeners.idx[c.listener]]
	return fmt.Sprintf(
		"%s served certificate %s until %s and %s since %s: %s of the %s handshakes it was served failed with %s, against %s of the %s handshakes served the previous one. Check the new certificate's chain and the authority that issued it against the failing clients' trust stores (older Android, Java and embedded clients lack recent roots); serving the previous certificate again confirms it.",
		capital(v.voc.Listener(l.name, l.port)), ShortCert(from.arn), clock(from.last), ShortCert(to.arn), clock(to.first),
		numfmt.Int(c.rejected), numfmt.Int(to.conns), v.info.Label, numfmt.Int(from.byReason[v.id]), numfmt.Int(from.conns))
}

// clientFinding names the failing clients.
func (v *verdict) clientFinding(clients []int32, k int64) string {
	if len(clients) == 0 || len(clients) <= summaryClients && k == int64(len(clients)) {
		return ""
	}
	s := v.s
	parts := make([]string, 0, namedClients)
	for _, i := range clients[:min(len(clients), namedClients)] {
		parts = append(parts, fmt.Sprintf("%s: %s", v.clientName(i), numfmt.Int(s.pairs[pairKey{i, v.id}])))
	}
	more := ""
	if rest := k - int64(len(parts)); rest > 0 {
		more = fmt.Sprintf(" and %s more", numfmt.Int(rest))
	}
	return fmt.Sprintf("Clients failing with %s, the most failures first: %s%s.", v.info.Label, strings.Join(parts, "; "), more)
}

// protocolFinding notes that the failing clients negotiate older TLS
// versions than the others on their connections that complete.
func (v *verdict) protocolFinding(clients []int32) string {
	s := v.s
	failing := make(map[int32]bool, len(clients))
	var known, old int
	for _, i := range clients {
		failing[i] = true
		if p := s.clientList[i].protocols; p != 0 {
			known++
			if p < protocolTLS13 {
				old++
			}
		}
	}
	if known < 3 || old < known {
		return ""
	}
	var others, recent int
	for i := range s.clientList {
		if p := s.clientList[i].protocols; p != 0 && !failing[int32(i)] {
			others++
			if p >= protocolTLS13 {
				recent++
			}
		}
	}
	if others == 0 || 2*recent < others {
		return ""
	}
	return fmt.Sprintf("All %d of the failing clients that completed other handshakes negotiated at most TLS 1.2 there, where %s of the other clients negotiate TLS 1.3: older TLS stacks, with older trust stores.",
		known, analysis.Pct(int64(recent), int64(others)))
}

// nodeFinding says whether the primary reason's failures sit on one node or
// spread over all of them.
func (v *verdict) nodeFinding() string {
	s := v.s
	nodes := s.nodes.list
	if len(nodes) < 2 {
		return ""
	}
	n := s.reasonStat[v.id].failed
	var top *entity
	with := 0
	maxRatio := 0.0
	for i := range nodes {
		e := &nodes[i]
		if e.byReason[v.id] > 0 {
			with++
		}
		if top == nil || e.byReason[v.id] > top.byReason[v.id] {
			top = e
		}
		if e.conns > 0 {
			ratio := (float64(e.byReason[v.id]) / float64(n)) / (float64(e.conns) / float64(s.total))
			maxRatio = max(maxRatio, ratio)
		}
	}
	fs, cs := float64(top.byReason[v.id])/float64(n), float64(top.conns)/float64(s.total)
	if fs >= nodeConcentration && fs >= nodeRatio*cs {
		return fmt.Sprintf("Node %s carries %s of the %s failures but serves %s of the connections: compare its subnet's route table, network ACL and security groups with the other nodes'.",
			top.name, analysis.Pct(top.byReason[v.id], n), v.info.Label, analysis.Pct(top.conns, s.total))
	}
	if with == len(nodes) && maxRatio <= nodeRatio {
		return fmt.Sprintf("The %s failures are spread over every node (%d) in proportion to its connections: not one node or zone.", v.info.Label, len(nodes))
	}
	return ""
}

// listenerFinding notes the listeners without failures of the primary
// reason beside the one that has them.
func (v *verdict) listenerFinding(li int32) string {
	s := v.s
	if li < 0 {
		return ""
	}
	var clean []string
	for _, i := range s.listeners.order() {
		e := &s.listeners.list[i]
		if i != li && e.byReason[v.id] == 0 && e.conns > 0 {
			clean = append(clean, fmt.Sprintf("%s (%s connections)", v.voc.Listener(e.name, e.port), numfmt.Int(e.conns)))
		}
	}
	if len(clean) == 0 {
		return ""
	}
	return fmt.Sprintf("No %s failure on %s.", v.info.Label, strings.Join(clean, ", "))
}

// otherReasons describes the failures of the reasons other than skip.
func (v *verdict) otherReasons(skip uint8) []string {
	s := v.s
	var out []string
	span := s.last - s.first
	for _, r := range s.rankedReasons() {
		if r == skip && skip != 0 {
			continue
		}
		st := &s.reasonStat[r]
		info := v.voc.Reason(s.reasons[r])
		head := fmt.Sprintf("%s %s failures (%s) from %s", numfmt.Int(st.failed), info.Label, info.Meaning, numfmt.Count(s.clientsWith(r), "client", "clients"))
		w := s.window(r)
		spread := (w == nil || w.End.Sub(w.Start.Time).Microseconds() >= span*4/5) && st.last-st.first >= span/2
		switch {
		case spread && info.Noise != "":
			out = append(out, fmt.Sprintf("%s are spread over the whole span at a steady rate: %s, not an incident.", head, info.Noise))
		case spread:
			out = append(out, head+" are spread over the whole span at a steady rate.")
		default:
			out = append(out, fmt.Sprintf("%s, from %s.", head, s.spanText(st.first, st.last)))
		}
	}
	return out
}

// spanText writes a span of row times as the verdict does.
func (s *State) spanText(first, last int64) string {
	end := analysis.UnixMicro(last)
	if last > first {
		end = analysis.TimeOf(end.Truncate(time.Minute).Add(time.Minute))
	}
	return analysis.SpanText(analysis.TimeOf(analysis.UnixMicro(first).Truncate(time.Minute)), end)
}

// dateSuffix is " on 2026-11-20", the date of us.
func (s *State) dateSuffix(us int64) string {
	return " on " + analysis.UnixMicro(us).Format("2006-01-02")
}

// clock writes a time as "13:10", with seconds when it has some.
func clock(us int64) string { return analysis.ClockText(analysis.UnixMicro(us).UTC()) }

// stamp writes a time as "2026-11-20 13:00 UTC".
func stamp(us int64) string {
	t := analysis.UnixMicro(us).UTC()
	if t.Second() != 0 {
		return t.Format("2006-01-02 15:04:05 UTC")
	}
	return t.Format("2006-01-02 15:04 UTC")
}

// verb conjugates a verb for k clients, named when there are few: "fail",
// "fails".
func verb(k int64, named int, v string) string {
	if k == 1 && named <= 1 {
		return v + "s"
	}
	return v
}

// andList joins words as "a", "a and b", "a, b and c".
func andList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

const (
	minuteUS = int64(time.Minute / time.Microsecond)
	secondUS = int64(time.Second / time.Microsecond)
)

// Compile-time check that *State is an analysis.State.
var _ analysis.State = (*State)(nil)
