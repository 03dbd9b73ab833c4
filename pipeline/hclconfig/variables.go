package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/runjob/runjob/mask"
)

// sensitiveMark marks values of sensitive variables; HCL carries marks
// through expressions and functions, so derived strings are known too.
const sensitiveMark = "sensitive"

// variable is a decoded variable block.
type variable struct {
	name        string
	block       *hcl.Block
	ty          cty.Type // cty.DynamicPseudoType when no type is declared
	typed       bool
	defaults    *typeexpr.Defaults
	def         *hcl.Attribute
	sensitive   bool
	validations hcl.Blocks
}

// variables evaluates the variable blocks into d.vars. A variable whose
// value is missing or invalid is left unknown, so that expressions using it
// evaluate quietly: the one diagnostic about it is the whole story.
func (d *decoder) variables(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	var decls []*variable
	for _, b := range blocks {
		v, dd := d.declareVariable(b)
		diags = append(diags, dd...)
		if v != nil {
			decls = append(decls, v)
		}
	}
	given, fromFiles, dd := d.l.givenValues()
	diags = append(diags, dd...)
	for _, v := range decls {
		val, dd := d.variableValue(v, given)
		diags = append(diags, dd...)
		if v.sensitive && val.IsWhollyKnown() {
			d.addSensitive(val)
			diags = append(diags, tooShortToMask(v, val)...)
			val = val.Mark(sensitiveMark)
		}
		d.vars[v.name] = val
	}
	diags = append(diags, d.undeclared(fromFiles)...)
	for _, v := range decls {
		diags = append(diags, d.validate(v)...)
	}
	return diags
}

func (d *decoder) declareVariable(b *hcl.Block) (*variable, hcl.Diagnostics) {
	name := b.Labels[0]
	if d.declaredVars[name] {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Duplicate variable",
			Detail:   fmt.Sprintf("Variable %q is declared twice; remove one of the blocks.", name),
			Subject:  b.LabelRanges[0].Ptr(),
		}}
	}
	d.declaredVars[name] = true
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(name) {
		diags = append(diags, labelError(b, "Invalid variable name",
			"A variable name must start with a letter or underscore and contain only letters, digits, underscores and dashes."))
	}
	content, dd := b.Body.Content(variableSchema)
	diags = append(diags, dd...)
	v := &variable{name: name, block: b, ty: cty.DynamicPseudoType, validations: content.Blocks.OfType("validation")}
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, dd := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, dd...)
		if !dd.HasErrors() {
			v.ty, v.defaults, v.typed = ty, defaults, true
		}
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		s, dd := attr.Expr.Value(nil)
		diags = append(diags, dd...)
		if s, err := convert.Convert(s, cty.Bool); err != nil || s.IsNull() || !s.IsKnown() {
			diags = append(diags, attrError(attr, "Invalid value", "sensitive must be true or false."))
		} else {
			v.sensitive = s.True()
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		_, dd := d.eval(attr, nil, cty.String)
		diags = append(diags, dd...)
	}
	v.def = content.Attributes["default"]
	return v, diags
}

// variableValue picks the value of v: given (flags > files > environment),
// else the default; then converts it to the declared type.
func (d *decoder) variableValue(v *variable, given map[string]given) (cty.Value, hcl.Diagnostics) {
	g, isGiven := given[v.name]
	switch {
	case isGiven && g.val == cty.NilVal:
		return d.parseRaw(v, g)
	case isGiven:
		return d.conform(v, g.val, g.rng, "the value from "+g.source)
	case v.def != nil:
		val, diags := v.def.Expr.Value(nil)
		if diags.HasErrors() {
			return cty.DynamicVal, diags
		}
		return d.conform(v, val, v.def.Expr.Range().Ptr(), "the default")
	}
	return cty.DynamicVal, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "No value for variable",
		Detail: fmt.Sprintf("Variable %q has no default and no value was given; set it with --var %s=VALUE, in a --var-file, or with the environment variable %s%s.",
			v.name, v.name, envPrefix, v.name),
		Subject: v.block.DefRange.Ptr(),
	}}
}

// conform applies type defaults and converts val to the variable's type.
func (d *decoder) conform(v *variable, val cty.Value, rng *hcl.Range, what string) (cty.Value, hcl.Diagnostics) {
	if !v.typed {
		return val, nil
	}
	if v.defaults != nil {
		val = v.defaults.Apply(val)
	}
	out, err := convert.Convert(val, v.ty)
	if err != nil {
		return cty.DynamicVal, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail:   fmt.Sprintf("Variable %q is %s, and %s is not: %s.", v.name, typeexpr.TypeString(v.ty), what, convertMsg(err)),
			Subject:  rngOr(rng, v.block.DefRange),
		}}
	}
	return out, nil
}

func rngOr(r *hcl.Range, fallback hcl.Range) *hcl.Range {
	if r != nil {
		return r
	}
	return fallback.Ptr()
}

func labelError(b *hcl.Block, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: detail, Subject: b.LabelRanges[0].Ptr()}
}

// tooShortToMask warns about a sensitive string too short to be masked in
// output (see mask.MinLength): better said at load time than found in a log.
func tooShortToMask(v *variable, val cty.Value) hcl.Diagnostics {
	if val.IsNull() || val.Type() != cty.String || len(strings.TrimSpace(val.AsString())) >= mask.MinLength {
		return nil
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagWarning,
		Summary:  "Sensitive value too short to mask",
		Detail: fmt.Sprintf("The value of variable %q has fewer than %d characters, so output masking leaves it alone "+
			"(masking one that short would garble ordinary output). Use a longer value.", v.name, mask.MinLength),
		Subject: v.block.DefRange.Ptr(),
	}}
}
