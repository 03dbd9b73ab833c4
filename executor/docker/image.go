package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/containerd/errdefs/pkg/errhttp"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/pipeline"
)

// EnsureImage applies the pull policy: never (must be present), always
// (pull), missing (pull unless present). The executor calls it once per
// image and policy per run, so it keeps no cache of its own.
func (e *Engine) EnsureImage(ctx context.Context, req executor.ImageRequest) error {
	if req.Policy == pipeline.PullAlways {
		return e.pull(ctx, req)
	}
	_, err := e.cli.ImageInspect(ctx, req.Image)
	switch {
	case err == nil:
		return nil
	case !cerrdefs.IsNotFound(err):
		return e.classify(ctx, fmt.Errorf("inspect: %w", err))
	case req.Policy == pipeline.PullNever:
		return cerrdefs.ErrNotFound.WithMessage("not present on the engine, and pull = \"never\" forbids pulling it")
	}
	return e.pull(ctx, req)
}

// pull pulls the image with the user's registry credentials, reporting
// progress as it goes. Errors the registry reports in the middle of the
// stream are classified by their HTTP status when the daemon sends one. An
// error says which credentials were used: the 20.10 daemon reports a
// refused login as an unclassified 500, so that is the user's best clue.
func (e *Engine) pull(ctx context.Context, req executor.ImageRequest) error {
	creds, err := registryAuth(req.Image)
	if err != nil {
		return err
	}
	resp, err := e.cli.ImagePull(ctx, req.Image, client.ImagePullOptions{RegistryAuth: creds.header})
	if err != nil {
		return e.classify(ctx, fmt.Errorf("pull %s: %w", creds.source, err))
	}
	defer resp.Close()
	t := pullTracker{podman: e.IsPodman(ctx)}
	for m, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return e.classify(ctx, fmt.Errorf("pull %s: %w", creds.source, err))
		}
		if m.Error != nil {
			return fmt.Errorf("pull %s: %w", creds.source, pullError(m.Error.Code, m.Error.Message))
		}
		if t.update(m) && req.Progress != nil {
			req.Progress(t.progress())
		}
	}
	if req.Progress != nil {
		p := t.progress()
		if t.podman {
			p = e.podmanPulled(ctx, req.Image, p)
		}
		p.Done = true
		req.Progress(p)
	}
	return nil
}

// podmanPulled is the last progress of a pull on Podman, which reports the
// image's config as one more layer and no byte counts: the image's layers
// and size as inspect gives them (the size is the uncompressed image's,
// not what was downloaded). When inspect fails, p stands.
func (e *Engine) podmanPulled(ctx context.Context, ref string, p executor.PullProgress) executor.PullProgress {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil || res.RootFS.Layers == nil {
		return p
	}
	n := len(res.RootFS.Layers)
	return executor.PullProgress{Layers: n, LayersDone: n, Bytes: res.Size, BytesTotal: res.Size}
}

// pullError classifies an error from the pull stream. The 20.10 daemon
// sends no code for some; then the message is all there is.
func pullError(code int, msg string) error {
	if code == 0 {
		return fmt.Errorf("%s", msg)
	}
	return fmt.Errorf("%w: %s", errhttp.ToNative(code), msg)
}

// ImageID names the image ref resolves to now (executor.ImageIdentifier):
// a reused step's key holds it, so a moved tag is a new key.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		return "", e.classify(ctx, fmt.Errorf("inspect: %w", err))
	}
	return res.ID, nil
}
