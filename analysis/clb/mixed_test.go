package clb_test

import (
	"encoding/json"
	"testing"

	"github.com/lbtriage/lbtriage/analysis"
	albfam "github.com/lbtriage/lbtriage/analysis/alb"
	"github.com/lbtriage/lbtriage/analysis/analysistest"
	clbfam "github.com/lbtriage/lbtriage/analysis/clb"
	"github.com/lbtriage/lbtriage/internal/gen"
)

// TestReports_MixedInputs: ALB and Classic objects scanned together give
// one report per family, in registration order, each equal to the report
// of its objects alone, with its own part and keys.
func TestReports_MixedInputs(t *testing.T) {
	both := analysis.MustRegistry(albfam.Family{}, clbfam.Family{})
	albObjs, albTruth, err := gen.ALBObjects(gen.SampleIncident())
	if err != nil {
		t.Fatal(err)
	}
	clbObjs, clbTruth, err := gen.CLBObjects(gen.SampleCLBIncident())
	if err != nil {
		t.Fatal(err)
	}
	objects, skipped := analysistest.Objects(both, append(append([]gen.Object{}, clbObjs...), albObjs...))
	reps := analysistest.Scan(t, both, objects, skipped, 3, analysis.Options{})
	if len(reps) != 2 || reps[0].Format != "alb" || reps[1].Format != "clb" {
		t.Fatalf("%d reports", len(reps))
	}
	alb, clb := reps[0], reps[1]
	if alb.Requests != int64(albTruth.Rows) || clb.Requests != int64(clbTruth.Rows-clbTruth.Connections) {
		t.Fatalf("requests alb %d clb %d, want %d %d", alb.Requests, clb.Requests, albTruth.Rows, clbTruth.Rows-clbTruth.Connections)
	}
	if alb.Part(clbfam.PartKey) != nil || clb.Part(clbfam.PartKey) == nil {
		t.Fatalf("parts mixed: alb has clb %v", alb.Part(clbfam.PartKey) != nil)
	}
	if *alb.Verdict.PrimaryCause != albfam.CauseConnectionError || *clb.Verdict.PrimaryCause != clbfam.CauseTargetTimeout {
		t.Fatalf("verdicts %s / %s", *alb.Verdict.PrimaryCause, *clb.Verdict.PrimaryCause)
	}
	if alb.Inputs.Formats["clb"] != 0 || clb.Inputs.Formats["alb"] != 0 || clb.Inputs.Objects != int64(len(clbObjs)-1) {
		t.Fatalf("inputs alb %+v clb %+v", alb.Inputs, clb.Inputs)
	}
	// The same keys, the family's part aside.
	keys := func(rep *analysis.Report) map[string]bool {
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for k := range m {
			out[k] = true
		}
		return out
	}
	ka, kc := keys(alb), keys(clb)
	delete(kc, clbfam.PartKey)
	if len(ka) != len(kc) {
		t.Errorf("keys alb %v, clb %v", ka, kc)
	}
	for k := range ka {
		if !kc[k] {
			t.Errorf("the Classic report lacks %q", k)
		}
	}
	// Each equals its family's report on its own, but for the inputs set
	// aside before reading, which go to the first report.
	clbOnly, sk := analysistest.Objects(both, clbObjs)
	alone := analysistest.Scan(t, both, clbOnly, sk, 2, analysis.Options{})
	if len(alone) != 1 {
		t.Fatalf("%d reports of Classic objects alone", len(alone))
	}
	alone[0].Inputs.Skipped = clb.Inputs.Skipped
	a, _ := json.Marshal(alone[0])
	m, _ := json.Marshal(clb)
	if string(a) != string(m) {
		t.Fatalf("Classic alone differs from Classic among ALB")
	}
}
