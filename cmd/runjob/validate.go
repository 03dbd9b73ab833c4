package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/inspect"
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
	valid, err := inspect.ValidateJSON(opts.Stdout, diags)
	if err != nil {
		// A failed write to stdout is an internal error (exit 3) here,
		// where list and graph leave it unkinded (exit 2).
		return errkind.New(errkind.Engine, err)
	}
	if !valid {
		return errkind.New(errkind.Usage, nil)
	}
	return nil
}

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
