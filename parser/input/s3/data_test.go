package s3

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Test data: ALB objects in the real key layout over three days and a bit,
// for two accounts, three load balancers and four nodes, with the
// ELBAccessLogTestFile, a connection and a health-check log and a CloudTrail
// object; CloudFront
// files of two distributions, one hour with a late second file; and a
// bucket of larger objects for the streaming tests.

const (
	logsBucket = "lbtriage-logs"
	bigBucket  = "lbtriage-big"

	acctA = "123456789012"
	acctB = "210987654321"

	distA = "E2EXAMPLE1ABC"
	distB = "E3OTHERDIST9"
)

type testObject struct {
	Key  string
	Data []byte
}

type albStream struct {
	account, region, lb, node string
	from, to                  time.Time // interval ends in (from, to]
}

var (
	day19 = time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC)
	day20 = day19.AddDate(0, 0, 1)
	day22 = day19.AddDate(0, 0, 3)
)

var albStreams = []albStream{
	{acctA, "eu-west-1", "app/shop-prod-alb/50dc6c495c0c9188", "10.0.1.15", day19, day22},
	{acctA, "eu-west-1", "app/shop-prod-alb/50dc6c495c0c9188", "10.0.2.16", day20, day20.AddDate(0, 0, 1)},
	{acctA, "eu-west-1", "app/api-prod-alb/7f3a2b1c0d9e8f6a", "10.0.3.17", day20, day20.AddDate(0, 0, 1)},
	{acctB, "us-east-1", "app/edge-alb/0a1b2c3d4e5f6a7b", "172.31.4.5", day20, day20.AddDate(0, 0, 1)},
}

// deliveryDelay names the date folder: an interval ending at 23:55 is
// delivered after midnight, into the next day's folder.
const deliveryDelay = 5 * time.Minute

var (
	seedOnce  sync.Once
	seedData  map[string][]testObject
	seedIndex map[string]map[string][]byte
)

// seeded returns the objects of each bucket, generated once.
func seeded() map[string][]testObject {
	seedOnce.Do(func() {
		seedData = map[string][]testObject{
			logsBucket: append(albObjects(), cloudFrontObjects()...),
			bigBucket:  bigObjects(6, 5000),
		}
		seedIndex = map[string]map[string][]byte{}
		for b, objs := range seedData {
			seedIndex[b] = map[string][]byte{}
			for _, o := range objs {
				seedIndex[b][o.Key] = o.Data
			}
		}
	})
	return seedData
}

func albKey(s albStream, end time.Time, prefix, random string) string {
	lbToken := strings.ReplaceAll(s.lb, "/", ".")
	folder := end.Add(deliveryDelay).Format("2006/01/02")
	return fmt.Sprintf("prod/AWSLogs/%s/elasticloadbalancing/%s/%s/%s%s_elasticloadbalancing_%s_%s_%s_%s_%s.log.gz",
		s.account, s.region, folder, prefix, s.account, s.region, lbToken, end.Format("20060102T1504Z"), s.node, random)
}

func albObjects() []testObject {
	var objs []testObject
	for i, s := range albStreams {
		rng := rand.New(rand.NewPCG(uint64(i), 7))
		for end := s.from.Add(alb.Interval); !end.After(s.to); end = end.Add(alb.Interval) {
			var b strings.Builder
			for j := 0; j < 3; j++ {
				t := end.Add(-alb.Interval + time.Duration(rng.Int64N(int64(alb.Interval))))
				b.WriteString(albLine(s, t, rng))
			}
			objs = append(objs, testObject{albKey(s, end, "", randomID(rng)), gz([]byte(b.String()))})
		}
	}
	s := albStreams[0]
	end := time.Date(2026, 11, 20, 13, 10, 0, 0, time.UTC)
	objs = append(objs,
		testObject{"prod/AWSLogs/" + acctA + "/ELBAccessLogTestFile", []byte("Enable AccessLog for ELB: app/shop-prod-alb/50dc6c495c0c9188 at 2026-11-18T09:00:00.000Z")},
		testObject{albKey(s, end, "conn_log_", "conn0001"), gz([]byte("2026-11-20T13:07:00.000000Z 203.0.113.9 51000 443 TLSv1.2 - 0.002 - - - Success TID_1 - app/shop-prod-alb/50dc6c495c0c9188 10.0.1.15\n"))},
		// Another service's logs in the same bucket: never read.
		testObject{"prod/AWSLogs/" + acctA + "/CloudTrail/eu-west-1/2026/11/20/" + acctA + "_CloudTrail_eu-west-1_20261120T1310Z_AbCdEf.json.gz", gz([]byte(`{"Records":[]}`))},
		testObject{albKey(s, end, "health_check_log_", "hc000001"), gz([]byte("http 2026-11-20T13:07:00.000000Z 0.001 10.0.1.20:8080 tg-1 PASS 200 - app/shop-prod-alb/50dc6c495c0c9188 10.0.1.15\n"))},
	)
	return objs
}

