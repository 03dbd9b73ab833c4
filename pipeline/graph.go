package pipeline

import (
	"slices"
	"strings"
)

// Graph is a validated pipeline: unique step names, known dependencies and no
// cycles. It is immutable once built and safe for concurrent reads.
type Graph struct {
	p          *Pipeline
	index      map[string]int
	deps       [][]int // deps[i]: indices step i waits for, deduplicated
	dependents [][]int // dependents[i]: indices waiting for step i
	via        [][]Pos // via[i][k]: where the edge deps[i][k] was written

	hints *Suggester // "did you mean" searches while validating
}

// NewGraph validates p and builds its dependency graph. All problems are
// reported at once as an Errors value, each with the position it concerns.
//
// A step waits for the steps in its DependsOn, for the steps whose
// artifacts its Inputs take, for those whose outputs it refers to, and for
// the build nodes of the images its Image refers to (ImageRef), so a model
// built in code needs no duplicate edge for an input, an output or a built
// image.
func NewGraph(p *Pipeline) (*Graph, error) {
	g := &Graph{p: p, index: make(map[string]int, len(p.Steps)), hints: NewSuggester(graphSuggestions)}
	var errs Errors
	for i, s := range p.Steps {
		if first, dup := g.index[s.Name]; dup {
			errs.add(s.Pos, "Duplicate step", s.Name, "duplicate step %q: first declared at %s", s.Name, p.Steps[first].Pos)
			continue
		}
		g.index[s.Name] = i
		checkArtifacts(s, &errs)
		checkWhen(s, &errs)
	}
	g.deps = make([][]int, len(p.Steps))
	g.dependents = make([][]int, len(p.Steps))
	g.via = make([][]Pos, len(p.Steps))
	for i, s := range p.Steps {
		if g.index[s.Name] != i {
			continue // a duplicate, already reported
		}
		for _, d := range s.DependsOn {
			g.addEdge(i, d, &errs)
		}
		for _, in := range g.checkInputs(s, &errs) {
			g.addEdge(i, in, &errs)
		}
		for _, o := range StepOutputRefs(s) {
			g.addEdge(i, Dependency{Step: o.Step, Pos: s.Pos}, &errs)
		}
		for _, b := range g.checkImages(s, &errs) {
			g.addEdge(i, b, &errs)
		}
	}
	for i, s := range p.Steps {
		if g.index[s.Name] == i && s.When == WhenOnFailure && len(g.deps[i]) == 0 {
			errs.add(cmpPos(s.WhenPos, s.Pos), "Step never runs", s.Name,
				"step %q runs only when one of its dependencies failed, and it has none; name the steps whose failure it handles in depends_on", s.Name)
		}
	}
	for _, cycle := range g.cycles() {
		s := p.Steps[cycle[0]]
		names := make([]string, len(cycle))
		for k, i := range cycle {
			names[k] = p.Steps[i].Name
		}
		// Point at the edge that closes the loop where the user wrote it
		// (a depends_on entry or a reference), falling back to the step.
		at := s.Pos
		if k := slices.Index(g.deps[cycle[0]], cycle[1]); k >= 0 && !g.via[cycle[0]][k].IsZero() {
			at = g.via[cycle[0]][k]
		}
		errs.add(at, "Dependency cycle", s.Name, "dependency cycle: %s", strings.Join(names, " -> "))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return g, nil
}

// addEdge records that step i waits for d.Step.
func (g *Graph) addEdge(i int, d Dependency, errs *Errors) {
	s := g.p.Steps[i]
	j, ok := g.index[d.Step]
	switch {
	case !ok:
		errs.add(d.Pos, "Unknown dependency", s.Name, "step %q depends on unknown step %q%s", s.Name, d.Step, g.suggest(d.Step))
	case j == i:
		errs.add(d.Pos, "Dependency cycle", s.Name, "step %q depends on itself", s.Name)
	case !slices.Contains(g.deps[i], j):
		g.deps[i] = append(g.deps[i], j)
		g.via[i] = append(g.via[i], d.Pos)
		g.dependents[j] = append(g.dependents[j], i)
	}
}

func checkArtifacts(s *Step, errs *Errors) {
	seen := map[string]bool{}
	for _, a := range s.Artifacts {
		if seen[a.Name] {
			errs.add(a.Pos, "Duplicate artifact", s.Name, "step %q declares artifact %q twice", s.Name, a.Name)
		}
		seen[a.Name] = true
		if !AbsContainerPath(a.Path) {
			errs.add(a.Pos, "Invalid artifact path", s.Name, "artifact %q: path %q must be absolute inside the container", a.Name, a.Path)
		}
		switch a.When {
		case "", OnSuccess, OnFailure, Always:
		default:
			errs.add(a.Pos, "Invalid artifact condition", s.Name, "artifact %q: when = %q, want on_success, on_failure or always", a.Name, a.When)
		}
	}
}

// checkWhen rejects a step condition that is not one of the words.
func checkWhen(s *Step, errs *Errors) {
	switch s.When {
	case "", WhenOnSuccess, WhenOnFailure, WhenAlways:
	default:
		errs.add(cmpPos(s.WhenPos, s.Pos), "Invalid step condition", s.Name, "step %q: when = %q, want on_success, on_failure, always, true or false", s.Name, s.When)
	}
}

// cmpPos returns the first known position.
func cmpPos(ps ...Pos) Pos {
	for _, p := range ps {
		if !p.IsZero() {
			return p
		}
	}
	return Pos{}
}

// Ancestors returns every step that step i waits for, directly or
// transitively, in declaration order.
func (g *Graph) Ancestors(i int) []int {
	seen := make([]bool, g.Len())
	stack := slices.Clone(g.deps[i])
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !seen[j] {
			seen[j] = true
			stack = append(stack, g.deps[j]...)
		}
	}
	var out []int
	for j, ok := range seen {
		if ok {
			out = append(out, j)
		}
	}
	return out
}

// Pipeline returns the pipeline the graph was built from.
func (g *Graph) Pipeline() *Pipeline { return g.p }

// Len returns the number of steps.
func (g *Graph) Len() int { return len(g.p.Steps) }

// Step returns step i in declaration order.
func (g *Graph) Step(i int) *Step { return g.p.Steps[i] }

// Index returns the declaration index of the named step.
func (g *Graph) Index(name string) (int, bool) {
	i, ok := g.index[name]
	return i, ok
}

// Deps returns the indices of the steps step i waits for, in declaration order
// of its depends_on. The slice must not be modified.
func (g *Graph) Deps(i int) []int { return g.deps[i] }

// Dependents returns the indices of the steps that wait for step i.
// The slice must not be modified.
func (g *Graph) Dependents(i int) []int { return g.dependents[i] }

// Order returns a topological order of step indices; among steps that are
// ready at the same time, declaration order wins, so the order is stable.
func (g *Graph) Order() []int {
	waiting := make([]int, g.Len())
	for i := range waiting {
		waiting[i] = len(g.deps[i])
	}
	order := make([]int, 0, g.Len())
	var ready []int
	for i, n := range waiting {
		if n == 0 {
			ready = append(ready, i)
		}
	}
	for len(ready) > 0 {
		slices.Sort(ready)
		i := ready[0]
		ready = ready[1:]
		order = append(order, i)
		for _, d := range g.dependents[i] {
			if waiting[d]--; waiting[d] == 0 {
				ready = append(ready, d)
			}
		}
	}
	return order
}
