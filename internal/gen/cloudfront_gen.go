package gen

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

type cfPath struct {
	weight    int
	stem      string
	idMax     int
	suffix    string
	queries   []string
	ctype     string
	sizeMed   float64
	cacheable bool
	originMs  float64
	method    string
}

var cfSitePaths = []cfPath{
	{weight: 200, stem: "/", ctype: "text/html", sizeMed: 42000, cacheable: true, originMs: 180},
	{weight: 260, stem: "/products/", idMax: 99999, queries: []string{"-", "-", "color=navy&size=M", "utm_source=google&utm_medium=cpc&gclid=Cj0KCQiA4L67BhDUARIsADWrl7EkT2b"}, ctype: "text/html", sizeMed: 56000, cacheable: true, originMs: 240},
	{weight: 120, stem: "/category/", idMax: 400, queries: []string{"-", "page=2", "sort=price_asc&page=3"}, ctype: "text/html", sizeMed: 61000, cacheable: true, originMs: 300},
	{weight: 150, stem: "/api/v1/products/", idMax: 99999, queries: []string{"-", "currency=EUR", "fields=id%2Cname%2Cprice"}, ctype: "application/json", sizeMed: 3500, cacheable: true, originMs: 60},
	{weight: 80, stem: "/api/v1/search", queries: []string{"q=winter jacket", "q=running+shoes&page=2", "q=%E2%82%AC50 voucher"}, ctype: "application/json", sizeMed: 14000, originMs: 140},
	{weight: 60, stem: "/api/v1/cart", method: "POST", ctype: "application/json", sizeMed: 900, originMs: 80},
	{weight: 30, stem: "/account/orders", ctype: "text/html", sizeMed: 25000, originMs: 200},
	{weight: 20, stem: "/favicon.ico", ctype: "image/x-icon", sizeMed: 15000, cacheable: true, originMs: 20},
	{weight: 10, stem: "/sitemap.xml", ctype: "application/xml", sizeMed: 90000, cacheable: true, originMs: 400},
}

var cfStaticPaths = []cfPath{
	{weight: 300, stem: "/assets/app.", idMax: 999, suffix: ".js", ctype: "application/javascript", sizeMed: 160000, cacheable: true, originMs: 30},
	{weight: 120, stem: "/assets/styles.", idMax: 999, suffix: ".css", ctype: "text/css", sizeMed: 40000, cacheable: true, originMs: 25},
	{weight: 450, stem: "/img/products/", idMax: 60000, suffix: ".webp", queries: []string{"-", "w=320", "w=640&q=80"}, ctype: "image/webp", sizeMed: 55000, cacheable: true, originMs: 45},
	{weight: 60, stem: "/fonts/inter-var.", idMax: 9, suffix: ".woff2", ctype: "font/woff2", sizeMed: 95000, cacheable: true, originMs: 30},
	{weight: 20, stem: "/video/teaser-", idMax: 20, suffix: ".mp4", ctype: "video/mp4", sizeMed: 1200000, cacheable: true, originMs: 60},
}

// The queries above are as the viewer sent them; the log writes them
// encoded (a client's own %XX becomes %25XX).
func init() {
	for _, ps := range [][]cfPath{cfSitePaths, cfStaticPaths} {
		for i := range ps {
			for j, q := range ps[i].queries {
				ps[i].queries[j] = cfEncode(q)
			}
		}
	}
}

var cfReferers = []string{"-", "-", "-", "https://www.example.com/", "https://www.example.com/products/",
	"https://www.google.com/", "https://www.example.com/category/shoes?page=2", "android-app://com.google.android.gm/"}

// Result types (field 14, 23 and 29 before incidents).
const (
	cfHit = iota
	cfRefreshHit
	cfMiss
	cfRedirect
	cfShieldHit
)

type cfRow struct {
	t         int64 // Unix microseconds (printed as whole seconds)
	dist      int
	pop       int
	client    int
	cport     int
	path      int
	id        int
	query     int
	ua        int
	referer   int
	method    string
	status    int // 0 prints "000"
	rt        string
	rrt       string
	dt        string
	outcome   int
	https     bool
	proto     string
	tls       int
	csBytes   int
	scBytes   int
	ctype     string
	clen      int // -1 prints "-"
	rangeS    int // -1 "-"
	rangeE    int
	taken     int // ms
	ttfb      int // ms
	reqID     [54]byte
	cause     string
	context   string
	incident  int
	cacheHit  bool
	cacheMiss bool
}

