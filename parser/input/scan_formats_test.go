package input

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/alb"
	"github.com/lbtriage/lbtriage/parser/albconn"
	"github.com/lbtriage/lbtriage/parser/albhealth"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
	nlbparser "github.com/lbtriage/lbtriage/parser/nlb"
)

// realDecoders are the decoders lbtriage registers, in its order.
var realDecoders = []parser.Decoder{alb.Decoder{}, albhealth.Decoder{}, cloudfront.Decoder{}, nlbparser.Decoder{}, albconn.Decoder{}}

// scanned is what Scan made of one object.
type scanned struct {
	res     ObjectResult
	rejects map[int64]string // line number -> reason
}

// scanOne scans one object with opts (the real decoders when none) on a
// checked allocator.
func scanOne(t *testing.T, obj Object, opts ScanOptions) scanned {
	t.Helper()
	if opts.Decoders == nil {
		opts.Decoders = realDecoders
	}
	opts.Workers = 1
	opts.Parser.Allocator = checkedAllocator(t)
	out := scanned{rejects: map[int64]string{}}
	opts.OnReject = func(e *parser.LineError) { out.rejects[e.Line] = e.Reason }
	sinks, results, err := Scan(t.Context(), []Object{obj}, opts, func() Sink { return &countSink{} })
	if err != nil {
		t.Fatalf("Scan: %s", err)
	}
	out.res = results[0]
	if n := sinks[0].(*countSink).rows; n != out.res.Stats.Parsed {
		t.Fatalf("the sink got %d rows, Parsed=%d", n, out.res.Stats.Parsed)
	}
	if s := out.res.Stats; s.Lines != s.Parsed+s.Rejected+s.Comments || int(s.Rejected) != len(out.rejects) {
		t.Fatalf("stats %+v with %d rejects reported", s, len(out.rejects))
	}
	return out
}

