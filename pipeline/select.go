package pipeline

import (
	"fmt"
	"slices"
)

// Only returns the graph restricted to the named steps and everything they
// need, transitively, in declaration order. A name is a step's name
// (test[go1.22]) or the base name of a for_each step (test: every
// instance). Unknown names are reported together, each with a suggestion.
func (g *Graph) Only(names ...string) (*Graph, error) {
	keep := make([]bool, g.Len())
	var errs Errors
	var visit func(i int)
	visit = func(i int) {
		if keep[i] {
			return
		}
		keep[i] = true
		for _, d := range g.deps[i] {
			visit(d)
		}
	}
	for _, name := range names {
		found := false
		for i, s := range g.p.Steps {
			if s.Name == name || (s.Key != "" && s.Base == name) {
				visit(i)
				found = true
			}
		}
		if !found {
			errs = append(errs, &Error{Summary: "Unknown step", Step: name,
				Msg: fmt.Sprintf("no step %q in the pipeline%s", name, suggestBase(name, g.p))})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sub := *g.p
	sub.Steps = nil
	for i, s := range g.p.Steps {
		if keep[i] {
			sub.Steps = append(sub.Steps, s)
		}
	}
	return NewGraph(&sub)
}

// suggestBase is suggest, also offering the base names of for_each steps.
func suggestBase(name string, p *Pipeline) string {
	var names []string
	for _, s := range p.Steps {
		names = append(names, s.Name)
		if s.Key != "" && !slices.Contains(names, s.Base) {
			names = append(names, s.Base)
		}
	}
	if best := Closest(name, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