type cfIncident struct {
	CFIncident
	start, end int64
	dist       int // -1 any
	pop        int // -1 any
	affected   int
}

type cfGen struct {
	sc        *CFScenario
	r, ri     *rand.Rand
	clients   []string
	zipf      *rand.Zipf
	popCum    []int
	siteCum   []int
	statCum   []int
	uaCum     []int
	uaEnc     []string
	refEnc    []string
	distCum   []int
	incidents []cfIncident
	start     int64
	end       int64
}

func newCFGen(sc *CFScenario) (*cfGen, error) {
	c, err := sc.withDefaults()
	if err != nil {
		return nil, err
	}
	g := &cfGen{
		sc:    c,
		r:     rand.New(rand.NewPCG(c.Seed^0xcf, splitmix(c.Seed^0xcf))),
		ri:    rand.New(rand.NewPCG(splitmix(c.Seed^0xcf51), splitmix(c.Seed^0xcf52))),
		start: c.Start.UnixMicro(),
		end:   c.End.UnixMicro(),
	}
	g.clients = makeClients(splitmix(c.Seed^0xcfc1), 8000)
	g.zipf = rand.NewZipf(g.r, 1.1, 3, uint64(len(g.clients)-1))
	sum := 0
	for i := range c.POPs {
		// Skewed: the first POPs serve most viewers.
		sum += 1000 / (i + 2)
		g.popCum = append(g.popCum, sum)
	}
	g.siteCum = cumWeights(cfSitePaths)
	g.statCum = cumWeights(cfStaticPaths)
	sum = 0
	for _, u := range albUAs {
		sum += u.weight
		g.uaCum = append(g.uaCum, sum)
		g.uaEnc = append(g.uaEnc, cfEncode(u.ua))
	}
	for _, r := range cfReferers {
		g.refEnc = append(g.refEnc, cfEncode(r))
	}
	sum = 0
	for _, d := range c.Distributions {
		w := 100
		if d.Static {
			w = 180 // pages pull several assets each
		}
		sum += w
		g.distCum = append(g.distCum, sum)
	}
	for _, in := range c.Incidents {
		ci := cfIncident{CFIncident: in, start: in.Start.UnixMicro(), end: in.End.UnixMicro(), dist: -1, pop: -1}
		if in.Distribution != "" {
			ci.dist = slices.IndexFunc(c.Distributions, func(d CFDistribution) bool { return d.ID == in.Distribution })
			if ci.dist < 0 {
				ci.dist = len(c.Distributions) // matches nothing
			}
		}
		if in.POP != "" {
			ci.pop = slices.Index(c.POPs, in.POP)
			if ci.pop < 0 {
				ci.pop = len(c.POPs)
			}
		}
		if ci.Kind == CFOriginHTTP5xx && ci.Status == 0 {
			ci.Status = 503
		}
		g.incidents = append(g.incidents, ci)
	}
	return g, nil
}

func cumWeights(ps []cfPath) []int {
	var out []int
	sum := 0
	for _, p := range ps {
		sum += p.weight
		out = append(out, sum)
	}
	return out
}

// cfEncode writes a value the way legacy standard logs do: ASCII 0–32,
// 127 and above, and the characters of the encoding table percent-encoded
// once.
func cfEncode(s string) string {
	if s == "-" {
		return s
	}
	var b []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= 32 || c >= 127 || c == '<' || c == '>' || c == '"' || c == '#' || c == '%' ||
			c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' || c == '~' || c == '[' ||
			c == ']' || c == '`' || c == '\'':
			b = append(b, '%', "0123456789ABCDEF"[c>>4], "0123456789ABCDEF"[c&15])
		default:
			b = append(b, c)
		}
	}
	return string(b)
}

func (g *cfGen) run(emit func(*cfRow)) {
	n := g.sc.Rows
	if n <= 0 {
		n = int(g.sc.RPS * float64(g.end-g.start) / 1e6)
	}
	var row cfRow
	schedule(g.start, g.end, n, g.sc.Seed^0xcf, g.r, func(int64) float64 { return 1 }, func(t int64) {
		g.makeRow(&row, t)
		emit(&row)
	})
}

const reqIDChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func (g *cfGen) makeRow(row *cfRow, t int64) {
	r := g.r
	*row = cfRow{t: t, incident: -1, clen: -1, rangeS: -1, rangeE: -1}
	row.dist = pick(r, g.distCum)
	d := &g.sc.Distributions[row.dist]
	row.pop = pick(r, g.popCum)
	row.client = int(g.zipf.Uint64())
	row.cport = 1024 + r.IntN(64511)
	row.ua = pick(r, g.uaCum)
	row.referer = r.IntN(len(cfReferers))
	paths, cum := cfSitePaths, g.siteCum
	if d.Static {
		paths, cum = cfStaticPaths, g.statCum
	}
	row.path = pick(r, cum)
	p := &paths[row.path]
	if p.idMax > 0 {
		row.id = 1 + r.IntN(p.idMax)
	}
	if len(p.queries) > 0 {
		row.query = r.IntN(len(p.queries))
	}
	row.method = p.method
	if row.method == "" {
		row.method = "GET"
		if r.IntN(150) == 0 {
			row.method = "HEAD"
		}
	}
	var bits uint64
	for i := range row.reqID {
		if i%10 == 0 {
			bits = r.Uint64()
		}
		row.reqID[i] = reqIDChars[bits&63]
		bits >>= 6
	}
	row.https = r.IntN(100) >= 3
	switch x := r.IntN(100); {
	case x < 58:
		row.proto = "HTTP/2.0"
	case x < 70:
		row.proto = "HTTP/3.0"
	default:
		row.proto = "HTTP/1.1"
	}
	row.tls = r.IntN(10)
	row.csBytes = 120 + r.IntN(700)
	if row.method == "POST" {
		row.csBytes += 300 + r.IntN(2000)
	}
	row.ctype = p.ctype
	size := int(p.sizeMed * math.Exp(0.5*r.NormFloat64()))
	row.status = 200
	switch {
	case !row.https:
		row.outcome = cfRedirect
		row.status = 301
		row.proto = "HTTP/1.1"
		row.ctype = "text/html"
		size = 167
		row.clen = size
		row.taken = r.IntN(2)
		row.ttfb = row.taken
	case p.cacheable && r.Float64() < d.HitRatio:
		row.cacheHit = true
		row.outcome = cfHit
		switch x := r.IntN(100); {
		case x < 4:
			row.outcome = cfRefreshHit
		case x < 10:
			row.outcome = cfShieldHit
		}
		row.ttfb = int(2 * math.Exp(0.6*r.NormFloat64()))
		if row.outcome == cfRefreshHit {
			row.ttfb += int(p.originMs * 0.4 * math.Exp(0.5*r.NormFloat64()))
		}
		if row.outcome == cfShieldHit {
			row.ttfb += 15 + r.IntN(30)
		}
		if r.IntN(100) < 6 {
			row.status = 304
			size = 0
		}
	default:
		row.cacheMiss = true
		row.outcome = cfMiss
		row.ttfb = int(p.originMs * math.Exp(0.7*r.NormFloat64()))
		switch x := r.IntN(1000); {
		case x < 15:
			row.status = 404
			row.ctype = "text/html"
			size = 1900 + r.IntN(300)
		case x < 20:
			row.status = 403
			row.ctype = "application/xml"
			size = 243
		case x < 26 && row.method == "GET":
			row.status = 304
			size = 0
		}
		if row.method == "POST" {
			row.status = 201
		}
	}
	if row.outcome != cfRedirect {
		row.clen = size
		if r.IntN(10) == 0 {
			row.clen = -1 // chunked, no Content-Length
		}
		if p.ctype == "video/mp4" && row.status == 200 && r.IntN(2) == 0 {
			row.status = 206
			row.rangeS = r.IntN(size / 2)
			row.rangeE = min(size-1, row.rangeS+262143)
			size = row.rangeE - row.rangeS + 1
			row.clen = size
		}
		row.taken = row.ttfb + size/2_000_000 + r.IntN(3)
	}
	row.scBytes = size + 350 + r.IntN(250)
	g.setResult(row)
	if row.outcome != cfRedirect && r.IntN(2000) == 0 {
		g.abort(row) // background: viewers leaving before the response
	}
	for i := range g.incidents {
		in := &g.incidents[i]
		if t < in.start || t >= in.end || in.Rate <= 0 || row.outcome == cfRedirect || row.status == 0 {
			continue
		}
		if in.dist >= 0 && in.dist != row.dist || in.pop >= 0 && in.pop != row.pop {
			continue
		}
		if in.Kind.missOnly() && !row.cacheMiss {
			continue
		}
		if g.ri.Float64() >= in.Rate {
			continue
		}
		in.affected++
		row.incident = i
		g.shapeIncident(row, in)
		break
	}
}

