package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	connfam "github.com/lbtriage/lbtriage/analysis/albconn"
	healthfam "github.com/lbtriage/lbtriage/analysis/albhealth"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	nlbfam "github.com/lbtriage/lbtriage/analysis/nlb"
	"github.com/lbtriage/lbtriage/parser"
	"github.com/lbtriage/lbtriage/report"
)

// families is the only list of the log families lbtriage reads, in the
// order their decoders sniff an object and their reports come: a new
// family is its own packages plus one line here. The flags' help, the
// --format values, the demo's samples and the messages that name formats
// all derive from it.
var families = analysis.MustRegistry(
	albfam.Family{},
	healthfam.Family{},
	cffam.Family{},
	clbfam.Family{},
	nlbfam.Family{},
	connfam.Family{}, // a companion of the ALB access logs, after them
)

// decoders lists the formats lbtriage reads, in sniffing order.
func decoders() []parser.Decoder { return families.Decoders() }

// formatNames lists the families' formats: "alb, cloudfront".
func formatNames() string { return strings.Join(formats(), ", ") }

// formats lists the families' formats by name.
func formats() []string {
	var s []string
	for _, f := range families.Formats() {
		s = append(s, string(f))
	}
	return s
}

// oneOf joins words as "a", "a or b", "a, b or c".
func oneOf(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// familyTitles names the families for the help: "ALB and CloudFront".
func familyTitles() string {
	var names []string
	for _, f := range families.Families() {
		names = append(names, f.Taxonomy().Name)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// parseFormatFlag checks a --format value: a family's format, or "" to
// detect it.
func parseFormatFlag(s string) (parser.Format, error) {
	f := parser.Format(strings.ToLower(s))
	if f == parser.FormatUnknown || slices.Contains(families.Formats(), f) {
		return f, nil
	}
	var names []string
	for _, f := range families.Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("--format takes %s, not %q", oneOf(names), s)
}

// formatFlagHelp is the help of --format.
func formatFlagHelp() string {
	return "force the input format (" + formatNames() + ") instead of detecting it"
}

// csvTables lists the tables -o csv writes: the report's own, then those
// the families' parts offer.
func csvTables() []string {
	return append(report.Tables(), families.Tables()...)
}
