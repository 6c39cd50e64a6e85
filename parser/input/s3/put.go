package s3

import (
	"bytes"
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// ParseObjectURL splits s3://bucket/key as ParseURL does, and also checks
// that it names an object: a key, not a folder. It makes no request.
func ParseObjectURL(u string) (bucket, key string, err error) {
	bucket, key, err = ParseURL(u)
	if err != nil {
		return "", "", err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return "", "", newError(ErrBadURL, u, nil, "%q names no object key: want s3://bucket/key", u)
	}
	return bucket, key, nil
}

// Put stores body as the object at u (s3://bucket/key) with the given
// content type. S3 makes a PUT visible whole or not at all, so a reader never
// sees half an object. The error is one sentence naming bucket and key.
func (c *Client) Put(ctx context.Context, u string, body []byte, contentType string) error {
	bucket, key, err := ParseObjectURL(u)
	if err != nil {
		return err
	}
	if err := c.checkCredentials(ctx, u); err != nil {
		return err
	}
	in := &s3.PutObjectInput{
		Bucket:        aws.String(bucket),
		Key:           aws.String(key),
		Body:          bytes.NewReader(body),
		ContentLength: aws.Int64(int64(len(body))),
	}
	if contentType != "" {
		in.ContentType = aws.String(contentType)
	}
	err = c.withDeadline(ctx, func(ctx context.Context) error {
		signed, opt := c.regionFor(bucket)
		_, err := c.api.PutObject(ctx, in, opt)
		if err != nil && c.learnRegion(bucket, signed, err) {
			_, opt = c.regionFor(bucket)
			in.Body = bytes.NewReader(body)
			_, err = c.api.PutObject(ctx, in, opt)
		}
		return err
	})
	return c.explain(err, bucket, key)
}
