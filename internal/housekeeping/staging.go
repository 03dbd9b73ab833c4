package housekeeping

import (
	"fmt"
	"slices"

	"github.com/runjob/runjob/executor"
)

// pruneStaging removes the staging directories that killed runs left in
// the artifacts directories of o (executor.AbandonedStaging): a live run
// holds its own, so it is never listed, with or without All. A run that
// ends removes its own; a later run removes the leftovers too.
func (p *pruner) pruneStaging() {
	for _, dir := range p.o.ArtifactsDirs {
		runs, err := executor.AbandonedStaging(dir)
		if err != nil {
			fmt.Fprintf(p.o.Stderr, "runjob: %v\n", err)
			p.failed[dir] = err
			continue
		}
		for _, r := range runs {
			if len(p.o.RunIDs) > 0 && !slices.Contains(p.o.RunIDs, r.RunID) {
				continue
			}
			what := fmt.Sprintf("staging directory %s (run %s)", r.Path, r.RunID)
			if p.o.DryRun {
				fmt.Fprintf(p.o.Stdout, "would remove %s\n", what)
				p.removed++
				continue
			}
			if err := executor.RemoveStaging(r); err != nil {
				fmt.Fprintf(p.o.Stderr, "runjob: could not remove %s: %v\n", what, err)
				p.failed[r.Path] = err
				continue
			}
			fmt.Fprintf(p.o.Stdout, "removed %s\n", what)
			p.removed++
		}
	}
}
