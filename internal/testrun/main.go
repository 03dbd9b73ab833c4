// Command testrun runs go test as make test and make test-swarm do, and
// keeps one known engine fault from failing the run: Docker 20.10's
// libnetwork deadlock (dump.go). A run is not retried for anything else.
//
//	go run ./internal/testrun [-rounds N] [-max-restarts N] -- GO-TEST-ARGS...
//
// While go test runs, a watchdog lists the shared engine's networks every
// 15 s. When that hangs twice in a row it asks dockerd for its goroutines
// (SIGUSR1), and only if they show the deadlock it restarts dockerd (by the
// pid in scripts/setup.sh's pidfile, through `scripts/setup.sh --restart`).
// When go test then fails, and the engine was restarted during that round,
// the packages that failed are run again (after removing what the stranded
// runs left on the engine), up to -rounds rounds in all. The exit code is
// go test's, of the last round.
//
// The watchdog runs only against the engine scripts/setup.sh started (the
// pidfile names a running dockerd and DOCKER_HOST is unset or its socket):
// another engine (Podman's, a developer's own dockerd) is never signalled.
// Environment: RUNJOB_DOCKERD_PIDFILE and RUNJOB_DOCKERD_LOG, as for
// scripts/setup.sh.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

const localSock = "/var/run/docker.sock"

func main() {
	rounds := flag.Int("rounds", 3, "at most this many go test rounds")
	maxRestarts := flag.Int("max-restarts", 3, "restart a deadlocked engine at most this many times")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: testrun [-rounds N] [-max-restarts N] -- GO-TEST-ARGS...")
		os.Exit(2)
	}
	r := runner{goCmd: "go", rounds: *rounds, w: newWatchdog(*maxRestarts), clean: cleanLeftovers, stdout: os.Stdout}
	os.Exit(r.run(flag.Args()))
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "testrun: %s: %s\n", time.Now().UTC().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// newWatchdog returns the shared engine's watchdog, or nil (and says why)
// when the engine is not the one setup.sh started.
func newWatchdog(maxRestarts int) *watchdog {
	d := dockerd{
		sock:    localSock,
		pidfile: envOr("RUNJOB_DOCKERD_PIDFILE", "/var/run/runjob-dockerd.pid"),
		logfile: envOr("RUNJOB_DOCKERD_LOG", "/var/log/runjob-dockerd.log"),
		setup:   "scripts/setup.sh",
	}
	if h := os.Getenv("DOCKER_HOST"); h != "" && h != "unix://"+localSock {
		logf("not watching the engine: DOCKER_HOST=%s is not the engine scripts/setup.sh starts", h)
		return nil
	}
	if _, err := d.pid(); err != nil {
		logf("not watching the engine: %v", err)
		return nil
	}
	return &watchdog{
		probe: d.probe, dump: d.dump, restart: d.restart, logf: logf,
		interval: 15 * time.Second, timeout: 20 * time.Second, maxRestarts: maxRestarts,
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// runner runs go test rounds: goCmd test, w watching the engine (nil: no
// watchdog, and no second round), clean between rounds; go test's output
// goes to stdout.
type runner struct {
	goCmd  string
	rounds int
	w      *watchdog
	clean  func()
	stdout io.Writer
}

// run runs go test with args, and again on the packages that failed while
// w had to restart the engine.
func (r runner) run(args []string) int {
	flags, pkgs := splitArgs(args)
	for round := 1; ; round++ {
		before := 0
		if r.w != nil {
			before = r.w.count()
		}
		code, failed := r.goTest(append(append([]string{}, flags...), pkgs...))
		if code == 0 || r.w == nil || len(failed) == 0 || round >= r.rounds {
			return code
		}
		r.w.settle(context.Background())
		if r.w.count() == before {
			return code
		}
		logf("round %d failed while the engine was deadlocked and restarted; running its failed packages again: %s", round, strings.Join(failed, " "))
		r.clean()
		pkgs = failed
	}
}

// goTest runs go test, its output passed through and read for the
// packages that failed, with r.w watching the engine meanwhile.
func (r runner) goTest(args []string) (code int, failed []string) {
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	if r.w != nil {
		go r.w.run(ctx)
	}
	var out bytes.Buffer
	cmd := exec.Command(r.goCmd, append([]string{"test"}, args...)...)
	cmd.Stdout = io.MultiWriter(r.stdout, &out)
	cmd.Stderr = os.Stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, nil
	case errors.As(err, &exit):
		return exit.ExitCode(), failedPackages(&out)
	default:
		logf("go test: %v", err)
		return 2, nil
	}
}

// cleanLeftovers removes what the runs the deadlock stranded left on the
// engine (check-leftovers.sh --clean lists each as it goes), so that the
// next round and the leftover check after it judge that round alone. (Each
// real-engine test also checks its own run's leftovers as it ends.)
func cleanLeftovers() {
	cmd := exec.Command("bash", "scripts/check-leftovers.sh", "--clean")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		logf("removing the leftovers: %v", err)
	}
}
