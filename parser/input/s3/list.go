package s3

import (
	"context"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/lbtriage/lbtriage/parser/awskey"
	"github.com/lbtriage/lbtriage/parser/input"
)

// Window pruning.
const (
	// Slack widens the window when objects are chosen by name: rows sit a
	// little outside the interval or hour their object is named for (ALB
	// writes a row when the response is sent, CloudFront when the last byte
	// left the edge). Rows are filtered by their own timestamps later.
	Slack = 5 * time.Minute
	// maxDiscoverDepth bounds how many levels of user folders above
	// AWSLogs/ are searched.
	maxDiscoverDepth = 3
)

// ListStats counts what listing did.
type ListStats struct {
	// Listed is the number of object keys examined.
	Listed int
	// Selected is the number of objects returned to be read.
	Selected int
	// Skipped is the number of objects skipped on purpose (test files,
	// connection and health-check logs); Listed − Selected − Skipped were
	// pruned by the window or the load balancer filter.
	Skipped int
	// Requests is the number of ListObjectsV2 requests made (retries by the
	// SDK not counted).
	Requests int
}

// Add adds o's counts to s.
func (s *ListStats) Add(o ListStats) {
	s.Listed += o.Listed
	s.Selected += o.Selected
	s.Skipped += o.Skipped
	s.Requests += o.Requests
}

// Objects lists the objects under u (s3://bucket/prefix) that can hold rows
// of the window [Options.Since, Options.Until) and pass the load balancer
// filter.
//
// With no window, every object under the prefix is listed, but for other
// services' logs under AWSLogs/ (CloudTrail, VPC flow logs, …). With a
// window:
//
//   - ALB: below …/AWSLogs/, accounts, services and regions are found with
//     delimiter listings, then only the {yyyy}/{mm}/{dd}/ folders the window
//     touches are listed, plus the next day's (objects are filed by delivery
//     date, so rows near midnight land in the next day's folder), with the
//     load balancer's name as part of the listing prefix when a filter is
//     set. A day folder that holds more than a page of keys is listed per
//     load balancer instead, from the window's first interval end
//     (StartAfter) to past its last. An object is kept when the 5 minutes
//     before the interval end in its name, widened by Slack, meet the
//     window.
//   - CloudFront ({distribution}.{YYYY-MM-DD-HH}.{unique}.gz): each
//     distribution is listed from the first hour that can hold rows of the
//     window (StartAfter) and listing stops past the last one. The hour
//     names when the requests happened, also for files delivered late, so
//     late files are found the same way.
//   - A prefix above AWSLogs/ (the bucket root, a user folder) is searched
//     with delimiter listings for AWSLogs/ folders and CloudFront files, up
//     to three folder levels down.
//
// Objects whose name tells nothing about time are kept. Keys that
// input.Classify rejects are returned as skipped. Listings run
// Options.Workers at once.
func (c *Client) Objects(ctx context.Context, u string) ([]input.Object, []input.Skipped, ListStats, error) {
	bucket, prefix, err := ParseURL(u)
	if err != nil {
		return nil, nil, ListStats{}, err
	}
	if err := c.checkCredentials(ctx, u); err != nil {
		return nil, nil, ListStats{}, err
	}
	l := &listing{
		c: c, bucket: bucket, prefix: prefix,
		since: c.opts.Since, until: c.opts.Until,
		lb: parseLBFilter(c.opts.LoadBalancer),
	}
	if err := l.walk(ctx); err != nil {
		return nil, nil, l.stats(), err
	}
	if err := l.runLeaves(ctx); err != nil {
		return nil, nil, l.stats(), err
	}
	objects, skipped := l.collect()
	return objects, skipped, l.stats(), nil
}

// listing is the state of one Objects call. Discovery (walk) runs in one
// goroutine and plans leaves; runLeaves lists the leaves concurrently, each
// into its own result.
type listing struct {
	c            *Client
	bucket       string
	prefix       string
	since, until time.Time
	lb           lbFilter

	requests atomic.Int64
	direct   leafResult // objects met while discovering
	leaves   []leaf
	results  []leafResult
}

