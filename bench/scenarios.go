package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

const image = "busybox:latest"

// scenario is one workload measured on both sides.
type scenario struct {
	name   string
	target string // the goal from the performance issue, for the table
	heavy  bool   // fewer runs: each takes many seconds
	setup  func(*env) error
	// baseline does the same work with the docker CLI; nil when there is
	// no CLI equivalent (loading a pipeline).
	baseline func(*env) error
	runjob   func(*env) (sample, error)
	// reference, when set, is a second docker CLI workload measured in the
	// same loop (e.g. the default bridge beside --network none), named
	// refName in the table.
	reference func(*env) error
	refName   string
	// swarm: the runjob side runs on the bench's swarm (swarm.go), the
	// baseline is runjob on the local engine.
	swarm bool
}

// chainSrc is a pipeline of 10 steps each depending on the one before;
// extra goes into every step.
func chainSrc(extra string) string { return chainEach(func(int) string { return extra }) }

// chainEach is chainSrc with extra(i) in step i.
func chainEach(extra func(i int) string) string {
	var b strings.Builder
	for i := range 10 {
		fmt.Fprintf(&b, "step \"s%d\" {\n  image = %q\n  command = [\"echo\", \"ok\"]\n%s", i, image, extra(i))
		if i > 0 {
			fmt.Fprintf(&b, "  depends_on = [step.s%d]\n", i-1)
		}
		b.WriteString("}\n")
	}
	return b.String()
}

// dockerChain runs 10 containers one after another with the docker CLI.
func dockerChain(flags ...string) func(*env) error {
	args := append(append([]string{"run", "--rm"}, flags...), image, "echo", "ok")
	return func(*env) error {
		for range 10 {
			if err := docker(args...); err != nil {
				return err
			}
		}
		return nil
	}
}

// pipelineFile writes src to the work dir and returns its path.
func (e *env) pipelineFile(name, src string) string {
	p := filepath.Join(e.work, name+".hcl")
	check(os.WriteFile(p, []byte(src), 0o644))
	return p
}

// countSteps verifies runjob printed n lines of the form "<step> | ok".
func okLines(n int) func(io.Reader) error {
	return func(r io.Reader) error {
		got := 0
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.HasSuffix(sc.Text(), "| ok") {
				got++
			}
		}
		if got != n {
			return fmt.Errorf("%d steps printed ok, want %d", got, n)
		}
		return nil
	}
}

func scenarios() []scenario {
	return append([]scenario{
		{
			name: "1 step", target: "<= 1.0x",
			baseline: func(*env) error { return docker("run", "--rm", image, "echo", "ok") },
			runjob: func(e *env) (sample, error) {
				p := e.pipelineFile("one", `step "s" {
  image   = "busybox:latest"
  command = ["echo", "ok"]
}`)
				return runRunjob(e, okLines(1), p)
			},
		},
		{
			name: "10-step chain", target: "<= 0.85x",
			baseline: dockerChain(),
			runjob: func(e *env) (sample, error) {
				return runRunjob(e, okLines(10), e.pipelineFile("chain", chainSrc("")))
			},
		},
		{
			// Hermetic steps: against docker run --network none, and beside
			// the default bridge, to show what skipping the endpoint saves.
			name: "10-step chain network none", target: "<= 0.85x",
			baseline:  dockerChain("--network", "none"),
			reference: dockerChain(), refName: "docker run (bridge)",
			runjob: func(e *env) (sample, error) {
				return runRunjob(e, okLines(10), e.pipelineFile("chain-none", chainSrc("  network = \"none\"\n")))
			},
		},
		reuseChains()[0],
		reuseChains()[1],
		{
			name: "20 parallel sleep 1", target: "<= 1.0x",
			baseline: func(*env) error {
				var wg sync.WaitGroup
				errs := make(chan error, 20)
				for range 20 {
					wg.Go(func() { errs <- docker("run", "--rm", image, "sh", "-c", "sleep 1; echo ok") })
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					if err != nil {
						return err
					}
				}
				return nil
			},
			runjob: func(e *env) (sample, error) {
				var b strings.Builder
				for i := range 20 {
					fmt.Fprintf(&b, "step \"s%02d\" {\n  image = %q\n  command = [\"sh\", \"-c\", \"sleep 1; echo ok\"]\n}\n", i, image)
				}
				return runRunjob(e, okLines(20), e.pipelineFile("parallel", b.String()), "-j", "20")
			},
		},
		bigOutput(),
		bigArtifact(),
		bigInput(),
		loadPlan(),
	}, reuseScenarios()...)
}

func numCPU() int { return runtime.NumCPU() }
