package main

import (
	"fmt"
	"time"

	units "github.com/docker/go-units"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/bytesize"
)

// execOptions are the run settings that steer the executor: how a run
// fails, times out, stops and cleans up.
type execOptions struct {
	FailFast      bool
	Timeout       time.Duration
	StopTimeout   time.Duration
	KeepOnFailure bool
	EngineLogs    bool
	// MaxArtifactSize caps each artifact export and input copy.
	MaxArtifactSize sizeFlag
}

func addExecFlags(cmd *cobra.Command, o *execOptions) {
	f := cmd.Flags()
	f.BoolVar(&o.FailFast, "fail-fast", false, "cancel running steps at the first failure (default: let independent steps finish)")
	f.DurationVar(&o.Timeout, "timeout", 0, "bound the whole run, e.g. 30m (overrides the pipeline's timeout; 0: the pipeline's)")
	f.DurationVar(&o.StopTimeout, "stop-timeout", 10*time.Second, "how long a container gets to exit after SIGTERM before it is killed (interrupt, timeout, fail-fast)")
	f.BoolVar(&o.EngineLogs, "engine-logs", false, "let the engine keep its own copy of containers' output, so `docker logs` works (slower for chatty steps)")
	o.MaxArtifactSize = sizeFlag(artifacts.DefaultMaxBytes)
	f.Var(&o.MaxArtifactSize, "max-artifact-size", "stop an artifact export or an input copy that grows past SIZE (e.g. 500m, 20g)")
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
		executor.WithMaxArtifactSize(int64(o.MaxArtifactSize)),
	}
}

// sizeFlag is a byte count written as Docker writes sizes: 512m, 10g.
type sizeFlag int64

func (s *sizeFlag) String() string { return bytesize.Format(int64(*s)) }
func (s *sizeFlag) Type() string   { return "SIZE" }

func (s *sizeFlag) Set(v string) error {
	n, err := units.RAMInBytes(v)
	if err != nil || n <= 0 {
		return fmt.Errorf("%q is not a size like 500m or 20g", v)
	}
	*s = sizeFlag(n)
	return nil
}
