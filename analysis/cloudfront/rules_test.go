package cloudfront

import (
	"bytes"
	"testing"
	"time"

	"github.com/lbtriage/lbtriage/analysis/analysistest"
	"github.com/lbtriage/lbtriage/internal/gen"
	"github.com/lbtriage/lbtriage/parser"
	cfparser "github.com/lbtriage/lbtriage/parser/cloudfront"
)

// TestRules holds the rule table, from which lbtriage sql prints the SQL
// CASE, to classifyBatch on every row of generated traffic with every
// cause, and on rows that lack the detailed result type.
func TestRules(t *testing.T) {
	start := time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)
	var text bytes.Buffer
	if _, err := gen.WriteCloudFront(&text, &gen.CFScenario{Seed: 12, Start: start, End: start.Add(time.Hour), Rows: 30000,
		Incidents: gen.EveryCFCause(start, start.Add(time.Hour), 0.05)}); err != nil {
		t.Fatal(err)
	}
	// Older logs without x-edge-detailed-result-type: the rules fall back
	// on the result type.
	text.WriteString("#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type\n")
	for _, rt := range []string{"Error", "LimitExceeded", "LambdaExecutionError", "OriginConnectError", "ClientCommError", "-"} {
		text.WriteString("2026-11-20\t13:30:00\tFRA2\t100\t192.0.2.1\tGET\td1.cloudfront.net\t/\t502\t-\t-\t-\t-\t" + rt + "\n")
	}
	r, err := cfparser.NewReader(&text, parser.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Release()
	analysistest.CheckRules(t, Family{}, r, nil)
	if r.Stats().Rejected > 0 {
		t.Fatalf("%d lines rejected", r.Stats().Rejected)
	}
}
