package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// The watchdog's probe and dump work on the shared engine scripts/setup.sh
// started (SIGUSR1 only makes dockerd write its stacks), and a healthy
// daemon's goroutines are not taken for the deadlock.
func TestProbeAndDumpOnTheSharedEngine(t *testing.T) {
	d := dockerd{sock: localSock, pidfile: envOr("RUNJOB_DOCKERD_PIDFILE", "/var/run/runjob-dockerd.pid"),
		logfile: envOr("RUNJOB_DOCKERD_LOG", "/var/log/runjob-dockerd.log")}
	if _, err := d.pid(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true needs the dockerd scripts/setup.sh starts: %v", err)
		}
		t.Skipf("no dockerd of scripts/setup.sh's: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := d.probe(ctx); err != nil {
		t.Fatalf("probe: %v", err)
	}
	path, text, err := d.dump()
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	defer os.Remove(path)
	if len(parseDump(text)) < 10 {
		t.Fatalf("%s holds %d goroutines, want a daemon's", path, len(parseDump(text)))
	}
	if ev, ok := knownDeadlock(text); ok {
		t.Fatalf("a healthy engine taken for the deadlock: %s", ev)
	}
}
