package pipeline

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Secret is a value a run reads from the host when it starts, never at
// load time: the model holds only where to find it. A step receives it
// through an environment variable whose value holds SecretRef(Name); the
// executor puts the real value in place when it creates the container.
type Secret struct {
	// Name is the block label; steps write secret.NAME.
	Name string
	// Env names the host environment variable holding the value; File is
	// the path of a file holding it, already joined to the pipeline's
	// directory. Exactly one is set.
	Env, File string
	// Pos is where the secret was declared.
	Pos Pos
}

// SecretRef is the placeholder a secret reference evaluates to at load
// time. It is what the plan and graph show, so it is readable.
func SecretRef(name string) string { return "<secret:" + name + ">" }

var secretRefRE = regexp.MustCompile(`<secret:([A-Za-z_][A-Za-z0-9_-]*)>`)

// SecretRefs returns the names of the secrets s refers to, in order of
// first appearance.
func SecretRefs(s string) []string {
	var out []string
	for _, m := range secretRefRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

// ResolveSecrets replaces each placeholder in s with the secret's value.
// A placeholder for a secret not in values is an error: running a step
// with a placeholder instead of its credential would fail obscurely.
func ResolveSecrets(s string, values map[string]string) (string, error) {
	var missing string
	out := secretRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		name := strings.TrimSuffix(strings.TrimPrefix(ref, "<secret:"), ">")
		v, ok := values[name]
		if !ok && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", fmt.Errorf("secret %q has no value", missing)
	}
	return out, nil
}

// Secret returns the declared secret with the given name, or nil.
func (p *Pipeline) Secret(name string) *Secret {
	for i := range p.Secrets {
		if p.Secrets[i].Name == name {
			return &p.Secrets[i]
		}
	}
	return nil
}

// StepSecrets returns the names of the secrets a step's env refers to,
// sorted.
func StepSecrets(s *Step) []string { return EnvSecrets(s.Env) }

// EnvSecrets returns the names of the secrets an env map refers to, sorted.
func EnvSecrets(env map[string]string) []string {
	var out []string
	for _, v := range env {
		for _, name := range SecretRefs(v) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}
