package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
	"github.com/runjob/runjob/report"
)

func newGraphCmd(stdout, stderr io.Writer, fn func(context.Context, *listOptions) error) *cobra.Command {
	opts := &listOptions{Stdout: stdout, Stderr: stderr}
	cmd := &cobra.Command{
		Use:   "graph FILE [flags]",
		Short: "Print a pipeline's dependency graph as DOT, Mermaid or JSON",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch opts.Format {
			case "dot", "mermaid", "json":
			default:
				return fmt.Errorf("--format %q: want dot, mermaid or json", opts.Format)
			}
			return opts.parse(cmd, args, fn)
		},
	}
	addVarFlags(cmd, &opts.varFlags, &opts.VarFiles)
	cmd.Flags().StringVar(&opts.Format, "format", "dot", "output format: dot (Graphviz), mermaid, or json")
	return cmd
}

// graphPipeline prints the graph; an edge points from a step to the step
// that waits for it, the direction work flows.
func graphPipeline(_ context.Context, opts *listOptions) error {
	g, err := load(opts.loadOptions, opts.Stderr)
	if err != nil {
		return err
	}
	// One layout source for every format and for report.html's graph:
	// columns by longest dependency path, declaration order within them.
	lay := report.NewLayout(g)
	var out string
	switch opts.Format {
	case "mermaid":
		out = mermaid(g, lay)
	case "json":
		out, err = graphJSON(g, lay)
	default:
		out = dot(g, lay)
	}
	if err != nil {
		return errkind.New(errkind.Engine, err)
	}
	_, err = io.WriteString(opts.Stdout, hclconfig.Mask(out, g.Pipeline().Sensitive))
	return err
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
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", strconv.Quote(s.Name), strconv.Quote(s.Name+"\n"+s.Image), style)
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
		label := strings.NewReplacer(`"`, "#quot;").Replace(s.Name + "<br/>" + s.Image)
		fmt.Fprintf(&b, "  s%d[\"%s\"]\n", i, label)
	}
	for i := range g.Len() {
		for _, d := range g.Deps(i) {
			fmt.Fprintf(&b, "  s%d --> s%d\n", d, i)
		}
	}
	return b.String()
}

// graphStep is one step in `runjob graph --format json`.
type graphStep struct {
	Name      string   `json:"name"`
	Base      string   `json:"base"`
	Key       string   `json:"key,omitempty"`
	Image     string   `json:"image"`
	DependsOn []string `json:"depends_on"`
	Skip      bool     `json:"skip,omitempty"`
	// Layer, Order and the box come from report.NewLayout, as drawn in
	// report.html.
	Layer int     `json:"layer"`
	Order int     `json:"order"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	W     float64 `json:"w"`
	H     float64 `json:"h"`
}

func graphJSON(g *pipeline.Graph, lay report.Layout) (string, error) {
	out := struct {
		Pipeline string      `json:"pipeline"`
		Steps    []graphStep `json:"steps"`
		Order    []string    `json:"order"`
	}{Pipeline: g.Pipeline().Name, Steps: []graphStep{}}
	for i := range g.Len() {
		s := g.Step(i)
		deps := depNames(g, i)
		if deps == nil {
			deps = []string{}
		}
		n := lay.Nodes[i]
		out.Steps = append(out.Steps, graphStep{Name: s.Name, Base: s.Base, Key: s.Key, Image: s.Image, DependsOn: deps, Skip: s.Skip,
			Layer: n.Layer, Order: n.Order, X: n.X, Y: n.Y, W: n.W, H: n.H})
	}
	for _, i := range g.Order() {
		out.Order = append(out.Order, g.Step(i).Name)
	}
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(out)
	return b.String(), err
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
