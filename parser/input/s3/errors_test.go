package s3

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// checkSentence checks that err is of kind, is one line, holds every
// piece, and holds no secret.
func checkSentence(t *testing.T, err, kind error, pieces ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", kind)
	}
	msg := err.Error()
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %v", msg, kind)
	}
	for _, p := range pieces {
		if !strings.Contains(msg, p) {
			t.Errorf("error %q does not contain %q", msg, p)
		}
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error %q spans lines", msg)
	}
	for _, secret := range []string{testSecretKey, "wrong-secret-for-test"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q shows the secret key", msg)
		}
	}
}

func TestParseURL(t *testing.T) {
	ok := func(u, bucket, prefix string) {
		t.Helper()
		b, p, err := ParseURL(u)
		if err != nil || b != bucket || p != prefix {
			t.Errorf("ParseURL(%q) = %q, %q, %v; want %q, %q", u, b, p, err, bucket, prefix)
		}
	}
	ok("s3://my-logs", "my-logs", "")
	ok("s3://my-logs/", "my-logs", "")
	ok("s3://my.logs-1/prod/AWSLogs/", "my.logs-1", "prod/AWSLogs/")
	bad := func(u string, kind error, pieces ...string) {
		t.Helper()
		_, _, err := ParseURL(u)
		checkSentence(t, err, kind, pieces...)
	}
	bad("https://my-logs/x", ErrBadURL, "https://my-logs/x", "s3://bucket/prefix")
	bad("s3:///x", ErrBadURL, "names no bucket")
	bad("s3://My_Logs/x", ErrBadBucketName, `invalid S3 bucket name "My_Logs" in s3://My_Logs/x`, "lower-case")
	bad("s3://ab/x", ErrBadBucketName, "3 to 63")
	bad("s3://"+strings.Repeat("a", 64), ErrBadBucketName, "3 to 63")
	bad("s3://-logs/", ErrBadBucketName, "begins and ends")
	bad("s3://logs-/", ErrBadBucketName, "begins and ends")
	bad("s3://my..logs/", ErrBadBucketName, "adjacent dots")
	bad("s3://192.168.10.20/", ErrBadBucketName, "IP address")
	bad("s3://xn--logs/", ErrBadBucketName, `"xn--"`)
	bad("s3://logs-s3alias/", ErrBadBucketName, `"-s3alias"`)
}

// A bad bucket name is told before any request.
func TestErrors_BadBucketNameMakesNoRequest(t *testing.T) {
	rec := newRecorder()
	c := testClient(t, Options{}, rec)
	_, _, _, err := c.Objects(context.Background(), "s3://Bad_Bucket/prefix/")
	checkSentence(t, err, ErrBadBucketName, `"Bad_Bucket"`)
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

// A closed port on 127.0.0.1: the endpoint and the URL are named.
func TestErrors_UnreachableEndpoint(t *testing.T) {
	port, err := freePort() // free now, so closed
	if err != nil {
		t.Fatal(err)
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	c := testClient(t, Options{EndpointURL: endpoint}, nil)
	_, _, _, err = c.Objects(context.Background(), "s3://"+logsBucket+"/prod/")
	checkSentence(t, err, ErrUnreachable,
		"cannot reach the S3 endpoint "+endpoint+" for s3://"+logsBucket+"/prod/: connection refused")
}

// A wrong secret: the server refuses the signature, for a listing and for
// an object, and the message names the bucket and key, not the secret.
func TestErrors_WrongSecret(t *testing.T) {
	needGateway(t)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-for-test")
	c := testClient(t, Options{}, nil)
	_, _, _, err := c.Objects(context.Background(), "s3://"+logsBucket+"/prod/")
	checkSentence(t, err, ErrAccessDenied, "access denied to s3://"+logsBucket+"/prod/")

	key := seeded()[bigBucket][0].Key
	_, err = c.Object(bigBucket, key, -1).Open(context.Background())
	checkSentence(t, err, ErrAccessDenied, "access denied to s3://"+bigBucket+"/"+key+": ", "SignatureDoesNotMatch")
}

// An access key the server does not know.
func TestErrors_UnknownAccessKey(t *testing.T) {
	needGateway(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "NOSUCHKEY")
	c := testClient(t, Options{}, nil)
	_, err := readObject(c, logsBucket, "prod/AWSLogs/"+acctA+"/ELBAccessLogTestFile")
	checkSentence(t, err, ErrAccessDenied, "access denied to s3://"+logsBucket+"/prod/AWSLogs/"+acctA+"/ELBAccessLogTestFile: ")
}

// No credentials anywhere in the chain: told before any request, as one
// sentence that says what to do.
func TestErrors_MissingCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	rec := newRecorder()
	c := testClient(t, Options{}, rec)
	_, _, _, err := c.Objects(context.Background(), "s3://"+logsBucket+"/prod/")
	want := "no AWS credentials found for s3://" + logsBucket + "/prod/: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use --profile"
	checkSentence(t, err, ErrNoCredentials)
	if err != nil && err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests made", n)
	}
}

func TestErrors_NoSuchBucket(t *testing.T) {
	c := testClient(t, Options{}, nil)
	_, _, _, err := c.Objects(context.Background(), "s3://no-such-bucket-here/prod/")
	checkSentence(t, err, ErrNoSuchBucket)
	if err != nil && err.Error() != "no such bucket: s3://no-such-bucket-here" {
		t.Errorf("error %q", err)
	}
}

func TestErrors_UnknownProfile(t *testing.T) {
	_, err := New(context.Background(), Options{Profile: "no-such-profile"})
	checkSentence(t, err, ErrProfile, `AWS profile "no-such-profile" not found`)
}

// A key the credentials may not read (403 AccessDenied on GetObject): the
// object is named, and it is not retried.
func TestErrors_DeniedKey(t *testing.T) {
	g := needGateway(t)
	key := seeded()[bigBucket][3].Key
	p := newFaultProxy(t, g.endpoint, func(k string, _ int) fault { return fault{Denied: k == key} })
	c := testClient(t, Options{EndpointURL: p.URL}, nil)
	_, err := readObject(c, bigBucket, key)
	checkSentence(t, err, ErrAccessDenied,
		"access denied to s3://"+bigBucket+"/"+key+": the credentials are not allowed to read it (AccessDenied)")
	if n := p.getCount(key); n != 1 {
		t.Errorf("%d GETs, want 1", n)
	}
}
