package docker_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// A docker context whose endpoint is ssh:// is reached through the
// connection helper as DOCKER_HOST=ssh://... is, and the engine names the
// ssh host.
func TestSSHContextEndpoint(t *testing.T) {
	sshd := dockertest.StartSSHD(t)
	cfg := t.TempDir()
	sum := sha256.Sum256([]byte("remote"))
	meta := filepath.Join(cfg, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	if err := os.MkdirAll(filepath.Dir(meta), 0o755); err != nil {
		t.Fatal(err)
	}
	body := `{"Name":"remote","Endpoints":{"docker":{"Host":"` + sshd.Host() + `","SkipTLSVerify":false}}}`
	if err := os.WriteFile(meta, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	t.Setenv("DOCKER_CONTEXT", "remote")
	t.Setenv("DOCKER_HOST", "")
	t.Setenv(docker.SSHOptsEnv, sshd.Opts())
	eng := sshEngine(t)
	if eng.Host() != sshd.Host() {
		t.Fatalf("Host() = %s, want %s", eng.Host(), sshd.Host())
	}
	if _, _, err := eng.ServerVersion(context.Background()); err != nil {
		t.Fatalf("version over ssh: %v", err)
	}
}

// The heartbeat's redial works through ssh, each check (a new ssh
// connection and a /_ping on it; about 0.3-0.5s on this loopback) within
// the heartbeat's second, and
// an sshd that went away is the engine lost, naming the host.
func TestSSHHeartbeat(t *testing.T) {
	sshd := dockertest.StartSSHD(t)
	t.Setenv("DOCKER_HOST", sshd.Host())
	t.Setenv(docker.SSHOptsEnv, sshd.Opts())
	eng := sshEngine(t)

	const n = 5
	var total, worst time.Duration
	for range n {
		t0 := time.Now()
		if err := eng.Listening(context.Background()); err != nil {
			t.Fatalf("check over ssh: %v", err)
		}
		d := time.Since(t0)
		total += d
		worst = max(worst, d)
	}
	t.Logf("heartbeat check over ssh: mean %s, worst %s of %d", total/n, worst, n)
	if total/n >= docker.HeartbeatEvery {
		t.Errorf("a check over ssh takes %s on average, too long for a heartbeat every %s", total/n, docker.HeartbeatEvery)
	}

	sshd.Stop()
	t0 := time.Now()
	err := eng.Listening(context.Background())
	var ue *docker.UnreachableError
	if !errors.As(err, &ue) || !strings.Contains(err.Error(), sshd.Host()) {
		t.Fatalf("after sshd stopped: %v, want the engine unreachable at %s", err, sshd.Host())
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("noticing took %s", d)
	}
}

// sshEngine is an engine from the environment that answered a ping.
func sshEngine(t *testing.T) *docker.Engine {
	t.Helper()
	eng, err := docker.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := eng.Ping(ctx); err != nil {
		t.Fatalf("ping over ssh: %v", err)
	}
	return eng
}
