package executor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
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
// path without what its .runjobignore files exclude, or the exported
// directory of an upstream artifact. Nothing is held in memory: Pack writes
// into a pipe the engine reads from.
func (e *Executor) copyInputs(ctx context.Context, id string, step *pipeline.Step) error {
	for _, in := range step.Inputs {
		src, skip, err := e.inputSource(in)
		if err != nil {
			return &InputError{Input: in.Name, Err: err}
		}
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
func (e *Executor) inputSource(in pipeline.Input) (string, func(string, bool) bool, error) {
	if in.FromStep != "" {
		dir := filepath.Join(e.artifactsDir, safeName(in.FromStep), safeName(in.FromArtifact))
		if _, err := os.Stat(dir); err != nil {
			return "", nil, fmt.Errorf("artifact %q of step %q was not exported (%v)", in.FromArtifact, in.FromStep, err)
		}
		return dir, nil, nil
	}
	m, err := ignore.Load(in.From)
	if err != nil {
		return "", nil, err
	}
	return in.From, m.Skip, nil
}
