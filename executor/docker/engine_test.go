package docker_test

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

const image = "busybox:latest"

// create makes a labelled container for cmd and registers its removal
// (after the leftover check is registered, so the check runs last).
func create(t *testing.T, eng *docker.Engine, cmd ...string) string {
	t.Helper()
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	ctx := context.Background()
	if err := eng.EnsureImage(ctx, executor.ImageRequest{Image: image}); err != nil {
		t.Fatal(err)
	}
	id, err := eng.Create(ctx, &executor.ContainerSpec{
		Name:    "runjob-test-" + runID,
		Image:   image,
		Command: cmd,
		Labels:  map[string]string{executor.LabelRunID: runID, executor.LabelStep: t.Name()},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := eng.Remove(context.Background(), id); err != nil {
			t.Error(err)
		}
	})
	return id
}

func TestRunSeparatesStreamsAndKeepsFinalPartialLine(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "sh", "-c", "echo out1; echo err1 >&2; echo out2; printf 'no newline'")
	var stdout, stderr bytes.Buffer
	exit, err := eng.Run(context.Background(), id, &stdout, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if exit.Code != 0 || exit.OOMKilled {
		t.Fatalf("exit = %+v", exit)
	}
	if got, want := stdout.String(), "out1\nout2\nno newline"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got, want := stderr.String(), "err1\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
}

// Output printed the instant the container starts is not lost: attach
// happens before start.
func TestRunMissesNothingPrintedEarly(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "sh", "-c", "seq 1 20000")
	var stdout bytes.Buffer
	if _, err := eng.Run(context.Background(), id, &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout.String(), "\n"), "\n")
	if len(lines) != 20000 || lines[0] != "1" || lines[19999] != "20000" {
		t.Fatalf("got %d lines, first %q last %q", len(lines), lines[0], lines[len(lines)-1])
	}
}

func TestRunReportsExitCode(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "sh", "-c", "exit 3")
	exit, err := eng.Run(context.Background(), id, io.Discard, io.Discard)
	if err != nil || exit.Code != 3 {
		t.Fatalf("exit = %+v, err = %v; want code 3", exit, err)
	}
}

func TestRunReturnsPromptlyOnCancel(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "sleep", "300")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := eng.Run(ctx, id, io.Discard, io.Discard)
		done <- err
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("Run returned no error after cancel")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	// Remove (the test cleanup) must kill the still-running container.
}

func TestCopyFromIsRootedAtBaseName(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "sh", "-c", "mkdir -p /out/sub && echo hi > /out/sub/f.txt")
	if _, err := eng.Run(context.Background(), id, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	rc, err := eng.CopyFrom(context.Background(), id, "/out")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var names []string
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
	}
	if got := strings.Join(names, " "); got != "out/ out/sub/ out/sub/f.txt" {
		t.Fatalf("entries = %s", got)
	}
	if _, err := eng.CopyFrom(context.Background(), id, "/does/not/exist"); !cerrdefs.IsNotFound(err) {
		t.Fatalf("missing path: err = %v, want not found", err)
	}
}

func TestRemoveIsIdempotent(t *testing.T) {
	eng := dockertest.Engine(t)
	id := create(t, eng, "true")
	for range 2 {
		if err := eng.Remove(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if err := eng.Remove(context.Background(), "runjob-never-created"); err != nil {
		t.Fatalf("removing an unknown container: %v", err)
	}
}

func TestCreateNameConflictIsClassified(t *testing.T) {
	eng := dockertest.Engine(t)
	runID := executor.NewRunID()
	dockertest.NoLeftovers(t, eng, runID)
	spec := &executor.ContainerSpec{Name: "runjob-test-" + runID, Image: image, Labels: map[string]string{executor.LabelRunID: runID}}
	id, err := eng.Create(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Remove(context.Background(), id) })
	if _, err := eng.Create(context.Background(), spec); !cerrdefs.IsConflict(err) {
		t.Fatalf("second create: err = %v, want conflict", err)
	}
}
