package housekeeping

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// Only dead runs' resources are leftovers: a live run's and another
// host's are not, nor are cache volumes (they carry no run ID).
func TestFindLeftoversCountsDeadRunsOnly(t *testing.T) {
	e, o := staged(t)
	e.AddResource(executor.Resource{Kind: executor.ResourceContainer, Name: "dead2", Created: time.Now(),
		Labels: map[string]string{executor.LabelRunID: "20261122-000000-aaaaaa", executor.LabelHost: o.dead[executor.LabelHost], executor.LabelPID: "0"}})
	e.AddResource(executor.Resource{Kind: executor.ResourceVolume, ID: "c", Name: "c",
		Labels: map[string]string{executor.LabelCache: "deps", executor.LabelPipeline: "p"}})
	l, err := FindLeftovers(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	if l != (Leftovers{Resources: 4, Runs: 2}) {
		t.Errorf("leftovers = %+v, want 4 resources of 2 runs", l)
	}
}

// None on a clean engine; a failed listing is engine trouble.
func TestFindLeftoversNoneAndFailure(t *testing.T) {
	e, _ := staged(t)
	if err := Prune(context.Background(), e, PruneOptions{Stdout: io.Discard, Stderr: io.Discard}); err != nil {
		t.Fatal(err)
	}
	if l, err := FindLeftovers(context.Background(), e); err != nil || l != (Leftovers{}) {
		t.Errorf("after prune: %+v, %v", l, err)
	}
	e.FailList(errBoom)
	if _, err := FindLeftovers(context.Background(), e); errkind.Of(err) != errkind.Engine || !errors.Is(err, errBoom) {
		t.Errorf("failed listing = %v, want an engine error", err)
	}
}
