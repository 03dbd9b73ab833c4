package session

import (
	"context"
	"errors"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

func TestOutcomeKinds(t *testing.T) {
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
		want errkind.Kind
	}{
		{live, res(executor.StatusOK, executor.StatusOK), errkind.OK},
		{live, res(executor.StatusOK, executor.StatusFailed, executor.StatusSkipped), errkind.Failed},
		{live, res(executor.StatusFailed, executor.StatusError), errkind.Engine},
		{dead, res(executor.StatusFailed, executor.StatusError, executor.StatusCancelled), errkind.Interrupted},
	}
	for i, tc := range cases {
		if got := errkind.Of(outcome(tc.ctx, tc.res)); got != tc.want {
			t.Errorf("case %d: %s, want %s", i, got, tc.want)
		}
	}
}
