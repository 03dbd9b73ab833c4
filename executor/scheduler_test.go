package executor_test

import (
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
)

// Peak concurrency never exceeds -j, on random graphs and bounds.
func TestPeakConcurrencyNeverExceedsTheBound(t *testing.T) {
	for seed := range int64(40) {
		rnd := rand.New(rand.NewSource(seed))
		eng := fake.New()
		g := randomGraph(t, rnd, 3+rnd.Intn(12))
		for i := range g.Len() {
			eng.On(g.Step(i).Name, fake.Script{Sleep: time.Duration(1+rnd.Intn(3)) * time.Millisecond})
		}
		j := 1 + rnd.Intn(4)
		res := run(t, eng, g, executor.WithConcurrency(j))
		if !res.OK() {
			t.Fatalf("seed %d: %s", seed, statuses(res))
		}
		if p := eng.Peak(); p > j {
			t.Fatalf("seed %d: peak concurrency %d > -j %d", seed, p, j)
		}
	}
}

// The pipeline's own concurrency applies when no bound is given.
func TestPipelineConcurrencyIsTheDefault(t *testing.T) {
	eng := fake.New()
	var specs []string
	for i := range 8 {
		specs = append(specs, fmt.Sprintf("s%d", i))
		eng.On(specs[i], fake.Script{Sleep: 10 * time.Millisecond})
	}
	g := graph(t, specs...)
	g.Pipeline().Concurrency = 2
	run(t, eng, g)
	if p := eng.Peak(); p != 2 {
		t.Fatalf("peak = %d, want the pipeline's 2", p)
	}
}

// Steps that become ready together are queued in declaration order, every
// time; results are in declaration order whatever finishes first.
func TestOrderIsDeterministic(t *testing.T) {
	var first []string
	for range 20 {
		eng := fake.New().On("z", fake.Script{Sleep: 5 * time.Millisecond})
		var mu sync.Mutex
		var queued []string
		obs := executor.ObserverFunc(func(ev executor.Event) {
			if ev.Kind == executor.EventStepQueued {
				mu.Lock()
				queued = append(queued, ev.Step)
				mu.Unlock()
			}
		})
		res := run(t, eng, graph(t, "z", "b", "a", "y:z,b", "c:a", "x:a"), executor.WithConcurrency(1), executor.WithObserver(obs))
		var names []string
		for _, r := range res.Steps {
			names = append(names, r.Name)
		}
		if !slices.Equal(names, []string{"z", "b", "a", "y", "c", "x"}) {
			t.Fatalf("results not in declaration order: %v", names)
		}
		if first == nil {
			first = queued
			if !slices.Equal(queued[:3], []string{"z", "b", "a"}) {
				t.Fatalf("roots not queued in declaration order: %v", queued)
			}
		} else if !slices.Equal(queued, first) {
			t.Fatalf("queue order changed between runs: %v vs %v", queued, first)
		}
	}
}
