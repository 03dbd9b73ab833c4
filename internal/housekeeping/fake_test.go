package housekeeping

import (
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
)

var errBoom = errors.New("boom")

// owners of staged resources: a run whose process is gone, one still in
// progress (this test process), and one of another host.
type owners struct{ dead, alive, remote map[string]string }

func testOwners(t *testing.T) owners {
	t.Helper()
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	label := func(run, host string, pid int) map[string]string {
		return map[string]string{executor.LabelRunID: run, executor.LabelHost: host, executor.LabelPID: strconv.Itoa(pid)}
	}
	return owners{
		dead:   label("20261122-234757-8f6abc", host, 0),
		alive:  label(executor.NewRunID(), host, os.Getpid()),
		remote: label("20261122-234757-remote", "elsewhere", 1),
	}
}

// stage puts a container, a network and a volume of the owner's run into
// the fake, created long ago (so prune does not wait for late arrivals).
func stage(e *fake.Engine, prefix string, labels map[string]string) {
	old := time.Now().Add(-time.Hour)
	for _, kind := range []string{executor.ResourceContainer, executor.ResourceNetwork, executor.ResourceVolume} {
		e.AddResource(executor.Resource{Kind: kind, ID: prefix + "-" + kind, Name: prefix + "-" + kind, Labels: labels, Created: old})
	}
}

// staged is an engine with three resources of each of the three owners.
func staged(t *testing.T) (*fake.Engine, owners) {
	o := testOwners(t)
	e := fake.New()
	stage(e, "dead", o.dead)
	stage(e, "alive", o.alive)
	stage(e, "remote", o.remote)
	return e, o
}
