package nlb

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/parser"
)

// The shared corpus holds NLB lines collected from other projects' tests and
// AWS documentation (see its SOURCES.md), read where it lives
// (readertest.CorpusDir): files under some licences cannot be copied here.
var corpusDir = readertest.CorpusDir

// Every NLB line of the corpus parses. Decisions on lines peers reject:
//   - nekrassov01 nlb-regex-tests.log line 1 ("expected": null): the
//     documentation's example without tls_connection_creation_time, which
//     the peer's regex requires. AWS documented and wrote that 21-field
//     layout until the field was added, so we accept it, with the creation
//     time null.
//   - elastic-integrations nlb-test-alb.log lines 2 and 3 are odd but
//     well-formed: a domain name mangled into Markdown and an ALPN list
//     with backslash-escaped quotes (both kept as written), and a
//     connection that sent no ClientHello (every TLS field "-").
func TestCorpus(t *testing.T) { runCorpus(t, corpusDir(t)) }

// TestCorpusTestdata runs the permissively licensed corpus lines copied into
// testdata, so the checks run even without the shared corpus.
func TestCorpusTestdata(t *testing.T) { runCorpus(t, filepath.Join("testdata", "corpus")) }

func runCorpus(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "nlb-*.log"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no nlb-*.log files in %s (%v)", dir, err)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			res := readAll(t, bytes.NewReader(data), parser.Options{BatchSize: 3, Source: parser.Source{Name: rel}})
			if res.Err != nil || len(res.Rejects) > 0 {
				t.Fatalf("Err() = %v, rejects %v", res.Err, res.Rejects)
			}
			lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
			if int(res.Stats.Lines) != len(lines) || int(res.Stats.Parsed) != len(lines) {
				t.Fatalf("stats %+v, file has %d lines", res.Stats, len(lines))
			}
			if n := (Decoder{}).Sniff(data); n != len(lines) {
				t.Errorf("Sniff counts %d lines of %d", n, len(lines))
			}
			for i, r := range res.Rows {
				// Every field survives: the row written back as a line is
				// the line.
				if got := formatRow(r); got != strings.TrimSuffix(lines[i], "\r") {
					t.Errorf("line %d:\n got %s\nwant %s", i, got, lines[i])
				}
			}
			// The triage projection accepts the same lines.
			tri := readAll(t, bytes.NewReader(data), parser.Options{Columns: TriageColumns})
			if tri.Stats != res.Stats {
				t.Errorf("triage projection: %+v, all columns: %+v", tri.Stats, res.Stats)
			}
			exp := strings.TrimSuffix(path, ".log") + ".expected.json"
			if _, err := os.Stat(exp); err == nil {
				checkExpected(t, exp, res.Rows)
			}
		})
	}
}

// TestCorpus_OtherFormats reads every other log of the corpus: no line is
// taken for an NLB line or counted by Sniff (input.Scan names their formats
// in the reasons).
func TestCorpus_OtherFormats(t *testing.T) {
	dir := corpusDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.log"))
	n := 0
	for _, path := range files {
		if strings.HasPrefix(filepath.Base(path), "nlb-") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		res := readAll(t, bytes.NewReader(data), parser.Options{})
		if res.Stats.Parsed != 0 {
			t.Errorf("%s: %d lines taken for NLB lines", path, res.Stats.Parsed)
		}
		if k := (Decoder{}).Sniff(data); k != 0 {
			t.Errorf("%s: Sniff counts %d lines", path, k)
		}
		n += int(res.Stats.Rejected)
	}
	t.Logf("%d lines of other formats rejected", n)
}

// formatRow writes a row of all columns back as an NLB line.
func formatRow(r map[string]any) string {
	var fs []string
	v := func(c string) string { return raw(r[c]) }
	addr := func(ip, port string) string {
		if r[ip] == nil {
			return "-"
		}
		return fmt.Sprintf("%v:%v", r[ip], r[port])
	}
	tm := func(c string) string { return strings.TrimSuffix(v(c), ".000000Z") }
	fs = append(fs, v(ColType), v(ColVersion), tm(ColTime), v(ColELB), v(ColListener),
		addr(ColClientIP, ColClientPort), addr(ColDestinationIP, ColDestinationPort))
	for _, c := range []string{ColConnectionTime, ColTLSHandshakeTime, ColReceivedBytes, ColSentBytes,
		ColIncomingTLSAlert, ColChosenCertARN, ColChosenCertSerial, ColTLSCipher, ColTLSProtocolVersion,
		ColTLSKeyExchange, ColDomainName} {
		fs = append(fs, v(c))
	}
	if r[ColVersion] == "2.0" {
		fs = append(fs, v(ColALPNFrontendProtocol), v(ColALPNBackendProtocol), v(ColALPNClientPreferenceList))
		if r[ColTLSConnectionCreationTime] != nil {
			fs = append(fs, tm(ColTLSConnectionCreationTime))
		}
	}
	return strings.Join(fs, " ")
}

// peerFields maps the nekrassov01 field names (raw strings as matched) onto
// our rows.
var peerFields = map[string]func(r map[string]any) string{
	"client_port":      func(r map[string]any) string { return fmt.Sprintf("%v:%v", r[ColClientIP], r[ColClientPort]) },
	"destination_port": func(r map[string]any) string { return fmt.Sprintf("%v:%v", r[ColDestinationIP], r[ColDestinationPort]) },
	"tls_named_group":  func(r map[string]any) string { return raw(r[ColTLSKeyExchange]) },
	"time":             func(r map[string]any) string { return strings.TrimSuffix(raw(r[ColTime]), ".000000Z") },
	"tls_connection_creation_time": func(r map[string]any) string {
		return strings.TrimSuffix(raw(r[ColTLSConnectionCreationTime]), ".000000Z")
	},
}

// raw writes a row's value as the log does: "-" for null, durations in
// milliseconds.
func raw(v any) string {
	switch v := v.(type) {
	case nil:
		return "-"
	case time.Duration:
		return fmt.Sprint(v.Milliseconds())
	}
	return fmt.Sprint(v)
}

func checkExpected(t *testing.T, path string, rows []map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Lines []struct {
			Index    int               `json:"index"`
			Expected map[string]string `json:"expected"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("%s: %s", path, err)
	}
	checked := 0
	for _, l := range exp.Lines {
		if l.Expected == nil {
			continue // rejected by the peer; accepted here (see TestCorpus)
		}
		r := rows[l.Index]
		for k, want := range l.Expected {
			got := raw(r[k])
			if g, ok := peerFields[k]; ok {
				got = g(r)
			} else if _, ok := r[k]; !ok {
				t.Errorf("line %d: peer field %q has no column", l.Index, k)
				continue
			}
			if got != want {
				t.Errorf("line %d: %s = %q, peer expects %q", l.Index, k, got, want)
			}
			checked++
		}
	}
	t.Logf("%d peer field values checked", checked)
}
