package analysis

import (
	"fmt"
	"slices"

	"github.com/lbtriage/lbtriage/parser"
)

// Registry is the list of families a run reads, checked once. It is a
// value the caller builds (cmd/lbtriage holds the only list of the
// program; tests build their own) and passes down: no package keeps one.
type Registry struct {
	families []Family
	byFormat map[parser.Format]Family
}

// NewRegistry checks the families and returns their registry, in the order
// given: the order decoders sniff in and reports of several families come
// in. It fails when two families have the same format, when a taxonomy is
// malformed, or when a cause code used by several families is in different
// domains.
func NewRegistry(families ...Family) (*Registry, error) {
	if len(families) == 0 {
		return nil, fmt.Errorf("register families: none given")
	}
	r := &Registry{byFormat: map[parser.Format]Family{}}
	domainOf := map[string]string{} // cause code → domain, across families
	for _, f := range families {
		format := f.Decoder().Format()
		if format == parser.FormatUnknown {
			return nil, fmt.Errorf("register a family: its decoder has no format")
		}
		if _, dup := r.byFormat[format]; dup {
			return nil, fmt.Errorf("register family %q: registered twice", format)
		}
		t := f.Taxonomy()
		if t == nil {
			return nil, fmt.Errorf("register family %q: no taxonomy", format)
		}
		if err := t.check(); err != nil {
			return nil, fmt.Errorf("register family %q: %w", format, err)
		}
		for _, c := range t.Causes {
			if d, ok := domainOf[c.Code]; ok && d != c.Domain {
				return nil, fmt.Errorf("register family %q: cause %s is in domain %s, but in %s for another family", format, c.Code, c.Domain, d)
			}
			domainOf[c.Code] = c.Domain
		}
		r.families = append(r.families, f)
		r.byFormat[format] = f
	}
	return r, nil
}

// MustRegistry is NewRegistry for a list fixed at compile time: it panics
// on an error, which is a bug in a family.
func MustRegistry(families ...Family) *Registry {
	r, err := NewRegistry(families...)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return r
}

// Families returns the families in registration order.
func (r *Registry) Families() []Family { return append([]Family(nil), r.families...) }

// Family returns the family of format f, or nil.
func (r *Registry) Family(f parser.Format) Family { return r.byFormat[f] }

// Formats returns the families' formats in registration order.
func (r *Registry) Formats() []parser.Format {
	out := make([]parser.Format, len(r.families))
	for i, f := range r.families {
		out[i] = f.Decoder().Format()
	}
	return out
}

// Decoders returns the families' decoders in registration order, the order
// they sniff an object in.
func (r *Registry) Decoders() []parser.Decoder {
	out := make([]parser.Decoder, len(r.families))
	for i, f := range r.families {
		out[i] = f.Decoder()
	}
	return out
}

// Columns returns, per format, the columns its family reads (for
// input.ScanOptions.Columns).
func (r *Registry) Columns() map[parser.Format][]string {
	out := map[parser.Format][]string{}
	for _, f := range r.families {
		if cols := f.Columns(); cols != nil {
			out[f.Decoder().Format()] = cols
		}
	}
	return out
}

// CauseInfo is one cause of one family, for listings.
type CauseInfo struct {
	Cause
	// Format is the family that uses the code in these words.
	Format parser.Format
}

// Causes returns every cause of every family, family by family in
// registration order and each in its taxonomy's order. A code several
// families share appears once per family.
func (r *Registry) Causes() []CauseInfo {
	var out []CauseInfo
	for _, f := range r.families {
		for _, c := range f.Taxonomy().Causes {
			out = append(out, CauseInfo{Cause: c, Format: f.Decoder().Format()})
		}
	}
	return out
}

// Codes returns every cause code once, in the order of Causes.
func (r *Registry) Codes() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range r.Causes() {
		if !seen[c.Code] {
			seen[c.Code] = true
			out = append(out, c.Code)
		}
	}
	return out
}

// Tables returns the CSV tables the families' report parts offer, each
// once, in registration order.
func (r *Registry) Tables() []string {
	var out []string
	for _, f := range r.families {
		for _, t := range f.Taxonomy().Tables {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// rank is the position of format f in the registry, len(families) for a
// format it does not hold.
func (r *Registry) rank(f parser.Format) int {
	for i, fam := range r.families {
		if fam.Decoder().Format() == f {
			return i
		}
	}
	return len(r.families)
}
