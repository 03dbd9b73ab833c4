package housekeeping

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// scriptedEngine lists what its script says for each successive listing
// (the last entry repeats), minus what was removed since.
type scriptedEngine struct {
	mu       sync.Mutex
	listings [][]executor.Resource
	calls    int
	removed  map[string]bool
	refuse   map[string]int // ID -> how many removals fail first
}

func (e *scriptedEngine) Resources(context.Context, map[string]string) ([]executor.Resource, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.listings[min(e.calls, len(e.listings)-1)]
	e.calls++
	var out []executor.Resource
	for _, r := range l {
		if !e.removed[r.ID] {
			out = append(out, r)
		}
	}
	return out, nil
}

func (e *scriptedEngine) Caches(context.Context, string) ([]executor.Cache, error) { return nil, nil }

func (e *scriptedEngine) RemoveResource(_ context.Context, r executor.Resource) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.refuse[r.ID] > 0 {
		e.refuse[r.ID]--
		return errors.New("has active endpoints")
	}
	if e.removed == nil {
		e.removed = map[string]bool{}
	}
	e.removed[r.ID] = true
	return nil
}

// deadRes is a resource of a run whose process is gone (PID 0 on this host).
func deadRes(t *testing.T, kind, id string, created time.Time) executor.Resource {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return executor.Resource{Kind: kind, ID: id, Name: id, Created: created, Labels: map[string]string{
		executor.LabelRunID: "20261122-234757-8f6abc", executor.LabelHost: host, executor.LabelPID: "0"}}
}

func testPruner(eng executor.Inventory) (*pruner, *bytes.Buffer) {
	var out bytes.Buffer
	p := newPruner(eng, PruneOptions{Stdout: &out, Stderr: &out})
	p.quiet, p.poll, p.max = 50*time.Millisecond, time.Millisecond, 5*time.Second
	return p, &out
}

// The chaos leftover: a container of a just-killed run that the engine
// finishes creating after prune's first listing is found by a later
// listing and removed, and prune does not return before the run has been
// quiet.
func TestPruneRemovesWhatArrivesAfterTheFirstListing(t *testing.T) {
	now := time.Now()
	first := deadRes(t, "container", "chain1", now.Add(-time.Second))
	late := deadRes(t, "container", "chain2", now)
	eng := &scriptedEngine{listings: [][]executor.Resource{{first}, {first}, {first}, {first, late}}}
	p, out := testPruner(eng)
	if err := p.run(context.Background()); err != nil {
		t.Fatalf("prune: %v\n%s", err, out)
	}
	if !eng.removed["chain1"] || !eng.removed["chain2"] {
		t.Fatalf("removed %v, want chain1 and the late chain2\n%s", eng.removed, out)
	}
	if !strings.Contains(out.String(), "prune: removed 2, kept 0") {
		t.Errorf("summary:\n%s", out)
	}
}

// A run whose newest resource is old is not waited for: one listing after
// the removals, and done.
func TestPruneDoesNotWaitForARunThatEndedLongAgo(t *testing.T) {
	old := deadRes(t, "container", "c", time.Now().Add(-10*time.Minute))
	eng := &scriptedEngine{listings: [][]executor.Resource{{old}}}
	p, out := testPruner(eng)
	p.quiet = time.Hour // would hang the test if it waited
	if err := p.run(context.Background()); err != nil {
		t.Fatalf("prune: %v\n%s", err, out)
	}
	if eng.calls != 2 {
		t.Errorf("%d listings, want 2 (the first and one check)", eng.calls)
	}
}

// A network that fails to go while a late container is attached to it is
// retried once the container is gone, and counts as removed.
func TestPruneRetriesWhatFailedWhileLateResourcesArrived(t *testing.T) {
	now := time.Now()
	net := deadRes(t, "network", "net", now)
	late := deadRes(t, "container", "late", now)
	eng := &scriptedEngine{listings: [][]executor.Resource{{net}, {late, net}}, refuse: map[string]int{"net": 1}}
	p, out := testPruner(eng)
	if err := p.run(context.Background()); err != nil {
		t.Fatalf("prune: %v\n%s", err, out)
	}
	if !eng.removed["net"] || !eng.removed["late"] {
		t.Fatalf("removed %v\n%s", eng.removed, out)
	}
}

// A resource that cannot be removed is reported, and prune still ends
// (exit 3), bounded by settleMax.
func TestPruneReportsWhatItCannotRemove(t *testing.T) {
	stuck := deadRes(t, "volume", "v", time.Now())
	eng := &scriptedEngine{listings: [][]executor.Resource{{stuck}}, refuse: map[string]int{"v": 1 << 30}}
	p, out := testPruner(eng)
	if err := p.run(context.Background()); errkind.Of(err) != errkind.Engine {
		t.Fatalf("prune = %v, want an engine error\n%s", err, out)
	}
	if strings.Count(out.String(), "could not remove volume v") != 1 {
		t.Errorf("want the failure reported once:\n%s", out)
	}
}
