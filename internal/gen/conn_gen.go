package gen

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// connRow is one connection attempt. Times are Unix microseconds.
type connRow struct {
	t          int64 // established, or failed
	last       int64 // the last request carried: the response time
	client     int   // index into albGen.clients
	cport      int
	listener   int
	node       int
	typ        int // of the requests it carries
	tls        int // index into albTLSs; -1 for none
	kex        int // index into connKex; -1 for none
	latencyMs  int // handshake; -1 when "-"
	sessReused bool
	noSNI      bool
	cert       int // index into connGen.certs; -1 for none
	reason     string
	left       int // requests it may still carry
	requests   int
	tidHi      uint64
	tidLo      uint64
	cause      int // index into connGen.truths of a failed one
}

// connCert is a client certificate as the connection log writes it.
type connCert struct {
	subject  string // quoted
	validity string // NotBefore=...;NotAfter=...
	serial   string
}

type connPartner struct {
	ConnPartner
	client  int // index into albGen.clients
	cert    int
	expired int // index into connGen.truths: the expiry, or not-yet-valid
	early   int
}

type connIncident struct {
	ConnIncident
	start, end int64
	partners   []bool // per partner index
	cert       []int  // the new certificate per partner index
	truth      int
}

type connKey struct{ client, listener int }

// connGen follows the requests of an albGen onto connections. assign,
// called by makeRow for every request, puts it on a connection of its
// client kept alive, or opens one (a failed handshake drops the request);
// carried then records the request a connection carried once its row is
// final.
type connGen struct {
	sc        *ConnScenario
	g         *albGen
	r         *rand.Rand
	keepAlive int64
	partners  []connPartner
	cum       []int // cumulative partner weights
	incidents []connIncident
	certs     []connCert
	truths    []ConnIncidentTruth
	open      map[connKey]int
	conns     []connRow
	cur       int // the connection assign gave the last request
}

// connKex are the key exchanges written; TLS 1.3 picks among the first
// two and the last, TLS 1.2 among the first three.
var connKex = []string{"x25519", "x25519", "secp256r1", "X25519MLKEM768"}

func newConnGen(sc *ConnScenario) (*connGen, error) {
	c, err := sc.withDefaults()
	if err != nil {
		return nil, err
	}
	g, err := newALBGen(c.ALB)
	if err != nil {
		return nil, err
	}
	seed := g.sc.Seed
	cg := &connGen{
		sc:        c,
		g:         g,
		r:         rand.New(rand.NewPCG(splitmix(seed^0xc044), splitmix(seed^0xc045))),
		keepAlive: c.KeepAlive.Microseconds(),
		open:      map[connKey]int{},
		cur:       -1,
	}
	g.conns = cg
	sum := 0
	for i, p := range c.Partners {
		sum += cmp.Or(p.Weight, 1)
		cg.cum = append(cg.cum, sum)
		if p.Subject == "" {
			p.Subject = "CN=api." + strings.ReplaceAll(strings.ToLower(p.Name), " ", "-") + ".example.net,O=" + p.Name + ",C=US"
		}
		if p.Serial == "" {
			p.Serial = certSerial(splitmix(seed ^ uint64(0x5e41+i)))
		}
		cp := connPartner{ConnPartner: p, client: len(g.clients), expired: -1, early: -1}
		g.clients = append(g.clients, p.IP)
		cp.cert = cg.addCert(p.Subject, p.NotBefore, p.NotAfter, p.Serial)
		cg.partners = append(cg.partners, cp)
	}
	// The truths: the incidents in scenario order, then the certificates
	// out of their validity by partner.
	for i, in := range c.Incidents {
		ci := connIncident{ConnIncident: in, start: in.Start.UnixMicro(), end: in.End.UnixMicro()}
		ci.Port = cmp.Or(in.Port, c.MTLSPort)
		ci.truth = cg.addTruth(in.Name, in.Reason, ci.Port, in.Start, in.End)
		ci.partners = make([]bool, len(cg.partners))
		ci.cert = make([]int, len(cg.partners))
		for j, p := range cg.partners {
			if slices.Contains(in.Partners, p.Name) {
				ci.partners[j] = true
				ci.cert[j] = cg.addCert(p.Subject, in.Start.Add(-24*time.Hour), in.Start.AddDate(1, 0, 0),
					certSerial(splitmix(seed^uint64(0x7a11+i*64+j))))
			}
		}
		cg.incidents = append(cg.incidents, ci)
	}
	start, end := g.sc.Start, g.sc.End
	for i := range cg.partners {
		p := &cg.partners[i]
		// The windows are the scenario's part of the certificate's
		// time out of validity.
		if p.NotAfter.Before(end) {
			from := p.NotAfter
			if from.Before(start) {
				from = start
			}
			p.expired = cg.addTruth(p.Name+": client certificate expired", ConnCertExpired, c.MTLSPort, from, end)
		}
		if p.NotBefore.After(start) {
			to := p.NotBefore
			if to.After(end) {
				to = end
			}
			p.early = cg.addTruth(p.Name+": client certificate not yet valid", ConnCertNotYetValid, c.MTLSPort, start, to)
		}
	}
	for i := range cg.incidents {
		cg.strangers(&cg.incidents[i])
	}
	return cg, nil
}

