// Package analysis turns the record batches of access logs into Reports:
// it routes every row to the subject it is about (a load balancer), adds up
// counts per target, node, subnet, path, client and time bucket, and writes
// the verdict: who is at fault, where, since when and what to check next.
//
// The package is the core: it names no log family. Each family (ALB access
// logs, CloudFront logs, ...) is a Family in a package of its own, which
// classifies its rows into the causes of its Taxonomy and adds its own part
// to the report; a Registry built by the caller lists the families a run
// reads (see docs/families.md).
//
// A Router consumes batches (it is an input.Sink); one Router per worker,
// then BuildReports. Every aggregate adds up, so the reports are the same
// whatever the number of workers (see Options.MaxKeys for the one
// exception).
package analysis
