package inspect

import (
	"fmt"
	"io"
	"strings"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// Plan writes what a run of g would do: a header line
//
//	pipeline NAME: N step(s)
//
// then, for each step in g's topological order, a blank line, "K. NAME",
// and one indented "field:  value" line per setting that is set, in this
// order: for a build node build (its context), dockerfile, target, arg
// (one line per argument, sorted) and tags; image (with a pull note), entrypoint, command, workdir, user, env
// (one line per variable, sorted by name), depends on, services, input,
// mount, cache (with its volume), artifact, notes (those of List: when,
// timeout, retries, limits, network...) and, from PlanReuse, reuse. Values are padded to
// one column; another step's output shows as "(output of step NAME)".
func Plan(w io.Writer, g *pipeline.Graph) error { return PlanReuse(w, g, nil) }

// PlanReuse is Plan with a last field, reuse, on each step preds names
// (executor.Predict): "would be reused (run X)", "would run: WHY", or
// "decided when it runs: WHY".
func PlanReuse(w io.Writer, g *pipeline.Graph, preds []executor.Prediction) error {
	p := g.Pipeline()
	by := map[string]string{}
	for _, pr := range preds {
		by[pr.Step] = predicted(pr)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s: %d step%s\n", p.Name, g.Len(), plural(g.Len()))
	for n, i := range g.Order() {
		fmt.Fprintf(&b, "\n%d. %s\n", n+1, g.Step(i).Name)
		planStep(&b, g, i, by[g.Step(i).Name])
	}
	return write(w, b.String())
}

func predicted(p executor.Prediction) string {
	switch {
	case p.Reused:
		return "would be reused (run " + p.From + ")"
	case p.Decided:
		return "would run: " + p.Why
	}
	return "decided when it runs: " + p.Why
}

// planStep writes the fields of step i, reuse its predicted reuse.
func planStep(b *strings.Builder, g *pipeline.Graph, i int, reuse string) {
	s := g.Step(i)
	field := func(name, value string) {
		if value != "" {
			// An output is known only once its step has run.
			fmt.Fprintf(b, "   %-12s %s\n", name+":", pipeline.ShowOutputRefs(value))
		}
	}
	if b := s.Build; b != nil {
		field("build", contextOf(g, b))
		field("dockerfile", b.Dockerfile)
		field("target", b.Target)
		for _, k := range sortedEnv(b.Args) {
			field("arg", k+"="+b.Args[k])
		}
		field("tags", strings.Join(b.Tags, ", "))
		if len(b.Tags) == 0 {
			field("notes", "untagged: removed when the run ends")
		}
	}
	field("image", s.Image+pullNote(s.Pull))
	field("entrypoint", quoteArgs(s.Entrypoint))
	field("command", quoteArgs(s.Command))
	field("workdir", s.Workdir)
	field("user", s.User)
	for _, k := range sortedEnv(s.Env) {
		field("env", k+"="+s.Env[k])
	}
	field("depends on", strings.Join(depNames(g, i), ", "))
	field("services", strings.Join(s.Services, ", "))
	for _, in := range s.Inputs {
		from := in.From
		if in.FromStep != "" {
			from = "step " + in.FromStep + " artifact " + in.FromArtifact
		}
		field("input", fmt.Sprintf("%s: %s -> %s", in.Name, from, in.To))
	}
	for _, m := range s.Mounts {
		field("mount", fmt.Sprintf("%s -> %s%s", m.Source, m.Target, map[bool]string{true: " (read-only)"}[m.ReadOnly]))
	}
	for _, c := range s.Caches {
		field("cache", fmt.Sprintf("%s: %s (volume %s)", c.Name, c.Path, executor.CacheVolume(g.Pipeline().Name, c.Name)))
	}
	for _, a := range s.Artifacts {
		field("artifact", fmt.Sprintf("%s: %s%s", a.Name, a.Path, whenNote(a.When)))
	}
	field("notes", strings.Join(notes(s), "; "))
	field("reuse", reuse)
}
