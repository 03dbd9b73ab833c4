package docker_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// Run reports the exit code and the exact image that ran, and the engine's
// state is final when it returns: what follows (artifact export, removal,
// a dependent's start) never races the daemon's cleanup of the container.
func TestRunReportsImageAndFinalState(t *testing.T) {
	eng := dockertest.Engine(t)
	ctx := context.Background()
	var images []string
	for _, c := range []struct {
		cmd  string
		code int
	}{{"true", 0}, {"exit 3", 3}, {"true", 0}} {
		id := create(t, eng, "sh", "-c", c.cmd)
		exit, err := eng.Run(ctx, id, io.Discard, io.Discard)
		if err != nil || exit.Code != c.code {
			t.Fatalf("%s: exit = %+v, err = %v; want code %d", c.cmd, exit, err, c.code)
		}
		if !strings.HasPrefix(exit.ImageID, "sha256:") {
			t.Errorf("%s: image ID %q", c.cmd, exit.ImageID)
		}
		images = append(images, exit.ImageID)
		st, err := eng.Inspect(ctx, id)
		if err != nil || st.Running || st.Status != "exited" || st.ExitCode != c.code {
			t.Errorf("%s: state after Run = %+v, %v", c.cmd, st, err)
		}
	}
	if images[0] != images[1] || images[1] != images[2] {
		t.Errorf("image IDs differ: %v", images)
	}
}
