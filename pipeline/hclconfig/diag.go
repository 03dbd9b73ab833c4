package hclconfig

import (
	"errors"
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// graphDiagnostics turns the model's validation errors (duplicates, unknown
// dependencies, cycles) into diagnostics pointing at the source.
func graphDiagnostics(err error) hcl.Diagnostics {
	var errs pipeline.Errors
	if !errors.As(err, &errs) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid pipeline", Detail: err.Error()}}
	}
	diags := make(hcl.Diagnostics, 0, len(errs))
	for _, e := range errs {
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: e.Summary, Detail: e.Msg + "."}
		if !e.Pos.IsZero() {
			start := hcl.Pos{Line: e.Pos.Line, Column: e.Pos.Column, Byte: e.Pos.Byte}
			d.Subject = &hcl.Range{Filename: e.Pos.File, Start: start, End: start}
		}
		diags = append(diags, d)
	}
	return diags
}

// didYouMean suggests the closest known name, or returns "".
func didYouMean(name string, known []string) string {
	if best := pipeline.Closest(name, known); best != "" {
		return fmt.Sprintf(" Did you mean %q?", best)
	}
	return ""
}
