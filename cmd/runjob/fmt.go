package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// fmtOptions are the settings of `runjob fmt`.
type fmtOptions struct {
	Files  []string
	Check  bool
	Stdout io.Writer
	Stderr io.Writer
}

func newFmtCmd(stdout, stderr io.Writer, fn func(context.Context, *fmtOptions) error) *cobra.Command {
	opts := &fmtOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "fmt FILE... [flags]",
		Short: "Rewrite pipeline files in canonical HCL style",
		Long: "fmt rewrites each file in place in the canonical HCL style and prints the names of\n" +
			"the files it changed. With --check it changes nothing, prints the names of the files\n" +
			"that are not formatted, and exits 1 if there is any.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Files = args
			return fn(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Check, "check", false, "change nothing; exit 1 if a file is not formatted")
	return cmd
}

// formatFiles formats every file, reporting all problems before exiting.
// A file with a syntax error is left alone: formatting it could make
// things worse.
func formatFiles(_ context.Context, opts *fmtOptions) error {
	var unformatted, broken int
	for _, file := range opts.Files {
		changed, err := hclconfig.FormatFile(file, opts.Check)
		switch {
		case err != nil:
			broken++
			fmt.Fprintf(opts.Stderr, "%v\n", err)
		case changed:
			unformatted++
			fmt.Fprintln(opts.Stdout, file)
		}
	}
	switch {
	case broken > 0:
		return errkind.New(errkind.Usage, fmt.Errorf("fmt: %d file%s could not be formatted", broken, map[bool]string{true: "s"}[broken != 1]))
	case opts.Check && unformatted > 0:
		return errkind.New(errkind.Failed, nil)
	}
	return nil
}
