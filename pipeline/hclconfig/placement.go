package hclconfig

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// decodePlacement reads placement { constraints = [...] }. Each constraint
// is checked as Swarm would parse it, and a bad one is reported at its own
// element when the list is written out, else at the attribute.
func (d *decoder) decodePlacement(step *pipeline.Step, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	step.Placement.Pos = pos(b.DefRange)
	content, diags := b.Body.Content(placementSchema)
	a, ok := content.Attributes["constraints"]
	if !ok {
		return diags
	}
	list, dd := d.evalStringList(a, ctx)
	diags = append(diags, dd...)
	if dd.HasErrors() {
		return diags
	}
	elems, _ := hcl.ExprList(a.Expr)
	for i, s := range list {
		if _, err := pipeline.ParseConstraint(s); err != nil {
			diag := attrError(a, "Invalid placement constraint", err.Error()+".")
			if len(elems) == len(list) {
				diag.Subject = elems[i].Range().Ptr()
			}
			diags = append(diags, diag)
			continue
		}
		step.Placement.Constraints = append(step.Placement.Constraints, s)
	}
	return diags
}
