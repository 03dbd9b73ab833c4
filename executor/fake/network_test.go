package fake

import (
	"context"
	"testing"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// The fake records a step's network mode, and refuses what the daemon
// refuses: a container on no network that joins one.
func TestCreateRecordsNetworkMode(t *testing.T) {
	ctx := context.Background()
	e := New()
	labels := map[string]string{executor.LabelStep: "s"}
	if _, err := e.Create(ctx, &executor.ContainerSpec{Name: "c", Labels: labels, NetworkMode: pipeline.NetworkNone}); err != nil {
		t.Fatal(err)
	}
	if spec, ok := e.Spec("s"); !ok || spec.NetworkMode != pipeline.NetworkNone {
		t.Fatalf("spec = %+v, %v", spec, ok)
	}
	_, err := e.Create(ctx, &executor.ContainerSpec{Name: "d", Labels: labels, NetworkMode: pipeline.NetworkNone, Network: "net-1"})
	if !cerrdefs.IsInvalidArgument(err) {
		t.Fatalf("none with a network: err = %v, want invalid argument", err)
	}
}
