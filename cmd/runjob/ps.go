package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/ps"
)

// psOptions are the flags of `runjob ps`.
type psOptions struct {
	top, json bool
}

func newPSCmd(stdout io.Writer) *cobra.Command {
	opts := &psOptions{}
	cmd := &cobra.Command{
		Use:   "ps [flags]",
		Short: "List the runjob runs on the engine, with their running steps and services",
		Long: "ps lists every run that has containers, networks or volumes on the engine (found by\n" +
			"their io.runjob.* labels): run ID, pipeline, host, PID, start, whether its runjob process\n" +
			"is alive, and each step's and service's container with its state and elapsed time. A dead\n" +
			"run's leftovers are marked as such: `runjob prune` removes them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withPS(cmd.Context(), func(ctx context.Context, eng ps.Engine) error {
				runs, err := ps.List(ctx, eng, ps.Options{Top: opts.top})
				if err != nil {
					return err
				}
				if opts.json {
					return ps.WriteJSON(stdout, runs)
				}
				return ps.WriteText(stdout, runs, time.Now())
			})
		},
	}
	cmd.Flags().BoolVar(&opts.top, "top", false, "also list the processes of each running container")
	cmd.Flags().BoolVar(&opts.json, "json", false, `print {"runs": [...]} as JSON`)
	return cmd
}

func newTopCmd(stdout io.Writer) *cobra.Command {
	opts := &ps.TopOptions{}
	cmd := &cobra.Command{
		Use:   "top RUN [STEP]",
		Short: "Show the processes running in a run's containers (of one step or service)",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.RunID = args[0]
			if len(args) == 2 {
				opts.Name = args[1]
			}
			return withPS(cmd.Context(), func(ctx context.Context, eng ps.Engine) error {
				return ps.Top(ctx, eng, stdout, *opts)
			})
		},
	}
	cmd.Flags().BoolVar(&opts.JSON, "json", false, `print {"runs": [...]} as JSON, with the processes`)
	return cmd
}

// withPS connects and runs a ps command on the engine.
func withPS(ctx context.Context, fn func(context.Context, ps.Engine) error) error {
	eng, err := connect(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	return fn(ctx, eng)
}
