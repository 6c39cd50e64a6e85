package gen

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"
)

// Listeners of the Classic Load Balancer (the listener a line came
// through).
const (
	clbHTTP = iota
	clbHTTPS
	clbTCP
	clbSSL
)

var clbListenerNames = [...]string{"http", "https", "tcp", "ssl"}

// Backend status codes a clbRow writes besides numbers.
const (
	statusDash = -1 // "-"
	statusZero = 0  // "0", what no answer from an instance often is
)

// clbRow is one line before formatting. Times are Unix microseconds, and
// so are the processing times (-1 when not applicable).
type clbRow struct {
	t           int64
	node        int
	listener    int
	client      int
	cport       int
	instance    int // index into instances, -1 for "-"
	rp, bp, rsp int
	elb         int // 0 for "-" (TCP and SSL lines)
	backend     int // statusDash, statusZero or the instance's status
	recv, sent  int // -1 for -1
	path        int
	id          int
	query       int
	ua          int
	tls         int
	method      string
	proto       string
	cause       string
	context     string
	incident    int // index of the incident that shaped the row, -1
}

type clbInstance struct {
	addr   string // ip:port of the HTTP back end
	ip     string
	subnet string
}

type clbIncident struct {
	CLBIncident
	start, end int64
	instanceOK []bool // per instance index; nil = any
	node       int    // -1 any
	cause      string
	affected   int
}

type clbGen struct {
	sc        *CLBScenario
	r         *rand.Rand // traffic
	ri        *rand.Rand // incident decisions and shapes
	instances []clbInstance
	clients   []string
	zipf      *rand.Zipf
	mix       webMix
	incidents []clbIncident
	start     int64
	end       int64
	idleUs    int
}

func newCLBGen(sc *CLBScenario) (*clbGen, error) {
	c, err := sc.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &clbGen{
		sc:     c,
		r:      rand.New(rand.NewPCG(c.Seed, splitmix(c.Seed^0xc1b))),
		ri:     rand.New(rand.NewPCG(splitmix(c.Seed^0xc151), splitmix(c.Seed^0xc152))),
		start:  c.Start.UnixMicro(),
		end:    c.End.UnixMicro(),
		idleUs: int(c.IdleTimeout / time.Microsecond),
	}
	for _, in := range c.Instances {
		a := netip.MustParseAddrPort(in).Addr()
		g.instances = append(g.instances, clbInstance{addr: in, ip: a.String(), subnet: subnetOf(a)})
	}
	g.clients = makeClients(splitmix(c.Seed^0xc1), 5000)
	g.zipf = rand.NewZipf(g.r, 1.15, 4, uint64(len(g.clients)-1))
	g.mix = newWebMix()
	for _, in := range c.Incidents {
		ci := clbIncident{CLBIncident: in, start: in.Start.UnixMicro(), end: in.End.UnixMicro(), node: -1, cause: in.Kind.Cause()}
		if ci.Kind == CLBInstanceHTTP5xx && ci.Status == 0 {
			ci.Status = 500
		}
		if in.Node != "" {
			ci.node = slices.Index(c.Nodes, in.Node)
		}
		if len(in.Instances) > 0 {
			ci.instanceOK = make([]bool, len(g.instances))
			for i, x := range g.instances {
				ci.instanceOK[i] = slices.Contains(in.Instances, x.addr)
			}
		}
		g.incidents = append(g.incidents, ci)
	}
	return g, nil
}

// run generates every line in time order and hands it to emit. The row is
// reused: emit must not keep it.
func (g *clbGen) run(emit func(*clbRow)) {
	n := g.sc.Rows
	if n <= 0 {
		n = int(g.sc.RPS * float64(g.end-g.start) / 1e6)
	}
	var row clbRow
	schedule(g.start, g.end, n, g.sc.Seed, g.r, func(int64) float64 { return 1 }, func(t int64) {
		g.makeRow(&row, t)
		emit(&row)
	})
}

// lognormUs returns a duration around medianMs milliseconds, log-normally
// spread, in microseconds, at most half the idle timeout.
func (g *clbGen) lognormUs(medianMs, sigma float64) int {
	v := medianMs * 1000 * math.Exp(sigma*g.r.NormFloat64())
	return int(min(v, float64(g.idleUs)*0.5))
}

