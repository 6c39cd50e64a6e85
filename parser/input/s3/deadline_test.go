package s3

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// silentEndpoint listens on 127.0.0.1, accepts every connection and never
// answers; it returns the endpoint URL.
func silentEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
	)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// newClient makes a client without the test server.
func newClient(t *testing.T, opts Options) *Client {
	t.Helper()
	if opts.Decoders == nil {
		opts.Decoders = testDecoders
	}
	opts.backoffBase = time.Millisecond
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// An endpoint that accepts the connection and never answers: every call
// ends at its deadline, with one sentence naming the endpoint.
func TestDeadline_SilentEndpoint(t *testing.T) {
	endpoint := silentEndpoint(t)
	c := newClient(t, Options{EndpointURL: endpoint, Timeout: 300 * time.Millisecond, MaxAttempts: 2})
	ctx := context.Background()

	_, _, _, err := c.Objects(ctx, "s3://my-logs/prod/")
	checkSentence(t, err, ErrTimeout, "the S3 endpoint "+endpoint+" did not answer within 300ms for s3://my-logs/prod/")
	// With a window, the listing is a different walk: it has the deadline too.
	cw := newClient(t, Options{EndpointURL: endpoint, Timeout: 300 * time.Millisecond, Since: time.Now().Add(-time.Hour)})
	_, _, _, err = cw.Objects(ctx, "s3://my-logs/")
	checkSentence(t, err, ErrTimeout, "the S3 endpoint "+endpoint+" did not answer within 300ms for s3://my-logs/")

	err = c.Put(ctx, "s3://my-logs/reports/night.md", []byte("report"), "text/markdown")
	checkSentence(t, err, ErrTimeout, "the S3 endpoint "+endpoint+" did not answer within 300ms for s3://my-logs/reports/night.md")

	_, err = c.Object("my-logs", "prod/x.log.gz", -1).Open(ctx)
	checkSentence(t, err, ErrRead, "reading s3://my-logs/prod/x.log.gz failed at byte 0 after 2 attempts: no data from "+endpoint+" for 300ms")
}

// Cancelling the context (Ctrl-C) ends a call at once, as one sentence
// that still matches context.Canceled.
func TestDeadline_Canceled(t *testing.T) {
	c := newClient(t, Options{EndpointURL: silentEndpoint(t), Timeout: time.Hour})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	_, _, _, err := c.Objects(ctx, "s3://my-logs/prod/")
	checkSentence(t, err, ErrCanceled, "the request for s3://my-logs/prod/ was interrupted")
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%v does not match context.Canceled", err)
	}
}

// countingTransport counts the requests sent.
type countingTransport struct{ n atomic.Int64 }

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return http.DefaultTransport.RoundTrip(r)
}

// A refused connection, or a host that does not resolve, is told after one
// attempt, not after the eight that throttling gets.
func TestDeadline_UnreachableFailsFast(t *testing.T) {
	f := func(endpoint, want string) {
		t.Helper()
		rt := &countingTransport{}
		c := newClient(t, Options{EndpointURL: endpoint, HTTPClient: &http.Client{Transport: rt}})
		_, _, _, err := c.Objects(context.Background(), "s3://my-logs/prod/")
		checkSentence(t, err, ErrUnreachable, "cannot reach the S3 endpoint "+endpoint+" for s3://my-logs/prod/: "+want)
		if n := rt.n.Load(); n != 1 {
			t.Errorf("%s: %d attempts, want 1", endpoint, n)
		}
	}
	port, err := freePort() // free now, so closed
	if err != nil {
		t.Fatal(err)
	}
	f("http://127.0.0.1:"+strconv.Itoa(port), "connection refused")

	var dns *net.DNSError
	if _, err := net.LookupHost("no-such-host.invalid"); !errors.As(err, &dns) || dns.IsTimeout {
		t.Skipf("the resolver does not answer here (%v): the DNS case is not checked", err)
	}
	f("http://no-such-host.invalid:9000", "cannot resolve host no-such-host.invalid")
}

// With no credentials, the SDK's fall back from IMDSv2 to IMDSv1 is logged
// by the SDK as "SDK ... WARN falling back to IMDSv1" on stderr: nothing
// but the error's one sentence may reach the user.
func TestDeadline_SDKLogSilenced(t *testing.T) {
	imds := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && r.URL.Path == "/latest/api/token" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		http.NotFound(w, r)
	}))
	defer imds.Close()
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "")
	t.Setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.URL)

	stderr := captureStderr(t, func() {
		c := newClient(t, Options{EndpointURL: silentEndpoint(t)})
		_, _, _, err := c.Objects(context.Background(), "s3://my-logs/prod/")
		checkSentence(t, err, ErrNoCredentials, "no AWS credentials found for s3://my-logs/prod/")
	})
	if stderr != "" {
		t.Errorf("the SDK wrote to stderr: %q", stderr)
	}
}

// captureStderr runs fn with os.Stderr going to a file and returns what
// was written there.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	f, err := os.Create(filepath.Join(t.TempDir(), "stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	saved := os.Stderr
	os.Stderr = f
	defer func() { os.Stderr = saved }()
	fn()
	f.Seek(0, io.SeekStart)
	b, _ := io.ReadAll(f)
	return string(b)
}

func TestCheckEndpoint(t *testing.T) {
	for _, e := range []string{"", "http://127.0.0.1:7070", "https://s3.eu-west-1.amazonaws.com", "http://[::1]:9000", "https://minio.example.com/"} {
		if err := CheckEndpoint(e); err != nil {
			t.Errorf("CheckEndpoint(%q): %v", e, err)
		}
	}
	for _, e := range []string{"http://[::1", "not a url", "127.0.0.1:9", "ftp://x", "http://127.0.0.1:99999", "http://127.0.0.1:0", "%zz", "http://", "https://host/path", "http://user:pw@host"} {
		if strings.Contains(e, "pw") && CheckEndpoint(e) != nil && strings.Contains(CheckEndpoint(e).Error(), "pw") {
			t.Errorf("CheckEndpoint(%q) shows the password: %v", e, CheckEndpoint(e))
		}
		checkSentence(t, CheckEndpoint(e), ErrConfig, "the S3 endpoint", "is not an endpoint URL: want http:// or https:// and a host")
		if _, err := New(context.Background(), Options{EndpointURL: e}); !errors.Is(err, ErrConfig) {
			t.Errorf("New with endpoint %q: %v, want ErrConfig", e, err)
		}
	}
}
