package hclconfig

import (
	"fmt"
	"slices"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

var serviceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "image", Required: true},
		{Name: "command"},
		{Name: "env"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "healthcheck"}},
}

var healthcheckSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "command", Required: true},
		{Name: "interval"},
		{Name: "timeout"},
		{Name: "retries"},
	},
}

// declareServices records the service names first, so that steps declared
// before a service can still refer to it.
func (d *decoder) declareServices(blocks hcl.Blocks) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, b := range blocks {
		name := b.Labels[0]
		if prev, dup := d.services[name]; dup {
			diags = append(diags, labelError(b, "Duplicate service", fmt.Sprintf("Service %q is declared twice; the first is at %s.", name, prev)))
			continue
		}
		d.services[name] = pos(b.DefRange)
		if !hclsyntax.ValidIdentifier(name) {
			diags = append(diags, labelError(b, "Invalid service name",
				"A service name is its host name on the run's network: it must start with a letter or underscore and contain only letters, digits, underscores and dashes."))
		}
	}
	return diags
}

// decodeServices evaluates the service blocks. They see var., local. and
// secret. (in env), not steps.
func (d *decoder) decodeServices(blocks hcl.Blocks) ([]*pipeline.Service, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []*pipeline.Service
	ctx := d.baseCtx().NewChild()
	ctx.Variables = map[string]cty.Value{"secret": d.secretObject()}
	seen := map[string]bool{}
	for _, b := range blocks {
		name := b.Labels[0]
		if seen[name] {
			continue // reported by declareServices
		}
		seen[name] = true
		s := &pipeline.Service{Name: name, Pos: pos(b.DefRange)}
		content, dd := b.Body.Content(serviceSchema)
		diags = append(diags, dd...)
		attrs := content.Attributes
		if a, ok := attrs["image"]; ok {
			var dd hcl.Diagnostics
			s.Image, dd = d.evalImage(a, ctx, "postgres:16")
			diags = append(diags, dd...)
		}
		if a, ok := attrs["command"]; ok {
			var dd hcl.Diagnostics
			s.Command, dd = d.evalStringList(a, ctx)
			diags = append(diags, dd...)
		}
		if a, ok := attrs["env"]; ok {
			var dd hcl.Diagnostics
			s.Env, dd = d.evalStringMap(a, ctx)
			diags = append(diags, dd...)
		}
		for i, hb := range content.Blocks.OfType("healthcheck") {
			if i > 0 {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Duplicate healthcheck",
					Detail: "A service has at most one healthcheck block.", Subject: hb.DefRange.Ptr()})
				continue
			}
			var dd hcl.Diagnostics
			s.Health, dd = d.decodeHealth(hb, ctx)
			diags = append(diags, dd...)
		}
		out = append(out, s)
	}
	return out, diags
}

func (d *decoder) decodeHealth(b *hcl.Block, ctx *hcl.EvalContext) (*pipeline.HealthCheck, hcl.Diagnostics) {
	content, diags := b.Body.Content(healthcheckSchema)
	h := &pipeline.HealthCheck{}
	add := func(dd hcl.Diagnostics) { diags = append(diags, dd...) }
	if a, ok := content.Attributes["command"]; ok {
		var dd hcl.Diagnostics
		h.Command, dd = d.evalStringList(a, ctx)
		add(dd)
		if len(h.Command) == 0 && !dd.HasErrors() {
			add(hcl.Diagnostics{attrError(a, "Empty healthcheck command", `command is run in the service's container, e.g. ["pg_isready", "-U", "postgres"].`)})
		}
	}
	for _, name := range []string{"interval", "timeout"} {
		if a, ok := content.Attributes[name]; ok {
			v, dd := d.evalDuration(a, ctx)
			add(dd)
			if name == "interval" {
				h.Interval = v
			} else {
				h.Timeout = v
			}
		}
	}
	if a, ok := content.Attributes["retries"]; ok {
		n, _, dd := d.evalInt(a, ctx, 1, 1000)
		h.Retries = n
		add(dd)
	}
	return h, diags
}

// serviceObject is what service. evaluates to in a step: per service its
// name and host (the same: the network alias).
func (d *decoder) serviceObject() cty.Value {
	vals := make(map[string]cty.Value, len(d.services))
	for name := range d.services {
		vals[name] = cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal(name), "host": cty.StringVal(name)})
	}
	return cty.ObjectVal(vals)
}

// stepServices returns the services a step needs: those in depends_on,
// then those referred to elsewhere, in source order, without repeats.
func (d *decoder) stepServices(sb *stepBlock, fromDependsOn []string) []string {
	out := slices.Clone(fromDependsOn)
	for _, tr := range traversalsOf(sb, "service") {
		if len(tr) < 2 {
			continue
		}
		if name, ok := traverserName(tr[1]); ok {
			if _, known := d.services[name]; known && !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}
