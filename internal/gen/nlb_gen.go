package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// nlbClient is one client address and the TLS stack it connects with.
type nlbClient struct {
	ip      string
	legacy  bool // TLS 1.2 only, old trust store
	scanner bool // sends no ClientHello
	cipher  string
	proto   string
	kex     string
	alpn    string // the ALPN extension it sends, "" for none
}

// nlbRow is one connection before formatting. Times are Unix seconds as
// logged, durations milliseconds; -1 and "" stand for "-".
type nlbRow struct {
	t, created int64
	client     int
	cport      int
	listener   int
	node       int
	connMs     int64
	hsMs       int64
	recv, sent int64
	alert      int
	cert       string
	sni        bool
	cipher     string
	proto      string
	kex        string
	alpnList   string
	alpnFE     string
	reason     string // the failure's reason, "" when the handshake completed
	incident   int    // index of the incident that failed it, -1
}

type nlbIncident struct {
	NLBIncident
	start, end int64  // Unix seconds
	listener   int    // -1 any
	node       int    // -1 any
	clientOK   []bool // per client; nil any
	affected   int
}

type nlbGen struct {
	sc        *NLBScenario
	r         *rand.Rand // traffic
	ri        *rand.Rand // incident decisions and shapes
	clients   []nlbClient
	nTLS      int // clients[:nTLS] speak TLS, the rest are scanners
	zipf      *rand.Zipf
	listenCum []float64
	incidents []nlbIncident
	start     int64 // µs
	end       int64
	elb       string
}

// nlbScanners is the number of scanner addresses.
const nlbScanners = 8

var (
	modernCiphers = []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}
	modernKEX     = []string{"x25519", "x25519", "X25519MLKEM768"}
	modernALPN    = []string{`"h2","http/1.1"`, `"h2","http/1.1"`, `"h2","http/1.1"`, `"http/1.1"`}
	legacyCiphers = []string{"ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA256"}
	legacyALPN    = []string{"", "", `"http/1.1"`}
)

func newNLBGen(sc *NLBScenario) (*nlbGen, error) {
	c, err := sc.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &nlbGen{
		sc:    c,
		r:     rand.New(rand.NewPCG(c.Seed, splitmix(c.Seed^0x6e6c))),
		ri:    rand.New(rand.NewPCG(splitmix(c.Seed^0x6e51), splitmix(c.Seed^0x6e52))),
		start: c.Start.UnixMicro(),
		end:   c.End.UnixMicro(),
		elb:   "net/" + c.LBName + "/" + c.LBID,
	}
	g.makeClients()
	g.zipf = rand.NewZipf(g.r, 1.1, 3, uint64(g.nTLS-1))
	sum := 0.0
	for _, l := range c.Listeners {
		sum += l.Weight
		g.listenCum = append(g.listenCum, sum)
	}
	for _, in := range c.Incidents {
		ni := nlbIncident{NLBIncident: in, start: in.Start.Unix(), end: in.End.Unix(), listener: -1, node: -1}
		if ni.Kind == NLBClientAlert && ni.Alert == 0 {
			ni.Alert = 48
		}
		if in.Port != 0 {
			ni.listener = slices.IndexFunc(c.Listeners, func(l NLBListener) bool { return l.Port == in.Port })
		}
		if in.Node != "" {
			ni.node = slices.Index(c.Nodes, in.Node)
		}
		if in.Legacy || len(in.Clients) > 0 {
			ni.clientOK = make([]bool, g.nTLS)
			for i, cl := range g.clients[:g.nTLS] {
				ni.clientOK[i] = (!in.Legacy || cl.legacy) && (len(in.Clients) == 0 || slices.Contains(in.Clients, cl.ip))
			}
		}
		g.incidents = append(g.incidents, ni)
	}
	return g, nil
}

// makeClients draws the TLS clients, then the scanners, all with distinct
// addresses.
func (g *nlbGen) makeClients() {
	c := g.sc
	r := rand.New(rand.NewPCG(splitmix(c.Seed^0x6e63), 9))
	seen := map[string]bool{}
	for _, ip := range makeClients(splitmix(c.Seed^0x6e61), 2*(c.Clients+nlbScanners)) {
		if seen[ip] {
			continue
		}
		seen[ip] = true
		cl := nlbClient{ip: ip}
		switch {
		case g.nTLS < c.Clients && r.Float64() < c.LegacyShare:
			cl.legacy = true
			cl.proto, cl.kex = "tlsv12", "secp256r1"
			cl.cipher = legacyCiphers[r.IntN(len(legacyCiphers))]
			cl.alpn = legacyALPN[r.IntN(len(legacyALPN))]
		case g.nTLS < c.Clients:
			cl.proto = "tlsv13"
			cl.cipher = modernCiphers[r.IntN(len(modernCiphers))]
			cl.kex = modernKEX[r.IntN(len(modernKEX))]
			cl.alpn = modernALPN[r.IntN(len(modernALPN))]
		default:
			cl.scanner = true
		}
		g.clients = append(g.clients, cl)
		if !cl.scanner {
			g.nTLS++
		}
		if len(g.clients) == c.Clients+nlbScanners {
			break
		}
	}
}

