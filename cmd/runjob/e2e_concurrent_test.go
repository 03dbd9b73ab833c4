package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// handOn exports an artifact holding the run's value (and MB megabytes of
// zeros) and checks, inside the consumer's container, that it received
// its own run's value.
const handOn = `
variable "v" {
  default = ""
}
variable "mb" {
  default = "0"
}
step "gen" {
  image  = "busybox:latest"
  env    = { V = var.v, MB = var.mb }
  script = "mkdir -p /out && head -c $((MB * 1000000)) /dev/zero > /out/big && echo \"$V\" > /out/file"
  artifact "out" {
    path = "/out"
  }
}
step "use" {
  image  = "busybox:latest"
  env    = { V = var.v }
  script = "grep -qx \"$V\" /in/file || exit 9"
  input "in" {
    from = step.gen.artifact.out
    to   = "/in"
  }
}
`

// Pairs of runs of one pipeline, started at once in one directory, each
// hand their own data on: no step ever reads the other run's artifact, and
// the shared artifacts directory ends with one run's complete artifact.
func TestConcurrentRunsNeverMixArtifacts(t *testing.T) {
	dockertest.Engine(t)
	file := write(t, handOn)
	arts := filepath.Join(filepath.Dir(file), ".runjob", "artifacts")
	for i := range 10 {
		values := []string{fmt.Sprintf("AAA-%d", i), fmt.Sprintf("BBB-%d", i)}
		results := make([]result, len(values))
		var wg sync.WaitGroup
		for j, v := range values {
			wg.Go(func() { results[j] = runjobNoCheck(file, "--var", "v="+v) })
		}
		wg.Wait()
		for j, r := range results {
			if r.runID != "" {
				dockertest.NoLeftovers(t, dockertest.Engine(t), r.runID)
			}
			if r.code != 0 {
				t.Fatalf("pair %d, v=%s: exit %d\n%s\n%s", i, values[j], r.code, r.stdout, r.stderr)
			}
		}
		got := completeArtifact(t, filepath.Join(arts, "gen", "out"))
		if got != values[0] && got != values[1] {
			t.Fatalf("pair %d: the artifacts directory holds %q, want one of %q", i, got, values)
		}
		noStaging(t, arts)
	}
}

// A runjob killed (-9) in the middle of exporting a large artifact leaves
// the previous complete artifact where the user and later runs read it,
// and the next run works and removes what the killed one staged.
func TestKilledExportLeavesNoHalfArtifact(t *testing.T) {
	dockertest.Engine(t)
	file := write(t, handOn)
	arts := filepath.Join(filepath.Dir(file), ".runjob", "artifacts")
	dest := filepath.Join(arts, "gen", "out")
	if r := runjob(t, nil, file, "--var", "v=OLD"); r.code != 0 {
		t.Fatalf("first run: exit %d\n%s", r.code, r.stderr)
	}

	p := start(t, nil, file, "--var", "v=NEW", "--var", "mb=200")
	p.waitFor(t, "the run's start", func(ev map[string]any) bool { return ev["run_id"] != nil })
	var staged string
	waitUntil(t, "the export to start", func() bool {
		m, _ := filepath.Glob(filepath.Join(executor.StagingDir(arts), "*", "gen", "out", "big"))
		if len(m) == 0 {
			return false
		}
		fi, err := os.Stat(m[0])
		staged = m[0]
		return err == nil && fi.Size() > 0
	})
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != -1 {
		t.Fatalf("killed runjob exited %d", code)
	}
	fi, err := os.Stat(staged)
	if err != nil {
		t.Fatalf("the killed run's staging is gone: %v", err)
	}
	t.Logf("killed with %d of 200000000 bytes staged", fi.Size())
	if got := completeArtifact(t, dest); got != "OLD" && got != "NEW" {
		t.Fatalf("after the kill the artifact holds %q", got)
	}
	if r := runjobNoCheck("prune", "--run", p.runID); r.code != 0 {
		t.Fatalf("prune: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	if r := runjob(t, nil, file, "--var", "v=LATER"); r.code != 0 {
		t.Fatalf("later run: exit %d\n%s", r.code, r.stderr)
	}
	if got := completeArtifact(t, dest); got != "LATER" {
		t.Fatalf("the later run's artifact holds %q", got)
	}
	noStaging(t, arts)
}

// completeArtifact checks that dir is a whole artifact, exactly as its
// manifest describes it, and returns the value it holds.
func completeArtifact(t *testing.T, dir string) string {
	t.Helper()
	m, err := artifacts.ReadManifest(dir + ".manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := artifacts.Verify(dir, m); err != nil {
		t.Fatalf("the artifact is not what its manifest says: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "file"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// noStaging checks that no staging is left once every run ended.
func noStaging(t *testing.T, arts string) {
	t.Helper()
	if _, err := os.Stat(executor.StagingDir(arts)); !os.IsNotExist(err) {
		left, _ := filepath.Glob(filepath.Join(executor.StagingDir(arts), "*"))
		t.Fatalf("staging left behind: %v %v", err, left)
	}
}
