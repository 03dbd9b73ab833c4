package executor_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// placer is the fake engine as a cluster engine: Place is scripted per
// step (wait until ctx ends, or fail) and records what it was given.
type placer struct {
	*fake.Engine
	mu     sync.Mutex
	waits  map[string]bool
	fails  map[string]error
	placed []string // step: constraints, memory
}

func newPlacer(eng *fake.Engine) *placer {
	return &placer{Engine: eng, waits: map[string]bool{}, fails: map[string]error{}}
}

func (p *placer) Place(ctx context.Context, spec *executor.ContainerSpec) error {
	step := spec.Labels[executor.LabelStep]
	p.mu.Lock()
	p.placed = append(p.placed, step+": "+strings.Join(spec.Constraints, ",")+" "+time.Duration(spec.Memory).String())
	wait, err := p.waits[step], p.fails[step]
	p.mu.Unlock()
	if wait {
		<-ctx.Done()
		return ctx.Err()
	}
	return err
}

func runOn(t *testing.T, eng executor.Engine, ctx context.Context, g *pipeline.Graph, opts ...executor.Option) *executor.Result {
	t.Helper()
	res, err := executor.New(eng, append([]executor.Option{executor.WithArtifactsDir(t.TempDir())}, opts...)...).Run(ctx, g)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// The step's placement and resources reach Place before Create.
func TestPlacerGetsTheStepsPlacement(t *testing.T) {
	p := newPlacer(fake.New())
	g := graph(t, "gpu")
	g.Step(0).Placement.Constraints = []string{"node.labels.gpu==true"}
	g.Step(0).Resources.Memory = 64
	res := runOn(t, p, context.Background(), g)
	if got := statuses(res); got != "gpu=ok" {
		t.Fatalf("statuses = %s", got)
	}
	if want := []string{"gpu: node.labels.gpu==true 64ns"}; !slices.Equal(p.placed, want) {
		t.Fatalf("placed %q, want %q", p.placed, want)
	}
}

// A wait for a node ends with the step's timeout, or with the run's
// cancellation; no container is created for it.
func TestPlacementWaitEndsWithTheStep(t *testing.T) {
	p := newPlacer(fake.New())
	p.waits["full"] = true
	g := graph(t, "full", "other")
	g.Step(0).Timeout = 50 * time.Millisecond
	res := runOn(t, p, context.Background(), g)
	if got, want := statuses(res), "full=timeout other=ok"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if slices.Contains(p.Calls(), "Create full") {
		t.Fatalf("a container was created for a step never placed: %v", p.Calls())
	}

	ctx, cancel := context.WithCancelCause(context.Background())
	time.AfterFunc(50*time.Millisecond, func() { cancel(errors.New("interrupted")) })
	res = runOn(t, p, ctx, graph(t, "full"))
	if got, want := statuses(res), "full=cancelled"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if left := p.Leftovers(); len(left) > 0 {
		t.Fatalf("left %v", left)
	}
}

// A placement that fails is the step's engine error, naming the container.
func TestPlacementFailureIsTheStepsError(t *testing.T) {
	p := newPlacer(fake.New())
	p.fails["gpu"] = errors.New("no node satisfies node.labels.gpu==true")
	res := runOn(t, p, context.Background(), graph(t, "gpu", "after:gpu"))
	if got, want := statuses(res), "gpu=error after=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if err := res.Steps[0].Err; !strings.Contains(err.Error(), "place container runjob-") ||
		!strings.Contains(err.Error(), "no node satisfies node.labels.gpu==true") {
		t.Fatalf("err = %v", err)
	}
}

// A step prepared ahead whose placement waits is given up when its
// dependency fails: the run ends, nothing is left.
func TestPreparedPlacementIsGivenUp(t *testing.T) {
	eng := fake.New().On("first", fake.Script{Exit: 1, Sleep: 20 * time.Millisecond})
	p := newPlacer(eng)
	p.waits["second"] = true
	res := runOn(t, p, context.Background(), graph(t, "first", "second:first"))
	if got, want := statuses(res), "first=failed second=skipped"; got != want {
		t.Fatalf("statuses = %s, want %s", got, want)
	}
	if left := p.Leftovers(); len(left) > 0 {
		t.Fatalf("left %v", left)
	}
}