var cfOutcomeNames = [...]string{cfHit: "Hit", cfRefreshHit: "RefreshHit", cfMiss: "Miss", cfRedirect: "Redirect", cfShieldHit: "Hit"}

// setResult sets the three result types of a normal row.
func (g *cfGen) setResult(row *cfRow) {
	rt := cfOutcomeNames[row.outcome]
	row.rt, row.rrt, row.dt = rt, rt, rt
	if row.outcome == cfShieldHit {
		row.dt = "OriginShieldHit"
	}
	if row.status >= 400 {
		// Origin 4xx: the edge classes the response as an error.
		row.rt, row.rrt, row.dt = "Error", "Error", "Error"
	}
}

func (g *cfGen) shapeIncident(row *cfRow, in *cfIncident) {
	r := g.ri
	row.cause = in.Kind.Cause()
	errPage := func(status int, dt string, ms int) {
		row.status = status
		row.rt, row.rrt, row.dt = "Error", "Error", dt
		row.ctype = "text/html"
		row.clen = 915 + r.IntN(20)
		row.scBytes = row.clen + 380 + r.IntN(40)
		row.rangeS, row.rangeE = -1, -1
		row.ttfb = ms
		row.taken = ms
	}
	switch in.Kind {
	case CFOriginConnectError:
		errPage(502, "OriginConnectError", 8+r.IntN(180))
	case CFOriginHTTP5xx:
		if row.cacheMiss {
			errPage(in.Status, "Error", row.ttfb)
		} else {
			// The origin's error, cached for the error-caching TTL.
			errPage(in.Status, "Error", r.IntN(2))
		}
	case CFOriginTimeout:
		tries := 1 + r.IntN(3)
		errPage(504, "OriginCommError", tries*30000+5+r.IntN(60))
	case CFEdgeCapacity:
		errPage(503, "CapacityExceeded", r.IntN(3))
		row.rt, row.rrt = "CapacityExceeded", "CapacityExceeded"
	case CFFunctionError:
		v := "LambdaExecutionError"
		if r.IntN(2) == 0 {
			v = "FunctionExecutionError"
		}
		errPage(503, v, 1+r.IntN(40))
		row.rt, row.rrt = v, v
	case CFOriginDNSError:
		errPage(502, "OriginDnsError", 95+r.IntN(20))
	case CFOriginInvalidResponse:
		errPage(502, [...]string{"OriginInvalidResponseError", "OriginHeaderTooBigError", "OriginZeroSizeObjectError"}[r.IntN(3)], row.ttfb)
	case CFOriginOther:
		errPage(502, [...]string{"OriginReadError", "AbortedOrigin"}[r.IntN(2)], row.ttfb+r.IntN(2000))
	case CFClientRequestError:
		errPage(502, "ClientCommError", r.IntN(50))
	case CFEdgeGenerated:
		v := [...]string{"MissGeneratedResponse", "LambdaGeneratedResponse", "FunctionGeneratedResponse"}[r.IntN(3)]
		errPage(503, v, 2+r.IntN(30))
		row.rt, row.rrt = "Miss", "Miss"
		if v != "MissGeneratedResponse" {
			row.rt, row.rrt = v, v
		}
		row.ctype = "application/json"
	case CFClientAborted:
		g.abort(row)
	}
}

// abort makes the row a status 000: the viewer left before any response.
func (g *cfGen) abort(row *cfRow) {
	row.cause = ""
	row.status = 0
	row.rt = "Error"
	row.dt = "ClientHungUpRequest"
	row.scBytes = 0
	row.clen = -1
	row.rangeS, row.rangeE = -1, -1
	row.ctype = "-"
	row.context = ContextClientAborted
}

type cfFormatter struct {
	g      *cfGen
	sec    int64
	prefix [20]byte // "2006-01-02\t15:04:05\t"
}

