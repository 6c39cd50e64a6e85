// Package s3 reads access logs from Amazon S3 (and S3-compatible servers):
// it lists the objects under s3://bucket/prefix URLs, prunes them by the time
// window using the AWS key layouts (ALB day folders and interval ends,
// CloudFront hours), and streams each object's bytes from GetObject with
// retries and resume, never writing them to disk nor holding an object whole
// in memory.
//
// It is the only package of lbtriage that imports the AWS SDK. Credentials,
// region and profile come from the SDK's default chain (environment, shared
// config and credentials files, SSO, container and instance roles).
//
// Every error it returns is an *Error whose text is one sentence naming the
// bucket and key, never a secret: see errors.go.
package s3

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/logging"

	"github.com/lbtriage/lbtriage/parser"
)

// Defaults for Options.
const (
	// DefaultMaxAttempts bounds the attempts at one request (the SDK's
	// retryer) and the consecutive resumes of one object body that make no
	// progress.
	DefaultMaxAttempts = 8
	// DefaultRegion is used when neither the options, the environment nor
	// the shared config name a region.
	DefaultRegion = "us-east-1"
	// DefaultWorkers is the number of folders listed at once.
	DefaultWorkers = 8
	// DefaultTimeout bounds one S3 call (see Options.Timeout).
	DefaultTimeout = 30 * time.Second
)

// Back-off between attempts: full jitter over an exponentially growing cap.
const (
	defaultBackoffBase = 100 * time.Millisecond
	defaultBackoffMax  = 5 * time.Second
)

// Options configures a Client. The zero value uses the SDK's default chain
// for everything and reads every object under the URL.
type Options struct {
	// Profile selects a profile of the shared config and credentials files
	// (AWS_PROFILE when empty).
	Profile string
	// Region overrides the region of the chain (AWS_REGION, the profile).
	Region string
	// EndpointURL points the client at an S3-compatible server, such as
	// http://127.0.0.1:7070. It forces path-style addressing. When empty,
	// AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL are honoured by the SDK.
	EndpointURL string
	// UsePathStyle addresses buckets as https://host/bucket/key instead of
	// https://bucket.host/key. Forced on when an endpoint is set.
	UsePathStyle bool
	// Since and Until bound the time window [Since, Until) the caller wants
	// rows of; a zero value leaves that side open. Objects whose name shows
	// they cannot hold such rows are not listed or not selected.
	Since, Until time.Time
	// LoadBalancer keeps only the ALB objects of that load balancer: its
	// name ("shop-prod-alb") or its resource ID
	// ("app/shop-prod-alb/50dc6c495c0c9188"). Other formats are unaffected.
	LoadBalancer string
	// Decoders are the formats read: their object-name layouts tell what
	// each key holds and which time its rows cover (for pruning), and keys
	// of a kind none of them reads are set aside unread.
	Decoders []parser.Decoder
	// Workers is the number of listings run at once (DefaultWorkers when 0).
	Workers int
	// HTTPClient replaces the SDK's HTTP client (tests).
	HTTPClient *http.Client
	// MaxAttempts bounds retries (DefaultMaxAttempts when 0). Throttling,
	// S3 5xx and dropped connections are retried; a refused connection or
	// a host name that does not resolve is not.
	MaxAttempts int
	// Timeout is the deadline of one S3 call, retries included: a listing
	// page, a PutObject, the lookup of credentials; and how long a
	// GetObject may go without a byte (its response headers, then each
	// read of its body) before it is cut and made again from where it
	// stopped (DefaultTimeout when 0). An endpoint that accepts the
	// connection and never answers is told after it.
	Timeout time.Duration

	// backoffBase scales the back-off (defaultBackoffBase when 0); tests
	// shrink it.
	backoffBase time.Duration
	// maxKeys, when set, is the page size of listings; tests shrink it.
	maxKeys int
}

// Client lists and reads S3 objects. It is safe for concurrent use.
type Client struct {
	api      *s3.Client
	opts     Options
	region   string
	endpoint string // for messages: the endpoint URL, or "" for AWS

	credOnce sync.Once
	credErr  error

	mu      sync.Mutex
	regions map[string]string // bucket → its region, when not c.region
}

