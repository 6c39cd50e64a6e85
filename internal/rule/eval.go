package rule

import (
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// Row gives the values of one row by column: nil for NULL, else an int64,
// a float64 or a string.
type Row func(col string) any

// Classify returns the cause t gives the row, "" when Guard does not pick
// it: the rules evaluated as SQL would, for tests that hold a family's
// classifier to its rules without an engine.
func (t *Table) Classify(r Row) string {
	if eval(t.Guard, r) != yes {
		return ""
	}
	for _, rl := range t.Rules {
		if eval(rl.When, r) == yes {
			return rl.Cause
		}
	}
	return t.Else
}

// truth is SQL's three-valued logic.
type truth int

const (
	unknown truth = iota
	no
	yes
)

func of(b bool) truth {
	if b {
		return yes
	}
	return no
}

func value(t Term, r Row) any {
	switch t := t.(type) {
	case Column:
		return r(string(t))
	case FallbackTerm:
		v := value(t.Term, r)
		if s, ok := v.(string); v == nil || ok && slices.Contains(t.Empty, s) {
			return value(t.Other, r)
		}
		return v
	}
	panic("rule: unknown term")
}

// compare returns -1, 0 or 1, and false when a or b is NULL or they are
// of kinds that do not compare.
func compare(a, b any) (int, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	if sa, ok := a.(string); ok {
		sb, ok := b.(string)
		if !ok {
			return 0, false
		}
		switch {
		case sa < sb:
			return -1, true
		case sa > sb:
			return 1, true
		}
		return 0, true
	}
	fa, oka := number(a)
	fb, okb := number(b)
	if !oka || !okb {
		return 0, false
	}
	switch {
	case fa < fb:
		return -1, true
	case fa > fb:
		return 1, true
	}
	return 0, true
}

func number(v any) (float64, bool) {
	switch v := v.(type) {
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case float64:
		return v, true
	}
	return 0, false
}

func eval(e Expr, r Row) truth {
	switch e := e.(type) {
	case Compare:
		c, ok := compare(value(e.Term, r), e.Value)
		if !ok {
			return unknown
		}
		switch e.Op {
		case OpEq:
			return of(c == 0)
		case OpGe:
			return of(c >= 0)
		case OpLe:
			return of(c <= 0)
		case OpLt:
			return of(c < 0)
		}
	case CompareTerms:
		c, ok := compare(value(e.A, r), value(e.B, r))
		if !ok {
			return unknown
		}
		return of(c == 0)
	case InList:
		v := value(e.Term, r)
		if v == nil {
			return unknown
		}
		for _, x := range e.Values {
			if c, ok := compare(v, x); ok && c == 0 {
				return yes
			}
		}
		return no
	case Like:
		s, ok := value(e.Term, r).(string)
		if !ok {
			return unknown
		}
		switch e.Kind {
		case Prefix:
			return of(len(s) >= len(e.Text) && s[:len(e.Text)] == e.Text)
		case Suffix:
			return of(len(s) >= len(e.Text) && s[len(s)-len(e.Text):] == e.Text)
		case Contains:
			for i := 0; i+len(e.Text) <= len(s); i++ {
				if s[i:i+len(e.Text)] == e.Text {
					return yes
				}
			}
			return no
		}
	case Null:
		return of((value(e.Term, r) == nil) != e.Not)
	case Logic:
		out := of(!e.Or)
		for _, x := range e.Exprs {
			v := eval(x, r)
			switch {
			case e.Or && v == yes, !e.Or && v == no:
				return v
			case v == unknown:
				out = unknown
			}
		}
		return out
	case Negation:
		return of(eval(e.Expr, r) != yes)
	}
	panic("rule: unknown expression")
}

// RecordRow returns the Row of row i of rec, with the values of extra for
// the columns rec lacks (derived ones): integers as int64, doubles as
// float64, strings as string, NULL as nil; other types are nil.
func RecordRow(rec arrow.RecordBatch, i int, extra map[string]any) Row {
	return func(col string) any {
		idx := rec.Schema().FieldIndices(col)
		if len(idx) == 0 {
			return extra[col]
		}
		a := rec.Column(idx[0])
		if a.IsNull(i) {
			return nil
		}
		switch a := a.(type) {
		case *array.String:
			return a.Value(i)
		case *array.Uint16:
			return int64(a.Value(i))
		case *array.Int32:
			return int64(a.Value(i))
		case *array.Int64:
			return a.Value(i)
		case *array.Float64:
			return a.Value(i)
		}
		return nil
	}
}
