package dockertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// DebianImage is a Debian 12 image with gcc, make and python3, for tests
// that build and test real code (scripts/debian-image.sh makes it).
const DebianImage = "runjob-debian:build"

var debianOnce struct {
	sync.Once
	err error
}

// NeedDebianImage makes sure DebianImage exists on the engine under test
// (DOCKER_HOST). The script builds it once on the machine's Docker engine
// (about a minute); an engine that lacks it then (Podman, a private
// dockerd) gets a copy by `docker save | docker load`. A failure fails the
// test under CI=true or RUNJOB_REQUIRE_DOCKER=1, and skips it otherwise.
func NeedDebianImage(t testing.TB) {
	t.Helper()
	debianOnce.Do(func() { debianOnce.err = ensureDebian() })
	if debianOnce.err != nil {
		unavailable(t, fmt.Sprintf("no %s: %v", DebianImage, debianOnce.err))
	}
}

func ensureDebian() error {
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "../../../scripts/debian-image.sh")
	build := exec.Command("bash", script)
	build.Env = append(withoutDockerHost(), "DOCKER_HOST=unix:///var/run/docker.sock")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", script, err, out)
	}
	if os.Getenv("DOCKER_HOST") == "" || exec.Command("docker", "image", "inspect", DebianImage).Run() == nil {
		return nil
	}
	copyCmd := fmt.Sprintf("DOCKER_HOST=unix:///var/run/docker.sock docker save %s | docker load", DebianImage)
	if out, err := exec.Command("bash", "-o", "pipefail", "-c", copyCmd).CombinedOutput(); err != nil {
		return fmt.Errorf("copy to %s: %v\n%s", os.Getenv("DOCKER_HOST"), err, out)
	}
	return nil
}

func withoutDockerHost() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCKER_HOST=") && !strings.HasPrefix(kv, "DOCKER_CONTEXT=") {
			env = append(env, kv)
		}
	}
	return env
}
