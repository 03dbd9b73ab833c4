package session

import (
	"fmt"
	"io"

	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// openReuse opens the reuse store in dir for a run of g, nil when the run
// reuses nothing: no dir (--no-reuse), or no step may be reused (then the
// store is not even created). A store that cannot be opened turns reuse
// off for the run, with a warning: the steps still run.
func openReuse(g *pipeline.Graph, dir string, maxBytes int64, stderr io.Writer) *stepcache.Store {
	if dir == "" || !anyReusable(g) {
		return nil
	}
	st, err := stepcache.Open(dir, stepcache.Options{MaxBytes: maxBytes})
	if err != nil {
		fmt.Fprintf(stderr, "runjob: warning: reuse is off for this run: %v\n", err)
		return nil
	}
	return st
}

func anyReusable(g *pipeline.Graph) bool {
	for i := range g.Len() {
		if pipeline.Reusable(g.Step(i)) {
			return true
		}
	}
	return false
}
