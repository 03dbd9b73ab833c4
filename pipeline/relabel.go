package pipeline

// WithPipeline returns a graph with g's validated edges over p, a
// rewritten copy of g's pipeline: the same steps in the same order, with
// other text (the run's masked copy, shown to people). p is not validated
// again; step names are looked up in p.
func (g *Graph) WithPipeline(p *Pipeline) *Graph {
	if len(p.Steps) != len(g.p.Steps) {
		panic("pipeline: WithPipeline needs the same steps")
	}
	out := *g
	out.p = p
	out.index = make(map[string]int, len(p.Steps))
	for i, s := range p.Steps {
		if _, dup := out.index[s.Name]; !dup {
			out.index[s.Name] = i
		}
	}
	return &out
}
