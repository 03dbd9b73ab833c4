package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/inspect"
	"github.com/runjob/runjob/internal/session"
)

// The commands that show a pipeline without running it.

func newValidateCmd(s streams, fn func(context.Context, *validateOptions) error) *cobra.Command {
	opts := &validateOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "validate FILE [flags]",
		Short: "Check a pipeline file without running it (no engine needed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := opts.complete(args); err != nil {
				return err
			}
			return fn(cmd.Context(), opts)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON, in the shape of terraform validate -json")
	return cmd
}

func newListCmd(s streams, fn func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "list FILE [flags]",
		Short: "List a pipeline's steps in run order, with images and dependencies",
		Args:  cobra.ExactArgs(1),
		RunE:  func(cmd *cobra.Command, args []string) error { return opts.call(cmd, args, fn) },
	}
	opts.addFlags(cmd)
	return cmd
}

func newGraphCmd(s streams, fn func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{streams: s}
	cmd := &cobra.Command{
		Use:   "graph FILE [flags]",
		Short: "Print a pipeline's dependency graph as DOT, Mermaid or JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(inspect.GraphFormats, opts.Format) {
				return fmt.Errorf("--format %q: want %s", opts.Format, orList(inspect.GraphFormats))
			}
			return opts.call(cmd, args, fn)
		},
	}
	opts.addFlags(cmd)
	cmd.Flags().StringVar(&opts.Format, "format", inspect.GraphFormats[0], "output format: dot (Graphviz), mermaid, or json")
	return cmd
}

func (o *listOptions) call(cmd *cobra.Command, args []string, fn func(context.Context, *listOptions) error) error {
	if err := o.complete(args); err != nil {
		return err
	}
	return fn(cmd.Context(), o)
}

// validatePipeline loads and checks a pipeline without an engine.
func validatePipeline(_ context.Context, o *validateOptions) error {
	if o.JSON {
		// A failed write to stdout is an internal error (exit 3) here,
		// where list and graph leave it unkinded (exit 2).
		valid, err := inspect.ValidateJSON(o.Stdout, session.Diagnose(o.Source, o.Stderr, os.LookupEnv))
		switch {
		case err != nil:
			return errkind.New(errkind.Engine, err)
		case !valid:
			return errkind.New(errkind.Usage, nil)
		}
		return nil
	}
	g, err := session.Load(o.Source, o.Stderr, os.LookupEnv)
	if err != nil {
		return err
	}
	fmt.Fprintf(o.Stdout, "%s: valid, %d step(s)\n", o.File, g.Len())
	return nil
}

// listPipeline prints one row per step in a topological order.
func listPipeline(_ context.Context, o *listOptions) error {
	g, err := session.Load(o.Source, o.Stderr, os.LookupEnv)
	if err != nil {
		return err
	}
	return inspect.List(inspect.Masked(o.Stdout, g), g)
}

// graphPipeline prints the graph; an edge points from a step to the step
// that waits for it, the direction work flows.
func graphPipeline(_ context.Context, o *listOptions) error {
	g, err := session.Load(o.Source, o.Stderr, os.LookupEnv)
	if err != nil {
		return err
	}
	return inspect.Graph(inspect.Masked(o.Stdout, g), g, o.Format)
}

// orList joins choices as a sentence does: "a, b or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}
