package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// evalNetwork evaluates a network attribute of a step or of the pipeline
// block: "none" or "bridge".
func (d *decoder) evalNetwork(a *hcl.Attribute, ctx *hcl.EvalContext) (pipeline.NetworkMode, hcl.Diagnostics) {
	v, diags := d.evalEnum(a, ctx, "Invalid network", string(pipeline.NetworkNone), string(pipeline.NetworkBridge))
	return pipeline.NetworkMode(v), diags
}

// stepNetwork gives a step without its own network the pipeline's
// default, then checks that a step on "none" needs no service: it could
// not reach it. The error points at the attribute that made it "none".
func (d *decoder) stepNetwork(s *pipeline.Step, own *hcl.Attribute) hcl.Diagnostics {
	if own == nil {
		s.Network = d.network
	}
	if s.Network != pipeline.NetworkNone || len(s.Services) == 0 {
		return nil
	}
	svc := s.Services[0]
	why := fmt.Sprintf("Step %q needs service %q (declared at %s), which it reaches over the run's network; "+
		`network = "none" gives it only loopback.`, s.Name, svc, d.services[svc])
	if own != nil {
		return hcl.Diagnostics{attrError(own, "Service on no network", why+` Set it to "bridge".`)}
	}
	return hcl.Diagnostics{attrError(d.networkAttr, "Service on no network",
		why+fmt.Sprintf(` The pipeline's default applies to it: set network = "bridge" in the step at %s.`, s.Pos))}
}

// networkAttr returns a step block's network attribute, nil when unset.
func networkAttr(sb *stepBlock) *hcl.Attribute {
	return sb.content.Attributes["network"]
}