// certSerial returns x as a certificate serial number: 16 upper-case hex
// digits.
func certSerial(x uint64) string { return strings.ToUpper(string(appendHex(nil, x, 16))) }

func (cg *connGen) addCert(subject string, notBefore, notAfter time.Time, serial string) int {
	const f = "2006-01-02T15:04:05Z"
	cg.certs = append(cg.certs, connCert{
		subject:  `"` + subject + `"`,
		validity: "NotBefore=" + notBefore.UTC().Format(f) + ";NotAfter=" + notAfter.UTC().Format(f),
		serial:   serial,
	})
	return len(cg.certs) - 1
}

func (cg *connGen) addTruth(name, reason string, port int, start, end time.Time) int {
	cg.truths = append(cg.truths, ConnIncidentTruth{Name: name, Reason: reason, Port: port, Start: start.UTC(), End: end.UTC()})
	return len(cg.truths) - 1
}

// strangers adds an incident's failed attempts from clients no access line
// knows, at times spread over its window.
func (cg *connGen) strangers(in *connIncident) {
	if in.Attempts == 0 {
		return
	}
	g, r := cg.g, cg.r
	n := in.Strangers
	if n == 0 {
		n = 3
	}
	first := len(g.clients)
	certs := make([]int, n)
	for i := range n {
		g.clients = append(g.clients, "198.51.100."+strconv.Itoa(10+(in.truth*37+i*11)%240))
		if in.Port == cg.sc.MTLSPort {
			nb := in.Start.Add(-time.Duration(1+r.IntN(400)) * 24 * time.Hour)
			certs[i] = cg.addCert("CN=device-"+strconv.Itoa(100+r.IntN(900))+".local,O=Unknown", nb, nb.AddDate(10, 0, 0),
				certSerial(r.Uint64()))
		}
	}
	for range in.Attempts {
		i := r.IntN(n)
		cn := connRow{
			t: in.start + r.Int64N(in.end-in.start), client: first + i, cport: 1024 + r.IntN(64511),
			listener: in.Port, node: r.IntN(len(g.sc.Nodes)), tls: -1, kex: -1, latencyMs: -1, cert: -1,
			reason: in.Reason, tidHi: r.Uint64(), tidLo: r.Uint64(), cause: in.truth,
		}
		if in.Port == cg.sc.MTLSPort {
			cn.tls, cn.kex = cg.pickTLS()
			cn.cert = certs[i]
		}
		cg.conns = append(cg.conns, cn)
	}
}

// pickTLS draws a cipher suite and a key exchange for a handshake.
func (cg *connGen) pickTLS() (tls, kex int) {
	tls = pickPermille(cg.r, albTLSs)
	if albTLSs[tls].protocol == "TLSv1.3" {
		return tls, [...]int{0, 1, 3}[cg.r.IntN(3)]
	}
	return tls, cg.r.IntN(3)
}

// assign puts the request row on a connection and gives it the
// connection's client port, node, type, TLS session and trace ID. It
// returns false when the request opened a connection whose handshake
// failed: the client never sent it.
func (cg *connGen) assign(row *albRow) bool {
	r := cg.r
	partner := -1
	if len(cg.partners) > 0 && r.Float64() < cg.sc.PartnerShare {
		partner = pick(r, cg.cum)
		row.client = cg.partners[partner].client
		row.typ = typHTTPS
	}
	listener := 443
	switch {
	case partner >= 0:
		listener = cg.sc.MTLSPort
	case row.typ == typHTTP:
		listener = 80
	}
	key := connKey{row.client, listener}
	if i, ok := cg.open[key]; ok {
		cn := &cg.conns[i]
		if cn.left > 0 && row.t-cn.last <= cg.keepAlive {
			cg.cur = i
			cg.apply(row, cn)
			return true
		}
		delete(cg.open, key)
	}
	cn := connRow{
		t: row.t, last: row.t, client: row.client, cport: row.cport, listener: listener, node: row.node,
		typ: row.typ, tls: -1, kex: -1, latencyMs: -1, cert: -1, tidHi: row.tidHi, tidLo: row.tidLo, cause: -1,
	}
	if listener != 80 {
		cn.tls, cn.kex = cg.pickTLS()
		if partner < 0 {
			cn.tls = row.tls // the access line's cipher, drawn by the ALB generator
		}
		cn.sessReused = r.IntN(100) < 30
		cn.noSNI = partner < 0 && r.IntN(100) < 2
	}
	if partner >= 0 {
		p := &cg.partners[partner]
		cn.cert = p.cert
		if cause, cert := cg.failure(partner, row.t); cause >= 0 {
			cn.cause, cn.reason = cause, cg.truths[cause].Reason
			if cert >= 0 {
				cn.cert = cert
			}
			cg.conns = append(cg.conns, cn)
			return false
		}
	}
	if listener != 80 {
		median := 12.0
		if partner >= 0 {
			median = 35
		}
		cn.latencyMs = max(1, int(median*math.Exp(0.5*r.NormFloat64())))
	}
	cn.left = cg.plannedRequests()
	cg.conns = append(cg.conns, cn)
	cg.cur = len(cg.conns) - 1
	cg.open[key] = cg.cur
	cg.apply(row, &cg.conns[cg.cur])
	return true
}

