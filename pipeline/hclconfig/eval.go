package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// eval evaluates attr and converts the result to ty. References are checked
// first, so that a shell variable written as ${NAME} gets advice instead of
// HCL's bare "Unknown variable". The result carries no marks: strings
// computed from sensitive values are recorded in d.sensitive instead.
func (d *decoder) eval(attr *hcl.Attribute, ctx *hcl.EvalContext, ty cty.Type) (cty.Value, hcl.Diagnostics) {
	if diags := d.checkRefs(attr.Expr, ctx); diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	v, diags := attr.Expr.Value(ctx)
	if diags.HasErrors() {
		return cty.NullVal(ty), diags
	}
	if dd := d.checkOutputUse(attr, v); dd.HasErrors() {
		return cty.NullVal(ty), append(diags, dd...)
	}
	out, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NullVal(ty), append(diags, attrError(attr, "Invalid value",
			fmt.Sprintf("%s must be %s: %s.", attr.Name, ty.FriendlyName(), convertMsg(err))))
	}
	if !out.IsWhollyKnown() {
		// Only a variable or local that has no value is unknown, and it was
		// reported: callers skip their own checks of unknown values to add
		// no noise.
		return cty.UnknownVal(ty), diags
	}
	if dd := checkSecretUse(attr, out); dd.HasErrors() {
		return cty.NullVal(ty), append(diags, dd...)
	}
	if dd := checkImageUse(attr, out); dd.HasErrors() {
		return cty.NullVal(ty), append(diags, dd...)
	}
	return d.unmark(out), diags
}

// unmark strips sensitivity marks, remembering the strings they covered.
func (d *decoder) unmark(v cty.Value) cty.Value {
	if !v.ContainsMarked() {
		return v
	}
	unmarked, paths := v.UnmarkDeepWithPaths()
	for _, pm := range paths {
		if _, ok := pm.Marks[sensitiveMark]; !ok {
			continue
		}
		if sub, err := pm.Path.Apply(unmarked); err == nil {
			d.addSensitive(sub)
		}
	}
	return unmarked
}

// addSensitive records every string and number inside v as sensitive.
func (d *decoder) addSensitive(v cty.Value) {
	_ = cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		v, _ = v.Unmark()
		if !v.IsKnown() || v.IsNull() {
			return false, nil
		}
		var s string
		switch v.Type() {
		case cty.String:
			s = v.AsString()
		case cty.Number:
			s = v.AsBigFloat().Text('f', -1)
		}
		if s != "" {
			d.sensitive[s] = true
		}
		return true, nil
	})
}

// evalString evaluates a string attribute. checkable is false when the
// value is in error or unknown, so callers should not validate it further.
func (d *decoder) evalString(attr *hcl.Attribute, ctx *hcl.EvalContext) (s string, checkable bool, diags hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.String)
	if diags.HasErrors() || !v.IsKnown() {
		return "", false, diags
	}
	if v.IsNull() {
		return "", true, diags
	}
	return v.AsString(), true, diags
}

func (d *decoder) evalStringList(attr *hcl.Attribute, ctx *hcl.EvalContext) ([]string, hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.List(cty.String))
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

func (d *decoder) evalStringMap(attr *hcl.Attribute, ctx *hcl.EvalContext) (map[string]string, hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.Map(cty.String))
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

// evalBool evaluates a bool attribute; ok is false when it is in error,
// unknown or null.
func (d *decoder) evalBool(attr *hcl.Attribute, ctx *hcl.EvalContext) (b, ok bool, diags hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.Bool)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return false, false, diags
	}
	return v.True(), true, diags
}

// evalInt evaluates a whole number in [lo, hi].
func (d *decoder) evalInt(attr *hcl.Attribute, ctx *hcl.EvalContext, lo, hi int) (n int, ok bool, diags hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.Number)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return 0, false, diags
	}
	bf := v.AsBigFloat()
	i, acc := bf.Int64()
	if !bf.IsInt() || acc != 0 || i < int64(lo) || i > int64(hi) {
		return 0, false, append(diags, attrError(attr, "Invalid value",
			fmt.Sprintf("%s must be a whole number from %d to %d.", attr.Name, lo, hi)))
	}
	return int(i), true, diags
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

// ctyString converts a known value to a Go string.
func ctyString(v cty.Value) (string, error) {
	s, err := convert.Convert(v, cty.String)
	if err != nil {
		return "", err
	}
	if s.IsNull() {
		return "", nil
	}
	return s.AsString(), nil
}

// evalImage evaluates an image attribute, which must not be empty; example
// goes into the advice.
func (d *decoder) evalImage(a *hcl.Attribute, ctx *hcl.EvalContext, example string) (string, hcl.Diagnostics) {
	image, checkable, diags := d.evalString(a, ctx)
	if checkable && image == "" {
		diags = append(diags, attrError(a, "Empty image", fmt.Sprintf("The image must name a container image, e.g. %q.", example)))
	}
	return image, diags
}
