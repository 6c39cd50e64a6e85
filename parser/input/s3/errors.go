package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/smithy-go"
)

// Error kinds: an *Error matches its kind with errors.Is.
var (
	ErrBadURL        = errors.New("not an S3 URL")
	ErrBadBucketName = errors.New("invalid S3 bucket name")
	ErrProfile       = errors.New("AWS profile not found")
	ErrConfig        = errors.New("cannot load the AWS configuration")
	ErrNoCredentials = errors.New("no AWS credentials")
	ErrAccessDenied  = errors.New("access denied")
	ErrNoSuchBucket  = errors.New("no such bucket")
	ErrNoSuchKey     = errors.New("no such key")
	ErrWrongRegion   = errors.New("bucket in another region")
	ErrUnreachable   = errors.New("S3 endpoint unreachable")
	ErrTimeout       = errors.New("S3 endpoint did not answer in time")
	ErrCanceled      = errors.New("S3 request canceled")
	ErrThrottled     = errors.New("throttled by S3")
	ErrServer        = errors.New("S3 server error")
	ErrChanged       = errors.New("object changed while read")
	ErrRead          = errors.New("object read failed")
	ErrRequest       = errors.New("S3 request failed")
)

// Error is a failed S3 operation told as one sentence that names the bucket
// and key. The SDK error it came from is kept for errors.As, but its text —
// which can be long, and for signature errors quotes the request — is not
// part of Error().
type Error struct {
	// Kind is one of the Err* values above.
	Kind error
	// URL is s3://bucket/key (or s3://bucket/prefix for a listing).
	URL string
	msg string
	err error
}

func (e *Error) Error() string { return e.msg }

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.err }

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool { return target == e.Kind }

func newError(kind error, u string, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, URL: u, msg: fmt.Sprintf(format, args...), err: err}
}

// configError explains a failure of config.LoadDefaultConfig.
func configError(profile string, err error) error {
	var np config.SharedConfigProfileNotExistError
	if errors.As(err, &np) {
		return newError(ErrProfile, "", err,
			"AWS profile %q not found in the shared config or credentials files (~/.aws/config, ~/.aws/credentials)", np.Profile)
	}
	if profile != "" {
		return newError(ErrConfig, "", err, "cannot load AWS profile %q: %s", profile, oneLine(err.Error()))
	}
	return newError(ErrConfig, "", err, "cannot load the AWS configuration: %s", oneLine(err.Error()))
}

