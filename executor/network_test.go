package executor_test

import (
	"testing"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/fake"
	"github.com/runjob/runjob/pipeline"
)

// A step's network mode reaches its container spec; a step beside it
// that needs a service keeps the run's network.
func TestNetworkModeReachesTheSpec(t *testing.T) {
	g := graph(t, "quiet", "talks", "plain")
	p := g.Pipeline()
	p.Services = []*pipeline.Service{{Name: "db", Image: "img"}}
	p.Steps[0].Network = pipeline.NetworkNone
	p.Steps[1].Network = pipeline.NetworkBridge
	p.Steps[1].Services = []string{"db"}
	eng := fake.New().On("", fake.Script{Gate: make(chan struct{})}).On("quiet", fake.Script{}).
		On("talks", fake.Script{}).On("plain", fake.Script{})
	res := run(t, eng, g, executor.WithRunID("r1"))
	if !res.OK() {
		t.Fatalf("statuses = %s", statuses(res))
	}
	quiet, _ := eng.Spec("quiet")
	if quiet.NetworkMode != pipeline.NetworkNone || quiet.Network != "" {
		t.Errorf("quiet: mode %q network %q, want none and no network", quiet.NetworkMode, quiet.Network)
	}
	talks, _ := eng.Spec("talks")
	if talks.NetworkMode != pipeline.NetworkBridge || talks.Network == "" {
		t.Errorf("talks: mode %q network %q, want bridge on the run's network", talks.NetworkMode, talks.Network)
	}
	if plain, _ := eng.Spec("plain"); plain.NetworkMode != "" || plain.Network != "" {
		t.Errorf("plain: mode %q network %q, want the defaults", plain.NetworkMode, plain.Network)
	}
}
