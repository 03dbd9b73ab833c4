package executor

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/runjob/runjob/pipeline"
)

// OutputPath is where a step's output file is in its container; every
// step's container gets it in $RUNJOB_OUTPUT, created empty before the
// step starts, and it is read after the step's last attempt succeeded.
// Its directory is world-writable so a step running as any user can
// write it.
const OutputPath = "/runjob/output"

// OutputError says why a step could not refer to another step's output:
// the referring step fails without running.
type OutputError struct {
	// Step refers to the output Key of step From.
	Step, From, Key string
	// Why the value is missing, e.g. `"build" did not write it`.
	Why string
}

func (e *OutputError) Error() string {
	return fmt.Sprintf("step %q refers to output %q of step %q, but %s", e.Step, e.Key, e.From, e.Why)
}

// outputStore holds the outputs of finished steps by name, for the steps
// that refer to them. The coordinator records a step when it finishes;
// workers and ahead-of-time creates read it, so it has its own lock.
type outputStore struct {
	mu sync.Mutex
	by map[string]*StepResult
}

func (o *outputStore) record(r *StepResult) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.by == nil {
		o.by = map[string]*StepResult{}
	}
	o.by[r.Name] = &StepResult{Name: r.Name, Status: r.Status, Outputs: r.Outputs, Artifacts: r.Artifacts}
}

// manifest returns the digest of the manifest of artifact of step as this
// run exported it (manifestDigest), for the keys of the steps that take it.
func (o *outputStore) manifest(step, artifact string) (string, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if r := o.by[step]; r != nil {
		for _, a := range r.Artifacts {
			if a.Name == artifact {
				return manifestDigest(a.Manifest), true
			}
		}
	}
	return "", false
}

// lookup returns the value for the reference of step to out.
func (o *outputStore) lookup(step string) func(pipeline.StepOutput) (string, error) {
	return func(out pipeline.StepOutput) (string, error) {
		o.mu.Lock()
		r := o.by[out.Step]
		o.mu.Unlock()
		fail := func(why string) (string, error) {
			return "", &OutputError{Step: step, From: out.Step, Key: out.Key, Why: why}
		}
		switch {
		case r == nil:
			return fail(fmt.Sprintf("%q has not run", out.Step))
		case !r.Status.Passed():
			return fail(fmt.Sprintf("%q ended %s and has no outputs (outputs are read only from a step that succeeded)", out.Step, r.Status))
		}
		v, ok := r.Outputs[out.Key]
		if !ok {
			return fail(fmt.Sprintf("%q did not write it to $%s%s", out.Step, pipeline.OutputEnv, wrote(r.Outputs)))
		}
		return v, nil
	}
}

// wrote lists the keys a step did write, for an error about one it did not.
func wrote(outputs map[string]string) string {
	if len(outputs) == 0 {
		return " (it wrote no outputs)"
	}
	return " (it wrote " + strings.Join(OutputNames(outputs), ", ") + ")"
}

// withOutputs returns step with the outputs it refers to in place (env
// aside: containerSpec resolves it with the secrets). Paths that became
// relative are the step's failure too.
func (s *schedule) withOutputs(step *pipeline.Step) (*pipeline.Step, error) {
	if len(pipeline.StepOutputRefs(step)) == 0 {
		return step, nil
	}
	lookup := s.outputs.lookup(step.Name)
	for _, ref := range pipeline.StepOutputRefs(step) {
		if _, err := lookup(ref); err != nil {
			return nil, err
		}
	}
	r, err := step.WithOutputs(lookup)
	if err != nil {
		return nil, err
	}
	for _, in := range r.Inputs {
		if !strings.HasPrefix(in.To, "/") {
			return nil, fmt.Errorf("input %q: to = %q is not an absolute path inside the container", in.Name, in.To)
		}
	}
	for _, a := range r.Artifacts {
		if !strings.HasPrefix(a.Path, "/") {
			return nil, fmt.Errorf("artifact %q: path %q is not an absolute path inside the container", a.Name, a.Path)
		}
	}
	return r, nil
}

// outputsReady reports whether every step whose outputs step d refers to
// has finished, so that d's container can be built ahead of its turn.
func (s *schedule) outputsReady(d int) bool {
	for _, ref := range pipeline.StepOutputRefs(s.g.Step(d)) {
		j, ok := s.g.Index(ref.Step)
		if !ok || s.res.Steps[j].Status == StatusPending {
			return false
		}
	}
	return true
}

// OutputNames lists a step's output keys, sorted: the order every view
// shows them in.
func OutputNames(outputs map[string]string) []string {
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// DiscardedOutputPath is $RUNJOB_OUTPUT for a step whose outputs no step
// refers to: what it writes there goes nowhere, and the step costs no
// archive calls to create and read the file (about 40 ms each on Docker
// 20.10, on the critical path of every step; BENCHMARKS.md).
const DiscardedOutputPath = "/dev/null"

// outputsRead reports, per step index, whether another step refers to its
// outputs, so they must be read.
func outputsRead(g *pipeline.Graph) []bool {
	read := make([]bool, g.Len())
	for i := range g.Len() {
		for _, ref := range pipeline.StepOutputRefs(g.Step(i)) {
			if j, ok := g.Index(ref.Step); ok {
				read[j] = true
			}
		}
	}
	return read
}
