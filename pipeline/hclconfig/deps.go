package hclconfig

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// stepDeps returns a step's dependencies: its depends_on entries, then
// every step it refers to anywhere else, in source order. A reference to a
// for_each step without an instance key means all its instances.
// The services it lists in depends_on are returned apart.
func (d *decoder) stepDeps(sb *stepBlock) ([]pipeline.Dependency, []string, []keyedRef, hcl.Diagnostics) {
	var deps []pipeline.Dependency
	var services []string
	var diags hcl.Diagnostics
	if attr, ok := sb.content.Attributes["depends_on"]; ok {
		deps, services, diags = d.dependsOn(attr)
	}
	keyed := d.keyedRefs(sb)
	for _, tr := range stepTraversals(sb) {
		if slices.ContainsFunc(keyed, func(k keyedRef) bool { return k.rng == tr.SourceRange() }) {
			continue // step.X[expr]: resolved per instance
		}
		base, key, ok := stepRef(tr)
		target, known := d.bases[base]
		if !ok || !known {
			continue // reported when the expression is evaluated
		}
		deps = append(deps, d.targets(target, key, hasKey(tr), pos(tr.SourceRange()))...)
	}
	return dedupDeps(deps), services, keyed, diags
}

// dependsOn reads depends_on statically: a list of step.NAME,
// step.NAME["key"] or service.NAME references, never computed values, so
// the graph is known before anything is evaluated or run.
func (d *decoder) dependsOn(attr *hcl.Attribute) ([]pipeline.Dependency, []string, hcl.Diagnostics) {
	exprs, diags := hcl.ExprList(attr.Expr)
	var deps []pipeline.Dependency
	var services []string
	for _, expr := range exprs {
		tr, dd := hcl.AbsTraversalForExpr(expr)
		if !dd.HasErrors() && len(tr) == 2 && tr.RootName() == "service" {
			if diag := d.checkName(tr); diag != nil {
				diags = append(diags, diag)
			} else if name, _ := traverserName(tr[1]); !slices.Contains(services, name) {
				services = append(services, name)
			}
			continue
		}
		if !dd.HasErrors() && isOutputRef(tr) {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Step output not allowed here",
				Detail: "depends_on lists steps, such as step.build; a reference to an output elsewhere in the step already makes it wait for that step. " + outputHelp, Subject: expr.Range().Ptr()})
			continue
		}
		base, key, ok := stepRef(tr)
		if dd.HasErrors() || !ok || len(tr) > 3 || (len(tr) == 3 && !hasKey(tr)) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid depends_on entry",
				Detail:   `Each depends_on entry must be a step reference such as step.build, step.test["key"] for one instance of a for_each step, or a service such as service.db.`,
				Subject:  expr.Range().Ptr(),
			})
			continue
		}
		at := pos(expr.Range())
		target, known := d.bases[base]
		if !known {
			// The graph reports it, with a suggestion among all steps.
			deps = append(deps, pipeline.Dependency{Step: base, Pos: at})
			continue
		}
		if diag := d.instanceCheck(target, tr); diag != nil {
			diags = append(diags, diag)
			continue
		}
		deps = append(deps, d.targets(target, key, hasKey(tr), at)...)
	}
	return deps, services, diags
}

// targets are the step names a reference to sb (with an instance key or
// not) depends on.
func (d *decoder) targets(sb *stepBlock, key string, keyed bool, at pipeline.Pos) []pipeline.Dependency {
	if !sb.forEach {
		return []pipeline.Dependency{{Step: sb.name, Pos: at}}
	}
	var out []pipeline.Dependency
	for i, k := range sb.keys {
		if !keyed || k == key {
			out = append(out, pipeline.Dependency{Step: sb.instanceName(i), Pos: at})
		}
	}
	return out
}

