package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/runjob/runjob/artifacts"
	"github.com/runjob/runjob/artifacts/ignore"
	"github.com/runjob/runjob/pipeline"
)

// InputError says an input could not be read on the host: the step never
// ran. (An engine that fails to take the stream is an engine error.)
type InputError struct {
	Input string
	Err   error
}

func (e *InputError) Error() string { return fmt.Sprintf("input %q: %v", e.Input, e.Err) }
func (e *InputError) Unwrap() error { return e.Err }

// copyInputs streams each input of step into its created container: a host
// path without what its .runjobignore files exclude, or this run's own
// copy of an upstream artifact (never the shared artifacts directory,
// which a concurrent run may replace at any time). Nothing is held in memory: Pack writes
// into a pipe the engine reads from.
func (k *kit) copyInputs(ctx context.Context, id string, step *pipeline.Step) error {
	e := k.e
	// Each source and skip rule once: loading .runjobignore walks the tree.
	trees := make([]inputTree, len(step.Inputs))
	for n, in := range step.Inputs {
		src, skip, err := k.inputSource(in)
		if err != nil {
			return &InputError{Input: in.Name, Err: err}
		}
		trees[n] = inputTree{name: in.Name, to: path.Clean(in.To), src: src, skip: skip}
	}
	if err := clashingInputs(trees); err != nil {
		return err
	}
	for n, in := range step.Inputs {
		src, skip := trees[n].src, trees[n].skip
		pr, pw := io.Pipe()
		packed := make(chan error, 1)
		go func() {
			_, err := artifacts.Pack(ctx, src, pw, artifacts.PackOptions{
				Name:              strings.TrimPrefix(path.Clean(in.To), "/"),
				Skip:              skip,
				KeepEscapingLinks: true, // links are copied, never read through
				// Checked again here, not only at load time: a step with a
				// writable mount may have swapped a directory for a link.
				Within:   in.Within,
				MaxBytes: e.maxArtifact,
			})
			pw.CloseWithError(err)
			packed <- err
		}()
		copyErr := e.engine.CopyTo(ctx, id, "/", pr)
		pr.CloseWithError(errors.New("engine stopped reading")) // unblocks Pack
		if packErr := <-packed; packErr != nil && copyErr != nil {
			return &InputError{Input: in.Name, Err: packErr}
		}
		if copyErr != nil {
			return fmt.Errorf("input %q: copy into container at %s: %w", in.Name, in.To, copyErr)
		}
	}
	return nil
}

// inputSource returns the host path an input is packed from, and the skip
// rule for it.
func (k *kit) inputSource(in pipeline.Input) (string, func(string, bool) bool, error) {
	if in.FromStep != "" {
		dir, ok := k.stage.input(in.FromStep, in.FromArtifact)
		if !ok {
			return "", nil, fmt.Errorf("artifact %q of step %q was not exported in this run", in.FromArtifact, in.FromStep)
		}
		return dir, nil, nil
	}
	m, err := ignore.Load(in.From)
	if err != nil {
		return "", nil, err
	}
	return in.From, m.Skip, nil
}