// leaf is one prefix to list in full (paginated, no delimiter).
type leaf struct {
	prefix     string
	startAfter string
	// stopPastUntil ends the listing at the first CloudFront key whose hour
	// is past the window (keys are sorted by hour under one distribution).
	stopPastUntil bool
	// elbPrefix, set for an ALB day folder, is the start of its object
	// names ("{account}_elasticloadbalancing_{region}_"): when the folder
	// holds more than a page, each load balancer's objects are sought from
	// the window's start instead (see seekALB).
	elbPrefix string
}

type leafResult struct {
	listed  int
	found   []found
	skipped []input.Skipped
}

type found struct {
	key  string
	size int64
}

func (l *listing) stats() ListStats {
	s := ListStats{Requests: int(l.requests.Load())}
	for _, r := range append([]leafResult{l.direct}, l.results...) {
		s.Listed += r.listed
		s.Selected += len(r.found)
		s.Skipped += len(r.skipped)
	}
	return s
}

func (l *listing) collect() ([]input.Object, []input.Skipped) {
	var (
		objects []input.Object
		skipped []input.Skipped
	)
	seen := map[string]bool{}
	for _, r := range append([]leafResult{l.direct}, l.results...) {
		for _, f := range r.found {
			if seen[f.key] {
				continue
			}
			seen[f.key] = true
			objects = append(objects, l.c.Object(l.bucket, f.key, f.size))
		}
		skipped = append(skipped, r.skipped...)
	}
	return objects, skipped
}

// Object returns the input.Object for s3://bucket/key without listing;
// size is the stored size, -1 when unknown. Its Open makes the first
// GetObject and returns a reader that resumes and retries (see reader.go).
func (c *Client) Object(bucket, key string, size int64) input.Object {
	return input.Object{
		Source: input.ParseName(objectURL(bucket, key), c.opts.Decoders),
		Size:   size,
		Open: func(ctx context.Context) (io.ReadCloser, error) {
			if isParquet(key) {
				return c.openRanged(ctx, bucket, key, size)
			}
			return c.open(ctx, bucket, key)
		},
	}
}

func (l *listing) windowed() bool { return !l.since.IsZero() || !l.until.IsZero() }

// walk plans the leaves.
func (l *listing) walk(ctx context.Context) error {
	p := l.prefix
	if !l.windowed() {
		l.leaves = append(l.leaves, leaf{prefix: p})
		return nil
	}
	if i := strings.Index(p, "AWSLogs/"); i >= 0 {
		return l.albLevel(ctx, levelAWSLogs, p[:i+len("AWSLogs/")])
	}
	if p == "" || strings.HasSuffix(p, "/") {
		return l.discover(ctx, p, 0)
	}
	// A prefix ending inside a folder: a distribution ("logs/E2ABC.") or
	// the start of some names.
	base := p[strings.LastIndexByte(p, '/')+1:]
	if d, ok := strings.CutSuffix(base, "."); ok && isDistribution(d) {
		l.leaves = append(l.leaves, l.distributionLeaf(p))
		return nil
	}
	l.leaves = append(l.leaves, leaf{prefix: p})
	return nil
}

// Levels of the ALB layout below AWSLogs/.
const (
	levelAWSLogs = iota // children: accounts
	levelAccount        // children: services (elasticloadbalancing/)
	levelService        // children: regions
	levelRegion         // children: yyyy/mm/dd/
)

// albLevel descends the ALB layout from folder, which ends in "/".
func (l *listing) albLevel(ctx context.Context, level int, folder string) error {
	if level == levelRegion {
		return l.albDays(ctx, folder)
	}
	rest := l.rest(folder)
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		// The user's prefix fixes this level.
		return l.albLevel(ctx, level+1, folder+rest[:i+1])
	}
	subs, err := l.delimited(ctx, folder+rest)
	if err != nil {
		return err
	}
	for _, s := range subs {
		if level == levelAccount && !strings.HasSuffix(s, "/elasticloadbalancing/") {
			continue
		}
		if err := l.albLevel(ctx, level+1, s); err != nil {
			return err
		}
	}
	return nil
}