// TestScan_ForeignLines reads objects mixing formats: the lines of the
// format read are rows, and every line of another known format is rejected
// with a reason naming it.
func TestScan_ForeignLines(t *testing.T) {
	f := func(opts ScanOptions, lines []string, wantFormat parser.Format, wantParsed int64, wantRejects map[int64]string) {
		t.Helper()
		got := scanOne(t, memObject("mixed.log", []byte(strings.Join(lines, "\n")+"\n")), opts)
		if got.res.Err != nil || got.res.SkipReason != "" {
			t.Fatalf("Err=%v SkipReason=%q, want the object read", got.res.Err, got.res.SkipReason)
		}
		if got.res.Format != wantFormat || got.res.Stats.Parsed != wantParsed {
			t.Fatalf("format %q, %d parsed; want %q, %d", got.res.Format, got.res.Stats.Parsed, wantFormat, wantParsed)
		}
		for n, reason := range got.rejects {
			if wantRejects[n] != reason {
				t.Errorf("line %d rejected: %q, want %q", n, reason, wantRejects[n])
			}
		}
		for n, reason := range wantRejects {
			if _, ok := got.rejects[n]; !ok {
				t.Errorf("line %d not rejected, want %q", n, reason)
			}
		}
	}
	const inALB = " line in an ALB access log"
	strayQuote := strings.Replace(albLine, ` 366 "GET`, ` 366"GET`, 1)
	// The first line is a Classic Load Balancer's: the object is read as
	// ALB by its other lines, and nothing is dropped unnamed.
	f(ScanOptions{}, []string{clbLine, albLine, albLine, nlbLine, connLine, hcLine, cfLine, albLine, strayQuote, "#", "garbage"},
		alb.Format, 3, map[int64]string{
			1: titleCLB + inALB, 4: titleNLB + inALB, 5: titleConn + inALB, 6: titleHC + inALB,
			7: "CloudFront access log" + inALB,
			// An ALB line of its own fault keeps its reason; so does noise.
			9: "stray quote in field 12", 11: `unknown type "garbage"`,
		})
	// Lines in a CloudFront log.
	f(ScanOptions{}, []string{"#Version: 1.0", cfLine, albLine, clbLine, cfLine}, cloudfront.Format, 2, map[int64]string{
		3: "ALB access log line in a CloudFront access log",
		4: titleCLB + " line in a CloudFront access log",
	})
	// A forced format names the lines of the others too.
	f(ScanOptions{Format: alb.Format}, []string{clbLine, cfLine}, alb.Format, 0, map[int64]string{
		1: titleCLB + inALB, 2: "CloudFront access log" + inALB,
	})
	// A decoder registered for a kind is named by its title, and reads an
	// object of its own.
	clb := fakeDecoder{format: "clb", title: "CLB access log (registered)", match: fieldsMatch(isCLBLine)}
	withCLB := ScanOptions{Decoders: []parser.Decoder{alb.Decoder{}, cloudfront.Decoder{}, clb}}
	f(withCLB, []string{clbLine, albLine, albLine}, alb.Format, 2, map[int64]string{
		1: "CLB access log (registered)" + inALB,
	})
	f(withCLB, []string{clbLine, albLine, clbLine}, "clb", 2, map[int64]string{
		2: "ALB access log line in a CLB access log (registered)",
	})
	// The NLB, connection-log and health-check decoders leave the naming
	// to Scan, as the others do.
	f(ScanOptions{}, []string{nlbLine, nlbLine, albLine, clbLine, cfLine, hcLine, connLine}, nlbparser.Format, 2, map[int64]string{
		3: "ALB access log line in an NLB access log", 4: titleCLB + " line in an NLB access log",
		5: "CloudFront access log line in an NLB access log", 6: titleHC + " line in an NLB access log",
		7: titleConn + " line in an NLB access log",
	})
	f(ScanOptions{}, []string{connLine, connLine, albLine, nlbLine, clbLine, hcLine, cfLine}, albconn.Format, 2, map[int64]string{
		3: "ALB access log line in an ALB connection log", 4: titleNLB + " line in an ALB connection log",
		5: titleCLB + " line in an ALB connection log", 6: titleHC + " line in an ALB connection log",
		7: "CloudFront access log line in an ALB connection log",
	})
	f(ScanOptions{}, []string{hcLine, hcLine, albLine, connLine, clbLine, nlbLine, cfLine}, albhealth.Format, 2, map[int64]string{
		3: "ALB access log line in an ALB health-check log", 4: titleConn + " line in an ALB health-check log",
		5: titleCLB + " line in an ALB health-check log", 6: titleNLB + " line in an ALB health-check log",
		7: "CloudFront access log line in an ALB health-check log",
	})
}

