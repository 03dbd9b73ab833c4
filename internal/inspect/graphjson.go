package inspect

import (
	"encoding/json"
	"strings"

	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/report"
)

// graphJSONOut is the document of Graph's json format.
type graphJSONOut struct {
	Pipeline string      `json:"pipeline"`
	Steps    []graphStep `json:"steps"` // declaration order, never null
	Order    []string    `json:"order"` // topological run order
}

// graphStep is one step in Graph's json format.
type graphStep struct {
	Name      string   `json:"name"`
	Base      string   `json:"base"`
	Key       string   `json:"key,omitempty"`
	Image     string   `json:"image"`
	DependsOn []string `json:"depends_on"` // never null
	Skip      bool     `json:"skip,omitempty"`
	// When is "on_failure" or "always"; omitted for on_success.
	When string `json:"when,omitempty"`
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
	out := graphJSONOut{Pipeline: g.Pipeline().Name, Steps: []graphStep{}}
	for i := range g.Len() {
		s := g.Step(i)
		deps := depNames(g, i)
		if deps == nil {
			deps = []string{}
		}
		n := lay.Nodes[i]
		gs := graphStep{Name: s.Name, Base: s.Base, Key: s.Key, Image: imageOf(g, s), DependsOn: deps, Skip: s.Skip,
			Layer: n.Layer, Order: n.Order, X: n.X, Y: n.Y, W: n.W, H: n.H}
		if s.When.AfterFailure() {
			gs.When = string(s.When)
		}
		out.Steps = append(out.Steps, gs)
	}
	for _, i := range g.Order() {
		out.Order = append(out.Order, g.Step(i).Name)
	}
	return encodeJSON(out)
}

// encodeJSON indents by two spaces and leaves <, > and & as they are, for
// people reading the output.
func encodeJSON(v any) (string, error) {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err := enc.Encode(v)
	return b.String(), err
}
