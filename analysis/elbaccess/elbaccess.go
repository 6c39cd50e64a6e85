// Package elbaccess holds what the consumers of Elastic Load Balancing
// access logs (ALB and Classic) share beyond the core: the walk through a
// batch's rows by load balancer, the one value of a column that a batch of
// one load balancer repeats on every row, and the path of a logged request
// URL.
package elbaccess

import (
	"bytes"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/lbtriage/lbtriage/analysis"
	"github.com/lbtriage/lbtriage/parser"
)

// Uniform returns the value of every row of a, and whether they all hold
// the same one. The rows hold the same value when the values have one
// length and the bytes repeat with that period: one comparison of the
// buffer with itself shifted by a value's length, instead of one per row.
func Uniform(a *array.String) (string, bool) {
	n := a.Len()
	if n == 0 || a.NullN() > 0 {
		return "", false
	}
	offs := a.ValueOffsets()
	width := offs[1] - offs[0]
	for i := 1; i <= n; i++ {
		if offs[i]-offs[i-1] != width {
			return "", false
		}
	}
	data := a.ValueBytes()
	if !bytes.Equal(data[width:], data[:len(data)-int(width)]) {
		return "", false
	}
	return a.Value(0), true
}

// PathOf returns the path of a request URL ("scheme://host:port/path?q"),
// without scheme, host and query string; "-" when it has none. It returns
// a view of url.
func PathOf(url string) string {
	// Skip "scheme://host:port": the path starts at the first '/' after "//".
	if i := strings.IndexByte(url, '/'); i > 0 && i+1 < len(url) && url[i-1] == ':' && url[i+1] == '/' {
		rest := url[i+2:]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return "-" // no path: an incomplete request ("http://host:80-")
		}
		url = rest[j:]
	}
	if q := strings.IndexByte(url, '?'); q >= 0 {
		url = url[:q]
	}
	if url == "" {
		return "-"
	}
	return url
}

// LoadBalancers finds the Aggregator of each row's load balancer in a
// batch of ELB access lines: the load balancer the row's elb column names,
// which is authoritative (a local file may hold several load balancers'
// lines), else the one the object's name tells. A batch is almost always
// one load balancer's: then the subject is found once, and no row's elb is
// compared. The zero value is ready; Start it for each batch.
type LoadBalancers struct {
	// A and Node are the Aggregator and node of the row Next last kept.
	A    *analysis.Aggregator
	Node *analysis.NodeCount

	col       *array.String
	src       parser.Source
	to        *analysis.Subjects
	subjectOf func(string) analysis.Subject
	same      bool
	lb        string // the load balancer of the rows going to A
	started   bool
}

// Start prepares for a batch whose elb column is col (nil when absent), read
// from src; subjectOf gives the subject of a load balancer as its lines name
// it. It returns false when the whole batch is another load balancer's, left
// out of the run.
func (l *LoadBalancers) Start(col *array.String, src parser.Source, to *analysis.Subjects, subjectOf func(string) analysis.Subject) bool {
	*l = LoadBalancers{col: col, src: src, to: to, subjectOf: subjectOf, lb: src.Resource, same: true}
	if col != nil {
		l.lb, l.same = Uniform(col)
	}
	if !l.same {
		return true
	}
	if l.A = to.Subject(subjectOf(l.lb)); l.A == nil {
		return false
	}
	l.Node = l.A.Node(src)
	return true
}

// Next moves to row i, in increasing order, and reports whether it is kept:
// then A and Node are its load balancer's; else the run leaves its load
// balancer out.
func (l *LoadBalancers) Next(i int) bool {
	if l.same {
		return true
	}
	return l.next(i)
}

func (l *LoadBalancers) next(i int) bool {
	row := l.src.Resource
	if l.col.IsValid(i) {
		row = l.col.Value(i)
	}
	if !l.started || row != l.lb {
		l.lb, l.started = row, true
		if l.A = l.to.Subject(l.subjectOf(row)); l.A != nil {
			l.Node = l.A.Node(l.src)
		}
	}
	return l.A != nil
}

// Release drops the references to the batch.
func (l *LoadBalancers) Release() { *l = LoadBalancers{} }
