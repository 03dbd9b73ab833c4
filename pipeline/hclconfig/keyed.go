package hclconfig

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// keyedRef is step.X[expr] with X a for_each step and a computed key, as
// in a matrix where test[k] takes build[k]'s artifact:
// step.build[each.key].artifact.bin. The key is evaluated per instance, so
// each instance depends on the one instance it names rather than on all.
type keyedRef struct {
	sb  *stepBlock
	key hcl.Expression
	rng hcl.Range // the step.X part, as Variables() reports it
}

// keyedRefs finds them in a step's attributes. Only native syntax has the
// expression tree to find them in; in JSON such a reference depends on all
// instances.
func (d *decoder) keyedRefs(sb *stepBlock) []keyedRef {
	var out []keyedRef
	visit := func(n hclsyntax.Node) hcl.Diagnostics {
		ix, ok := n.(*hclsyntax.IndexExpr)
		if !ok {
			return nil
		}
		coll, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
		if !ok || len(coll.Traversal) != 2 {
			return nil
		}
		base, _, ok := stepRef(coll.Traversal)
		if target, known := d.bases[base]; ok && known && target.forEach && target.expanded {
			out = append(out, keyedRef{sb: target, key: ix.Key, rng: coll.Traversal.SourceRange()})
		}
		return nil
	}
	for _, e := range sb.refExprs() {
		if e, ok := e.(hclsyntax.Expression); ok {
			hclsyntax.VisitAll(e, visit)
		}
	}
	return out
}

// instanceDeps adds to a step's static dependencies those its keyed
// references name in this instance. A key that does not evaluate to a
// known instance depends on all instances; evaluating the attribute
// reports the error.
func (d *decoder) instanceDeps(static []pipeline.Dependency, keyed []keyedRef, ctx *hcl.EvalContext) []pipeline.Dependency {
	if len(keyed) == 0 {
		return static
	}
	deps := append([]pipeline.Dependency(nil), static...)
	for _, k := range keyed {
		at := pos(k.rng)
		v, diags := k.key.Value(ctx)
		if !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			if v, _ = v.Unmark(); containsKey(k.sb, v.AsString()) {
				deps = append(deps, d.targets(k.sb, v.AsString(), true, at)...)
				continue
			}
		}
		deps = append(deps, d.targets(k.sb, "", false, at)...)
	}
	return dedupDeps(deps)
}

func containsKey(sb *stepBlock, key string) bool {
	for _, k := range sb.keys {
		if k == key {
			return true
		}
	}
	return false
}