// run generates every connection in time order and hands it to emit. The
// row is reused: emit must not keep it.
func (g *nlbGen) run(emit func(*nlbRow)) {
	n := g.sc.Connections
	if n <= 0 {
		n = int(g.sc.CPS * float64(g.end-g.start) / 1e6)
	}
	var row nlbRow
	schedule(g.start, g.end, n, g.sc.Seed^0x6e6c62, g.r, func(int64) float64 { return 1 }, func(t int64) {
		g.makeRow(&row, t)
		emit(&row)
	})
}

// lognormMs draws a duration in milliseconds of the given median and
// spread, at least lo.
func (g *nlbGen) lognormMs(r *rand.Rand, median, sigma float64, lo, hi int64) int64 {
	v := int64(median * math.Exp(sigma*r.NormFloat64()))
	return min(max(v, lo), hi)
}

// makeRow fills row for a connection that closed at t (Unix µs).
func (g *nlbGen) makeRow(row *nlbRow, t int64) {
	r := g.r
	c := g.sc
	*row = nlbRow{t: t / 1e6, alert: -1, incident: -1, cport: 1024 + r.IntN(64511)}
	if c.Scanners > 0 && r.Float64() < c.Scanners {
		row.client = g.nTLS + r.IntN(len(g.clients)-g.nTLS)
		row.listener = g.pickListener(r)
		row.node = r.IntN(len(c.Nodes))
		g.noClientHello(row, r, t)
		return
	}
	row.client = int(g.zipf.Uint64())
	cl := &g.clients[row.client]
	row.listener = g.pickListener(r)
	// The client keeps the node its DNS answer named for a minute.
	row.node = int(splitmix(uint64(row.client)<<32^uint64(row.t/60)) % uint64(len(c.Nodes)))
	l := &c.Listeners[row.listener]

	hsMedian := 14.0
	if cl.legacy {
		hsMedian = 38
	}
	row.hsMs = g.lognormMs(r, hsMedian, 0.5, 1, 5000)
	row.connMs = max(g.lognormMs(r, 4000, 1.3, 5, 350_000), row.hsMs+2+int64(r.IntN(20)))
	row.recv = g.lognormMs(r, 1800, 1.0, 60, 50<<20)
	row.sent = g.lognormMs(r, 9000, 1.2, 120, 500<<20)
	if r.IntN(50) == 0 {
		row.alert = 0 // close_notify on a good connection: an alert is no failure
	}
	row.cipher, row.proto, row.kex = cl.cipher, cl.proto, cl.kex
	row.sni = true
	row.cert = l.Cert
	if l.ALPN {
		row.alpnList = cl.alpn
		switch {
		case containsProto(cl.alpn, "h2"):
			row.alpnFE = "h2"
		case containsProto(cl.alpn, "http/1.1"):
			row.alpnFE = "http/1.1"
		}
	}
	row.created = created(t, row.connMs)

	// A certificate change serves every handshake in its window.
	for i := range g.incidents {
		in := &g.incidents[i]
		if in.Cert != "" && g.covers(in, row, row.created) {
			row.cert = in.Cert
			break
		}
	}
	for i := range g.incidents {
		in := &g.incidents[i]
		if in.Rate <= 0 || !g.covers(in, row, row.created) || row.t >= in.end {
			continue
		}
		if in.node >= 0 && in.node != row.node || in.clientOK != nil && !in.clientOK[row.client] {
			continue
		}
		if g.ri.Float64() >= in.Rate {
			continue
		}
		in.affected++
		row.incident = i
		g.fail(row, in, t)
		return
	}
}

// covers reports whether incident in's window holds time at (Unix s) and
// its listener filter passes row.
func (g *nlbGen) covers(in *nlbIncident, row *nlbRow, at int64) bool {
	return at >= in.start && at < in.end && (in.listener < 0 || in.listener == row.listener)
}

func (g *nlbGen) pickListener(r *rand.Rand) int {
	x := r.Float64() * g.listenCum[len(g.listenCum)-1]
	i, _ := slices.BinarySearch(g.listenCum, x)
	return min(i, len(g.listenCum)-1)
}

// created is the start of a connection that closed at t (Unix µs) after
// ms milliseconds, in Unix seconds.
func created(t, ms int64) int64 {
	s := t - ms*1000
	return (s - ((s%1e6)+1e6)%1e6) / 1e6
}

