package analysis

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCoreNamesNoFamily holds the core to its rule: no Go file directly in
// analysis/ or report/ imports a family's package (parser/<family>,
// analysis/<family>) or holds a format's name as a string; the formats are
// named after their decoders' packages, parser/<format>.
func TestCoreNamesNoFamily(t *testing.T) {
	const mod = "github.com/lbtriage/lbtriage/"
	allowed := map[string]bool{mod + "parser": true, mod + "parser/input": true, mod + "analysis": true}
	formats := map[string]bool{}
	dirs, err := os.ReadDir("../parser")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		if d.IsDir() && d.Name() != "input" && d.Name() != "awskey" {
			formats[strconv.Quote(d.Name())] = true
		}
	}
	if !formats[`"alb"`] {
		t.Fatalf("no decoder packages found under ../parser: %v", formats)
	}
	for _, dir := range []string{".", "../report"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if (strings.HasPrefix(path, mod+"parser/") || strings.HasPrefix(path, mod+"analysis/")) && !allowed[path] {
					t.Errorf("%s imports %s", name, path)
				}
			}
			ast.Inspect(f, func(n ast.Node) bool {
				if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && formats[lit.Value] {
					t.Errorf("%s: the format name %s", fset.Position(lit.Pos()), lit.Value)
				}
				return true
			})
		}
	}
}