// TestScan_MixedCorpus mixes the shared corpus's lines of other formats into
// its ALB and CloudFront lines.
func TestScan_MixedCorpus(t *testing.T) {
	dir := readertest.CorpusDir(t)
	lines := func(glob string) []string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "*", glob))
		if len(files) == 0 {
			t.Fatalf("no %s in %s", glob, dir)
		}
		var out []string
		for _, path := range files {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
				// Lines of under four fields (a peer's "incomplete line"
				// case, a lone timestamp) are of no format.
				if l = strings.TrimSuffix(l, "\r"); len(strings.Fields(l)) >= 4 {
					out = append(out, l)
				}
			}
		}
		return out
	}
	clb, nlb := lines("clb-*.log"), lines("nlb-*.log")
	conn := lines("alb-connection-*.log")
	albs := lines("alb-appelblog-*.log")
	cf := lines("cloudfront-doc-example-file.log")[2:] // the records, under no header

	// check reads text and wants every line of each kind in foreign
	// rejected with the reason naming it, and the others parsed.
	check := func(name string, text []string, foreign map[string]string, wantFormat parser.Format) {
		t.Run(name, func(t *testing.T) {
			got := scanOne(t, memObject(name, []byte(strings.Join(text, "\n")+"\n")), ScanOptions{})
			if got.res.Err != nil || got.res.Format != wantFormat {
				t.Fatalf("Err=%v Format=%q, want read as %q", got.res.Err, got.res.Format, wantFormat)
			}
			var wantParsed int64
			for i, l := range text {
				want, isForeign := foreign[l]
				reason, rejected := got.rejects[int64(i+1)]
				switch {
				case isForeign && reason != want:
					t.Errorf("line %d: rejected %v %q, want %q: %.80s", i+1, rejected, reason, want, l)
				case !isForeign && rejected:
					t.Errorf("line %d rejected: %s: %.80s", i+1, reason, l)
				case !isForeign:
					wantParsed++
				}
			}
			if got.res.Stats.Parsed != wantParsed {
				t.Errorf("%d parsed, want %d", got.res.Stats.Parsed, wantParsed)
			}
		})
	}
	kinds := func(in string, sets ...any) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(sets); i += 2 {
			for _, l := range sets[i].([]string) {
				m[l] = sets[i+1].(string) + " line in " + in
			}
		}
		return m
	}
	inALB := kinds("an ALB access log", clb, titleCLB, nlb, titleNLB, conn, titleConn, cf, "CloudFront access log")

	// A Classic Load Balancer line first, then ALB and CLB lines in turn.
	var mixed []string
	for i := range 100 {
		mixed = append(mixed, clb[i], albs[i], albs[100+i])
	}
	check("clb-first", mixed, inALB, alb.Format)
	// The head mostly Classic: the ALB lines still decide.
	check("clb-mostly", slices.Concat(clb[:40], albs[:5], clb[40:]), inALB, alb.Format)
	// Every foreign line of the corpus in an ALB log.
	check("every-kind", slices.Concat(albs[:3], clb, nlb, conn, cf, albs[3:6]), inALB, alb.Format)
	// ALB and Classic lines in a CloudFront log.
	inCF := kinds("a CloudFront access log", albs[:50], "ALB access log", clb[:50], titleCLB)
	check("in-cloudfront", slices.Concat(cf, cf, cf, albs[:50], cf, clb[:50]), inCF, cloudfront.Format)

	// NLB and connection-log lines in objects of theirs: the others named.
	check("in-nlb", slices.Concat(nlb, albs[:3], clb[:3], conn, cf[:3]),
		kinds("an NLB access log", albs[:3], "ALB access log", clb[:3], titleCLB, conn, titleConn, cf[:3], "CloudFront access log"), nlbparser.Format)
	check("in-conn", slices.Concat(conn, conn, conn, albs[:2], nlb[:2], clb[:2], cf[:2]),
		kinds("an ALB connection log", albs[:2], "ALB access log", nlb[:2], titleNLB, clb[:2], titleCLB, cf[:2], "CloudFront access log"), albconn.Format)

	// An object of a kind no decoder reads is set aside, named.
	got := scanOne(t, memObject("only.log", []byte(strings.Join(clb, "\n"))), ScanOptions{})
	if want := titleCLB + ": not read by this build"; got.res.SkipReason != want || got.res.Err != nil {
		t.Errorf("%s only: SkipReason=%q Err=%v, want %q", titleCLB, got.res.SkipReason, got.res.Err, want)
	}
}

// TestScan_CommentFirst reads an ALB object whose first line is a lone "#"
// by its data lines, the comment counted as one.
func TestScan_CommentFirst(t *testing.T) {
	for _, first := range []string{"#", "# exported by hand", "#Version: 1.0"} {
		text := first + "\n" + strings.Repeat(albLine+"\n", 100)
		for _, obj := range []Object{memObject("x.log", []byte(text)), memObject("x.log.gz", gzipBytes(t, text))} {
			got := scanOne(t, obj, ScanOptions{})
			s := got.res.Stats
			if got.res.Err != nil || got.res.Format != alb.Format || s.Parsed != 100 || s.Comments != 1 || s.Rejected != 0 {
				t.Fatalf("%q first: Err=%v Format=%q Stats=%+v, want ALB, 100 parsed, 1 comment", first, got.res.Err, got.res.Format, s)
			}
		}
	}
}

