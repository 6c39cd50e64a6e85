package gen

import (
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"time"
)

// Row types (field 1).
const (
	typHTTP = iota
	typHTTPS
	typH2
)

var typNames = [...]string{"http", "https", "h2"}

// albRow is one request before formatting. Times are Unix microseconds,
// durations milliseconds (-1 when not applicable).
type albRow struct {
	t, rct      int64
	typ         int
	node        int
	client      int
	cport       int
	target      int // index into targets, -1 for "-"
	rp, tp, rsp int
	elb, tgt    int // tgt 0 for "-"
	recv, sent  int
	path        int
	id          int
	query       int
	ua          int
	tls         int
	sessReused  bool
	noSNI       bool
	actions     string
	rule        string
	errReason   string
	redirect    bool
	tgARN       int  // 0 none, 1 target group, 2 Lambda target group
	badReqLine  bool // request written as "- scheme://host:port- "
	proto       string
	method      string
	class       int // 0 "-", 1 Acceptable/GetHeadZeroContentLength
	traceHi     uint64
	traceLo     uint32
	tidHi       uint64
	tidLo       uint64
	cause       string
	context     string
	incident    int // index of the incident that shaped the row, -1
}

// uaNone is the index of the absent user agent "-".
var uaNone = slices.IndexFunc(albUAs, func(u albUA) bool { return u.ua == "-" })

type albTarget struct {
	addr   string
	subnet string
}

type albIncident struct {
	ALBIncident
	start, end       int64
	every, burst     int64
	targetOK         []bool // per target index; nil = any
	node             int    // -1 any
	cause            string
	affected         int
	factor           float64
	rampStart        int64
	rampSpan         int64
	onlyForwardedRow bool
}

type albGen struct {
	sc        *ALBScenario
	r         *rand.Rand // traffic
	ri        *rand.Rand // incident decisions and shapes
	targets   []albTarget
	clients   []string
	zipf      *rand.Zipf
	mix       webMix
	incidents []albIncident
	start     int64
	end       int64
	elb       string
	tgARN     string
	lambdaARN string
	certARN   string
	idleMs    int
	// conns, when not nil, carries the requests on connections (see
	// ConnScenario): it may override a row's client, node, type, TLS and
	// trace ID, or turn the request into a failed connection attempt.
	conns *connGen
}

func newALBGen(sc *ALBScenario) (*albGen, error) {
	c, err := sc.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &albGen{
		sc:    c,
		r:     rand.New(rand.NewPCG(c.Seed, splitmix(c.Seed))),
		ri:    rand.New(rand.NewPCG(splitmix(c.Seed^0x51), splitmix(c.Seed^0x52))),
		start: c.Start.UnixMicro(),
		end:   c.End.UnixMicro(),
		elb:   "app/" + c.LBName + "/" + c.LBID,
	}
	g.idleMs = int(c.IdleTimeout / time.Millisecond)
	arnBase := "arn:aws:elasticloadbalancing:" + c.Region + ":" + c.Account + ":targetgroup/"
	g.tgARN = arnBase + c.TargetGroup + "/" + string(appendHex(nil, splitmix(c.Seed^0x7467), 16))
	g.lambdaARN = arnBase + "shop-fn-tg/" + string(appendHex(nil, splitmix(c.Seed^0x6c61), 16))
	u := splitmix(c.Seed ^ 0xce27)
	g.certARN = "arn:aws:acm:" + c.Region + ":" + c.Account + ":certificate/" +
		string(appendHex(nil, u>>32, 8)) + "-" + string(appendHex(nil, u>>16, 4)) + "-4" +
		string(appendHex(nil, u, 3)) + "-a" + string(appendHex(nil, splitmix(u)>>52, 3)) + "-" +
		string(appendHex(nil, splitmix(u+1), 12))
	for _, t := range c.Targets {
		g.targets = append(g.targets, albTarget{addr: t, subnet: subnetOf(netip.MustParseAddrPort(t).Addr())})
	}
	g.makeClients()
	g.zipf = rand.NewZipf(g.r, 1.15, 4, uint64(len(g.clients)-1))
	g.mix = newWebMix()
	for _, in := range c.Incidents {
		ai := albIncident{ALBIncident: in, start: in.Start.UnixMicro(), end: in.End.UnixMicro(),
			every: in.BurstEvery.Microseconds(), burst: in.BurstFor.Microseconds(), node: -1,
			cause: in.Kind.Cause(), factor: in.TrafficFactor}
		if ai.Kind == ALBTargetHTTP5xx && ai.Status == 0 {
			ai.Status = 500
		}
		if in.Node != "" {
			ai.node = slices.Index(c.Nodes, in.Node)
		}
		if len(in.Targets) > 0 || in.Subnet != "" {
			ai.targetOK = make([]bool, len(g.targets))
			var pfx netip.Prefix
			if in.Subnet != "" {
				pfx = netip.MustParsePrefix(in.Subnet)
			}
			for i, t := range g.targets {
				ok := len(in.Targets) == 0 || slices.Contains(in.Targets, t.addr)
				if in.Subnet != "" && !pfx.Contains(netip.MustParseAddrPort(t.addr).Addr()) {
					ok = false
				}
				ai.targetOK[i] = ok
			}
		}
		g.incidents = append(g.incidents, ai)
	}
	return g, nil
}

