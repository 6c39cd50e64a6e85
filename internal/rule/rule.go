// Package rule describes a family's classification rules as data: the
// ordered conditions over a row's columns that give its cause, first match
// wins. A family's Go classifier is hand-written for speed; its rule table
// is the same rules in a form that can be printed in any SQL dialect
// (package lake), so that Athena, Trino, Spark, ClickHouse and DuckDB
// classify as lbtriage does, and tests hold the two to the same answer on
// every row.
//
// Conditions follow SQL's logic: a comparison with a NULL column is not
// true, so "error_reason LIKE 'Lambda%'" fails on a row without
// error_reason, as strings.HasPrefix fails on "". Not is the one operator
// where the two would part (NOT NULL is NULL), so it treats an unknown
// operand as false first: Not(x) is true when x is not known to be true.
package rule

import "fmt"

// Table is a family's rules: Guard picks the rows that have a cause (the
// 5xx), Rules give it, and a row no rule matches gets Else.
type Table struct {
	Guard Expr
	Rules []Rule
	Else  string
	// Status is the column of the status the client got; TargetIP,
	// TargetPort and Latency (seconds) name the target that served a row
	// and its processing time, "" when the family has none.
	Status, TargetIP, TargetPort, Latency string
	// Requests, when set, picks the rows that are requests, the only ones
	// a report counts per target and per minute: the others (lines that
	// record a connection rather than a request) are in no such count.
	// Nil when every row is a request.
	Requests Expr
}

// Rule gives Cause to the rows When matches.
type Rule struct {
	Cause string
	When  Expr
}

// Term is a value of a row: a column, or a column that falls back on
// another when empty.
type Term interface{ isTerm() }

// Column is a column by name.
type Column string

func (Column) isTerm() {}

// FallbackTerm is Term, unless it is NULL or one of Empty: then Other.
type FallbackTerm struct {
	Term, Other Term
	Empty       []string
}

func (FallbackTerm) isTerm() {}

// Col returns the column name.
func Col(name string) Term { return Column(name) }

// Fallback returns t, or other when t is NULL or one of empty.
func Fallback(t, other Term, empty ...string) Term {
	return FallbackTerm{Term: t, Other: other, Empty: empty}
}

// Expr is a condition.
type Expr interface{ isExpr() }

// Op is a comparison operator.
type Op string

// Comparison operators.
const (
	OpEq Op = "="
	OpGe Op = ">="
	OpLe Op = "<="
	OpLt Op = "<"
)

// Compare is Term Op Value, Value an int, a float64 or a string.
type Compare struct {
	Term  Term
	Op    Op
	Value any
}

// CompareTerms is A = B.
type CompareTerms struct{ A, B Term }

// InList is Term IN (Values...).
type InList struct {
	Term   Term
	Values []any
}

// Like matches Term against a pattern: Prefix "x%", Suffix "%x",
// Contains "%x%". Text holds no wildcard.
type Like struct {
	Term Term
	Kind LikeKind
	Text string
}

// LikeKind says where a Like's text sits.
type LikeKind int

// Like kinds.
const (
	Prefix LikeKind = iota
	Suffix
	Contains
)

// Null is Term IS NULL, or IS NOT NULL when Not.
type Null struct {
	Term Term
	Not  bool
}

// Logic is And or Or over Exprs.
type Logic struct {
	Or    bool
	Exprs []Expr
}

// Negation is Not(Expr), an unknown Expr counting as false.
type Negation struct{ Expr Expr }

func (Compare) isExpr()      {}
func (CompareTerms) isExpr() {}
func (InList) isExpr()       {}
func (Like) isExpr()         {}
func (Null) isExpr()         {}
func (Logic) isExpr()        {}
func (Negation) isExpr()     {}

// Eq returns t = v.
func Eq(t Term, v any) Expr { return Compare{t, OpEq, v} }

// Ge returns t >= v.
func Ge(t Term, v any) Expr { return Compare{t, OpGe, v} }

// Le returns t <= v.
func Le(t Term, v any) Expr { return Compare{t, OpLe, v} }

// Lt returns t < v.
func Lt(t Term, v any) Expr { return Compare{t, OpLt, v} }

// EqTerms returns a = b.
func EqTerms(a, b Term) Expr { return CompareTerms{a, b} }

// In returns t IN (vs...).
func In(t Term, vs ...any) Expr { return InList{t, vs} }

// HasPrefix returns t LIKE 's%'.
func HasPrefix(t Term, s string) Expr { return like(t, Prefix, s) }

// HasSuffix returns t LIKE '%s'.
func HasSuffix(t Term, s string) Expr { return like(t, Suffix, s) }

// ContainsText returns t LIKE '%s%'.
func ContainsText(t Term, s string) Expr { return like(t, Contains, s) }

func like(t Term, k LikeKind, s string) Expr {
	for _, c := range s {
		if c == '%' || c == '_' || c == '\\' || c == '\'' {
			panic(fmt.Sprintf("rule: LIKE text %q holds %q", s, c))
		}
	}
	return Like{t, k, s}
}

// IsNull returns t IS NULL.
func IsNull(t Term) Expr { return Null{Term: t} }

// NotNull returns t IS NOT NULL.
func NotNull(t Term) Expr { return Null{Term: t, Not: true} }

// And returns the conjunction of es.
func And(es ...Expr) Expr { return Logic{Exprs: es} }

// Or returns the disjunction of es.
func Or(es ...Expr) Expr { return Logic{Or: true, Exprs: es} }

// Not returns the negation of e, true when e is false or unknown.
func Not(e Expr) Expr { return Negation{e} }

// When returns the rule giving cause to the rows e matches.
func When(cause string, e Expr) Rule { return Rule{Cause: cause, When: e} }
