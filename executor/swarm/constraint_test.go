package swarm

import (
	"strings"
	"testing"

	"github.com/moby/moby/api/types/swarm"

	"github.com/runjob/runjob/pipeline"
)

func testNode(id, host string, role swarm.NodeRole, labels map[string]string) swarm.Node {
	n := swarm.Node{ID: id}
	n.Spec.Role, n.Spec.Labels, n.Spec.Availability = role, labels, swarm.NodeAvailabilityActive
	n.Description.Hostname = host
	n.Description.Platform = swarm.Platform{OS: "linux", Architecture: "x86_64"}
	n.Description.Engine.Labels = map[string]string{"os": "debian"}
	n.Description.Resources = swarm.Resources{NanoCPUs: 2e9, MemoryBytes: 4 << 30}
	n.Status.State = swarm.NodeStateReady
	return n
}

func mustParse(t *testing.T, list ...string) []pipeline.Constraint {
	t.Helper()
	cs, err := parseConstraints(list)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// The constraints compare as Swarm's scheduler does: case-insensitively,
// a missing label as "", node labels by their exact name.
func TestUnmetConstraint(t *testing.T) {
	n := testNode("abc123", "rj-n1", swarm.NodeRoleManager, map[string]string{"gpu": "true", "Zone": "B"})
	for _, tc := range []struct {
		cs   []string
		want string // the unmet constraint, "" for none
	}{
		{[]string{"node.labels.gpu==true", "node.role==manager", "node.hostname==RJ-N1"}, ""},
		{[]string{"node.id==abc123", "node.platform.os==linux", "node.platform.arch==x86_64", "engine.labels.os==debian"}, ""},
		{[]string{"node.labels.Zone==b", "node.labels.zone!=b"}, ""},
		{[]string{"node.labels.missing!=x"}, ""},
		{[]string{"node.labels.gpu==false"}, "node.labels.gpu==false"},
		{[]string{"node.role==worker"}, "node.role==worker"},
		{[]string{"node.labels.missing==x"}, "node.labels.missing==x"},
		{[]string{"node.labels.zone==b"}, "node.labels.zone==b"},
		{[]string{"node.hostname!=rj-n1"}, "node.hostname!=rj-n1"},
	} {
		got := ""
		if c := unmet(n, mustParse(t, tc.cs...)); c != nil {
			got = c.String()
		}
		if got != tc.want {
			t.Errorf("%v: unmet %q, want %q", tc.cs, got, tc.want)
		}
	}
}

// noNode explains, node by node, why no node can ever run a demand, and
// says nothing when one can.
func TestNoNodeSaysWhy(t *testing.T) {
	down := testNode("d1", "rj-n1", swarm.NodeRoleManager, nil)
	down.Status.State = swarm.NodeStateDown
	drained := testNode("d2", "rj-n2", swarm.NodeRoleWorker, map[string]string{"gpu": "true"})
	drained.Spec.Availability = swarm.NodeAvailabilityDrain
	small := testNode("d3", "rj-n3", swarm.NodeRoleWorker, map[string]string{"gpu": "true"})
	plain := testNode("d4", "rj-n4", swarm.NodeRoleWorker, nil)
	list := []swarm.Node{down, drained, small, plain}
	d := demand{constraints: mustParse(t, "node.labels.gpu==true"), nanoCPUs: 4e9}
	err := noNode(list, d)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"constraints [node.labels.gpu==true]", "rj-n1: down", "rj-n2: drain",
		"rj-n3: 2 CPUs, the step reserves 4", `rj-n4: node.labels.gpu is ""`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	d.nanoCPUs, d.memory = 1e9, 8<<30
	if err := noNode(list, d); err == nil || !strings.Contains(err.Error(), "rj-n3: 4096 MiB of memory, the step reserves 8192 MiB") {
		t.Errorf("memory: %v", err)
	}
	d.memory = 1 << 30
	if err := noNode(list, d); err != nil {
		t.Errorf("rj-n3 can run it: %v", err)
	}
}

// A reservation's service name is a valid one (at most 63 letters, digits
// and dashes), unique per container.
func TestReservationName(t *testing.T) {
	a := reservationName("runjob-20261201-123456-abcdef-12-a_very_long_step_name_that_goes_on_and_on-try3")
	b := reservationName("runjob-20261201-123456-abcdef-12-a_very_long_step_name_that_goes_on_and_on-try4")
	if a == b || len(a) > 63 {
		t.Fatalf("%q, %q", a, b)
	}
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			t.Fatalf("%q has %q", a, r)
		}
	}
}
