package analysis

import (
	"fmt"
	"strings"
)

// CauseID identifies a cause within its family's Taxonomy: CauseID i is
// Taxonomy.Causes[i-1], and 0 means no cause (the row is not a 5xx). A
// family declares its IDs as constants in the order of its list.
type CauseID uint8

// DomainID identifies a domain within its family's Taxonomy: DomainID i is
// Taxonomy.Domains[i].
type DomainID uint8

// ContextID identifies a context key within its family's Taxonomy:
// ContextID i is Taxonomy.Context[i-1], and 0 means none.
type ContextID uint8

// Sizes of the fixed per-key counter arrays: a family has fewer than
// MaxCauses causes and MaxContexts context keys, and at most MaxDomains
// domains.
const (
	MaxCauses   = 32
	MaxDomains  = 8
	MaxContexts = 16
)

// Party says which side of a request a domain is, whatever the family
// calls it: renderers colour domains by party, and thresholds such as
// lb_5xx_rate add up the domains of a party.
type Party uint8

const (
	// PartyBackend is what serves the request behind the front end: targets,
	// instances, the origin.
	PartyBackend Party = iota + 1
	// PartyFront is the load balancer or the CDN edge itself.
	PartyFront
	// PartyClient is whoever sent the request.
	PartyClient
)

// Domain is a party at fault for a 5xx, in a family's words.
type Domain struct {
	// Key is the domain's JSON key ("target", "load_balancer", "origin").
	Key string
	// Title names the domain in tables and headlines ("target",
	// "CloudFront edge").
	Title string
	// Role names it in sentences ("the targets"): "At fault: the targets 98%".
	Role string
	// Side names its side ("the targets' side"): "All 5xx are on the
	// targets' side".
	Side string
	// Plain, when set, follows Side to say plainly who failed (": the
	// origin failed, not the CloudFront edge").
	Plain string
	// Party is the side of the request the domain is.
	Party Party
}

// Cause is one cause of a family's taxonomy (docs/taxonomy.md). Codes are
// global: one code may be used by several families (Classic and
// Application Load Balancers share target.http_5xx), in the same domain,
// each with its own wording.
type Cause struct {
	// Code is the stable identifier, such as "target.connection_error".
	Code string
	// Domain is the Key of the party at fault.
	Domain string
	// Meaning says in a few words what happened, for the summary sentence
	// ("targets closed or refused the connection").
	Meaning string
	// Hint says what usually produces the cause and what to check next.
	Hint string
	// Brief is the hint in one line, for tables that list every cause.
	Brief string
	// SubnetAdvice, when set, is what to compare when the cause sits in
	// one subnet, instead of the core's general advice.
	SubnetAdvice string
}

// Noun is what a family calls something, in the singular and the plural
// ("target", "targets"; "instance", "instances").
type Noun struct {
	One, Many string
}

// Taxonomy is a family's vocabulary: its causes, domains and context keys,
// and the words its reports use.
type Taxonomy struct {
	// Name names the family in titles ("ALB": "ALB 5xx triage").
	Name string
	// Title describes its logs in full ("Application Load Balancer access
	// logs").
	Title string
	// Triage names the family's reports in their titles, for a family
	// whose reports are not about 5xx ("NLB TLS connection triage" of
	// my-nlb); Name + " 5xx triage" when empty.
	Triage string
	// Target is what the family calls the servers behind it, whose
	// addresses its rows carry (Row.TargetIP); zero when it has none.
	Target Noun
	// Domains are the family's domains, in the order reports list them.
	Domains []Domain
	// Causes are its causes, in taxonomy order: Causes[i] has CauseID i+1.
	Causes []Cause
	// Context are the keys of the non-5xx outcomes it counts beside the
	// 5xx ("460", "client.aborted"): Context[i] has ContextID i+1. Every
	// report of the family lists each, zero or not.
	Context []string
	// Tables names the tables the family's report part offers to CSV
	// (analysis.Table.Name), so that "-o csv --table NAME" can be checked
	// before any input is read.
	Tables []string
}

