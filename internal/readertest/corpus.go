package readertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/rowbatch"
	"github.com/lbtriage/lbtriage/parser"
)

// Corpus checks a decoder on the lines of the shared corpus: every line of
// every file matching Glob parses, but for the rejects listed with their
// reasons; the projection Columns accepts and rejects the same lines; and
// where a file has a .expected.json, the rows match what the peer it comes
// from expects.
type Corpus struct {
	// Glob matches the format's files below the corpus's folders
	// ("alb-*.log").
	Glob      string
	NewReader NewReader
	// Columns is the triage projection.
	Columns []string
	// Rejects lists the lines rejected, by file (as "folder/name.log") and
	// 0-based line index, with the reason expected.
	Rejects map[string]map[int]string
	// Peers maps each file's peer field names onto our rows: a Getter
	// renders our value the way the peer's field holds it; a nil Getter
	// marks a peer field we do not produce.
	Peers map[string]map[string]Getter
	// Aggregate, when set, checks a peer's aggregate assertions (the
	// "aggregate" object of its .expected.json) against the rows, by line
	// index.
	Aggregate func(t *testing.T, agg map[string]any, rows map[int]map[string]any)
}

// Getter renders one of our row's values the way a peer's field holds it.
type Getter func(r map[string]any) any

// Col is the column name as it is.
func Col(name string) Getter { return func(r map[string]any) any { return r[name] } }

// Timing renders a null timing as the -1 the log holds.
func Timing(name string) Getter {
	return func(r map[string]any) any {
		if v := r[name]; v != nil {
			return v
		}
		return -1.0
	}
}

// HostPort renders an address as "ip:port", null when ip is.
func HostPort(ip, port string) Getter {
	return func(r map[string]any) any {
		if r[ip] == nil {
			return nil
		}
		return fmt.Sprintf("%v:%v", r[ip], r[port])
	}
}

// IPPort renders an address as {"ip": ip, "port": port}, null when ip is.
func IPPort(ip, port string) Getter {
	return func(r map[string]any) any {
		if r[ip] == nil {
			return nil
		}
		return map[string]any{"ip": r[ip], "port": r[port]}
	}
}

// SameNames adds to m, for each of cols not in it, a Getter of the column
// as it is (Col), and for each of timings one of the timing (Timing): the
// peer fields that carry our column names unchanged. It returns m.
func SameNames(m map[string]Getter, cols, timings []string) map[string]Getter {
	for _, c := range cols {
		if _, ok := m[c]; !ok {
			m[c] = Col(c)
		}
	}
	for _, c := range timings {
		if _, ok := m[c]; !ok {
			m[c] = Timing(c)
		}
	}
	return m
}

// Joined renders the non-null columns cols joined by spaces (the request
// line from its parts).
func Joined(cols ...string) Getter {
	return func(r map[string]any) any {
		var parts []string
		for _, c := range cols {
			if v, ok := r[c].(string); ok {
				parts = append(parts, v)
			}
		}
		return strings.Join(parts, " ")
	}
}

// Run checks the corpus in dir.
func (c *Corpus) Run(t *testing.T, dir string) {
	files, err := filepath.Glob(filepath.Join(dir, "*", c.Glob))
	if err != nil || len(files) == 0 {
		t.Fatalf("no %s files in %s (%v)", c.Glob, dir, err)
	}
	for _, path := range files {
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rows := c.read(t, rel, data)
			exp := strings.TrimSuffix(path, ".log") + ".expected.json"
			if _, err := os.Stat(exp); err == nil {
				c.checkExpected(t, rel, exp, rows)
			}
		})
	}
}

