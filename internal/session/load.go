package session

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/runjob/runjob/internal/console"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// Source is a pipeline file and the variable values given for it.
type Source struct {
	File     string
	Vars     map[string]string
	VarFiles []string
	// ReuseDefault turns reuse on for the steps whose file says nothing
	// of it (watch mode).
	ReuseDefault bool
}

// Load reads and validates a pipeline, printing its diagnostics (and, in
// GitHub Actions, annotations for them) to stderr. The loader has masked
// sensitive values in them. An invalid pipeline is a Usage error.
func Load(src Source, stderr io.Writer, lookupEnv func(string) (string, bool)) (*pipeline.Graph, error) {
	g, diags := load(src, stderr, lookupEnv)
	if diags.HasErrors() {
		n := len(diags.Errs())
		return nil, errkind.Errorf(errkind.Usage, "%s: %d error%s", src.File, n, map[bool]string{true: "s"}[n != 1])
	}
	return g, nil
}

// Diagnose loads a pipeline for its diagnostics alone (validate --json):
// annotations are printed in GitHub Actions, the text is left to the
// caller.
func Diagnose(src Source, stderr io.Writer, lookupEnv func(string) (string, bool)) hcl.Diagnostics {
	_, diags := parse(src, stderr, lookupEnv, false)
	return diags
}

func load(src Source, stderr io.Writer, lookupEnv func(string) (string, bool)) (*pipeline.Graph, hcl.Diagnostics) {
	return parse(src, stderr, lookupEnv, true)
}

// parse loads src, annotating its diagnostics in GitHub Actions, and also
// prints them as text when asked.
func parse(src Source, stderr io.Writer, lookupEnv func(string) (string, bool), text bool) (*pipeline.Graph, hcl.Diagnostics) {
	defer relaxGC()()
	loader := hclconfig.New(hclconfig.WithVars(src.Vars), hclconfig.WithVarFiles(src.VarFiles...),
		hclconfig.WithReuseDefault(src.ReuseDefault))
	g, diags := loader.Load(src.File)
	if text {
		loader.WriteDiagnostics(stderr, diags)
	}
	console.Annotate(stderr, diags, lookupEnv)
	return g, diags
}

// Select narrows g to the steps named by --only and what they need; an
// unknown name is a Usage error, with a suggestion.
func Select(g *pipeline.Graph, only []string) (*pipeline.Graph, error) {
	if len(only) == 0 {
		return g, nil
	}
	sel, err := g.Only(only...)
	if err != nil {
		return nil, errkind.New(errkind.Usage, fmt.Errorf("--only: %w", flatten(err)))
	}
	return sel, nil
}

// flatten joins a pipeline.Errors into one line per error, without
// positions (--only names come from the command line).
func flatten(err error) error {
	var errs pipeline.Errors
	if !errors.As(err, &errs) {
		return err
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Msg
	}
	return errors.New(strings.Join(msgs, "; "))
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
