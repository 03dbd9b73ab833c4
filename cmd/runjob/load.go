package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/console"
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

// annotate prints diagnostics as GitHub Actions annotations when running
// there (console.Annotate).
func annotate(w io.Writer, diags hcl.Diagnostics) { console.Annotate(w, diags, os.LookupEnv) }
