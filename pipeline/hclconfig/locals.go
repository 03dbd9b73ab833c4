package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// decodeLocals evaluates the locals blocks in dependency order. A cycle is
// reported once with its path (local.a -> local.b -> local.a); the locals
// on it, and those depending on them, stay unknown.
func (d *decoder) decodeLocals(blocks hcl.Blocks) hcl.Diagnostics {
	attrs, diags := d.collectLocals(blocks)
	// deps[i] are the locals attrs[i] refers to, refs[i] where it does.
	deps := make([][]int, len(attrs))
	refs := make([][]hcl.Traversal, len(attrs))
	index := make(map[string]int, len(attrs))
	for i, a := range attrs {
		index[a.Name] = i
	}
	for i, a := range attrs {
		for _, tr := range a.Expr.Variables() {
			name := localName(tr)
			if j, ok := index[name]; ok && name != "" {
				deps[i], refs[i] = append(deps[i], j), append(refs[i], tr)
			}
		}
	}
	pipeline.SearchCycles(len(attrs), func(i int) []int { return deps[i] },
		func(path []int, edge int) {
			from := path[len(path)-2]
			diags = append(diags, cycleDiag(attrs, path, refs[from][edge]))
			for _, n := range path {
				d.locals[attrs[n].Name] = cty.DynamicVal
			}
		},
		func(i int) {
			if _, set := d.locals[attrs[i].Name]; set {
				return // set to unknown by a cycle through it
			}
			v, dd := d.evalLocal(attrs[i])
			diags = append(diags, dd...)
			d.locals[attrs[i].Name] = v
		})
	return diags
}

// collectLocals returns the locals of every block in declaration order,
// for stable diagnostics, and reports those defined twice.
func (d *decoder) collectLocals(blocks hcl.Blocks) ([]*hcl.Attribute, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	seen := map[string]*hcl.Attribute{}
	var attrs []*hcl.Attribute
	for _, b := range blocks {
		as, dd := b.Body.JustAttributes()
		diags = append(diags, dd...)
		for _, a := range sortedAttrs(as) {
			if prev, dup := seen[a.Name]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate local",
					Detail:   fmt.Sprintf("Local %q was already defined at %s.", a.Name, prev.NameRange),
					Subject:  a.NameRange.Ptr(),
				})
				continue
			}
			seen[a.Name] = a
			attrs = append(attrs, a)
			d.declaredLocals[a.Name] = true
		}
	}
	return attrs, diags
}

// evalLocal evaluates one local whose dependencies are all evaluated. Marks
// stay on, so a local computed from a sensitive variable is sensitive too.
func (d *decoder) evalLocal(a *hcl.Attribute) (cty.Value, hcl.Diagnostics) {
	// Only the locals referenced go into the context: building the object
	// of all locals for each one would be quadratic.
	refs := map[string]cty.Value{}
	for _, tr := range a.Expr.Variables() {
		if v, ok := d.locals[localName(tr)]; ok {
			refs[localName(tr)] = v
		}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": d.varObj, "local": cty.ObjectVal(refs)},
		Functions: d.funcs,
	}
	if diags := d.checkRefs(a.Expr, ctx); diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return v, diags
}

// cycleDiag reports a cycle of locals (path in reference order, closed by
// the reference tr).
func cycleDiag(attrs []*hcl.Attribute, path []int, tr hcl.Traversal) *hcl.Diagnostic {
	names := make([]string, len(path))
	for k, n := range path {
		names[k] = "local." + attrs[n].Name
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cycle in locals",
		Detail:   fmt.Sprintf("The local values refer to each other in a loop: %s.", strings.Join(names, " -> ")),
		Subject:  tr.SourceRange().Ptr(),
	}
}

// localName returns NAME for a local.NAME traversal, else "".
func localName(tr hcl.Traversal) string {
	if tr.RootName() != "local" || len(tr) < 2 {
		return ""
	}
	if a, ok := tr[1].(hcl.TraverseAttr); ok {
		return a.Name
	}
	return ""
}

// sortedAttrs returns attributes in source order (JustAttributes gives a map).
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	out := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		out = append(out, a)
	}
	sortByRange(out, func(a *hcl.Attribute) hcl.Range { return a.Range })
	return out
}
