package executor

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/pipeline"
)

// Prediction is what a run would do with one reusable step, as Predict
// finds it without running anything.
type Prediction struct {
	Step string
	// Reused: the store holds the step's key; From is the run it would be
	// reused from.
	Reused bool
	From   string
	// Why says, when not Reused, why the step would run ("command changed
	// (since run X)", "no earlier run of it is stored") or, when Decided
	// is false, what its key waits for ("its input bin comes from build,
	// which would run").
	Why     string
	Decided bool
}

// Predict says which reusable steps of g a run would reuse now, in g's
// order, without creating anything on the engine or pulling: it asks the
// engine only for image IDs, and reads the store (WithReuse, required)
// without making any entry recent. A step whose key needs what an earlier
// step makes (its artifacts, its outputs, a built image) is predicted
// only when that step would be reused; otherwise it is undecided, as it
// is when its image is pulled at every run or not present yet. Steps that
// are not reusable are left out.
func (e *Executor) Predict(ctx context.Context, g *pipeline.Graph) ([]Prediction, error) {
	if e.reuse == nil {
		return nil, errors.New("predict: no reuse store")
	}
	res := &Result{}
	for i := range g.Len() {
		res.Steps = append(res.Steps, &StepResult{Name: g.Step(i).Name, Status: StatusPending})
	}
	s := newSchedule(e, g, res, func(error) {}, false, 1)
	undecided := map[int]bool{}
	var out []Prediction
	for _, i := range g.Order() {
		if !s.reusing(i) {
			continue
		}
		p := s.predict(ctx, i, undecided)
		p.Step = g.Step(i).Name
		undecided[i] = !p.Decided
		out = append(out, p)
	}
	return out, nil
}

// predict predicts step i; a step predicted reused has its stored outputs
// and artifact manifests recorded, for the keys of the steps after it.
func (s *schedule) predict(ctx context.Context, i int, undecided map[int]bool) Prediction {
	step := s.g.Step(i)
	if wait := s.keyWaitsFor(i, undecided); wait != "" {
		return Prediction{Why: wait}
	}
	if step.Pull == pipeline.PullAlways {
		return Prediction{Why: "its image is pulled at every run (pull = always)"}
	}
	resolved, err := s.withOutputs(step)
	if err != nil {
		return Prediction{Why: err.Error()}
	}
	key, err := s.reuseKey(ctx, i, resolved)
	switch {
	case cerrdefs.IsNotFound(err):
		return Prediction{Why: fmt.Sprintf("its image %s is not on the engine yet", step.Image)}
	case err != nil:
		return Prediction{Why: err.Error()}
	}
	entry, err := s.reuse.store.Peek(key.Key)
	if err != nil || entry == nil {
		return Prediction{Decided: true, Why: s.missReason(step.Name, key)}
	}
	defer entry.Close()
	var d reuseData
	if json.Unmarshal(entry.Meta().Data, &d) != nil || d.Version != reuseDataVersion {
		return Prediction{Decided: true, Why: "its stored run is of another runjob version"}
	}
	if s.readOutputs[i] && !d.OutputsRead {
		return Prediction{Decided: true, Why: errNoOutputs.Error()}
	}
	r := &StepResult{Name: step.Name, Status: StatusReused, Outputs: d.Outputs}
	for _, a := range d.Artifacts {
		r.Artifacts = append(r.Artifacts, &ArtifactResult{Name: a.Name, Manifest: a.Manifest})
	}
	s.outputs.record(r)
	s.res.Steps[i].Status = StatusReused
	return Prediction{Reused: true, Decided: true, From: entry.Meta().RunID}
}

// keyWaitsFor names what step i's key needs that only running an earlier
// step would give: its artifacts or outputs (when that step would not be
// reused, or its own reuse is undecided), or an image the run builds. ""
// when nothing.
func (s *schedule) keyWaitsFor(i int, undecided map[int]bool) string {
	step := s.g.Step(i)
	// runs says how step name would not be reused, "" when it would be.
	runs := func(name string) string {
		j, ok := s.g.Index(name)
		switch {
		case !ok || s.res.Steps[j].Status == StatusReused:
			return ""
		case undecided[j]:
			return "whose own reuse is decided when it runs"
		}
		return "which would run"
	}
	for _, in := range step.Inputs {
		if how := runs(in.FromStep); in.FromStep != "" && how != "" {
			return fmt.Sprintf("its input %s comes from %s, %s", in.Name, in.FromStep, how)
		}
	}
	for _, ref := range pipeline.StepOutputRefs(step) {
		if how := runs(ref.Step); how != "" {
			return fmt.Sprintf("it reads an output of %s, %s", ref.Step, how)
		}
	}
	if _, err := s.built.resolve(step.Image); err != nil {
		return "its image is built by the run"
	}
	return ""
}
