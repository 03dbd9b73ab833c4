package main

import (
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
)

// pruneOptions are the settings of `runjob prune`.
type pruneOptions struct {
	All    bool
	RunIDs []string
	DryRun bool
	Stdout io.Writer
	Stderr io.Writer
}

func newPruneCmd(stdout, stderr io.Writer, fn func(context.Context, *pruneOptions) error) *cobra.Command {
	opts := &pruneOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "prune [flags]",
		Short: "Remove what runjob runs that are no longer alive left on the engine",
		Long: "prune removes the containers, networks and volumes labelled io.runjob.run-id whose run\n" +
			"is no longer alive: its runjob process (io.runjob.pid on io.runjob.host) has exited on\n" +
			"this host. Runs still in progress, and runs from other hosts, are left alone unless\n" +
			"--all is given.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return fn(cmd.Context(), opts) },
	}
	f := cmd.Flags()
	f.BoolVar(&opts.All, "all", false, "remove every runjob resource, also of runs that look alive or belong to another host")
	f.StringArrayVar(&opts.RunIDs, "run", nil, "only resources of this run ID (repeatable)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "list what would be removed, remove nothing")
	return cmd
}

// prune removes the resources of dead runs (or all, with --all).
func prune(ctx context.Context, o *pruneOptions) error {
	eng, err := connect(ctx)
	if err != nil {
		return err
	}
	defer eng.Close()
	rs, err := eng.Resources(ctx, map[string]string{executor.LabelRunID: ""})
	if err != nil {
		return &exitError{code: exitEngine, err: err}
	}
	removed, kept, failed := 0, 0, 0
	for _, r := range rs {
		owner := executor.OwnerOf(r.Labels)
		if len(o.RunIDs) > 0 && !slices.Contains(o.RunIDs, owner.RunID) {
			continue
		}
		what := fmt.Sprintf("%s %s (run %s)", r.Kind, r.Name, owner.RunID)
		switch l := owner.Liveness(); {
		case o.All || l == executor.Dead:
		case l == executor.Alive:
			fmt.Fprintf(o.Stdout, "kept %s: its runjob process %d is still running\n", what, owner.PID)
			kept++
			continue
		default:
			fmt.Fprintf(o.Stdout, "kept %s: it belongs to host %q, which this host cannot check (--all removes it)\n", what, owner.Host)
			kept++
			continue
		}
		if o.DryRun {
			fmt.Fprintf(o.Stdout, "would remove %s\n", what)
			removed++
			continue
		}
		if err := eng.RemoveResource(ctx, r); err != nil {
			fmt.Fprintf(o.Stderr, "runjob: could not remove %s: %v\n", what, err)
			failed++
			continue
		}
		fmt.Fprintf(o.Stdout, "removed %s\n", what)
		removed++
	}
	verb := "removed"
	if o.DryRun {
		verb = "would remove"
	}
	fmt.Fprintf(o.Stdout, "prune: %s %d, kept %d\n", verb, removed, kept)
	if failed > 0 {
		return &exitError{code: exitEngine, err: fmt.Errorf("%d resource(s) could not be removed", failed)}
	}
	return nil
}
