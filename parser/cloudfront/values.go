package cloudfront

import (
	"bytes"
	"unicode/utf8"

	"github.com/lbtriage/lbtriage/internal/bytesconv"
)

// parseStatus parses an HTTP status of 1–3 digits; "000" is 0.
func parseStatus(b []byte) (uint16, bool) {
	if len(b) == 0 || len(b) > 3 {
		return 0, false
	}
	return bytesconv.ParseUint16(b)
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// escapeAt returns the byte that the escape "%XX" at b[i] stands for.
func escapeAt(b []byte, i int) (byte, bool) {
	if i+2 >= len(b) {
		return 0, false
	}
	hi, ok1 := unhex(b[i+1])
	lo, ok2 := unhex(b[i+2])
	return hi<<4 | lo, ok1 && ok2
}

// tableChar reports whether c is a character CloudFront writes as an escape
// besides controls and non-ASCII bytes: space < > " # % { } | \ ^ ~ [ ] ` '.
func tableChar(c byte) bool {
	switch c {
	case ' ', '<', '>', '"', '#', '%', '{', '}', '|', '\\', '^', '~', '[', ']', '`', '\'':
		return true
	}
	return false
}

// urlDecode appends src to dst with "%XX" escapes decoded; when onlyTable is
// set only escapes of table characters are. Invalid escapes are copied as
// written. '+' is a literal plus in these logs.
func urlDecode(dst, src []byte, onlyTable bool) []byte {
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c == '%' {
			if v, ok := escapeAt(src, i); ok && (!onlyTable || tableChar(v)) {
				dst = append(dst, v)
				i += 2
				continue
			}
		}
		dst = append(dst, c)
	}
	return dst
}

// hasTableEscape reports whether b holds an escape of a table character.
func hasTableEscape(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] == '%' {
			if v, ok := escapeAt(b, i); ok && tableChar(v) {
				return true
			}
		}
	}
	return false
}

// decodeValue URL-decodes v per mode, appending any decoded text to *buf,
// and returns the value to store: v itself when nothing needs decoding or
// when decoding would give invalid UTF-8.
func decodeValue(buf *[]byte, v []byte, mode decoding) []byte {
	if mode == decodeNone || bytes.IndexByte(v, '%') < 0 {
		return v
	}
	start := len(*buf)
	*buf = urlDecode(*buf, v, false)
	d := (*buf)[start:]
	if !utf8.Valid(d) {
		*buf = (*buf)[:start]
		return v
	}
	if mode == decodeUA && hasTableEscape(d) {
		start2 := len(*buf)
		*buf = urlDecode(*buf, d, true)
		d = (*buf)[start2:]
	}
	return d
}
