package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/console"
)

// runOptions are the settings of `runjob run`; flags fill them, and nothing
// runs until the command's function is called with them.
type runOptions struct {
	File         string
	Vars         map[string]string
	VarFiles     []string
	Only         []string
	DryRun       bool
	Concurrency  int
	ArtifactsDir string
	LogFormat    string
	JUnit        string
	Stdout       io.Writer
	Stderr       io.Writer
	Exec         execOptions

	varFlags []string
}

// validateOptions are the settings of `runjob validate`.
type validateOptions struct {
	File     string
	Vars     map[string]string
	VarFiles []string
	JSON     bool
	Stdout   io.Writer
	Stderr   io.Writer

	varFlags []string
}

// commands are what the CLI calls once flags are parsed; tests replace them
// to check parsing without running anything.
type commands struct {
	run      func(context.Context, *runOptions) error
	validate func(context.Context, *validateOptions) error
	prune    func(context.Context, *pruneOptions) error
	list     func(context.Context, *listOptions) error
	graph    func(context.Context, *listOptions) error
	fmt      func(context.Context, *fmtOptions) error
}

// defaultCommands are the real implementations.
var defaultCommands = commands{
	run:      runPipeline,
	validate: validatePipeline,
	list:     listPipeline,
	graph:    graphPipeline,
	fmt:      formatFiles,
	prune:    prune,
}

func newRootCmd(stdout, stderr io.Writer, cmds commands) *cobra.Command {
	runOpts := &runOptions{Stdout: stdout, Stderr: stderr}
	root := &cobra.Command{
		Use:   "runjob FILE [flags]",
		Short: "Run a pipeline of container steps described in HCL",
		Long: "runjob runs the steps of an HCL pipeline file in containers on a Docker engine,\n" +
			"each as soon as its dependencies have succeeded.\n\n" +
			"`runjob FILE` is short for `runjob run FILE`.",
		Args:          cobra.MaximumNArgs(1),
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return fmt.Errorf("no pipeline file given")
			}
			return runCmd(cmd, args, runOpts, cmds.run)
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	addRunFlags(root, runOpts)
	root.AddCommand(newRunCmd(stdout, stderr, cmds.run), newValidateCmd(stdout, stderr, cmds.validate),
		newListCmd(stdout, stderr, cmds.list), newGraphCmd(stdout, stderr, cmds.graph), newFmtCmd(stdout, stderr, cmds.fmt))
	root.AddCommand(newPruneCmd(stdout, stderr, cmds.prune), newCacheCmd(stdout, stderr))
	return root
}

func newRunCmd(stdout, stderr io.Writer, fn func(context.Context, *runOptions) error) *cobra.Command {
	opts := &runOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "run FILE [flags]",
		Short: "Run a pipeline",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCmd(cmd, args, opts, fn)
		},
	}
	addRunFlags(cmd, opts)
	return cmd
}

func runCmd(cmd *cobra.Command, args []string, opts *runOptions, fn func(context.Context, *runOptions) error) error {
	opts.File = args[0]
	vars, err := parseVars(opts.varFlags)
	if err != nil {
		return err
	}
	opts.Vars = vars
	if !slices.Contains(console.Names(), opts.LogFormat) {
		return fmt.Errorf("--log-format %q: want one of %s", opts.LogFormat, strings.Join(console.Names(), ", "))
	}
	return fn(cmd.Context(), opts)
}

func addRunFlags(cmd *cobra.Command, opts *runOptions) {
	f := cmd.Flags()
	addVarFlags(cmd, &opts.varFlags, &opts.VarFiles)
	f.StringArrayVar(&opts.Only, "only", nil, "run only this step and the steps it needs (repeatable; a for_each step's name selects all its instances)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the plan (order, images, commands, dependencies) without running anything")
	f.IntVarP(&opts.Concurrency, "concurrency", "j", 0, "run at most N steps at once (default: the pipeline's concurrency, else the number of CPUs)")
	f.StringVar(&opts.ArtifactsDir, "artifacts", "", "export artifacts under DIR (default: .runjob/artifacts beside the pipeline file)")
	f.StringVar(&opts.JUnit, "junit", "", "also write the results as JUnit XML to FILE (one testcase per step)")
	f.StringVar(&opts.LogFormat, "log-format", "auto", "output: "+console.Help())
	addExecFlags(cmd, &opts.Exec)
}

func newValidateCmd(stdout, stderr io.Writer, fn func(context.Context, *validateOptions) error) *cobra.Command {
	opts := &validateOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "validate FILE [flags]",
		Short: "Check a pipeline file without running it (no engine needed)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.File = args[0]
			vars, err := parseVars(opts.varFlags)
			if err != nil {
				return err
			}
			opts.Vars = vars
			return fn(cmd.Context(), opts)
		},
	}
	addVarFlags(cmd, &opts.varFlags, &opts.VarFiles)
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print the result as JSON, in the shape of terraform validate -json")
	return cmd
}

// addVarFlags adds --var and --var-file, which every command that loads a
// pipeline takes.
func addVarFlags(cmd *cobra.Command, vars, files *[]string) {
	cmd.Flags().StringArrayVar(vars, "var", nil, "set a pipeline variable: --var name=value (repeatable)")
	cmd.Flags().StringArrayVar(files, "var-file", nil, "read variable values from an .hcl or .json file (repeatable; later files win)")
}

// parseVars turns repeated --var name=value flags into a map; the last
// value given for a name wins, as in Terraform.
func parseVars(flags []string) (map[string]string, error) {
	vars := map[string]string{}
	for _, f := range flags {
		name, value, ok := strings.Cut(f, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--var %q: want name=value", f)
		}
		vars[name] = value
	}
	return vars, nil
}
