package gen

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// classifyCF applies the taxonomy's CloudFront rules to a record's fields.
func classifyCF(f []string) string {
	rt, dt := f[13], f[28]
	either := func(p func(string) bool) bool { return p(rt) || p(dt) }
	generated := func(s string) bool { return strings.HasSuffix(s, "GeneratedResponse") }
	switch {
	case either(func(s string) bool { return s == "CapacityExceeded" || s == "LimitExceeded" }):
		return CauseEdgeCapacity
	case either(func(s string) bool {
		return (strings.HasPrefix(s, "Lambda") || strings.HasPrefix(s, "Function")) && !generated(s)
	}):
		return CauseEdgeFunctionError
	case dt == "MissGeneratedResponse" || dt == "LambdaGeneratedResponse" || dt == "FunctionGeneratedResponse":
		return CauseEdgeGenerated
	case dt == "OriginConnectError":
		return CauseOriginConnectError
	case dt == "OriginDnsError":
		return CauseOriginDNSError
	case dt == "OriginCommError":
		return CauseOriginTimeout
	case dt == "OriginInvalidResponseError" || dt == "OriginHeaderTooBigError" ||
		dt == "OriginZeroSizeObjectError" || dt == "OriginContentRangeLengthError":
		return CauseOriginInvalidResponse
	case strings.HasPrefix(dt, "Origin") || dt == "AbortedOrigin" || dt == "SlowReaderOriginError":
		return CauseOriginOther
	case strings.HasPrefix(dt, "Client") || strings.HasPrefix(dt, "InvalidRequest"):
		return CauseClientRequestError
	}
	return CauseOriginHTTP5xx
}

// readCF checks a legacy standard log file and returns its records split
// into fields.
func readCF(t *testing.T, data []byte) [][]string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) < 2 || lines[0] != "#Version: 1.0" || !strings.HasPrefix(lines[1], "#Fields: ") {
		t.Fatalf("bad header %q", lines[:min(2, len(lines))])
	}
	if n := len(strings.Fields(strings.TrimPrefix(lines[1], "#Fields: "))); n != 33 {
		t.Fatalf("#Fields has %d names", n)
	}
	var out [][]string
	for _, l := range lines[2:] {
		f := strings.Split(l, "\t")
		if len(f) != 33 {
			t.Fatalf("%d fields: %q", len(f), l)
		}
		for i, v := range f {
			if v == "" || strings.ContainsAny(v, " \"") {
				t.Fatalf("field %d %q empty or not encoded in %q", i+1, v, l)
			}
		}
		if _, err := time.Parse("2006-01-02 15:04:05", f[0]+" "+f[1]); err != nil {
			t.Fatalf("bad date/time in %q", l)
		}
		if len(f[8]) != 3 {
			t.Fatalf("bad status %q", f[8])
		}
		tt, err1 := strconv.ParseFloat(f[18], 64)
		fb, err2 := strconv.ParseFloat(f[27], 64)
		if err1 != nil || err2 != nil || fb > tt || f[18][len(f[18])-4] != '.' {
			t.Fatalf("time-taken %q, time-to-first-byte %q", f[18], f[27])
		}
		if len(f[14]) != 56 || !strings.HasSuffix(f[14], "==") {
			t.Fatalf("bad request id %q", f[14])
		}
		if (f[16] == "https") == (f[20] == "-") {
			t.Fatalf("TLS fields on %s: %q", f[16], f[20])
		}
		out = append(out, f)
	}
	return out
}

func cfTestScenario(seed uint64) *CFScenario {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	return &CFScenario{Seed: seed, Start: start, End: start.Add(30 * time.Minute), Rows: 20000,
		Incidents: EveryCFCause(start.Add(5*time.Minute), start.Add(25*time.Minute), 0.01)}
}

func TestWriteCloudFront_Deterministic(t *testing.T) {
	a, _ := written(t, WriteCloudFront, cfTestScenario(1))
	b, _ := written(t, WriteCloudFront, cfTestScenario(1))
	c, _ := written(t, WriteCloudFront, cfTestScenario(2))
	if !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Fatal("output not determined by the seed")
	}
}

