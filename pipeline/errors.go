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

// suggestionBudget bounds the "did you mean" searches of one NewGraph:
// each is linear in the number of steps, and a generated pipeline with
// 100,000 unknown dependencies must not take minutes to reject.
const suggestionBudget = 100

// suggest returns a " (did you mean "x"?)" hint for a misspelled step name.
func (g *Graph) suggest(name string) string {
	if g.suggestions >= suggestionBudget {
		return ""
	}
	g.suggestions++
	return suggest(name, g.p)
}

func suggest(name string, p *Pipeline) string {
	names := make([]string, len(p.Steps))
	for i, s := range p.Steps {
		names[i] = s.Name
	}
	if best := Closest(name, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// Closest returns the candidate nearest to name by edit distance, or "" if
// none is within two edits: the basis of every "did you mean" hint.
func Closest(name string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if d := levenshtein(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
