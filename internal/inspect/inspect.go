// Package inspect renders the views of a loaded pipeline that need no
// engine: the plan that --dry-run prints, `runjob list`, `runjob graph`
// and `runjob validate --json`.
//
// Every view renders whole into memory and reaches its writer in one Write
// call, so a writer that masks each write on its own (Masked) sees every
// value whole. The views do not mask by themselves: give them Masked(w, g)
// to hide the pipeline's sensitive values. Each view returns the writer's
// error as it is; errors of its own carry an errkind kind.
package inspect

import (
	"io"

	"github.com/runjob/runjob/mask"
	"github.com/runjob/runjob/pipeline"
)

// Replacement is what a sensitive value becomes in a view. It differs
// from mask.Replacement because a view shows that a value is set, where
// run output hides it.
const Replacement = "(sensitive)"

// Masked returns a writer that replaces g's sensitive values with
// Replacement in each write to w; it unwraps to w.
func Masked(w io.Writer, g *pipeline.Graph) io.Writer {
	return mask.NewWithReplacement(Replacement, g.Pipeline().Sensitive...).Writer(w)
}

// write sends a rendered view in one call.
func write(w io.Writer, s string) error {
	_, err := io.WriteString(w, s)
	return err
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