// check reports what is wrong with t, or nil.
func (t *Taxonomy) check() error {
	if t.Name == "" {
		return fmt.Errorf("taxonomy has no name")
	}
	if len(t.Domains) == 0 || len(t.Domains) > MaxDomains {
		return fmt.Errorf("%s taxonomy: %d domains, want 1 to %d", t.Name, len(t.Domains), MaxDomains)
	}
	if len(t.Causes) >= MaxCauses {
		return fmt.Errorf("%s taxonomy: %d causes, want fewer than %d", t.Name, len(t.Causes), MaxCauses)
	}
	if len(t.Context) >= MaxContexts {
		return fmt.Errorf("%s taxonomy: %d context keys, want fewer than %d", t.Name, len(t.Context), MaxContexts)
	}
	seen := map[string]bool{}
	for _, d := range t.Domains {
		if d.Key == "" || seen[d.Key] {
			return fmt.Errorf("%s taxonomy: domain %q is empty or listed twice", t.Name, d.Key)
		}
		if d.Party < PartyBackend || d.Party > PartyClient {
			return fmt.Errorf("%s taxonomy: domain %q has no party", t.Name, d.Key)
		}
		seen[d.Key] = true
	}
	codes := map[string]bool{}
	for _, c := range t.Causes {
		if c.Code == "" || codes[c.Code] {
			return fmt.Errorf("%s taxonomy: cause %q is empty or listed twice", t.Name, c.Code)
		}
		codes[c.Code] = true
		if !seen[c.Domain] {
			return fmt.Errorf("%s taxonomy: cause %q is in domain %q, which it does not list", t.Name, c.Code, c.Domain)
		}
		if c.Meaning == "" || c.Hint == "" || c.Brief == "" {
			return fmt.Errorf("%s taxonomy: cause %q lacks its meaning, hint or brief", t.Name, c.Code)
		}
	}
	keys := map[string]bool{}
	for _, k := range t.Context {
		if k == "" || keys[k] {
			return fmt.Errorf("%s taxonomy: context key %q is empty or listed twice", t.Name, k)
		}
		keys[k] = true
	}
	return nil
}

// Cause returns the cause with ID id; id must be between 1 and
// len(t.Causes).
func (t *Taxonomy) Cause(id CauseID) *Cause { return &t.Causes[id-1] }

// CauseID returns the ID of the cause with the given code, or 0.
func (t *Taxonomy) CauseID(code string) CauseID {
	for i := range t.Causes {
		if t.Causes[i].Code == code {
			return CauseID(i + 1)
		}
	}
	return 0
}

// CauseByCode returns the cause with the given code, or nil.
func (t *Taxonomy) CauseByCode(code string) *Cause {
	if t == nil {
		return nil
	}
	if id := t.CauseID(code); id != 0 {
		return t.Cause(id)
	}
	return nil
}

// Brief returns the one-line hint of a cause code, "" for a code the
// family does not list.
func (t *Taxonomy) Brief(code string) string {
	if c := t.CauseByCode(code); c != nil {
		return c.Brief
	}
	return ""
}

// DomainID returns the ID of the domain with the given key, and whether
// the family lists it.
func (t *Taxonomy) DomainID(key string) (DomainID, bool) {
	for i := range t.Domains {
		if t.Domains[i].Key == key {
			return DomainID(i), true
		}
	}
	return 0, false
}

// Domain returns the domain with the given key, or nil.
func (t *Taxonomy) Domain(key string) *Domain {
	if t == nil {
		return nil
	}
	if id, ok := t.DomainID(key); ok {
		return &t.Domains[id]
	}
	return nil
}

// DomainOf returns the domain key of a cause code: the family's domain for
// it, else the code's prefix ("lb" is the load balancer's), as in
// "target.timeout" → "target".
func (t *Taxonomy) DomainOf(code string) string {
	if c := t.CauseByCode(code); c != nil {
		return c.Domain
	}
	prefix, _, _ := strings.Cut(code, ".")
	if prefix == "lb" {
		return "load_balancer"
	}
	return prefix
}

// ContextID returns the ID of a context key, or 0.
func (t *Taxonomy) ContextID(key string) ContextID {
	for i, k := range t.Context {
		if k == key {
			return ContextID(i + 1)
		}
	}
	return 0
}

// TargetNoun is what the family calls its targets, "target" when it says
// nothing.
func (t *Taxonomy) TargetNoun() Noun {
	if t == nil || t.Target.One == "" {
		return Noun{One: "target", Many: "targets"}
	}
	return t.Target
}

// domainTable maps each cause ID to its domain ID.
func (t *Taxonomy) domainTable() (out [MaxCauses]DomainID) {
	for i, c := range t.Causes {
		out[i+1], _ = t.DomainID(c.Domain)
	}
	return out
}
