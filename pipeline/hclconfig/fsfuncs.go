package hclconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// envFunc is env("NAME"): the variable's value in runjob's environment,
// or "" when it is not set (coalesce(env("X"), "default") gives a default).
func (d *decoder) envFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "name", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name := args[0].AsString()
			for _, kv := range d.l.environ {
				if k, v, ok := strings.Cut(kv, "="); ok && k == name {
					return cty.StringVal(v), nil
				}
			}
			return cty.StringVal(""), nil
		},
	})
}

// fileFunc is file("path"): a text file's contents, the path relative to
// the pipeline file's directory.
func (d *decoder) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			src, err := d.readText(d.resolve(args[0].AsString()))
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(src), nil
		},
	})
}

// templateFileFunc is templatefile("path", { name = value }): the file
// rendered as an HCL template that sees the given names and functions.
func (d *decoder) templateFileFunc(funcs map[string]function.Function) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			path, vars := args[0].AsString(), args[1]
			if !vars.Type().IsObjectType() && !vars.Type().IsMapType() {
				return cty.NilVal, function.NewArgErrorf(1, "vars must be an object or a map, e.g. { name = \"x\" }")
			}
			if !vars.IsWhollyKnown() || vars.IsNull() {
				return cty.UnknownVal(cty.String), nil
			}
			path = d.resolve(path)
			src, err := d.readText(path)
			if err != nil {
				return cty.NilVal, err
			}
			if diags := checkNesting(path, []byte(src)); diags.HasErrors() {
				return cty.NilVal, diagError(diags)
			}
			expr, diags := hclsyntax.ParseTemplate([]byte(src), path, hcl.InitialPos)
			if diags.HasErrors() {
				return cty.NilVal, diagError(diags)
			}
			ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: funcs}
			for k, v := range vars.AsValueMap() {
				if !hclsyntax.ValidIdentifier(k) {
					return cty.NilVal, function.NewArgErrorf(1, "%q is not a valid template variable name", k)
				}
				ctx.Variables[k] = v
			}
			out, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.NilVal, diagError(diags)
			}
			s, err := ctyString(out)
			if err != nil {
				return cty.NilVal, fmt.Errorf("%s: the template must produce a string: %w", path, err)
			}
			return cty.StringVal(s), nil
		},
	})
}

// readText reads a regular UTF-8 file (its path already resolved).
// Devices and fifos are refused, as they could block or never end.
func (d *decoder) readText(path string) (string, error) {
	if path == "" {
		return "", errors.New("the path is empty")
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("cannot read %s: %w", path, unwrapPathErr(err))
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	b, err := readLimited(path)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s is not valid UTF-8 text", path)
	}
	return string(b), nil
}

// resolve makes a relative path relative to the pipeline's directory.
func (d *decoder) resolve(path string) string {
	if path == "" || filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(d.dir, path)
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// diagError renders diagnostics from inside a function as one error, with
// positions, since a function can only return an error.
func diagError(diags hcl.Diagnostics) error {
	var msgs []string
	for _, d := range diags.Errs() {
		var diag *hcl.Diagnostic
		if errors.As(d, &diag) && diag.Subject != nil {
			msgs = append(msgs, fmt.Sprintf("%s:%d:%d: %s; %s", diag.Subject.Filename, diag.Subject.Start.Line, diag.Subject.Start.Column, diag.Summary, diag.Detail))
			continue
		}
		msgs = append(msgs, d.Error())
	}
	return errors.New(strings.TrimSuffix(strings.Join(msgs, "\n"), "."))
}
