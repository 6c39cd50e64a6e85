package cloudfront

import (
	"bytes"
	"fmt"
	"unicode/utf8"
)

// parseJSON reads a standard logging v2 JSON record: one flat object whose
// keys are W3C field names and whose values are strings ("-" for none).
// Numbers, true and false are taken as their text and null as null; nested
// objects and arrays reject the line. Unknown keys are ignored; a key given
// twice keeps its last value. It returns a reason when the line is rejected.
//
// The scanner is hand-written: values without escapes are sub-slices of the
// line, and escaped ones are decoded into the row's scratch buffer.
func (r *Reader) parseJSON(line []byte) string {
	i := skipSpace(line, 1)
	if i < len(line) && line[i] == '}' {
		return r.jsonEnd(line, i+1)
	}
	for {
		if i >= len(line) || line[i] != '"' {
			return jsonErr("a key", line, i)
		}
		key, next, reason := r.jsonString(line, i)
		if reason != "" {
			return reason
		}
		i = skipSpace(line, next)
		if i >= len(line) || line[i] != ':' {
			return jsonErr("':'", line, i)
		}
		i = skipSpace(line, i+1)
		if i >= len(line) {
			return jsonErr("a value", line, i)
		}
		var (
			val  []byte
			null bool
		)
		switch c := line[i]; {
		case c == '"':
			val, next, reason = r.jsonString(line, i)
			if reason != "" {
				return reason
			}
			i = next
		case c == '{' || c == '[':
			return fmt.Sprintf("invalid JSON: nested value for key %q", clip(key))
		default:
			j := i
			for j < len(line) && line[j] != ',' && line[j] != '}' && !isSpace(line[j]) {
				j++
			}
			val = line[i:j]
			if !jsonLiteral(val) {
				return jsonErr("a value", line, i)
			}
			null = string(val) == "null"
			i = j
		}
		if fid, ok := fieldByName[string(key)]; ok && !null && (fid >= numColumns || r.want[fid]) {
			if reason := r.setField(fid, val); reason != "" {
				return reason
			}
		}
		i = skipSpace(line, i)
		if i >= len(line) {
			return jsonErr("',' or '}'", line, i)
		}
		switch line[i] {
		case ',':
			i = skipSpace(line, i+1)
		case '}':
			return r.jsonEnd(line, i+1)
		default:
			return jsonErr("',' or '}'", line, i)
		}
	}
}

func (r *Reader) jsonEnd(line []byte, i int) string {
	if i = skipSpace(line, i); i != len(line) {
		return jsonErr("the end of the line", line, i)
	}
	return ""
}

// jsonLiteral reports whether v is a JSON number, true, false or null.
func jsonLiteral(v []byte) bool {
	switch string(v) {
	case "true", "false", "null":
		return true
	}
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}

// jsonString reads the string starting with the quote at line[i]. It returns
// the unescaped text and the index after the closing quote.
func (r *Reader) jsonString(line []byte, i int) ([]byte, int, string) {
	start := i + 1
	end := bytes.IndexByte(line[start:], '"')
	if end < 0 {
		return nil, 0, jsonErr("a closing '\"'", line, len(line))
	}
	if bytes.IndexByte(line[start:start+end], '\\') < 0 {
		return line[start : start+end], start + end + 1, ""
	}
	// Slow path: unescape into the scratch buffer.
	off := len(r.dec)
	for j := start; j < len(line); j++ {
		c := line[j]
		switch c {
		case '"':
			return r.dec[off:], j + 1, ""
		case '\\':
			if j+1 >= len(line) {
				return nil, 0, jsonErr("an escape", line, j)
			}
			j++
			switch e := line[j]; e {
			case '"', '\\', '/':
				r.dec = append(r.dec, e)
			case 'b':
				r.dec = append(r.dec, '\b')
			case 'f':
				r.dec = append(r.dec, '\f')
			case 'n':
				r.dec = append(r.dec, '\n')
			case 'r':
				r.dec = append(r.dec, '\r')
			case 't':
				r.dec = append(r.dec, '\t')
			case 'u':
				cp, ok := hex4(line, j+1)
				if !ok {
					return nil, 0, jsonErr("4 hex digits", line, j+1)
				}
				j += 4
				if cp >= 0xD800 && cp < 0xDC00 {
					// A high surrogate: pair it with a following low one.
					if lo, ok := hex4(line, j+3); ok && j+2 < len(line) && line[j+1] == '\\' && line[j+2] == 'u' && lo >= 0xDC00 && lo < 0xE000 {
						cp = 0x10000 + (cp-0xD800)<<10 + (lo - 0xDC00)
						j += 6
					} else {
						cp = utf8.RuneError
					}
				} else if cp >= 0xDC00 && cp < 0xE000 {
					cp = utf8.RuneError
				}
				r.dec = utf8.AppendRune(r.dec, cp)
			default:
				return nil, 0, jsonErr("a valid escape", line, j)
			}
		default:
			r.dec = append(r.dec, c)
		}
	}
	return nil, 0, jsonErr("a closing '\"'", line, len(line))
}

func hex4(b []byte, i int) (rune, bool) {
	if i < 0 || i+4 > len(b) {
		return 0, false
	}
	var v rune
	for _, c := range b[i : i+4] {
		h, ok := unhex(c)
		if !ok {
			return 0, false
		}
		v = v<<4 | rune(h)
	}
	return v, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func jsonErr(want string, line []byte, i int) string {
	return fmt.Sprintf("invalid JSON: want %s at byte %d", want, i+1)
}

func clip(b []byte) []byte {
	if len(b) > 40 {
		return b[:40]
	}
	return b
}
