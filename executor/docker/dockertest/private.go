package dockertest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker"
)

// PrivateDaemon is a dockerd of one test's own, run by
// scripts/private-dockerd.sh, that the test may stop and restart: the
// shared engine other tests use at the same time must never be restarted.
type PrivateDaemon struct {
	// Host is its DOCKER_HOST, unix://<dir>/docker.sock.
	Host string
	// StartTime is how long the first start took, busybox import included.
	StartTime time.Duration

	t   testing.TB
	dir string
}

// StartPrivateDaemon starts a private dockerd with busybox:latest, and
// destroys it (stop by its pid, remove its directory) when t ends. Without
// root or dockerd it skips, or fails when Required.
func StartPrivateDaemon(t testing.TB) *PrivateDaemon {
	t.Helper()
	if !haveDockerd() {
		unavailable(t, "dockerd not found (run `make setup`)")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "a private dockerd needs root")
	}
	// Short: the socket paths under it are limited to 108 bytes.
	parent := os.TempDir()
	if len(parent) > 30 {
		parent = "/tmp"
	}
	dir, err := os.MkdirTemp(parent, "rjd-")
	if err != nil {
		t.Fatal(err)
	}
	d := &PrivateDaemon{Host: "unix://" + filepath.Join(dir, "docker.sock"), t: t, dir: dir}
	t.Cleanup(func() {
		if out, err := d.script("destroy"); err != nil {
			t.Errorf("destroy private dockerd in %s: %v\n%s", dir, err, out)
		}
		if left := d.processes(); len(left) > 0 {
			t.Errorf("processes of the private dockerd outlive it: %s", strings.Join(left, "; "))
		}
	})
	t0 := time.Now()
	if err := d.Start(); err != nil {
		t.Fatal(err)
	}
	d.StartTime = time.Since(t0)
	return d
}

func unavailable(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s, and CI=true or RUNJOB_REQUIRE_DOCKER=1 requires one", why)
	}
	t.Skipf("%s (set RUNJOB_REQUIRE_DOCKER=1 to fail instead)", why)
}

// haveDockerd looks where the script does: PATH, then the sbin dirs that
// a non-login PATH may lack.
func haveDockerd() bool {
	if _, err := exec.LookPath("dockerd"); err == nil {
		return true
	}
	for _, d := range []string{"/usr/local/sbin", "/usr/sbin", "/sbin"} {
		if _, err := os.Stat(filepath.Join(d, "dockerd")); err == nil {
			return true
		}
	}
	return false
}

// Start starts the daemon and waits until it answers with busybox:latest.
// Safe from any goroutine.
func (d *PrivateDaemon) Start() error {
	if out, err := d.script("start"); err != nil {
		return fmt.Errorf("start private dockerd: %w\n%s", err, out)
	}
	return nil
}

// Stop sends SIGTERM to the daemon and waits until it, its containerd and
// their shims have exited. Safe from any goroutine.
func (d *PrivateDaemon) Stop() error {
	if out, err := d.script("stop"); err != nil {
		return fmt.Errorf("stop private dockerd: %w\n%s", err, out)
	}
	if left := d.processes(); len(left) > 0 {
		return fmt.Errorf("processes of the private dockerd outlive it: %s", strings.Join(left, "; "))
	}
	return nil
}

// Engine is a runjob engine on the daemon, closed when the test ends.
func (d *PrivateDaemon) Engine() *docker.Engine {
	d.t.Helper()
	eng, err := docker.New(client.WithHost(d.Host))
	if err != nil {
		d.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := eng.Ping(ctx); err != nil {
		d.t.Fatal(err)
	}
	d.t.Cleanup(func() { _ = eng.Close() })
	return eng
}

func (d *PrivateDaemon) script(cmd string) ([]byte, error) {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "../../../scripts/private-dockerd.sh")
	c := exec.Command("bash", script, cmd, d.dir)
	var out bytes.Buffer
	c.Stdout, c.Stderr = &out, &out
	err := c.Run()
	return out.Bytes(), err
}

// processes lists the live processes whose command line names the
// daemon's directory: dockerd, its containerd and their shims.
func (d *PrivateDaemon) processes() []string { return ProcessesUnder(d.dir) }