// failure returns why partner's handshake at t fails, as an index into
// truths, and the certificate it presents when not its own; -1 when it
// succeeds. The incidents come first, in order.
func (cg *connGen) failure(partner int, t int64) (cause, cert int) {
	for i := range cg.incidents {
		in := &cg.incidents[i]
		if in.partners[partner] && t >= in.start && t < in.end {
			return in.truth, in.cert[partner]
		}
	}
	p := &cg.partners[partner]
	switch {
	case p.expired >= 0 && t >= p.NotAfter.UnixMicro():
		return p.expired, -1
	case p.early >= 0 && t < p.NotBefore.UnixMicro():
		return p.early, -1
	}
	return -1, -1
}

// plannedRequests draws how many requests a client means to send on a new
// connection: geometric, with mean RequestsPerConn.
func (cg *connGen) plannedRequests() int {
	m := cg.sc.RequestsPerConn
	if m <= 1 {
		return 1
	}
	p := 1 / m
	u := 1 - cg.r.Float64() // (0, 1]
	return 1 + int(math.Log(u)/math.Log1p(-p))
}

// apply gives row what its connection decides.
func (cg *connGen) apply(row *albRow, cn *connRow) {
	row.cport, row.node, row.typ = cn.cport, cn.node, cn.typ
	row.tidHi, row.tidLo = cn.tidHi, cn.tidLo
	if cn.tls >= 0 {
		row.tls = cn.tls
	}
	row.sessReused, row.noSNI = cn.sessReused, cn.noSNI
	if row.typ == typH2 {
		row.proto = "HTTP/2.0"
	} else {
		row.proto = "HTTP/1.1"
	}
}

// carried records that the connection assign chose last carried row, now
// final: a connection is established before the first request it carries
// is received, by its handshake and a little more.
func (cg *connGen) carried(row *albRow) {
	cn := &cg.conns[cg.cur]
	cn.requests++
	cn.left--
	cn.last = max(cn.last, row.t)
	lead := int64(max(cn.latencyMs, 0))*1000 + 200 + cg.r.Int64N(1800)
	if cn.requests == 1 || row.rct-lead < cn.t {
		cn.t = row.rct - lead
	}
}

// finish orders the connections by time, drops those that carried no
// request (every request of theirs was dropped, as by ALBNodeDrop) and
// fills tr.
func (cg *connGen) finish(tr *ConnTruth) {
	cg.conns = slices.DeleteFunc(cg.conns, func(c connRow) bool { return c.reason == "" && c.requests == 0 })
	slices.SortStableFunc(cg.conns, func(a, b connRow) int { return cmp.Compare(a.t, b.t) })
	g := cg.g
	tr.Incidents = slices.Clone(cg.truths)
	clients := make([]map[string]bool, len(tr.Incidents))
	for i := range cg.conns {
		cn := &cg.conns[i]
		t := time.UnixMicro(cn.t).UTC()
		widen(&tr.First, &tr.Last, tr.Connections, t)
		tr.Connections++
		if cn.reason != "" {
			tr.Failed++
			tr.Reasons[cn.reason]++
			in := &tr.Incidents[cn.cause]
			widen(&in.First, &in.Last, in.Failed, t)
			in.Failed++
			if clients[cn.cause] == nil {
				clients[cn.cause] = map[string]bool{}
			}
			clients[cn.cause][g.clients[cn.client]] = true
		}
		tr.Requests += cn.requests
		tr.RequestsPerConn[cn.requests]++
		countsOf(tr.Clients, g.clients[cn.client]).add(cn.reason != "", cn.reason)
		countsOf(tr.Listeners, cn.listener).add(cn.reason != "", cn.reason)
		countsOf(tr.Nodes, g.sc.Nodes[cn.node]).add(cn.reason != "", cn.reason)
		countsOf(tr.Minutes, minuteOf(cn.t)).add(cn.reason != "", cn.reason)
	}
	for i := range tr.Incidents {
		for c := range clients[i] {
			tr.Incidents[i].Clients = append(tr.Incidents[i].Clients, c)
		}
		slices.Sort(tr.Incidents[i].Clients)
	}
}

func newConnTruth() *ConnTruth {
	return &ConnTruth{
		Reasons: map[string]int{}, Clients: map[string]*ConnCounts{}, Listeners: map[int]*ConnCounts{},
		Nodes: map[string]*ConnCounts{}, Minutes: map[int64]*ConnCounts{}, RequestsPerConn: map[int]int{},
	}
}