// subnetOf returns the subnet a back end's address a counts in: its /24,
// or its /64 for IPv6 ("10.0.2.0/24").
func subnetOf(a netip.Addr) string {
	bits := 24
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p.String()
}

func (g *albGen) makeClients() {
	g.clients = makeClients(splitmix(g.sc.Seed^0xc1), 5000)
}

// makeClients returns n client addresses, about 6 % of them IPv6.
func makeClients(seed uint64, n int) []string {
	r := rand.New(rand.NewPCG(seed, 7))
	out := make([]string, n)
	var b []byte
	for i := range out {
		b = b[:0]
		if r.IntN(100) < 6 {
			b = append(b, clientNets6[r.IntN(len(clientNets6))]...)
			for range 6 {
				b = append(b, ':')
				b = strconv.AppendUint(b, uint64(r.IntN(0x10000)), 16)
			}
		} else {
			nw := clientNets4[r.IntN(len(clientNets4))]
			b = strconv.AppendUint(b, uint64(nw[0]), 10)
			b = append(b, '.')
			b = strconv.AppendUint(b, uint64(nw[1]), 10)
			b = append(b, '.')
			b = strconv.AppendUint(b, uint64(r.IntN(256)), 10)
			b = append(b, '.')
			b = strconv.AppendUint(b, uint64(1+r.IntN(254)), 10)
		}
		out[i] = string(b)
	}
	return out
}

// rate returns the traffic multiplier of incidents at time t.
func (g *albGen) rate(t int64) float64 {
	f := 1.0
	for i := range g.incidents {
		in := &g.incidents[i]
		if in.factor <= 0 || t < in.start || t >= in.end {
			continue
		}
		if in.Ramp {
			f *= 1 + (in.factor-1)*float64(t-in.start)/float64(in.end-in.start)
		} else {
			f *= in.factor
		}
	}
	return f
}

// run generates every row in time order and hands it to emit. The row is
// reused: emit must not keep it.
func (g *albGen) run(emit func(*albRow)) {
	n := g.sc.Rows
	if n <= 0 {
		n = int(g.sc.RPS * float64(g.end-g.start) / 1e6)
	}
	var row albRow
	schedule(g.start, g.end, n, g.sc.Seed, g.r, g.rate, func(t int64) {
		if g.makeRow(&row, t) {
			emit(&row)
		}
	})
}

