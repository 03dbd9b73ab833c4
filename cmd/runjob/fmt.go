package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
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
		changed, err := formatFile(file, opts.Check)
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
		return errkind.New(errkind.Usage, fmt.Errorf("fmt: %d file%s could not be formatted", broken, plural(broken)))
	case opts.Check && unformatted > 0:
		return errkind.New(errkind.Failed, nil)
	}
	return nil
}

// formatFile reports whether file is not in canonical form, and rewrites it
// unless check is set.
func formatFile(file string, check bool) (bool, error) {
	if strings.EqualFold(filepath.Ext(file), ".json") {
		return false, fmt.Errorf("%s: fmt formats HCL native syntax; this is a JSON file", file)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		return false, err
	}
	if _, diags := hclwrite.ParseConfig(src, file, hcl.InitialPos); diags.HasErrors() {
		return false, fmt.Errorf("%s: %s", file, diagsLine(diags))
	}
	out := hclwrite.Format(src)
	if bytes.Equal(out, src) {
		return false, nil
	}
	if !check {
		fi, err := os.Stat(file)
		if err != nil {
			return false, err
		}
		if err := os.WriteFile(file, out, fi.Mode().Perm()); err != nil {
			return false, err
		}
	}
	return true, nil
}

// diagsLine renders syntax errors compactly, each at line:col.
func diagsLine(diags hcl.Diagnostics) string {
	var msgs []string
	for _, d := range diags.Errs() {
		msgs = append(msgs, d.Error())
	}
	return strings.Join(msgs, "; ")
}
