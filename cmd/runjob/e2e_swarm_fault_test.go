package main

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
	"github.com/runjob/runjob/executor/swarm"
)

// startOnSwarm starts runjob on s in the background (see start), and
// checks, once it has a run ID, that nothing of it is left on the swarm.
func startOnSwarm(t *testing.T, s *dockertest.Swarm, args ...string) *proc {
	t.Helper()
	return start(t, s.TCPEnv(0), append([]string{"--engine", "swarm"}, args...)...)
}

// stepStarted matches the step_started event of step.
func stepStarted(step string) func(map[string]any) bool {
	return func(ev map[string]any) bool { return ev["event"] == "step_started" && ev["step"] == step }
}

// allOutput matches the event that completes the set of steps that
// printed line (in any order).
func allOutput(line string, steps ...string) func(map[string]any) bool {
	left := map[string]bool{}
	for _, s := range steps {
		left[s] = true
	}
	return func(ev map[string]any) bool {
		if ev["event"] == "output" && ev["line"] == line {
			delete(left, fmt.Sprint(ev["step"]))
		}
		return len(left) == 0
	}
}

// pauseContainers lists the reservation containers of run runID on every
// node (they carry the name of the container they reserve for).
func pauseContainers(t *testing.T, s *dockertest.Swarm, runID string) []string {
	t.Helper()
	var out []string
	for i, n := range s.Nodes {
		cli, err := s.Client(i)
		if err != nil {
			t.Fatal(err)
		}
		res, err := cli.ContainerList(context.Background(), client.ContainerListOptions{All: true,
			Filters: make(client.Filters).Add("label", swarm.LabelReservation)})
		_ = cli.Close()
		if err != nil {
			t.Fatalf("%s: %v", n.Name, err)
		}
		for _, c := range res.Items {
			if strings.HasPrefix(c.Labels[swarm.LabelReservation], "runjob-"+runID+"-") {
				out = append(out, n.Name+" "+c.Labels[swarm.LabelReservation])
			}
		}
	}
	return out
}

