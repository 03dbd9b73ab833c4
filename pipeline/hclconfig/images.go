package hclconfig

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/distribution/reference"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// imageMark marks the placeholders image.NAME evaluates to, so that a
// built image used anywhere but a step's image is caught at load time.
const imageMark = "image"

var imageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "context", Required: true},
		{Name: "dockerfile"},
		{Name: "args"},
		{Name: "target"},
		{Name: "tags"},
	},
}

// declareImages records the image names first, so that steps can refer to
// an image declared after them.
func (d *decoder) declareImages(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks {
		name := b.Labels[0]
		if prev, dup := d.images[name]; dup {
			diags = append(diags, labelError(b, "Duplicate image", fmt.Sprintf("Image %q is declared twice; the first is at %s.", name, prev)))
			continue
		}
		d.images[name] = pos(b.DefRange)
		if !hclsyntax.ValidIdentifier(name) {
			diags = append(diags, labelError(b, "Invalid image name",
				fmt.Sprintf("%q cannot be referenced as image.%s: an image name must start with a letter or underscore and contain only letters, digits, underscores and dashes.", name, name)))
		}
	}
	return diags
}

// decodeImages evaluates the image blocks into build nodes. They see var.,
// local. and the functions: a build is known before any step runs.
func (d *decoder) decodeImages(blocks hcl.Blocks) ([]*pipeline.Step, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*pipeline.Step
	ctx := d.baseCtx()
	seen := map[string]bool{}
	for _, b := range blocks {
		name := b.Labels[0]
		if seen[name] {
			continue // reported by declareImages
		}
		seen[name] = true
		node := pipeline.BuildNode(name)
		s := &pipeline.Step{Name: node, Base: node, Pos: pos(b.DefRange),
			Build: &pipeline.Build{Name: name, Dockerfile: "Dockerfile"}}
		content, dd := b.Body.Content(imageSchema)
		diags = append(diags, dd...)
		diags = append(diags, d.decodeBuild(s.Build, content.Attributes, ctx)...)
		out = append(out, s)
	}
	return out, diags
}

// decodeBuild evaluates an image block's attributes into b.
func (d *decoder) decodeBuild(b *pipeline.Build, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	add := func(dd ...*hcl.Diagnostic) { diags = append(diags, dd...) }
	if a, ok := attrs["context"]; ok {
		add(d.decodeContext(b, a, ctx)...)
	}
	if a, ok := attrs["dockerfile"]; ok {
		v, checkable, dd := d.evalString(a, ctx)
		add(dd...)
		if checkable {
			b.Dockerfile = v
		}
	}
	if b.Context != "" {
		at, ok := attrs["dockerfile"]
		if !ok {
			at = attrs["context"] // the default Dockerfile is missing
		}
		if diag := checkDockerfile(at, b); diag != nil {
			add(diag)
		}
	}
	if a, ok := attrs["args"]; ok {
		v, dd := d.evalStringMap(a, ctx)
		b.Args = v
		add(dd...)
		add(d.sensitiveArgs(a, v)...)
	}
	if a, ok := attrs["target"]; ok {
		v, _, dd := d.evalString(a, ctx)
		b.Target = v
		add(dd...)
	}
	if a, ok := attrs["tags"]; ok {
		v, dd := d.evalStringList(a, ctx)
		add(dd...)
		for _, t := range v {
			if _, err := reference.ParseNormalizedNamed(t); err != nil {
				add(attrError(a, "Invalid tag", fmt.Sprintf("tags: %q is not an image name such as \"myapp:dev\": %v.", t, err)))
			}
		}
		b.Tags = v
	}
	return diags
}

