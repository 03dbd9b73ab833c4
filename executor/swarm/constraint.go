package swarm

import (
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/swarm"

	"github.com/runjob/runjob/pipeline"
)

// Swarm does not say when a task waits for a node that can never come (a
// constraint no node satisfies, a reservation larger than any node): it
// stays pending. So runjob evaluates the constraints itself, as Swarm's
// scheduler does (github.com/moby/swarmkit manager/constraint), and ends
// the wait when no usable node could ever take the task.

// parseConstraints parses what the pipeline loader already checked.
func parseConstraints(list []string) ([]pipeline.Constraint, error) {
	out := make([]pipeline.Constraint, 0, len(list))
	for _, s := range list {
		c, err := pipeline.ParseConstraint(s)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// nodeValue is what key compares against on n; "" when n has no such
// label (so == fails and != holds, as in Swarm).
func nodeValue(n swarm.Node, key string) (string, bool) {
	k := strings.ToLower(key)
	switch {
	case k == "node.id":
		return n.ID, true
	case k == "node.hostname":
		return n.Description.Hostname, true
	case k == "node.role":
		return string(n.Spec.Role), true
	case k == "node.platform.os":
		return n.Description.Platform.OS, true
	case k == "node.platform.arch":
		return n.Description.Platform.Architecture, true
	case strings.HasPrefix(k, pipeline.NodeLabelPrefix):
		return n.Spec.Labels[key[len(pipeline.NodeLabelPrefix):]], true // label names are case-sensitive
	case strings.HasPrefix(k, pipeline.EngineLabelPrefix):
		return n.Description.Engine.Labels[key[len(pipeline.EngineLabelPrefix):]], true
	}
	return "", false
}

// unmet returns the first constraint n does not satisfy, or nil.
func unmet(n swarm.Node, cs []pipeline.Constraint) *pipeline.Constraint {
	for i, c := range cs {
		v, ok := nodeValue(n, c.Key)
		if !ok || strings.EqualFold(v, c.Value) != c.Equal {
			return &cs[i]
		}
	}
	return nil
}

// demand is what a reservation asks of a node.
type demand struct {
	constraints []pipeline.Constraint
	nanoCPUs    int64
	memory      int64
}

// whyNot says why n can never run a task of d ("" when it could: it is
// ready and active, satisfies every constraint and has the resources in
// total, free or not).
func whyNot(n swarm.Node, d demand) string {
	res := n.Description.Resources
	switch {
	case n.Status.State != swarm.NodeStateReady:
		return string(n.Status.State)
	case n.Spec.Availability != swarm.NodeAvailabilityActive:
		return string(n.Spec.Availability)
	}
	if c := unmet(n, d.constraints); c != nil {
		v, _ := nodeValue(n, c.Key)
		return fmt.Sprintf("%s is %q", c.Key, v)
	}
	switch {
	case d.nanoCPUs > res.NanoCPUs:
		return fmt.Sprintf("%g CPUs, the step reserves %g", float64(res.NanoCPUs)/1e9, float64(d.nanoCPUs)/1e9)
	case d.memory > res.MemoryBytes:
		return fmt.Sprintf("%d MiB of memory, the step reserves %d MiB", res.MemoryBytes>>20, d.memory>>20)
	}
	return ""
}

// noNode is the error for a demand no node of list can ever meet, with
// why for each node, or nil when one can.
func noNode(list []swarm.Node, d demand) error {
	var why []string
	for _, n := range list {
		w := whyNot(n, d)
		if w == "" {
			return nil
		}
		name := n.Description.Hostname
		if name == "" {
			name = n.ID
		}
		why = append(why, name+": "+w)
	}
	var cs []string
	for _, c := range d.constraints {
		cs = append(cs, c.String())
	}
	return fmt.Errorf("no node of the swarm can ever run it (constraints [%s]; %s)", strings.Join(cs, ", "), strings.Join(why, "; "))
}
