package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// binary is runjob built once for the end-to-end tests, which run it as a
// user would: a process with real exit codes, stdout and stderr.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "runjob-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "runjob")
	// No test writes to the user's cache: a test that reuses steps names
	// its own store, the others share this one.
	_ = os.Setenv("RUNJOB_CACHE_DIR", filepath.Join(dir, "cache"))
	if out, err := exec.Command("go", "build", "-buildvcs=auto", "-o", binary, ".").CombinedOutput(); err != nil {
		panic("build runjob: " + err.Error() + "\n" + string(out))
	}
	// The swarm tests share one swarm, torn down when the tests end.
	code := dockertest.SwarmMain(m)
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	code           int
	stdout, stderr string
	runID          string
}

var runIDPattern = regexp.MustCompile(`\(run ([0-9]{8}-[0-9]{6}-[0-9a-f]{6})\)`)

// runjob runs the binary with env added to the environment. When the run
// reached the engine, a leftover check for its run ID is registered.
func runjob(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runjobOn(t, nil, env, args...)
}

// runjobOn is runjob for a run on eng (nil: the shared engine).
func runjobOn(t *testing.T, eng *docker.Engine, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	if m := runIDPattern.FindStringSubmatch(r.stderr); m != nil {
		r.runID = m[1]
		if eng == nil {
			eng = dockertest.Engine(t)
		}
		dockertest.NoLeftovers(t, eng, r.runID)
	}
	return r
}

// write puts a pipeline file in a temp dir and returns its path.
func write(t *testing.T, src string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "pipeline.hcl")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// events parses a --log-format json stdout into its objects.
func events(t *testing.T, stdout string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("stdout line is not JSON: %q: %v", sc.Text(), err)
		}
		out = append(out, m)
	}
	return out
}

// index returns the position of the first event with the given fields.
func index(evs []map[string]any, fields ...string) int {
	for i, e := range evs {
		ok := true
		for j := 0; j < len(fields); j += 2 {
			if e[fields[j]] != fields[j+1] {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}
