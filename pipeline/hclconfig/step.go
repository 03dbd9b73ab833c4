package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// decodeStep evaluates one step block. It returns nil only when the block is
// too broken to describe a step at all.
func decodeStep(block *hcl.Block, ctx *hcl.EvalContext) (*pipeline.Step, hcl.Diagnostics) {
	name := block.Labels[0]
	content, diags := block.Body.Content(stepSchema)
	step := &pipeline.Step{Name: name, Pos: pos(block.DefRange)}
	if name == "" {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Empty step name",
			Detail:   `A step needs a name: step "build" { ... }.`,
			Subject:  block.LabelRanges[0].Ptr(),
		})
	}
	attrs := content.Attributes
	if a, ok := attrs["image"]; ok {
		image, checkable, d := evalString(a, ctx)
		step.Image = image
		diags = append(diags, d...)
		if checkable && image == "" {
			diags = append(diags, attrError(a, "Empty image", "The image must name a container image, e.g. \"busybox:latest\"."))
		}
	}
	if a, ok := attrs["command"]; ok {
		var d hcl.Diagnostics
		step.Command, d = evalStringList(a, ctx)
		diags = append(diags, d...)
	}
	if a, ok := attrs["env"]; ok {
		var d hcl.Diagnostics
		step.Env, d = evalStringMap(a, ctx)
		diags = append(diags, d...)
	}
	if a, ok := attrs["workdir"]; ok {
		var d hcl.Diagnostics
		step.Workdir, _, d = evalString(a, ctx)
		diags = append(diags, d...)
	}
	if a, ok := attrs["depends_on"]; ok {
		var d hcl.Diagnostics
		step.DependsOn, d = decodeDependsOn(a)
		diags = append(diags, d...)
	}
	for _, b := range content.Blocks.OfType("artifact") {
		a, d := decodeArtifact(b, ctx)
		diags = append(diags, d...)
		step.Artifacts = append(step.Artifacts, a)
	}
	return step, diags
}

func decodeArtifact(block *hcl.Block, ctx *hcl.EvalContext) (pipeline.Artifact, hcl.Diagnostics) {
	a := pipeline.Artifact{Name: block.Labels[0], Pos: pos(block.DefRange)}
	content, diags := block.Body.Content(artifactSchema)
	if attr, ok := content.Attributes["path"]; ok {
		p, checkable, d := evalString(attr, ctx)
		a.Path = p
		diags = append(diags, d...)
		if checkable && (p == "" || p[0] != '/') {
			diags = append(diags, attrError(attr, "Invalid artifact path",
				fmt.Sprintf("The path %q must be absolute inside the container, e.g. \"/out\".", a.Path)))
		}
	}
	return a, diags
}

// decodeDependsOn reads depends_on statically: a list of step.NAME
// references, never computed values, so the graph is known before anything
// is evaluated or run.
func decodeDependsOn(attr *hcl.Attribute) ([]pipeline.Dependency, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(attr.Expr)
	var deps []pipeline.Dependency
	for _, expr := range exprs {
		tr, d := hcl.AbsTraversalForExpr(expr)
		name := ""
		if !d.HasErrors() && len(tr) == 2 && tr.RootName() == "step" {
			if a, ok := tr[1].(hcl.TraverseAttr); ok {
				name = a.Name
			}
		}
		if name == "" {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on entry",
				Detail:   "Each depends_on entry must be a step reference such as step.build.",
				Subject:  expr.Range().Ptr(),
			})
			continue
		}
		deps = append(deps, pipeline.Dependency{Step: name, Pos: pos(expr.Range())})
	}
	return deps, diags
}

func pos(r hcl.Range) pipeline.Pos {
	return pipeline.Pos{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte}
}
