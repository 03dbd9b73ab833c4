package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// decodeLocals evaluates the locals blocks in dependency order. A cycle is
// reported once with its path (local.a -> local.b -> local.a); the locals
// on it, and those depending on them, stay unknown.
func (d *decoder) decodeLocals(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	attrs := map[string]*hcl.Attribute{}
	var order []string // declaration order, for stable diagnostics
	for _, b := range blocks {
		as, dd := b.Body.JustAttributes()
		diags = append(diags, dd...)
		for _, a := range sortedAttrs(as) {
			if prev, dup := attrs[a.Name]; dup {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Duplicate local",
					Detail:   fmt.Sprintf("Local %q was already defined at %s.", a.Name, prev.NameRange),
					Subject:  a.NameRange.Ptr(),
				})
				continue
			}
			attrs[a.Name] = a
			order = append(order, a.Name)
			d.declaredLocals[a.Name] = true
		}
	}
	const (
		unvisited = iota
		visiting
		done
	)
	state := map[string]int{}
	var stack []string
	var visit func(name string)
	visit = func(name string) {
		state[name] = visiting
		stack = append(stack, name)
		a := attrs[name]
		for _, tr := range a.Expr.Variables() {
			dep := localName(tr)
			if _, ok := attrs[dep]; !ok || dep == "" {
				continue
			}
			switch state[dep] {
			case unvisited:
				visit(dep)
			case visiting:
				diag, cycle := cycleDiag(stack, dep, tr)
				diags = append(diags, diag)
				for _, n := range cycle {
					d.locals[n] = cty.DynamicVal
				}
			}
		}
		stack = stack[:len(stack)-1]
		state[name] = done
		if _, set := d.locals[name]; set {
			return // set to unknown by a cycle through it
		}
		v, dd := d.evalLocal(a)
		diags = append(diags, dd...)
		d.locals[name] = v
	}
	for _, name := range order {
		if state[name] == unvisited {
			visit(name)
		}
	}
	return diags
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

// cycleDiag reports the cycle closed by a reference to dep from the top
// of the stack, and leaves every local on it unknown.
func cycleDiag(stack []string, dep string, tr hcl.Traversal) (*hcl.Diagnostic, []string) {
	start := len(stack) - 1
	for stack[start] != dep {
		start--
	}
	cycle := stack[start:]
	path := make([]string, 0, len(stack)-start+1)
	for _, n := range stack[start:] {
		path = append(path, "local."+n)
	}
	path = append(path, "local."+dep)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cycle in locals",
		Detail:   fmt.Sprintf("The local values refer to each other in a loop: %s.", strings.Join(path, " -> ")),
		Subject:  tr.SourceRange().Ptr(),
	}, cycle
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
