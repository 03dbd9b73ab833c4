package ps

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/runjob/runjob/internal/errkind"
)

// TopOptions are the settings of `runjob top RUN [NAME]`.
type TopOptions struct {
	RunID string
	// Name, when set, is the one step or service to show.
	Name string
	JSON bool
	Now  func() time.Time
}

// Top writes the processes of a run's running containers (of one step or
// service, with Name). An unknown run or name is a usage error that says
// where to look.
func Top(ctx context.Context, eng Engine, w io.Writer, o TopOptions) error {
	runs, err := List(ctx, eng, Options{Top: true, RunID: o.RunID, Name: o.Name, Now: o.Now})
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		return errkind.New(errkind.Usage, fmt.Errorf("no run %s on this engine (`runjob ps` lists the runs)", o.RunID))
	}
	run := runs[0]
	if o.Name != "" && len(run.Containers) == 0 {
		all, err := List(ctx, eng, Options{RunID: o.RunID})
		if err != nil {
			return err
		}
		has := "no containers"
		if len(all) > 0 {
			has = names(all[0])
		}
		return errkind.New(errkind.Usage, fmt.Errorf("run %s has no step or service %q (it has: %s)", o.RunID, o.Name, has))
	}
	if o.JSON {
		return WriteJSON(w, runs)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "run %s  pipeline %s  %s\n", run.RunID, run.Pipeline, run.Liveness)
	for _, c := range run.Containers {
		fmt.Fprintf(&b, "%s %s (%s): %s", c.Kind, c.Name, c.Label, c.State)
		if c.Started != nil {
			fmt.Fprintf(&b, " for %s", elapsed(time.Duration(c.ElapsedMS)*time.Millisecond))
		}
		b.WriteString("\n")
		if c.State == "running" {
			writeProcesses(&b, c, "  ")
		}
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func names(r Run) string {
	var out []string
	for _, c := range r.Containers {
		out = append(out, c.Name)
	}
	return strings.Join(out, ", ")
}
