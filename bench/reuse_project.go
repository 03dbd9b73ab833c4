package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
)

// The reuse scenarios run examples/c-project.hcl (8 steps that build and
// test real C code) three ways, in one loop: cold (--no-reuse: every step
// runs), warm with nothing changed (every step reused), and warm after one
// edit of app/main.c (only the steps that read it, and what depends on
// them, run). The store is the work directory's, so the machine's own
// cache is untouched.

const reuseProject = "examples/c-project"

// reuseSetup copies the example into the work dir once, and makes the image.
func reuseSetup(e *env) error {
	if out, err := exec.Command("bash", "scripts/debian-image.sh").CombinedOutput(); err != nil {
		return fmt.Errorf("debian image: %v\n%s", err, out)
	}
	dst := filepath.Join(e.work, "reuse")
	if _, err := os.Stat(dst); err != nil {
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if out, err := exec.Command("cp", "-r", reuseProject, reuseProject+".hcl", dst).CombinedOutput(); err != nil {
			return fmt.Errorf("copy the example: %v: %s", err, out)
		}
	}
	// Fill the store with the project as it is now (the cold runs, with
	// --no-reuse, neither read nor write it).
	_, err := runRunjob(e, statuses(nil), e.reuseArgs()...)
	return err
}

func (e *env) reuseArgs(extra ...string) []string {
	return append([]string{filepath.Join(e.work, "reuse", "c-project.hcl"), "--log-format", "json",
		"--cache-dir", filepath.Join(e.work, "reuse-cache")}, extra...)
}

// edits makes each "one change" run a new version of app/main.c, so it is
// a miss every time (a version seen before would be a hit).
var edits atomic.Int64

func editApp(e *env) error {
	f, err := os.OpenFile(filepath.Join(e.work, "reuse", "c-project", "app", "main.c"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	// Code, not a comment: a comment would leave the binary as it was,
	// and the steps after app would rightly be reused.
	n := edits.Add(1)
	_, err = fmt.Fprintf(f, "int calc_edit_%d(void) { return %d; }\n", n, n)
	return errors.Join(err, f.Close())
}

// statuses checks how many steps ended with each status.
func statuses(want map[string]int) func(io.Reader) error {
	return func(r io.Reader) error {
		got := map[string]int{}
		sc := bufio.NewScanner(r)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var ev struct{ Event, Status string }
			if json.Unmarshal(sc.Bytes(), &ev) == nil && ev.Event == "step_finished" {
				got[ev.Status]++
			}
		}
		for s, n := range want {
			if got[s] != n {
				return fmt.Errorf("statuses %v, want %v", got, want)
			}
		}
		return nil
	}
}

func cold(e *env) error {
	_, err := runRunjob(e, statuses(map[string]int{"ok": 8}), e.reuseArgs("--no-reuse")...)
	return err
}

func reuseScenarios() []scenario {
	return []scenario{
		{
			// baseline: the cold run; runjob: the same run again, unchanged.
			name: "c-project warm unchanged", target: "<= 0.10x, < 0.5 s", heavy: true,
			setup: reuseSetup, baseline: cold,
			runjob: func(e *env) (sample, error) {
				return runRunjob(e, statuses(map[string]int{"reused": 8}), e.reuseArgs()...)
			},
		},
		{
			// app, smoke, package and checksum read app/main.c or what was
			// made from it; lint reads every source.
			name: "c-project warm one edit", target: "only the affected steps run", heavy: true,
			setup: reuseSetup, baseline: cold,
			runjob: func(e *env) (sample, error) {
				if err := editApp(e); err != nil {
					return sample{}, err
				}
				return runRunjob(e, statuses(map[string]int{"ok": 5, "reused": 3}), e.reuseArgs()...)
			},
		},
	}
}
