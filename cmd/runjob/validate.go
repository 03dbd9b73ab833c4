package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// validatePipeline loads and checks a pipeline without an engine.
func validatePipeline(_ context.Context, opts *validateOptions) error {
	g, err := load(opts.File, opts.Vars, opts.Stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.Stdout, "%s: valid, %d step(s)\n", opts.File, g.Len())
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