// explain maps an error of the SDK (or of the network under it) met while
// working on u (s3://bucket/key) to an *Error. A call its deadline cut is
// ErrTimeout, naming the endpoint; the caller's cancellation is ErrCanceled
// and still matches context.Canceled (or DeadlineExceeded) with errors.Is.
func (c *Client) explain(err error, bucket, key string) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	u := objectURL(bucket, key)
	if errors.Is(err, errTimedOut) {
		return newError(ErrTimeout, u, err, "the S3 endpoint %s did not answer within %v for %s",
			c.endpointFor(err), c.opts.Timeout, u)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return canceledError(u, err)
	}
	attempts := ""
	var ma *retry.MaxAttemptsError
	if errors.As(err, &ma) {
		attempts = fmt.Sprintf(" after %d attempts", ma.Attempt)
	}

	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		switch code {
		case "AccessDenied", "AllAccessDisabled", "AccountProblem", "Forbidden":
			return newError(ErrAccessDenied, u, err, "access denied to %s: the credentials are not allowed to read it (%s)", u, code)
		case "SignatureDoesNotMatch":
			return newError(ErrAccessDenied, u, err, "access denied to %s: the secret access key does not match the access key ID (SignatureDoesNotMatch)", u)
		case "InvalidAccessKeyId", "XAdminUserNotFound": // the latter from versitygw
			return newError(ErrAccessDenied, u, err, "access denied to %s: the access key ID is not known to S3 (InvalidAccessKeyId)", u)
		case "ExpiredToken", "TokenRefreshRequired", "InvalidToken", "ExpiredTokenException":
			return newError(ErrAccessDenied, u, err, "access denied to %s: the session token has expired or is invalid, refresh the credentials (%s)", u, code)
		case "NoSuchBucket":
			return newError(ErrNoSuchBucket, u, err, "no such bucket: s3://%s", bucket)
		case "InvalidBucketName":
			return newError(ErrBadBucketName, u, err, "invalid S3 bucket name %q in %s (InvalidBucketName)", bucket, u)
		case "NoSuchKey", "NotFound":
			return newError(ErrNoSuchKey, u, err, "%s does not exist: it may have been deleted since it was listed", u)
		case "PreconditionFailed":
			return newError(ErrChanged, u, err, "%s changed while it was being read (its ETag no longer matches)", u)
		case "PermanentRedirect", "AuthorizationHeaderMalformed", "IllegalLocationConstraintException", "301":
			return newError(ErrWrongRegion, u, err, "s3://%s is not in region %s: set --region (or AWS_REGION) to the bucket's region (%s)", bucket, c.region, code)
		}
		if _, ok := retry.DefaultThrottleErrorCodes[code]; ok {
			return newError(ErrThrottled, u, err, "S3 kept throttling the requests for %s (%s)%s: try again later or with fewer workers", u, code, attempts)
		}
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == 0 {
		re = nil // no response: a network error
	}
	if re != nil {
		status := re.HTTPStatusCode()
		code := ""
		if api != nil {
			code = " (" + api.ErrorCode() + ")"
		}
		switch {
		case status == 403:
			return newError(ErrAccessDenied, u, err, "access denied to %s: HTTP 403%s", u, code)
		case status == 404:
			return newError(ErrNoSuchKey, u, err, "%s does not exist (HTTP 404%s)", u, code)
		case status >= 500:
			return newError(ErrServer, u, err, "S3 failed to serve %s: HTTP %d%s%s", u, status, code, attempts)
		}
		return newError(ErrRequest, u, err, "S3 refused the request for %s: HTTP %d%s", u, status, code)
	}
	if api != nil {
		return newError(ErrRequest, u, err, "S3 refused the request for %s (%s)", u, api.ErrorCode())
	}
	if isCredentialsError(err) {
		return newError(ErrNoCredentials, u, err,
			"no AWS credentials found for %s: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --profile", u)
	}
	if why := networkReason(err); why != "" {
		return newError(ErrUnreachable, u, err, "cannot reach the S3 endpoint %s for %s: %s%s", c.endpointFor(err), u, why, attempts)
	}
	return newError(ErrRequest, u, err, "S3 request for %s failed: %s", u, oneLine(lastPart(err.Error())))
}

// canceledError is a request to u the caller's context ended.
func canceledError(u string, err error) *Error {
	return newError(ErrCanceled, u, err, "the request for %s was interrupted", u)
}

// isCredentialsError tells a failure to find or refresh credentials, which
// the SDK reports as plain wrapped errors.
func isCredentialsError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "get identity") || strings.Contains(s, "failed to refresh cached credentials") ||
		strings.Contains(s, "failed to retrieve credentials")
}

// networkReason says in a few words why a connection failed, or "" when err
// is not a network error.
func networkReason(err error) string {
	var dns *net.DNSError
	switch {
	case errors.As(err, &dns):
		return "cannot resolve host " + dns.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to host"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "timed out"
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return op.Op + " failed"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "request failed"
	}
	return ""
}

// endpointFor names the endpoint a request went to: scheme://host of the
// failed URL, else the configured endpoint, else AWS's.
func (c *Client) endpointFor(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		if pu, perr := url.Parse(ue.URL); perr == nil && pu.Host != "" {
			return pu.Scheme + "://" + pu.Host
		}
	}
	if c.endpoint != "" {
		return c.endpoint
	}
	return "https://s3." + c.region + ".amazonaws.com"
}

// lastPart keeps the innermost message of a chain of "a: b: c".
func lastPart(s string) string {
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		return s[i+2:]
	}
	return s
}

func oneLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return s
}
