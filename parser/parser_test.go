package parser

import "testing"

func TestOptions_WithDefaults_BatchSize(t *testing.T) {
	f := func(in, want int) {
		t.Helper()
		if got := (Options{BatchSize: in}).WithDefaults().BatchSize; got != want {
			t.Errorf("BatchSize %d: WithDefaults gives %d, want %d", in, got, want)
		}
	}
	f(0, DefaultBatchSize)
	f(-3, DefaultBatchSize)
	f(1, 1)
	f(MaxBatchSize, MaxBatchSize)
	f(MaxBatchSize+1, MaxBatchSize)
	f(1_000_000_000, MaxBatchSize)
}
