package session

import (
	"os"
	"path/filepath"

	"github.com/runjob/runjob/pipeline"
)

// Writes lists the host paths a run of g with o writes to: the artifacts
// directory, the run records (both under .runjob beside the pipeline
// unless moved), the JUnit file and GitHub's step summary. Watch mode
// excludes them, so that a run never triggers the next one by writing its
// own results.
func Writes(g *pipeline.Graph, o Options) []string {
	out := []string{filepath.Join(g.Pipeline().Dir, ".runjob"), artifactsDir(o, g.Pipeline())}
	if o.JUnit != "" {
		out = append(out, o.JUnit)
	}
	lookup := o.LookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	if p, ok := lookup("GITHUB_STEP_SUMMARY"); ok && p != "" {
		out = append(out, p)
	}
	for i, p := range out {
		if a, err := filepath.Abs(p); err == nil {
			out[i] = a
		}
	}
	return out
}
