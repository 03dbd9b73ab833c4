package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// secretMark marks the placeholders secret.NAME evaluates to, so that a
// secret used anywhere but a step's env is caught at load time.
const secretMark = "secret"

var secretSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "env"},
		{Name: "file"},
	},
}

// decodeSecrets declares the secret blocks. Only where a value comes from
// is recorded: values are read when a run starts, so validate, list, graph
// and --dry-run work without them and can never print them.
func (d *decoder) decodeSecrets(blocks hcl.Blocks) ([]pipeline.Secret, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []pipeline.Secret
	ctx := d.baseCtx()
	for _, b := range blocks {
		name := b.Labels[0]
		if prev, dup := d.secrets[name]; dup {
			diags = append(diags, labelError(b, "Duplicate secret", fmt.Sprintf("Secret %q is declared twice; the first is at %s.", name, prev)))
			continue
		}
		s := pipeline.Secret{Name: name, Pos: pos(b.DefRange)}
		d.secrets[name] = s.Pos
		if !hclsyntax.ValidIdentifier(name) {
			diags = append(diags, labelError(b, "Invalid secret name",
				"A secret name must start with a letter or underscore and contain only letters, digits, underscores and dashes."))
		}
		content, dd := b.Body.Content(secretSchema)
		diags = append(diags, dd...)
		env, file := content.Attributes["env"], content.Attributes["file"]
		switch {
		case env != nil && file != nil:
			diags = append(diags, attrError(file, "Conflicting secret source", "A secret is read either from env or from file, not both."))
		case env != nil:
			v, ok, dd := d.evalString(env, ctx)
			diags = append(diags, dd...)
			if ok && v == "" {
				diags = append(diags, attrError(env, "Empty secret source", "env names the environment variable holding the secret, e.g. \"DEPLOY_TOKEN\"."))
			}
			s.Env = v
		case file != nil:
			v, ok, dd := d.evalString(file, ctx)
			diags = append(diags, dd...)
			if ok && v == "" {
				diags = append(diags, attrError(file, "Empty secret source", "file names the file holding the secret, relative to the pipeline file."))
			} else if ok {
				s.File = d.resolve(v)
			}
		default:
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Secret without source",
				Detail:  fmt.Sprintf("Secret %q needs env = \"VAR\" or file = \"path\" to say where its value is read from at run time.", name),
				Subject: b.DefRange.Ptr()})
		}
		out = append(out, s)
	}
	return out, diags
}

// secretObject is what secret. evaluates to in a step: each declared
// secret's placeholder, marked so it can be kept out of anything but env.
func (d *decoder) secretObject() cty.Value {
	vals := make(map[string]cty.Value, len(d.secrets))
	for name := range d.secrets {
		vals[name] = cty.StringVal(pipeline.SecretRef(name)).Mark(secretMark)
	}
	return cty.ObjectVal(vals)
}

// checkSecretUse reports a secret used where it would not be resolved:
// anywhere but env, or transformed by a function (which would turn the
// placeholder, not the value).
func checkSecretUse(attr *hcl.Attribute, v cty.Value) hcl.Diagnostics {
	if !v.ContainsMarked() {
		return nil
	}
	unmarked, paths := v.UnmarkDeepWithPaths()
	for _, pm := range paths {
		if _, ok := pm.Marks[secretMark]; !ok {
			continue
		}
		if attr.Name != "env" {
			return hcl.Diagnostics{attrError(attr, "Secret outside env",
				"A secret reaches a step only through env = { NAME = secret.X }: it is read at run time, so it never appears in a command line, the plan or a report.")}
		}
		if sub, err := pm.Path.Apply(unmarked); err == nil && sub.Type() == cty.String && len(pipeline.SecretRefs(sub.AsString())) == 0 {
			return hcl.Diagnostics{attrError(attr, "Secret transformed",
				"A secret can be used as is or inside a string (\"Bearer ${secret.X}\"), but not passed to a function: its value is not known until the run starts.")}
		}
	}
	return nil
}