// makeRow fills row for a line received at time t.
func (g *clbGen) makeRow(row *clbRow, t int64) {
	r := g.r
	*row = clbRow{t: t, instance: -1, incident: -1}
	row.node = r.IntN(len(g.sc.Nodes))
	row.client = int(g.zipf.Uint64())
	row.cport = 1024 + r.IntN(64511)
	row.instance = r.IntN(len(g.instances))
	if r.Float64() < g.sc.TCPShare {
		g.connection(row)
		return
	}
	row.listener = clbHTTPS
	if r.IntN(100) < 25 {
		row.listener = clbHTTP
	}
	row.ua, row.path, row.id, row.query, row.method = g.mix.draw(r)
	p := &albPaths[row.path]
	row.proto = "HTTP/1.1"
	if r.IntN(100) == 0 {
		row.proto = "HTTP/1.0"
	}
	if row.listener == clbHTTPS {
		row.tls = pickPermille(r, clbTLSs)
	}
	if row.method == "POST" || row.method == "PUT" {
		row.recv = 200 + r.IntN(3000)
	}
	g.forward(row, p)
	switch bg := r.IntN(100000); {
	case bg < 100:
		g.shape(row, r, CLBBadRequest)
	case bg < 130:
		g.shape(row, r, CLBClientTimeout)
	}
	if row.context != "" {
		return
	}
	for i := range g.incidents {
		in := &g.incidents[i]
		if t < in.start || t >= in.end || in.Rate <= 0 {
			continue
		}
		if in.node >= 0 && in.node != row.node {
			continue
		}
		if in.instanceOK != nil && !in.instanceOK[row.instance] {
			continue
		}
		if g.ri.Float64() >= in.Rate {
			if in.Kind == CLBTimeout && in.Slow > 0 && g.ri.Float64() < in.Slow {
				// Late, but within the idle timeout.
				row.bp = int(float64(g.idleUs) * (0.3 + 0.65*g.ri.Float64()))
			}
			continue
		}
		in.affected++
		row.incident = i
		g.shape(row, g.ri, in.Kind)
		if in.Kind == CLBInstanceHTTP5xx {
			row.elb, row.backend = in.Status, in.Status
		}
		break
	}
}

// connection shapes a line of the TCP or SSL listener: no status, the
// times and the bytes of the whole connection.
func (g *clbGen) connection(row *clbRow) {
	r := g.r
	row.listener = clbSSL
	if r.IntN(10) < 3 {
		row.listener = clbTCP
	} else {
		row.tls = pickPermille(r, clbTLSs)
	}
	row.elb, row.backend = 0, statusDash
	row.rp = 20 + r.IntN(1200)
	row.bp = 200 + r.IntN(1800)
	row.rsp = 15 + r.IntN(50)
	row.recv = 60 + int(2000*math.Exp(1.2*r.NormFloat64()))
	row.sent = 40 + int(900*math.Exp(1.2*r.NormFloat64()))
	if r.IntN(100) == 0 {
		row.recv, row.sent = -1, -1
	}
}

// forward shapes a request the instance answered normally.
func (g *clbGen) forward(row *clbRow, p *albPath) {
	r := g.r
	row.backend = 404 // the paths a fixed response answers on ALB
	if !p.fixed {
		row.backend = p.drawStatus(r)
	}
	row.elb = row.backend
	row.rp = 18 + r.IntN(70)
	median, sigma := p.medianMs, p.sigma
	if p.fixed {
		median, sigma = 2, 0.3
	}
	row.bp = g.lognormUs(median, sigma)
	if row.backend == 304 || row.backend >= 400 {
		row.bp = row.bp/3 + 100
	}
	row.rsp = 14 + r.IntN(50)
	switch {
	case row.backend == 304 || row.backend == 204:
		row.sent = 0
	case row.backend >= 400 || row.backend == 302:
		row.sent = 150 + r.IntN(600)
	default:
		row.sent = 100 + int(p.sizeMed*math.Exp(0.6*r.NormFloat64()))
	}
	if row.method == "HEAD" {
		row.sent = 0
	}
}

// noAnswer shapes a request the load balancer answered with status without
// an instance's answer: backend "-", times -1, backend status 0 or "-".
func noAnswer(row *clbRow, r *rand.Rand, status int) {
	row.instance = -1
	row.rp, row.bp, row.rsp = -1, -1, -1
	row.elb = status
	row.backend = statusZero
	if r.IntN(4) == 0 {
		row.backend = statusDash
	}
	row.sent = 0
}

// shape gives a request the signature of kind k.
func (g *clbGen) shape(row *clbRow, r *rand.Rand, k CLBKind) {
	row.cause = k.Cause()
	switch k {
	case CLBTimeout:
		noAnswer(row, r, 504)
	case CLBNoInstance:
		noAnswer(row, r, 503)
	case CLBConnectionError:
		noAnswer(row, r, 502)
	case CLBInternal:
		noAnswer(row, r, 500)
	case CLBInstanceHTTP5xx:
		row.elb, row.backend = 500, 500
		row.sent = 250 + r.IntN(400)
		row.bp += 5000 + r.IntN(50000)
	case CLBMalformedResponse:
		row.elb = 502
		row.sent = 0
		if r.IntN(2) == 0 {
			row.backend = 200
		} else {
			row.backend = statusDash
			row.rsp = -1
		}
	case CLBBadRequest:
		noAnswer(row, r, 400)
		row.context = ContextLBBadRequest
	case CLBClientTimeout:
		noAnswer(row, r, 408)
		row.recv = 0
		row.context = ContextLBIdleTimeout
	}
}

// clbTLS is a cipher and protocol a Classic Load Balancer negotiates (it
// speaks TLS up to 1.2).
var clbTLSs = []albTLS{
	{700, "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2"},
	{850, "ECDHE-RSA-AES256-GCM-SHA384", "TLSv1.2"},
	{930, "ECDHE-RSA-AES128-SHA256", "TLSv1.2"},
	{970, "AES128-GCM-SHA256", "TLSv1.2"},
	{990, "ECDHE-RSA-AES128-SHA", "TLSv1.1"},
	{1000, "ECDHE-RSA-AES128-SHA", "TLSv1"},
}
