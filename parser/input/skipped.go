package input

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/lbtriage/lbtriage/internal/numfmt"
)

// SkipKind returns the kind of input a skip reason names: the reason up to
// its first ": ", as every reason Scan, Classify and Expand give starts with
// the kind ("ALB connection log: not read by this build" is an "ALB
// connection log"), or the whole reason when it has none (SkipTestFile).
func SkipKind(reason string) string {
	kind, _, _ := strings.Cut(reason, ": ")
	return kind
}

// SetAside says how many inputs were set aside and of which kinds, most
// first: "3 inputs set aside: 2 ALB connection logs, 1 ELB access-log test
// file". skipped are the inputs set aside before reading (Expand, the S3
// lister), results those Scan set aside or read; "" when none was set aside.
func SetAside(skipped []Skipped, results []ObjectResult) string {
	counts := map[string]int{}
	var kinds []string
	add := func(reason string) {
		k := SkipKind(reason)
		if counts[k] == 0 {
			kinds = append(kinds, k)
		}
		counts[k]++
	}
	for _, s := range skipped {
		add(s.Reason)
	}
	for _, r := range results {
		if r.SkipReason != "" {
			add(r.SkipReason)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	slices.SortFunc(kinds, func(a, b string) int {
		return cmp.Or(counts[b]-counts[a], strings.Compare(a, b))
	})
	parts := make([]string, len(kinds))
	total := 0
	for i, k := range kinds {
		parts[i] = numfmt.Count(int64(counts[k]), k, k+"s")
		total += counts[k]
	}
	return fmt.Sprintf("%s set aside: %s", numfmt.Count(int64(total), "input", "inputs"), strings.Join(parts, ", "))
}
