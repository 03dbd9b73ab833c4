package hclconfig

import (
	"errors"
	"regexp"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Guards around library functions whose arguments could make a small file
// allocate gigabytes: format("%999999999d", 1), or setproduct of large sets.
const (
	maxFormatWidth = 4   // digits in a format verb's width or precision
	maxProduct     = 1e4 // elements in a setproduct result
)

var wideVerb = regexp.MustCompile(`%(?:\[\d+\])?[-+ #0]*(?:\d{5,}|\d*\.\d{5,})`)

// guard wraps f with a check of its arguments before every call.
func guard(f function.Function, check func(args []cty.Value) error) function.Function {
	spec := &function.Spec{
		Description: f.Description(),
		Params:      f.Params(),
		VarParam:    f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if err := check(args); err != nil {
				return cty.NilVal, err
			}
			return f.Call(args)
		},
	}
	return function.New(spec)
}

func limitFormat(f function.Function) function.Function {
	return guard(f, func(args []cty.Value) error {
		if len(args) > 0 && args[0].IsKnown() && !args[0].IsNull() && args[0].Type() == cty.String &&
			wideVerb.MatchString(args[0].AsString()) {
			return function.NewArgErrorf(0, "a width or precision of more than %d digits is not allowed", maxFormatWidth)
		}
		return nil
	})
}

func limitSetProduct(f function.Function) function.Function {
	return guard(f, func(args []cty.Value) error {
		n := 1.0
		for _, a := range args {
			if !a.IsKnown() || a.IsNull() || !a.CanIterateElements() {
				return nil
			}
			if n *= float64(a.LengthInt()); n > maxProduct {
				return errors.New("the product has more than 10000 elements")
			}
		}
		return nil
	})
}
