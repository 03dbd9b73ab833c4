// Command bench measures runjob against the plain docker CLI on the same
// machine, engine and image, in one run, and prints the ratios.
//
//	go run ./bench [-runs 5] [-only chain,parallel] [-keep] [-swarm]
//
// Each scenario runs the baseline and runjob alternately, several times, and
// reports the median, min and max wall time of each, the ratio of medians,
// and runjob's peak RSS (from the kernel's rusage of the child process).
// With -swarm, the swarm scenarios (swarm.go) compare runjob on a 3-node
// Docker Swarm with runjob on the local engine instead.
// Correctness is checked as it goes: a run that fails, or whose output is
// not byte-exact, aborts the benchmark rather than report a fast wrong run.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	runs := flag.Int("runs", 5, "measured runs of each side per scenario (heavy scenarios use fewer)")
	only := flag.String("only", "", "comma-separated scenario names to run (default: all)")
	keep := flag.Bool("keep", false, "keep the work directory")
	withSwarm := flag.Bool("swarm", false, "also measure runjob on a 3-node swarm against the local engine (starts one with scripts/swarm.sh; root)")
	flag.Parse()

	work, err := os.MkdirTemp("", "runjob-bench-")
	check(err)
	if !*keep {
		defer os.RemoveAll(work)
	}
	bin := filepath.Join(work, "runjob")
	out, err := exec.Command("go", "build", "-o", bin, "./cmd/runjob").CombinedOutput()
	if err != nil {
		fatalf("build runjob: %v\n%s", err, out)
	}
	env := &env{bin: bin, work: work}
	env.describe()

	var results []result
	all := scenarios()
	if *withSwarm {
		all = append(all, swarmScenarios()...)
	}
	for _, sc := range all {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), sc.name) {
			continue
		}
		if sc.swarm && env.swarm == nil {
			fmt.Fprintf(os.Stderr, "bench: starting a 3-node swarm (scripts/swarm.sh)...\n")
			env.swarm, err = startSwarm()
			check(err)
			atExit = append(atExit, env.swarm.destroy)
		}
		n := *runs
		if sc.heavy {
			n = max(1, min(n, 3))
		}
		fmt.Fprintf(os.Stderr, "bench: %s (%d runs each)...\n", sc.name, n)
		results = append(results, measure(env, sc, n))
	}
	printTable(os.Stdout, results)
	runAtExit()
}

// atExit is what must happen however the bench ends (the swarm's
// teardown), fatalf included.
var atExit []func()

func runAtExit() {
	for _, f := range slices.Backward(atExit) {
		f()
	}
	atExit = nil
}

func check(err error) {
	if err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	runAtExit()
	os.Exit(1)
}
