package hclconfig

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// envPrefix names environment variables that set pipeline variables:
// RUNJOB_VAR_version=2 sets var.version.
const envPrefix = "RUNJOB_VAR_"

// given is a value for a variable from outside the pipeline file. A value
// from the command line or the environment is raw text (parsed per the
// variable's type); one from a variables file is already a value.
type given struct {
	raw    string
	val    cty.Value // cty.NilVal for raw text
	source string    // "--var", "RUNJOB_VAR_x", or the variables file name
	rng    *hcl.Range
}

// givenValues gathers values from every source, a later source overriding
// an earlier one: environment, then variables files in order, then --var.
// It also returns the names each source set, for the undeclared checks.
func (l *Loader) givenValues() (map[string]given, map[string]*hcl.Range, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	out := map[string]given{}
	for _, kv := range l.environ {
		k, v, ok := strings.Cut(kv, "=")
		if name, isVar := strings.CutPrefix(k, envPrefix); ok && isVar && name != "" {
			out[name] = given{raw: v, source: k}
		}
	}
	fromFiles := map[string]*hcl.Range{}
	for _, file := range l.varFiles {
		vals, d := l.readVarFile(file)
		diags = append(diags, d...)
		for name, g := range vals {
			out[name] = g
			fromFiles[name] = g.rng
		}
	}
	for name, v := range l.vars {
		out[name] = given{raw: v, source: "--var"}
	}
	return out, fromFiles, diags
}

// readVarFile reads name = value lines (or a JSON object). Values are
// constants: a variables file sees no variables and no functions.
func (l *Loader) readVarFile(file string) (map[string]given, hcl.Diagnostics) {
	src, err := readLimited(file)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("--var-file %s: %v.", file, err),
		}}
	}
	f, diags := l.parse(file, src)
	if diags.HasErrors() {
		return nil, diags
	}
	attrs, diags := f.Body.JustAttributes()
	out := make(map[string]given, len(attrs))
	for name, attr := range attrs {
		v, d := attr.Expr.Value(nil)
		diags = append(diags, d...)
		if d.HasErrors() {
			continue
		}
		out[name] = given{val: v, source: file, rng: attr.Expr.Range().Ptr()}
	}
	return out, diags
}

// undeclared reports values given for variables the pipeline does not
// declare: an error for --var (surely a typo), a warning for a variables
// file (often shared between pipelines). The environment is not checked:
// it is shared with everything else the user runs.
func (d *decoder) undeclared(fromFiles map[string]*hcl.Range) hcl.Diagnostics {
	var diags hcl.Diagnostics
	known := sortedKeys(d.declaredVars)
	for _, name := range sortedKeys(d.l.vars) {
		if !d.declaredVars[name] {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Undeclared variable",
				Detail:   fmt.Sprintf("--var %s was given, but the pipeline declares no variable %q.%s", name, name, d.didYouMean(name, known)),
			})
		}
	}
	for _, name := range sortedKeys(fromFiles) {
		if !d.declaredVars[name] {
			if _, overridden := d.l.vars[name]; overridden {
				continue
			}
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail:   fmt.Sprintf("The variables file sets %q, but the pipeline declares no variable %q; the value is ignored.%s", name, name, d.didYouMean(name, known)),
				Subject:  fromFiles[name],
			})
		}
	}
	return diags
}
