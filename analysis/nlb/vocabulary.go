package nlb

import (
	"strconv"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

// ReasonHandshakeIncomplete is the reason of a failed handshake whose
// client sent no TLS alert: it sent no ClientHello, or stopped answering.
const ReasonHandshakeIncomplete = "handshake_incomplete"

// taxonomy has no cause: NLB rows have no HTTP status. Its domains are
// the parties of a connection, for the shared report's empty 5xx figures.
var taxonomy = &analysis.Taxonomy{
	Name:    "NLB",
	Title:   "Network Load Balancer TLS access logs",
	Triage:  "NLB TLS connection triage",
	Tables:  connlog.Tables(),
	Domains: connlog.Domains(),
}

// alertReasons are the reasons of a failed handshake by the client's
// alert: the alert's name (nlbparser.AlertName), computed once.
var alertReasons = func() (out [256]string) {
	for a := range out {
		out[a] = nlbparser.AlertName(uint8(a))
	}
	return out
}()

// alertOf returns the alert number of a reason, and whether it is one.
var alertOf = func() map[string]uint8 {
	m := map[string]uint8{}
	for a, name := range alertReasons {
		m[name] = uint8(a)
	}
	return m
}()

// vocabulary is the NLB family's connlog.Vocabulary.
type vocabulary struct{}

// Listener names a listener by its ID and port.
func (vocabulary) Listener(name string, port uint16) string {
	if port == 0 {
		return "listener " + name
	}
	return "listener " + name + " (port " + strconv.Itoa(int(port)) + ")"
}

// certHint is the hint of the alerts that reject the served certificate.
const certHint = "clients reject the certificate the listener serves: check its chain (every intermediate, in order), its validity dates and names, and whether the authority that issued it is in the failing clients' trust stores; a recent change or re-import of the certificate is the first suspect (chosen_cert_arn over time)."

// alertMeanings say what each alert from the client means, after "because".
var alertMeanings = map[uint8]string{
	0:   "the client closed the connection before the handshake completed",
	40:  "the client and the listener's security policy share no acceptable parameters (cipher suites, groups, signature algorithms)",
	42:  "the client found the certificate it was served corrupt or unverifiable",
	43:  "the client does not support the type of the certificate it was served",
	44:  "the client found the certificate it was served revoked",
	45:  "the client found the certificate it was served expired or not yet valid",
	46:  "the client refused the certificate it was served (often its names or its chain)",
	48:  "the client does not trust the authority that issued the certificate it was served (its trust store lacks the root, or the chain is incomplete)",
	70:  "the client does not support the TLS versions the listener's security policy allows",
	71:  "the listener's ciphers are weaker than the client accepts",
	90:  "the client cancelled the handshake",
	112: "the server name the client sent (SNI) matches no certificate of the listener",
	116: "the client expected to be asked for a certificate",
	120: "the client and the listener share no application protocol (ALPN)",
}

// alertHints say what to check for alerts that are not about the served
// certificate.
var alertHints = map[uint8]string{
	40:  "compare the listener's security policy (TLS versions, cipher suites) with what the failing clients support; a recent change of policy is the first suspect.",
	70:  "compare the TLS versions of the listener's security policy with the failing clients'; a recent change of policy is the first suspect.",
	71:  "compare the listener's security policy with what the failing clients require.",
	112: "add a certificate for the names the failing clients send (SNI, domain_name) to the listener, or fix the name the clients use.",
	120: "check the listener's ALPN policy against the protocols the failing clients offer.",
}

// Reason describes a failure reason: an alert's name or
// ReasonHandshakeIncomplete.
func (vocabulary) Reason(reason string) connlog.ReasonInfo {
	if reason == ReasonHandshakeIncomplete {
		return connlog.ReasonInfo{
			Label:   ReasonHandshakeIncomplete,
			Meaning: "the handshake did not complete and the client sent no alert: it sent no ClientHello, or stopped answering",
			Hint:    "beyond its usual trickle, look at the clients and nodes it comes from: clients timing out mid-handshake (network path, MTU, security groups) or connecting without TLS.",
			Noise:   "scanners and probes that open a TCP connection and send no ClientHello",
		}
	}
	a, ok := alertOf[reason]
	if !ok {
		return connlog.ReasonInfo{Label: reason, Meaning: "the handshake failed"}
	}
	info := connlog.ReasonInfo{
		Label:      "TLS alert " + strconv.Itoa(int(a)) + " " + reason,
		Meaning:    alertMeanings[a],
		Hint:       alertHints[a],
		ServedCert: nlbparser.RejectsCertificate(a),
	}
	if info.Meaning == "" {
		info.Meaning = "the client aborted the handshake with this alert"
	}
	if info.ServedCert {
		info.Hint = certHint
	}
	return info
}