// A node whose engine dies mid-step ends that step as an engine error
// naming the node, within seconds (not when its sleep would have ended);
// the step on another node finishes, the dependents are skipped, the run
// ends with exit 3. Once the node is back, prune removes what was left on
// it.
func TestSwarmNodeKilledMidStep(t *testing.T) {
	s := dockertest.StartSwarm(t)
	p := write(t, `
step "doomed" {
  image     = "busybox:latest"
  command   = ["sh", "-c", "echo started; sleep 300"]
  placement { constraints = ["node.hostname==rj-n2"] }
}
step "after" {
  image      = "busybox:latest"
  command    = ["true"]
  depends_on = [step.doomed]
}
step "survivor" {
  image     = "busybox:latest"
  command   = ["sh", "-c", "sleep 3; echo survived"]
  placement { constraints = ["node.hostname==rj-n3"] }
}`)
	run := startOnSwarm(t, s, p)
	run.waitFor(t, "doomed's output", output("doomed", "started"))
	if err := s.KillNode(1); err != nil {
		t.Fatal(err)
	}
	code := run.waitWithin(t, 90*time.Second)
	s.NoLeftovers(t, run.runID)
	stderr := run.stderr.String()
	if code != 3 || !strings.Contains(stderr, "swarm node rj-n2 ("+s.Nodes[1].TCP+") was lost") {
		t.Fatalf("exit %d, want 3 naming the lost node\n%s", code, stderr)
	}
	var results []string
	for _, ev := range run.seen {
		if ev["event"] == "step_finished" {
			results = append(results, fmt.Sprintf("%s=%s", ev["step"], ev["status"]))
			if ev["step"] == "doomed" {
				d, _ := ev["duration_ms"].(float64)
				if d > 120000 {
					t.Errorf("doomed ended after %.0fms: not when its node was lost", d)
				}
				t.Logf("doomed: %.0fms, %v", d, ev["error"])
			}
		}
	}
	slices.Sort(results)
	if want := []string{"after=skipped", "doomed=error", "survivor=ok"}; !slices.Equal(results, want) {
		t.Errorf("results %v, want %v", results, want)
	}
	if err := s.StartNode(1); err != nil {
		t.Fatal(err)
	}
	r := runjob(t, s.TCPEnv(0), "--engine", "swarm", "prune")
	if r.code != 0 {
		t.Errorf("prune: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// A drained node gets no new steps: they go to the active nodes, and a
// step that only a drained node may run is an error that says so.
func TestSwarmDrainedNodeGetsNoSteps(t *testing.T) {
	s := dockertest.StartSwarm(t)
	ctx := context.Background()
	for _, i := range []int{1, 2} {
		if err := s.Drain(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	p := write(t, `
step "fan" {
  for_each = toset(["1", "2", "3", "4", "5"])
  image    = "busybox:latest"
  command  = ["echo", "ran"]
}
step "pinned" {
  image     = "busybox:latest"
  command   = ["true"]
  placement { constraints = ["node.hostname==rj-n3"] }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "-j", "6", "--log-format", "plain")
	if r.code != 3 || strings.Count(r.stdout, "ran") != 5 || !strings.Contains(r.stderr, "rj-n3: drain") {
		t.Fatalf("exit %d, want 3 (pinned to a drained node)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	for step, ns := range stepNodes(t, s, r.runID, since) {
		if !slices.Equal(ns, []string{"rj-n1"}) {
			t.Errorf("%s ran on %v, want only rj-n1 (the others are drained)", step, ns)
		}
	}
}

// Ctrl-C while steps run on every node and a service serves them: the run
// ends with 130 and leaves nothing on any node: no container, reservation
// service or its pause container, network or volume.
func TestSwarmInterruptLeavesNothing(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	name := uniqueLabel(t)
	p := write(t, `
pipeline { name = "`+name+`" }
service "svc" {
  image   = "busybox:latest"
  command = ["sleep", "300"]
}
step "long" {
  for_each   = toset(["rj-n1", "rj-n2", "rj-n3"])
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo started; sleep 300"]
  depends_on = [service.svc]
  placement { constraints = ["node.hostname==${each.key}"] }
}
step "next" {
  image      = "busybox:latest"
  command    = ["true"]
  depends_on = [step.long]
}`)
	run := startOnSwarm(t, s, p, "-j", "4")
	run.waitFor(t, "the three long steps to start", allOutput("started", "long[rj-n1]", "long[rj-n2]", "long[rj-n3]"))
	run.signal(t, syscall.SIGINT)
	if code := run.wait(t); code != 130 {
		t.Fatalf("exit %d, want 130\n%s", code, run.stderr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if left, err := s.WaitNoLeftovers(ctx, run.runID); err != nil || len(left) > 0 {
		t.Errorf("left after Ctrl-C: %v %v", left, err)
	}
	if left := pauseContainers(t, s, run.runID); len(left) > 0 {
		t.Errorf("reservation containers left after Ctrl-C: %v", left)
	}
	removeSwarmCaches(t, s, name)
}

// removeSwarmCaches removes a pipeline's cache volumes from the swarm.
func removeSwarmCaches(t *testing.T, s *dockertest.Swarm, pipeline string) {
	t.Helper()
	r := runjob(t, s.TCPEnv(0), "--engine", "swarm", "cache", "prune", "--pipeline", pipeline)
	if r.code != 0 {
		t.Errorf("cache prune: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// A runjob killed with SIGKILL leaves its containers, reservations and
// network on the swarm; `runjob prune` finds and removes them on every
// node.
func TestSwarmPruneAcrossNodes(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
service "svc" {
  image   = "busybox:latest"
  command = ["sleep", "300"]
}
step "long" {
  for_each   = toset(["rj-n1", "rj-n2", "rj-n3"])
  image      = "busybox:latest"
  command    = ["sh", "-c", "echo started; sleep 300"]
  depends_on = [service.svc]
  placement { constraints = ["node.hostname==${each.key}"] }
}`)
	run := startOnSwarm(t, s, p, "-j", "4")
	run.waitFor(t, "the three long steps to start", allOutput("started", "long[rj-n1]", "long[rj-n2]", "long[rj-n3]"))
	run.signal(t, syscall.SIGKILL)
	run.wait(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	left, err := s.Leftovers(ctx, run.runID)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, l := range left {
		kinds = append(kinds, strings.Fields(l)[1])
	}
	for _, want := range []string{"container", "service", "network"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("a killed run left no %s: %v", want, left)
		}
	}
	// The next run says what the dead one left, on any node.
	next := write(t, `
step "next" {
  image   = "busybox:latest"
  command = ["true"]
}`)
	if r := runOnSwarm(t, s, nil, next, "--log-format", "plain"); r.code != 0 || !strings.Contains(r.stderr, "earlier runjob run(s) that are no longer running remain on the engine") {
		t.Errorf("the next run does not warn of the leftovers: exit %d\n%s", r.code, r.stderr)
	}
	r := runjob(t, s.TCPEnv(0), "--engine", "swarm", "prune", "--run", run.runID)
	if r.code != 0 || !strings.Contains(r.stdout, "removed service runjob-reserve-") {
		t.Errorf("prune: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	s.NoLeftovers(t, run.runID)
}

// The manager is the swarm: when its engine dies the run ends as when a
// local engine goes away (exit 3, engine unavailable, naming it); once it
// is back, prune removes what could not be removed without it.
func TestSwarmManagerLostEndsTheRun(t *testing.T) {
	s := dockertest.StartSwarm(t)
	p := write(t, `
step "long" {
  image     = "busybox:latest"
  command   = ["sh", "-c", "echo started; sleep 300"]
  placement { constraints = ["node.hostname==rj-n2"] }
}`)
	run := startOnSwarm(t, s, p)
	run.waitFor(t, "long's output", output("long", "started"))
	if err := s.KillNode(0); err != nil {
		t.Fatal(err)
	}
	code := run.waitWithin(t, 90*time.Second)
	stderr := run.stderr.String()
	if code != 3 || !strings.Contains(stderr, "engine unavailable") || !strings.Contains(stderr, s.Nodes[0].TCP) {
		t.Fatalf("exit %d, want 3 naming the manager\n%s", code, stderr)
	}
	if err := s.StartNode(0); err != nil {
		t.Fatal(err)
	}
	s.NoLeftovers(t, run.runID)
	r := runjob(t, s.TCPEnv(0), "--engine", "swarm", "prune")
	if r.code != 0 {
		t.Errorf("prune: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// nodePID is the pid of node i's dockerd, from scripts/swarm.sh status.
func nodePID(t *testing.T, s *dockertest.Swarm, i int) int {
	t.Helper()
	out, err := exec.Command("bash", "../../scripts/swarm.sh", "status", s.Dir).Output()
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("NODE%d_PID=", i+1)
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, key); ok {
			pid, err := strconv.Atoi(v)
			if err != nil {
				t.Fatal(err)
			}
			return pid
		}
	}
	t.Fatalf("no %s in the swarm's status:\n%s", key, out)
	return 0
}

// A node that hangs (its dockerd frozen: connections stay open, nothing
// answers, as a node cut off the network) is lost once Swarm sees it
// down: its step ends as an engine error naming the node, the run ends
// (exit 3) rather than hang, and the others ran.
func TestSwarmHungNodeIsLost(t *testing.T) {
	s := dockertest.StartSwarm(t)
	p := write(t, `
step "stuck" {
  image     = "busybox:latest"
  command   = ["sh", "-c", "echo started; sleep 300"]
  placement { constraints = ["node.hostname==rj-n2"] }
}
step "other" {
  image     = "busybox:latest"
  command   = ["sh", "-c", "sleep 2; echo fine"]
  placement { constraints = ["node.hostname==rj-n3"] }
}`)
	run := startOnSwarm(t, s, p)
	run.waitFor(t, "stuck's output", output("stuck", "started"))
	pid := nodePID(t, s, 1)
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGCONT) })
	code := run.waitWithin(t, 2*time.Minute)
	_ = syscall.Kill(pid, syscall.SIGCONT)
	stderr := run.stderr.String()
	if code != 3 || !strings.Contains(stderr, "swarm node rj-n2 ("+s.Nodes[1].TCP+") was lost: the swarm manager reports it down") {
		t.Fatalf("exit %d, want 3 naming the hung node\n%s", code, stderr)
	}
	for _, ev := range run.seen {
		if ev["event"] == "step_finished" && ev["step"] == "other" && ev["status"] != "ok" {
			t.Errorf("other: %v", ev["status"])
		}
		if ev["event"] == "step_finished" && ev["step"] == "stuck" {
			t.Logf("stuck: %v after %vms", ev["status"], ev["duration_ms"])
		}
	}
	// Once the node answers again, prune removes what was left there.
	waitUntil(t, "rj-n2 to answer", func() bool {
		cli, err := s.Client(1)
		if err != nil {
			return false
		}
		defer cli.Close()
		_, err = cli.Ping(context.Background(), client.PingOptions{})
		return err == nil
	})
	if r := runjob(t, s.TCPEnv(0), "--engine", "swarm", "prune"); r.code != 0 {
		t.Errorf("prune: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	s.NoLeftovers(t, run.runID)
}
