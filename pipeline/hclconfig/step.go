package hclconfig

import (
	"fmt"
	"strconv"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/runjob/runjob/pipeline"
)

// defaultShell runs a step's script: -e stops at the first failing command.
var defaultShell = []string{"/bin/sh", "-e", "-c"}

// decodeInstance evaluates one instance of a step block. It always returns
// a step, so the graph can be checked even when attributes had errors.
func (d *decoder) decodeInstance(sb *stepBlock, i int, ctx *hcl.EvalContext) (*pipeline.Step, hcl.Diagnostics) {
	step := &pipeline.Step{Name: sb.instanceName(i), Base: sb.name, Pos: pos(sb.block.DefRange)}
	if sb.forEach {
		step.Key = sb.keys[i]
	}
	var diags hcl.Diagnostics
	add := func(dd hcl.Diagnostics) { diags = append(diags, dd...) }
	attrs := sb.content.Attributes
	if a, ok := attrs["image"]; ok {
		var dd hcl.Diagnostics
		step.Image, dd = d.evalImage(a, ctx, "busybox:latest")
		add(dd)
	}
	if a, ok := attrs["pull"]; ok {
		v, dd := d.evalEnum(a, ctx, "Invalid pull policy", "always", "missing", "never")
		step.Pull = pipeline.PullPolicy(v)
		add(dd)
	}
	add(d.decodeCommand(step, attrs, ctx))
	if a, ok := attrs["entrypoint"]; ok {
		var dd hcl.Diagnostics
		step.Entrypoint, dd = d.evalStringList(a, ctx)
		add(dd)
	}
	if a, ok := attrs["env"]; ok {
		var dd hcl.Diagnostics
		step.Env, dd = d.evalStringMap(a, ctx)
		add(dd)
	}
	if a, ok := attrs["workdir"]; ok {
		var dd hcl.Diagnostics
		step.Workdir, _, dd = d.evalString(a, ctx)
		add(dd)
	}
	if a, ok := attrs["user"]; ok {
		var dd hcl.Diagnostics
		step.User, _, dd = d.evalString(a, ctx)
		add(dd)
	}
	if a, ok := attrs["network"]; ok {
		var dd hcl.Diagnostics
		step.Network, dd = d.evalNetwork(a, ctx)
		add(dd)
	}
	if a, ok := attrs["reuse"]; ok {
		b, _, dd := d.evalBool(a, ctx)
		step.Reuse = b
		add(dd)
	}
	add(d.decodeControl(step, attrs, ctx))
	add(d.decodeNested(step, sb.content.Blocks, ctx))
	return step, diags
}

// decodeControl sets how the step's run is controlled: its timeout,
// retries, allow_failure and when.
func (d *decoder) decodeControl(step *pipeline.Step, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	var diags hcl.Diagnostics
	add := func(dd hcl.Diagnostics) { diags = append(diags, dd...) }
	if a, ok := attrs["timeout"]; ok {
		var dd hcl.Diagnostics
		step.Timeout, dd = d.evalDuration(a, ctx)
		add(dd)
	}
	if a, ok := attrs["retries"]; ok {
		n, _, dd := d.evalInt(a, ctx, 0, 100)
		step.Retries = n
		add(dd)
	}
	if a, ok := attrs["allow_failure"]; ok {
		b, _, dd := d.evalBool(a, ctx)
		step.AllowFailure = b
		add(dd)
	}
	if a, ok := attrs["when"]; ok {
		add(d.decodeWhen(step, a, ctx))
	}
	return diags
}

// decodeWhen reads `when`: a bool (false skips the step, as it always
// has), or one of the condition words. A string that reads as a bool
// ("false") is that bool, as HCL's conversion would have it.
func (d *decoder) decodeWhen(step *pipeline.Step, a *hcl.Attribute, ctx *hcl.EvalContext) hcl.Diagnostics {
	step.WhenPos = pos(a.Expr.Range())
	v, diags := d.eval(a, ctx, cty.DynamicPseudoType)
	if diags.HasErrors() || !v.IsKnown() || v.IsNull() {
		return diags
	}
	word := ""
	switch v.Type() {
	case cty.Bool:
		step.Skip = v.False()
		return diags
	case cty.String:
		word = v.AsString()
	}
	switch c := pipeline.Condition(word); {
	case word == "true" || word == "false":
		step.Skip = word == "false"
	case c == pipeline.WhenOnSuccess || c.AfterFailure():
		step.When = c
	default:
		shown := strconv.Quote(word)
		if v.Type() != cty.String {
			shown = "a " + v.Type().FriendlyName()
		}
		diags = append(diags, attrError(a, "Invalid step condition",
			fmt.Sprintf(`when = %s: want "on_success", "on_failure", "always", true or false.`, shown)))
	}
	return diags
}

// decodeCommand sets the command from command, or from shell + script.
func (d *decoder) decodeCommand(step *pipeline.Step, attrs hcl.Attributes, ctx *hcl.EvalContext) hcl.Diagnostics {
	cmd, script, shell := attrs["command"], attrs["script"], attrs["shell"]
	var diags hcl.Diagnostics
	switch {
	case cmd != nil && script != nil:
		return hcl.Diagnostics{attrError(script, "Conflicting command",
			"A step has either command (exec form) or script (run by shell), not both.")}
	case shell != nil && script == nil:
		return hcl.Diagnostics{attrError(shell, "Shell without script",
			"shell only says how to run script; this step has no script. Put the whole command line in command instead.")}
	case cmd != nil:
		step.Command, diags = d.evalStringList(cmd, ctx)
	case script != nil:
		text, checkable, dd := d.evalString(script, ctx)
		diags = dd
		sh := defaultShell
		if shell != nil {
			var dd hcl.Diagnostics
			sh, dd = d.evalStringList(shell, ctx)
			diags = append(diags, dd...)
			if len(sh) == 0 && !dd.HasErrors() {
				diags = append(diags, attrError(shell, "Empty shell", `shell needs a program, e.g. ["/bin/bash", "-eo", "pipefail", "-c"].`))
			}
		}
		if checkable {
			step.Command = append(append([]string(nil), sh...), text)
		}
	}
	return diags
}

func oneOf(s string, options ...string) bool {
	for _, o := range options {
		if s == o {
			return true
		}
	}
	return false
}

func pos(r hcl.Range) pipeline.Pos {
	return pipeline.Pos{File: r.Filename, Line: r.Start.Line, Column: r.Start.Column, Byte: r.Start.Byte}
}
