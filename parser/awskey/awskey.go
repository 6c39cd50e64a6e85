// Package awskey reads what the names AWS gives log objects tell: the
// Elastic Load Balancing layout shared by the access, connection and
// health-check logs of Application, Network and Classic Load Balancers, and
// the CloudFront standard-log layout. It is grammar only: which family an
// object belongs to is for the decoders to say (parser.Decoder.ParseName).
package awskey

import (
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

// ELB is what an Elastic Load Balancing log object's base name tells:
//
//	{prefix}{account}_elasticloadbalancing_{region}_{lb}_{end-time}_{node-ip}_{random}.log[.gz]
//
// where {prefix} is "", "conn_log_" or "health_check_log_", {lb} is
// "app.{name}.{id}" (Application), "net.{name}.{id}" (Network, written
// without {node-ip}) or a Classic Load Balancer's bare name.
type ELB struct {
	// Prefix is "", PrefixConnection or PrefixHealthCheck.
	Prefix string
	// Type is "app", "net", or "" for a Classic Load Balancer.
	Type    string
	Account string
	Region  string
	// LoadBalancer is the resource ID as logs write it ("app/my-lb/50dc6c495c0c9188",
	// "net/my-nlb/c6e77e28c25b2234") or a Classic Load Balancer's name.
	LoadBalancer string
	// End is the end of the publishing interval, in UTC.
	End time.Time
	// NodeIP is the load balancer node's address with zero padding removed
	// ("172.160.001.192" becomes "172.160.1.192"); empty for NLB.
	NodeIP string
}

// Object-name prefixes of the ALB connection and health-check logs.
const (
	PrefixConnection  = "conn_log_"
	PrefixHealthCheck = "health_check_log_"
)

// TestFile is the base name of the object ELB writes when logging is
// enabled; it holds no log line.
const TestFile = "ELBAccessLogTestFile"

// Title names the kind of log the name says the object holds, for messages
// about objects no decoder reads: "ALB connection log", "NLB access log",
// "Classic Load Balancer access log".
func (k ELB) Title() string {
	lb := map[string]string{"app": "ALB", "net": "NLB", "": "Classic Load Balancer"}[k.Type]
	switch k.Prefix {
	case PrefixConnection:
		return lb + " connection log"
	case PrefixHealthCheck:
		return lb + " health-check log"
	}
	return lb + " access log"
}

// MaxInterval is the longest span of requests an object of this kind can
// hold, ending at End: 60 minutes for a Classic Load Balancer (it publishes
// every 5 or 60 minutes), 5 minutes for the others.
func (k ELB) MaxInterval() time.Duration {
	if k.Type == "" {
		return time.Hour
	}
	return 5 * time.Minute
}

// Source returns what k tells as the parser.Source of an object of
// format f: Resource is the load balancer, NodeIP the node, and the rows
// cover the MaxInterval before the interval's end.
func (k ELB) Source(f parser.Format) parser.Source {
	return parser.Source{
		Format: f, Account: k.Account, Region: k.Region,
		Resource: k.LoadBalancer, NodeIP: k.NodeIP,
		Start: k.End.Add(-k.MaxInterval()), End: k.End,
	}
}

// ParseELB parses the base name of an ELB log object (the part after the
// last "/"). It accepts the name with or without ".log.gz" or ".log", so
// that files unpacked locally keep what they tell, and reports false for
// any other name.
func ParseELB(base string) (ELB, bool) {
	var k ELB
	for _, p := range []string{PrefixConnection, PrefixHealthCheck} {
		if rest, ok := strings.CutPrefix(base, p); ok {
			k.Prefix, base = p, rest
		}
	}
	account, rest, _ := strings.Cut(base, "_")
	service, rest, _ := strings.Cut(rest, "_")
	region, rest, _ := strings.Cut(rest, "_")
	lb, rest, _ := strings.Cut(rest, "_")
	end, rest, _ := strings.Cut(rest, "_")
	if !isAccount(account) || service != "elasticloadbalancing" || !isRegion(region) {
		return ELB{}, false
	}
	k.Account, k.Region = account, region

	if kind, name, ok := strings.Cut(lb, "."); ok {
		dot := strings.LastIndexByte(name, '.')
		if dot <= 0 || dot == len(name)-1 || !isLBName(name[:dot]) || !isAlnum(name[dot+1:]) {
			return ELB{}, false
		}
		switch kind {
		case "app":
		case "net":
			if k.Prefix != "" {
				return ELB{}, false
			}
		default:
			return ELB{}, false
		}
		k.Type = kind
		k.LoadBalancer = kind + "/" + name[:dot] + "/" + name[dot+1:]
	} else {
		// A Classic Load Balancer: its name, no type, no connection or
		// health-check logs.
		if !isLBName(lb) || k.Prefix != "" {
			return ELB{}, false
		}
		k.LoadBalancer = lb
	}

	t, ok := parseIntervalEnd(end)
	if !ok {
		return ELB{}, false
	}
	k.End = t

	if k.Type != "net" {
		var ip string
		ip, rest, _ = strings.Cut(rest, "_")
		if k.NodeIP, ok = NormalizeIP(ip); !ok {
			return ELB{}, false
		}
	}
	random := strings.TrimSuffix(strings.TrimSuffix(rest, ".gz"), ".log")
	if random == "" || strings.ContainsAny(random, "_.") {
		return ELB{}, false
	}
	return k, true
}

// LoadBalancerName returns the name in a load balancer's resource ID as
// the logs write it ("app/my-lb/50dc6c495c0c9188" gives "my-lb"); a
// Classic Load Balancer's bare name, or anything else, is returned as it is.
func LoadBalancerName(resource string) string {
	if _, rest, ok := strings.Cut(resource, "/"); ok {
		if n, _, ok := strings.Cut(rest, "/"); ok && n != "" {
			return n
		}
	}
	return resource
}

// CloudFront is what a CloudFront standard-log object name tells:
// {distribution}.{YYYY-MM-DD-HH}.{unique}.gz.
type CloudFront struct {
	Distribution string
	// Hour is the start of the UTC hour the requests happened in.
	Hour time.Time
}

// ParseCloudFront parses the base name of a CloudFront log object, with or
// without its ".gz", and reports false for any other name.
func ParseCloudFront(base string) (CloudFront, bool) {
	dist, rest, _ := strings.Cut(base, ".")
	hour, rest, _ := strings.Cut(rest, ".")
	unique, rest, _ := strings.Cut(rest, ".")
	if rest != "" && rest != "gz" {
		return CloudFront{}, false
	}
	if !IsDistribution(dist) || unique == "" || !isAlnum(unique) {
		return CloudFront{}, false
	}
	t, ok := parseHour(hour)
	if !ok {
		return CloudFront{}, false
	}
	return CloudFront{Distribution: dist, Hour: t}, true
}

// IsDistribution reports whether s can be a CloudFront distribution ID:
// upper-case letters and digits.
func IsDistribution(s string) bool { return s != "" && isUpperAlnum(s) }

// BaseName returns what follows the last "/" (or OS path separator) of name.
func BaseName(name string) string {
	i := strings.LastIndexByte(name, '/')
	if os.PathSeparator != '/' {
		i = max(i, strings.LastIndexByte(name, os.PathSeparator))
	}
	return name[i+1:]
}

// PathAccount finds "AWSLogs/{account}/" and, below it,
// "elasticloadbalancing/{region}/" in a path or key.
func PathAccount(name string) (account, region string) {
	i := strings.LastIndex(name, "AWSLogs/")
	if i < 0 {
		return "", ""
	}
	parts := strings.SplitN(name[i+len("AWSLogs/"):], "/", 4)
	if len(parts) < 2 || !isAccount(parts[0]) {
		return "", ""
	}
	account = parts[0]
	if parts[1] == "elasticloadbalancing" && len(parts) == 4 && isRegion(parts[2]) {
		region = parts[2]
	}
	return account, region
}

// parseIntervalEnd parses "20140215T2340Z".
func parseIntervalEnd(s string) (time.Time, bool) {
	if len(s) != len("20140215T2340Z") || s[8] != 'T' || s[13] != 'Z' {
		return time.Time{}, false
	}
	y, ok1 := atoi(s[0:4])
	mo, ok2 := atoi(s[4:6])
	d, ok3 := atoi(s[6:8])
	h, ok4 := atoi(s[9:11])
	mi, ok5 := atoi(s[11:13])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 {
		return time.Time{}, false
	}
	return makeTime(y, mo, d, h, mi)
}

// parseHour parses "2019-11-14-20".
func parseHour(s string) (time.Time, bool) {
	if len(s) != len("2019-11-14-20") || s[4] != '-' || s[7] != '-' || s[10] != '-' {
		return time.Time{}, false
	}
	y, ok1 := atoi(s[0:4])
	mo, ok2 := atoi(s[5:7])
	d, ok3 := atoi(s[8:10])
	h, ok4 := atoi(s[11:13])
	if !ok1 || !ok2 || !ok3 || !ok4 {
		return time.Time{}, false
	}
	return makeTime(y, mo, d, h, 0)
}

// makeTime builds a UTC time, refusing out-of-range fields rather than
// letting time.Date normalise them.
func makeTime(y, mo, d, h, mi int) (time.Time, bool) {
	if mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// NormalizeIP parses a node address. IPv4 octets may be zero-padded, as in
// the AWS documentation's "172.160.001.192"; the padding is removed.
func NormalizeIP(s string) (string, bool) {
	if strings.IndexByte(s, ':') >= 0 {
		a, err := netip.ParseAddr(s)
		if err != nil || !a.Is6() {
			return "", false
		}
		return a.String(), true
	}
	var b [4]byte
	for i := range b {
		octet := s
		if i < 3 {
			var ok bool
			octet, s, ok = strings.Cut(s, ".")
			if !ok {
				return "", false
			}
		}
		n, ok := atoi(octet)
		if !ok || len(octet) > 3 || n > 255 {
			return "", false
		}
		b[i] = byte(n)
	}
	return netip.AddrFrom4(b).String(), true
}

// atoi parses a short run of ASCII digits.
func atoi(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func isAccount(s string) bool {
	return len(s) == 12 && strings.Trim(s, "0123456789") == ""
}

// isRegion accepts names like "us-east-2" and "us-gov-west-1".
func isRegion(s string) bool {
	if s == "" || strings.IndexByte(s, '-') < 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isLBName accepts load balancer names: letters, digits and hyphens.
func isLBName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

func isAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

func isUpperAlnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}
