package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor/docker/dockertest"
)

// labelNode sets a node label for the test's life, through the manager.
func labelNode(t *testing.T, s *dockertest.Swarm, i int, key, value string) {
	t.Helper()
	update := func(set func(map[string]string)) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		cli, err := s.Client(0)
		if err != nil {
			t.Fatal(err)
		}
		defer cli.Close()
		n, err := cli.NodeInspect(ctx, s.Nodes[i].ID, client.NodeInspectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		spec := n.Node.Spec
		set(spec.Labels)
		if _, err := cli.NodeUpdate(ctx, n.Node.ID, client.NodeUpdateOptions{Version: n.Node.Version, Spec: spec}); err != nil {
			t.Fatal(err)
		}
	}
	update(func(l map[string]string) { l[key] = value })
	t.Cleanup(func() { update(func(l map[string]string) { delete(l, key) }) })
}

// A step's placement constraint is Swarm's: steps that want a label run
// on the node that has it, and one that no node can satisfy ends at once
// as an engine error that says why, while the others run.
func TestSwarmPlacementConstraintIsHonoured(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	key := uniqueLabel(t)
	labelNode(t, s, 2, key, "true")
	p := write(t, `
step "gpu" {
  for_each = toset(["a", "b", "c", "d"])
  image    = "busybox:latest"
  command  = ["echo", "on the labelled node"]
  placement { constraints = ["node.labels.`+key+`==true"] }
}
step "nowhere" {
  image   = "busybox:latest"
  command = ["echo", "never"]
  placement { constraints = ["node.labels.`+key+`==nope", "node.role!=manager"] }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "--log-format", "plain")
	if r.code != 3 {
		t.Fatalf("exit %d, want 3 (one step can never be placed)\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "no node of the swarm can ever run it (constraints [node.labels."+key+"==nope, node.role!=manager") ||
		!strings.Contains(r.stderr, "rj-n1: node.labels."+key+` is ""`) || !strings.Contains(r.stderr, "rj-n3: node.labels."+key+` is "true"`) {
		t.Errorf("the unplaceable step's error does not say why:\n%s", r.stderr)
	}
	nodes := stepNodes(t, s, r.runID, since)
	for _, k := range []string{"gpu[a]", "gpu[b]", "gpu[c]", "gpu[d]"} {
		if !slices.Equal(nodes[k], []string{"rj-n3"}) {
			t.Errorf("%s ran on %v, want rj-n3, the labelled node", k, nodes[k])
		}
	}
	if len(nodes["nowhere"]) > 0 {
		t.Errorf("nowhere ran on %v", nodes["nowhere"])
	}
}

// A service runs on the node Swarm picks, on the run's overlay network;
// steps on every node reach it by its name, also one after the other on
// one node (where a worker would drop its copy of the network between two
// containers: the network's anchor keeps it).
func TestSwarmServiceReachedFromOtherNodes(t *testing.T) {
	s := dockertest.SharedSwarm(t)
	p := write(t, `
service "web" {
  image   = "busybox:latest"
  command = ["sh", "-c", "mkdir /www && echo served by web > /www/index.html && exec httpd -f -p 8080 -h /www"]
}
step "get" {
  for_each   = toset(["rj-n1", "rj-n2", "rj-n3"])
  image      = "busybox:latest"
  depends_on = [service.web]
  command    = ["sh", "-c", "for i in $(seq 1 600); do wget -qO- http://web:8080/ && exit 0; sleep 0.1; done; exit 1"]
  placement { constraints = ["node.hostname==${each.key}"] }
}
# One after the other on one node: each container joins the network the
# one before just left there.
step "again" {
  for_each   = toset(["1", "2", "3"])
  image      = "busybox:latest"
  depends_on = [service.web, step.get]
  command    = ["sh", "-c", "for i in $(seq 1 600); do wget -qO- http://web:8080/ && exit 0; sleep 0.1; done; exit 1"]
  placement { constraints = ["node.hostname==rj-n3"] }
}`)
	since := time.Now()
	r := runOnSwarm(t, s, nil, p, "-j", "1", "--log-format", "plain")
	if r.code != 0 {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if n := strings.Count(r.stdout, "served by web"); n != 6 {
		t.Errorf("%d steps reached the service, want 6:\n%s", n, r.stdout)
	}
	nodes := stepNodes(t, s, r.runID, since)
	web := nodes["svc:web"]
	if len(web) != 1 {
		t.Fatalf("the service ran on %v", web)
	}
	for _, k := range []string{"get[rj-n1]", "get[rj-n2]", "get[rj-n3]"} {
		if want := strings.TrimSuffix(strings.TrimPrefix(k, "get["), "]"); !slices.Equal(nodes[k], []string{want}) {
			t.Errorf("%s ran on %v", k, nodes[k])
		}
	}
	t.Logf("the service ran on %s", web[0])
}
