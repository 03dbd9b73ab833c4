package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Build is an image the run builds from a host directory, as `docker
// build` does. It is a node of the graph: a Step whose Build is set,
// named BuildNode(Name), that runs no container of its own. Steps that use
// it hold ImageRef(Name) as their Image and depend on the node; the
// executor puts the built image's ID in place when it creates their
// containers, so every step of a run uses the very image the run built.
type Build struct {
	// Name is the image block's label; steps write image.NAME.
	Name string
	// Context is the host directory sent to the engine, absolute once
	// loaded.
	Context string
	// Within is, as for an Input, the directory the context must be
	// reached inside of ("" when Context was named outside the pipeline's
	// directory).
	Within string
	// Dockerfile is the path of the Dockerfile inside Context,
	// slash-separated ("Dockerfile" by default).
	Dockerfile string
	// Args are the build arguments (ARG), by name.
	Args map[string]string
	// Target is the multi-stage target ("" = the last stage).
	Target string
	// Tags are names the built image keeps after the run. Without them the
	// image is removed when the run ends.
	Tags []string
}

// BuildPrefix starts the name of every build node; no step name can, since
// step names are identifiers.
const BuildPrefix = "image."

// BuildNode is the graph name of the build of image NAME: image.NAME.
func BuildNode(name string) string { return BuildPrefix + name }

// ImageRef is the placeholder a reference to a built image (image.NAME)
// evaluates to at load time, in a step's Image. Like SecretRef it is
// readable, since the plan and graph show it.
func ImageRef(name string) string { return "<image:" + name + ">" }

var imageRefRE = regexp.MustCompile(`<image:([A-Za-z_][A-Za-z0-9_-]*)>`)

// ImageRefs returns the names of the built images s refers to, in order of
// first appearance.
func ImageRefs(s string) []string {
	var out []string
	for _, m := range imageRefRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// ResolveImage replaces each built-image placeholder in s with the ID the
// build produced. A placeholder for an image not in ids is an error: the
// step would otherwise ask the engine for an image named "<image:x>".
func ResolveImage(s string, ids map[string]string) (string, error) {
	var missing string
	out := imageRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref, "<image:"), ">")
		id, ok := ids[name]
		if !ok && missing == "" {
			missing = name
		}
		return id
	})
	if missing != "" {
		return "", fmt.Errorf("image %q was not built", missing)
	}
	return out, nil
}

// checkImages returns the dependencies a step's built images imply: each
// image.NAME it uses waits for the build node. A reference to an image no
// build declares is reported with the step's position.
func (g *Graph) checkImages(s *Step, errs *Errors) []Dependency {
	var deps []Dependency
	for _, name := range ImageRefs(s.Image) {
		node := BuildNode(name)
		j, ok := g.index[node]
		if !ok || g.p.Steps[j].Build == nil {
			errs.add(s.Pos, "Unknown image", s.Name, "step %q uses image %q, which no image block builds%s", s.Name, name, g.suggestImage(name))
			continue
		}
		deps = append(deps, Dependency{Step: node, Pos: s.Pos})
	}
	return deps
}

func (g *Graph) suggestImage(name string) string {
	var names []string
	for _, s := range g.p.Steps {
		if s.Build != nil {
			names = append(names, s.Build.Name)
		}
	}
	if best := Closest(name, names); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}
