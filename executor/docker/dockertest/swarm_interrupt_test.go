package dockertest

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A start killed with SIGKILL (no trap runs) at any moment leaves
// namespaces, veths, daemons behind; stop must find and remove them all
// by what DIR names, with no state but what start wrote first.
func TestSwarmStopAfterAStartKilledMidway(t *testing.T) {
	if !SwarmEnabled() {
		t.Skip("swarm tests run with RUNJOB_SWARM=1 (`make test-swarm`)")
	}
	if why := swarmPrerequisites(); why != "" {
		unavailable(t, why)
	}
	_, file, _, _ := runtime.Caller(0)
	script := filepath.Join(filepath.Dir(file), "../../../scripts/swarm.sh")
	for _, after := range []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 700 * time.Millisecond} {
		dir, err := os.MkdirTemp("/tmp", "rjs-")
		if err != nil {
			t.Fatal(err)
		}
		// Its own process group, so the kill reaches what it runs right then.
		cmd := exec.Command("bash", script, "start", dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(after)
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		if o, err := swarmScript("destroy", dir); err != nil {
			t.Errorf("destroy after a start killed at %s: %v\n%s", after, err, o)
		}
		if left := ProcessesUnder(dir); len(left) > 0 {
			t.Errorf("killed at %s: processes left: %s", after, strings.Join(left, "; "))
		}
		if _, err := os.Stat(dir); err == nil {
			t.Errorf("killed at %s: %s still exists", after, dir)
		}
		if out, _ := exec.Command("ip", "netns", "list").Output(); strings.Contains(string(out), netnsPrefix(dir)) {
			t.Errorf("killed at %s: namespaces left: %s", after, out)
		}
		if _, err := os.Stat("/sys/class/net/" + strings.TrimSuffix(netnsPrefix(dir), "-")); err == nil {
			t.Errorf("killed at %s: the host veth is left", after)
		}
	}
}

// netnsPrefix is the prefix of the names scripts/lib/swarm-net.sh gives a
// swarm in dir: rj + 6 hex digits of the SHA-1 of dir.
func netnsPrefix(dir string) string {
	return "rj" + fmt.Sprintf("%x", sha1.Sum([]byte(dir)))[:6] + "-"
}
