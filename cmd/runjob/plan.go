package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/inspect"
	"github.com/runjob/runjob/pipeline"
)

// plan loads the pipeline of a run and narrows it to --only; with
// --dry-run it prints the plan, and the run stops there.
func plan(opts *runOptions) (*pipeline.Graph, error) {
	g, err := load(loadOptions{File: opts.File, Vars: opts.Vars, VarFiles: opts.VarFiles}, opts.Stderr)
	if err != nil {
		return nil, err
	}
	if len(opts.Only) > 0 {
		if g, err = g.Only(opts.Only...); err != nil {
			return nil, errkind.New(errkind.Usage, fmt.Errorf("--only: %w", flatten(err)))
		}
	}
	if opts.DryRun {
		// A failed write to stdout does not fail a dry run: the plan is
		// what the run would do, and nothing ran.
		_ = inspect.Plan(inspect.Masked(opts.Stdout, g), g)
	}
	return g, nil
}

// flatten joins a pipeline.Errors into one line per error, without
// positions (--only names come from the command line).
func flatten(err error) error {
	var errs pipeline.Errors
	if !errors.As(err, &errs) {
		return err
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Msg
	}
	return errors.New(strings.Join(msgs, "; "))
}
