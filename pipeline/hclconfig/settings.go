package hclconfig

import (
	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// settings decodes the optional pipeline block: name, concurrency,
// fail_fast, timeout, network and reuse (the steps' defaults, kept in the
// decoder for stepNetwork and stepReuse). It may use variables and locals.
func (d *decoder) settings(blocks hcl.Blocks, p *pipeline.Pipeline) hcl.Diagnostics {
	var diags hcl.Diagnostics
	ctx := d.baseCtx()
	for i, b := range blocks {
		if i > 0 {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate pipeline block",
				Detail: "A file has at most one pipeline block; the first is at " + blocks[0].DefRange.String() + ".", Subject: b.DefRange.Ptr()})
			continue
		}
		content, dd := b.Body.Content(pipelineSchema)
		diags = append(diags, dd...)
		attrs := content.Attributes
		if a, ok := attrs["name"]; ok {
			name, checkable, dd := d.evalString(a, ctx)
			diags = append(diags, dd...)
			if checkable && name == "" {
				diags = append(diags, attrError(a, "Empty name", "The pipeline name appears in logs and container labels; it cannot be empty."))
			} else if checkable {
				p.Name = name
			}
		}
		if a, ok := attrs["concurrency"]; ok {
			n, _, dd := d.evalInt(a, ctx, 1, 1024)
			p.Concurrency = n
			diags = append(diags, dd...)
		}
		if a, ok := attrs["fail_fast"]; ok {
			b, _, dd := d.evalBool(a, ctx)
			p.FailFast = b
			diags = append(diags, dd...)
		}
		if a, ok := attrs["timeout"]; ok {
			var dd hcl.Diagnostics
			p.Timeout, dd = d.evalDuration(a, ctx)
			diags = append(diags, dd...)
		}
		if a, ok := attrs["network"]; ok {
			var dd hcl.Diagnostics
			d.network, dd = d.evalNetwork(a, ctx)
			d.networkAttr = a
			diags = append(diags, dd...)
		}
		if a, ok := attrs["reuse"]; ok {
			b, _, dd := d.evalBool(a, ctx)
			d.reuse = b
			diags = append(diags, dd...)
		}
	}
	return diags
}
