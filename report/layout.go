package report

import (
	"cmp"
	"slices"
	"unicode/utf8"

	"github.com/runjob/runjob/pipeline"
)

// Layout is a drawing of a pipeline's dependency graph, left to right: each
// step sits in the column (layer) one past its deepest dependency, and in
// declaration order within its column. It is pure geometry, so the HTML
// report and `runjob graph` can share it. Units are CSS pixels for a 12px
// monospace label font.
type Layout struct {
	// Nodes[i] is step i of the graph, in declaration order.
	Nodes []Node
	// Edges run from a dependency to the step that waits for it, ordered
	// by dependent, then by the order of its depends_on.
	Edges  []Edge
	Layers int
	// Width and Height bound the drawing, margins included.
	Width, Height float64
}

// Node is a step's box.
type Node struct {
	Name string
	// Label is Name, shortened with an ellipsis if it is too long to show.
	Label string
	// Layer is 0 for a step without dependencies, otherwise one more than
	// the largest Layer among its dependencies (longest-path layering).
	Layer int
	// Order is the node's position in its layer, from the top, counting
	// the slots reserved for edges that pass through the layer.
	Order int
	// X, Y is the top-left corner; W, H the size.
	X, Y, W, H float64
}

// Edge is a dependency: To waits for From (node indices).
type Edge struct {
	From, To int
	// Points run from the middle of From's right side to the middle of To's
	// left side. Where two consecutive points are level, join them with a
	// line (it runs inside a column, crossing no node); otherwise with a
	// curve that leaves and arrives horizontally (it runs in the gap
	// between two columns). An edge that skips layers passes each one
	// level, through a slot of its own.
	Points []Point
}

// Point is a position in the drawing.
type Point struct{ X, Y float64 }

// Geometry of the drawing.
const (
	layoutMargin  = 12
	nodeHeight    = 34
	slotHeight    = nodeHeight + 16
	columnGap     = 64
	labelCharW    = 7.23 // advance of a 12px DejaVu Sans Mono / Menlo glyph
	labelLeft     = 26   // a status dot, then the label
	labelRight    = 14
	dotCenterX    = 14
	minNodeWidth  = 90
	maxLabelRunes = 36
)

// Layout computes g's drawing. It is deterministic: the same graph always
// gives the same layout.
func NewLayout(g *pipeline.Graph) Layout {
	n := g.Len()
	l := Layout{Nodes: make([]Node, n)}
	for _, i := range g.Order() { // dependencies are placed before dependents
		layer := 0
		for _, d := range g.Deps(i) {
			layer = max(layer, l.Nodes[d].Layer+1)
		}
		l.Nodes[i] = Node{Name: g.Step(i).Name, Label: shorten(g.Step(i).Name), Layer: layer}
		l.Layers = max(l.Layers, layer+1)
	}
	// Slots per layer: its nodes in declaration order, then one slot per
	// edge passing through.
	slots := make([]int, l.Layers)
	for i := range l.Nodes {
		l.Nodes[i].Order = slots[l.Nodes[i].Layer]
		slots[l.Nodes[i].Layer]++
	}
	type pass struct{ edge, layer, order int }
	var passes []pass
	for to := range n {
		for _, from := range g.Deps(to) {
			l.Edges = append(l.Edges, Edge{From: from, To: to})
			for layer := l.Nodes[from].Layer + 1; layer < l.Nodes[to].Layer; layer++ {
				passes = append(passes, pass{len(l.Edges) - 1, layer, slots[layer]})
				slots[layer]++
			}
		}
	}
	l.place(slots)
	colX, colW := l.columns()
	slotY := func(layer, order int) float64 {
		offset := float64(slices.Max(slots)-slots[layer]) * slotHeight / 2
		return layoutMargin + offset + float64(order)*slotHeight
	}
	for i := range l.Nodes {
		nd := &l.Nodes[i]
		nd.X = colX[nd.Layer] + (colW[nd.Layer]-nd.W)/2
		nd.Y = slotY(nd.Layer, nd.Order)
	}
	for k := range l.Edges {
		e := &l.Edges[k]
		from, to := l.Nodes[e.From], l.Nodes[e.To]
		// Leave and enter columns level, so curves bend only in the gaps
		// between columns, where no node is.
		y := from.Y + nodeHeight/2
		e.Points = append(e.Points, Point{from.X + from.W, y})
		if right := colX[from.Layer] + colW[from.Layer]; right > from.X+from.W {
			e.Points = append(e.Points, Point{right, y})
		}
		for _, p := range passes {
			if p.edge == k {
				y := slotY(p.layer, p.order) + nodeHeight/2
				e.Points = append(e.Points, Point{colX[p.layer], y}, Point{colX[p.layer] + colW[p.layer], y})
			}
		}
		y = to.Y + nodeHeight/2
		if left := colX[to.Layer]; left < to.X {
			e.Points = append(e.Points, Point{left, y})
		}
		e.Points = append(e.Points, Point{to.X, y})
	}
	return l
}

// place sizes the nodes and the whole drawing.
func (l *Layout) place(slots []int) {
	for i := range l.Nodes {
		w := labelLeft + float64(utf8.RuneCountInString(l.Nodes[i].Label))*labelCharW + labelRight
		l.Nodes[i].W, l.Nodes[i].H = max(minNodeWidth, w), nodeHeight
	}
	_, colW := l.columns()
	l.Width = 2 * layoutMargin
	for _, w := range colW {
		l.Width += w
	}
	l.Width += float64(max(0, l.Layers-1)) * columnGap
	l.Height = 2*layoutMargin + float64(slices.Max(append(slots, 1)))*slotHeight - (slotHeight - nodeHeight)
}

// columns returns each layer's left edge and width (its widest node).
func (l *Layout) columns() (x, w []float64) {
	w = make([]float64, l.Layers)
	for _, nd := range l.Nodes {
		w[nd.Layer] = max(w[nd.Layer], nd.W)
	}
	x = make([]float64, l.Layers)
	next := float64(layoutMargin)
	for i := range w {
		x[i] = next
		next += w[i] + columnGap
	}
	return x, w
}

// shorten cuts a long name to maxLabelRunes, keeping both ends, which is
// where for_each keys and distinguishing suffixes live.
func shorten(name string) string {
	r := []rune(name)
	if len(r) <= maxLabelRunes {
		return name
	}
	keep := maxLabelRunes - 1
	head := cmp.Or(keep*2/3, 1)
	return string(r[:head]) + "…" + string(r[len(r)-(keep-head):])
}
