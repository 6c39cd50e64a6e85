package rule

import "testing"

func TestClassify(t *testing.T) {
	tab := &Table{
		Guard: And(Ge(Col("s"), 500), Le(Col("s"), 599)),
		Rules: []Rule{
			When("a", In(Col("x"), "A1", "A2")),
			When("b", And(HasPrefix(Col("x"), "B"), Not(HasSuffix(Col("x"), "!")))),
			When("c", Or(ContainsText(Col("y"), "cc"), EqTerms(Col("s"), Col("t")))),
			When("d", And(IsNull(Col("t")), Lt(Col("d"), 1.5))),
			When("e", Eq(Fallback(Col("x"), Col("y"), "-"), "E")),
			When("f", NotNull(Col("t"))),
		},
		Else: "z",
	}
	f := func(want string, row map[string]any) {
		t.Helper()
		if got := tab.Classify(func(c string) any { return row[c] }); got != want {
			t.Errorf("Classify(%v) = %q, want %q", row, got, want)
		}
	}
	f("", map[string]any{"s": int64(404)})
	f("", map[string]any{})
	f("a", map[string]any{"s": int64(502), "x": "A2"})
	f("b", map[string]any{"s": int64(502), "x": "Bee"})
	f("z", map[string]any{"s": int64(502), "x": "Bee!"})
	f("c", map[string]any{"s": int64(502), "y": "xccx"})
	f("c", map[string]any{"s": int64(503), "t": int64(503)})
	f("f", map[string]any{"s": int64(503), "t": int64(502)})
	f("d", map[string]any{"s": int64(503), "d": 1.0})
	f("z", map[string]any{"s": int64(503), "d": 1.5})
	f("e", map[string]any{"s": int64(503), "x": "-", "y": "E", "d": 2.0})
	f("e", map[string]any{"s": int64(503), "y": "E"})
	f("z", map[string]any{"s": int64(503), "x": "X", "y": "E"})
}

func TestLikeRejectsWildcards(t *testing.T) {
	for _, s := range []string{"a%", "_b", `c\`, "d'"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("HasPrefix(%q) did not panic", s)
				}
			}()
			HasPrefix(Col("x"), s)
		}()
	}
}
