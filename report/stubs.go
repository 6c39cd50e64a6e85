package report

import (
	"errors"
	"io"

	"github.com/lbtriage/lbtriage/analysis"
)

func renderMarkdown(io.Writer, *analysis.Report, *Comparison, Options) error {
	return errors.New("markdown: not yet")
}
func renderHTML(io.Writer, *analysis.Report, *Comparison, Options) error {
	return errors.New("html: not yet")
}
func renderCSV(io.Writer, *analysis.Report, *Comparison, string) error {
	return errors.New("csv: not yet")
}
