package watch

import (
	"path/filepath"

	"github.com/runjob/runjob/artifacts/ignore"
	"github.com/runjob/runjob/pipeline"
)

// Root is a host path a run reads: a file, or a directory watched with
// everything below it that Skip does not reject.
type Root struct {
	Path string
	// Skip reports whether a path relative to Path (slash-separated) is
	// left out, as packing it for a container would; nil keeps everything.
	Skip func(rel string, isDir bool) bool
}

// Roots returns what a run of g reads from the host, besides the given
// files (the pipeline file and its variable files): host inputs (under
// their .runjobignore), build contexts (under their .dockerignore) and
// read-only mounts. Read-write mounts are left out: the step itself
// writes there, and watching them would re-run the pipeline for its own
// writes. g may be nil (a pipeline that did not load: only its files are
// watched, for the fix). An ignore file that does not parse leaves its root unfiltered;
// the run reports that error itself.
func Roots(g *pipeline.Graph, files ...string) []Root {
	var roots []Root
	for _, f := range files {
		if f != "" {
			roots = append(roots, Root{Path: abs(f)})
		}
	}
	if g == nil {
		return roots
	}
	for _, s := range g.Pipeline().Steps {
		if s.Build != nil {
			roots = append(roots, Root{Path: s.Build.Context, Skip: dockerSkip(s.Build.Context, s.Build.Dockerfile)})
		}
		for _, in := range s.Inputs {
			if in.From != "" {
				roots = append(roots, Root{Path: in.From, Skip: inputSkip(in.From)})
			}
		}
		for _, m := range s.Mounts {
			if m.ReadOnly {
				roots = append(roots, Root{Path: m.Source})
			}
		}
	}
	return roots
}

func inputSkip(root string) func(string, bool) bool {
	m, err := ignore.Load(root)
	if err != nil || m == nil {
		return nil
	}
	return m.Skip
}

func dockerSkip(root, dockerfile string) func(string, bool) bool {
	m, err := ignore.LoadDockerignore(root, dockerfile)
	if err != nil || m == nil {
		return nil
	}
	return m.Skip
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
