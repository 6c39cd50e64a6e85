package nlb

import "strconv"

// Alerts names the TLS alert descriptions a client can send, by the number
// NLB logs in incoming_tls_alert: the registry of RFC 8446 §6 with the
// values TLS 1.2 and earlier defined (RFC 5246 §7.2, RFC 6066 and SSL 3.0),
// which older clients still send, under their original names.
var Alerts = map[uint8]string{
	0:   "close_notify",
	10:  "unexpected_message",
	20:  "bad_record_mac",
	21:  "decryption_failed",
	22:  "record_overflow",
	30:  "decompression_failure",
	40:  "handshake_failure",
	41:  "no_certificate",
	42:  "bad_certificate",
	43:  "unsupported_certificate",
	44:  "certificate_revoked",
	45:  "certificate_expired",
	46:  "certificate_unknown",
	47:  "illegal_parameter",
	48:  "unknown_ca",
	49:  "access_denied",
	50:  "decode_error",
	51:  "decrypt_error",
	60:  "export_restriction",
	70:  "protocol_version",
	71:  "insufficient_security",
	80:  "internal_error",
	86:  "inappropriate_fallback",
	90:  "user_canceled",
	100: "no_renegotiation",
	109: "missing_extension",
	110: "unsupported_extension",
	111: "certificate_unobtainable",
	112: "unrecognized_name",
	113: "bad_certificate_status_response",
	114: "bad_certificate_hash_value",
	115: "unknown_psk_identity",
	116: "certificate_required",
	120: "no_application_protocol",
}

// AlertName returns the name of TLS alert a ("unknown_ca" for 48), or
// "alert_" and the number for a value no RFC defines.
func AlertName(a uint8) string {
	if n, ok := Alerts[a]; ok {
		return n
	}
	return "alert_" + strconv.Itoa(int(a))
}

// RejectsCertificate reports whether a client that sends alert a during the
// handshake refused the certificate the load balancer served: its chain or
// CA (bad_certificate, unsupported_certificate, certificate_unknown,
// unknown_ca), its revocation or its expiry. Such alerts point at the
// listener's certificate or chain, or at the clients' trust stores; a
// change of certificate is the first suspect.
func RejectsCertificate(a uint8) bool {
	switch a {
	case 42, 43, 44, 45, 46, 48:
		return true
	}
	return false
}