// stepRef splits step.NAME[...] into NAME and the instance key, if any.
func stepRef(tr hcl.Traversal) (base, key string, ok bool) {
	if len(tr) < 2 || tr.RootName() != "step" {
		return "", "", false
	}
	base, ok = traverserName(tr[1])
	if len(tr) > 2 {
		key, _ = traverserName(tr[2])
	}
	return base, key, ok
}

// hasKey reports whether the traversal indexes a step by instance key.
func hasKey(tr hcl.Traversal) bool {
	if len(tr) < 3 {
		return false
	}
	_, isIndex := tr[2].(hcl.TraverseIndex)
	return isIndex
}

// traverserName returns the name an attribute step or a string index uses.
func traverserName(t hcl.Traverser) (string, bool) {
	switch t := t.(type) {
	case hcl.TraverseAttr:
		return t.Name, true
	case hcl.TraverseIndex:
		if t.Key.IsKnown() && !t.Key.IsNull() && !t.Key.IsMarked() && t.Key.Type() == cty.String {
			return t.Key.AsString(), true
		}
	}
	return "", false
}

func noInstance(sb *stepBlock, key string, rng hcl.Range) *hcl.Diagnostic {
	quoted := make([]string, len(sb.keys))
	for i, k := range sb.keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown step instance",
		Detail:   fmt.Sprintf("Step %q has no instance %q; its for_each keys are %s.", sb.name, key, strings.Join(quoted, ", ")),
		Subject:  rng.Ptr(),
	}
}

// stepTraversals returns every step.* traversal in a step's attributes and
// nested blocks (but not depends_on or for_each), in source order.
func stepTraversals(sb *stepBlock) []hcl.Traversal { return traversalsOf(sb, "step") }

// traversalsOf returns every traversal from root in a step's attributes and
// nested blocks (but not depends_on or for_each), in source order.
func traversalsOf(sb *stepBlock, root string) []hcl.Traversal {
	var out []hcl.Traversal
	for _, e := range sb.refExprs() {
		for _, tr := range e.Variables() {
			if tr.RootName() == root {
				out = append(out, tr)
			}
		}
	}
	sortByRange(out, func(tr hcl.Traversal) hcl.Range { return tr.SourceRange() })
	return out
}

// refExprs are the expressions of a step that may refer to other steps:
// its attributes but depends_on and for_each, and its nested blocks'.
// They are collected once per step block.
func (sb *stepBlock) refExprs() []hcl.Expression {
	if sb.exprs != nil {
		return sb.exprs
	}
	sb.exprs = []hcl.Expression{}
	for name, a := range sb.content.Attributes {
		if name != "depends_on" && name != "for_each" {
			sb.exprs = append(sb.exprs, a.Expr)
		}
	}
	for _, b := range sb.content.Blocks {
		if schema := nestedSchemas[b.Type]; schema != nil {
			c, _, _ := b.Body.PartialContent(schema)
			for _, a := range c.Attributes {
				sb.exprs = append(sb.exprs, a.Expr)
			}
		}
	}
	return sb.exprs
}

var nestedSchemas = map[string]*hcl.BodySchema{
	"artifact":  artifactSchema,
	"input":     inputSchema,
	"cache":     cacheSchema,
	"mount":     mountSchema,
	"resources": resourcesSchema,
	"placement": placementSchema,
}

// dedupDeps keeps the first dependency on each step.
func dedupDeps(deps []pipeline.Dependency) []pipeline.Dependency {
	seen := make(map[string]bool, len(deps))
	out := deps[:0]
	for _, dep := range deps {
		if !seen[dep.Step] {
			seen[dep.Step] = true
			out = append(out, dep)
		}
	}
	return out
}

// sortByRange sorts by source position, for output independent of map
// iteration order.
func sortByRange[T any](xs []T, rng func(T) hcl.Range) {
	slices.SortStableFunc(xs, func(a, b T) int {
		ra, rb := rng(a), rng(b)
		if c := strings.Compare(ra.Filename, rb.Filename); c != 0 {
			return c
		}
		return ra.Start.Byte - rb.Start.Byte
	})
}
