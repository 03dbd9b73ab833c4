package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/inspect"
)

// listOptions are the settings of `runjob list` and `runjob graph`.
type listOptions struct {
	loadOptions
	Format string // graph only: dot, mermaid or json
	Stdout io.Writer
	Stderr io.Writer

	varFlags []string
}

func newListCmd(stdout, stderr io.Writer, fn func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "list FILE [flags]",
		Short: "List a pipeline's steps in run order, with images and dependencies",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return opts.parse(cmd, args, fn)
		},
	}
	addVarFlags(cmd, &opts.varFlags, &opts.VarFiles)
	return cmd
}

// parse completes the options from the arguments and calls fn.
func (o *listOptions) parse(cmd *cobra.Command, args []string, fn func(context.Context, *listOptions) error) error {
	o.File = args[0]
	vars, err := parseVars(o.varFlags)
	if err != nil {
		return err
	}
	o.Vars = vars
	return fn(cmd.Context(), o)
}

// listPipeline prints one row per step in a topological order.
func listPipeline(_ context.Context, opts *listOptions) error {
	g, err := load(opts.loadOptions, opts.Stderr)
	if err != nil {
		return err
	}
	return inspect.List(inspect.Masked(opts.Stdout, g), g)
}
