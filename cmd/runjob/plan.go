package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
	"github.com/runjob/runjob/pipeline"
	"github.com/runjob/runjob/pipeline/hclconfig"
)

// plan loads the pipeline of a run and narrows it to --only; with
// --dry-run it prints the plan, and the run stops there.
func plan(opts *runOptions) (*pipeline.Graph, error) {
	g, err := load(loadOptions{File: opts.File, Vars: opts.Vars, VarFiles: opts.VarFiles}, opts.Stderr)
	if err != nil {
		return nil, err
	}
	if len(opts.Only) > 0 {
		if g, err = g.Only(opts.Only...); err != nil {
			return nil, errkind.New(errkind.Usage, fmt.Errorf("--only: %w", flatten(err)))
		}
	}
	if opts.DryRun {
		writePlan(opts.Stdout, g)
	}
	return g, nil
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

// writePlan prints what a run would do, step by step in a topological
// order. Sensitive values are masked.
func writePlan(w io.Writer, g *pipeline.Graph) {
	p := g.Pipeline()
	var b strings.Builder
	fmt.Fprintf(&b, "pipeline %s: %d step%s\n", p.Name, g.Len(), plural(g.Len()))
	for n, i := range g.Order() {
		s := g.Step(i)
		fmt.Fprintf(&b, "\n%d. %s\n", n+1, s.Name)
		field := func(name, value string) {
			if value != "" {
				fmt.Fprintf(&b, "   %-12s %s\n", name+":", value)
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
			field("cache", fmt.Sprintf("%s: %s (volume %s)", c.Name, c.Path, executor.CacheVolume(p.Name, c.Name)))
		}
		for _, a := range s.Artifacts {
			field("artifact", fmt.Sprintf("%s: %s%s", a.Name, a.Path, whenNote(a.When)))
		}
		field("notes", strings.Join(notes(s), "; "))
	}
	_, _ = io.WriteString(w, hclconfig.Mask(b.String(), p.Sensitive))
}
