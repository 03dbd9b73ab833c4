package hclconfig

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// checkRefs reports references the context cannot resolve, each with
// advice. A bare ${NAME} inside a string is almost always meant for the
// shell, so the diagnostic says how to escape it.
func (d *decoder) checkRefs(expr hcl.Expression, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		if _, ok := lookup(ctx, root); ok {
			if diag := d.checkName(tr); diag != nil {
				diags = append(diags, diag)
			}
			continue
		}
		summary, detail := "Unknown reference "+strings.TrimSpace(root),
			fmt.Sprintf("There is no %q in a pipeline; references start with var., local., step., service., secret., image. or each.", root)
		switch {
		case root == "each":
			summary, detail = "each outside for_each", "each.key and each.value exist only inside a step that has for_each."
		case root == "step" && isOutputRef(tr):
			summary, detail = "Step output not allowed here", outputHelp
		case root == "step":
			summary, detail = "Step reference not allowed here", "step.NAME can be used in step blocks only; variables, locals, for_each and the pipeline block are evaluated before steps."
		case root == "service":
			summary, detail = "Service reference not allowed here", "service.NAME can be used in step blocks only."
		case root == "image":
			summary, detail = "Image reference not allowed here", "image.NAME can be used as a step's image only."
		case root == "secret":
			summary, detail = "Secret reference not allowed here", "secret.NAME can be used in a step's env only; variables, locals, for_each and the pipeline block are evaluated before any secret is read."
		case len(tr) == 1:
			detail = fmt.Sprintf("${%s} is HCL interpolation, and the pipeline defines no %q. "+
				"If it is meant for the shell, escape it as $${%s} or write $%s; "+
				"to use a pipeline variable, declare variable %q and write ${var.%s}.",
				root, root, root, root, root, root)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  summary,
			Detail:   detail,
			Subject:  tr.SourceRange().Ptr(),
		})
	}
	return diags
}

// checkName reports var.X, local.X or step.X when no such thing is
// declared, with the closest declared name.
func (d *decoder) checkName(tr hcl.Traversal) *hcl.Diagnostic {
	if len(tr) < 2 {
		return nil
	}
	var name string
	switch a := tr[1].(type) {
	case hcl.TraverseAttr:
		name = a.Name
	case hcl.TraverseIndex:
		if !a.Key.IsKnown() || a.Key.IsNull() || a.Key.Type().FriendlyName() != "string" {
			return nil
		}
		name = a.Key.AsString()
	default:
		return nil
	}
	var summary, detail string
	var known []string
	switch tr.RootName() {
	case "var":
		if d.declaredVars[name] {
			return nil
		}
		known = sortedKeys(d.declaredVars)
		summary, detail = "Undeclared variable", fmt.Sprintf("No variable %q is declared; add a variable %q block.", name, name)
	case "local":
		if d.declaredLocals[name] {
			return nil
		}
		known = sortedKeys(d.declaredLocals)
		summary, detail = "Undeclared local", fmt.Sprintf("No local value %q is defined in a locals block.", name)
	case "service":
		if _, ok := d.services[name]; ok {
			return nil
		}
		known = sortedKeys(d.services)
		summary, detail = "Undeclared service", fmt.Sprintf("No service %q is declared; add a service %q { image = ... } block.", name, name)
	case "secret":
		if _, ok := d.secrets[name]; ok {
			return nil
		}
		known = sortedKeys(d.secrets)
		summary, detail = "Undeclared secret", fmt.Sprintf("No secret %q is declared; add a secret %q { env = \"VAR\" } block.", name, name)
	case "image":
		if _, ok := d.images[name]; ok {
			return nil
		}
		known = sortedKeys(d.images)
		summary, detail = "Unknown image", fmt.Sprintf("No image %q is declared; add an image %q { context = ... } block.", name, name)
	case "step":
		if sb, ok := d.bases[name]; ok {
			return d.instanceCheck(sb, tr)
		}
		known = sortedKeys(d.bases)
		summary, detail = "Unknown step", fmt.Sprintf("No step %q is declared.", name)
	default:
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail + d.didYouMean(name, known),
		Subject:  tr.SourceRange().Ptr(),
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// instanceCheck reports step.NAME["key"] when NAME has no such instance,
// and step.NAME.artifact.X when NAME declares no artifact X.
func (d *decoder) instanceCheck(sb *stepBlock, tr hcl.Traversal) *hcl.Diagnostic {
	if diag := d.outputCheck(sb, tr); diag != nil {
		return diag
	}
	if diag := d.artifactCheck(sb, tr); diag != nil {
		return diag
	}
	if !hasKey(tr) || (sb.forEach && !sb.expanded) {
		return nil
	}
	key, ok := traverserName(tr[2])
	switch {
	case !sb.forEach:
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Not a for_each step",
			Detail:   fmt.Sprintf("Step %q has no for_each, so it has no instances to index; refer to it as step.%s.", sb.name, sb.name),
			Subject:  tr.SourceRange().Ptr(),
		}
	case ok && !slices.Contains(sb.keys, key):
		return noInstance(sb, key, tr.SourceRange())
	}
	return nil
}

// artifactCheck reports a reference to an artifact the step does not
// declare, with the closest declared name.
func (d *decoder) artifactCheck(sb *stepBlock, tr hcl.Traversal) *hcl.Diagnostic {
	i := 2
	if hasKey(tr) {
		i = 3
	}
	if len(tr) <= i+1 {
		return nil
	}
	if a, ok := tr[i].(hcl.TraverseAttr); !ok || a.Name != "artifact" {
		return nil
	}
	name, ok := traverserName(tr[i+1])
	if !ok {
		return nil
	}
	var known []string
	for _, b := range sb.content.Blocks.OfType("artifact") {
		if b.Labels[0] == name {
			return nil
		}
		known = append(known, b.Labels[0])
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown artifact",
		Detail:   fmt.Sprintf("Step %q declares no artifact %q.%s", sb.name, name, d.didYouMean(name, known)),
		Subject:  tr.SourceRange().Ptr(),
	}
}
