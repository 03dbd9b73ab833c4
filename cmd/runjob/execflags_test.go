package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/internal/errkind"
)

func TestExecFlagsParse(t *testing.T) {
	o, _, code, stderr := parse(t, "ci.hcl", "--fail-fast", "--timeout", "5m", "--stop-timeout", "2s", "--keep-on-failure",
		"--engine-logs", "--max-artifact-size", "512m")
	if code != 0 || o == nil {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := execOptions{FailFast: true, Timeout: 5 * time.Minute, StopTimeout: 2 * time.Second, KeepOnFailure: true,
		EngineLogs: true, MaxArtifactSize: 512 << 20}
	if o.Exec != want {
		t.Fatalf("exec options = %+v, want %+v", o.Exec, want)
	}
	o, _, _, _ = parse(t, "run", "ci.hcl")
	if o.Exec != (execOptions{StopTimeout: 10 * time.Second, MaxArtifactSize: sizeFlag(artifacts.DefaultMaxBytes)}) {
		t.Fatalf("defaults = %+v", o.Exec)
	}
	if _, _, code, _ := parse(t, "ci.hcl", "--timeout", "soon"); code != exitCodes[errkind.Usage] {
		t.Fatalf("bad duration: exit %d, want %d", code, exitCodes[errkind.Usage])
	}
}

func TestPruneFlagsParse(t *testing.T) {
	var got *pruneOptions
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, commands{prune: func(_ context.Context, o *pruneOptions) error { got = o; return nil }})
	root.SetArgs([]string{"prune", "--all", "--run", "a", "--run", "b", "--dry-run"})
	if code := exitCode(root.ExecuteContext(context.Background()), &stderr); code != 0 || got == nil {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !got.All || !got.DryRun || len(got.RunIDs) != 2 || got.RunIDs[1] != "b" {
		t.Fatalf("prune options = %+v", got)
	}
}