// fail turns row into the failure kind of in, at the same end time t.
func (g *nlbGen) fail(row *nlbRow, in *nlbIncident, t int64) {
	r := g.ri
	row.recv, row.sent = 0, 0
	row.hsMs = -1
	row.cipher, row.proto, row.kex, row.alpnFE = "", "", "", ""
	switch in.Kind {
	case NLBClientAlert:
		// The client read the certificate and gave up: a round trip or two.
		row.connMs = g.lognormMs(r, 30, 0.5, 1, 2000)
		row.alert = in.Alert
		row.reason = TLSAlertNames[in.Alert]
	case NLBHandshakeTimeout:
		row.connMs = 10_000 + int64(r.IntN(300))
		row.alert = -1
		row.reason = ReasonHandshakeIncomplete
	case NLBNoClientHello:
		g.noClientHello(row, r, t)
		return
	}
	row.created = created(t, row.connMs)
}

// noClientHello shapes a connection that sent no ClientHello: the client
// closes at once, or the load balancer after about 10 s.
func (g *nlbGen) noClientHello(row *nlbRow, r *rand.Rand, t int64) {
	row.connMs = int64(r.IntN(6))
	if r.IntN(5) < 2 {
		row.connMs = 10_000 + int64(r.IntN(300))
	}
	row.hsMs, row.alert = -1, -1
	row.recv, row.sent = 0, 0
	row.cert, row.sni = "", false
	row.cipher, row.proto, row.kex, row.alpnList, row.alpnFE = "", "", "", "", ""
	row.reason = ReasonHandshakeIncomplete
	row.created = created(t, row.connMs)
}

// containsProto reports whether the ALPN list, "h2","http/1.1", holds p.
func containsProto(list, p string) bool {
	for i := 0; i+len(p)+2 <= len(list); i++ {
		if list[i] == '"' && list[i+1:i+1+len(p)] == p && list[i+1+len(p)] == '"' {
			return true
		}
	}
	return false
}

// nlbFormatter appends rows as log lines. It caches the formatted second
// of the last two timestamps it wrote.
type nlbFormatter struct {
	g      *nlbGen
	layout int
	cache  [2]struct {
		sec int64
		b   []byte
	}
}

func (f *nlbFormatter) appendTime(dst []byte, sec int64, slot int) []byte {
	c := &f.cache[slot]
	if c.b == nil || c.sec != sec {
		c.sec = sec
		c.b = time.Unix(sec, 0).UTC().AppendFormat(c.b[:0], "2006-01-02T15:04:05")
	}
	return append(dst, c.b...)
}

func appendOrDash(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, '-')
	}
	return append(dst, s...)
}

func appendIntDash(dst []byte, v int64) []byte {
	if v < 0 {
		return append(dst, '-')
	}
	return strconv.AppendInt(dst, v, 10)
}

// appendRow appends row as a line of the scenario's layout, with its
// newline.
func (f *nlbFormatter) appendRow(dst []byte, row *nlbRow) []byte {
	g := f.g
	l := &g.sc.Listeners[row.listener]
	version := "2.0"
	if f.layout == NLBLayout18 {
		version = "1.0"
	}
	dst = append(dst, "tls "...)
	dst = append(dst, version...)
	dst = append(dst, ' ')
	dst = f.appendTime(dst, row.t, 0)
	dst = append(dst, ' ')
	dst = append(dst, g.elb...)
	dst = append(dst, ' ')
	dst = append(dst, l.ID...)
	dst = append(dst, ' ')
	dst = append(dst, g.clients[row.client].ip...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(row.cport), 10)
	dst = append(dst, ' ')
	dst = append(dst, g.sc.Nodes[row.node]...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(l.Port), 10)
	for _, v := range [...]int64{row.connMs, row.hsMs, row.recv, row.sent, int64(row.alert)} {
		dst = append(dst, ' ')
		dst = appendIntDash(dst, v)
	}
	host := ""
	if row.sni {
		host = l.Host
	}
	for _, s := range [...]string{row.cert, "", row.cipher, row.proto, row.kex, host} {
		dst = append(dst, ' ')
		dst = appendOrDash(dst, s)
	}
	if f.layout >= NLBLayout21 {
		list := ""
		if l.ALPN {
			list = row.alpnList
		}
		for _, s := range [...]string{row.alpnFE, row.alpnFE, list} {
			dst = append(dst, ' ')
			dst = appendOrDash(dst, s)
		}
	}
	if f.layout >= NLBLayout22 {
		dst = append(dst, ' ')
		dst = f.appendTime(dst, row.created, 1)
	}
	return append(dst, '\n')
}