// schedule spreads n request times (Unix microseconds) over [start, end)
// and calls at for each in increasing order. The per-second rate follows a
// slow wave over the hour, per-second noise and the multiplier rate(t).
func schedule(start, end int64, n int, seed uint64, r *rand.Rand, rate func(int64) float64, at func(int64)) {
	const sec = int64(time.Second / time.Microsecond)
	nsec := int((end - start + sec - 1) / sec)
	w := make([]float64, nsec)
	wr := rand.New(rand.NewPCG(splitmix(seed^0x77), 3))
	total := 0.0
	for i := range w {
		s := start + int64(i)*sec
		l := min(sec, end-s)
		base := 1 + 0.12*math.Sin(2*math.Pi*float64(s/sec%3600)/3600) + 0.5*(wr.Float64()-0.5)
		w[i] = base * rate(s) * float64(l) / float64(sec)
		total += w[i]
	}
	var buf []int64
	cum := 0.0
	prev := 0
	for i := range w {
		cum += w[i]
		upto := int(math.Floor(float64(n) * cum / total))
		if i == len(w)-1 {
			upto = n
		}
		k := upto - prev
		prev = upto
		if k <= 0 {
			continue
		}
		s := start + int64(i)*sec
		l := min(sec, end-s)
		buf = buf[:0]
		for range k {
			buf = append(buf, s+r.Int64N(l))
		}
		slices.Sort(buf)
		for _, t := range buf {
			at(t)
		}
	}
}

func pick(r *rand.Rand, cum []int) int {
	x := r.IntN(cum[len(cum)-1])
	i, _ := slices.BinarySearch(cum, x+1)
	return i
}

func (g *albGen) lognormMs(median, sigma float64) int {
	v := median * math.Exp(sigma*g.r.NormFloat64())
	if v > 25000 {
		v = 25000
	}
	return int(v)
}

// makeRow fills row for a response at time t. It returns false when an
// incident dropped the row.
func (g *albGen) makeRow(row *albRow, t int64) bool {
	r := g.r
	*row = albRow{t: t, target: -1, incident: -1, class: 0}
	row.node = r.IntN(len(g.sc.Nodes))
	switch x := r.IntN(100); {
	case x < 12:
		row.typ = typHTTP
	case x < 62:
		row.typ = typHTTPS
	default:
		row.typ = typH2
	}
	row.client = int(g.zipf.Uint64())
	row.cport = 1024 + r.IntN(64511)
	row.ua, row.path, row.id, row.query, row.method = g.mix.draw(r)
	p := &albPaths[row.path]
	row.proto = "HTTP/1.1"
	if row.typ == typH2 {
		row.proto = "HTTP/2.0"
	}
	if row.typ != typHTTP {
		row.tls = pickPermille(r, albTLSs)
		row.sessReused = r.IntN(100) < 30
		row.noSNI = r.IntN(100) < 2
	}
	row.traceHi = r.Uint64()
	row.traceLo = r.Uint32()
	row.tidHi, row.tidLo = r.Uint64(), r.Uint64()
	if g.conns != nil && !g.conns.assign(row) {
		return false // the handshake failed: no request, no access line
	}
	row.target = r.IntN(len(g.targets))
	row.recv = 180 + r.IntN(700)
	if row.method == "POST" || row.method == "PUT" {
		row.recv += 200 + r.IntN(3000)
	}
	row.rule = p.rule

	forwarded := false
	redirect := row.typ == typHTTP && r.IntN(100) < 80
	switch bg := r.IntN(100000); {
	case redirect:
		g.lbRedirect(row)
	case p.fixed:
		g.lbFixed(row, 404, 170+r.IntN(30))
	case bg < 300:
		g.shapeContext(row, r, ALBClientClosed)
	case bg < 400:
		g.shapeContext(row, r, ALBLBBadRequest)
	case bg < 450:
		g.shapeContext(row, r, ALBIdleTimeout408)
	case bg < 460:
		g.shapeContext(row, r, ALBTooManyForwardedFor)
	case bg < 470:
		g.shapeContext(row, r, ALBProtocolIncompatible)
	case g.sc.WAF && bg < 1000:
		g.shapeContext(row, r, ALBWAFBlock)
	default:
		forwarded = true
		g.forward(row, p)
	}
	if g.sc.WAF {
		switch row.actions {
		case "forward":
			row.actions = "waf,forward"
		case "redirect":
			row.actions = "waf,redirect"
		case "fixed-response":
			row.actions = "waf,fixed-response"
		}
	}
	if forwarded && len(g.incidents) > 0 {
		for i := range g.incidents {
			in := &g.incidents[i]
			if t < in.start || t >= in.end || in.Rate <= 0 {
				continue
			}
			if in.every > 0 && in.burst > 0 && (t-in.start)%in.every >= in.burst {
				continue
			}
			if in.node >= 0 && in.node != row.node {
				continue
			}
			if in.targetOK != nil && !in.targetOK[row.target] {
				continue
			}
			if g.ri.Float64() >= in.Rate {
				continue
			}
			in.affected++
			if in.Kind == ALBNodeDrop {
				return false
			}
			row.incident = i
			g.shapeIncident(row, in)
			break
		}
	}
	g.finish(row)
	return true
}