// TestScan_TestFileContent sets the ELB test file aside by its content,
// whatever its name.
func TestScan_TestFileContent(t *testing.T) {
	const msg = "Enable AccessLog for ELB: app/my-loadbalancer/50dc6c495c0c9188 at 2026-11-18T09:00:00.000Z"
	f := func(obj Object, opts ScanOptions) {
		t.Helper()
		got := scanOne(t, obj, opts)
		if got.res.SkipReason != SkipTestFile || got.res.Err != nil || got.res.Stats != (parser.Stats{}) {
			t.Fatalf("%s: SkipReason=%q Err=%v Stats=%+v, want set aside as %q", obj.Source.Name, got.res.SkipReason, got.res.Err, got.res.Stats, SkipTestFile)
		}
	}
	f(memObject("x.log", []byte(msg)), ScanOptions{})
	f(memObject("x.log", []byte(msg+"\r\n")), ScanOptions{})
	f(memObject("ELBAccessLogTestFile.gz", gzipBytes(t, msg+"\n")), ScanOptions{})
	f(memObject(albName, []byte(msg+"\n")), ScanOptions{})                   // named as an ALB log
	f(memObject("x.log", []byte(msg+"\n")), ScanOptions{Format: alb.Format}) // a forced format
	f(memObject("Enable AccessLog for ELB: my-lb at 2014-02-15T23:39:43.945958Z", []byte("Enable AccessLog for ELB: my-lb at 2014-02-15T23:39:43.945958Z")), ScanOptions{})

	// Beside log lines (files concatenated), the message is a named reject.
	got := scanOne(t, memObject("all.log", []byte(msg+"\n"+albLine+"\n"+albLine+"\n")), ScanOptions{})
	if got.res.Format != alb.Format || got.res.Stats.Parsed != 2 || got.rejects[1] != SkipTestFile+" line in an ALB access log" {
		t.Fatalf("Format=%q Stats=%+v rejects=%v", got.res.Format, got.res.Stats, got.rejects)
	}
}

// TestScan_Unsupported sets aside, with the decoder's reason, an object its
// decoder recognises as a log it does not read: a CloudFront RTMP log.
func TestScan_Unsupported(t *testing.T) {
	const rtmp = "#Version: 1.0\n" +
		"#Fields: date time x-edge-location c-ip x-event sc-bytes x-cf-status x-cf-client-id cs-uri-stem cs-uri-query c-referrer x-page-url c-user-agent x-sname x-sname-query x-file-ext x-sid\n" +
		"2010-03-12\t23:51:21\tSEA4\t192.0.2.222\tplay\t3914\tOK\tbfd8a98bee0840d9b871b7f6ade9908f\trtmp://shqshne4jdp4b6.cloudfront.net/cfx/st\tkey=value\thttp://player.example.com/player.swf\thttp://www.example.com/video\tLNX%2010,0,32,18\tmyvideo\tp=2&q=4\tflv\t1\n"
	for _, obj := range []Object{
		memObject("E2QWRUHAPOMQZL.2010-03-12-23.a1b2c3d4.gz", gzipBytes(t, rtmp)),
		memObject("rtmp.log", []byte(rtmp)),
	} {
		got := scanOne(t, obj, ScanOptions{})
		if want := "CloudFront RTMP distribution log: not read by lbtriage"; got.res.SkipReason != want || got.res.Err != nil || got.res.Format != parser.FormatUnknown {
			t.Fatalf("%s: SkipReason=%q Err=%v Format=%q, want set aside: %q", obj.Source.Name, got.res.SkipReason, got.res.Err, got.res.Format, want)
		}
	}
}
