package docker

import (
	"testing"

	"github.com/moby/moby/api/types/jsonstream"

	"github.com/runjob/runjob/executor"
)

func TestPullTrackerFoldsLayerMessages(t *testing.T) {
	var tr pullTracker
	for _, m := range []jsonstream.Message{
		{Status: "Pulling from library/busybox", ID: "latest"},
		{Status: "Already exists", ID: "a"},
		{Status: "Pulling fs layer", ID: "b"},
		{Status: "Downloading", ID: "b", Progress: &jsonstream.Progress{Current: 100, Total: 400}},
		{Status: "Pulling fs layer", ID: "c"},
		{Status: "Downloading", ID: "c", Progress: &jsonstream.Progress{Current: 50, Total: 50}},
		{Status: "Download complete", ID: "c"},
		{Status: "Pull complete", ID: "c"},
		{Status: "Digest: sha256:abc"},
	} {
		tr.update(m)
	}
	want := executor.PullProgress{Layers: 3, LayersDone: 2, Bytes: 150, BytesTotal: 450}
	if got := tr.progress(); got != want {
		t.Fatalf("progress = %+v, want %+v", got, want)
	}
}