// forward shapes a request the target answered normally.
func (g *albGen) forward(row *albRow, p *albPath) {
	r := g.r
	row.tgt = p.drawStatus(r)
	row.elb = row.tgt
	row.actions = "forward"
	row.tgARN = 1
	if r.IntN(5) == 0 {
		row.rp = 1
	}
	row.tp = g.lognormMs(p.medianMs, p.sigma)
	if row.tgt == 304 || row.tgt >= 400 {
		row.tp = row.tp/3 + 1
	}
	if r.IntN(10) == 0 {
		row.rsp = 1
	}
	switch {
	case row.tgt == 304 || row.tgt == 204:
		row.sent = 180 + r.IntN(120)
	case row.tgt >= 400 || row.tgt == 302:
		row.sent = 250 + r.IntN(600)
	default:
		row.sent = 300 + int(p.sizeMed*math.Exp(0.6*r.NormFloat64()))
	}
	if row.method == "HEAD" {
		row.sent = 250 + r.IntN(200)
	}
	if row.method == "GET" && r.IntN(500) == 0 {
		row.class = 1
	}
}

func (g *albGen) lbRedirect(row *albRow) {
	row.target = -1
	row.rp, row.tp, row.rsp = -1, -1, -1
	row.elb, row.tgt = 301, 0
	row.actions = "redirect"
	row.redirect = true
	row.rule = "0"
	row.sent = 140 + g.r.IntN(40)
}

func (g *albGen) lbFixed(row *albRow, status, size int) {
	row.target = -1
	row.rp, row.tp, row.rsp = -1, -1, -1
	row.elb, row.tgt = status, 0
	row.actions = "fixed-response"
	row.sent = size
}

// shapeContext shapes a non-5xx row answered by the load balancer.
func (g *albGen) shapeContext(row *albRow, r *rand.Rand, k ALBKind) {
	row.tgt = 0
	row.rp, row.tp, row.rsp = -1, -1, -1
	switch k {
	case ALBClientClosed:
		// The request reached a target; the client left before the answer.
		row.elb = 460
		row.actions = "forward"
		row.tgARN = 1
		row.rp = 0
		row.sent = 0
		row.context = ContextClientClosed
		row.rct = int64(1000 + r.IntN(20000)) // waiting time in ms, applied in finish
		return
	case ALBLBBadRequest:
		row.elb = 400
		row.context = ContextLBBadRequest
		row.rp = 0
		row.badReqLine = r.IntN(2) == 0
	case ALBIdleTimeout408:
		row.elb = 408
		row.context = ContextLBIdleTimeout
		row.badReqLine = true
		row.ua = uaNone
		row.rct = int64(g.idleMs)
		row.recv = 0
	case ALBTooManyForwardedFor:
		row.elb = 463
		row.context = ContextLBTooManyForwardedFor
	case ALBProtocolIncompatible:
		row.elb = 464
		row.context = ContextLBProtocolIncompatible
		row.rule = "10"
	case ALBWAFBlock:
		row.elb = 403
		row.context = ContextWAFBlocked
		row.actions = "waf"
		row.sent = 220 + r.IntN(40)
		row.target = -1
		return
	}
	row.target = -1
	row.actions = "-"
	row.rule = "-"
	row.sent = 272 + r.IntN(20)
	if row.elb == 464 {
		row.actions = "forward"
		row.rule = "10"
		row.tgARN = 1
	}
}

