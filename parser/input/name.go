package input

import (
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/lbtriage/lbtriage/parser"
)

// Reasons Classify gives for objects that are skipped on purpose.
const (
	SkipTestFile    = "ELB access-log test file"
	SkipConnLog     = "ALB connection log: not supported yet"
	SkipHealthCheck = "ALB health-check log: not supported yet"
)

// Classify returns why the object called name should not be read, or "" when
// it should. name is a path or an S3 key; only its base name counts.
func Classify(name string) (skipReason string) {
	base := baseName(name)
	switch {
	case base == "ELBAccessLogTestFile":
		return SkipTestFile
	case strings.HasPrefix(base, "conn_log_"):
		return SkipConnLog
	case strings.HasPrefix(base, "health_check_log_"):
		return SkipHealthCheck
	}
	return ""
}

// ParseName returns the Source for an object called name (a path or an S3
// key or URL): Name is name itself, and the other fields are what an AWS
// object layout tells. An ALB access-log name sets Format alb, Account,
// Region, LoadBalancer, IntervalEnd and NodeIP; a CloudFront one sets Format
// cloudfront, Distribution and Hour. Other ELB names (NLB, connection and
// health-check logs) set what they carry but leave Format unknown, as does
// any name in no AWS layout. Account and Region are also taken from an
// "AWSLogs/{account}/elasticloadbalancing/{region}/" path.
func ParseName(name string) parser.Source {
	src := parser.Source{Name: name}
	src.Account, src.Region = parsePathAccount(name)
	base := baseName(name)
	if k, ok := ParseALBKey(base); ok {
		src.Account, src.Region = k.Account, k.Region
		src.LoadBalancer = k.LoadBalancer
		src.IntervalEnd = k.IntervalEnd
		src.NodeIP = k.NodeIP
		if k.Kind == ELBAccessLog {
			src.Format = parser.FormatALB
		}
		return src
	}
	if k, ok := ParseCloudFrontKey(base); ok {
		src.Format = parser.FormatCloudFront
		src.Distribution = k.Distribution
		src.Hour = k.Hour
	}
	return src
}

// ELBLogKind is the kind of log an Elastic Load Balancing object name holds.
type ELBLogKind uint8

// ELB log kinds.
const (
	ELBAccessLog      ELBLogKind = iota // ALB access log
	ELBConnectionLog                    // ALB connection log (conn_log_)
	ELBHealthCheckLog                   // ALB health-check log (health_check_log_)
	NLBAccessLog                        // NLB (TLS listener) access log
)

// ALBKey is what an Elastic Load Balancing object name tells:
//
//	{account}_elasticloadbalancing_{region}_app.{lb-name}.{lb-id}_{end-time}_{node-ip}_{random}.log.gz
//
// with a conn_log_ or health_check_log_ prefix for connection and
// health-check logs, and "net." and no node IP for NLB.
type ALBKey struct {
	Kind    ELBLogKind
	Account string
	Region  string
	// LoadBalancer is the resource ID: "app/my-lb/50dc6c495c0c9188" (or
	// "net/…" for NLB).
	LoadBalancer string
	// IntervalEnd is the end of the 5-minute interval, in UTC. The rows
	// cover the five minutes before it, give or take delivery delays.
	IntervalEnd time.Time
	// NodeIP is the load balancer node's address with zero padding removed
	// ("172.160.001.192" becomes "172.160.1.192"); empty for NLB.
	NodeIP string
}

// ParseALBKey parses the base name of an ELB log object (the part after the
// last "/"). It accepts the name with or without ".log.gz" or ".log", so
// that files unpacked locally keep what they tell. It reports false for any
// other name, Classic Load Balancer logs included.
func ParseALBKey(base string) (ALBKey, bool) {
	var k ALBKey
	switch {
	case strings.HasPrefix(base, "conn_log_"):
		k.Kind, base = ELBConnectionLog, base[len("conn_log_"):]
	case strings.HasPrefix(base, "health_check_log_"):
		k.Kind, base = ELBHealthCheckLog, base[len("health_check_log_"):]
	}
	account, rest, _ := strings.Cut(base, "_")
	service, rest, _ := strings.Cut(rest, "_")
	region, rest, _ := strings.Cut(rest, "_")
	lb, rest, _ := strings.Cut(rest, "_")
	end, rest, _ := strings.Cut(rest, "_")
	if !isAccount(account) || service != "elasticloadbalancing" || !isRegion(region) {
		return ALBKey{}, false
	}
	k.Account, k.Region = account, region

	var kind string
	kind, lb, _ = strings.Cut(lb, ".")
	dot := strings.LastIndexByte(lb, '.')
	if dot <= 0 || dot == len(lb)-1 || !isLBName(lb[:dot]) || !isAlnum(lb[dot+1:]) {
		return ALBKey{}, false
	}
	switch kind {
	case "app":
	case "net":
		if k.Kind != ELBAccessLog {
			return ALBKey{}, false
		}
		k.Kind = NLBAccessLog
	default:
		return ALBKey{}, false
	}
	k.LoadBalancer = kind + "/" + lb[:dot] + "/" + lb[dot+1:]

	t, ok := parseIntervalEnd(end)
	if !ok {
		return ALBKey{}, false
	}
	k.IntervalEnd = t

	if k.Kind != NLBAccessLog {
		var ip string
		ip, rest, _ = strings.Cut(rest, "_")
		if k.NodeIP, ok = normalizeIP(ip); !ok {
			return ALBKey{}, false
		}
	}
	random := strings.TrimSuffix(strings.TrimSuffix(rest, ".gz"), ".log")
	if random == "" || strings.ContainsAny(random, "_.") {
		return ALBKey{}, false
	}
	return k, true
}

// CloudFrontKey is what a CloudFront standard-log object name tells:
// {distribution}.{YYYY-MM-DD-HH}.{unique}.gz.
type CloudFrontKey struct {
	Distribution string
	// Hour is the start of the UTC hour the requests happened in.
	Hour time.Time
}

// ParseCloudFrontKey parses the base name of a CloudFront log object, with
// or without its ".gz", and reports false for any other name.
func ParseCloudFrontKey(base string) (CloudFrontKey, bool) {
	dist, rest, _ := strings.Cut(base, ".")
	hour, rest, _ := strings.Cut(rest, ".")
	unique, rest, _ := strings.Cut(rest, ".")
	if rest != "" && rest != "gz" {
		return CloudFrontKey{}, false
	}
	if dist == "" || !isUpperAlnum(dist) || unique == "" || !isAlnum(unique) {
		return CloudFrontKey{}, false
	}
	t, ok := parseHour(hour)
	if !ok {
		return CloudFrontKey{}, false
	}
	return CloudFrontKey{Distribution: dist, Hour: t}, true
}

// baseName returns what follows the last "/" (or OS path separator) of name.
func baseName(name string) string {
	i := strings.LastIndexByte(name, '/')
	if os.PathSeparator != '/' {
		i = max(i, strings.LastIndexByte(name, os.PathSeparator))
	}
	return name[i+1:]
}

// parsePathAccount finds "AWSLogs/{account}/elasticloadbalancing/{region}/"
// in a path or key.
func parsePathAccount(name string) (account, region string) {
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

// normalizeIP parses a node address. IPv4 octets may be zero-padded, as in
// the AWS documentation's "172.160.001.192"; the padding is removed.
func normalizeIP(s string) (string, bool) {
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
