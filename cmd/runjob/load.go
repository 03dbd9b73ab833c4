package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// loadOptions are what every command that loads a pipeline takes.
type loadOptions struct {
	File     string
	Vars     map[string]string
	VarFiles []string
}

// load reads and validates a pipeline, printing its diagnostics (and, on
// GitHub Actions, annotations for them) to stderr.
func load(o loadOptions, stderr io.Writer) (*pipeline.Graph, error) {
	defer relaxGC()()
	loader := hclconfig.New(hclconfig.WithVars(o.Vars), hclconfig.WithVarFiles(o.VarFiles...))
	g, diags := loader.Load(o.File)
	loader.WriteDiagnostics(stderr, diags)
	annotate(stderr, diags)
	if diags.HasErrors() {
		return nil, errkind.New(errkind.Usage, fmt.Errorf("%s: %s", o.File, countErrors(diags)))
	}
	return g, nil
}

// loadGCPercent is the garbage collector's target while a pipeline loads.
// HCL's parser allocates a token with a full source range for every token:
// a 1000-step file makes 90 MB of short-lived garbage, and at the default
// target (100) collecting it takes a third of the load. At 400 the load of
// 1000 steps takes 77 ms instead of 121 ms, for 7 MiB more peak RSS (50
// MiB; BENCHMARKS.md). The default comes back for the run itself.
const loadGCPercent = 400

// relaxGC raises the GC target for the load and returns what restores it.
// A GOGC set by the user is left alone.
func relaxGC() (restore func()) {
	if _, set := os.LookupEnv("GOGC"); set {
		return func() {}
	}
	prev := debug.SetGCPercent(loadGCPercent)
	return func() { debug.SetGCPercent(prev) }
}

// annotate prints diagnostics as GitHub Actions workflow commands when
// running there, so they show on the pull request's lines. The loader has
// already masked sensitive values in them.
func annotate(w io.Writer, diags hcl.Diagnostics) {
	if os.Getenv("GITHUB_ACTIONS") != "true" {
		return
	}
	for _, d := range diags {
		level := "error"
		if d.Severity == hcl.DiagWarning {
			level = "warning"
		}
		props := []string{}
		if r := d.Subject; r != nil {
			props = append(props,
				"file="+escapeProperty(r.Filename),
				fmt.Sprintf("line=%d", r.Start.Line), fmt.Sprintf("col=%d", r.Start.Column),
				fmt.Sprintf("endLine=%d", r.End.Line), fmt.Sprintf("endColumn=%d", r.End.Column))
		}
		props = append(props, "title="+escapeProperty(d.Summary))
		fmt.Fprintf(w, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(d.Summary+": "+d.Detail))
	}
}

// escapeData and escapeProperty follow the workflow command format, so a
// newline or colon in a message cannot end the command early.
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