var cfTLS = [...][2]string{
	{"TLSv1.3", "TLS_AES_128_GCM_SHA256"}, {"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
	{"TLSv1.3", "TLS_AES_128_GCM_SHA256"}, {"TLSv1.3", "TLS_AES_128_GCM_SHA256"},
	{"TLSv1.3", "TLS_AES_256_GCM_SHA384"}, {"TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"},
	{"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"}, {"TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"},
	{"TLSv1.2", "ECDHE-RSA-AES256-GCM-SHA384"}, {"TLSv1.2", "ECDHE-RSA-CHACHA20-POLY1305"},
}

func appendIntOrDash(dst []byte, v int) []byte {
	if v < 0 {
		return append(dst, '-')
	}
	return strconv.AppendInt(dst, int64(v), 10)
}

// appendRow appends one TAB-separated record with its newline.
func (f *cfFormatter) appendRow(dst []byte, row *cfRow) []byte {
	g := f.g
	d := &g.sc.Distributions[row.dist]
	sec := row.t / 1e6
	if sec != f.sec || f.prefix[0] == 0 {
		f.sec = sec
		time.Unix(sec, 0).UTC().AppendFormat(f.prefix[:0], "2006-01-02\t15:04:05\t")
	}
	dst = append(dst, f.prefix[:]...)
	dst = append(dst, g.sc.POPs[row.pop]...)
	dst = append(dst, '\t')
	dst = strconv.AppendInt(dst, int64(row.scBytes), 10)
	dst = append(dst, '\t')
	dst = append(dst, g.clients[row.client]...)
	dst = append(dst, '\t')
	dst = append(dst, row.method...)
	dst = append(dst, '\t')
	dst = append(dst, d.Domain...)
	dst = append(dst, '\t')
	paths := cfSitePaths
	if d.Static {
		paths = cfStaticPaths
	}
	p := &paths[row.path]
	dst = append(dst, p.stem...)
	if p.idMax > 0 {
		dst = strconv.AppendInt(dst, int64(row.id), 10)
		dst = append(dst, p.suffix...)
	}
	dst = append(dst, '\t')
	if row.status == 0 {
		dst = append(dst, "000"...)
	} else {
		dst = strconv.AppendInt(dst, int64(row.status), 10)
	}
	dst = append(dst, '\t')
	dst = append(dst, g.refEnc[row.referer]...)
	dst = append(dst, '\t')
	dst = append(dst, g.uaEnc[row.ua]...)
	dst = append(dst, '\t')
	if len(p.queries) > 0 {
		dst = append(dst, p.queries[row.query]...)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, "\t-\t"...)
	dst = append(dst, row.rt...)
	dst = append(dst, '\t')
	dst = append(dst, row.reqID[:]...)
	dst = append(dst, "==\t"...)
	dst = append(dst, d.Host...)
	if row.https {
		dst = append(dst, "\thttps\t"...)
	} else {
		dst = append(dst, "\thttp\t"...)
	}
	dst = strconv.AppendInt(dst, int64(row.csBytes), 10)
	dst = append(dst, '\t')
	dst = appendMs(dst, row.taken)
	dst = append(dst, "\t-\t"...)
	if row.https {
		dst = append(dst, cfTLS[row.tls][0]...)
		dst = append(dst, '\t')
		dst = append(dst, cfTLS[row.tls][1]...)
	} else {
		dst = append(dst, "-\t-"...)
	}
	dst = append(dst, '\t')
	dst = append(dst, row.rrt...)
	dst = append(dst, '\t')
	dst = append(dst, row.proto...)
	dst = append(dst, "\t-\t-\t"...)
	dst = strconv.AppendInt(dst, int64(row.cport), 10)
	dst = append(dst, '\t')
	dst = appendMs(dst, row.ttfb)
	dst = append(dst, '\t')
	dst = append(dst, row.dt...)
	dst = append(dst, '\t')
	dst = append(dst, row.ctype...)
	dst = append(dst, '\t')
	dst = appendIntOrDash(dst, row.clen)
	dst = append(dst, '\t')
	dst = appendIntOrDash(dst, row.rangeS)
	dst = append(dst, '\t')
	dst = appendIntOrDash(dst, row.rangeE)
	return append(dst, '\n')
}
