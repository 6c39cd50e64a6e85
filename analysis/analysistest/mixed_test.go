package analysistest_test

import (
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	cffam "github.com/lbtriage/lbtriage/analysis/cloudfront"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// reg reads both families, as the program does.
var reg = analysis.MustRegistry(albfam.Family{}, cffam.Family{})

// TestReports_MixedInputs: ALB and CloudFront objects scanned together
// give one report per format, each equal to the report of its objects
// alone.
func TestReports_MixedInputs(t *testing.T) {
	albObjs, albTruth, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	cfObjs, cfTruth, err := gen.CloudFrontObjects(gen.SampleCloudFrontIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := analysistest.Objects(reg, append(append([]gen.Object{}, cfObjs...), albObjs...))
	reps := analysistest.Scan(t, reg, objects, skipped, 3, analysis.Options{})
	if len(reps) != 2 || reps[0].Format != "alb" || reps[1].Format != "cloudfront" {
		t.Fatalf("%d reports", len(reps))
	}
	alb, cf := reps[0], reps[1]
	if alb.Requests != int64(albTruth.Rows) || cf.Requests != int64(cfTruth.Rows) {
		t.Fatalf("requests alb %d cf %d, want %d %d", alb.Requests, cf.Requests, albTruth.Rows, cfTruth.Rows)
	}
	if alb.Part(cffam.PartKey) != nil || cf.Part(cffam.PartKey) == nil || len(cf.Targets) != 0 {
		t.Fatalf("sections mixed: alb.cloudfront %v, cf targets %d", alb.Part(cffam.PartKey) != nil, len(cf.Targets))
	}
	if *alb.Verdict.PrimaryCause != "target.connection_error" || *cf.Verdict.PrimaryCause != cffam.CauseOriginConnectError {
		t.Fatalf("verdicts %s / %s", *alb.Verdict.PrimaryCause, *cf.Verdict.PrimaryCause)
	}
	if alb.Inputs.Formats["cloudfront"] != 0 || cf.Inputs.Formats["alb"] != 0 || cf.Inputs.Objects != int64(len(cfObjs)) {
		t.Fatalf("inputs alb %+v cf %+v", alb.Inputs.Formats, cf.Inputs.Formats)
	}
	// The dominant report is the one with the most requests.
	if d := analysis.Dominant(reps); d != alb && alb.Requests > cf.Requests || d != cf && cf.Requests > alb.Requests {
		t.Fatalf("dominant %s", d.Format)
	}
	// Each equals its format's report on its own.
	cfOnly, sk := analysistest.Objects(reg, cfObjs)
	alone := analysistest.Scan(t, reg, cfOnly, sk, 2, analysis.Options{})
	if len(alone) != 1 || alone[0].Errors.Total5xx != cf.Errors.Total5xx || alone[0].Verdict.Summary != cf.Verdict.Summary {
		t.Fatalf("cloudfront alone differs: %q vs %q", alone[0].Verdict.Summary, cf.Verdict.Summary)
	}
}
