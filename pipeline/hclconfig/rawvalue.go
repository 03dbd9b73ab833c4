package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// parseRaw turns text from --var or the environment into a value, as
// Terraform does: a string variable takes the text as is; a number, bool,
// list, map or object variable parses it as an HCL expression
// (--var 'tags=["a","b"]'). An untyped variable takes the type of a
// primitive default, so --var n=3 is a number when the default is 2.
func (d *decoder) parseRaw(v *variable, g given) (cty.Value, hcl.Diagnostics) {
	shown := fmt.Sprintf("%q", g.raw)
	if v.sensitive {
		shown = "(sensitive)"
	}
	label := fmt.Sprintf("%s %s=%s", g.source, v.name, shown)
	if g.source != "--var" {
		label = fmt.Sprintf("%s=%s", g.source, shown)
	}
	invalid := func(msg string) (cty.Value, hcl.Diagnostics) {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("%s: %s.", label, msg),
			Subject:  v.block.DefRange.Ptr(),
		}}
	}
	if !v.typed {
		if v.def != nil {
			def, diags := v.def.Expr.Value(nil)
			if !diags.HasErrors() && def.Type().IsPrimitiveType() && def.Type() != cty.String {
				out, err := convert.Convert(cty.StringVal(g.raw), def.Type())
				if err != nil {
					return invalid(fmt.Sprintf("%s (the default is a %s)", err, def.Type().FriendlyName()))
				}
				return out, nil
			}
		}
		return cty.StringVal(g.raw), nil
	}
	if v.ty == cty.String || v.ty == cty.DynamicPseudoType {
		return cty.StringVal(g.raw), nil
	}
	if v.ty.IsPrimitiveType() {
		out, err := convert.Convert(cty.StringVal(g.raw), v.ty)
		if err != nil {
			return invalid(fmt.Sprintf("want %s: %s", v.ty.FriendlyName(), convertMsg(err)))
		}
		return out, nil
	}
	expr, diags := hclsyntax.ParseExpression([]byte(g.raw), g.source, hcl.InitialPos)
	if diags.HasErrors() {
		return invalid(fmt.Sprintf("not a valid %s expression: %s", v.ty.FriendlyName(), strings.TrimSuffix(diags[0].Detail, ".")))
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return invalid(fmt.Sprintf("not a constant %s: %s", v.ty.FriendlyName(), strings.TrimSuffix(diags[0].Detail, ".")))
	}
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	out, err := convert.Convert(val, v.ty)
	if err != nil {
		return invalid(fmt.Sprintf("want %s: %s", v.ty.FriendlyName(), convertMsg(err)))
	}
	return out, nil
}
