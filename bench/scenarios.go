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
	return []scenario{
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
			baseline: func(*env) error {
				for range 10 {
					if err := docker("run", "--rm", image, "echo", "ok"); err != nil {
						return err
					}
				}
				return nil
			},
			runjob: func(e *env) (sample, error) {
				var b strings.Builder
				for i := range 10 {
					fmt.Fprintf(&b, "step \"s%d\" {\n  image = %q\n  command = [\"echo\", \"ok\"]\n", i, image)
					if i > 0 {
						fmt.Fprintf(&b, "  depends_on = [step.s%d]\n", i-1)
					}
					b.WriteString("}\n")
				}
				return runRunjob(e, okLines(10), e.pipelineFile("chain", b.String()))
			},
		},
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
	}
}

func numCPU() int { return runtime.NumCPU() }
