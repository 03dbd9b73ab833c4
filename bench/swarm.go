package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// The swarm scenarios measure what running on a Docker Swarm costs per
// step, side by side in one run: the same pipeline with --engine swarm on
// a 3-node swarm of private dockerds that the bench starts itself
// (scripts/swarm.sh, root only); with --engine docker on one of those
// nodes' engines alone, reached the same way (TLS, its own dockerd): the
// baseline, so that the ratio is the swarm backend's own overhead
// (reservation, placement, the manager's API) and not a difference
// between engines; and on the shared local engine, as the reference. The
// nodes run on this machine: no network's latency is in the figures.

// swarmCluster is the bench's swarm: the environment that points runjob at
// its manager, and the directory scripts/swarm.sh keeps it in.
type swarmCluster struct {
	dir string
	env []string
	// node points runjob at node 1's engine alone.
	node []string
}

// startSwarm starts the bench's swarm in a short directory.
func startSwarm() (*swarmCluster, error) {
	dir, err := os.MkdirTemp("/tmp", "rjb-")
	if err != nil {
		return nil, err
	}
	out, err := exec.Command("bash", "scripts/swarm.sh", "start", dir).Output()
	if err != nil {
		_ = exec.Command("bash", "scripts/swarm.sh", "destroy", dir).Run()
		return nil, fmt.Errorf("scripts/swarm.sh start: %v", err)
	}
	kv := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			kv[k] = v
		}
	}
	if kv["MANAGER_TCP"] == "" || kv["TLS_DIR"] == "" {
		_ = exec.Command("bash", "scripts/swarm.sh", "destroy", dir).Run()
		return nil, fmt.Errorf("scripts/swarm.sh start: no MANAGER_TCP or TLS_DIR in\n%s", out)
	}
	// The one-engine baseline's node needs the image; the swarm copies it
	// to its nodes itself.
	if out, err := exec.Command("bash", "scripts/swarm.sh", "load", dir, image, "1").CombinedOutput(); err != nil {
		_ = exec.Command("bash", "scripts/swarm.sh", "destroy", dir).Run()
		return nil, fmt.Errorf("scripts/swarm.sh load: %v\n%s", err, out)
	}
	tls := []string{"DOCKER_TLS_VERIFY=1", "DOCKER_CERT_PATH=" + kv["TLS_DIR"]}
	return &swarmCluster{dir: dir, env: append([]string{"DOCKER_HOST=" + kv["MANAGER_TCP"], "RUNJOB_ENGINE=swarm"}, tls...),
		node: append([]string{"DOCKER_HOST=" + kv["NODE1_TCP"], "RUNJOB_ENGINE=docker"}, tls...)}, nil
}

// destroy stops the swarm's processes by their pids and removes its
// directory.
func (c *swarmCluster) destroy() {
	if out, err := exec.Command("bash", "scripts/swarm.sh", "destroy", c.dir).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "bench: destroy the swarm in %s: %v\n%s", c.dir, err, out)
	}
}

// swarmScenario measures the pipeline src, whose steps each print ok, on
// the swarm, on one of its nodes alone, and on the local engine.
func swarmScenario(name, file, src string, steps int, args ...string) scenario {
	return scenario{
		name: "swarm: " + name, target: "-", swarm: true,
		baseline: func(e *env) error {
			_, err := runRunjobEnv(e, e.swarm.node, okLines(steps), append([]string{e.pipelineFile(file, src)}, args...)...)
			return err
		},
		runjob: func(e *env) (sample, error) {
			return runRunjobEnv(e, e.swarm.env, okLines(steps), append([]string{e.pipelineFile(file, src)}, args...)...)
		},
		reference: func(e *env) error {
			_, err := runRunjob(e, okLines(steps), append([]string{e.pipelineFile(file, src)}, args...)...)
			return err
		},
		refName: "runjob on the local engine",
	}
}

// swarmScenarios are the swarm's three: one step, a 10-step chain, 20
// parallel steps.
func swarmScenarios() []scenario {
	var par strings.Builder
	for i := range 20 {
		fmt.Fprintf(&par, "step \"s%02d\" {\n  image = %q\n  command = [\"sh\", \"-c\", \"sleep 1; echo ok\"]\n}\n", i, image)
	}
	return []scenario{
		swarmScenario("1 step", "swarm-one", "step \"s\" {\n  image   = \"busybox:latest\"\n  command = [\"echo\", \"ok\"]\n}\n", 1),
		swarmScenario("10-step chain", "swarm-chain", chainSrc(""), 10),
		swarmScenario("20 parallel sleep 1", "swarm-parallel", par.String(), 20, "-j", "20"),
	}
}
