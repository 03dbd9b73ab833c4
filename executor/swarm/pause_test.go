package swarm

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// The pause program runs, keeps running, and ends only when killed.
func TestPauseProgramPauses(t *testing.T) {
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("the pause program is x86-64 Linux")
	}
	bin := filepath.Join(t.TempDir(), "pause")
	if err := os.WriteFile(bin, pauseProgram(), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// SIGCONT wakes pause(2), which must pause again, not exit.
	if err := cmd.Process.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Fatalf("the pause program exited: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	_ = cmd.Process.Kill()
	err := <-exited
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("ended with %v, want killed", err)
	}
}

// The pause image is the same bytes every time, in `docker save` form,
// and its ID is its config's digest, as an engine computes it on load.
func TestPauseImageIsReproducible(t *testing.T) {
	a, id := buildPauseImage()
	b, id2 := buildPauseImage()
	if !bytes.Equal(a, b) || id != id2 {
		t.Fatal("two builds of the pause image differ")
	}
	files := map[string][]byte{}
	tr := tar.NewReader(bytes.NewReader(a))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name], _ = io.ReadAll(tr)
	}
	var manifest []struct{ Config string }
	if err := json.Unmarshal(files["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest: %s %v", files["manifest.json"], err)
	}
	sum := sha256.Sum256(files[manifest[0].Config])
	if "sha256:"+hex.EncodeToString(sum[:]) != id {
		t.Fatalf("ID %s is not the config's digest", id)
	}
}

// On a real engine the pause image loads with that ID, and a container of
// it, created by ID, runs until it is removed by force.
func TestPauseImageRunsOnAnEngine(t *testing.T) {
	eng := dockertest.Engine(t)
	ctx := context.Background()
	archive, id := pauseImage()
	cli := eng.Client()
	_, had := cli.ImageInspect(ctx, id)
	if err := loadImage(ctx, cli, bytes.NewReader(archive)); err != nil {
		t.Fatal(err)
	}
	if had != nil {
		t.Cleanup(func() { _, _ = cli.ImageRemove(context.Background(), id, client.ImageRemoveOptions{Force: true}) })
	}
	name := "runjob-pause-test-" + executor.NewRunID()
	cid, err := eng.Create(ctx, &executor.ContainerSpec{Name: name, Image: id, Labels: map[string]string{LabelReservation: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = eng.Remove(context.Background(), cid) })
	if _, err := cli.ContainerStart(ctx, cid, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	st, err := eng.Inspect(ctx, cid)
	if err != nil || !st.Running {
		t.Fatalf("the pause container is not running: %+v %v", st, err)
	}
	if err := eng.Remove(ctx, cid); err != nil {
		t.Fatal(err)
	}
}
