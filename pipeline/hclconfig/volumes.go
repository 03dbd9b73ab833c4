package hclconfig

import (
	"fmt"
	"path"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/runjob/runjob/pipeline"
)

// decodeCache decodes a step's cache "NAME" { path } block.
func (d *decoder) decodeCache(b *hcl.Block, ctx *hcl.EvalContext, prev []pipeline.Cache) (pipeline.Cache, hcl.Diagnostics) {
	c := pipeline.Cache{Name: b.Labels[0], Pos: pos(b.DefRange)}
	var diags hcl.Diagnostics
	if !hclsyntax.ValidIdentifier(c.Name) {
		diags = append(diags, labelError(b, "Invalid cache name",
			"A cache name names a volume: it must start with a letter or underscore and contain only letters, digits, underscores and dashes."))
	}
	for _, p := range prev {
		if p.Name == c.Name {
			diags = append(diags, labelError(b, "Duplicate cache", fmt.Sprintf("The step already has a cache %q (at %s).", c.Name, p.Pos)))
		}
	}
	content, dd := b.Body.Content(cacheSchema)
	diags = append(diags, dd...)
	if a, ok := content.Attributes["path"]; ok {
		v, checkable, dd := d.evalString(a, ctx)
		diags = append(diags, dd...)
		switch {
		case checkable && !path.IsAbs(v):
			diags = append(diags, attrError(a, "Relative cache path", fmt.Sprintf("path = %q: a cache is mounted at an absolute path in the container, e.g. \"/root/.cache/go-build\".", v)))
		case checkable && path.Clean(v) == "/":
			diags = append(diags, attrError(a, "Invalid cache path", "A cache cannot be mounted over the container's root."))
		case checkable:
			c.Path = path.Clean(v)
		}
	}
	for _, p := range prev {
		if c.Path != "" && p.Path == c.Path {
			diags = append(diags, labelError(b, "Duplicate cache path", fmt.Sprintf("Caches %q and %q are both mounted at %s.", p.Name, c.Name, c.Path)))
		}
	}
	return c, diags
}

// decodeMount decodes a step's mount { source, target, readonly } block.
// A missing source is an error here, not a directory Docker creates.
func (d *decoder) decodeMount(b *hcl.Block, ctx *hcl.EvalContext) (pipeline.Mount, hcl.Diagnostics) {
	m := pipeline.Mount{Pos: pos(b.DefRange)}
	content, diags := b.Body.Content(mountSchema)
	if a, ok := content.Attributes["target"]; ok {
		var dd hcl.Diagnostics
		m.Target, dd = d.evalContainerPath(a, ctx, "Invalid mount target", "/data")
		diags = append(diags, dd...)
	}
	if a, ok := content.Attributes["readonly"]; ok {
		v, _, dd := d.evalBool(a, ctx)
		m.ReadOnly = v
		diags = append(diags, dd...)
	}
	if a, ok := content.Attributes["source"]; ok {
		v, checkable, dd := d.evalString(a, ctx)
		diags = append(diags, dd...)
		if checkable {
			abs, diag := d.hostPath(a, v, "Mount source not found")
			if diag != nil {
				diags = append(diags, diag)
			}
			m.Source = abs
		}
	}
	return m, diags
}
