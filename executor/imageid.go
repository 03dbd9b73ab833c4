package executor

import (
	"context"
	"fmt"
	"strings"

	"github.com/runjob/runjob/pipeline"
)

// ImageIdentifier is an optional capability of an Engine: naming the exact
// image a reference resolves to on the engine now, by its ID (sha256 of
// its config), as `docker image inspect --format {{.Id}}` does. A reused
// step's key holds the ID its image had after the pull policy, so a tag
// moved to another image makes a new key; an engine without it runs every
// step, since nothing could tell two images under one tag apart.
//
// Called after EnsureImage made the image available, once per image and
// policy per run. Concurrency, contexts and errors: as for Engine; an
// image that is not present is cerrdefs.IsNotFound.
type ImageIdentifier interface {
	ImageID(ctx context.Context, ref string) (string, error)
}

// imageID is the ID of step's image as the run uses it: the build node's
// for an image the run built, else what the engine says the reference
// names now, asked once per image and policy per run.
func (k *kit) imageID(ctx context.Context, step *pipeline.Step) (string, error) {
	ref, err := k.built.resolve(step.Image)
	if err != nil {
		return "", err
	}
	if ref != step.Image && strings.HasPrefix(ref, "sha256:") {
		return ref, nil // built by this run: the reference is the ID
	}
	ider, ok := k.e.engine.(ImageIdentifier)
	if !ok {
		return "", fmt.Errorf("the engine cannot name the image %s refers to", step.Image)
	}
	key := string(step.Pull) + " " + ref
	k.mu.Lock()
	id, known := k.imageIDs[key]
	k.mu.Unlock()
	if known {
		return id, nil
	}
	if id, err = ider.ImageID(ctx, ref); err != nil {
		return "", fmt.Errorf("image %s: %w", ref, err)
	}
	k.mu.Lock()
	if k.imageIDs == nil {
		k.imageIDs = map[string]string{}
	}
	k.imageIDs[key] = id
	k.mu.Unlock()
	return id, nil
}
