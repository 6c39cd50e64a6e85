// Package analysis turns the record batches of access logs into a Report:
// it gives every 5xx a cause from the taxonomy (docs/taxonomy.md), adds up
// counts per target, node, subnet, path, client and time bucket, and writes
// the verdict: who is at fault, where, since when and what to check next.
//
// An Aggregator consumes batches (it is an input.Sink); one Aggregator per
// worker, then Merge, then BuildReport. Every aggregate adds up, so the report
// is the same whatever the number of workers (see Options.MaxKeys for the one
// exception).
package analysis

import (
	"fmt"
	"sort"

	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/parser/cloudfront"
)

// Domains: the party at fault for a 5xx.
const (
	DomainLoadBalancer = "load_balancer"
	DomainTarget       = "target"
	DomainClient       = "client"
	// CloudFront domains.
	DomainOrigin = "origin"
	DomainEdge   = "edge"
)

// CauseInfo describes one cause of the taxonomy.
type CauseInfo struct {
	// Code is the stable identifier, such as "target.connection_error".
	Code string
	// Domain is the party at fault.
	Domain string
	// Format is the log format whose rules produce the cause.
	Format parser.Format
	// Meaning says in a few words what happened, for the summary sentence
	// ("targets closed or refused the connection").
	Meaning string
	// Hint says what usually produces the cause and what to check next.
	Hint string
	// Brief is the hint in one line, for tables that list every cause.
	Brief string
}

// causeID indexes causeTable; 0 means "no cause" (not a 5xx).
type causeID uint8

// domainID indexes domainTable.
type domainID uint8

// maxCauses and maxDomains size the fixed per-key counter arrays.
const (
	maxCauses  = 32
	maxDomains = 8
)

// The registries are filled by package-level variable initialisers
// (registerCause), one list per format, so that a format's classifier lives
// in its own file and the aggregates key everything by the same small IDs.
var (
	causeTable  = []CauseInfo{{}} // index 0: no cause
	causeByCode = map[string]causeID{}
	domainTable []string
	domainByKey = map[string]domainID{}
	causeDomain [maxCauses]domainID
)

// registerCauses adds a format's causes to the registry, in taxonomy order,
// and returns their IDs in the same order.
func registerCauses(list ...CauseInfo) []causeID {
	ids := make([]causeID, len(list))
	for i, c := range list {
		if _, dup := causeByCode[c.Code]; dup {
			panic(fmt.Sprintf("BUG: cause %q registered twice", c.Code))
		}
		if len(causeTable) >= maxCauses {
			panic("BUG: too many causes; raise maxCauses")
		}
		id := causeID(len(causeTable))
		c.Brief = briefs[c.Code]
		causeTable = append(causeTable, c)
		causeByCode[c.Code] = id
		causeDomain[id] = registerDomain(c.Domain)
		ids[i] = id
	}
	return ids
}

func registerDomain(d string) domainID {
	if id, ok := domainByKey[d]; ok {
		return id
	}
	if len(domainTable) >= maxDomains {
		panic("BUG: too many domains; raise maxDomains")
	}
	id := domainID(len(domainTable))
	domainTable = append(domainTable, d)
	domainByKey[d] = id
	return id
}

// Causes returns every cause: the ALB ones, then the CloudFront ones, each
// format's in taxonomy order.
func Causes() []CauseInfo {
	out := make([]CauseInfo, len(causeTable)-1)
	copy(out, causeTable[1:])
	sort.SliceStable(out, func(i, j int) bool { return formatRank(out[i].Format) < formatRank(out[j].Format) })
	return out
}

// Hint returns the hint for a cause code, or "" for an unknown code.
func Hint(cause string) string {
	if id, ok := causeByCode[cause]; ok {
		return causeTable[id].Hint
	}
	return ""
}

// Domain returns the domain of a cause code, or "" for an unknown code.
func Domain(cause string) string {
	if id, ok := causeByCode[cause]; ok {
		return domainTable[causeDomain[id]]
	}
	return ""
}