// rest is what the user's prefix adds below folder ("" when nothing).
func (l *listing) rest(folder string) string {
	if len(l.prefix) > len(folder) && strings.HasPrefix(l.prefix, folder) {
		return l.prefix[len(folder):]
	}
	return ""
}

// delimited lists prefix with delimiter "/" and returns the sub-folders;
// objects directly there are examined (the ELBAccessLogTestFile sits in the
// account folder).
func (l *listing) delimited(ctx context.Context, prefix string) ([]string, error) {
	var subs []string
	err := l.list(ctx, &s3.ListObjectsV2Input{Prefix: aws.String(prefix), Delimiter: aws.String("/")},
		func(out *s3.ListObjectsV2Output) bool {
			for _, cp := range out.CommonPrefixes {
				subs = append(subs, aws.ToString(cp.Prefix))
			}
			for _, o := range out.Contents {
				l.consider(&l.direct, aws.ToString(o.Key), aws.ToInt64(o.Size))
			}
			return true
		})
	return subs, err
}

// dayRange returns the first and last day folders (UTC midnights) that can
// hold ALB objects of the window: the days of [Since−Slack, Until+Slack]
// plus the day after. A zero bound stays zero (open).
func (l *listing) dayRange() (first, last time.Time) {
	if !l.since.IsZero() {
		first = day(l.since.Add(-Slack))
	}
	if !l.until.IsZero() {
		last = day(l.until.Add(Slack)).AddDate(0, 0, 1)
	}
	return first, last
}

func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// albDays plans the day folders below a region folder.
func (l *listing) albDays(ctx context.Context, region string) error {
	first, last := l.dayRange()
	if !first.IsZero() && !last.IsZero() {
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			l.dayLeaf(region, region+d.Format("2006/01/02/"))
		}
		return nil
	}
	return l.dateLevel(ctx, 0, region, region, first, last)
}

// dateLevel discovers year (depth 0), month (1) and day (2) folders below
// a region folder when one side of the window is open, keeping those that
// meet [first, last].
func (l *listing) dateLevel(ctx context.Context, depth int, region, folder string, first, last time.Time) error {
	if depth == 3 {
		l.dayLeaf(region, folder)
		return nil
	}
	rest := l.rest(folder)
	var subs []string
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		subs = []string{folder + rest[:i+1]}
	} else {
		var err error
		if subs, err = l.delimited(ctx, folder+rest); err != nil {
			return err
		}
	}
	for _, s := range subs {
		from, to, ok := dateSpan(strings.TrimPrefix(s, region))
		if !ok {
			continue
		}
		if (!first.IsZero() && !to.After(first)) || (!last.IsZero() && from.After(last)) {
			continue
		}
		if err := l.dateLevel(ctx, depth+1, region, s, first, last); err != nil {
			return err
		}
	}
	return nil
}

// dateSpan returns the span [from, to) of "yyyy/", "yyyy/mm/" or
// "yyyy/mm/dd/".
func dateSpan(rel string) (from, to time.Time, ok bool) {
	rel = strings.TrimSuffix(rel, "/")
	parts := strings.Split(rel, "/")
	var ymd [3]int
	ymd[1], ymd[2] = 1, 1
	for i, p := range parts {
		if i > 2 || p == "" {
			return from, to, false
		}
		n := 0
		for j := 0; j < len(p); j++ {
			if p[j] < '0' || p[j] > '9' {
				return from, to, false
			}
			n = n*10 + int(p[j]-'0')
		}
		ymd[i] = n
	}
	from = time.Date(ymd[0], time.Month(ymd[1]), ymd[2], 0, 0, 0, 0, time.UTC)
	switch len(parts) {
	case 1:
		to = from.AddDate(1, 0, 0)
	case 2:
		to = from.AddDate(0, 1, 0)
	default:
		to = from.AddDate(0, 0, 1)
	}
	return from, to, true
}

// dayLeaf plans the listing of one day folder, narrowed to the load
// balancer's objects when a filter is set and to the user's prefix.
func (l *listing) dayLeaf(region, folder string) {
	rel := strings.TrimPrefix(folder, region)
	regionRel := l.rest(region)
	switch {
	case regionRel == "" || strings.HasPrefix(rel, regionRel):
		l.leaves = append(l.leaves, leaf{prefix: folder + l.lbKeyPrefix(region), elbPrefix: elbPrefix(region)})
	case strings.HasPrefix(regionRel, rel):
		l.leaves = append(l.leaves, leaf{prefix: region + regionRel})
	}
}