// shapeIncident gives a forwarded row the signature of the incident's kind.
func (g *albGen) shapeIncident(row *albRow, in *albIncident) {
	r := g.ri
	row.cause = in.cause
	row.tgt = 0
	row.class = 0
	lambda := func(reasons []string) {
		row.target = -1
		row.tgARN = 2
		row.rp, row.tp, row.rsp = 0, 5+r.IntN(900), 0
		row.errReason = reasons[r.IntN(len(reasons))]
		row.elb = 502
		row.sent = 277
		row.rule = "30"
	}
	switch in.Kind {
	case ALBLambdaService:
		lambda(lambdaServiceReasons)
		if row.errReason == "LambdaConnectionTimeout" {
			row.elb = 504
			row.tp = -1
			row.rsp = -1
			row.rct = 10000 + int64(r.IntN(40))
		}
	case ALBLambdaError:
		lambda(lambdaUserReasons)
	case ALBAuthError:
		row.target = -1
		row.tgARN = 0
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.actions = "authenticate"
		row.errReason = authReasons[r.IntN(len(authReasons))]
		row.elb = 500
		if row.errReason == "AuthTokenEpRequestFailed" || row.errReason == "AuthUserinfoEpRequestFailed" {
			row.elb = 561
		}
		row.sent = 300 + r.IntN(60)
		row.rule = "5"
	case ALBWAFError:
		row.target = -1
		row.tgARN = 0
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.actions = "waf-failed"
		row.errReason = wafReasons[r.IntN(len(wafReasons))]
		row.elb = 500
		row.sent = 300 + r.IntN(60)
	case ALBFixedResponse:
		g.lbFixed(row, 503, 1480+r.IntN(20))
		row.rule = "1"
	case ALBBadRequest:
		row.target = -1
		row.tgARN = 0
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.actions = "-"
		row.rule = "-"
		row.sent = 300 + r.IntN(30)
		if r.IntN(2) == 0 {
			row.elb = 501
			row.method = "POST"
			row.recv += 2048
		} else {
			row.elb = 505
			row.proto = "HTTP/3.0"
		}
	case ALBTargetHTTP5xx:
		row.elb, row.tgt = in.Status, in.Status
		row.sent = 250 + r.IntN(400)
		if row.tp < 5 {
			row.tp += 5 + r.IntN(50)
		}
	case ALBMalformedResponse:
		row.elb = 502
		row.sent = 272 + r.IntN(20)
		if r.IntN(2) == 0 {
			row.tgt = 200
		} else {
			row.rsp = -1
			if row.tp < 0 {
				row.tp = 3
			}
		}
	case ALBConnectionError:
		row.elb = 502
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.sent = 272 + r.IntN(20)
		row.rct = int64(1 + r.IntN(30))
	case ALBDeregistering:
		row.elb = 500
		row.rp, row.tp, row.rsp = 0, -1, -1
		row.sent = 272 + r.IntN(20)
		row.rct = int64(200 + r.IntN(5000))
	case ALBConnectTimeout:
		row.elb = 504
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.sent = 272 + r.IntN(20)
		row.rct = 10000 + int64(r.IntN(40))
	case ALBTargetTimeout:
		row.elb = 504
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.sent = 272 + r.IntN(20)
		row.rct = int64(g.idleMs + r.IntN(60))
	case ALBNoTargets:
		row.target = -1
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.elb = 503
		row.sent = 272 + r.IntN(20)
	case ALBInternal:
		row.target = -1
		row.rp, row.tp, row.rsp = -1, -1, -1
		row.elb = 500
		row.sent = 272 + r.IntN(20)
	default:
		row.cause = ""
		g.shapeContext(row, r, in.Kind)
	}
}

// finish derives request_creation_time from time and the processing times.
// A non-zero row.rct on entry is a wait in milliseconds for rows whose
// processing times are -1 (timeouts, client waits).
func (g *albGen) finish(row *albRow) {
	wait := row.rct * 1000
	if wait == 0 {
		for _, d := range [...]int{row.rp, row.tp, row.rsp} {
			if d > 0 {
				wait += int64(d) * 1000
			}
		}
		wait += int64(g.r.IntN(900))
	}
	// request_creation_time has millisecond precision; round down so that
	// time − request_creation_time ≥ the intended wait.
	rct := row.t - wait
	rct -= ((rct % 1000) + 1000) % 1000
	row.rct = rct
}
