package hclconfig

import (
	"errors"
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// checkedByLoader are graph checks the loader makes first, pointing at the
// attribute rather than the block; after a loader error, the graph's
// version would only repeat it.
var checkedByLoader = map[string]bool{
	"Invalid artifact path":      true,
	"Invalid artifact condition": true,
	"Invalid input path":         true,
	"Invalid input":              true,
}

// graphDiagnostics turns the model's validation errors (duplicates, unknown
// dependencies, cycles) into diagnostics pointing at the source.
func graphDiagnostics(err error, loaderErrors bool) hcl.Diagnostics {
	var errs pipeline.Errors
	if !errors.As(err, &errs) {
		return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Invalid pipeline", Detail: err.Error()}}
	}
	diags := make(hcl.Diagnostics, 0, len(errs))
	for _, e := range errs {
		if loaderErrors && checkedByLoader[e.Summary] {
			continue
		}
		d := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: e.Summary, Detail: e.Msg + "."}
		if !e.Pos.IsZero() {
			start := hcl.Pos{Line: e.Pos.Line, Column: e.Pos.Column, Byte: e.Pos.Byte}
			d.Subject = &hcl.Range{Filename: e.Pos.File, Start: start, End: start}
		}
		diags = append(diags, d)
	}
	return diags
}

// loadSuggestions bounds how many "did you mean" searches one load does:
// a hostile file could otherwise ask for one per step among a hundred
// thousand steps.
const loadSuggestions = 200

// didYouMean suggests the closest known name, or returns "".
func (d *decoder) didYouMean(name string, known []string) string {
	if best := d.hints.Closest(name, slices.Values(known)); best != "" {
		return fmt.Sprintf(" Did you mean %q?", best)
	}
	return ""
}

func convertMsg(err error) string { return err.Error() }

// Mask replaces every sensitive value in s, and its common encodings, with
// "(sensitive)". It is the mask package's masker, so plans and diagnostics
// hide exactly what output masking hides.
func Mask(s string, values []string) string {
	return mask.NewWithReplacement("(sensitive)", values...).String(s)
}

// maskDiagnostics removes sensitive values from diagnostics' text, and
// drops the expression context HCL would print values from.
func maskDiagnostics(diags hcl.Diagnostics, values []string) {
	if len(values) == 0 {
		return
	}
	for _, d := range diags {
		d.Summary = Mask(d.Summary, values)
		d.Detail = Mask(d.Detail, values)
		d.Expression, d.EvalContext = nil, nil
	}
}

// maxDiagnostics bounds what one load reports. Rendering a diagnostic
// scans its file for the snippet, so a generated file with 100,000 errors
// would otherwise take minutes to print; the first ones are what a user
// fixes first anyway.
const maxDiagnostics = 100

// truncate keeps the first maxDiagnostics diagnostics and says how many
// more there were.
func truncate(diags hcl.Diagnostics) hcl.Diagnostics {
	if len(diags) <= maxDiagnostics {
		return diags
	}
	rest := diags[maxDiagnostics:]
	out := append(hcl.Diagnostics(nil), diags[:maxDiagnostics]...)
	sev := hcl.DiagWarning
	if rest.HasErrors() {
		sev = hcl.DiagError
	}
	return append(out, &hcl.Diagnostic{
		Severity: sev,
		Summary:  "Too many problems",
		Detail:   fmt.Sprintf("%d more problems were found and are not shown; fix the ones above first.", len(rest)),
	})
}
