package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// validatePipeline loads and checks a pipeline without an engine.
func validatePipeline(_ context.Context, opts *validateOptions) error {
	lo := loadOptions{File: opts.File, Vars: opts.Vars, VarFiles: opts.VarFiles}
	if opts.JSON {
		return validateJSON(opts, lo)
	}
	g, err := load(lo, opts.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Stdout, "%s: valid, %d step(s)\n", opts.File, g.Len())
	return nil
}

// validateJSON prints the result in the shape of `terraform validate
// -json`, for editors and CI. The exit code is still 2 when invalid.
func validateJSON(opts *validateOptions, lo loadOptions) error {
	loader := hclconfig.New(hclconfig.WithVars(lo.Vars), hclconfig.WithVarFiles(lo.VarFiles...))
	_, diags := loader.Load(lo.File)
	annotate(opts.Stderr, diags)
	out := jsonResult{Valid: !diags.HasErrors(), Diagnostics: []jsonDiag{}}
	for _, d := range diags {
		jd := jsonDiag{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
			out.WarningCount++
		} else {
			out.ErrorCount++
		}
		if d.Subject != nil {
			jd.Range = &jsonRange{Filename: d.Subject.Filename, Start: jsonPos(d.Subject.Start), End: jsonPos(d.Subject.End)}
		}
		out.Diagnostics = append(out.Diagnostics, jd)
	}
	enc := json.NewEncoder(opts.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return errkind.New(errkind.Engine, err)
	}
	if !out.Valid {
		return errkind.New(errkind.Usage, nil)
	}
	return nil
}

type jsonResult struct {
	Valid        bool       `json:"valid"`
	ErrorCount   int        `json:"error_count"`
	WarningCount int        `json:"warning_count"`
	Diagnostics  []jsonDiag `json:"diagnostics"`
}

type jsonDiag struct {
	Severity string     `json:"severity"`
	Summary  string     `json:"summary"`
	Detail   string     `json:"detail"`
	Range    *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string      `json:"filename"`
	Start    jsonPosType `json:"start"`
	End      jsonPosType `json:"end"`
}

type jsonPosType struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

func jsonPos(p hcl.Pos) jsonPosType { return jsonPosType{Line: p.Line, Column: p.Column, Byte: p.Byte} }

func countErrors(diags hcl.Diagnostics) string {
	n := len(diags.Errs())
	return strings.TrimSpace(fmt.Sprintf("%d error%s", n, plural(n)))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
