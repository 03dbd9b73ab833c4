package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/pipeline/hclconfig"
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
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tIMAGE\tDEPENDS ON\tNOTES")
	for _, i := range g.Order() {
		s := g.Step(i)
		deps := strings.Join(depNames(g, i), ", ")
		if deps == "" {
			deps = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, s.Image, deps, strings.Join(notes(s), "; "))
	}
	_ = tw.Flush()
	_, err = io.WriteString(opts.Stdout, hclconfig.Mask(trimLines(b.String()), g.Pipeline().Sensitive))
	return err
}

// trimLines drops the padding tabwriter leaves after a last empty column.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
