package analysis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// plainReport is Report without its JSON methods.
type plainReport Report

// reportKeys are the JSON keys of Report's own fields.
var reportKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[plainReport]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			keys[name] = true
		}
	}
	return keys
}()

// MarshalJSON writes the report as the contract of docs/report-json.md has
// it: Report's fields in order, each part's object under its key just
// before "verdict".
func (r Report) MarshalJSON() ([]byte, error) {
	b, err := json.Marshal((*plainReport)(&r))
	if err != nil || len(r.Parts) == 0 {
		return b, err
	}
	v, err := json.Marshal(r.Verdict)
	if err != nil {
		return nil, err
	}
	tail := append(append([]byte(`,"verdict":`), v...), '}')
	if !bytes.HasSuffix(b, tail) {
		return nil, fmt.Errorf("BUG: the report's JSON does not end with its verdict")
	}
	out := append([]byte(nil), b[:len(b)-len(tail)]...)
	for _, p := range r.Parts {
		if p.Key == "" {
			continue
		}
		if reportKeys[p.Key] {
			return nil, fmt.Errorf("report part %q has the key of a report field", p.Key)
		}
		k, err := json.Marshal(p.Key)
		if err != nil {
			return nil, err
		}
		obj, err := json.Marshal(p.JSON)
		if err != nil {
			return nil, fmt.Errorf("report part %q: %w", p.Key, err)
		}
		out = append(append(append(append(out, ','), k...), ':'), obj...)
	}
	return append(out, tail...), nil
}

// UnmarshalJSON reads a report written by MarshalJSON. The keys that are
// no field of Report become parts holding their json.RawMessage, in key
// order; Taxonomy stays nil.
func (r *Report) UnmarshalJSON(b []byte) error {
	var p plainReport
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	*r = Report(p)
	var keys []string
	for k := range all {
		if !reportKeys[k] {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		r.Parts = append(r.Parts, Part{Key: k, JSON: all[k]})
	}
	return nil
}
