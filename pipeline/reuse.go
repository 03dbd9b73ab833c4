package pipeline

import "fmt"

// ReuseBlocker says why step s can never be reused, "" when it can be.
// A reused step's result must be what running it again would give, which
// holds only when everything it reads is in its key: a service's state, a
// volume or host directory the step may write (a cache, a read-write
// mount) are not, so a step that uses one always runs. A build node is
// not a step: the engine's layer cache already skips its unchanged
// instructions.
//
// The reason is short and reads after "reuse: no", e.g. "uses service db".
func ReuseBlocker(s *Step) string {
	switch {
	case s.Build != nil:
		return "builds an image"
	case len(s.Services) > 0:
		return fmt.Sprintf("uses service %s", s.Services[0])
	case len(s.Caches) > 0:
		return fmt.Sprintf("uses cache %s, a read-write volume", s.Caches[0].Name)
	}
	for _, m := range s.Mounts {
		if !m.ReadOnly {
			return fmt.Sprintf("mounts %s read-write", m.Source)
		}
	}
	return ""
}

// Reusable reports whether a run may reuse step s: it asks for it (its
// own reuse or the pipeline's) and nothing blocks it.
func Reusable(s *Step) bool { return s.Reuse && ReuseBlocker(s) == "" }
