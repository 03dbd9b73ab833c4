package hclconfig

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// decodeNested decodes a step's resources, placement, artifact, input,
// mount and cache blocks.
func (d *decoder) decodeNested(step *pipeline.Step, blocks hcl.Blocks, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	res := blocks.OfType("resources")
	for i, b := range res {
		if i > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate resources block",
				Detail: "A step has at most one resources block.", Subject: b.DefRange.Ptr()})
			continue
		}
		diags = append(diags, d.decodeResources(step, b, ctx)...)
	}
	for i, b := range blocks.OfType("placement") {
		if i > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate placement block",
				Detail: "A step has at most one placement block.", Subject: b.DefRange.Ptr()})
			continue
		}
		diags = append(diags, d.decodePlacement(step, b, ctx)...)
	}
	for _, b := range blocks.OfType("artifact") {
		a, dd := d.decodeArtifact(b, ctx)
		diags = append(diags, dd...)
		step.Artifacts = append(step.Artifacts, a)
	}
	for _, b := range blocks.OfType("input") {
		in, dd := d.decodeInput(b, ctx)
		diags = append(diags, dd...)
		step.Inputs = append(step.Inputs, in)
	}
	for _, b := range blocks.OfType("mount") {
		m, dd := d.decodeMount(b, ctx)
		diags = append(diags, dd...)
		step.Mounts = append(step.Mounts, m)
	}
	for _, b := range blocks.OfType("cache") {
		c, dd := d.decodeCache(b, ctx, step.Caches)
		diags = append(diags, dd...)
		step.Caches = append(step.Caches, c)
	}
	return diags
}

func (d *decoder) decodeResources(step *pipeline.Step, b *hcl.Block, ctx *hcl.EvalContext) hcl.Diagnostics {
	content, diags := b.Body.Content(resourcesSchema)
	if a, ok := content.Attributes["memory"]; ok {
		var dd hcl.Diagnostics
		step.Resources.Memory, dd = d.evalMemory(a, ctx)
		diags = append(diags, dd...)
	}
	if a, ok := content.Attributes["cpus"]; ok {
		v, dd := d.eval(a, ctx, cty.Number)
		diags = append(diags, dd...)
		if !dd.HasErrors() && v.IsKnown() && !v.IsNull() {
			f, _ := v.AsBigFloat().Float64()
			if f <= 0 || f > 1024 {
				diags = append(diags, attrError(a, "Invalid value", "cpus must be a number of cores greater than 0, e.g. 1.5."))
			} else {
				step.Resources.CPUs = f
			}
		}
	}
	return diags
}

func (d *decoder) decodeArtifact(b *hcl.Block, ctx *hcl.EvalContext) (pipeline.Artifact, hcl.Diagnostics) {
	a := pipeline.Artifact{Name: b.Labels[0], Pos: pos(b.DefRange)}
	content, diags := b.Body.Content(artifactSchema)
	if attr, ok := content.Attributes["path"]; ok {
		var dd hcl.Diagnostics
		a.Path, dd = d.evalContainerPath(attr, ctx, "Invalid artifact path", "/out")
		diags = append(diags, dd...)
	}
	if attr, ok := content.Attributes["when"]; ok {
		w, dd := d.evalEnum(attr, ctx, "Invalid artifact condition", "on_success", "on_failure", "always")
		a.When = pipeline.ArtifactWhen(w)
		diags = append(diags, dd...)
	}
	return a, diags
}