// New loads the AWS configuration from the default chain as told by opts and
// returns a Client. It makes no request.
func New(ctx context.Context, opts Options) (*Client, error) {
	if opts.MaxAttempts <= 0 {
		opts.MaxAttempts = DefaultMaxAttempts
	}
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.backoffBase <= 0 {
		opts.backoffBase = defaultBackoffBase
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	for _, e := range []string{opts.EndpointURL, os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL")} {
		if err := CheckEndpoint(e); err != nil {
			return nil, err
		}
	}
	backoff := jitterBackoff{base: opts.backoffBase, max: defaultBackoffMax}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = opts.MaxAttempts
				o.MaxBackoff = defaultBackoffMax
				o.Backoff = backoff
				// Many objects read at once must not run out of retry
				// tokens: every request has its own bounded attempts.
				o.RateLimiter = ratelimit.None
				// Checked before the SDK's own rules, which retry these.
				o.Retryables = append([]retry.IsErrorRetryable{retry.IsErrorRetryableFunc(noRetryUnreachable)}, o.Retryables...)
			})
		}),
		// The SDK logs to stderr on its own (such as "WARN falling back
		// to IMDSv1" when no credentials are found): what users see is
		// the one sentence of the error, never SDK log lines.
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
		config.WithLogConfigurationWarnings(false),
	}
	if opts.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(opts.Profile))
	}
	if opts.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(opts.Region))
	}
	if opts.HTTPClient != nil {
		loadOpts = append(loadOpts, config.WithHTTPClient(opts.HTTPClient))
	} else {
		// Keep a connection per object read at once (the SDK keeps 10).
		idle := max(2*opts.Workers, 2*runtime.NumCPU(), 16)
		loadOpts = append(loadOpts, config.WithHTTPClient(awshttp.NewBuildableClient().WithTransportOptions(
			func(tr *http.Transport) { tr.MaxIdleConnsPerHost = idle })))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, configError(opts.Profile, err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	c := &Client{opts: opts, region: cfg.Region}
	envEndpoint := cmp.Or(os.Getenv("AWS_ENDPOINT_URL_S3"), os.Getenv("AWS_ENDPOINT_URL"))
	switch {
	case opts.EndpointURL != "":
		c.endpoint = opts.EndpointURL
	case cfg.BaseEndpoint != nil:
		c.endpoint = *cfg.BaseEndpoint
	case envEndpoint != "":
		c.endpoint = envEndpoint
	}
	c.api = s3.NewFromConfig(cfg, func(o *s3.Options) {
		if opts.EndpointURL != "" {
			o.BaseEndpoint = aws.String(opts.EndpointURL)
		}
		// An S3-compatible server seldom resolves bucket.host names.
		o.UsePathStyle = opts.UsePathStyle || c.endpoint != ""
		o.DisableLogOutputChecksumValidationSkipped = true
	})
	return c, nil
}

// Region is the region requests are signed for, unless a bucket answered
// that it is in another one.
func (c *Client) Region() string { return c.region }

// listObjects and getObject make one request (the SDK retrying it), in the
// bucket's own region: when S3 answers that the bucket is in another region
// (301 PermanentRedirect, or 400 AuthorizationHeaderMalformed, with
// x-amz-bucket-region), the region is remembered for the bucket and the
// request made again there, so that --region is seldom needed.
func (c *Client) listObjects(ctx context.Context, in *s3.ListObjectsV2Input) (out *s3.ListObjectsV2Output, err error) {
	bucket := aws.ToString(in.Bucket)
	err = c.withDeadline(ctx, func(ctx context.Context) error {
		signed, opt := c.regionFor(bucket)
		out, err = c.api.ListObjectsV2(ctx, in, opt)
		if err != nil && c.learnRegion(bucket, signed, err) {
			_, opt = c.regionFor(bucket)
			out, err = c.api.ListObjectsV2(ctx, in, opt)
		}
		return err
	})
	return out, err
}

// errTimedOut marks a call cut by its deadline, Options.Timeout.
var errTimedOut = errors.New("no answer in time")

// withDeadline runs one S3 call, fn, with the deadline Options.Timeout; an
// error of a call the deadline cut wraps errTimedOut.
func (c *Client) withDeadline(ctx context.Context, fn func(context.Context) error) error {
	cctx, cancel := context.WithTimeoutCause(ctx, c.opts.Timeout, errTimedOut)
	defer cancel()
	err := fn(cctx)
	if err != nil && ctx.Err() == nil && errors.Is(context.Cause(cctx), errTimedOut) {
		return fmt.Errorf("%w: %w", errTimedOut, err)
	}
	return err
}

// noRetryUnreachable stops the retries of a request whose connection was
// refused or whose host does not resolve: a server that is not there now
// will not be there in the next seconds, and a typo in an endpoint should
// not take eight attempts to tell.
func noRetryUnreachable(err error) aws.Ternary {
	var dns *net.DNSError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return aws.FalseTernary
	case errors.As(err, &dns) && !dns.IsTimeout:
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}

func (c *Client) getObject(ctx context.Context, in *s3.GetObjectInput) (*s3.GetObjectOutput, error) {
	bucket := aws.ToString(in.Bucket)
	signed, opt := c.regionFor(bucket)
	out, err := c.api.GetObject(ctx, in, opt)
	if err != nil && c.learnRegion(bucket, signed, err) {
		_, opt = c.regionFor(bucket)
		out, err = c.api.GetObject(ctx, in, opt)
	}
	return out, err
}

// regionFor returns the region to sign requests to bucket for, and the
// option that sets it.
func (c *Client) regionFor(bucket string) (string, func(*s3.Options)) {
	c.mu.Lock()
	r := c.regions[bucket]
	c.mu.Unlock()
	if r == "" {
		return c.region, func(*s3.Options) {}
	}
	return r, func(o *s3.Options) { o.Region = r }
}

// learnRegion records the region err names for bucket and reports whether
// it differs from signed, the one the failed request was signed for.
func (c *Client) learnRegion(bucket, signed string, err error) bool {
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.Response == nil {
		return false
	}
	r := re.Response.Header.Get("X-Amz-Bucket-Region")
	if r == "" || (re.HTTPStatusCode() != 301 && re.HTTPStatusCode() != 400) {
		return false
	}
	if r == signed {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.regions == nil {
		c.regions = map[string]string{}
	}
	c.regions[bucket] = r
	return true
}

// checkCredentials retrieves the credentials once, so that their absence is
// told as such rather than as the failure of the first request.
func (c *Client) checkCredentials(ctx context.Context, url string) error {
	c.credOnce.Do(func() {
		cfg := c.api.Options()
		if cfg.Credentials == nil {
			c.credErr = errors.New("no credentials provider")
			return
		}
		c.credErr = c.withDeadline(ctx, func(ctx context.Context) error {
			_, err := cfg.Credentials.Retrieve(ctx)
			return err
		})
	})
	if c.credErr != nil {
		if err := ctx.Err(); err != nil {
			return canceledError(url, err)
		}
		if errors.Is(c.credErr, errTimedOut) {
			return newError(ErrTimeout, url, c.credErr,
				"looking up the AWS credentials for %s took more than %v: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --profile", url, c.opts.Timeout)
		}
		return newError(ErrNoCredentials, url, c.credErr,
			"no AWS credentials found for %s: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --profile", url)
	}
	return nil
}

// jitterBackoff waits a random time in [0, min(max, base·2^attempt)): "full
// jitter", which spreads the retries of many readers throttled at once.
type jitterBackoff struct {
	base, max time.Duration
}

// BackoffDelay implements retry.BackoffDelayer.
func (b jitterBackoff) BackoffDelay(attempt int, _ error) (time.Duration, error) {
	return b.delay(attempt), nil
}

func (b jitterBackoff) delay(attempt int) time.Duration {
	d := b.max
	if attempt < 30 {
		if c := b.base << attempt; c > 0 && c < b.max {
			d = c
		}
	}
	return time.Duration(rand.Int64N(int64(d)) + 1)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// CheckEndpoint checks an S3 endpoint URL ("" is none): an http or https
// URL with a host and, if any, a port number, and nothing else, so that a
// typo is told before any request. The error is one sentence naming it.
func CheckEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	u, err := url.Parse(endpoint)
	ok := err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Hostname() != "" &&
		u.User == nil && u.RawQuery == "" && u.Fragment == "" && (u.Path == "" || u.Path == "/")
	if ok && u.Port() != "" {
		p, perr := strconv.Atoi(u.Port())
		ok = perr == nil && p > 0 && p < 1<<16
	}
	if !ok {
		if err == nil && u.User != nil {
			endpoint = u.Redacted()
		}
		return newError(ErrConfig, "", nil,
			"the S3 endpoint %q is not an endpoint URL: want http:// or https:// and a host, such as http://127.0.0.1:7070 or https://s3.eu-west-1.amazonaws.com", endpoint)
	}
	return nil
}

// ParseURL splits s3://bucket/prefix into the bucket and the key prefix (""
// for the whole bucket) and checks the bucket name against the S3 naming
// rules, so that a typo is told before any request.
func ParseURL(u string) (bucket, prefix string, err error) {
	rest, ok := strings.CutPrefix(u, "s3://")
	if !ok {
		return "", "", newError(ErrBadURL, u, nil, "%q is not an S3 URL: want s3://bucket/prefix", u)
	}
	bucket, prefix, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", newError(ErrBadURL, u, nil, "%q names no bucket: want s3://bucket/prefix", u)
	}
	if why := checkBucketName(bucket); why != "" {
		return "", "", newError(ErrBadBucketName, u, nil,
			"invalid S3 bucket name %q in %s: %s", bucket, u, why)
	}
	return bucket, prefix, nil
}

// checkBucketName returns why name breaks the S3 bucket naming rules, or "".
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
func checkBucketName(name string) string {
	if len(name) < 3 || len(name) > 63 {
		return fmt.Sprintf("a bucket name has 3 to 63 characters, this one has %d", len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return "a bucket name has only lower-case letters, digits, dots and hyphens"
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return "a bucket name begins and ends with a letter or digit"
	}
	if strings.Contains(name, "..") {
		return "a bucket name has no two adjacent dots"
	}
	if looksLikeIPv4(name) {
		return "a bucket name is not an IP address"
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return fmt.Sprintf("a bucket name does not begin with %q", p)
		}
	}
	for _, s := range []string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return fmt.Sprintf("a bucket name does not end with %q", s)
		}
	}
	return ""
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

func looksLikeIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 {
			return false
		}
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return false
			}
		}
	}
	return true
}

// objectURL is s3://bucket/key.
func objectURL(bucket, key string) string { return "s3://" + bucket + "/" + key }
