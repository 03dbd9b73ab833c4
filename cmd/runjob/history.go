package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/internal/history"
)

// newRunsCmd is `runjob runs [FILE|DIR]` and `runjob runs prune`.
func newRunsCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &history.RunsOptions{Out: stdout}
	cmd := &cobra.Command{
		Use:   "runs [FILE|DIR] [flags]",
		Short: "List the run records beside a pipeline (ID, pipeline, status, started, duration, size)",
		Long: "runs lists the run records in .runjob/runs beside the pipeline FILE, or in DIR/.runjob/runs\n" +
			"(default: the current directory), oldest first.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			opts.Path = firstArg(args)
			return history.ListRuns(*opts)
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, "print a JSON array of {id, pipeline, status, started, duration_ms, bytes, dir}")
	cmd.AddCommand(newRunsPruneCmd(stdout))
	return cmd
}

// runsPruneFlags are `runjob runs prune`'s flags before they become a policy.
type runsPruneFlags struct {
	history.PruneOptions
	keep      int
	keepSize  string
	olderThan time.Duration
}

func newRunsPruneCmd(stdout io.Writer) *cobra.Command {
	f := &runsPruneFlags{PruneOptions: history.PruneOptions{Stdout: stdout}}
	cmd := &cobra.Command{
		Use:   "prune [FILE|DIR] [flags]",
		Short: "Remove run records: all but the newest --keep N, those older than --older-than, or past --keep-size",
		Long: "prune removes run records beside the pipeline FILE, or in DIR/.runjob/runs (default: the\n" +
			"current directory). Runs in progress are never removed.",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			if !c.Flags().Changed("keep") && f.olderThan == 0 && f.keepSize == "" {
				return fmt.Errorf("runs prune: give --keep N, --older-than DURATION or --keep-size SIZE")
			}
			root, err := history.RecordRoot(firstArg(args))
			if err != nil {
				return errkind.New(errkind.Usage, err)
			}
			f.Root, f.Policy.KeepRuns, f.Policy.OlderThan = root, f.keep, f.olderThan
			if c.Flags().Changed("keep") && f.keep == 0 {
				f.Policy.All = true
			}
			if f.keepSize != "" {
				if f.Policy.KeepBytes, err = history.ParseSize(f.keepSize); err != nil {
					return err
				}
			}
			_, err = history.Prune(f.PruneOptions)
			return err
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&f.keep, "keep", 0, "keep the newest N runs (0: remove all)")
	fl.DurationVar(&f.olderThan, "older-than", 0, "remove runs started longer ago than this, e.g. 168h")
	fl.StringVar(&f.keepSize, "keep-size", "", "keep the newest runs that fit in SIZE together, e.g. 500m")
	fl.BoolVar(&f.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}

// newLogsCmd is `runjob logs [RUN] STEP`.
func newLogsCmd(stdout, stderr io.Writer) *cobra.Command {
	opts := &history.LogsOptions{Out: stdout, Err: stderr}
	cmd := &cobra.Command{
		Use:   "logs [RUN] STEP [flags]",
		Short: "Print a step's output from a run record (-f follows a run in progress)",
		Long: "logs prints what STEP printed in RUN (a run ID, a unique prefix of one, or latest; default:\n" +
			"the newest run, also one in progress): its stdout to stdout and its stderr to stderr, byte\n" +
			"for byte. Records are looked for in .runjob/runs of --dir (a pipeline file or a directory;\n" +
			"default: the current directory).",
		Args: cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Step = args[len(args)-1]
			if len(args) == 2 {
				opts.Run = args[0]
			}
			return history.Logs(c.Context(), *opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Path, "dir", "", "the pipeline file or directory whose .runjob/runs holds the record (default: .)")
	fl.BoolVar(&opts.Stdout, "stdout", false, "print only stdout")
	fl.BoolVar(&opts.Stderr, "stderr", false, "print only stderr (to stdout)")
	fl.BoolVarP(&opts.Timestamps, "timestamps", "t", false, "print the combined log: one line per output line, with its time and stream")
	fl.BoolVarP(&opts.Follow, "follow", "f", false, "keep printing while the step runs; end when its log is finished or the run ends")
	cmd.MarkFlagsMutuallyExclusive("stdout", "stderr")
	return cmd
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}
