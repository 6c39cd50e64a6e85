package input

import (
	"bytes"
	"net/netip"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/awskey"
)

// otherLog is a kind of log AWS writes beside the access logs lbtriage
// reads, recognised line by line by its content, so that an object or a
// line of that kind is named rather than failed or rejected unnamed.
type otherLog struct {
	// title names the kind as parser.Decoder.Title does, and as an object
	// name of that kind does (awskey.ELB.Title).
	title string
	// match reports whether the fields of a line are one of the kind's.
	match func(f [][]byte) bool
}

// otherLogs are the kinds recognised, in the order they are tried.
var otherLogs = []otherLog{
	{awskey.ELB{Type: "net"}.Title(), isNLBLine},
	{awskey.ELB{Type: "app", Prefix: awskey.PrefixConnection}.Title(), isConnLine},
	{awskey.ELB{Type: "app", Prefix: awskey.PrefixHealthCheck}.Title(), isHealthCheckLine},
	{awskey.ELB{}.Title(), isCLBLine},
	{SkipTestFile, isTestFileLine},
}

// unreadLogs returns the kinds of otherLogs that none of decoders reads:
// once a decoder of that title is registered, its Sniff recognises the
// kind's lines instead.
func unreadLogs(decoders []parser.Decoder) []otherLog {
	var kinds []otherLog
	for _, k := range otherLogs {
		read := false
		for _, d := range decoders {
			read = read || d.Title() == k.title
		}
		if !read {
			kinds = append(kinds, k)
		}
	}
	return kinds
}

// unreadReason is why an object of the kind called title, which no decoder
// reads, is set aside.
func unreadReason(title string) string { return title + ": not read by this build" }

// otherLogKind returns the title of the kind among kinds that the most
// lines of head are lines of ("" when none is), as parser.Detect does for
// decoders. Blank and comment lines count for nothing; the last line of
// head may be cut short.
func otherLogKind(head []byte, kinds []otherLog) string {
	counts := make([]int, len(kinds))
	best, bestN := "", 0
	for line := range bytes.Lines(head) {
		f := bytes.Fields(line)
		if len(f) < 4 || f[0][0] == '#' {
			continue
		}
		for i, k := range kinds {
			if k.match(f) {
				counts[i]++
				if counts[i] > bestN {
					best, bestN = k.title, counts[i]
				}
				break
			}
		}
	}
	return best
}

// testFileText starts the one line of the test file ELB writes when access
// logging is enabled: "Enable AccessLog for ELB: my-lb at 2014-02-15T23:39:43.945958Z".
var testFileText = []byte("Enable AccessLog for ELB: ")

// isTestFile reports whether data, a whole object, is the ELB test file:
// its one line, whatever the object's name.
func isTestFile(data []byte) bool {
	data = bytes.TrimSpace(data)
	return bytes.HasPrefix(data, testFileText) && bytes.IndexByte(data, '\n') < 0
}

func isTestFileLine(f [][]byte) bool {
	return string(f[0]) == "Enable" && string(f[1]) == "AccessLog" && string(f[2]) == "for" && string(f[3]) == "ELB:"
}

// isNLBLine: "tls 2.0 2018-12-20T02:59:40 net/… listener client:port …".
func isNLBLine(f [][]byte) bool {
	return string(f[0]) == "tls" && (string(f[1]) == "1.0" || string(f[1]) == "2.0") && looksLikeTimestamp(f[2])
}

// isConnLine: "2023-12-02T21:04:58.174561Z 192.168.1.1 37532 443 …"
// (time, client IP, client port, listener port).
func isConnLine(f [][]byte) bool {
	return looksLikeTimestamp(f[0]) && isAddr(f[1]) && isDigits(f[2]) && isDigits(f[3])
}

// isHealthCheckLine: "http 2026-03-14T09:26:40.118204Z 0.006209174
// 10.0.2.17:8080 …" (type, time, latency, target or Lambda ARN).
func isHealthCheckLine(f [][]byte) bool {
	switch string(f[0]) {
	case "http", "https", "h2", "grpc", "lambda":
	default:
		return false
	}
	return looksLikeTimestamp(f[1]) && isDecimal(f[2]) && (isAddrPort(f[3]) || bytes.HasPrefix(f[3], []byte("arn:")))
}

// isCLBLine: "2015-05-13T23:39:43.945958Z my-loadbalancer
// 192.168.131.39:2817 10.0.0.1:80 …" (time, name, client, backend).
func isCLBLine(f [][]byte) bool {
	return looksLikeTimestamp(f[0]) && isAddrPort(f[2])
}

func looksLikeTimestamp(b []byte) bool {
	return len(b) >= 19 && b[4] == '-' && b[7] == '-' && b[10] == 'T' && isDigits(b[:4])
}

func isDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isDecimal accepts digits with at most one '.' between them ("0.0062").
func isDecimal(b []byte) bool {
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		return isDigits(b[:i]) && isDigits(b[i+1:])
	}
	return isDigits(b)
}

func isAddr(b []byte) bool {
	_, err := netip.ParseAddr(string(b))
	return err == nil
}

// isAddrPort accepts ip:port with IPv6 unbracketed, as ELB writes it.
func isAddrPort(b []byte) bool {
	i := bytes.LastIndexByte(b, ':')
	return i > 0 && isAddr(b[:i]) && isDigits(b[i+1:])
}
