package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// validate checks a variable's value against its validation blocks. All
// failing rules are reported; a rule that cannot be evaluated is an error
// of its own.
func (d *decoder) validate(v *variable) hcl.Diagnostics {
	val := d.vars[v.name]
	if len(v.validations) == 0 || !val.IsWhollyKnown() {
		return nil
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(d.vars)},
		Functions: d.funcs,
	}
	var diags hcl.Diagnostics
	for _, b := range v.validations {
		content, dd := b.Body.Content(validationSchema)
		diags = append(diags, dd...)
		cond, msg := content.Attributes["condition"], content.Attributes["error_message"]
		if cond == nil || msg == nil {
			continue
		}
		ok, known, dd := d.evalBool(cond, ctx)
		diags = append(diags, dd...)
		if !known || ok {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("%s\n\nThis was checked by the validation rule at %s.", d.errorMessage(msg, ctx), cond.Expr.Range()),
			Subject:  cond.Expr.Range().Ptr(),
		})
	}
	return diags
}

// errorMessage evaluates a validation's error_message. A message computed
// from a sensitive value is withheld rather than printed.
func (d *decoder) errorMessage(attr *hcl.Attribute, ctx *hcl.EvalContext) string {
	if diags := d.checkRefs(attr.Expr, ctx); diags.HasErrors() {
		return "(the error message cannot be evaluated)"
	}
	v, diags := attr.Expr.Value(ctx)
	if diags.HasErrors() || !v.IsWhollyKnown() {
		return "(the error message cannot be evaluated)"
	}
	if v.ContainsMarked() {
		return "(the error message refers to a sensitive value and is not shown)"
	}
	s, err := ctyString(v)
	if err != nil || s == "" {
		return "(the error message must be a non-empty string)"
	}
	return s
}
