package pipeline

import "testing"

// A relabelled graph keeps the edges and order, and looks steps up by
// their new names.
func TestWithPipelineKeepsTheGraph(t *testing.T) {
	p := &Pipeline{Name: "p", Steps: []*Step{
		{Name: "a", Image: "img:secret"},
		{Name: "b", Image: "img", DependsOn: []Dependency{{Step: "a"}}},
	}}
	g, err := NewGraph(p)
	if err != nil {
		t.Fatal(err)
	}
	q := *p
	q.Steps = []*Step{{Name: "a", Image: "img:***"}, {Name: "b", Image: "img"}}
	h := g.WithPipeline(&q)
	if h.Step(0).Image != "img:***" || g.Step(0).Image != "img:secret" {
		t.Errorf("images: %q, %q", h.Step(0).Image, g.Step(0).Image)
	}
	if d := h.Deps(1); len(d) != 1 || d[0] != 0 {
		t.Errorf("deps of b: %v", d)
	}
	if i, ok := h.Index("b"); !ok || i != 1 {
		t.Errorf("Index(b) = %d, %v", i, ok)
	}
}