// decodeContext reads context as a host directory, under the same rules as
// an input's host path: relative to the pipeline file, existing, and not
// reached through a symlink out of the pipeline's directory.
func (d *decoder) decodeContext(b *pipeline.Build, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	v, checkable, diags := d.evalString(a, ctx)
	if !checkable {
		return diags
	}
	abs, diag := d.hostPath(a, v, "Build context not found")
	if diag == nil {
		b.Within, diag = d.inputWithin(a, v, abs)
	}
	if diag == nil {
		if fi, err := os.Stat(abs); err == nil && !fi.IsDir() {
			diag = attrError(a, "Build context not a directory", fmt.Sprintf("context = %q is a file; a build context is the directory the Dockerfile's COPY and ADD read from.", v))
		}
	}
	if diag != nil {
		return append(diags, diag)
	}
	b.Context = abs
	return diags
}

// checkDockerfile reports a Dockerfile that is not a file inside the
// context: the engine only sees what the context holds.
func checkDockerfile(a *hcl.Attribute, b *pipeline.Build) *hcl.Diagnostic {
	rel := filepath.FromSlash(b.Dockerfile)
	if !filepath.IsLocal(rel) {
		return attrError(a, "Dockerfile outside the context", fmt.Sprintf(
			"dockerfile = %q must be a path inside the context %s, relative to it.", b.Dockerfile, b.Context))
	}
	root, err := os.OpenRoot(b.Context)
	if err == nil {
		var fi os.FileInfo
		if fi, err = root.Stat(rel); err == nil && !fi.Mode().IsRegular() {
			err = fmt.Errorf("not a regular file")
		}
		_ = root.Close()
	}
	if err != nil {
		return attrError(a, "Dockerfile not found", fmt.Sprintf(
			"dockerfile %q in context %s: %v (the dockerfile is relative to the context).", b.Dockerfile, b.Context, unwrapPathErr(err)))
	}
	return nil
}

// imageObject is what image. evaluates to in a step: each declared image's
// placeholder, marked so it can be kept out of anything but image.
func (d *decoder) imageObject() cty.Value {
	vals := make(map[string]cty.Value, len(d.images))
	for name := range d.images {
		vals[name] = cty.StringVal(pipeline.ImageRef(name)).Mark(imageMark)
	}
	return cty.ObjectVal(vals)
}

// checkImageUse reports a built image used anywhere but a step's image
// attribute, or inside a larger string: only the whole image is replaced
// by the built image's ID.
func checkImageUse(attr *hcl.Attribute, v cty.Value) hcl.Diagnostics {
	if !v.ContainsMarked() {
		return nil
	}
	unmarked, paths := v.UnmarkDeepWithPaths()
	for _, pm := range paths {
		if _, ok := pm.Marks[imageMark]; !ok {
			continue
		}
		sub, err := pm.Path.Apply(unmarked)
		if attr.Name != "image" || err != nil || sub.Type() != cty.String || len(pipeline.ImageRefs(sub.AsString())) != 1 ||
			sub.AsString() != pipeline.ImageRef(pipeline.ImageRefs(sub.AsString())[0]) {
			return hcl.Diagnostics{attrError(attr, "Built image misused",
				"image.NAME stands for the image the run builds and can only be a step's image, as is: image = image.NAME.")}
		}
	}
	return nil
}

// imageDeps are the build nodes the instance's image refers to.
func imageDeps(s *pipeline.Step, attrs hcl.Attributes) []pipeline.Dependency {
	var out []pipeline.Dependency
	for _, name := range pipeline.ImageRefs(s.Image) {
		out = append(out, pipeline.Dependency{Step: pipeline.BuildNode(name), Pos: pos(attrs["image"].Expr.Range())})
	}
	return out
}

// sensitiveArgs warns about build args that carry a sensitive value: the
// classic builder stores every build arg in the image's history, where
// anyone who can pull or inspect the image reads it in clear. runjob masks
// what it writes, but cannot mask the image.
func (d *decoder) sensitiveArgs(a *hcl.Attribute, args map[string]string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, name := range slices.Sorted(maps.Keys(args)) {
		if d.sensitive[args[name]] {
			diag := attrError(a, "Sensitive build arg",
				fmt.Sprintf("args: %s is sensitive, and the engine stores build args in the image's history, "+
					"where anyone with the image can read it; pass secrets to steps through env instead.", name))
			diag.Severity = hcl.DiagWarning
			diags = append(diags, diag)
		}
	}
	return diags
}
