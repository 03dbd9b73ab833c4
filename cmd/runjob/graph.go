package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
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
	var out string
	switch opts.Format {
	case "mermaid":
		out = mermaid(g)
	case "json":
		out, err = graphJSON(g)
	default:
		out = dot(g)
	}
	if err != nil {
		return &exitError{code: exitEngine, err: err}
	}
	_, err = io.WriteString(opts.Stdout, hclconfig.Mask(out, g.Pipeline().Sensitive))
	return err
}

func dot(g *pipeline.Graph) string {
	var b strings.Builder
	fmt.Fprintf(&b, "digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", strconv.Quote(g.Pipeline().Name))
	for i := range g.Len() {
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
func mermaid(g *pipeline.Graph) string {
	var b strings.Builder
	b.WriteString("flowchart LR\n")
	for i := range g.Len() {
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
}

func graphJSON(g *pipeline.Graph) (string, error) {
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
		out.Steps = append(out.Steps, graphStep{Name: s.Name, Base: s.Base, Key: s.Key, Image: s.Image, DependsOn: deps, Skip: s.Skip})
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