// causeIDOf returns the ID of a cause code, or 0 (no cause) for an unknown
// code; a consumer whose classifier returns codes (CloudFrontCause) maps
// them here before filling obs.cause.
func causeIDOf(code string) causeID { return causeByCode[code] }

// contextIDOf returns the ID of a context key, or 0 for an unknown key.
func contextIDOf(key string) contextID {
	for i, k := range contextTable {
		if i > 0 && k == key {
			return contextID(i)
		}
	}
	return 0
}

// causesOf returns the IDs of a format's causes in taxonomy order.
func causesOf(f parser.Format) []causeID {
	var ids []causeID
	for i := 1; i < len(causeTable); i++ {
		if causeTable[i].Format == f {
			ids = append(ids, causeID(i))
		}
	}
	return ids
}

// domainsOf returns the domains of a format's causes, sorted.
func domainsOf(f parser.Format) []domainID {
	seen := map[domainID]bool{}
	var ids []domainID
	for _, c := range causesOf(f) {
		d := causeDomain[c]
		if !seen[d] {
			seen[d] = true
			ids = append(ids, d)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return domainTable[ids[i]] < domainTable[ids[j]] })
	return ids
}

// Context keys: non-5xx outcomes counted beside the 5xx (Report.Context).
const (
	Context460    = "460"
	Context400    = "400"
	Context408    = "408"
	Context463    = "463"
	Context464    = "464"
	Context403WAF = "403_waf"
	// ContextClientAborted is CloudFront's status 000.
	ContextClientAborted = "client.aborted"
)

// contextID indexes contextTable; 0 means none.
type contextID uint8

const maxContexts = 16

var contextTable = []string{""}

// registerContext adds a context key and returns its ID.
func registerContext(key string) contextID {
	for i, k := range contextTable {
		if k == key {
			return contextID(i)
		}
	}
	if len(contextTable) >= maxContexts {
		panic("BUG: too many context keys; raise maxContexts")
	}
	contextTable = append(contextTable, key)
	return contextID(len(contextTable) - 1)
}

// The CloudFront causes (cloudfront_classify.go) in taxonomy order, so that
// the aggregates, Causes and Hint cover them like the ALB ones. A CloudFront
// consumer maps CloudFrontCause's code to its ID with causeIDOf.
var cfCauseIDs = registerCauses(
	cfCause(CFCauseEdgeCapacity, CFDomainEdge, "the CloudFront edge refused the request for capacity or a quota"),
	cfCause(CFCauseEdgeFunctionError, CFDomainEdge, "a Lambda@Edge function or CloudFront Function failed"),
	cfCause(CFCauseEdgeGenerated, CFDomainEdge, "edge code generated the 5xx itself"),
	cfCause(CFCauseOriginConnectError, CFDomainOrigin, "CloudFront could not connect to the origin (TLS handshake, certificate, port)"),
	cfCause(CFCauseOriginDNSError, CFDomainOrigin, "the origin's domain name did not resolve"),
	cfCause(CFCauseOriginTimeout, CFDomainOrigin, "the origin did not answer in time"),
	cfCause(CFCauseOriginInvalidResponse, CFDomainOrigin, "the origin's response was malformed"),
	cfCause(CFCauseOriginOther, CFDomainOrigin, "reading from or writing to the origin failed"),
	cfCause(CFCauseClientRequestError, CFDomainClient, "the viewer's request or connection was at fault"),
	cfCause(CFCauseOriginHTTP5xx, CFDomainOrigin, "the origin answered with a 5xx"),
)

var ctxClientAborted = registerContext(ContextClientAborted)

func cfCause(code, domain, meaning string) CauseInfo {
	return CauseInfo{Code: code, Domain: domain, Format: cloudfront.Format, Meaning: meaning, Hint: CloudFrontHint(code)}
}
