package input

import (
	"bytes"
	"net/netip"
)

// Skip reasons for logs recognised by their content.
const (
	SkipNLBLog  = "NLB access log: not supported yet"
	SkipCLBLog  = "Classic Load Balancer access log: not supported yet"
	SkipConnLog = "ALB connection log: not supported yet"
)

// otherLogKind recognises, from its first line, a load-balancer log that
// lbtriage does not read yet, and returns the reason to skip it; "" when
// the content is none of them.
func otherLogKind(head []byte) string {
	line := head
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	f := bytes.Fields(line)
	if len(f) < 4 {
		return ""
	}
	switch {
	case string(f[0]) == "tls" && (string(f[1]) == "1.0" || string(f[1]) == "2.0"):
		return SkipNLBLog
	case !looksLikeTimestamp(f[0]):
		return ""
	case isAddr(f[1]) && isDigits(f[2]) && isDigits(f[3]):
		// timestamp client_ip client_port listener_port ...
		return SkipConnLog
	case isAddrPort(f[2]):
		// timestamp elb client:port backend:port ...
		return SkipCLBLog
	}
	return ""
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

func isAddr(b []byte) bool {
	_, err := netip.ParseAddr(string(b))
	return err == nil
}

// isAddrPort accepts ip:port with IPv6 unbracketed, as ELB writes it.
func isAddrPort(b []byte) bool {
	i := bytes.LastIndexByte(b, ':')
	return i > 0 && isAddr(b[:i]) && isDigits(b[i+1:])
}
