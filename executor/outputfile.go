package executor

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	cerrdefs "github.com/containerd/errdefs"

	"github.com/runjob/runjob/pipeline"
)

// createOutputFile puts the empty output file into a created container.
func (e *Executor) createOutputFile(ctx context.Context, id string) error {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	dir := strings.TrimPrefix(OutputPath[:strings.LastIndex(OutputPath, "/")], "/")
	_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir + "/", Mode: 0o777})
	_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(OutputPath, "/"), Mode: 0o666})
	_ = tw.Close() // a bytes.Buffer does not fail
	if err := e.engine.CopyTo(ctx, id, "/", &b); err != nil {
		return fmt.Errorf("create $%s in container: %w", pipeline.OutputEnv, err)
	}
	return nil
}

// outputFileError is an output file the step made unreadable: its failure,
// not the engine's.
type outputFileError struct{ error }

func (e outputFileError) Unwrap() error { return e.error }

// readOutputs reads and parses the output file of an exited container. A
// step that removed the file wrote no outputs.
func (e *Executor) readOutputs(ctx context.Context, id string) (map[string]string, error) {
	rc, err := e.engine.CopyFrom(ctx, id, OutputPath)
	if cerrdefs.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read $%s: %w", pipeline.OutputEnv, err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	h, err := tr.Next()
	if err != nil {
		return nil, fmt.Errorf("read $%s: %w", pipeline.OutputEnv, err)
	}
	if h.Typeflag != tar.TypeReg {
		return nil, outputFileError{fmt.Errorf("$%s (%s) is not a regular file", pipeline.OutputEnv, OutputPath)}
	}
	if h.Size > pipeline.MaxOutputBytes {
		return nil, outputFileError{fmt.Errorf("$%s holds %d bytes, more than 1 MiB: outputs are for small values; pass files as artifacts",
			pipeline.OutputEnv, h.Size)}
	}
	b, err := io.ReadAll(io.LimitReader(tr, pipeline.MaxOutputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read $%s: %w", pipeline.OutputEnv, err)
	}
	out, err := pipeline.ParseOutputs(b)
	if err != nil {
		return nil, outputFileError{err}
	}
	return out, nil
}

// collectOutputs reads a succeeded step's outputs into r. A malformed or
// oversized file fails the step; an engine that cannot read it is an
// engine error.
func (s *schedule) collectOutputs(ctx context.Context, r *StepResult, id string) {
	if i, ok := s.g.Index(r.Name); r.Status != StatusOK || !ok || !s.readOutputs[i] {
		return
	}
	out, err := s.e.readOutputs(ctx, id)
	switch {
	case err == nil:
		if len(out) > 0 {
			r.Outputs = out
		}
	case ctx.Err() != nil:
		r.Status, r.Err = StatusCancelled, context.Cause(ctx)
	case errors.As(err, new(outputFileError)):
		r.Status, r.Err = StatusFailed, err
	default:
		r.Status, r.Err = StatusError, err
	}
}
