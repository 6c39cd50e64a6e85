package main

// S3 inputs: the flags and the expansion of s3:// URLs into objects.
//
// The seam for the commands that read logs:
//
//	var s3f s3Flags
//	s3f.register(fs) // --profile, --region, --endpoint-url, --lb
//	objects, skipped, stats, err := m.expandS3(ctx, urls, &s3f, since, until, workers)
//
// since and until bound the window [since, until) (zero = open): only the
// objects whose names show they can hold rows of it are listed and
// selected. workers is the number of listings run at once (0 = default).
// err is one sentence for the user (missing credentials, access denied, no
// such bucket, bad bucket name, unreachable endpoint), never a secret.

import (
	"cmp"
	"context"
	"time"

	"github.com/spf13/pflag"

	"github.com/lbtriage/lbtriage/parser/input"
	"github.com/lbtriage/lbtriage/parser/input/s3"
)

// s3Flags are the flags for s3:// inputs.
type s3Flags struct {
	profile     string
	region      string
	endpointURL string
	lb          string
}

// s3ListStats counts what listing the s3:// inputs did: keys examined,
// objects selected, objects skipped on purpose and ListObjectsV2 requests.
type s3ListStats = s3.ListStats

// register adds --profile, --region, --endpoint-url and --lb to fs.
func (f *s3Flags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.profile, "profile", "", "AWS profile for s3:// inputs (default: AWS_PROFILE, else the default credential chain)")
	fs.StringVar(&f.region, "region", "", "AWS region of the bucket (default: AWS_REGION or the profile's region)")
	fs.StringVar(&f.endpointURL, "endpoint-url", "", "S3-compatible endpoint such as http://127.0.0.1:7070 (default: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL)")
	fs.StringVar(&f.lb, "lb", "", "report on this load balancer only, by its name or app/NAME/ID: S3 objects of others are not listed, and rows of others in any input are left out and counted")
}

// expandS3 lists the s3:// URLs and returns their objects, pruned to the
// window and the --lb filter, in URL order and without duplicates.
func (m *Main) expandS3(ctx context.Context, urls []string, f *s3Flags, since, until time.Time, workers int) ([]input.Object, []input.Skipped, s3ListStats, error) {
	var stats s3ListStats
	if len(urls) == 0 {
		return nil, nil, stats, nil
	}
	if f == nil {
		f = &s3Flags{}
	}
	// Check every URL before the first request.
	for _, u := range urls {
		if _, _, err := s3.ParseURL(u); err != nil {
			return nil, nil, stats, err
		}
	}
	client, err := m.s3Client(ctx, f, since, until, workers)
	if err != nil {
		return nil, nil, stats, err
	}
	var (
		objects []input.Object
		skipped []input.Skipped
		seen    = map[string]bool{}
	)
	for _, u := range urls {
		objs, skip, st, err := client.Objects(ctx, u)
		stats.Add(st)
		if err != nil {
			return nil, nil, stats, err
		}
		for _, o := range objs {
			if !seen[o.Source.Name] {
				seen[o.Source.Name] = true
				objects = append(objects, o)
			}
		}
		skipped = append(skipped, skip...)
	}
	return objects, skipped, stats, nil
}

// s3Client makes the S3 client the flags describe, listing for the window
// [since, until) with workers listings at once.
func (m *Main) s3Client(ctx context.Context, f *s3Flags, since, until time.Time, workers int) (*s3.Client, error) {
	if f == nil {
		f = &s3Flags{}
	}
	opts := s3.Options{
		Profile:      f.profile,
		Region:       f.region,
		EndpointURL:  m.s3Endpoint(f),
		Since:        since,
		Until:        until,
		LoadBalancer: f.lb,
		Decoders:     decoders(),
		Workers:      workers,
		Timeout:      m.s3Timeout,
	}
	return s3.New(ctx, opts)
}

// s3Endpoint is the endpoint URL --endpoint-url or the environment name,
// or "" for AWS.
func (m *Main) s3Endpoint(f *s3Flags) string {
	if f != nil && f.endpointURL != "" {
		return f.endpointURL
	}
	if m.Getenv == nil {
		return ""
	}
	return cmp.Or(m.Getenv("AWS_ENDPOINT_URL_S3"), m.Getenv("AWS_ENDPOINT_URL"))
}
