package pipeline

import (
	"fmt"
	"strings"
)

// Error is one problem found in a pipeline, with the position it concerns.
type Error struct {
	Pos Pos
	// Summary is a short title, e.g. "Dependency cycle".
	Summary string
	Step    string // the step concerned, "" for pipeline-wide problems
	Msg     string
}

func (e *Error) Error() string {
	if e.Pos.IsZero() {
		return e.Msg
	}
	return e.Pos.String() + ": " + e.Msg
}

// Errors is every problem found while validating a pipeline.
type Errors []*Error

func (es Errors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "\n")
}

func (es *Errors) add(pos Pos, summary, step, format string, args ...any) {
	*es = append(*es, &Error{Pos: pos, Summary: summary, Step: step, Msg: fmt.Sprintf(format, args...)})
}

// cycles finds every dependency cycle, each reported once as a path that
// starts and ends at the same step, e.g. [a b c a], in dependency order: a
// waits for b waits for ... a.
func (g *Graph) cycles() [][]int {
	var found [][]int
	SearchCycles(g.Len(), g.Deps, func(path []int, _ int) { found = append(found, path) }, nil)
	return found
}