// elbPrefix is the start of the object names in the day folders of region
// folder ".../AWSLogs/{account}/elasticloadbalancing/{region}/":
// "{account}_elasticloadbalancing_{region}_".
func elbPrefix(regionFolder string) string {
	parts := strings.Split(strings.TrimSuffix(regionFolder, "/"), "/")
	if len(parts) < 4 {
		return ""
	}
	region, account := parts[len(parts)-1], parts[len(parts)-3]
	return account + "_elasticloadbalancing_" + region + "_"
}

// lbKeyPrefix is the start of the object names of the filtered load
// balancer in a day folder of regionFolder, or "".
func (l *listing) lbKeyPrefix(regionFolder string) string {
	p := elbPrefix(regionFolder)
	if l.lb.name == "" || p == "" {
		return ""
	}
	p += l.lb.kind + "." + l.lb.name + "."
	if l.lb.id != "" {
		p += l.lb.id + "_"
	}
	return p
}

// discover searches a folder above AWSLogs/ (folder is "" or ends in "/").
func (l *listing) discover(ctx context.Context, folder string, depth int) error {
	var (
		subs         []string
		hasAWSLogs   bool
		hasCloudFrnt bool
	)
	err := l.list(ctx, &s3.ListObjectsV2Input{Prefix: aws.String(folder), Delimiter: aws.String("/")},
		func(out *s3.ListObjectsV2Output) bool {
			for _, cp := range out.CommonPrefixes {
				p := aws.ToString(cp.Prefix)
				if p == folder+"AWSLogs/" {
					hasAWSLogs = true
				} else {
					subs = append(subs, p)
				}
			}
			for _, o := range out.Contents {
				key := aws.ToString(o.Key)
				if _, ok := awskey.ParseCloudFront(key[len(folder):]); ok {
					hasCloudFrnt = true
					continue
				}
				l.consider(&l.direct, key, aws.ToInt64(o.Size))
			}
			// CloudFront files are listed per distribution below, from
			// the window's first hour on.
			return !hasCloudFrnt
		})
	if err != nil {
		return err
	}
	if hasCloudFrnt {
		if err := l.distributions(ctx, folder); err != nil {
			return err
		}
	}
	if hasAWSLogs {
		if err := l.albLevel(ctx, levelAWSLogs, folder+"AWSLogs/"); err != nil {
			return err
		}
	}
	for _, s := range subs {
		// The lake's day partitions are searched at any depth, those of
		// the window only.
		name := baseName(strings.TrimSuffix(s, "/"))
		if _, day := input.DayPartition(name); day && input.DayOutside(name, l.since, l.until) ||
			!day && depth+1 >= maxDiscoverDepth {
			continue
		}
		if err := l.discover(ctx, s, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// distributions finds the CloudFront distributions with files directly in
// folder (a listing with delimiter ".") and plans one leaf for each.
func (l *listing) distributions(ctx context.Context, folder string) error {
	return l.list(ctx, &s3.ListObjectsV2Input{Prefix: aws.String(folder), Delimiter: aws.String(".")},
		func(out *s3.ListObjectsV2Output) bool {
			for _, cp := range out.CommonPrefixes {
				p := aws.ToString(cp.Prefix)
				if d := strings.TrimSuffix(p[len(folder):], "."); isDistribution(d) {
					l.leaves = append(l.leaves, l.distributionLeaf(p))
				}
			}
			return true
		})
}

// distributionLeaf plans the listing of "{folder}{distribution}." from the
// first hour that can hold rows of the window.
func (l *listing) distributionLeaf(prefix string) leaf {
	lf := leaf{prefix: prefix, stopPastUntil: !l.until.IsZero()}
	if !l.since.IsZero() {
		h := l.since.Add(-Slack - time.Hour).UTC().Truncate(time.Hour)
		for !l.hourKeep(h) {
			h = h.Add(time.Hour)
		}
		// Keys are "{prefix}YYYY-MM-DD-HH.{unique}.gz": every key of
		// hour h or later sorts after "{prefix}YYYY-MM-DD-HH".
		lf.startAfter = prefix + h.Format("2006-01-02-15")
	}
	return lf
}

func isDistribution(s string) bool { return awskey.IsDistribution(s) }

// runLeaves lists the leaves, Options.Workers at once.
func (l *listing) runLeaves(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	l.results = make([]leafResult, len(l.leaves))
	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		sem      = make(chan struct{}, l.c.opts.Workers)
	)
	for i := range l.leaves {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := l.runLeaf(ctx, l.leaves[i], &l.results[i]); err != nil {
				errOnce.Do(func() { firstErr = err; cancel() })
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}

func (l *listing) runLeaf(ctx context.Context, lf leaf, res *leafResult) error {
	in := &s3.ListObjectsV2Input{Prefix: aws.String(lf.prefix)}
	if lf.startAfter != "" {
		in.StartAfter = aws.String(lf.startAfter)
	}
	busy := false
	err := l.list(ctx, in, func(out *s3.ListObjectsV2Output) bool {
		for _, o := range out.Contents {
			key := aws.ToString(o.Key)
			if lf.stopPastUntil {
				if k, ok := awskey.ParseCloudFront(baseName(key)); ok && l.pastUntil(k.Hour) {
					return false
				}
			}
			l.consider(res, key, aws.ToInt64(o.Size))
		}
		if lf.elbPrefix != "" && aws.ToBool(out.IsTruncated) {
			busy = true
			return false
		}
		return true
	})
	if err != nil || !busy {
		return err
	}
	// The first page's keys are sought again below, by load balancer.
	res.found, res.skipped = res.found[:0], res.skipped[:0]
	return l.seekALB(ctx, lf, res)
}

// seekALB lists a day folder that holds more than a page by load balancer:
// each one's object names sort by interval end, so its listing starts
// after the window's first useful end (StartAfter) and stops past the last.
// The load balancers are found with a "_"-delimited listing, unless the
// filter names one in full.
func (l *listing) seekALB(ctx context.Context, lf leaf, res *leafResult) error {
	lbs := []string{lf.prefix}
	if !strings.HasSuffix(lf.prefix, "_") { // not one load balancer named in full
		discover := lf.prefix
		if strings.HasSuffix(lf.prefix, "/") {
			discover += lf.elbPrefix
		}
		lbs = lbs[:0]
		err := l.list(ctx, l.page(&s3.ListObjectsV2Input{Prefix: aws.String(discover), Delimiter: aws.String("_")}),
			func(out *s3.ListObjectsV2Output) bool {
				for _, cp := range out.CommonPrefixes {
					lbs = append(lbs, aws.ToString(cp.Prefix))
				}
				for _, o := range out.Contents {
					l.consider(res, aws.ToString(o.Key), aws.ToInt64(o.Size))
				}
				return true
			})
		if err != nil {
			return err
		}
	}
	for _, lb := range lbs {
		in := &s3.ListObjectsV2Input{Prefix: aws.String(lb)}
		if !l.since.IsZero() {
			// Names are "{lb}_{end}_{node}_{random}.log.gz": every end at or
			// after this minute sorts after it.
			in.StartAfter = aws.String(lb + l.since.Add(-Slack).UTC().Format("20060102T1504Z"))
		}
		err := l.list(ctx, l.page(in), func(out *s3.ListObjectsV2Output) bool {
			for _, o := range out.Contents {
				key := aws.ToString(o.Key)
				if k, ok := awskey.ParseELB(baseName(key)); ok && !l.until.IsZero() &&
					!k.End.Add(-k.MaxInterval()-Slack).Before(l.until) {
					return false
				}
				l.consider(res, key, aws.ToInt64(o.Size))
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// baseName is what follows the last "/" of a key.
func baseName(key string) string { return key[strings.LastIndexByte(key, '/')+1:] }

// list runs a paginated ListObjectsV2; page returns false to stop.
func (l *listing) list(ctx context.Context, in *s3.ListObjectsV2Input, page func(*s3.ListObjectsV2Output) bool) error {
	in.Bucket = aws.String(l.bucket)
	l.page(in)
	for {
		l.requests.Add(1)
		out, err := l.c.listObjects(ctx, in)
		if err != nil {
			return l.c.explain(err, l.bucket, aws.ToString(in.Prefix))
		}
		if !page(out) || !aws.ToBool(out.IsTruncated) || out.NextContinuationToken == nil {
			return nil
		}
		in.ContinuationToken = out.NextContinuationToken
	}
}

// page sets the page size of in (the server's default, 1,000 on S3, unless
// a test asks for smaller pages).
func (l *listing) page(in *s3.ListObjectsV2Input) *s3.ListObjectsV2Input {
	if l.c.opts.maxKeys > 0 {
		in.MaxKeys = aws.Int32(int32(l.c.opts.maxKeys))
	}
	return in
}

// consider examines one listed key: skipped on purpose, pruned, or found.
func (l *listing) consider(res *leafResult, key string, size int64) {
	res.listed++
	if strings.HasSuffix(key, "/") && size == 0 {
		return // a folder marker
	}
	if why := input.Classify(key, l.c.opts.Decoders); why != "" {
		res.skipped = append(res.skipped, input.Skipped{Source: objectURL(l.bucket, key), Reason: why})
		return
	}
	if svc := awsLogsService(key); svc != "" && svc != "elasticloadbalancing" {
		return // CloudTrail, VPC flow logs, …: not load balancer logs
	}
	if k, ok := awskey.ParseELB(baseName(key)); ok && !l.lb.match(k.LoadBalancer) {
		return
	}
	// What the name tells of the time its rows cover, in the layout of the
	// decoder that claims it.
	if src := input.ParseName(key, l.c.opts.Decoders); !src.End.IsZero() && !l.keep(src.Start, src.End) {
		return
	}
	res.found = append(res.found, found{key: key, size: size})
}

// keep reports whether an object whose rows cover [start, end), as its name
// tells, can hold rows of the window: [start−Slack, end+Slack) meets
// [Since, Until).
func (l *listing) keep(start, end time.Time) bool {
	if !l.since.IsZero() && !end.Add(Slack).After(l.since) {
		return false
	}
	return l.until.IsZero() || start.Add(-Slack).Before(l.until)
}

// hourKeep reports whether a CloudFront object of the hour starting at h can
// hold rows of the window.
func (l *listing) hourKeep(h time.Time) bool { return l.keep(h, h.Add(time.Hour)) }

func (l *listing) pastUntil(h time.Time) bool {
	return !l.until.IsZero() && !h.Add(-Slack).Before(l.until)
}

// lbFilter is Options.LoadBalancer taken apart.
type lbFilter struct {
	kind string // "app" or "net"
	name string
	id   string // "" when only the name was given
}

// parseLBFilter accepts "name", "app/name/id", "app.name.id" or "app/name".
func parseLBFilter(s string) lbFilter {
	if s == "" {
		return lbFilter{}
	}
	f := lbFilter{kind: "app"}
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == '.' })
	if len(parts) >= 2 && (parts[0] == "app" || parts[0] == "net") {
		f.kind, parts = parts[0], parts[1:]
	}
	if len(parts) > 0 {
		f.name = parts[0]
	}
	if len(parts) > 1 {
		f.id = parts[1]
	}
	return f
}

// match reports whether a load balancer resource ID ("app/name/id") passes.
func (f lbFilter) match(lb string) bool {
	if f.name == "" {
		return true
	}
	want := f.kind + "/" + f.name + "/"
	if f.id != "" {
		return lb == want+f.id
	}
	return strings.HasPrefix(lb, want) && strings.IndexByte(lb[len(want):], '/') < 0
}

// awsLogsService returns the service folder of a key in the AWS log layout
// ".../AWSLogs/{account}/{service}/...", or "".
func awsLogsService(key string) string {
	i := strings.Index(key, "AWSLogs/")
	if i < 0 {
		return ""
	}
	parts := strings.SplitN(key[i+len("AWSLogs/"):], "/", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}
