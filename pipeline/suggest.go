package pipeline

import (
	"fmt"
	"iter"
	"slices"
)

// graphSuggestions bounds the "did you mean" searches of one NewGraph.
const graphSuggestions = 100

// Suggester makes "did you mean" hints within a budget of searches. Each
// search is linear in its candidates, and a generated or hostile pipeline
// with 100,000 misspelled names must not take minutes to reject: past the
// budget, hints are left out (the first problems are the ones a user fixes
// first). It is not safe for concurrent use.
type Suggester struct{ left int }

// NewSuggester returns a Suggester that makes at most budget searches.
func NewSuggester(budget int) *Suggester { return &Suggester{left: budget} }

// Closest is the package's Closest while the budget lasts, then "". The
// candidates are not iterated once the budget is spent, so a caller that
// computes them lazily pays for listing them only within the budget too.
func (s *Suggester) Closest(name string, candidates iter.Seq[string]) string {
	if s.left <= 0 {
		return ""
	}
	s.left--
	return closest(name, candidates)
}

// suggest returns a " (did you mean "x"?)" hint for a misspelled step name.
func (g *Graph) suggest(name string) string {
	steps := func(yield func(string) bool) {
		for _, s := range g.p.Steps {
			if !yield(s.Name) {
				return
			}
		}
	}
	if best := g.hints.Closest(name, steps); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// Closest returns the candidate nearest to name by edit distance, or "" if
// none is within two edits: the basis of every "did you mean" hint.
func Closest(name string, candidates []string) string {
	return closest(name, slices.Values(candidates))
}

func closest(name string, candidates iter.Seq[string]) string {
	best, bestDist := "", 3
	for c := range candidates {
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
