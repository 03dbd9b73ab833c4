package docker

import (
	"errors"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// Steps running at once share one heartbeat, which stops after the last
// leaves; one that found the daemon gone tells every step that joined it,
// and is not joined again.
func TestStepsShareOneHeartbeat(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "d.sock")
	l, err := net.Listen("unix", sock) // accepts dials, like a live daemon
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(client.WithHost("unix://" + sock))
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	a, leaveA := e.joinHeartbeat()
	b, leaveB := e.joinHeartbeat()
	if a != b {
		t.Fatal("two running steps got two heartbeats")
	}
	leaveA()
	select {
	case <-a.done:
		t.Fatal("the heartbeat stopped while a step still ran")
	default:
	}
	leaveB()
	<-a.done // stopped with the last step (a hang here is the failure)

	c, leaveC := e.joinHeartbeat()
	d, leaveD := e.joinHeartbeat()
	defer leaveC()
	defer leaveD()
	if c == a || c != d {
		t.Fatal("a stopped heartbeat was reused, or two were started")
	}
	l.Close() // removes the socket: dials are refused from now on
	select {
	case <-c.lost:
	case <-time.After(time.Minute):
		t.Fatal("the heartbeat never noticed the daemon was gone")
	}
	var unreachable *UnreachableError
	if !errors.As(c.err, &unreachable) || !errors.Is(c.err, errStoppedListening) {
		t.Fatalf("lost with %v", c.err)
	}
	if e2, leave := e.joinHeartbeat(); e2 == c {
		t.Error("a heartbeat that found the daemon gone was joined again")
	} else {
		leave()
	}
}
