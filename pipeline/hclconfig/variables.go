package hclconfig

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// variables evaluates the variable blocks: a value given with --var wins
// over the default, and is converted to the default's type so that
// `--var n=3` is a number when the default is one.
func (l *Loader) variables(blocks hcl.Blocks) (map[string]cty.Value, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	vals := map[string]cty.Value{}
	declared := map[string]*hcl.Block{}
	for _, b := range blocks {
		name := b.Labels[0]
		if prev, dup := declared[name]; dup {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Duplicate variable",
				Detail:   fmt.Sprintf("Variable %q was already declared at %s.", name, prev.DefRange),
				Subject:  b.LabelRanges[0].Ptr(),
			})
			continue
		}
		declared[name] = b
		if !hclsyntaxValidIdent(name) {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Invalid variable name",
				Detail:   "A variable name must start with a letter or underscore and contain only letters, digits, underscores and dashes.",
				Subject:  b.LabelRanges[0].Ptr(),
			})
		}
		content, d := b.Body.Content(variableSchema)
		diags = append(diags, d...)
		def := cty.NilVal
		if attr, ok := content.Attributes["default"]; ok {
			v, d := attr.Expr.Value(nil)
			diags = append(diags, d...)
			def = v
		}
		given, isGiven := l.vars[name]
		switch {
		case isGiven && def != cty.NilVal && def.Type().IsPrimitiveType():
			v, err := convert.Convert(cty.StringVal(given), def.Type())
			if err != nil {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid value for variable",
					Detail:   fmt.Sprintf("--var %s=%q: %s (the default is a %s).", name, given, err, def.Type().FriendlyName()),
					Subject:  b.DefRange.Ptr(),
				})
				continue
			}
			vals[name] = v
		case isGiven:
			vals[name] = cty.StringVal(given)
		case def != cty.NilVal:
			vals[name] = def
		default:
			// Unknown, so references to it evaluate quietly: the one
			// diagnostic below is the whole story.
			vals[name] = cty.DynamicVal
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "No value for variable",
				Detail:   fmt.Sprintf("Variable %q has no default; give it a value with --var %s=VALUE.", name, name),
				Subject:  b.DefRange.Ptr(),
			})
		}
	}
	diags = append(diags, l.unknownVars(declared)...)
	return vals, diags
}

// unknownVars reports --var names no block declares, a typo the user would
// otherwise never notice.
func (l *Loader) unknownVars(declared map[string]*hcl.Block) hcl.Diagnostics {
	var diags hcl.Diagnostics
	names := make([]string, 0, len(l.vars))
	for name := range l.vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, ok := declared[name]; ok {
			continue
		}
		known := make([]string, 0, len(declared))
		for k := range declared {
			known = append(known, k)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Undeclared variable",
			Detail:   fmt.Sprintf("--var %s was given, but the pipeline declares no variable %q.%s", name, name, didYouMean(name, known)),
		})
	}
	return diags
}

// evalContext is what step expressions can see: var.NAME for now.
func evalContext(vars map[string]cty.Value) *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
	}
}
