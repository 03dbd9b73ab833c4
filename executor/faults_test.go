package executor_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// randomGraph builds a random DAG of n steps (edges only point backwards).
func randomGraph(t *testing.T, rnd *rand.Rand, n int) *pipeline.Graph {
	t.Helper()
	var specs []string
	for i := range n {
		spec := fmt.Sprintf("s%d:", i)
		for j := range i {
			if rnd.Intn(4) == 0 {
				spec += fmt.Sprintf("s%d,", j)
			}
		}
		specs = append(specs, spec)
	}
	return graph(t, specs...)
}

// Every Engine call failing at random (errors of every class, the engine
// "going away" included) must never hang the scheduler, never leave a step
// pending, and never leak a container silently: whatever the fake still
// holds is in the result's leftovers.
func TestRandomEngineFaultsNeverHangOrLeakSilently(t *testing.T) {
	for seed := range int64(200) {
		rnd := rand.New(rand.NewSource(seed))
		eng := fake.New().Faults(0.15, seed)
		g := randomGraph(t, rnd, 2+rnd.Intn(8))
		for i := range g.Len() {
			st := g.Step(i)
			st.Retries = rnd.Intn(2)
			if rnd.Intn(3) == 0 {
				eng.On(st.Name, fake.Script{Exit: 1, Sleep: time.Duration(rnd.Intn(3)) * time.Millisecond})
			}
			if rnd.Intn(5) == 0 {
				st.Timeout = time.Millisecond
				eng.On(st.Name, fake.Script{Sleep: time.Hour})
			}
			if rnd.Intn(4) == 0 {
				st.Artifacts = []pipeline.Artifact{{Name: "a", Path: "/a", When: pipeline.Always}}
			}
		}
		ctx, cancel := context.WithCancelCause(context.Background())
		if rnd.Intn(4) == 0 {
			time.AfterFunc(time.Duration(rnd.Intn(5))*time.Millisecond, func() { cancel(errors.New("interrupted")) })
		}
		done := make(chan *executor.Result, 1)
		go func() {
			res, _ := executor.New(eng, executor.WithConcurrency(1+rnd.Intn(4)), executor.WithFailFast(seed%2 == 0),
				fast(), executor.WithArtifactsDir(t.TempDir())).Run(ctx, g)
			done <- res
		}()
		var res *executor.Result
		select {
		case res = <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("seed %d: the run hung", seed)
		}
		cancel(nil)
		for _, r := range res.Steps {
			if r.Status == executor.StatusPending {
				t.Fatalf("seed %d: step %s still pending after the run", seed, r.Name)
			}
		}
		var reported []string
		for _, l := range res.Leftovers {
			reported = append(reported, l.Container)
		}
		for _, c := range eng.Leftovers() {
			if !slices.Contains(reported, c) {
				t.Fatalf("seed %d: container %s left behind without being reported (reported: %v)", seed, c, reported)
			}
		}
	}
}