func TestWriteCloudFront_TruthMatchesRecords(t *testing.T) {
	out, tr := written(t, WriteCloudFront, cfTestScenario(3))
	recs := readCF(t, out)
	if len(recs) != tr.Rows {
		t.Fatalf("%d records, truth %d", len(recs), tr.Rows)
	}
	classes := map[string]int{}
	causes := map[string]int{}
	pops := map[string]*Counts{}
	dists := map[string]*Counts{}
	minutes := map[int64]*Counts{}
	aborted := 0
	ipv6 := 0
	for _, f := range recs {
		code, _ := strconv.Atoi(f[8])
		cause := ""
		switch {
		case f[8] == "000":
			classes["000"]++
			aborted++
		default:
			classes[fmt.Sprintf("%dxx", code/100)]++
		}
		if code >= 500 {
			cause = classifyCF(f)
			causes[cause]++
		}
		if strings.Contains(f[4], ":") {
			ipv6++
		}
		countsOf(pops, f[2]).add(code >= 500, cause)
		countsOf(dists, f[6]).add(code >= 500, cause)
		ts, _ := time.Parse("2006-01-02 15:04:05", f[0]+" "+f[1])
		m := ts.Truncate(time.Minute).Unix()
		if minutes[m] == nil {
			minutes[m] = &Counts{}
		}
		minutes[m].add(code >= 500, cause)
	}
	eq := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %v\nwant %v", name, got, want)
		}
	}
	eq("classes", classes, tr.Classes)
	eq("causes", causes, tr.Causes)
	eq("aborted", aborted, tr.Context[ContextClientAborted])
	vals := func(m map[string]*Counts) []Counts {
		var o []Counts
		for _, k := range sortedKeys(m) {
			o = append(o, *m[k])
		}
		return o
	}
	eq("pops", vals(pops), vals(tr.POPs))
	eq("distributions", len(dists), len(tr.Distributions))
	dm := func(m map[int64]*Counts) map[int64]Counts {
		o := map[int64]Counts{}
		for k, v := range m {
			o[k] = *v
		}
		return o
	}
	eq("minutes", dm(minutes), dm(tr.Minutes))
	for k := CFOriginConnectError; k < CFClientAborted; k++ {
		if causes[k.Cause()] == 0 {
			t.Errorf("no row of cause %s", k.Cause())
		}
	}
	if ipv6 == 0 || aborted == 0 {
		t.Errorf("ipv6 %d, aborted %d", ipv6, aborted)
	}
	sum := 0
	for _, n := range tr.Causes {
		sum += n
	}
	if sum != tr.Classes["5xx"] || tr.CacheHits.Requests+tr.CacheMisses.Requests+tr.ResultTypes["Redirect"].Requests != tr.Rows {
		t.Errorf("truth does not reconcile: %d causes, %+v", sum, tr.Classes)
	}
}

func sortedKeys(m map[string]*Counts) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	for i := range ks {
		for j := i + 1; j < len(ks); j++ {
			if ks[j] < ks[i] {
				ks[i], ks[j] = ks[j], ks[i]
			}
		}
	}
	return ks
}

func TestCFIncidents_Signatures(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	for k := CFOriginConnectError; k <= CFClientAborted; k++ {
		t.Run(k.String(), func(t *testing.T) {
			sc := &CFScenario{Seed: uint64(k), Start: start, End: start.Add(20 * time.Minute), Rows: 5000,
				Incidents: []CFIncident{{Kind: k, Start: start.Add(5 * time.Minute), End: start.Add(15 * time.Minute),
					Rate: 0.3, POP: "FRA56-P3", Distribution: "E2QWRUHAPOMQZL"}}}
			out, tr := written(t, WriteCloudFront, sc)
			n := 0
			for _, f := range readCF(t, out) {
				if f[8] == "000" && k == CFClientAborted {
					n++
					continue
				}
				if f[8] < "500" {
					continue
				}
				n++
				if f[2] != "FRA56-P3" || f[6] != "d1k7x2q9w3e4r5.cloudfront.net" || f[1] < "13:05:00" || f[1] >= "13:15:00" {
					t.Fatalf("row outside the incident's filters: %v", f)
				}
				tt, _ := strconv.ParseFloat(f[18], 64)
				ok := true
				switch k {
				case CFOriginTimeout:
					ok = f[8] == "504" && f[28] == "OriginCommError" && (tt >= 30 && tt < 30.1 || tt >= 60 && tt < 60.1 || tt >= 90 && tt < 90.1)
				case CFOriginDNSError:
					ok = f[8] == "502" && tt < 0.2
				case CFOriginConnectError:
					ok = f[8] == "502" && f[13] == "Error" && tt < 1
				case CFEdgeCapacity, CFFunctionError:
					ok = f[8] == "503"
				}
				if !ok {
					t.Fatalf("signature of %s wrong: %v", k, f)
				}
				if k != CFClientAborted && classifyCF(f) != k.Cause() {
					t.Fatalf("classified %s, want %s: %v", classifyCF(f), k.Cause(), f)
				}
			}
			if k == CFClientAborted {
				// Background aborts come on top of the incident's.
				if n != tr.Context[ContextClientAborted] || n <= tr.Incidents[0].Rows || tr.Incidents[0].Rows == 0 {
					t.Fatalf("%d aborts, truth %d, incident shaped %d", n, tr.Context[ContextClientAborted], tr.Incidents[0].Rows)
				}
				return
			}
			if n == 0 || n != tr.Incidents[0].Rows {
				t.Fatalf("%d rows, incident shaped %d", n, tr.Incidents[0].Rows)
			}
			if k.missOnly() && tr.CacheMisses.Errors5xx != n {
				t.Fatalf("origin failures outside misses: %+v", tr.CacheMisses)
			}
			if k == CFOriginHTTP5xx && (tr.CacheHits.Errors5xx == 0 || tr.CacheMisses.Errors5xx == 0) {
				t.Fatalf("want both origin and cached errors: hits %+v misses %+v", tr.CacheHits, tr.CacheMisses)
			}
		})
	}
}