// decodeInput reads from as a host path (relative to the pipeline file,
// made absolute, and required to exist) or as an upstream artifact,
// step.NAME.artifact.ARTIFACT.
func (d *decoder) decodeInput(b *hcl.Block, ctx *hcl.EvalContext) (pipeline.Input, hcl.Diagnostics) {
	in := pipeline.Input{Name: b.Labels[0], Pos: pos(b.DefRange)}
	content, diags := b.Body.Content(inputSchema)
	if attr, ok := content.Attributes["to"]; ok {
		var dd hcl.Diagnostics
		in.To, dd = d.evalContainerPath(attr, ctx, "Invalid input path", "/src")
		diags = append(diags, dd...)
	}
	attr, ok := content.Attributes["from"]
	if !ok {
		return in, diags
	}
	v, dd := d.eval(attr, ctx, cty.DynamicPseudoType)
	diags = append(diags, dd...)
	if dd.HasErrors() || !v.IsWhollyKnown() {
		return in, diags
	}
	switch {
	case v.Type() == cty.String && !v.IsNull():
		abs, diag := d.hostPath(attr, v.AsString(), "Input not found")
		if diag == nil {
			in.Within, diag = d.inputWithin(attr, v.AsString(), abs)
		}
		if diag != nil {
			return in, append(diags, diag)
		}
		in.From = abs
	case isArtifactRef(v):
		in.FromStep = v.GetAttr("step").AsString()
		in.FromArtifact = v.GetAttr("artifact").AsString()
	default:
		diags = append(diags, attrError(attr, "Invalid input source",
			"from must be a host path (a string) or an artifact of another step, e.g. step.build.artifact.bin."))
	}
	return in, diags
}

// hostPath makes a host path absolute, relative to the pipeline file's
// directory, and checks that it exists.
func (d *decoder) hostPath(attr *hcl.Attribute, path, summary string) (string, *hcl.Diagnostic) {
	p := path
	if !filepath.IsAbs(p) {
		p = filepath.Join(d.dir, p)
	}
	abs, err := filepath.Abs(p)
	if err == nil {
		_, err = os.Stat(abs)
	}
	if err != nil {
		return "", attrError(attr, summary,
			fmt.Sprintf("%s = %q: %s (relative paths start at the pipeline file's directory).", attr.Name, path, unwrapPathErr(err)))
	}
	return abs, nil
}

// inputWithin returns the pipeline directory when abs lies below it, after
// checking that no symlink on the way leads out of it: an input is what the
// pipeline names, never what a link in the tree happens to point at.
func (d *decoder) inputWithin(attr *hcl.Attribute, path, abs string) (string, *hcl.Diagnostic) {
	dir, err := filepath.Abs(d.dir)
	if err != nil {
		return "", nil
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return "", nil // outside: named explicitly, read as named
	}
	root, err := os.OpenRoot(dir)
	if err == nil {
		_, err = root.Stat(rel)
		_ = root.Close()
	}
	if err != nil {
		return "", attrError(attr, "Input leads out of the pipeline directory", fmt.Sprintf(
			"%s = %q goes through a symlink that leads out of %s; runjob does not follow links out of the pipeline's directory. Write the target path itself if you mean to copy it.",
			attr.Name, path, dir))
	}
	return dir, nil
}

// evalContainerPath evaluates a path that must be absolute inside the
// container.
func (d *decoder) evalContainerPath(attr *hcl.Attribute, ctx *hcl.EvalContext, summary, example string) (string, hcl.Diagnostics) {
	p, checkable, diags := d.evalString(attr, ctx)
	if checkable && (p == "" || p[0] != '/') {
		diags = append(diags, attrError(attr, summary,
			fmt.Sprintf("%s = %q must be an absolute path inside the container, e.g. %q.", attr.Name, p, example)))
	}
	return p, diags
}

// evalEnum evaluates a string that must be one of options; it returns ""
// when it is not.
func (d *decoder) evalEnum(attr *hcl.Attribute, ctx *hcl.EvalContext, summary string, options ...string) (string, hcl.Diagnostics) {
	v, checkable, diags := d.evalString(attr, ctx)
	if !checkable || oneOf(v, options...) {
		return v, diags
	}
	quoted := make([]string, len(options))
	for i, o := range options {
		quoted[i] = strconv.Quote(o)
	}
	want := strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
	return "", append(diags, attrError(attr, summary, fmt.Sprintf("%s = %q: want %s.", attr.Name, v, want)))
}

func isArtifactRef(v cty.Value) bool {
	ty := v.Type()
	return !v.IsNull() && ty.IsObjectType() && ty.HasAttribute("step") && ty.HasAttribute("artifact") &&
		ty.AttributeType("step") == cty.String && ty.AttributeType("artifact") == cty.String &&
		!v.GetAttr("step").IsNull() && !v.GetAttr("artifact").IsNull()
}
