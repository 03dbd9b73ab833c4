package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// expand evaluates a step's for_each: a set of strings (each.value is the
// key) or a map or object (each.value is the element). Instance keys name
// steps in output, so they must be known, non-empty and not sensitive.
// Instances are ordered by key, as sets and maps iterate.
func (d *decoder) expand(sb *stepBlock, attr *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	if diags := d.checkRefs(attr.Expr, ctx); diags.HasErrors() {
		return diags
	}
	v, diags := attr.Expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return diags // unknown: a variable or local in error, already reported
	}
	bad := func(detail string) hcl.Diagnostics {
		return append(diags, attrError(attr, "Invalid for_each", detail))
	}
	if v.ContainsMarked() {
		return bad("for_each must not use sensitive values: instance names would show them.")
	}
	if v.IsNull() {
		return bad("for_each must be a set of strings or a map, not null.")
	}
	ty := v.Type()
	switch {
	case ty.IsSetType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			s, err := convert.Convert(e, cty.String)
			if err != nil || s.IsNull() {
				return bad(fmt.Sprintf("for_each must be a set of strings; this set has an element of type %s.", e.Type().FriendlyName()))
			}
			sb.keys = append(sb.keys, s.AsString())
			sb.each = append(sb.each, eachObject(s.AsString(), s))
		}
	case ty.IsMapType() || ty.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			sb.keys = append(sb.keys, k.AsString())
			sb.each = append(sb.each, eachObject(k.AsString(), e))
		}
	case ty.IsListType() || ty.IsTupleType():
		return bad("for_each must be a set of strings or a map, not a list: convert it with toset(...) so that instances are named by value.")
	default:
		return bad(fmt.Sprintf("for_each must be a set of strings or a map, not %s.", ty.FriendlyName()))
	}
	for _, k := range sb.keys {
		if k == "" {
			sb.keys, sb.each = nil, nil
			return bad("for_each keys name the instances, so none may be empty.")
		}
	}
	sb.expanded = true
	return diags
}

func eachObject(key string, value cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(key), "value": value})
}
