package albconn

import (
	"maps"
	"slices"
	"strconv"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/analysis/connlog"
)

// taxonomy has no cause: connection-log rows have no HTTP status. Its
// domains are the parties of a connection, for the report's empty 5xx
// figures when the connection logs are read alone.
var taxonomy = &analysis.Taxonomy{
	Name:    "ALB connection",
	Title:   "Application Load Balancer connection logs",
	Triage:  "ALB connection triage",
	Tables:  connlog.Tables(),
	Domains: connlog.Domains(),
}

// vocabulary is the connection-log family's connlog.Vocabulary.
type vocabulary struct{}

// Listener names a listener by its port.
func (vocabulary) Listener(name string, port uint16) string {
	if port == 0 {
		return "listener " + name
	}
	return "port " + strconv.Itoa(int(port))
}

// reasons describe the tls_verify_status codes of the AWS documentation,
// in its order, and the failed handshakes without one.
var reasons = map[string]connlog.ReasonInfo{
	"ClientCertMaxChainDepthExceeded": {Meaning: "the chain of the client's certificate is deeper than the trust store allows",
		Hint: "the client sends a longer chain than the listener's trust store accepts: have it send a shorter one, or review the trust store's chain depth."},
	"ClientCertMaxSizeExceeded": {Meaning: "the client's certificate is larger than the listener accepts",
		Hint: "the client's certificate exceeds the size the load balancer accepts: have it issued with fewer extensions or names."},
	"ClientCertCrlHit": {Meaning: "the client's certificate is revoked: it is on the revocation list of the trust store",
		Hint: "the certificate was revoked by its authority: the client must use a new certificate; if it should not be revoked, check the revocation list imported into the trust store."},
	"ClientCertCrlProcessingError": {Meaning: "the load balancer could not process the trust store's revocation list",
		Hint: "check the revocation lists of the trust store: their format, size and the authority that signed them."},
	"ClientCertUntrusted": {Meaning: "the client's certificate does not chain to an authority of the listener's trust store",
		Hint:  "a known client whose certificates come from a new authority needs that authority in the listener's trust store; unknown clients presenting self-signed certificates are strays to ignore or block.",
		Noise: "clients presenting certificates from no trusted authority (self-signed devices, scanners)"},
	"ClientCertNotYetValid": {Meaning: "the client's certificate is not valid yet: its NotBefore is in the future",
		Hint: "the client uses a certificate before its validity starts, or its clock is wrong: check NotBefore against the failures' times."},
	"ClientCertExpired": {Meaning: "their client certificates have expired: the load balancer refuses a certificate past its NotAfter",
		Hint: "the named clients must renew their client certificates (the client certificate's NotAfter says when each expired); nothing on the load balancer accepts an expired one. Check when the certificates of the other clients expire, before they fail too."},
	"ClientCertTypeUnsupported": {Meaning: "the type of the client's certificate is not supported",
		Hint: "the client's certificate uses a key type or algorithm the load balancer does not support: have it reissued (RSA or ECDSA)."},
	"ClientCertInvalid": {Meaning: "the client's certificate is invalid: malformed or unparsable",
		Hint: "the client sends a malformed certificate: have it reissued."},
	"ClientCertPurposeInvalid": {Meaning: "the client's certificate is not meant for client authentication (its key usage or extended key usage)",
		Hint: "have the client's certificate issued with the clientAuth extended key usage."},
	"ClientCertRejected": {Meaning: "the custom validation of the listener rejected the client's certificate",
		Hint: "check the custom server validation that rejected the certificate, and its logs."},
	"UnmappedConnectionError": {Meaning: "the connection failed with a runtime error the load balancer does not classify",
		Hint: "look at the clients and the times: a network path dropping the handshake, or clients aborting it; open a case with AWS if it persists."},
	"ClientCertIncompatible": {Meaning: "the client's certificate is incompatible with the listener's security policy",
		Hint: "compare the client's certificate (key type and size, signature algorithm) with the listener's security policy."},
	ReasonHandshakeIncomplete: {Meaning: "the TLS handshake did not complete and no verification code says why",
		Hint:  "beyond its usual trickle, look at the clients and nodes it comes from: clients timing out mid-handshake or connecting without TLS to a TLS listener.",
		Noise: "clients and scanners that do not finish their handshake"},
}

// Reason describes a failure reason: a tls_verify_status code, or
// ReasonHandshakeIncomplete.
func (vocabulary) Reason(reason string) connlog.ReasonInfo {
	info, ok := reasons[reason]
	if !ok {
		info = connlog.ReasonInfo{Meaning: "the connection failed verification with this code"}
	}
	info.Label = reason
	info.ClientCert = reason != ReasonHandshakeIncomplete && reason != "UnmappedConnectionError"
	return info
}

// Codes returns the failure reasons the family describes, sorted.
func Codes() []string {
	return slices.Sorted(maps.Keys(reasons))
}
