package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// stepBlock is a declared step before expansion: its block, its decoded
// content, and the instances for_each made of it.
type stepBlock struct {
	block   *hcl.Block
	content *hcl.BodyContent
	name    string
	// forEach is true when the block has for_each; keys are then its
	// instance keys in order, each the matching each objects.
	forEach bool
	keys    []string
	each    []cty.Value
	// expanded is false when for_each could not be evaluated: its
	// instances are unknown, and references to them are not checked.
	expanded bool
	exprs    []hcl.Expression // see refExprs
}

// instanceName is a step's name in output and the model: base or base[key].
func (sb *stepBlock) instanceName(i int) string {
	if !sb.forEach {
		return sb.name
	}
	return fmt.Sprintf("%s[%s]", sb.name, sb.keys[i])
}

// decodeSteps declares every step, expands for_each, builds the step.
// objects references evaluate to, then decodes each instance.
func (d *decoder) decodeSteps(blocks hcl.Blocks) ([]*pipeline.Step, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var sbs []*stepBlock
	base := d.baseCtx()
	for _, b := range blocks {
		sb, dd := d.declareStep(b, base)
		diags = append(diags, dd...)
		if sb != nil {
			sbs = append(sbs, sb)
		}
	}
	d.collectOutputs(sbs)
	objs := make(map[string]cty.Value, len(sbs))
	for _, sb := range sbs {
		objs[sb.name] = d.stepObject(sb)
	}
	sctx := stepCtx(base, objs, d.secretObject(), d.serviceObject(), d.imageObject())
	var steps []*pipeline.Step
	for _, sb := range sbs {
		deps, services, keyed, dd := d.stepDeps(sb)
		diags = append(diags, dd...)
		services = d.stepServices(sb, services)
		n, conflict, refused := 1, false, false
		if sb.forEach {
			n = len(sb.keys)
		}
		for i := range n {
			each := cty.NilVal
			if sb.forEach {
				each = sb.each[i]
			}
			ictx := instanceCtx(sctx, each)
			s, dd := d.decodeInstance(sb, i, ictx)
			diags = append(diags, dd...)
			s.DependsOn = append(d.instanceDeps(deps, keyed, ictx), imageDeps(s, sb.content.Attributes)...)
			s.Services = services
			if dd := d.stepNetwork(s, networkAttr(sb)); dd != nil && !conflict {
				conflict = true // once per block, not per for_each instance
				diags = append(diags, dd...)
			}
			if dd := d.stepReuse(s, sb.content.Attributes["reuse"]); dd != nil && !refused {
				refused = true
				diags = append(diags, dd...)
			}
			steps = append(steps, s)
		}
	}
	return steps, diags
}

// declareStep checks a step's name and evaluates its for_each.
func (d *decoder) declareStep(b *hcl.Block, base *hcl.EvalContext) (*stepBlock, hcl.Diagnostics) {
	name := b.Labels[0]
	if prev, dup := d.bases[name]; dup {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Duplicate step",
			Detail:   fmt.Sprintf("duplicate step %q: first declared at %s.", name, pos(prev.block.DefRange)),
			Subject:  b.DefRange.Ptr(),
		}}
	}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(name) {
		diags = append(diags, labelError(b, "Invalid step name",
			fmt.Sprintf("%q cannot be referenced as step.%s: a step name must start with a letter or underscore and contain only letters, digits, underscores and dashes.", name, name)))
	}
	content, dd := b.Body.Content(stepSchema)
	diags = append(diags, dd...)
	sb := &stepBlock{block: b, content: content, name: name}
	d.bases[name] = sb
	if attr, ok := content.Attributes["for_each"]; ok {
		sb.forEach = true
		diags = append(diags, d.expand(sb, attr, base)...)
	}
	return sb, diags
}

// stepObject is what step.NAME evaluates to: the step's name, its
// artifacts, each an object {step, artifact} that an input's from takes,
// and its outputs (see outputObject). A for_each step is an object of its
// instances by key.
func (d *decoder) stepObject(sb *stepBlock) cty.Value {
	instance := func(name string) cty.Value {
		arts := map[string]cty.Value{}
		for _, b := range sb.content.Blocks.OfType("artifact") {
			arts[b.Labels[0]] = cty.ObjectVal(map[string]cty.Value{
				"step":     cty.StringVal(name),
				"artifact": cty.StringVal(b.Labels[0]),
			})
		}
		return cty.ObjectVal(map[string]cty.Value{
			"name":     cty.StringVal(name),
			"artifact": cty.ObjectVal(arts),
			"output":   d.outputObject(sb.name, name),
		})
	}
	if !sb.forEach {
		return instance(sb.name)
	}
	insts := make(map[string]cty.Value, len(sb.keys))
	for i, k := range sb.keys {
		insts[k] = instance(sb.instanceName(i))
	}
	return cty.ObjectVal(insts)
}
