package s3

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestPut(t *testing.T) {
	genData(t) // creates the bucket
	c := testClient(t, Options{}, nil)
	ctx := context.Background()
	u := "s3://" + genBucket + "/reports/night.md"
	body := []byte("# Night report\n\nall quiet\n")
	if err := c.Put(ctx, u, body, "text/markdown; charset=utf-8"); err != nil {
		t.Fatal(err)
	}
	rc, err := c.Object(genBucket, "reports/night.md", -1).Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(got) != string(body) {
		t.Fatalf("read back %q (%v), want %q", got, err, body)
	}

	f := func(u string, kind error, want string) {
		t.Helper()
		err := c.Put(ctx, u, body, "")
		if !errors.Is(err, kind) || !strings.Contains(err.Error(), want) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("Put(%q) = %v, want one sentence with %q", u, err, want)
		}
	}
	f("s3://"+genBucket+"/", ErrBadURL, "names no object key")
	f("s3://Bad_Bucket/x", ErrBadBucketName, "invalid S3 bucket name")
	f("s3://no-such-bucket-lbtriage/x.md", ErrNoSuchBucket, "no-such-bucket-lbtriage")
}
