package report

import (
	"errors"
	"io"

	"github.com/lbtriage/lbtriage/analysis"
)

func renderHTML(io.Writer, *analysis.Report, *Comparison, Options) error {
	return errors.New("html: not yet")
}