var cfKeyRE = regexp.MustCompile(`^cf/(E[A-Z0-9]+)\.(\d{4}-\d{2}-\d{2}-\d{2})\.([A-Z0-9]{13})\.gz$`)

func TestCloudFrontObjects_Layout(t *testing.T) {
	start := time.Date(2026, 11, 20, 22, 30, 0, 0, time.UTC)
	sc := &CFScenario{Seed: 5, Start: start, End: start.Add(3 * time.Hour), Rows: 9000, Prefix: "cf", ObjectsPerHour: 2}
	objs, tr, err := CloudFrontObjects(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 4*2*2 {
		t.Fatalf("%d objects", len(objs))
	}
	rows := 0
	for _, o := range objs {
		m := cfKeyRE.FindStringSubmatch(o.Key)
		if m == nil {
			t.Fatalf("bad key %q", o.Key)
		}
		raw := gunzip(t, o.Data)
		for _, f := range readCF(t, raw) {
			if hour := f[0] + "-" + f[1][:2]; hour != m[2] {
				t.Fatalf("row of %s in object %q", hour, o.Key)
			}
			rows++
		}
	}
	if rows != tr.Rows {
		t.Fatalf("%d rows in objects, truth %d", rows, tr.Rows)
	}
	if _, err := WriteCloudFrontObjects(t.TempDir(), sc); err != nil {
		t.Fatal(err)
	}
}

func TestSampleCloudFrontIncident(t *testing.T) {
	out, tr := written(t, WriteCloudFront, SampleCloudFrontIncident())
	if tr.Rows < 20000 || tr.Rows > 40000 {
		t.Fatalf("%d rows", tr.Rows)
	}
	if len(tr.Causes) != 1 || tr.Causes[CauseOriginConnectError] < 1000 {
		t.Fatalf("causes %v", tr.Causes)
	}
	if tr.Distributions["E2QWRUHAPOMQZL"].Errors5xx != tr.Classes["5xx"] || tr.Context[ContextClientAborted] == 0 {
		t.Fatalf("distributions %+v", tr.Distributions)
	}
	hitsAfter, missesAfter := 0, 0
	for _, f := range readCF(t, out) {
		after := f[1] >= "13:10:00"
		www := f[15] == "www.example.com"
		if f[8] >= "500" && !(after && www) {
			t.Fatalf("5xx outside the incident: %v", f)
		}
		if after && www && f[13] == "Miss" {
			missesAfter++
		}
		if after && www && f[13] == "Hit" && f[8] < "400" {
			hitsAfter++
		}
	}
	if missesAfter != 0 || hitsAfter < 1000 {
		t.Fatalf("after 13:10 on www: %d misses served, %d hits served", missesAfter, hitsAfter)
	}
	t.Logf("rows %d, 5xx %d, causes %v", tr.Rows, tr.Classes["5xx"], tr.Causes)
}

func TestCFEncode(t *testing.T) {
	f := func(in, want string) {
		t.Helper()
		if got := cfEncode(in); got != want {
			t.Fatalf("cfEncode(%q) = %q, want %q", in, got, want)
		}
	}
	f("-", "-")
	f("Mozilla/5.0 (X11)", "Mozilla/5.0%20(X11)")
	f(`a"b\c`, "a%22b%5Cc")
	f("id%2Cname", "id%252Cname")
	f("€", "%E2%82%AC")
}
