package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/inspect"
)

func newGraphCmd(stdout, stderr io.Writer, fn func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "graph FILE [flags]",
		Short: "Print a pipeline's dependency graph as DOT, Mermaid or JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(inspect.GraphFormats, opts.Format) {
				return fmt.Errorf("--format %q: want %s", opts.Format, orList(inspect.GraphFormats))
			}
			return opts.parse(cmd, args, fn)
		},
	}
	addVarFlags(cmd, &opts.varFlags, &opts.VarFiles)
	cmd.Flags().StringVar(&opts.Format, "format", inspect.GraphFormats[0], "output format: dot (Graphviz), mermaid, or json")
	return cmd
}

// graphPipeline prints the graph; an edge points from a step to the step
// that waits for it, the direction work flows.
func graphPipeline(_ context.Context, opts *listOptions) error {
	g, err := load(opts.loadOptions, opts.Stderr)
	if err != nil {
		return err
	}
	return inspect.Graph(inspect.Masked(opts.Stdout, g), g, opts.Format)
}

// orList joins choices as a sentence does: "a, b or c".
func orList(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}
