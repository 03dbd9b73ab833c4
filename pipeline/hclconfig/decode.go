package hclconfig

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/runjob/runjob/pipeline"
)

// decoder holds the state of one load: the values each scope can see, and
// the sensitive strings found so far.
type decoder struct {
	l     *Loader
	dir   string
	funcs map[string]function.Function
	// vars and locals are the attributes of var. and local.
	vars   map[string]cty.Value
	locals map[string]cty.Value
	// varObj and localObj are vars and locals as objects, built once.
	varObj, localObj cty.Value
	// declared are the names of variables and locals, evaluated or not,
	// so a reference to one that failed is not called undeclared.
	declaredVars, declaredLocals map[string]bool
	// bases are the declared steps by block label.
	bases     map[string]*stepBlock
	sensitive map[string]bool
	// secrets, services and images are the declared ones by name, with
	// where.
	secrets, services, images map[string]pipeline.Pos
	// hints makes the "did you mean" searches (see loadSuggestions).
	hints *pipeline.Suggester
	// outputKeys are the output keys each step is referred to with;
	// outputOK the attributes (by expression range) outputs may be used in.
	outputKeys map[string][]string
	outputOK   map[hcl.Range]bool
	// network is the pipeline block's default for steps, set at
	// networkAttr ("" and nil when it has none).
	network     pipeline.NetworkMode
	networkAttr *hcl.Attribute
	// reuse is the pipeline block's default for steps (the loader's
	// reuseDefault when it has none).
	reuse bool
}

func newDecoder(l *Loader, filename string) *decoder {
	d := &decoder{
		l:              l,
		hints:          pipeline.NewSuggester(loadSuggestions),
		dir:            filepath.Dir(filename),
		vars:           map[string]cty.Value{},
		locals:         map[string]cty.Value{},
		reuse:          l.reuseDefault,
		declaredVars:   map[string]bool{},
		declaredLocals: map[string]bool{},
		bases:          map[string]*stepBlock{},
		outputKeys:     map[string][]string{},
		outputOK:       map[hcl.Range]bool{},
		sensitive:      map[string]bool{},
		secrets:        map[string]pipeline.Pos{},
		services:       map[string]pipeline.Pos{},
		images:         map[string]pipeline.Pos{},
	}
	d.funcs = d.functions()
	return d
}

// decode evaluates the file body into a pipeline model. The model holds
// every step that could be decoded, even when there were errors, so that
// the graph can be checked too.
func (d *decoder) decode(body hcl.Body) (*pipeline.Pipeline, hcl.Diagnostics) {
	content, diags := body.Content(fileSchema)
	file := body.MissingItemRange().Filename
	p := &pipeline.Pipeline{
		Name: strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)),
		File: file,
		Dir:  d.dir,
	}
	diags = append(diags, d.variables(content.Blocks.OfType("variable"))...)
	d.varObj = cty.ObjectVal(d.vars)
	diags = append(diags, d.decodeLocals(content.Blocks.OfType("locals"))...)
	d.localObj = cty.ObjectVal(d.locals)
	diags = append(diags, d.settings(content.Blocks.OfType("pipeline"), p)...)
	secrets, secretDiags := d.decodeSecrets(content.Blocks.OfType("secret"))
	diags = append(diags, secretDiags...)
	p.Secrets = secrets
	diags = append(diags, d.declareServices(content.Blocks.OfType("service"))...)
	services, serviceDiags := d.decodeServices(content.Blocks.OfType("service"))
	diags = append(diags, serviceDiags...)
	p.Services = services
	diags = append(diags, d.declareImages(content.Blocks.OfType("image"))...)
	builds, buildDiags := d.decodeImages(content.Blocks.OfType("image"))
	diags = append(diags, buildDiags...)
	steps, stepDiags := d.decodeSteps(content.Blocks.OfType("step"))
	diags = append(diags, stepDiags...)
	p.Steps = append(builds, steps...)
	if len(content.Blocks.OfType("step")) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No steps",
			Detail:   `A pipeline needs at least one step "NAME" { image = ... } block.`,
			Subject:  body.MissingItemRange().Ptr(),
		})
	}
	p.Sensitive = d.sensitiveValues()
	return p, diags
}

// baseCtx is what variables' validations, locals, the pipeline block and
// for_each see: var., local. and the functions.
func (d *decoder) baseCtx() *hcl.EvalContext {
	return &hcl.EvalContext{
		Variables: map[string]cty.Value{
			"var":   d.varObj,
			"local": d.localObj,
		},
		Functions: d.funcs,
	}
}

// stepCtx adds step., secret., service. and image. to a base context;
// instanceCtx adds each. to that. Both are children, so the large step
// object is built once per load.
func stepCtx(base *hcl.EvalContext, steps map[string]cty.Value, secrets, services, images cty.Value) *hcl.EvalContext {
	c := base.NewChild()
	c.Variables = map[string]cty.Value{"step": cty.ObjectVal(steps), "secret": secrets, "service": services, "image": images}
	return c
}

func instanceCtx(stepCtx *hcl.EvalContext, each cty.Value) *hcl.EvalContext {
	if each == cty.NilVal {
		return stepCtx
	}
	c := stepCtx.NewChild()
	c.Variables = map[string]cty.Value{"each": each}
	return c
}

// lookup finds a root name in a context or its parents.
func lookup(ctx *hcl.EvalContext, name string) (cty.Value, bool) {
	for c := ctx; c != nil; c = c.Parent() {
		if v, ok := c.Variables[name]; ok {
			return v, true
		}
	}
	return cty.NilVal, false
}

// sensitiveValues returns the collected sensitive strings, longest first so
// that masking replaces a whole secret before any part of it.
func (d *decoder) sensitiveValues() []string {
	out := make([]string, 0, len(d.sensitive))
	for s := range d.sensitive {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i]) != len(out[j]) {
			return len(out[i]) > len(out[j])
		}
		return out[i] < out[j]
	})
	return out
}
