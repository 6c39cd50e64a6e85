package s3

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// request is one request seen by a recorder or a proxy.
type request struct {
	Method string
	Key    string // object key ("" for a listing)
	// Listing parameters (ListObjectsV2).
	Prefix, Delimiter, StartAfter string
	Continued                     bool
	Range, IfMatch                string
}

func (r request) String() string {
	if r.Key == "" {
		s := fmt.Sprintf("LIST prefix=%q", r.Prefix)
		if r.Delimiter != "" {
			s += fmt.Sprintf(" delimiter=%q", r.Delimiter)
		}
		if r.StartAfter != "" {
			s += fmt.Sprintf(" start-after=%q", r.StartAfter)
		}
		if r.Continued {
			s += " (continued)"
		}
		return s
	}
	return r.Method + " " + r.Key + " " + r.Range
}

func parseRequest(r *http.Request) request {
	// Path style: /bucket/key.
	path := strings.TrimPrefix(r.URL.Path, "/")
	_, key, _ := strings.Cut(path, "/")
	q := r.URL.Query()
	return request{
		Method: r.Method, Key: key,
		Prefix: q.Get("prefix"), Delimiter: q.Get("delimiter"), StartAfter: q.Get("start-after"),
		Continued: q.Get("continuation-token") != "", Range: r.Header.Get("Range"),
		IfMatch: r.Header.Get("If-Match"),
	}
}

// recorder is an http.RoundTripper that records the requests it passes on.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	reqs []request
}

func newRecorder() *recorder { return &recorder{base: http.DefaultTransport} }

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, parseRequest(r))
	rec.mu.Unlock()
	return rec.base.RoundTrip(r)
}

func (rec *recorder) requests() []request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]request(nil), rec.reqs...)
}

// lists returns the listings made, as strings.
func (rec *recorder) lists() []string {
	var out []string
	for _, r := range rec.requests() {
		if r.Key == "" && r.Method == http.MethodGet {
			out = append(out, r.String())
		}
	}
	return out
}

// fault is what the proxy does to one request.
type fault struct {
	// SlowDown answers 503 SlowDown instead of forwarding.
	SlowDown bool
	// Denied answers 403 AccessDenied instead of forwarding, as S3 does
	// for a key the policy does not let the credentials read.
	Denied bool
	// Cut > 0 forwards the response but closes the connection after Cut
	// bytes of the body (Content-Length still promising the whole body).
	Cut int64
	// CutAtStart sends the headers and closes before any body byte.
	CutAtStart bool
	// StallHeaders sends nothing until the client gives up; StallAfter > 0
	// sends that many body bytes, then nothing until the client gives up.
	StallHeaders bool
	StallAfter   int64
}

// stallLimit bounds a stall when the client never gives up.
const stallLimit = 10 * time.Second

func stall(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(stallLimit):
	}
}

// faultProxy is a reverse proxy on 127.0.0.1 in front of the server that
// injects faults into GetObject requests. decide is called with the key and
// the number of GETs of that key so far (1 for the first).
type faultProxy struct {
	*httptest.Server
	upstream *url.URL
	tr       *http.Transport
	decide   func(key string, n int) fault
	// region, when set, is the buckets' region: a request signed for
	// another gets 301 PermanentRedirect with x-amz-bucket-region, as S3
	// answers.
	region string

	mu        sync.Mutex
	gets      map[string]int
	log       []request
	redirects int
}

func newFaultProxy(t testing.TB, upstream string, decide func(key string, n int) fault) *faultProxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{
		upstream: u, decide: decide, gets: map[string]int{},
		tr: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: 32},
	}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(func() { p.Server.Close(); p.tr.CloseIdleConnections() })
	return p
}

func (p *faultProxy) serve(w http.ResponseWriter, r *http.Request) {
	req := parseRequest(r)
	var f fault
	p.mu.Lock()
	p.log = append(p.log, req)
	if r.Method == http.MethodGet && req.Key != "" {
		p.gets[req.Key]++
		if p.decide != nil {
			f = p.decide(req.Key, p.gets[req.Key])
		}
	}
	p.mu.Unlock()

	if p.region != "" && signedRegion(r) != p.region {
		p.mu.Lock()
		p.redirects++
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("X-Amz-Bucket-Region", p.region)
		w.WriteHeader(http.StatusMovedPermanently)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed using the specified endpoint.</Message></Error>`)
		return
	}
	if f.Denied {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>AccessDenied</Code><Message>Access Denied</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>`)
		return
	}
	if f.SlowDown {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>`+
			`<RequestId>4442587FB7D0A2F9</RequestId><HostId>lbtriage-test</HostId></Error>`)
		return
	}
	if f.StallHeaders {
		stall(r)
		return
	}
	out := r.Clone(r.Context())
	out.URL.Scheme, out.URL.Host = p.upstream.Scheme, p.upstream.Host
	out.RequestURI = ""
	out.Host = r.Host // the signature covers the Host the client used
	resp, err := p.tr.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	if f.StallAfter > 0 {
		io.CopyN(w, resp.Body, f.StallAfter)
		w.(http.Flusher).Flush()
		stall(r)
		return
	}
	if !f.CutAtStart && f.Cut <= 0 {
		io.Copy(w, resp.Body)
		return
	}
	if f.Cut > 0 {
		io.CopyN(w, resp.Body, f.Cut)
	}
	w.(http.Flusher).Flush()
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

// signedRegion is the region of the request's SigV4 credential scope.
func signedRegion(r *http.Request) string {
	_, cred, _ := strings.Cut(r.Header.Get("Authorization"), "Credential=")
	parts := strings.Split(cred, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// getCount returns how many GETs of key the proxy saw.
func (p *faultProxy) getCount(key string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.gets[key]
}

func (p *faultProxy) requests() []request {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]request(nil), p.log...)
}
