package report

import (
	"reflect"
	"strings"
	"testing"
)

func TestLayoutLayers(t *testing.T) {
	l := NewLayout(fixtureGraph(t))
	want := map[string][2]int{ // name -> layer, order
		"checkout": {0, 0}, "lint": {1, 0}, "build": {1, 1}, "flaky": {1, 2},
		"test[go1.22]": {2, 0}, "test[go1.23]": {2, 1}, "package": {3, 0}, "deploy": {4, 0},
	}
	for _, n := range l.Nodes {
		if got := [2]int{n.Layer, n.Order}; got != want[n.Name] {
			t.Errorf("%s: layer, order = %v, want %v", n.Name, got, want[n.Name])
		}
	}
	if l.Layers != 5 || len(l.Nodes) != 8 || len(l.Edges) != 10 {
		t.Errorf("layers %d, nodes %d, edges %d; want 5, 8, 10", l.Layers, len(l.Nodes), len(l.Edges))
	}
	if !reflect.DeepEqual(l, NewLayout(fixtureGraph(t))) {
		t.Error("layout is not deterministic")
	}
}

// Geometry: nodes inside the drawing and apart; every edge runs left to
// right from its source's right side to its target's left side, and the
// level runs through skipped layers cross no node.
func TestLayoutGeometry(t *testing.T) {
	l := NewLayout(fixtureGraph(t))
	for i, a := range l.Nodes {
		if a.X < 0 || a.Y < 0 || a.X+a.W > l.Width || a.Y+a.H > l.Height {
			t.Errorf("%s at %+v lies outside %gx%g", a.Name, a, l.Width, l.Height)
		}
		for _, b := range l.Nodes[i+1:] {
			if a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H {
				t.Errorf("%s and %s overlap", a.Name, b.Name)
			}
		}
	}
	for _, e := range l.Edges {
		from, to := l.Nodes[e.From], l.Nodes[e.To]
		first, last := e.Points[0], e.Points[len(e.Points)-1]
		if first != (Point{from.X + from.W, from.Y + from.H/2}) || last != (Point{to.X, to.Y + to.H/2}) {
			t.Errorf("edge %s -> %s: ends %v %v", from.Name, to.Name, first, last)
		}
		passes := 0
		for k := 1; k < len(e.Points); k++ {
			p, q := e.Points[k-1], e.Points[k]
			if q.X < p.X {
				t.Errorf("edge %s -> %s runs backwards at point %d", from.Name, to.Name, k)
			}
			for _, n := range l.Nodes {
				if p.X >= n.X+n.W || q.X <= n.X {
					continue // not level with n
				}
				if p.Y != q.Y || p.Y >= n.Y && p.Y <= n.Y+n.H {
					t.Errorf("edge %s -> %s: segment %v-%v crosses node %s", from.Name, to.Name, p, q, n.Name)
				}
			}
			if p.Y == q.Y && p.X != q.X {
				for _, n := range l.Nodes {
					if n.Layer != from.Layer && n.Layer != to.Layer && p.X <= n.X && n.X+n.W <= q.X {
						passes++ // a run through a skipped layer
						break
					}
				}
			}
		}
		if skipped := to.Layer - from.Layer - 1; passes != skipped {
			t.Errorf("edge %s -> %s passes %d layers, want %d", from.Name, to.Name, passes, skipped)
		}
	}
}

func TestLayoutLabels(t *testing.T) {
	long := "integration-tests[" + strings.Repeat("postgres-", 6) + "16]"
	l := NewLayout(testGraph(t, "a", long))
	got := l.Nodes[1].Label
	if len([]rune(got)) != maxLabelRunes || !strings.HasPrefix(got, "integration") || !strings.HasSuffix(got, "-16]") || !strings.Contains(got, "…") {
		t.Errorf("label %q: want %d runes keeping both ends", got, maxLabelRunes)
	}
	if l.Nodes[0].W != minNodeWidth || l.Nodes[1].W <= minNodeWidth {
		t.Errorf("widths %g, %g", l.Nodes[0].W, l.Nodes[1].W)
	}
	if l.Layers != 1 || l.Nodes[1].Order != 1 {
		t.Errorf("independent steps: layers %d, second order %d; want 1, 1", l.Layers, l.Nodes[1].Order)
	}
}
