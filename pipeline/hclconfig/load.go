// Package hclconfig loads runjob pipeline files, written in HCL native
// syntax (.hcl) or HCL's JSON syntax (.json), into the pipeline model.
//
// Loading decodes into private block structs first, evaluates variables,
// locals and step expressions (with the go-cty function library), expands
// for_each, derives dependencies from references, then builds the public
// model and validates its graph. Problems are accumulated as
// hcl.Diagnostics carrying source ranges; the CLI renders them. Nothing here
// panics on bad input, and no diagnostic contains a sensitive value.
package hclconfig

import (
	"bytes"
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
// can be rendered with snippets afterwards, and the sensitive values of the
// last load so that rendering can mask them.
type Loader struct {
	parser   *hclparse.Parser
	vars     map[string]string
	varFiles []string
	// reuseDefault is the steps' reuse when the file sets none.
	reuseDefault bool
	environ      []string
	sensitive    []string
}

// Option configures a Loader.
type Option func(*Loader)

// WithVars sets variable values given on the command line (--var k=v).
// They override every other source; a name no variable block declares is
// an error.
func WithVars(vars map[string]string) Option {
	return func(l *Loader) { l.vars = vars }
}

// WithVarFiles sets variable files (--var-file), HCL or JSON by extension.
// A later file overrides an earlier one; --var overrides them all.
func WithVarFiles(files ...string) Option {
	return func(l *Loader) { l.varFiles = files }
}

// WithEnviron sets the environment (KEY=VALUE entries) that RUNJOB_VAR_name
// values and the env() function read. The default is os.Environ().
func WithEnviron(environ []string) Option {
	return func(l *Loader) { l.environ = environ }
}

// WithReuseDefault sets what a step that says nothing of reuse gets when
// the pipeline block says nothing either (false without it): watch mode
// turns reuse on this way, and anything the file writes still wins.
func WithReuseDefault(on bool) Option {
	return func(l *Loader) { l.reuseDefault = on }
}

// New returns a Loader.
func New(opts ...Option) *Loader {
	l := &Loader{parser: hclparse.NewParser(), environ: os.Environ()}
	for _, o := range opts {
		o(l)
	}
	return l
}

// snippetBudget bounds the source bytes rendering may scan: HCL finds a
// snippet by scanning its file from the start, so 100 diagnostics in a
// 5 MB file would take a minute. Past the budget, diagnostics are written
// without their snippet.
const snippetBudget = 32 << 20

// WriteDiagnostics renders diagnostics with their source snippets, each
// headed by file:line:col so editors and terminals can jump to it.
// Sensitive values of the last load are masked, also in snippets.
func (l *Loader) WriteDiagnostics(w io.Writer, diags hcl.Diagnostics) {
	var buf bytes.Buffer
	files := l.parser.Files()
	tw := hcl.NewDiagnosticTextWriter(&buf, files, 0, false)
	scanned := 0
	for _, d := range diags {
		if d.Subject != nil {
			fmt.Fprintf(&buf, "%s:%d:%d: ", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
			if f := files[d.Subject.Filename]; f != nil {
				if scanned += len(f.Bytes); scanned > snippetBudget {
					plain := *d
					plain.Subject, plain.Context = nil, nil
					d = &plain
				}
			}
		}
		_ = tw.WriteDiagnostic(d)
	}
	_, _ = io.WriteString(w, Mask(buf.String(), l.sensitive))
}

// Load reads, evaluates and validates the pipeline in filename. The graph
// is nil when the diagnostics contain an error.
func (l *Loader) Load(filename string) (*pipeline.Graph, hcl.Diagnostics) {
	src, err := readLimited(filename)
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
	file, diags := l.parse(filename, src)
	if diags.HasErrors() {
		return nil, diags
	}
	d := newDecoder(l, filename)
	p, moreDiags := d.decode(file.Body)
	diags = append(diags, moreDiags...)
	// Check the graph even when steps had errors: every step is in the model
	// with its dependencies, so the user learns of all problems at once.
	g, err := pipeline.NewGraph(p)
	if err != nil {
		diags = append(diags, graphDiagnostics(err, diags.HasErrors())...)
	}
	l.sensitive = p.Sensitive
	diags = truncate(diags)
	maskDiagnostics(diags, p.Sensitive)
	if diags.HasErrors() {
		return nil, diags
	}
	return g, diags
}

// parse parses src as HCL, or as JSON when the name ends in .json.
func (l *Loader) parse(filename string, src []byte) (*hcl.File, hcl.Diagnostics) {
	if diags := checkNesting(filename, src); diags.HasErrors() {
		return nil, diags
	}
	if strings.EqualFold(filepath.Ext(filename), ".json") {
		return l.parser.ParseJSON(src, filename)
	}
	return l.parser.ParseHCL(src, filename)
}
