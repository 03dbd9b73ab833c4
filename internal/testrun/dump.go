package main

import (
	"fmt"
	"strings"
)

// The one engine fault testrun recovers from: Docker 20.10's libnetwork
// takes a network's lock, then the controller's, in getSvcRecords (a
// container leaving a network), and the controller's, then the network's
// (through network.ID) in the functions of controllerFirst: the watch loop
// updating a network's service records as another container's endpoint
// comes or goes, and the embedded DNS server's lookups. Two containers on
// one network doing so at the same moment can leave both waiting for
// ever; from then on the daemon answers pings but creates, starts,
// removes and lists networks no more, for every client, until it is
// restarted. Upstream: moby/moby#42545 and #42569, in Engine 23.0; the
// 20.10 backport (moby/libnetwork#2679) came after 20.10.24, the version
// Debian 12 ships. runjob's own handling of it (a run ends with exit 3 and
// says the engine is stuck) is tested by executor/docker's TestStuck*
// tests.
const leaveSide = "libnetwork.(*network).getSvcRecords"

// controllerFirst are the functions of the other side, any of which may be
// on the waiting goroutine's stack.
var controllerFirst = []string{
	"libnetwork.(*controller).processEndpointDelete",
	"libnetwork.(*controller).processEndpointCreate",
	"libnetwork.(*network).deleteSvcRecords",
	"libnetwork.(*network).addSvcRecords",
	"libnetwork.(*network).ResolveName",
	"libnetwork.(*network).ResolveIP",
	"libnetwork.(*network).ResolveService",
}

// goroutine is one block of a goroutine dump: its header line
// ("goroutine 12 [semacquire, 3 minutes]:") and its frames.
type goroutine struct {
	header string
	frames []string
}

// waitsOnLock reports whether g is parked acquiring a sync.Mutex.
func (g goroutine) waitsOnLock() bool {
	if !strings.Contains(g.header, "[semacquire") {
		return false
	}
	// The first frames are the runtime's and sync's: (*Mutex).Lock,
	// lockSlow, runtime_SemacquireMutex, whichever were not inlined.
	for _, f := range g.frames {
		if strings.HasPrefix(f, "sync.") && strings.Contains(f, "Mutex") {
			return true
		}
	}
	return false
}

func (g goroutine) calls(fn string) bool {
	for _, f := range g.frames {
		if strings.Contains(f, fn) {
			return true
		}
	}
	return false
}

// parseDump splits a Go goroutine dump (what dockerd writes on SIGUSR1)
// into goroutines; each frame keeps only its function line.
func parseDump(dump string) []goroutine {
	var gs []goroutine
	for _, block := range strings.Split(strings.ReplaceAll(dump, "\r\n", "\n"), "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		if !strings.HasPrefix(lines[0], "goroutine ") {
			continue
		}
		g := goroutine{header: lines[0]}
		for _, l := range lines[1:] {
			if !strings.HasPrefix(l, "\t") { // file:line lines are indented
				g.frames = append(g.frames, l)
			}
		}
		gs = append(gs, g)
	}
	return gs
}

// knownDeadlock reports whether dump shows the libnetwork deadlock: a
// goroutine waiting for a lock in leaveSide and one in controllerFirst.
// evidence names them, for the log.
func knownDeadlock(dump string) (evidence string, ok bool) {
	var leave, update *goroutine
	var fn string
	gs := parseDump(dump)
	for i := range gs {
		g := &gs[i]
		if !g.waitsOnLock() {
			continue
		}
		if leave == nil && g.calls(leaveSide) {
			leave = g
			continue
		}
		for _, f := range controllerFirst {
			if update == nil && g.calls(f) {
				update, fn = g, f
			}
		}
	}
	if leave == nil || update == nil {
		return "", false
	}
	return fmt.Sprintf("%s waits for a lock in %s; %s waits for a lock in %s",
		strings.TrimSuffix(leave.header, ":"), leaveSide,
		strings.TrimSuffix(update.header, ":"), fn), true
}
