package gen

import (
	"strconv"
	"time"
)

// albFormatter appends rows as log lines.
type albFormatter struct {
	g      *albGen
	layout int
	timeFormatter
}

// timeFormatter appends ELB timestamps ("2006-01-02T15:04:05.000000Z"). It
// caches the formatted date and second of the last timestamp written to
// each of two slots.
type timeFormatter struct {
	secCache [2]struct {
		sec int64
		b   [20]byte // "2006-01-02T15:04:05."
	}
}

// appendTime appends the timestamp of us, microseconds since the epoch,
// caching its second in slot 0 or 1.
func (f *timeFormatter) appendTime(dst []byte, us int64, slot int) []byte {
	sec := us / 1e6
	frac := us % 1e6
	if frac < 0 {
		frac += 1e6
		sec--
	}
	c := &f.secCache[slot]
	if c.sec != sec || c.b[0] == 0 {
		c.sec = sec
		time.Unix(sec, 0).UTC().AppendFormat(c.b[:0], "2006-01-02T15:04:05.")
	}
	dst = append(dst, c.b[:]...)
	dst = appendPad(dst, int(frac), 6)
	return append(dst, 'Z')
}

func appendPad(dst []byte, v, width int) []byte {
	var b [20]byte
	i := len(b)
	for range width {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// appendMs writes milliseconds as seconds with three decimals, or -1.
func appendMs(dst []byte, ms int) []byte { return appendSeconds(dst, ms, 1000, 3) }

// appendSeconds writes v, in 1/unit seconds (unit = 10^digits), as seconds
// with digits decimals, or -1 when v is negative.
func appendSeconds(dst []byte, v, unit, digits int) []byte {
	if v < 0 {
		return append(dst, '-', '1')
	}
	dst = strconv.AppendInt(dst, int64(v/unit), 10)
	dst = append(dst, '.')
	return appendPad(dst, v%unit, digits)
}

func appendQuoted(dst []byte, s string) []byte {
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

func (f *albFormatter) appendURL(dst []byte, row *albRow) []byte {
	return appendURL(dst, row.typ != typHTTP, f.g.sc.Host, row.path, row.id, row.query)
}

// appendURL appends the URL of a request for path (an index into
// albPaths), its id and query, on host by HTTPS or HTTP.
func appendURL(dst []byte, https bool, host string, path, id, query int) []byte {
	if https {
		dst = append(dst, "https://"...)
		dst = append(dst, host...)
		dst = append(dst, ":443"...)
	} else {
		dst = append(dst, "http://"...)
		dst = append(dst, host...)
		dst = append(dst, ":80"...)
	}
	return appendPath(dst, path, id, query)
}

// appendPath appends path (an index into albPaths) with its id and query.
func appendPath(dst []byte, path, id, query int) []byte {
	p := &albPaths[path]
	dst = append(dst, p.prefix...)
	if p.idMax > 0 {
		dst = strconv.AppendInt(dst, int64(id), 10)
		dst = append(dst, p.suffix...)
	}
	if len(p.queries) > 0 {
		dst = append(dst, p.queries[query]...)
	}
	return dst
}

// appendRow appends one log line, with its newline.
func (f *albFormatter) appendRow(dst []byte, row *albRow) []byte {
	g := f.g
	dst = append(dst, typNames[row.typ]...)
	dst = append(dst, ' ')
	dst = f.appendTime(dst, row.t, 0)
	dst = append(dst, ' ')
	dst = append(dst, g.elb...)
	dst = append(dst, ' ')
	dst = append(dst, g.clients[row.client]...)
	dst = append(dst, ':')
	dst = strconv.AppendInt(dst, int64(row.cport), 10)
	dst = append(dst, ' ')
	if row.target >= 0 {
		dst = append(dst, g.targets[row.target].addr...)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, ' ')
	dst = appendMs(dst, row.rp)
	dst = append(dst, ' ')
	dst = appendMs(dst, row.tp)
	dst = append(dst, ' ')
	dst = appendMs(dst, row.rsp)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(row.elb), 10)
	dst = append(dst, ' ')
	if row.tgt > 0 {
		dst = strconv.AppendInt(dst, int64(row.tgt), 10)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(row.recv), 10)
	dst = append(dst, ' ')
	dst = strconv.AppendInt(dst, int64(row.sent), 10)
	dst = append(dst, ' ', '"')
	if row.badReqLine {
		dst = append(dst, '-', ' ')
		if row.typ == typHTTP {
			dst = append(dst, "http://"...)
			dst = append(dst, g.sc.Host...)
			dst = append(dst, ":80- "...)
		} else {
			dst = append(dst, "https://"...)
			dst = append(dst, g.sc.Host...)
			dst = append(dst, ":443- "...)
		}
	} else {
		dst = append(dst, row.method...)
		dst = append(dst, ' ')
		dst = f.appendURL(dst, row)
		dst = append(dst, ' ')
		dst = append(dst, row.proto...)
	}
	dst = append(dst, '"', ' ')
	dst = appendQuoted(dst, albUAs[row.ua].ua)
	dst = append(dst, ' ')
	if row.typ == typHTTP {
		dst = append(dst, "- - "...)
	} else {
		s := &albTLSs[row.tls]
		dst = append(dst, s.cipher...)
		dst = append(dst, ' ')
		dst = append(dst, s.protocol...)
		dst = append(dst, ' ')
	}
	switch row.tgARN {
	case 1:
		dst = append(dst, g.tgARN...)
	case 2:
		dst = append(dst, g.lambdaARN...)
	default:
		dst = append(dst, '-')
	}
	dst = append(dst, ` "Root=1-`...)
	dst = appendHex(dst, uint64(row.rct/1e6), 8)
	dst = append(dst, '-')
	dst = appendHex(dst, row.traceHi, 16)
	dst = appendHex(dst, uint64(row.traceLo), 8)
	dst = append(dst, '"', ' ')
	if row.typ == typHTTP || row.noSNI {
		dst = append(dst, `"-" `...)
	} else {
		dst = appendQuoted(dst, g.sc.Host)
		dst = append(dst, ' ')
	}
	switch {
	case row.typ == typHTTP:
		dst = append(dst, `"-"`...)
	case row.sessReused:
		dst = append(dst, `"session-reused"`...)
	default:
		dst = appendQuoted(dst, g.certARN)
	}
	dst = append(dst, ' ')
	dst = append(dst, row.rule...)
	dst = append(dst, ' ')
	dst = f.appendTime(dst, row.rct, 1)
	dst = append(dst, ' ')
	dst = appendQuoted(dst, row.actions)
	dst = append(dst, ' ', '"')
	if row.redirect {
		dst = appendURL(dst, true, g.sc.Host, row.path, row.id, row.query)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, '"', ' ', '"')
	if row.errReason != "" {
		dst = append(dst, row.errReason...)
	} else {
		dst = append(dst, '-')
	}
	dst = append(dst, '"')
	if f.layout >= ALBLayout29 {
		dst = append(dst, ' ', '"')
		if row.target >= 0 {
			dst = append(dst, g.targets[row.target].addr...)
		} else {
			dst = append(dst, '-')
		}
		dst = append(dst, '"', ' ', '"')
		if row.tgt > 0 {
			dst = strconv.AppendInt(dst, int64(row.tgt), 10)
		} else {
			dst = append(dst, '-')
		}
		dst = append(dst, '"', ' ')
		if row.class == 1 {
			dst = append(dst, `"Acceptable" "GetHeadZeroContentLength"`...)
		} else {
			dst = append(dst, `"-" "-"`...)
		}
	}
	if f.layout >= ALBLayout30 {
		dst = append(dst, " TID_"...)
		dst = appendHex(dst, row.tidHi, 16)
		dst = appendHex(dst, row.tidLo, 16)
	}
	if f.layout >= ALBLayout33 {
		dst = append(dst, ` "-" "-" "-"`...)
	}
	return append(dst, '\n')
}
