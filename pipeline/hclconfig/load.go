// Package hclconfig loads runjob pipeline files, written in HCL native
// syntax (.hcl) or HCL's JSON syntax (.json), into the pipeline model.
//
// Loading decodes into private block structs first, evaluates expressions
// against variables, then builds the public model and validates its graph.
// Problems are accumulated as hcl.Diagnostics carrying source ranges; the
// CLI renders them. Nothing here panics on bad input.
package hclconfig

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"

	"github.com/runjob/runjob/pipeline"
)

// Loader loads pipeline files. It keeps the parsed sources so diagnostics
// can be rendered with snippets afterwards.
type Loader struct {
	parser *hclparse.Parser
	vars   map[string]string
}

// Option configures a Loader.
type Option func(*Loader)

// WithVars sets variable values given on the command line (--var k=v).
// They override defaults; a name no variable block declares is an error.
func WithVars(vars map[string]string) Option {
	return func(l *Loader) { l.vars = vars }
}

// New returns a Loader.
func New(opts ...Option) *Loader {
	l := &Loader{parser: hclparse.NewParser()}
	for _, o := range opts {
		o(l)
	}
	return l
}

// WriteDiagnostics renders diagnostics with their source snippets, each
// headed by file:line:col so editors and terminals can jump to it.
func (l *Loader) WriteDiagnostics(w io.Writer, diags hcl.Diagnostics) {
	tw := hcl.NewDiagnosticTextWriter(w, l.parser.Files(), 0, false)
	for _, d := range diags {
		if d.Subject != nil {
			fmt.Fprintf(w, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		_ = tw.WriteDiagnostic(d)
	}
}

// Load reads, evaluates and validates the pipeline in filename. The graph
// is nil when the diagnostics contain an error.
func (l *Loader) Load(filename string) (*pipeline.Graph, hcl.Diagnostics) {
	src, err := os.ReadFile(filename)
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read pipeline file",
			Detail:   err.Error(),
		}}
	}
	return l.LoadSource(filename, src)
}

// LoadSource is Load for a file already in memory. filename decides the
// syntax (.json is HCL's JSON syntax) and the directory relative paths
// resolve against.
func (l *Loader) LoadSource(filename string, src []byte) (*pipeline.Graph, hcl.Diagnostics) {
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.EqualFold(filepath.Ext(filename), ".json") {
		file, diags = l.parser.ParseJSON(src, filename)
	} else {
		file, diags = l.parser.ParseHCL(src, filename)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	p, moreDiags := l.decode(filename, file.Body)
	diags = append(diags, moreDiags...)
	// Check the graph even when steps had errors: every step is in the model
	// with its dependencies, so the user learns of all problems at once.
	g, err := pipeline.NewGraph(p)
	if err != nil {
		diags = append(diags, graphDiagnostics(err)...)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return g, diags
}

// decode evaluates the file body into a pipeline model.
func (l *Loader) decode(filename string, body hcl.Body) (*pipeline.Pipeline, hcl.Diagnostics) {
	content, diags := body.Content(fileSchema)
	dir := filepath.Dir(filename)
	p := &pipeline.Pipeline{
		Name: strings.TrimSuffix(filepath.Base(filename), filepath.Ext(filename)),
		File: filename,
		Dir:  dir,
	}
	vars, varDiags := l.variables(content.Blocks.OfType("variable"))
	diags = append(diags, varDiags...)
	ctx := evalContext(vars)
	for _, block := range content.Blocks.OfType("step") {
		step, stepDiags := decodeStep(block, ctx)
		diags = append(diags, stepDiags...)
		if step != nil {
			p.Steps = append(p.Steps, step)
		}
	}
	if len(content.Blocks.OfType("step")) == 0 && !diags.HasErrors() {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "No steps",
			Detail:   `A pipeline needs at least one step "NAME" { image = ... } block.`,
			Subject:  body.MissingItemRange().Ptr(),
		})
	}
	return p, diags
}
