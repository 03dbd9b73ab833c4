package hclconfig

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/pipeline"
)

// stepReuse gives a step without its own reuse the pipeline's default. A
// step that cannot be reused (pipeline.ReuseBlocker) may inherit reuse =
// true: a default is "wherever it can be", and list and --dry-run say why
// it is not. A step that sets reuse = true itself asked for something
// that cannot be honoured, and that is an error at the attribute: a
// warning would let the user believe the step is skipped when unchanged
// while it always runs.
func (d *decoder) stepReuse(s *pipeline.Step, own *hcl.Attribute) hcl.Diagnostics {
	if own == nil {
		s.Reuse = d.reuse
		return nil
	}
	why := pipeline.ReuseBlocker(s)
	if !s.Reuse || why == "" {
		return nil
	}
	return hcl.Diagnostics{attrError(own, "Step cannot be reused",
		fmt.Sprintf("Step %q %s, so what it does depends on more than its key: it is never reused. "+
			"Remove reuse = true (or set it to false) in this step.", s.Name, why))}
}
