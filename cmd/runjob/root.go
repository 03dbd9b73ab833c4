package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

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
	s := streams{Stdout: stdout, Stderr: stderr}
	runOpts := &runOptions{streams: s}
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
	addEngineFlag(root)
	root.AddCommand(newRunCmd(s, cmds.run), newWatchCmd(s, cmds.run), newValidateCmd(s, cmds.validate),
		newListCmd(s, cmds.list), newGraphCmd(s, cmds.graph), newFmtCmd(stdout, stderr, cmds.fmt))
	root.AddCommand(newPruneCmd(stdout, stderr, cmds.prune), newCacheCmd(stdout, stderr), newVersionCmd(stdout))
	root.AddCommand(newPSCmd(stdout), newTopCmd(stdout))
	root.Version = currentVersion().String()
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(newRunsCmd(stdout, stderr), newLogsCmd(stdout, stderr))
	return root
}
