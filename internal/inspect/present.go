package inspect

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/runjob/runjob/pipeline"
)

// Helpers that render steps for List, Graph and Plan.

// quoteArgs shows an exec-form command as a shell would need it typed.
func quoteArgs(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		if a != "" && !strings.ContainsAny(a, " \t\n\"'\\$`*?[]{}()<>|&;#~") {
			out[i] = a
			continue
		}
		out[i] = strconv.Quote(a)
	}
	return strings.Join(out, " ")
}

// sortedEnv lists env's names in order, since map order would change
// the plan from run to run.
func sortedEnv(env map[string]string) []string {
	keys := make([]string, 0, len(env))
	for k := range env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// depNames are the names of the steps step i waits for.
func depNames(g *pipeline.Graph, i int) []string {
	var out []string
	for _, d := range g.Deps(i) {
		out = append(out, g.Step(d).Name)
	}
	return out
}

// pullNote marks a pull policy other than the default.
func pullNote(p pipeline.PullPolicy) string {
	if p == "" || p == pipeline.PullMissing {
		return ""
	}
	return " (pull " + string(p) + ")"
}

// whenNote marks when an artifact is kept, unless on success (the
// default).
func whenNote(w pipeline.ArtifactWhen) string {
	if w == "" || w == pipeline.OnSuccess {
		return ""
	}
	return " (" + string(w) + ")"
}

// imageOf is what a step runs: its image, or for a build node what it
// builds, "build <context>" (relative to the pipeline's directory when
// below it).
func imageOf(g *pipeline.Graph, s *pipeline.Step) string {
	if s.Build == nil {
		return s.Image
	}
	return "build " + contextOf(g, s.Build)
}

func contextOf(g *pipeline.Graph, b *pipeline.Build) string {
	if rel, err := filepath.Rel(g.Pipeline().Dir, b.Context); err == nil && filepath.IsLocal(rel) {
		return "./" + filepath.ToSlash(rel)
	}
	return b.Context
}

// notes are a step's settings that change how it runs, in short.
func notes(s *pipeline.Step) []string {
	var out []string
	if s.Skip {
		out = append(out, "skipped (when = false)")
	}
	if s.When.AfterFailure() {
		out = append(out, "when = "+string(s.When))
	}
	if s.Key != "" {
		out = append(out, fmt.Sprintf("instance of %s", s.Base))
	}
	if s.AllowFailure {
		out = append(out, "allow_failure")
	}
	if s.Timeout > 0 {
		out = append(out, "timeout "+s.Timeout.String())
	}
	if s.Retries > 0 {
		out = append(out, fmt.Sprintf("retries %d", s.Retries))
	}
	if s.Resources.Memory > 0 {
		out = append(out, "memory "+sizeString(s.Resources.Memory))
	}
	if s.Resources.CPUs > 0 {
		out = append(out, "cpus "+strconv.FormatFloat(s.Resources.CPUs, 'f', -1, 64))
	}
	if len(s.Placement.Constraints) > 0 {
		out = append(out, "placement "+strings.Join(s.Placement.Constraints, ", "))
	}
	if s.Network != "" {
		// Set by the step or the pipeline's default; unset says nothing,
		// so plans of pipelines without it read as before.
		out = append(out, "network "+string(s.Network))
	}
	if s.Reuse {
		// Asked for by the step or the pipeline's default; a step the
		// default cannot apply to says why it always runs.
		if why := pipeline.ReuseBlocker(s); why != "" {
			out = append(out, "reuse: no ("+why+")")
		} else {
			out = append(out, "reuse: yes")
		}
	}
	return out
}

// sizeString shows bytes in the largest binary unit that divides them, as
// a limit is written in a pipeline file ("1g"), exactly: not
// bytesize.Format, which rounds for reading.
func sizeString(n int64) string {
	for _, u := range []struct {
		suffix string
		size   int64
	}{{"g", 1 << 30}, {"m", 1 << 20}, {"k", 1 << 10}} {
		if n%u.size == 0 {
			return fmt.Sprintf("%d%s", n/u.size, u.suffix)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}
