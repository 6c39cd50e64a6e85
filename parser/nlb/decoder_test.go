package nlb

import (
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

func TestDecoder(t *testing.T) {
	d := Decoder{}
	if d.Format() != Format || d.Schema() != Schema() || d.Title() != "NLB access log" {
		t.Errorf("Format %q, Title %q", d.Format(), d.Title())
	}
	if f := Schema().Field(Schema().FieldIndices(parser.ColTime)[0]); f.Type.String() != "timestamp[us, tz=UTC]" {
		t.Errorf("time column %s", f.Type)
	}
}

func TestSniff(t *testing.T) {
	f := func(head string, want int) {
		t.Helper()
		if got := (Decoder{}).Sniff([]byte(head)); got != want {
			t.Errorf("Sniff(%.40q) = %d, want %d", head, got, want)
		}
	}
	f(lineWith(), 1)
	f(lineWith()+"\n"+lineWith(fVersion, "1.0")+"\r\n\n", 2)
	f("\n\r\n  \n"+lineWith(), 1)
	f("tls 2.0", 1) // cut short
	f("tls 1.0\r", 1)
	f("tls 2.0 2018-12-20T02:59:40 net/x", 1)
	f("tls 3.0 2018-12-20T02:59:40 net/x", 0)
	f("tls 2.01 x", 0)
	f("tls  2.0 x", 0)
	f("TLS 2.0 x", 0)
	f("tls", 0)
	f("", 0)
	f("\n\n", 0)
	f("https 2018-07-02T22:23:00.186641Z app/my-loadbalancer/50dc6c495c0c9188", 0)
	f("2015-05-13T23:39:43.945958Z my-loadbalancer 192.168.131.39:2817", 0)
	f("#Version: 1.0\n#Fields: date time", 0)
}

func TestParseName(t *testing.T) {
	end := time.Date(2020, 5, 1, 0, 0, 0, 0, time.UTC)
	f := func(base string, want parser.Source, wantOK bool) {
		t.Helper()
		got, ok := Decoder{}.ParseName(base)
		if ok != wantOK || got != want {
			t.Errorf("ParseName(%q) = %+v, %v; want %+v, %v", base, got, ok, want, wantOK)
		}
	}
	doc := parser.Source{Format: Format, Account: "123456789012", Region: "us-east-2",
		Resource: "net/my-loadbalancer/1234567890abcdef", Start: end.Add(-5 * time.Minute), End: end}
	// The documentation's example, and the same unpacked.
	f("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log.gz", doc, true)
	f("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log", doc, true)
	f("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm", doc, true)
	// Other load balancers' names are not NLB's.
	f("123456789012_elasticloadbalancing_us-east-2_app.my-loadbalancer.1234567890abcdef_20200501T0000Z_172.160.001.192_20sg8hgm.log.gz", parser.Source{}, false)
	f("123456789012_elasticloadbalancing_us-east-2_my-clb_20200501T0000Z_172.160.1.192_20sg8hgm.log", parser.Source{}, false)
	f("conn_log_123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_20sg8hgm.log.gz", parser.Source{}, false)
	// An NLB name with a node IP where the random part should be.
	f("123456789012_elasticloadbalancing_us-east-2_net.my-loadbalancer.1234567890abcdef_20200501T0000Z_10.0.1.5_20sg8hgm.log.gz", parser.Source{}, false)
	f("ELBAccessLogTestFile", parser.Source{}, false)
	f("E2QWRUHAPOMQZL.2019-11-14-20.abcd1234.gz", parser.Source{}, false)
}

func TestAlerts(t *testing.T) {
	f := func(a uint8, name string, cert bool) {
		t.Helper()
		if got := AlertName(a); got != name {
			t.Errorf("AlertName(%d) = %q, want %q", a, got, name)
		}
		if got := RejectsCertificate(a); got != cert {
			t.Errorf("RejectsCertificate(%d) = %v", a, got)
		}
	}
	f(0, "close_notify", false)
	f(40, "handshake_failure", false)
	f(42, "bad_certificate", true)
	f(45, "certificate_expired", true)
	f(46, "certificate_unknown", true)
	f(47, "illegal_parameter", false)
	f(48, "unknown_ca", true)
	f(70, "protocol_version", false)
	f(112, "unrecognized_name", false)
	f(120, "no_application_protocol", false)
	f(121, "alert_121", false)
	f(255, "alert_255", false)
}
