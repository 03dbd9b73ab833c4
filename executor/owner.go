package executor

import (
	"os"
	"strconv"
	"time"
)

// Owner is the runjob process that created an engine resource, read from
// the resource's labels.
type Owner struct {
	RunID string
	Host  string
	PID   int
}

// OwnerOf reads the owner labels (LabelRunID, LabelHost, LabelPID).
func OwnerOf(labels map[string]string) Owner {
	pid, _ := strconv.Atoi(labels[LabelPID])
	return Owner{RunID: labels[LabelRunID], Host: labels[LabelHost], PID: pid}
}

// Liveness says whether a resource's run may still be in progress.
type Liveness int

// Liveness values.
const (
	// Alive: the run's process still runs on this host.
	Alive Liveness = iota
	// Dead: the run's process is gone (or its PID now belongs to a process
	// started after the run): what it left is garbage.
	Dead
	// Unknown: the run belongs to another host (a shared remote engine),
	// so this host cannot tell.
	Unknown
)

func (l Liveness) String() string {
	return [...]string{"alive", "dead", "unknown"}[l]
}

// Liveness checks whether the owner's run is still in progress. It never
// declares a run dead when it cannot be sure: another host's runs are
// Unknown.
func (o Owner) Liveness() Liveness {
	host, _ := os.Hostname()
	if o.Host != host {
		return Unknown
	}
	if o.PID <= 0 || !pidAlive(o.PID) {
		return Dead
	}
	// The PID may have been reused since a crash: the real owner started
	// before its run did (run IDs begin with the start time, to the second).
	if started, ok := processStart(o.PID); ok {
		if runStart, err := time.Parse("20060102-150405", prefix(o.RunID, 15)); err == nil &&
			started.After(runStart.Add(2*time.Second)) {
			return Dead
		}
	}
	return Alive
}

func prefix(s string, n int) string {
	if len(s) < n {
		return s
	}
	return s[:n]
}
