package hclconfig

import (
	"fmt"
	"math/big"
	"time"

	"github.com/docker/go-units"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// minMemory is Docker's smallest memory limit; asking for less fails only
// when the container is created, so it is checked here with a position.
const minMemory = 6 << 20

// evalDuration reads a Go duration string such as "90s", "5m" or "1h30m".
func (d *decoder) evalDuration(attr *hcl.Attribute, ctx *hcl.EvalContext) (time.Duration, hcl.Diagnostics) {
	s, checkable, diags := d.evalString(attr, ctx)
	if !checkable {
		return 0, diags
	}
	dur, err := time.ParseDuration(s)
	if err != nil || dur <= 0 {
		return 0, append(diags, attrError(attr, "Invalid duration",
			fmt.Sprintf("%s = %q: want a positive duration such as \"90s\", \"5m\" or \"1h30m\".", attr.Name, s)))
	}
	return dur, diags
}

// evalMemory reads a size as Docker's --memory does ("512m", "1g",
// "1.5g": binary multiples, suffixes b, k, m, g, t, p), or a number of
// bytes.
func (d *decoder) evalMemory(attr *hcl.Attribute, ctx *hcl.EvalContext) (int64, hcl.Diagnostics) {
	v, diags := d.eval(attr, ctx, cty.DynamicPseudoType)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return 0, diags
	}
	var n int64
	var err error
	switch v.Type() {
	case cty.Number:
		var acc big.Accuracy
		n, acc = v.AsBigFloat().Int64()
		if acc != big.Exact {
			err = fmt.Errorf("not a whole number of bytes")
		}
	case cty.String:
		n, err = units.RAMInBytes(v.AsString())
	default:
		err = fmt.Errorf("want a string such as \"512m\" or a number of bytes")
	}
	if err == nil && n < minMemory {
		err = fmt.Errorf("less than Docker's minimum of 6m")
	}
	if err != nil {
		return 0, append(diags, attrError(attr, "Invalid memory size",
			fmt.Sprintf("memory: %s; write e.g. \"512m\" or \"2g\".", err)))
	}
	return n, diags
}
