package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// eval evaluates attr and converts the result to ty. References are checked
// first, so that a shell variable written as ${NAME} gets advice instead of
// HCL's bare "Unknown variable".
func eval(attr *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	if diags := checkRefs(attr.Expr, ctx); diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	v, diags := attr.Expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	out, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NullVal(ty), append(diags, attrError(attr, "Invalid value",
			fmt.Sprintf("%s must be %s: %s.", attr.Name, ty.FriendlyName(), err)))
	}
	if !out.IsWhollyKnown() {
		// Only a variable that has no value is unknown, and it was reported:
		// callers skip their own checks of unknown values to add no noise.
		return cty.UnknownVal(ty), diags
	}
	return out, diags
}

// evalString evaluates a string attribute. checkable is false when the
// value is in error or unknown, so callers should not validate it further.
func evalString(attr *hcl.Attribute, ctx *hcl.EvalContext) (s string, checkable bool, diags hcl.Diagnostics) {
	v, diags := eval(attr, ctx, cty.String)
	if diags.HasErrors() || !v.IsKnown() {
		return "", false, diags
	}
	if v.IsNull() {
		return "", true, diags
	}
	return v.AsString(), true, diags
}

func evalStringList(attr *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := eval(attr, ctx, cty.List(cty.String))
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return nil, diags
	}
	out := make([]string, 0, v.LengthInt())
	for _, e := range v.AsValueSlice() {
		if e.IsNull() {
			return nil, append(diags, attrError(attr, "Invalid value", attr.Name+" must not contain null."))
		}
		out = append(out, e.AsString())
	}
	return out, diags
}

func evalStringMap(attr *hcl.Attribute, ctx *hcl.EvalContext) (map[string]string, hcl.Diagnostics) {
	v, diags := eval(attr, ctx, cty.Map(cty.String))
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return nil, diags
	}
	out := make(map[string]string, v.LengthInt())
	for k, e := range v.AsValueMap() {
		if e.IsNull() {
			return nil, append(diags, attrError(attr, "Invalid value", fmt.Sprintf("%s[%q] must not be null.", attr.Name, k)))
		}
		out[k] = e.AsString()
	}
	return out, diags
}

// checkRefs reports references to names the context does not define. A
// bare ${NAME} inside a string is almost always meant for the shell, so the
// diagnostic says how to escape it.
func checkRefs(expr hcl.Expression, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		if v, ok := ctx.Variables[root]; ok {
			diags = append(diags, checkAttr(tr, v)...)
			continue
		}
		detail := fmt.Sprintf("There is no %q in a pipeline; references start with var.", root)
		if len(tr) == 1 {
			detail = fmt.Sprintf("${%s} is HCL interpolation, and the pipeline defines no %q. "+
				"If it is meant for the shell, escape it as $${%s} or write $%s; "+
				"to use a pipeline variable, declare variable %q and write ${var.%s}.",
				root, root, root, root, root, root)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown reference " + strings.TrimSpace(root),
			Detail:   detail,
			Subject:  tr.SourceRange().Ptr(),
		})
	}
	return diags
}

// checkAttr reports var.NAME when no variable NAME is declared, with the
// closest declared name.
func checkAttr(tr hcl.Traversal, obj cty.Value) hcl.Diagnostics {
	if len(tr) < 2 || !obj.Type().IsObjectType() {
		return nil
	}
	a, ok := tr[1].(hcl.TraverseAttr)
	if !ok || obj.Type().HasAttribute(a.Name) {
		return nil
	}
	var known []string
	for name := range obj.Type().AttributeTypes() {
		known = append(known, name)
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Undeclared variable",
		Detail:   fmt.Sprintf("No variable %q is declared; add a variable %q block.%s", a.Name, a.Name, didYouMean(a.Name, known)),
		Subject:  tr.SourceRange().Ptr(),
	}}
}

func attrError(attr *hcl.Attribute, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail,
		Subject:  attr.Expr.Range().Ptr(),
		Context:  attr.Range.Ptr(),
	}
}

func hclsyntaxValidIdent(s string) bool { return hclsyntax.ValidIdentifier(s) }
