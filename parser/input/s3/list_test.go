package s3

import (
	"context"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser/input"
)

const albRegionA = "prod/AWSLogs/" + acctA + "/elasticloadbalancing/eu-west-1/"

func at(day, hh, mm int) time.Time {
	return time.Date(2026, 11, day, hh, mm, 0, 0, time.UTC)
}

// albEnd reads the interval end of a seeded ALB access-log key (false for
// anything else), independently of the code under test.
func albEnd(key string) (time.Time, bool) {
	base := key[strings.LastIndexByte(key, '/')+1:]
	if !strings.HasPrefix(base, acctA) && !strings.HasPrefix(base, acctB) {
		return time.Time{}, false
	}
	parts := strings.Split(base, "_")
	t, err := time.Parse("20060102T1504Z", parts[4])
	return t, err == nil
}

// cfHour reads the hour of a seeded CloudFront key.
func cfHour(key string) (time.Time, bool) {
	if !strings.HasPrefix(key, "cdn/") {
		return time.Time{}, false
	}
	parts := strings.Split(strings.TrimPrefix(key, "cdn/"), ".")
	t, err := time.Parse("2006-01-02-15", parts[1])
	return t, err == nil
}

// albBetween keeps the ALB keys under prefix whose interval end is in
// [from, to], both inclusive.
func albBetween(prefix string, from, to time.Time) func(string) bool {
	return func(k string) bool {
		end, ok := albEnd(k)
		return ok && strings.HasPrefix(k, prefix) && !end.Before(from) && !end.After(to)
	}
}

func cfBetween(prefix string, from, to time.Time) func(string) bool {
	return func(k string) bool {
		h, ok := cfHour(k)
		return ok && strings.HasPrefix(k, prefix) && !h.Before(from) && !h.After(to)
	}
}

func or(fs ...func(string) bool) func(string) bool {
	return func(k string) bool {
		for _, f := range fs {
			if f(k) {
				return true
			}
		}
		return false
	}
}

