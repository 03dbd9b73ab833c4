package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/executor"
)

// execOptions are the run settings that steer the executor: how a run
// fails, times out, stops and cleans up.
type execOptions struct {
	FailFast      bool
	Timeout       time.Duration
	StopTimeout   time.Duration
	KeepOnFailure bool
	EngineLogs    bool
}

func addExecFlags(cmd *cobra.Command, o *execOptions) {
	f := cmd.Flags()
	f.BoolVar(&o.FailFast, "fail-fast", false, "cancel running steps at the first failure (default: let independent steps finish)")
	f.DurationVar(&o.Timeout, "timeout", 0, "bound the whole run, e.g. 30m (overrides the pipeline's timeout; 0: the pipeline's)")
	f.DurationVar(&o.StopTimeout, "stop-timeout", 10*time.Second, "how long a container gets to exit after SIGTERM before it is killed (interrupt, timeout, fail-fast)")
	f.BoolVar(&o.EngineLogs, "engine-logs", false, "let the engine keep its own copy of containers' output, so `docker logs` works (slower for chatty steps)")
	f.BoolVar(&o.KeepOnFailure, "keep-on-failure", false, "keep the container of a failed step for debugging (`runjob prune` removes it later)")
}

// executorOptions turns the flags into executor options.
func (o *execOptions) executorOptions() []executor.Option {
	return []executor.Option{
		executor.WithFailFast(o.FailFast),
		executor.WithTimeout(o.Timeout),
		executor.WithStopTimeout(o.StopTimeout),
		executor.WithKeepOnFailure(o.KeepOnFailure),
		executor.WithEngineLogs(o.EngineLogs),
	}
}
