package pipeline

import (
	"regexp"
	"slices"
	"strings"
)

// A step's outputs are small values it writes to the file named by
// $RUNJOB_OUTPUT (ParseOutputs reads it) for later steps to use. Their
// values exist only once the step ran, so the model holds a placeholder,
// OutputRef(step, key), wherever a step refers to one; the executor puts
// the value in place just before it builds the container of the step
// that refers to it. A reference makes the referring step depend on the
// producer.

// OutputEnv is the environment variable naming a step's output file.
const OutputEnv = "RUNJOB_OUTPUT"

// StepOutput names one output of one step: Step is the producer's name (a
// for_each instance's full name, e.g. build[linux]), Key the output's.
type StepOutput struct {
	Step, Key string
}

// OutputRef is the placeholder a reference to step.STEP.output.KEY
// evaluates to at load time.
func OutputRef(step, key string) string { return "<output:" + step + ":" + key + ">" }

// The step part runs to the last ":" before a valid key, so instance names
// holding ":" (for_each keys are free text) still parse; it holds no "<"
// or ">", which the loader refuses in the name of a step whose outputs are
// referred to, so that two placeholders never read as one.
var outputRefRE = regexp.MustCompile(`<output:([^<>\n]+?):([A-Za-z_][A-Za-z0-9_-]*)>`)

// OutputRefs returns the outputs s refers to, in order of first appearance.
func OutputRefs(s string) []StepOutput {
	var out []StepOutput
	for _, m := range outputRefRE.FindAllStringSubmatch(s, -1) {
		if o := (StepOutput{Step: m[1], Key: m[2]}); !slices.Contains(out, o) {
			out = append(out, o)
		}
	}
	return out
}

// ShowOutputRefs replaces each placeholder in s with "(output of step
// STEP)": what views of a pipeline that has not run show.
func ShowOutputRefs(s string) string {
	if !strings.Contains(s, "<output:") {
		return s
	}
	return outputRefRE.ReplaceAllString(s, "(output of step $1)")
}

// ResolveOutputs replaces each placeholder in s with the output's value, in
// one pass: a value that itself looks like a placeholder stays as it is.
// The first error value returns ends it.
func ResolveOutputs(s string, value func(StepOutput) (string, error)) (string, error) {
	var first error
	out := outputRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		m := outputRefRE.FindStringSubmatch(ref)
		v, err := value(StepOutput{Step: m[1], Key: m[2]})
		if err != nil && first == nil {
			first = err
		}
		return v
	})
	if first != nil {
		return "", first
	}
	return out, nil
}

// StepOutputRefs returns the outputs of other steps that s refers to, in
// the order of its fields (command, entrypoint, workdir, user, env by name,
// input destinations, artifact paths).
func StepOutputRefs(s *Step) []StepOutput {
	var out []StepOutput
	add := func(v string) {
		for _, o := range OutputRefs(v) {
			if !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	for _, v := range s.outputFields() {
		add(v)
	}
	return out
}

// outputFields are the strings of a step that may hold output references.
func (s *Step) outputFields() []string {
	out := append(append([]string(nil), s.Command...), s.Entrypoint...)
	out = append(out, s.Workdir, s.User)
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, s.Env[k])
	}
	for _, in := range s.Inputs {
		out = append(out, in.To)
	}
	for _, a := range s.Artifacts {
		out = append(out, a.Path)
	}
	return out
}

// WithOutputs returns a copy of s with the output placeholders in its
// command, entrypoint, workdir, user, input destinations and artifact paths
// replaced by value's answers. Env is left alone: the executor resolves it
// together with secrets, in one pass, so that neither kind of value can
// smuggle in a placeholder of the other. s is not modified.
func (s *Step) WithOutputs(value func(StepOutput) (string, error)) (*Step, error) {
	out := *s
	var err error
	resolve := func(v string) string {
		if err != nil {
			return v
		}
		var r string
		if r, err = ResolveOutputs(v, value); err != nil {
			return v
		}
		return r
	}
	out.Command = mapStrings(s.Command, resolve)
	out.Entrypoint = mapStrings(s.Entrypoint, resolve)
	out.Workdir, out.User = resolve(s.Workdir), resolve(s.User)
	out.Inputs = slices.Clone(s.Inputs)
	for i := range out.Inputs {
		out.Inputs[i].To = resolve(out.Inputs[i].To)
	}
	out.Artifacts = slices.Clone(s.Artifacts)
	for i := range out.Artifacts {
		out.Artifacts[i].Path = resolve(out.Artifacts[i].Path)
	}
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func mapStrings(in []string, f func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// ResolveEnv replaces the secret and output placeholders in an env value
// in one pass (see WithOutputs).
func ResolveEnv(v string, secrets map[string]string, output func(StepOutput) (string, error)) (string, error) {
	var first error
	fail := func(err error) {
		if first == nil {
			first = err
		}
	}
	out := envRefRE.ReplaceAllStringFunc(v, func(ref string) string {
		if m := outputRefRE.FindStringSubmatch(ref); m != nil && m[0] == ref {
			r, err := output(StepOutput{Step: m[1], Key: m[2]})
			if err != nil {
				fail(err)
			}
			return r
		}
		r, err := ResolveSecrets(ref, secrets)
		if err != nil {
			fail(err)
		}
		return r
	})
	if first != nil {
		return "", first
	}
	return out, nil
}

var envRefRE = regexp.MustCompile(secretRefRE.String() + "|" + outputRefRE.String())

// AbsContainerPath reports whether p is an absolute path inside a
// container, or starts with an output whose value is checked to be one
// when the step runs.
func AbsContainerPath(p string) bool {
	return strings.HasPrefix(p, "/") || strings.HasPrefix(p, "<output:")
}