func albLine(s albStream, t time.Time, rng *rand.Rand) string {
	status := []int{200, 200, 200, 502, 503, 504}[rng.IntN(6)]
	return fmt.Sprintf(`https %s %s 203.0.113.%d:%d 10.0.1.%d:8080 0.001 %.3f 0.000 %d %d 120 %d "GET https://shop.example.com:443/p/%d HTTP/1.1" "curl/8.5.0" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:%s:%s:targetgroup/shop-web-tg/73e2d6bc24d8a067 "Root=1-%08x-%024x" "shop.example.com" "-" 0 %s "forward" "-" "-" "10.0.1.%d:8080" "%d" "-" "-" TID_%032x "-" "-" "-"`+"\n",
		t.Format("2006-01-02T15:04:05.000000Z"), s.lb, rng.IntN(250)+1, rng.IntN(60000)+1024, rng.IntN(9)+10,
		rng.Float64(), status, status, rng.IntN(50000)+200, rng.IntN(1000), s.region, s.account,
		rng.Uint32(), rng.Uint64(), t.Add(-10*time.Millisecond).Format("2006-01-02T15:04:05.000000Z"),
		rng.IntN(9)+10, status, rng.Uint64())
}

func cfKey(dist string, hour time.Time, unique string) string {
	return "cdn/" + dist + "." + hour.Format("2006-01-02-15") + "." + unique + ".gz"
}

func cloudFrontObjects() []testObject {
	rng := rand.New(rand.NewPCG(42, 42))
	var objs []testObject
	add := func(dist string, h time.Time, unique string) {
		body := "#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status\n"
		for j := 0; j < 3; j++ {
			t := h.Add(time.Duration(rng.Int64N(int64(time.Hour))))
			body += fmt.Sprintf("%s\t%s\tFRA56-C1\t%d\t198.51.100.%d\tGET\td111111abcdef8.cloudfront.net\t/i/%d.png\t200\n",
				t.Format("2006-01-02"), t.Format("15:04:05"), rng.IntN(90000)+100, rng.IntN(250)+1, rng.IntN(999))
		}
		objs = append(objs, testObject{cfKey(dist, h, unique), gz([]byte(body))})
	}
	for h := day19; h.Before(day22); h = h.Add(time.Hour) {
		add(distA, h, strings.ToUpper(randomID(rng)))
	}
	// A second file for 13:00, delivered late: it still names the hour the
	// requests happened in.
	add(distA, day20.Add(13*time.Hour), "LATE0001")
	for h := day20; h.Before(day20.AddDate(0, 0, 1)); h = h.Add(time.Hour) {
		add(distB, h, strings.ToUpper(randomID(rng)))
	}
	return objs
}

// bigObjects returns n ALB objects of about rows lines each (a few MB of
// gzip), in the key layout, for the streaming tests and the benchmark.
func bigObjects(n, rows int) []testObject {
	s := albStreams[0]
	var objs []testObject
	for i := 0; i < n; i++ {
		rng := rand.New(rand.NewPCG(uint64(100+i), 9))
		end := day20.Add(time.Duration(13*60+5*(i+1)) * time.Minute)
		var b bytes.Buffer
		for j := 0; j < rows; j++ {
			b.WriteString(albLine(s, end.Add(-alb.Interval+time.Duration(j)*time.Millisecond), rng))
		}
		key := fmt.Sprintf("AWSLogs/%s/elasticloadbalancing/%s/2026/11/20/%s_elasticloadbalancing_%s_app.shop-prod-alb.50dc6c495c0c9188_%s_%s_big%05d.log.gz",
			s.account, s.region, s.account, s.region, end.Format("20060102T1504Z"), s.node, i)
		objs = append(objs, testObject{key, gz(b.Bytes())})
	}
	return objs
}

func randomID(rng *rand.Rand) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 8)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

var gzPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

func gz(p []byte) []byte {
	var b bytes.Buffer
	w := gzPool.Get().(*gzip.Writer)
	w.Reset(&b)
	w.Write(p)
	w.Close()
	gzPool.Put(w)
	return b.Bytes()
}

// seed creates the buckets and uploads the objects, 16 at a time.
func seed(ctx context.Context) error {
	c, err := New(ctx, Options{EndpointURL: gw.endpoint})
	if err != nil {
		return err
	}
	for bucket, objs := range seeded() {
		if err := putAll(ctx, c, bucket, objs); err != nil {
			return err
		}
	}
	return nil
}

func putAll(ctx context.Context, c *Client, bucket string, objs []testObject) error {
	if _, err := c.api.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return fmt.Errorf("create bucket %s: %w", bucket, err)
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
		sem      = make(chan struct{}, 32)
	)
	for _, o := range objs {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, err := c.api.PutObject(ctx, &s3.PutObjectInput{
				Bucket: aws.String(bucket), Key: aws.String(o.Key), Body: bytes.NewReader(o.Data),
			}, func(o *s3.Options) { o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired })
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("put %s: %w", o.Key, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// keysWhere returns the sorted keys of bucket's objects that pass keep.
func keysWhere(bucket string, keep func(key string) bool) []string {
	var keys []string
	for _, o := range seeded()[bucket] {
		if keep(o.Key) {
			keys = append(keys, o.Key)
		}
	}
	sort.Strings(keys)
	return keys
}

// testClient returns a Client for the server, through rt when not nil.
// testDecoders are the formats the test clients read.
var testDecoders = []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}}

func testClient(t testing.TB, opts Options, rt http.RoundTripper) *Client {
	t.Helper()
	g := needGateway(t)
	if opts.EndpointURL == "" {
		opts.EndpointURL = g.endpoint
	}
	if rt != nil {
		opts.HTTPClient = &http.Client{Transport: rt}
	}
	if opts.backoffBase == 0 {
		opts.backoffBase = time.Millisecond
	}
	if opts.Decoders == nil {
		opts.Decoders = testDecoders
	}
	c, err := New(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
