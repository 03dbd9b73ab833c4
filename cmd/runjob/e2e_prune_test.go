package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// The chaos leftover, on the real engine: a container of a dead run that
// the engine creates after `runjob prune` has listed (as a create request a
// killed runjob sent just before dying would) is removed by that same
// prune. The late container is created once prune has reported removing
// the first one, so its first listing is certainly over.
func TestPruneRemovesAContainerCreatedAfterItListed(t *testing.T) {
	eng := dockertest.Engine(t)
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	create := func(name string) {
		t.Helper()
		_, err := eng.Create(context.Background(), &executor.ContainerSpec{
			Name: "runjob-" + runID + "-" + name, Image: "busybox:latest", Command: []string{"true"},
			Labels: map[string]string{executor.LabelRunID: runID, executor.LabelHost: host,
				executor.LabelPID: strconv.Itoa(gone.Process.Pid)},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	create("early")

	cmd := exec.Command(binary, "prune", "--run", runID)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), "removed container runjob-"+runID+"-early") {
			create("late")
		}
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("prune: %v\n%s%s", err, out.String(), stderr.String())
	}
	if !strings.Contains(out.String(), "removed container runjob-"+runID+"-late") {
		t.Errorf("prune did not remove the late container:\n%s", out.String())
	}
	assertGone(t, runID)
}
