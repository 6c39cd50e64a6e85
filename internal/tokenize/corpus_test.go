// The corpus test is in package tokenize_test because it finds the corpus
// with readertest, which imports this package through rowbatch.
package tokenize_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lbtriage/lbtriage/internal/readertest"
	"github.com/lbtriage/lbtriage/internal/tokenize"
)

// TestTokenize_Corpus splits every line of the shared corpus's Elastic Load
// Balancing logs (ALB, Classic, NLB, connection log) by every way: none has
// a stray or unterminated quote, whatever the format.
func TestTokenize_Corpus(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(readertest.CorpusDir(t), "*", "*.log"))
	n := 0
	for _, path := range files {
		if strings.HasPrefix(filepath.Base(path), "cloudfront-") {
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range bytes.Split(data, []byte("\n")) {
			line = bytes.TrimSuffix(line, []byte("\r"))
			tokenize.CheckTokenize(t, line)
			var tk tokenize.Tokens
			if reason := tk.Split(line); reason != "" {
				t.Errorf("%s:%d: %s", path, i+1, reason)
			}
			n++
		}
	}
	if n < 1000 {
		t.Fatalf("only %d corpus lines", n)
	}
}
