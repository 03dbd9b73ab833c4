// Package housekeeping tidies what runjob leaves on an engine between
// runs: Prune removes the containers, networks and volumes of runs that
// are no longer alive, FindLeftovers counts them, ListCaches and
// PruneCaches show and remove the cache volumes that outlive runs, and
// CacheLocks serializes the use of a cache across this host's runjob
// processes.
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

func describe(r executor.Resource) string {
	return fmt.Sprintf("%s %s (run %s)", r.Kind, r.Name, r.Labels[executor.LabelRunID])
}
