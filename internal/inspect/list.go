package inspect

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/runjob/runjob/pipeline"
)

// List writes one row per step of g in its topological order, under the
// header STEP, IMAGE, DEPENDS ON, NOTES: columns aligned with spaces, no
// trailing spaces. DEPENDS ON joins the step's dependencies with ", " ("-"
// for none); NOTES joins its notable settings with "; ".
func List(w io.Writer, g *pipeline.Graph) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STEP\tIMAGE\tDEPENDS ON\tNOTES")
	for _, i := range g.Order() {
		s := g.Step(i)
		deps := strings.Join(depNames(g, i), ", ")
		if deps == "" {
			deps = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, imageOf(g, s), deps, strings.Join(notes(s), "; "))
	}
	_ = tw.Flush() // a strings.Builder does not fail
	return write(w, trimLines(b.String()))
}

// trimLines drops the padding tabwriter leaves after a last empty column.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}
