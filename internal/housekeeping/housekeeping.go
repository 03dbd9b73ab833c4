// Package housekeeping tidies what runjob leaves on an engine between
// runs: Prune removes the containers, networks, volumes and untagged
// built images of runs that are no longer alive, FindLeftovers counts them, ListCaches and
// PruneCaches show and remove the cache volumes that outlive runs,
// ListReuse and PruneReuse the entries of the reuse store
// (internal/stepcache), and CacheLocks serializes the use of a cache
// across this host's runjob processes.
//
// It works over executor.Inventory only, so it runs on the fake engine in
// tests as on Docker. Output goes to the writers in the options; errors
// carry an errkind kind (errkind.Engine for engine trouble); exit numbers
// are the CLI's business.
package housekeeping

import (
	"fmt"

	"github.com/runjob/runjob/executor"
)

// everyRun selects every resource a run created, whatever run it was.
func everyRun() map[string]string { return map[string]string{executor.LabelRunID: ""} }

// tagged reports whether r is an image a run built with tags: the user
// asked to keep it, so it is neither a leftover nor pruned, even with
// --all. An untagged built image (a run that died before removing it, or
// one whose tag a later build took) is a leftover like a container.
func tagged(r executor.Resource) bool {
	return r.Kind == executor.ResourceImage && len(r.Tags) > 0
}

func describe(r executor.Resource) string {
	return fmt.Sprintf("%s %s (run %s)", r.Kind, r.Name, r.Labels[executor.LabelRunID])
}
