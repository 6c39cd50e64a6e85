package awskey

import (
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestParseELB(t *testing.T) {
	f := func(base string, want ELB) {
		t.Helper()
		k, ok := ParseELB(base)
		if !ok {
			t.Fatalf("ParseELB(%q) not ok", base)
		}
		want.Account, want.Region = "123456789012", "us-east-2"
		want.End = utc("2014-02-15T23:40:00Z")
		if k != want {
			t.Fatalf("ParseELB(%q)\n got %+v\nwant %+v", base, k, want)
		}
	}
	const tail = "_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20140215T2340Z_172.160.001.192_20sg8hgm.log.gz"
	app := ELB{Type: "app", LoadBalancer: "app/my-loadbalancer/1234567890abcdef", NodeIP: "172.160.1.192"}
	f("123456789012"+tail, app)
	conn, hc := app, app
	conn.Prefix, hc.Prefix = PrefixConnection, PrefixHealthCheck
	f("conn_log_123456789012"+tail, conn)
	f("health_check_log_123456789012"+tail, hc)
	f("123456789012_elasticloadbalancing_us-east-2_net.my-network-lb.c6e77e28c25b2234_20140215T2340Z_8cad3f7a.log.gz",
		ELB{Type: "net", LoadBalancer: "net/my-network-lb/c6e77e28c25b2234"})
	f("123456789012_elasticloadbalancing_us-east-2_my-classic-lb_20140215T2340Z_10.0.0.1_abc.log",
		ELB{LoadBalancer: "my-classic-lb", NodeIP: "10.0.0.1"})
	for _, base := range []string{
		"ELBAccessLogTestFile",
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
		"conn_log_123456789012_elasticloadbalancing_us-east-2_classic_20140215T2340Z_10.0.0.1_r.log",   // no CLB conn logs
		"123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.1_r_extra.log.gz", // extra field
		"123456789012_elasticloadbalancing_us-east-2_my_lb_20140215T2340Z_10.0.0.1_r.log",              // underscore in a name
	} {
		if k, ok := ParseELB(base); ok {
			t.Fatalf("ParseELB(%q)=%+v, want not ok", base, k)
		}
	}
}

func TestELB_Title(t *testing.T) {
	f := func(k ELB, want string) {
		t.Helper()
		if got := k.Title(); got != want {
			t.Fatalf("Title()=%q, want %q", got, want)
		}
	}
	f(ELB{Type: "app"}, "ALB access log")
	f(ELB{Type: "app", Prefix: PrefixConnection}, "ALB connection log")
	f(ELB{Type: "app", Prefix: PrefixHealthCheck}, "ALB health-check log")
	f(ELB{Type: "net"}, "NLB access log")
	f(ELB{}, "Classic Load Balancer access log")
}

func TestParseCloudFront(t *testing.T) {
	k, ok := ParseCloudFront("EMLARXS9EXAMPLE.2019-11-14-20.RT4KCN4SGK9.gz")
	if !ok || k.Distribution != "EMLARXS9EXAMPLE" || !k.Hour.Equal(utc("2019-11-14T20:00:00Z")) {
		t.Fatalf("ParseCloudFront=%+v, %v", k, ok)
	}
	if _, ok := ParseCloudFront("123456789012_elasticloadbalancing_us-east-2_app.lb.ff_20140215T2340Z_10.0.0.1_r.log.gz"); ok {
		t.Fatalf("ParseCloudFront accepted an ALB key")
	}
	for _, base := range []string{
		"E2QWRUHAPOMQZL.2026-11-20-24.a1b2c3d4.gz",  // hour 24
		"e2qwruhapomqzl.2026-11-20-00.a1b2c3d4.gz",  // lower-case distribution
		"E2QWRUHAPOMQZL.2026-11-20.a1b2c3d4.gz",     // no hour
		"E2QWRUHAPOMQZL.2026-11-20-00.a1b2c3d4.log", // other suffix
	} {
		if k, ok := ParseCloudFront(base); ok {
			t.Fatalf("ParseCloudFront(%q)=%+v, want not ok", base, k)
		}
	}
}

func TestNormalizeIP(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		got, ok := NormalizeIP(in)
		if want == "" {
			if ok {
				t.Fatalf("NormalizeIP(%q)=%q, want failure", in, got)
			}
			return
		}
		if !ok || got != want {
			t.Fatalf("NormalizeIP(%q)=%q, %v; want %q", in, got, ok, want)
		}
	}
	f("172.160.001.192", "172.160.1.192")
	f("000.000.000.000", "0.0.0.0")
	f("10.0.0.1", "10.0.0.1")
	f("255.255.255.255", "255.255.255.255")
	f("2600:1F18::0001", "2600:1f18::1")
	f("0010.0.0.1", "")
	f("10.0.0.", "")
	f("10.0.0.1.", "")
	f("10..0.1", "")
	f("1.2.3.4.5", "")
	f("::ffff:10.0.0.1", "::ffff:10.0.0.1")
	f("", "")
	f("-1.0.0.0", "")
}

func TestELBSource(t *testing.T) {
	f := func(base string, want parser.Source) {
		t.Helper()
		k, ok := ParseELB(base)
		if !ok {
			t.Fatalf("ParseELB(%q) not ok", base)
		}
		if got := k.Source("x"); got != want {
			t.Fatalf("Source of %q\n got %+v\nwant %+v", base, got, want)
		}
	}
	end := utc("2014-02-15T23:40:00Z")
	f("conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-lb.1234567890abcdef_20140215T2340Z_10.0.0.1_r.log.gz",
		parser.Source{Format: "x", Account: "123456789012", Region: "us-east-2", Resource: "app/my-lb/1234567890abcdef",
			NodeIP: "10.0.0.1", Start: end.Add(-5 * time.Minute), End: end})
	f("123456789012_elasticloadbalancing_us-east-2_my-classic-lb_20140215T2340Z_10.0.0.1_abc.log",
		parser.Source{Format: "x", Account: "123456789012", Region: "us-east-2", Resource: "my-classic-lb",
			NodeIP: "10.0.0.1", Start: end.Add(-time.Hour), End: end})
}

func TestLoadBalancerName(t *testing.T) {
	f := func(resource, want string) {
		t.Helper()
		if got := LoadBalancerName(resource); got != want {
			t.Fatalf("LoadBalancerName(%q) = %q, want %q", resource, got, want)
		}
	}
	f("app/my-lb/50dc6c495c0c9188", "my-lb")
	f("net/my-nlb/c6e77e28c25b2234", "my-nlb")
	f("my-classic-lb", "my-classic-lb")
	f("app//x", "app//x")
	f("", "")
}
