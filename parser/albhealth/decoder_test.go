package albhealth

import (
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

func TestDecoder(t *testing.T) {
	d := Decoder{}
	if d.Format() != Format || d.Title() != "ALB health-check log" || d.Schema() != Schema() {
		t.Fatalf("Format %q, Title %q", d.Format(), d.Title())
	}
	if Schema().Field(1).Name != parser.ColTime {
		t.Fatalf("the time column is %q", Schema().Field(1).Name)
	}
}

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%.50q) = %d, want %d", head, got, want)
		}
	}
	f(lineWith(), 1)
	f(lineWith()+"\n"+lineWith()+"\r\n\n  \n"+lineWith(fType, "lambda"), 3)
	f(`http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PASS 200 -`, 1)
	// A last line cut short counts on what it holds: up to the latency, a
	// documented type is needed; with the status, any type will do.
	f("grpc 2025-10-31T12:44:59.875678Z 0.0195", 1)
	f("tcp 2025-10-31T12:44:59.875678Z 0.0195", 0)
	f(lineWith(fType, "tcp"), 1)
	f("http 2025-10-31T12:44:59.875678Z 0.019584011 172.31.20.97:80 HCLogsTestIPs PA", 0)
	f("http 2025-10-31T12:44:59.8", 0)
	f(lineWith(fStatus, "OK"), 0)
	f("", 0)
	f("\n\n", 0)
	// Other formats.
	f(`https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57`, 0)
	f(`2024-11-29T13:45:24.599544Z 172.31.43.26 58206 80 - - - "-" - - - TID_16132ed0b4112148`, 0)
	f("tls 2.0 2018-12-20T02:59:40 net/x", 0)
	f("#Version: 1.0\n#Fields: date time", 0)
}

func TestParseName(t *testing.T) {
	f := func(base string, want parser.Source, wantOK bool) {
		t.Helper()
		got, ok := (Decoder{}).ParseName(base)
		if ok != wantOK || got != want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v, %v", base, got, ok, want, wantOK)
		}
	}
	end := time.Date(2022, 2, 15, 23, 40, 0, 0, time.UTC)
	doc := parser.Source{Format: Format, Account: "123456789012", Region: "us-east-2",
		Resource: "app/my-loadbalancer/1234567890abcdef", NodeIP: "172.160.1.192",
		Start: end.Add(-5 * time.Minute), End: end}
	// The documentation's example, and the same unpacked.
	f("health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz", doc, true)
	f("health_check_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log", doc, true)
	// Other ELB logs are not this format's.
	f("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz", parser.Source{}, false)
	f("conn_log_123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20220215T2340Z_172.160.001.192_20sg8hgm.log.gz", parser.Source{}, false)
	f("health_check_log_123456789012_elasticloadbalancing_us-east-2_net.my-nlb.1234567890abcdef_20220215T2340Z_20sg8hgm.log.gz", parser.Source{}, false)
	f("health_check_log_123456789012_elasticloadbalancing_us-east-2_my-clb_20220215T2340Z_172.160.001.192_20sg8hgm.log", parser.Source{}, false)
	f("health_check_log_", parser.Source{}, false)
	f("E2QWRUHAPOMQZL.2019-11-14-20.a1b2c3d4.gz", parser.Source{}, false)
}