// read reads one file and returns its rows by line index.
func (c *Corpus) read(t *testing.T, rel string, data []byte) map[int]map[string]any {
	res := ReadAll(t, c.NewReader, bytes.NewReader(data), parser.Options{BatchSize: 3, Source: parser.Source{Name: rel}})
	if res.Err != nil {
		t.Fatalf("Err() = %v", res.Err)
	}
	wantRejects := c.Rejects[rel]
	got := map[int]string{}
	for _, e := range res.Rejects {
		got[int(e.Line-1)] = e.Reason
	}
	for i, reason := range got {
		if want, ok := wantRejects[i]; !ok || want != reason {
			t.Errorf("line %d rejected: %s, want %q", i, reason, want)
		}
	}
	for i, want := range wantRejects {
		if _, ok := got[i]; !ok {
			t.Errorf("line %d accepted, want rejected: %s", i, want)
		}
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if int(res.Stats.Lines) != len(lines) {
		t.Errorf("Lines = %d, file has %d", res.Stats.Lines, len(lines))
	}
	// Map rows back to line indexes.
	rows := map[int]map[string]any{}
	next := 0
	for i, l := range lines {
		if _, rejected := got[i]; rejected || rowbatch.IsComment([]byte(strings.TrimSuffix(l, "\r"))) {
			continue
		}
		rows[i] = res.Rows[next]
		next++
	}
	t.Logf("%d lines: %d parsed, %d rejected, %d blank or comments", res.Stats.Lines, res.Stats.Parsed, res.Stats.Rejected, res.Stats.Comments)

	// The triage projection accepts and rejects the same lines.
	tri := ReadAll(t, c.NewReader, bytes.NewReader(data), parser.Options{Columns: c.Columns})
	if tri.Stats.Parsed != res.Stats.Parsed || tri.Stats.Rejected != res.Stats.Rejected {
		t.Errorf("triage projection: %+v, all columns: %+v", tri.Stats, res.Stats)
	}
	return rows
}

type expectedFile struct {
	Lines []struct {
		Index    int            `json:"index"`
		Expected map[string]any `json:"expected"`
	} `json:"lines"`
	Aggregate map[string]any `json:"aggregate"`
}

func (c *Corpus) checkExpected(t *testing.T, rel, path string, rows map[int]map[string]any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var exp expectedFile
	if err := json.Unmarshal(data, &exp); err != nil {
		t.Fatalf("%s: %s", path, err)
	}
	if exp.Aggregate != nil && c.Aggregate != nil {
		c.Aggregate(t, exp.Aggregate, rows)
	}
	if len(exp.Lines) == 0 {
		return
	}
	fields, ok := c.Peers[rel]
	if !ok {
		t.Fatalf("no field mapping for %s", rel)
	}
	checked := 0
	for _, l := range exp.Lines {
		if l.Expected == nil {
			continue // rejected by the peer; see Rejects for ours
		}
		r, ok := rows[l.Index]
		if !ok {
			if _, rejected := c.Rejects[rel][l.Index]; rejected {
				continue
			}
			t.Errorf("line %d: no row", l.Index)
			continue
		}
		for k, want := range l.Expected {
			g, ok := fields[k]
			if !ok {
				t.Errorf("line %d: peer field %q has no mapping", l.Index, k)
				continue
			}
			if g == nil {
				continue
			}
			if got := g(r); !SamePeerValue(got, want) {
				t.Errorf("line %d: %s = %#v, peer expects %#v", l.Index, k, got, want)
			}
			checked++
		}
	}
	t.Logf("%d peer field values checked", checked)
}

// SamePeerValue compares one of our values with a peer's JSON value across
// conventions: numbers may be strings on either side, and a null of ours
// matches a peer's null, "-" or "".
func SamePeerValue(ours, theirs any) bool {
	if ours == nil {
		return theirs == nil || theirs == "-" || theirs == ""
	}
	switch w := theirs.(type) {
	case nil:
		return false
	case string:
		if s, ok := ours.(string); ok {
			return s == w
		}
		f, err := strconv.ParseFloat(w, 64)
		return err == nil && toFloat(ours) == f
	case float64:
		if s, ok := ours.(string); ok {
			f, err := strconv.ParseFloat(s, 64)
			return err == nil && f == w
		}
		return toFloat(ours) == w
	case []any:
		o, ok := ours.([]any)
		if !ok || len(o) != len(w) {
			return false
		}
		for i := range w {
			if !SamePeerValue(o[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		o, ok := ours.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range o {
			if !SamePeerValue(v, w[k]) {
				return false
			}
		}
		return true
	}
	return false
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case uint16:
		return float64(n)
	case int32:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return -12345.678
}
