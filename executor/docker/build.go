package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/api/types/jsonstream"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Build builds with the classic builder (API builder version 1). BuildKit
// answers on Docker 20.10 too, even offline, but reports its progress as
// protobuf records (moby.buildkit.trace) that only github.com/moby/buildkit
// decodes; the classic builder's stream is plain text lines with the
// failing instruction's error in errorDetail, and its layer cache is the
// engine's images. Intermediate containers are removed even when a step
// fails (forcerm), since they carry none of runjob's labels.
func (e *Engine) Build(ctx context.Context, req executor.BuildRequest) (string, error) {
	args := make(map[string]*string, len(req.Args))
	for k, v := range req.Args {
		args[k] = &v
	}
	res, err := e.cli.ImageBuild(ctx, req.Context, client.ImageBuildOptions{
		Version:     build.BuilderV1,
		Dockerfile:  req.Dockerfile,
		BuildArgs:   args,
		Target:      req.Target,
		Tags:        req.Tags,
		Labels:      req.Labels,
		Remove:      true,
		ForceRemove: true,
	})
	switch {
	case err != nil && cerrdefs.IsInvalidArgument(err):
		// The daemon rejects some Dockerfiles before it streams anything.
		return "", &executor.BuildError{Msg: err.Error()}
	case err != nil:
		return "", e.classify(ctx, fmt.Errorf("build: %w", err))
	}
	defer res.Body.Close()
	return e.readBuild(ctx, res.Body, req.Output)
}

// readBuild decodes the build's JSON message stream: stream text is the
// output, errorDetail the failure (with the last "Step N/M : ..." line
// seen), aux the built image's ID.
func (e *Engine) readBuild(ctx context.Context, body io.Reader, out io.Writer) (string, error) {
	if out == nil {
		out = io.Discard
	}
	dec := json.NewDecoder(body)
	var id string
	var steps stepTracker
	for {
		var m jsonstream.Message
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", e.classify(ctx, fmt.Errorf("build: read output: %w", err))
		}
		switch {
		case m.Error != nil:
			return "", &executor.BuildError{Instruction: steps.last, Msg: m.Error.Message, Code: m.Error.Code}
		case m.Aux != nil:
			var aux struct{ ID string }
			if json.Unmarshal(*m.Aux, &aux) == nil && aux.ID != "" {
				id = aux.ID
			}
		case m.Stream != "":
			steps.write(m.Stream)
			_, _ = io.WriteString(out, m.Stream)
		case m.Status != "" && m.Progress == nil:
			// Pulling a base image: one line per layer state, no bars.
			_, _ = io.WriteString(out, strings.TrimSpace(m.ID+" "+m.Status)+"\n")
		}
	}
	if id == "" {
		return "", fmt.Errorf("build: the engine reported no image ID")
	}
	return id, nil
}

// stepTracker remembers the last instruction the builder announced. The
// stream splits lines anywhere ("Step 2/3 : RUN x" and its "\n" arrive
// apart), so it joins them first.
type stepTracker struct {
	line strings.Builder
	last string
}

func (t *stepTracker) write(s string) {
	for {
		before, after, nl := strings.Cut(s, "\n")
		t.line.WriteString(before)
		if !nl {
			return
		}
		if l := t.line.String(); isStepLine(l) {
			t.last = strings.TrimSpace(l)
		}
		t.line.Reset()
		s = after
	}
}

// isStepLine reports whether l announces an instruction: Docker's classic
// builder writes "Step 2/3 : RUN x", Podman's (buildah) "STEP 2/3: RUN x".
func isStepLine(l string) bool {
	return strings.HasPrefix(l, "Step ") && strings.Contains(l, " : ") ||
		strings.HasPrefix(l, "STEP ") && strings.Contains(l, ": ")
}

// RemoveImage removes a built image and the images the classic builder
// stacked under it to add runjob's labels, one LABEL instruction each (so
// the parents below the run's own labels would otherwise outlive it,
// unlabelled). The untagged images of the Dockerfile's own instructions
// stay: they are the layer cache the next build reuses. A missing image
// is success.
func (e *Engine) RemoveImage(ctx context.Context, id string) error {
	hist, err := e.cli.ImageHistory(ctx, id)
	if cerrdefs.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return e.classify(ctx, fmt.Errorf("remove image %s: history: %w", id, err))
	}
	chain := []string{id}
	for i, h := range hist.Items {
		if i == 0 {
			continue // id itself
		}
		if h.ID == "" || h.ID == "<missing>" || len(h.Tags) > 0 || !strings.Contains(h.CreatedBy, "LABEL "+labelPrefix) {
			break
		}
		chain = append(chain, h.ID)
	}
	for _, c := range chain {
		_, err := e.cli.ImageRemove(ctx, c, client.ImageRemoveOptions{PruneChildren: false})
		if err != nil && !cerrdefs.IsNotFound(err) {
			return e.classify(ctx, fmt.Errorf("remove image %s: %w", c, err))
		}
	}
	return nil
}

// labelPrefix starts every label runjob puts on what it creates.
const labelPrefix = "io.runjob."
