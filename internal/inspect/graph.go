package inspect

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// GraphFormats are the formats Graph accepts, the first the default:
//
//   - dot: a Graphviz digraph named after the pipeline, left to right; a
//     node per step labelled name and image (dashed when skipped), grouped
//     rank=same by layout column.
//   - mermaid: a left-to-right flowchart; nodes s0, s1, ... by declaration
//     index, labelled name<br/>image.
//   - json: {"pipeline", "steps", "order"}; see graphStep for the fields of
//     a step, in declaration order; order is the topological run order.
var GraphFormats = []string{"dot", "mermaid", "json"}

// Graph writes g's dependency graph in format, one of GraphFormats. An
// edge points from a step to the step that waits for it, the direction
// work flows. Nodes come column by column as report.NewLayout places them
// (the layout report.html draws), top to bottom within a column; edges come
// in declaration order of the waiting step. An unknown format is a Usage
// error.
func Graph(w io.Writer, g *pipeline.Graph, format string) error {
	// One layout source for every format and for report.html's graph:
	// columns by longest dependency path, declaration order within them.
	lay := report.NewLayout(g)
	var out string
	switch format {
	case "dot":
		out = dot(g, lay)
	case "mermaid":
		out = mermaid(g, lay)
	case "json":
		var err error
		if out, err = graphJSON(g, lay); err != nil {
			return errkind.New(errkind.Engine, err)
		}
	default:
		return errkind.Errorf(errkind.Usage, "graph format %q: want one of %s", format, strings.Join(GraphFormats, ", "))
	}
	return write(w, out)
}

func dot(g *pipeline.Graph, lay report.Layout) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", strconv.Quote(g.Pipeline().Name))
	for _, layer := range layers(lay) {
		b.WriteString("  { rank=same;")
		for _, i := range layer {
			fmt.Fprintf(&b, " %s;", strconv.Quote(g.Step(i).Name))
		}
		b.WriteString(" }\n")
	}
	for _, i := range inLayoutOrder(lay) {
		s := g.Step(i)
		style := ""
		if s.Skip {
			style = ", style=dashed"
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", strconv.Quote(s.Name), strconv.Quote(s.Name+"\n"+imageOf(g, s)), style)
	}
	for i := range g.Len() {
		for _, d := range g.Deps(i) {
			fmt.Fprintf(&b, "  %s -> %s;\n", strconv.Quote(g.Step(d).Name), strconv.Quote(g.Step(i).Name))
		}
	}
	b.WriteString("}\n")
	return b.String()
}

// mermaid names nodes s0, s1, ... since step names may hold brackets,
// which Mermaid reads as shapes; the label carries the real name.
func mermaid(g *pipeline.Graph, lay report.Layout) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for _, i := range inLayoutOrder(lay) {
		s := g.Step(i)
		label := strings.NewReplacer(`"`, "#quot;").Replace(s.Name + "<br/>" + imageOf(g, s))
		fmt.Fprintf(&b, "  s%d[\"%s\"]\n", i, label)
	}
	for i := range g.Len() {
		for _, d := range g.Deps(i) {
			fmt.Fprintf(&b, "  s%d --> s%d\n", d, i)
		}
	}
	return b.String()
}

// layers groups step indices by layout column, each in drawing order.
func layers(lay report.Layout) [][]int {
	out := make([][]int, lay.Layers)
	for _, i := range inLayoutOrder(lay) {
		out[lay.Nodes[i].Layer] = append(out[lay.Nodes[i].Layer], i)
	}
	return out
}

// inLayoutOrder lists step indices column by column, top to bottom, so
// tools that place nodes in declaration order draw what report.html draws.
func inLayoutOrder(lay report.Layout) []int {
	idx := make([]int, len(lay.Nodes))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		na, nb := lay.Nodes[idx[a]], lay.Nodes[idx[b]]
		if na.Layer != nb.Layer {
			return na.Layer < nb.Layer
		}
		return na.Order < nb.Order
	})
	return idx
}
