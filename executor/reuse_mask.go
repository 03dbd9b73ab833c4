package executor

import (
	"fmt"
	"slices"

	"github.com/runjob/runjob/pipeline"
)

// An entry holds nothing in clear that the run masks: values are only in
// the key's HMACs, the log is masked line by line as it is captured, and
// what the entry must hold as it is (outputs, artifacts' tar streams and
// manifests) keeps a step out of the store when it holds a masked value.

// sensitiveOutput names an output whose key or value the run masks, "" if none.
func (s *schedule) sensitiveOutput(outputs map[string]string) string {
	for _, k := range OutputNames(outputs) {
		if s.e.redact(k) != k || s.e.redact(outputs[k]) != outputs[k] {
			return s.e.redact(k)
		}
	}
	return ""
}

// sensitiveArtifact names an artifact whose path in the container (its
// base name heads the tar stream) or one of whose files' names or link
// targets the run masks, "" if none.
func (s *schedule) sensitiveArtifact(step *pipeline.Step, stored []storedArtifact) string {
	masked := func(v string) bool { return s.e.redact(v) != v }
	for _, a := range step.Artifacts {
		if masked(a.Path) {
			return a.Name
		}
	}
	for _, a := range stored {
		for _, e := range a.Manifest {
			if masked(e.Path) || masked(e.Target) {
				return a.Name
			}
		}
	}
	return ""
}

// storedParts is a key's parts as an entry keeps them: by masked name
// (an env name or a mount's target may come from a sensitive value), made
// unique in name order, so two masked alike are both kept.
func (s *schedule) storedParts(parts map[string]string) map[string]string {
	names := make([]string, 0, len(parts))
	for name := range parts {
		names = append(names, name)
	}
	slices.Sort(names)
	out := make(map[string]string, len(parts))
	for _, name := range names {
		shown := s.e.redact(name)
		for n := 2; ; n++ {
			if _, taken := out[shown]; !taken {
				break
			}
			shown = fmt.Sprintf("%s (%d)", s.e.redact(name), n)
		}
		out[shown] = parts[name]
	}
	return out
}
