package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadme_DemoExcerpts: every excerpt of a demo's report in the README
// is what that demo prints. An excerpt is a fenced block after a line
// naming the demo ("`make demo`", "`lbtriage demo clb`"); each of its lines
// is the demo's next line, "..." alone ends it, and a line ending in
// " ..." is the start of a demo line after which lines may be left out.
func TestReadme_DemoExcerpts(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]string{}
	demo := func(name string) []string {
		if out, ok := outputs[name]; ok {
			return out
		}
		code, out, errOut := run(t, "demo", name, "--color", "never")
		if code != exitOK {
			t.Fatalf("demo %s: exit %d: %s", name, code, errOut)
		}
		outputs[name] = strings.Split(out, "\n")
		return outputs[name]
	}
	lines := strings.Split(string(b), "\n")
	names := sampleNames()
	checked := map[string]int{}
	sample := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if l != "```" {
			if strings.Contains(l, "`make demo`") {
				sample = names[0]
			}
			for _, n := range names {
				if strings.Contains(l, "`lbtriage demo "+n+"`") {
					sample = n
				}
			}
			continue
		}
		// A fenced block: read it whole.
		j := i + 1
		for j < len(lines) && lines[j] != "```" {
			j++
		}
		block := lines[i+1 : j]
		i = j
		if sample == "" || len(block) == 0 || strings.HasPrefix(block[0], "lbtriage ") || strings.HasPrefix(block[0], "make ") {
			continue
		}
		out := demo(sample)
		if err := excerptOf(block, out); err != "" {
			t.Errorf("the README's excerpt of demo %s is not what it prints: %s", sample, err)
		}
		checked[sample]++
		sample = ""
	}
	for _, n := range []string{"alb", "clb", "alb_health"} {
		if checked[n] == 0 {
			t.Errorf("no README excerpt of demo %s was checked", n)
		}
	}
}

// excerptOf returns why block is not an excerpt of out, "" when it is.
func excerptOf(block, out []string) string {
	k, skip := 0, false
	for _, want := range block {
		if want == "..." {
			return ""
		}
		prefix, elided := strings.CutSuffix(want, " ...")
		match := func(got string) bool {
			if elided {
				return strings.HasPrefix(got, prefix)
			}
			return got == want
		}
		if k == 0 || skip {
			for k < len(out) && !match(out[k]) {
				k++
			}
		}
		if k >= len(out) || !match(out[k]) {
			got := "(the end)"
			if k < len(out) {
				got = out[k]
			}
			return "the README has\n\t" + want + "\nwhere the demo prints\n\t" + got
		}
		k++
		skip = elided
	}
	return ""
}
