package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/executor/docker/dockertest"
)

// chaosPipeline mixes what a run can be doing when the signal lands:
// parallel steps, a 3-step chain handing an artifact on as an input, and a
// service with a health check that a step fetches from by name.
const chaosPipeline = webService + `
step "par1" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 1; echo par1"]
}
step "par2" {
  image   = "busybox:latest"
  command = ["sh", "-c", "sleep 1; echo par2"]
}
step "chain1" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir -p /out && echo payload > /out/f && sleep 0.5"]
  artifact "out" {
    path = "/out"
  }
}
step "chain2" {
  image   = "busybox:latest"
  command = ["sh", "-c", "cat /in/f; sleep 0.5"]
  input "out" {
    from = step.chain1.artifact.out
    to   = "/in"
  }
}
step "chain3" {
  image      = "busybox:latest"
  depends_on = [step.chain2]
  command    = ["echo", "chain done"]
}
step "fetch" {
  image      = "busybox:latest"
  depends_on = [service.web]
  command    = ["wget", "-qO-", "http://web:8080/"]
}
`

var signalNames = map[syscall.Signal]string{syscall.SIGINT: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGKILL: "SIGKILL"}

// TestChaos interrupts runs of a mixed pipeline at random moments with
// SIGINT, SIGTERM or SIGKILL (0.2-4.5 s after start; an undisturbed run takes
// about 4 s), and checks that a caught signal ends the run
// with 130 and nothing left, and that `runjob prune` clears what a SIGKILL
// left. Opt-in (RUNJOB_CHAOS=1, `make chaos`): 100 runs take minutes.
func TestChaos(t *testing.T) {
	if os.Getenv("RUNJOB_CHAOS") != "1" {
		t.Skip("chaos test is opt-in: run `make chaos` (or set RUNJOB_CHAOS=1)")
	}
	eng := dockertest.Engine(t)
	runs := envInt(t, "RUNJOB_CHAOS_RUNS", 100)
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("RUNJOB_CHAOS_SEED"); s != "" {
		seed = uint64(envInt(t, "RUNJOB_CHAOS_SEED", 0))
	}
	t.Logf("RUNJOB_CHAOS_SEED=%d RUNJOB_CHAOS_RUNS=%d", seed, runs)
	rng := rand.New(rand.NewPCG(seed, seed))
	file := write(t, chaosPipeline)
	signals := []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL}
	sent := map[syscall.Signal]int{}
	finished, leftovers := 0, 0
	var total, longest time.Duration
	for i := range runs {
		sig := signals[rng.IntN(len(signals))]
		delay := 200*time.Millisecond + time.Duration(rng.Int64N(int64(4300*time.Millisecond)))
		began := time.Now()
		code, runIDs := chaosRun(t, eng, file, sig, delay)
		var pruned []string
		what := "run " + strconv.Itoa(i) + " (" + signalNames[sig] + " after " + delay.Round(time.Millisecond).String() + ")"
		sent[sig]++
		switch {
		case code == 0:
			finished++
		case sig == syscall.SIGKILL && code == -1:
			for _, id := range runIDs {
				r := runjobNoCheck("prune", "--run", id)
				pruned = append(pruned, r.stdout+r.stderr)
				if r.code != 0 {
					t.Errorf("%s: prune --run %s: exit %d\n%s%s", what, id, r.code, r.stdout, r.stderr)
				}
			}
		case sig != syscall.SIGKILL && code == 130:
		default:
			t.Errorf("%s: exit %d, want 130 (or 0 if it finished first)", what, code)
		}
		for _, id := range runIDs {
			left, err := eng.Resources(context.Background(), map[string]string{executor.LabelRunID: id})
			if err != nil {
				t.Fatalf("%s: list resources of run %s: %v", what, id, err)
			}
			for _, r := range left {
				leftovers++
				t.Errorf("%s: run %s left %s %s (prune said: %q)", what, id, r.Kind, r.Name, pruned)
			}
		}
		took := time.Since(began)
		total, longest = total+took, max(longest, took)
		t.Logf("%s: exit %d, runs %v, %s", what, code, runIDs, took.Round(time.Millisecond))
	}
	t.Logf("chaos: %d runs (seed %d): SIGINT %d, SIGTERM %d, SIGKILL %d; finished before the signal %d; leftovers %d; per run %s on average, %s at most",
		runs, seed, sent[syscall.SIGINT], sent[syscall.SIGTERM], sent[syscall.SIGKILL], finished, leftovers,
		(total / time.Duration(max(runs, 1))).Round(time.Millisecond), longest.Round(time.Millisecond))
}

// chaosRun starts runjob on file, sends sig after delay and returns its
// exit code (-1: killed) and the IDs of the runs it started: the run_id of
// its JSON log, or, when it died before logging one, those the engine
// labels with its pid on this host.
func chaosRun(t *testing.T, eng *docker.Engine, file string, sig syscall.Signal, delay time.Duration) (int, []string) {
	t.Helper()
	cmd := exec.Command(binary, file, "--log-format", "json", "-j", "4", "--artifacts", t.TempDir())
	var stdout, stderr syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done: // finished before the signal
	case <-time.After(delay):
		if serr := cmd.Process.Signal(sig); serr != nil && !errors.Is(serr, os.ErrProcessDone) {
			t.Fatal(serr)
		}
		select {
		case err = <-done:
		case <-time.After(60 * time.Second):
			_ = cmd.Process.Kill()
			<-done
			t.Fatalf("hang: runjob did not exit within 60s of %s sent %s after start\n%s", sig, delay, stderr.String())
		}
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	if id := firstRunID(stdout.String()); id != "" {
		ids[id] = true
	}
	host, _ := os.Hostname()
	mine, lerr := eng.Resources(context.Background(), map[string]string{
		executor.LabelPID: strconv.Itoa(cmd.Process.Pid), executor.LabelHost: host})
	if lerr != nil {
		t.Fatalf("list resources of pid %d: %v", cmd.Process.Pid, lerr)
	}
	for _, r := range mine {
		ids[r.Labels[executor.LabelRunID]] = true
	}
	var out []string
	for id := range ids {
		// Whatever the checks find is removed after the test, and fails it.
		dockertest.NoLeftovers(t, eng, id)
		out = append(out, id)
	}
	if code != 0 && code != 130 && code != -1 {
		t.Logf("stderr of the run:\n%s", stderr.String())
	}
	return code, out
}

// firstRunID is the run_id of the first JSON line that has one; a line cut
// short by SIGKILL is skipped.
func firstRunID(stdout string) string {
	sc := bufio.NewScanner(strings.NewReader(stdout))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var ev map[string]any
		if json.Unmarshal(sc.Bytes(), &ev) == nil {
			if id, ok := ev["run_id"].(string); ok && id != "" {
				return id
			}
		}
	}
	return ""
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s=%q: not an integer", name, s)
	}
	return n
}
