package albhealth

import (
	"slices"
	"testing"
)

// TestPart_Tables: the CSV tables the taxonomy announces are the part's.
func TestPart_Tables(t *testing.T) {
	var names []string
	for _, s := range Part(newState(Family{}.thresholds(), 0).figures(true), 60).Sections {
		for _, tb := range s.Tables {
			names = append(names, tb.Name)
		}
	}
	if !slices.Equal(names, taxonomy.Tables) {
		t.Fatalf("tables %q, taxonomy says %q", names, taxonomy.Tables)
	}
}
