package input

import (
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// testDecoders are the formats whose names the tests parse.
var testDecoders = []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseName_ALB(t *testing.T) {
	f := func(name string, want parser.Source) {
		t.Helper()
		want.Name = name
		want.Format = alb.Format
		if got := ParseName(name, testDecoders); got != want {
			t.Fatalf("ParseName(%q)\n got %+v\nwant %+v", name, got, want)
		}
	}
	// The AWS documentation's example key, zero-padded node IP included.
	f("s3://my-bucket/prefix/AWSLogs/123456789012/elasticloadbalancing/us-east-2/2016/05/01/"+
		"123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz",
		parser.Source{
			Account: "123456789012", Region: "us-east-2", Resource: "app/my-loadbalancer/1234567890abcdef",
			Start: utc("2014-02-15T23:40:00Z").Add(-5 * time.Minute), End: utc("2014-02-15T23:40:00Z"), NodeIP: "172.160.1.192",
		})
	f("logs/123456789012_elasticloadbalancing_eu-west-1_app.k8s-prod-web-1a2b3c.50dc6c495c0c9188_20261120T0005Z_10.0.12.34_1xyz9abc.log.gz",
		parser.Source{
			Account: "123456789012", Region: "eu-west-1", Resource: "app/k8s-prod-web-1a2b3c/50dc6c495c0c9188",
			Start: utc("2026-11-20T00:05:00Z").Add(-5 * time.Minute), End: utc("2026-11-20T00:05:00Z"), NodeIP: "10.0.12.34",
		})
	// Unpacked locally: no .gz, or no .log.gz at all.
	f("123456789012_elasticloadbalancing_us-gov-west-1_app.a.0f_20240229T2355Z_10.000.0.9_r.log",
		parser.Source{
			Account: "123456789012", Region: "us-gov-west-1", Resource: "app/a/0f",
			Start: utc("2024-02-29T23:55:00Z").Add(-5 * time.Minute), End: utc("2024-02-29T23:55:00Z"), NodeIP: "10.0.0.9",
		})
	f("123456789012_elasticloadbalancing_ap-south-1_app.lb.ff_20250101T0000Z_2600:1f18:0:0::0001_r",
		parser.Source{
			Account: "123456789012", Region: "ap-south-1", Resource: "app/lb/ff",
			Start: utc("2025-01-01T00:00:00Z").Add(-5 * time.Minute), End: utc("2025-01-01T00:00:00Z"), NodeIP: "2600:1f18::1",
		})
}

func TestParseName_CloudFront(t *testing.T) {
	f := func(name string, dist, hour string) {
		t.Helper()
		want := parser.Source{Name: name, Format: cloudfront.Format, Resource: dist, Start: utc(hour), End: utc(hour).Add(time.Hour)}
		if got := ParseName(name, testDecoders); got != want {
			t.Fatalf("ParseName(%q)\n got %+v\nwant %+v", name, got, want)
		}
	}
	f("example-prefix/EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz", "EMLARXS9EXAMPLE", "2019-11-14T20:00:00Z")
	f("s3://b/cf/E2QWRUHAPOMQZL.2026-11-20-00.a1b2c3d4.gz", "E2QWRUHAPOMQZL", "2026-11-20T00:00:00Z")
	f("E2QWRUHAPOMQZL.2026-11-20-23.a1b2c3d4", "E2QWRUHAPOMQZL", "2026-11-20T23:00:00Z")
}

func TestParseName_Other(t *testing.T) {
	f := func(name string, want parser.Source) {
		t.Helper()
		want.Name = name
		if got := ParseName(name, testDecoders); got != want {
			t.Fatalf("ParseName(%q)\n got %+v\nwant %+v", name, got, want)
		}
	}
	f("-", parser.Source{})
	f("access.log", parser.Source{})
	f("logs/2026/11/20/x.log.gz", parser.Source{})
	// Logs no decoder reads: what the ELB layout carries, no format, no times.
	f("AWSLogs/123456789012/elasticloadbalancing/us-east-2/2020/01/01/"+
		"123456789012_elasticloadbalancing_us-east-2_net.my-network-lb.c6e77e28c25b2234_20200101T0005Z_8cad3f7a.log.gz",
		parser.Source{
			Account: "123456789012", Region: "us-east-2", Resource: "net/my-network-lb/c6e77e28c25b2234",
		})
	// Connection and health-check logs.
	f("conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz",
		parser.Source{
			Account: "123456789012", Region: "us-east-2", Resource: "app/my-loadbalancer/1234567890abcdef",
			NodeIP: "172.160.1.192",
		})
	f("health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20140215T2340Z_10.0.0.1_x.log.gz",
		parser.Source{
			Account: "123456789012", Region: "us-east-2", Resource: "app/my-lb/1234567890abcdef",
			NodeIP: "10.0.0.1",
		})
	f("AWSLogs/123456789012/elasticloadbalancing/us-east-1/2019/01/01/"+
		"123456789012_elasticloadbalancing_us-east-1_my-classic-lb_20190101T0000Z_10.0.0.1_abc.log",
		parser.Source{Account: "123456789012", Region: "us-east-1", Resource: "my-classic-lb", NodeIP: "10.0.0.1"})
	// The test file: account from the path only.
	f("s3://b/AWSLogs/123456789012/ELBAccessLogTestFile", parser.Source{Account: "123456789012"})
	// Near misses of the ALB layout.
	for _, base := range []string{
		"12345678901_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.1_r.log.gz",        // 11-digit account
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140230T2340Z_10.0.0.1_r.log.gz",       // 30 February
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2460Z_10.0.0.1_r.log.gz",       // 24:60
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.256_r.log.gz",     // octet > 255
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0_r.log.gz",         // three octets
		"123456789012_elasticloadbalancing_us-east-2_app.lb_20140215T2340Z_10.0.0.1_r.log.gz",          // no lb id
		"123456789012_elasticloadbalancing_us-east-2_gwy.lb.ff_20140215T2340Z_10.0.0.1_r.log.gz",       // gateway LB
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.1_.log.gz",        // no random part
		"123456789012_elasticloadbalancing_US-EAST-2_app.lb.ff_20140215T2340Z_10.0.0.1_r.log.gz",       // region case
		"conn_log_123456789012_elasticloadbalancing_us-east-2_net.lb.ff_20140215T2340Z_r.log.gz",       // no NLB conn logs
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.1_r_extra.log.gz", // extra field
		"E2QWRUHAPOMQZL.2026-11-20-24.a1b2c3d4.gz",                                                     // hour 24
		"e2qwruhapomqzl.2026-11-20-00.a1b2c3d4.gz",                                                     // lower-case distribution
		"E2QWRUHAPOMQZL.2026-11-20.a1b2c3d4.gz",                                                        // no hour
		"E2QWRUHAPOMQZL.2026-11-20-00.a1b2c3d4.log",                                                    // other suffix
	} {
		if got := ParseName(base, testDecoders); got.Format != parser.FormatUnknown || !got.End.IsZero() {
			t.Fatalf("ParseName(%q)=%+v, want nothing recognised", base, got)
		}
	}
}

func TestClassify(t *testing.T) {
	f := func(name, want string) {
		t.Helper()
		if got := Classify(name, testDecoders); got != want {
			t.Fatalf("Classify(%q)=%q, want %q", name, got, want)
		}
	}
	f("s3://my-bucket/prefix/AWSLogs/123456789012/ELBAccessLogTestFile", "ELB access-log test file")
	f("ELBAccessLogTestFile", "ELB access-log test file")
	f("AWSLogs/123456789012/elasticloadbalancing/us-east-2/2024/01/01/"+
		"conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20240101T0005Z_10.0.0.1_abc.log.gz",
		"ALB connection log: not read by this build")
	f("logs/health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20240101T0005Z_10.0.0.1_abc.log.gz",
		"ALB health-check log: not read by this build")
	// Read, not skipped.
	f("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz", "")
	f("123456789012_elasticloadbalancing_us-east-2_net.my-network-lb.c6e77e28c25b2234_20200101T0005Z_8cad3f7a.log.gz",
		"NLB access log: not read by this build")
	f("EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz", "")
	f("-", "")
	f("ELBAccessLogTestFile.bak", "")
	f("conn_log_/x.log", "")
}
