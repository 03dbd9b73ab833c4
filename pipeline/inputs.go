package pipeline

// checkInputs validates a step's inputs and returns the dependencies their
// upstream artifacts imply. An input from an unknown step is reported here,
// with the input's position, rather than as an unknown dependency.
func (g *Graph) checkInputs(s *Step, errs *Errors) []Dependency {
	var deps []Dependency
	seen := map[string]bool{}
	for _, in := range s.Inputs {
		if seen[in.Name] {
			errs.add(in.Pos, "Duplicate input", s.Name, "step %q declares input %q twice", s.Name, in.Name)
		}
		seen[in.Name] = true
		if !AbsContainerPath(in.To) {
			errs.add(in.Pos, "Invalid input path", s.Name, "input %q: to = %q must be an absolute path inside the container", in.Name, in.To)
		}
		switch {
		case (in.From == "") == (in.FromStep == ""):
			errs.add(in.Pos, "Invalid input", s.Name, "input %q needs exactly one source: a host path or an upstream artifact", in.Name)
		case in.FromStep != "":
			j, ok := g.index[in.FromStep]
			if !ok {
				errs.add(in.Pos, "Unknown step", s.Name, "input %q takes artifact %q of unknown step %q%s", in.Name, in.FromArtifact, in.FromStep, g.suggest(in.FromStep))
				continue
			}
			if !hasArtifact(g.p.Steps[j], in.FromArtifact) {
				errs.add(in.Pos, "Unknown artifact", s.Name, "input %q: step %q declares no artifact %q%s", in.Name, in.FromStep, in.FromArtifact, suggestArtifact(in.FromArtifact, g.p.Steps[j]))
				continue
			}
			deps = append(deps, Dependency{Step: in.FromStep, Pos: in.Pos})
		}
	}
	return deps
}

func hasArtifact(s *Step, name string) bool {
	for _, a := range s.Artifacts {
		if a.Name == name {
			return true
		}
	}
	return false
}

func suggestArtifact(name string, s *Step) string {
	names := make([]string, len(s.Artifacts))
	for i, a := range s.Artifacts {
		names[i] = a.Name
	}
	if best := Closest(name, names); best != "" {
		return ` (did you mean "` + best + `"?)`
	}
	return ""
}