func objectKeys(t *testing.T, bucket string, objs []input.Object) []string {
	t.Helper()
	var keys []string
	for _, o := range objs {
		k, ok := strings.CutPrefix(o.Source.Name, "s3://"+bucket+"/")
		if !ok {
			t.Fatalf("object %q is not in bucket %s", o.Source.Name, bucket)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// listCase runs Objects on url with the window and filter through a
// recorder and checks the selected keys and the exact listings made.
func listCase(t *testing.T, url string, opts Options, wantKeys []string, wantLists []string) ([]input.Skipped, ListStats) {
	t.Helper()
	rec := newRecorder()
	c := testClient(t, opts, rec)
	objs, skipped, st, err := c.Objects(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	got := objectKeys(t, logsBucket, objs)
	if len(wantKeys) == 0 {
		t.Fatal("test expects no object: check the case")
	}
	if !slices.Equal(got, wantKeys) {
		t.Errorf("selected %d objects, want %d\n got: %v\nwant: %v", len(got), len(wantKeys), sample(got), sample(wantKeys))
	}
	lists := rec.lists()
	sort.Strings(lists)
	sort.Strings(wantLists)
	if !slices.Equal(lists, wantLists) {
		t.Errorf("listings:\n%s\nwant:\n%s", strings.Join(lists, "\n"), strings.Join(wantLists, "\n"))
	}
	for _, r := range rec.requests() {
		if r.Key != "" {
			t.Errorf("listing made an object request: %s", r)
		}
	}
	if st.Requests != len(wantLists) || st.Selected != len(wantKeys) || st.Skipped != len(skipped) {
		t.Errorf("stats %+v: want %d requests, %d selected, %d skipped", st, len(wantLists), len(wantKeys), len(skipped))
	}
	return skipped, st
}

func sample(keys []string) []string {
	if len(keys) > 6 {
		return append(keys[:3:3], append([]string{"…"}, keys[len(keys)-3:]...)...)
	}
	return keys
}

func list(prefix string) string { return `LIST prefix="` + prefix + `"` }
func listDelim(prefix, delim string) string {
	return `LIST prefix="` + prefix + `" delimiter="` + delim + `"`
}
func listAfter(prefix, after string) string {
	return `LIST prefix="` + prefix + `" start-after="` + after + `"`
}

// Without a window, everything under the prefix is listed, but for other
// services' logs under AWSLogs/.
func TestObjects_NoWindowListsEverything(t *testing.T) {
	all := keysWhere(logsBucket, func(k string) bool {
		return input.Classify(k, testDecoders) == "" && !strings.Contains(k, "/CloudTrail/")
	})
	// 1,829 keys: two pages of 1,000.
	skipped, st := listCase(t, "s3://"+logsBucket, Options{}, all, []string{list(""), list("") + " (continued)"})
	if len(skipped) != 3 || st.Listed != len(all)+3+1 {
		t.Errorf("skipped %v, stats %+v: want the test file, the connection log and the health-check log", skipped, st)
	}
}

// A half-hour window below a region folder lists that day's folder and the
// next day's, nothing else, and selects the intervals ending 13:00 to 13:35
// (the 5 minutes before each end, widened by Slack, meet the window).
func TestObjects_ALBWindowListsOnlyItsDays(t *testing.T) {
	want := keysWhere(logsBucket, albBetween(albRegionA, at(20, 13, 0), at(20, 13, 35)))
	if len(want) != 3*8 {
		t.Fatalf("seed data: %d objects, want 3 nodes × 8 intervals", len(want))
	}
	listCase(t, "s3://"+logsBucket+"/"+albRegionA,
		Options{Since: at(20, 13, 0), Until: at(20, 13, 30)},
		want, []string{list(albRegionA + "2026/11/20/"), list(albRegionA + "2026/11/21/")})
}

// Objects are filed by delivery date: the interval ending 23:55 sits in the
// next day's folder, and is found.
func TestObjects_ALBWindowAcrossMidnight(t *testing.T) {
	want := keysWhere(logsBucket, albBetween(albRegionA, at(20, 23, 50), at(21, 0, 15)))
	var nextDay bool
	for _, k := range want {
		if end, _ := albEnd(k); end.Day() == 20 && strings.Contains(k, "/2026/11/21/") {
			nextDay = true
		}
	}
	if !nextDay {
		t.Fatal("seed data: no interval of the 20th in the 21st's folder")
	}
	listCase(t, "s3://"+logsBucket+"/"+albRegionA,
		Options{Since: at(20, 23, 50), Until: at(21, 0, 10)},
		want, []string{list(albRegionA + "2026/11/20/"), list(albRegionA + "2026/11/21/"), list(albRegionA + "2026/11/22/")})
}

// With one side of the window open, the year, month and day folders are
// found with delimiter listings and only the days that can hold rows are
// listed.
func TestObjects_ALBOpenWindow(t *testing.T) {
	t.Run("Since", func(t *testing.T) {
		want := keysWhere(logsBucket, albBetween(albRegionA, at(21, 22, 0), at(30, 0, 0)))
		listCase(t, "s3://"+logsBucket+"/"+albRegionA, Options{Since: at(21, 22, 0)}, want, []string{
			listDelim(albRegionA, "/"), listDelim(albRegionA+"2026/", "/"), listDelim(albRegionA+"2026/11/", "/"),
			list(albRegionA + "2026/11/21/"), list(albRegionA + "2026/11/22/"),
		})
	})
	t.Run("Until", func(t *testing.T) {
		want := keysWhere(logsBucket, albBetween(albRegionA, at(1, 0, 0), at(19, 1, 5)))
		listCase(t, "s3://"+logsBucket+"/"+albRegionA, Options{Until: at(19, 1, 0)}, want, []string{
			listDelim(albRegionA, "/"), listDelim(albRegionA+"2026/", "/"), listDelim(albRegionA+"2026/11/", "/"),
			list(albRegionA + "2026/11/19/"), list(albRegionA + "2026/11/20/"),
		})
	})
}

// A prefix that already names a day is not widened to the next day.
func TestObjects_ALBPrefixNamesTheDay(t *testing.T) {
	day := albRegionA + "2026/11/20/"
	want := keysWhere(logsBucket, albBetween(day, at(20, 13, 0), at(20, 13, 35)))
	listCase(t, "s3://"+logsBucket+"/"+day, Options{Since: at(20, 13, 0), Until: at(20, 13, 30)}, want, []string{list(day)})
}

// From the bucket root: user folders, AWSLogs/, accounts, services and
// regions are found with delimiter listings; CloudFront distributions with
// a "." delimiter and each listed from the window's first hour.
func TestObjects_DiscoveryFromBucketRoot(t *testing.T) {
	want := keysWhere(logsBucket, or(
		albBetween("prod/AWSLogs/", at(20, 13, 0), at(20, 13, 35)),
		cfBetween("cdn/", at(20, 12, 0), at(20, 13, 0)),
	))
	if len(want) != 4*8+2+1+2 {
		t.Fatalf("seed data: %d objects", len(want))
	}
	regionB := "prod/AWSLogs/" + acctB + "/elasticloadbalancing/us-east-1/"
	skipped, _ := listCase(t, "s3://"+logsBucket+"/", Options{Since: at(20, 13, 0), Until: at(20, 13, 30)}, want, []string{
		listDelim("", "/"),
		listDelim("cdn/", "/"),
		listDelim("cdn/", "."),
		listAfter("cdn/"+distA+".", "cdn/"+distA+".2026-11-20-12"),
		listAfter("cdn/"+distB+".", "cdn/"+distB+".2026-11-20-12"),
		listDelim("prod/", "/"),
		listDelim("prod/AWSLogs/", "/"),
		listDelim("prod/AWSLogs/"+acctA+"/", "/"),
		listDelim("prod/AWSLogs/"+acctA+"/elasticloadbalancing/", "/"),
		list(albRegionA + "2026/11/20/"), list(albRegionA + "2026/11/21/"),
		listDelim("prod/AWSLogs/"+acctB+"/", "/"),
		listDelim("prod/AWSLogs/"+acctB+"/elasticloadbalancing/", "/"),
		list(regionB + "2026/11/20/"), list(regionB + "2026/11/21/"),
	})
	var reasons []string
	for _, s := range skipped {
		reasons = append(reasons, s.Reason)
	}
	sort.Strings(reasons)
	want = []string{"ALB connection log: not read by this build", input.SkipTestFile, "ALB health-check log: not read by this build"}
	sort.Strings(want)
	if !slices.Equal(reasons, want) {
		t.Errorf("skipped %v, want %v", skipped, want)
	}
}

// The load balancer filter narrows each day folder's listing to the
// objects of that load balancer.
func TestObjects_LoadBalancerFilter(t *testing.T) {
	shop := func(k string) bool { return strings.Contains(k, "_app.shop-prod-alb.") }
	window := Options{Since: at(20, 13, 0), Until: at(20, 13, 30)}
	for _, lb := range []string{"shop-prod-alb", "app/shop-prod-alb/50dc6c495c0c9188"} {
		t.Run(strings.ReplaceAll(lb, "/", "."), func(t *testing.T) {
			want := keysWhere(logsBucket, func(k string) bool {
				return shop(k) && albBetween(albRegionA, at(20, 13, 0), at(20, 13, 35))(k)
			})
			if len(want) != 16 {
				t.Fatalf("seed data: %d objects, want 2 nodes × 8 intervals", len(want))
			}
			filePrefix := acctA + "_elasticloadbalancing_eu-west-1_app.shop-prod-alb."
			if strings.Contains(lb, "/") {
				filePrefix += "50dc6c495c0c9188_"
			}
			opts := window
			opts.LoadBalancer = lb
			skipped, _ := listCase(t, "s3://"+logsBucket+"/prod/AWSLogs/"+acctA+"/", opts, want, []string{
				listDelim("prod/AWSLogs/"+acctA+"/", "/"),
				listDelim("prod/AWSLogs/"+acctA+"/elasticloadbalancing/", "/"),
				list(albRegionA + "2026/11/20/" + filePrefix), list(albRegionA + "2026/11/21/" + filePrefix),
			})
			if len(skipped) != 1 || skipped[0].Reason != input.SkipTestFile {
				t.Errorf("skipped %v, want the test file", skipped)
			}
		})
	}
}

// CloudFront files are kept by the hour in their name, late second files
// included; the listing starts at the first useful hour and stops past the
// last.
func TestObjects_CloudFrontHours(t *testing.T) {
	window := Options{Since: at(20, 13, 10), Until: at(20, 15, 0)}
	t.Run("Folder", func(t *testing.T) {
		want := keysWhere(logsBucket, cfBetween("cdn/", at(20, 13, 0), at(20, 15, 0)))
		if len(want) != 2*3+1 || !slices.Contains(want, cfKey(distA, at(20, 13, 0), "LATE0001")) {
			t.Fatalf("seed data: %v", want)
		}
		listCase(t, "s3://"+logsBucket+"/cdn/", window, want, []string{
			listDelim("cdn/", "/"), listDelim("cdn/", "."),
			listAfter("cdn/"+distA+".", "cdn/"+distA+".2026-11-20-13"),
			listAfter("cdn/"+distB+".", "cdn/"+distB+".2026-11-20-13"),
		})
	})
	t.Run("Distribution", func(t *testing.T) {
		want := keysWhere(logsBucket, cfBetween("cdn/"+distA+".", at(20, 13, 0), at(20, 15, 0)))
		listCase(t, "s3://"+logsBucket+"/cdn/"+distA+".", window, want, []string{
			listAfter("cdn/"+distA+".", "cdn/"+distA+".2026-11-20-13"),
		})
	})
	t.Run("DayEdge", func(t *testing.T) {
		// 00:00 to 00:30: the previous hour's file can hold rows ending
		// just after midnight.
		want := keysWhere(logsBucket, cfBetween("cdn/"+distA+".", at(19, 23, 0), at(20, 0, 0)))
		listCase(t, "s3://"+logsBucket+"/cdn/"+distA+".", Options{Since: at(20, 0, 0), Until: at(20, 0, 30)}, want, []string{
			listAfter("cdn/"+distA+".", "cdn/"+distA+".2026-11-19-23"),
		})
	})
}

func TestParseLBFilter(t *testing.T) {
	f := func(in string, lb string, want bool) {
		t.Helper()
		if got := parseLBFilter(in).match(lb); got != want {
			t.Errorf("parseLBFilter(%q).match(%q) = %v, want %v", in, lb, got, want)
		}
	}
	f("", "app/x/1", true)
	f("shop", "app/shop/50dc", true)
	f("shop", "app/shop-prod/50dc", false)
	f("shop", "net/shop/50dc", false)
	f("app/shop/50dc", "app/shop/50dc", true)
	f("app/shop/50dc", "app/shop/60dc", false)
	f("app.shop.50dc", "app/shop/50dc", true)
	f("net/nlb", "net/nlb/1", true)
}

func TestDateSpan(t *testing.T) {
	f := func(rel string, from, to time.Time, ok bool) {
		t.Helper()
		gf, gt, gok := dateSpan(rel)
		if gok != ok || !gf.Equal(from) || !gt.Equal(to) {
			t.Errorf("dateSpan(%q) = %v, %v, %v; want %v, %v, %v", rel, gf, gt, gok, from, to, ok)
		}
	}
	f("2026/", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), true)
	f("2026/11/", at(1, 0, 0), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), true)
	f("2026/11/20/", at(20, 0, 0), at(21, 0, 0), true)
	f("x/", time.Time{}, time.Time{}, false)
}

// A day folder that holds more than a page is listed by load balancer, each
// from the window's first useful interval end, stopping past the last.
func TestObjects_ALBBusyFolderSeeksByLoadBalancer(t *testing.T) {
	window := Options{Since: at(20, 13, 0), Until: at(20, 13, 30), maxKeys: 100}
	names := acctA + "_elasticloadbalancing_eu-west-1_"
	api := names + "app.api-prod-alb.7f3a2b1c0d9e8f6a_"
	shop := names + "app.shop-prod-alb.50dc6c495c0c9188_"
	from := "20261120T1255Z"
	t.Run("AllLoadBalancers", func(t *testing.T) {
		want := keysWhere(logsBucket, albBetween(albRegionA, at(20, 13, 0), at(20, 13, 35)))
		var lists []string
		for _, day := range []string{"2026/11/20/", "2026/11/21/"} {
			d := albRegionA + day
			lists = append(lists, list(d), listDelim(d+names, "_"), listAfter(d+api, d+api+from), listAfter(d+shop, d+shop+from))
		}
		listCase(t, "s3://"+logsBucket+"/"+albRegionA, window, want, lists)
	})
	t.Run("ByName", func(t *testing.T) {
		want := keysWhere(logsBucket, func(k string) bool {
			return strings.Contains(k, shop) && albBetween(albRegionA, at(20, 13, 0), at(20, 13, 35))(k)
		})
		opts := window
		opts.LoadBalancer = "shop-prod-alb"
		var lists []string
		for _, day := range []string{"2026/11/20/", "2026/11/21/"} {
			d := albRegionA + day
			byName := d + names + "app.shop-prod-alb."
			lists = append(lists, list(byName), listDelim(byName, "_"), listAfter(d+shop, d+shop+from))
		}
		listCase(t, "s3://"+logsBucket+"/"+albRegionA, opts, want, lists)
	})
	t.Run("ByID", func(t *testing.T) {
		want := keysWhere(logsBucket, func(k string) bool {
			return strings.Contains(k, shop) && albBetween(albRegionA, at(20, 13, 0), at(20, 13, 35))(k)
		})
		opts := window
		opts.LoadBalancer = "app/shop-prod-alb/50dc6c495c0c9188"
		var lists []string
		for _, day := range []string{"2026/11/20/", "2026/11/21/"} {
			d := albRegionA + day
			lists = append(lists, list(d+shop), listAfter(d+shop, d+shop+from))
		}
		listCase(t, "s3://"+logsBucket+"/"+albRegionA, opts, want, lists)
	})
}

func TestAWSLogsService(t *testing.T) {
	f := func(key, want string) {
		t.Helper()
		if got := awsLogsService(key); got != want {
			t.Errorf("awsLogsService(%q) = %q, want %q", key, got, want)
		}
	}
	f("p/AWSLogs/123456789012/CloudTrail/eu-west-1/2026/11/20/x.json.gz", "CloudTrail")
	f("AWSLogs/123456789012/elasticloadbalancing/eu-west-1/x", "elasticloadbalancing")
	f("AWSLogs/123456789012/ELBAccessLogTestFile", "")
	f("cdn/E2.2026-11-20-13.X.gz", "")
}

// A bucket in another region than the configured one: the region S3 names
// is used from then on, without the user setting --region.
func TestObjects_BucketInAnotherRegion(t *testing.T) {
	g := needGateway(t)
	p := newFaultProxy(t, g.endpoint, nil)
	p.region = testRegion
	c := testClient(t, Options{EndpointURL: p.URL, Region: "eu-west-1", Since: at(20, 13, 0), Until: at(20, 13, 30), Workers: 1}, nil)
	objs, _, _, err := c.Objects(context.Background(), "s3://"+logsBucket+"/"+albRegionA)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 24 {
		t.Errorf("%d objects, want 24", len(objs))
	}
	if _, err := readObject(c, logsBucket, objectKeys(t, logsBucket, objs)[0]); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	redirects := p.redirects
	p.mu.Unlock()
	if redirects != 1 {
		t.Errorf("%d redirects, want 1: the region is learnt once", redirects)
	}
}
