package hclconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// outputMark marks the placeholders step.X.output.KEY evaluates to, so an
// output used where it would not be resolved is caught at load time.
const outputMark = "output"

// Which outputs a step writes is known only once it ran, so step.X.output
// is an object of the keys the pipeline refers to, each its placeholder.
// They are collected from the step blocks' expressions before any is
// evaluated, and must be written literally.

// outputAttrs are the step attributes an output may be used in: those the
// executor resolves just before it builds the container. Nested blocks'
// are in nestedOutputAttrs.
var outputAttrs = []string{"command", "script", "entrypoint", "env", "workdir", "user"}

var nestedOutputAttrs = map[string]string{"artifact": "path", "input": "to"}

// outputHelp ends every diagnostic about where an output may not be used.
const outputHelp = "A step's outputs are known only once it has run, so they can be used in command, script, entrypoint, env, workdir, user, an input's to and an artifact's path, but not in for_each, image, depends_on, when or other settings, which must be known when the pipeline loads."

// collectOutputs records the output keys each step is referred to with,
// and the attributes of sb where outputs may be used.
func (d *decoder) collectOutputs(sbs []*stepBlock) {
	for _, sb := range sbs {
		for name, a := range sb.content.Attributes {
			if slices.Contains(outputAttrs, name) {
				d.outputOK[a.Expr.Range()] = true
			}
		}
		for _, b := range sb.content.Blocks {
			if name, ok := nestedOutputAttrs[b.Type]; ok {
				c, _, _ := b.Body.PartialContent(nestedSchemas[b.Type])
				if a, ok := c.Attributes[name]; ok {
					d.outputOK[a.Expr.Range()] = true
				}
			}
		}
		for _, e := range sb.refExprs() {
			for _, tr := range e.Variables() {
				base, _, _ := stepRef(tr)
				d.addOutputKey(base, outputKeyOf(tr, hasKey(tr)))
			}
			if e, ok := e.(hclsyntax.Expression); ok {
				hclsyntax.VisitAll(e, d.keyedOutput)
			}
		}
	}
}

// keyedOutput records the key of step.X[expr].output.KEY, which
// Variables() reports only as step.X.
func (d *decoder) keyedOutput(n hclsyntax.Node) hcl.Diagnostics {
	rel, ok := n.(*hclsyntax.RelativeTraversalExpr)
	if !ok {
		return nil
	}
	ix, ok := rel.Source.(*hclsyntax.IndexExpr)
	if !ok {
		return nil
	}
	coll, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok || len(coll.Traversal) != 2 || len(rel.Traversal) < 2 {
		return nil
	}
	if a, ok := rel.Traversal[0].(hcl.TraverseAttr); ok && a.Name == "output" {
		base, _, _ := stepRef(coll.Traversal)
		key, _ := traverserName(rel.Traversal[1])
		d.addOutputKey(base, key)
	}
	return nil
}

func (d *decoder) addOutputKey(base, key string) {
	if base != "" && key != "" && !slices.Contains(d.outputKeys[base], key) {
		d.outputKeys[base] = append(d.outputKeys[base], key)
	}
}

// outputKeyOf returns KEY of step.X.output.KEY (keyed: step.X[k].output.KEY),
// or "" when tr is no such reference.
func outputKeyOf(tr hcl.Traversal, keyed bool) string {
	i := 2
	if keyed {
		i = 3
	}
	if !isOutputAt(tr, i) || len(tr) <= i+1 {
		return ""
	}
	key, _ := traverserName(tr[i+1])
	return key
}

func isOutputAt(tr hcl.Traversal, i int) bool {
	if len(tr) <= i || tr.RootName() != "step" {
		return false
	}
	a, ok := tr[i].(hcl.TraverseAttr)
	return ok && a.Name == "output"
}

// isOutputRef reports whether tr is step.X.output... or step.X[k].output...
func isOutputRef(tr hcl.Traversal) bool { return isOutputAt(tr, 2) || isOutputAt(tr, 3) }

// outputObject is what step.NAME.output evaluates to for the instance name.
func (d *decoder) outputObject(base, name string) cty.Value {
	vals := map[string]cty.Value{}
	for _, k := range d.outputKeys[base] {
		vals[k] = cty.StringVal(pipeline.OutputRef(name, k)).Mark(outputMark)
	}
	return cty.ObjectVal(vals)
}

// outputCheck reports a reference to sb's outputs that cannot be
// resolved: without a key, with an invalid one, or to all instances of a
// for_each step at once.
func (d *decoder) outputCheck(sb *stepBlock, tr hcl.Traversal) *hcl.Diagnostic {
	if !isOutputRef(tr) {
		return nil
	}
	bad := func(summary, detail string) *hcl.Diagnostic {
		return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: tr.SourceRange().Ptr()}
	}
	keyed := hasKey(tr)
	switch key := outputKeyOf(tr, keyed); {
	case sb.forEach && !keyed:
		return bad("Output of which instance?", fmt.Sprintf(`Step %q has for_each: refer to one instance's outputs, e.g. step.%s["KEY"].output.NAME.`, sb.name, sb.name))
	case key == "":
		return bad("Incomplete output reference", fmt.Sprintf("Refer to one output by its name, written literally: step.%s.output.NAME. Which outputs a step writes is known only once it has run.", sb.name))
	case !pipeline.ValidOutputKey(key):
		return bad("Invalid output name", fmt.Sprintf("%q cannot name an output: a name starts with a letter or _ and holds only letters, digits, _ and -.", key))
	case keyed && strings.ContainsAny(d.instanceKey(tr), "<>"):
		return bad("Unsupported instance key", "The outputs of an instance whose key holds < or > cannot be referred to.")
	}
	return nil
}

func (d *decoder) instanceKey(tr hcl.Traversal) string {
	key, _ := traverserName(tr[2])
	return key
}

// checkOutputUse reports an output used where it is not resolved, or
// passed to a function (which would change the placeholder, not the value).
func (d *decoder) checkOutputUse(attr *hcl.Attribute, v cty.Value) hcl.Diagnostics {
	if !v.ContainsMarked() {
		return nil
	}
	unmarked, paths := v.UnmarkDeepWithPaths()
	for _, pm := range paths {
		if _, ok := pm.Marks[outputMark]; !ok {
			continue
		}
		if !d.outputOK[attr.Expr.Range()] {
			return hcl.Diagnostics{attrError(attr, "Step output not allowed here", fmt.Sprintf("%s cannot use a step's output. %s", attr.Name, outputHelp))}
		}
		if sub, err := pm.Path.Apply(unmarked); err == nil && sub.Type() == cty.String && len(pipeline.OutputRefs(sub.AsString())) == 0 {
			return hcl.Diagnostics{attrError(attr, "Step output transformed",
				"An output can be used as is or inside a string (\"v${step.build.output.version}\"), but not passed to a function: its value is not known until the step has run.")}
		}
	}
	return nil
}
