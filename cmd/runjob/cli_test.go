package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
)

// parse runs the command line with stub commands and returns the options
// the run or validate command would have received.
func parse(t *testing.T, args ...string) (*runOptions, *validateOptions, int, string) {
	t.Helper()
	var gotRun *runOptions
	var gotValidate *validateOptions
	var stdout, stderr bytes.Buffer
	root := newRootCmd(&stdout, &stderr, commands{
		run:      func(_ context.Context, o *runOptions) error { gotRun = o; return nil },
		validate: func(_ context.Context, o *validateOptions) error { gotValidate = o; return nil },
	})
	root.SetArgs(args)
	code := exitCode(root.ExecuteContext(context.Background()), &stderr)
	return gotRun, gotValidate, code, stderr.String()
}

func TestFlagsMayFollowTheFile(t *testing.T) {
	for _, args := range [][]string{
		{"ci.hcl", "--var", "x=1", "-j", "4", "--var", "y=a=b"},
		{"run", "ci.hcl", "--var", "x=1", "-j", "4", "--var", "y=a=b"},
		{"--var", "x=1", "ci.hcl", "-j4", "--var=y=a=b"},
	} {
		o, _, code, stderr := parse(t, args...)
		if code != 0 || o == nil {
			t.Fatalf("%q: exit %d: %s", args, code, stderr)
		}
		if o.File != "ci.hcl" || o.Concurrency != 4 || o.Vars["x"] != "1" || o.Vars["y"] != "a=b" {
			t.Fatalf("%q: options = %+v", args, o)
		}
	}
}

func TestValidateParsesVars(t *testing.T) {
	_, v, code, stderr := parse(t, "validate", "p.hcl", "--var", "a=b")
	if code != 0 || v == nil || v.File != "p.hcl" || v.Vars["a"] != "b" {
		t.Fatalf("exit %d, options %+v: %s", code, v, stderr)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"a.hcl", "b.hcl"},
		{"a.hcl", "--no-such-flag"},
		{"a.hcl", "--var", "novalue"},
		{"a.hcl", "--log-format", "xml"},
		{"validate"},
	} {
		o, _, code, stderr := parse(t, args...)
		if code != exitUsage || o != nil {
			t.Errorf("%q: exit %d (ran: %v), want %d", args, code, o != nil, exitUsage)
		}
		if !strings.Contains(stderr, "runjob:") {
			t.Errorf("%q: no error message: %q", args, stderr)
		}
	}
}

func TestResultExitCodes(t *testing.T) {
	res := func(sts ...executor.Status) *executor.Result {
		r := &executor.Result{}
		for _, s := range sts {
			r.Steps = append(r.Steps, &executor.StepResult{Status: s})
		}
		return r
	}
	live := context.Background()
	dead, cancel := context.WithCancelCause(context.Background())
	cancel(errors.New("interrupted by interrupt"))
	cases := []struct {
		ctx  context.Context
		res  *executor.Result
		want int
	}{
		{live, res(executor.StatusOK, executor.StatusOK), exitOK},
		{live, res(executor.StatusOK, executor.StatusFailed, executor.StatusSkipped), exitStepFailed},
		{live, res(executor.StatusFailed, executor.StatusError), exitEngine},
		{dead, res(executor.StatusFailed, executor.StatusError, executor.StatusCancelled), exitInterrupted},
	}
	for i, tc := range cases {
		var stderr bytes.Buffer
		if got := exitCode(resultError(tc.ctx, tc.res), &stderr); got != tc.want {
			t.Errorf("case %d: exit %d, want %d", i, got, tc.want)
		}
	}
}
