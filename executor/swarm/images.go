package swarm

import (
	"context"
	"fmt"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/executor/docker"
	"github.com/runjob/runjob/pipeline"
)

// A tag can name different images on different nodes (each pulled it at
// its own time), so every image of a run is pinned once, when the run
// first needs it, to what the whole run uses:
//   - an image the local engine has: its ID, and a node that lacks it gets
//     a copy streamed from the local engine (GET /images/{id}/get into
//     POST /images/load), the first time it needs it;
//   - else the registry's: name@digest, which the manager asks the
//     registry for with the user's credentials, and which each node pulls
//     with them.
// The pull policy decides which: never, the local engine's only; missing,
// the local engine's if it has it, else the registry's; always, the
// registry's.

// pin is what the nodes create an image's containers from.
type pin struct {
	ref string // an image ID (sha256:...), or name@sha256:digest
	// local: streamed from the local engine; else pulled by digest.
	local bool
}

// images are the run's pins and the copies made to each node. Safe for
// concurrent use.
type images struct {
	e      *Engine
	mu     sync.Mutex
	pins   map[string]pin // by the image as the pipeline names it
	copies onceMap        // node ID + " " + ref
}

// EnsureImage pins req.Image for the run under req.Policy. Nothing is
// pulled yet: each node gets the image when a container is placed on it.
func (e *Engine) EnsureImage(ctx context.Context, req executor.ImageRequest) error {
	p, err := e.images.resolve(ctx, req.Image, req.Policy)
	if err != nil {
		return err
	}
	e.images.mu.Lock()
	e.images.pins[req.Image] = p
	e.images.mu.Unlock()
	return nil
}

// resolve pins image under policy.
func (im *images) resolve(ctx context.Context, image string, policy pipeline.PullPolicy) (pin, error) {
	if policy != pipeline.PullAlways {
		id, err := im.e.local.imageID(ctx, image)
		switch {
		case err == nil:
			return pin{ref: id, local: true}, nil
		case policy == pipeline.PullNever && cerrdefs.IsNotFound(err):
			return pin{}, cerrdefs.ErrNotFound.WithMessage(fmt.Sprintf("not present on the local engine (%s), and pull = \"never\" forbids pulling it", im.e.local.host))
		case policy == pipeline.PullNever:
			return pin{}, err
		}
	}
	return im.digest(ctx, image)
}

// digest asks the registry, through the manager, for the digest image's
// name points at, with the user's credentials.
func (im *images) digest(ctx context.Context, image string) (pin, error) {
	named, err := reference.ParseNormalizedNamed(image)
	if err != nil {
		return pin{}, fmt.Errorf("%w: %v", cerrdefs.ErrInvalidArgument, err)
	}
	if c, ok := named.(reference.Canonical); ok {
		return pin{ref: reference.FamiliarString(c)}, nil
	}
	header, source, err := docker.RegistryAuth(image)
	if err != nil {
		return pin{}, err
	}
	res, err := im.e.api.DistributionInspect(ctx, image, client.DistributionInspectOptions{EncodedRegistryAuth: header})
	if err != nil {
		return pin{}, im.e.managerErr(ctx, fmt.Errorf("resolve the digest on the swarm manager %s (%s): %w", im.e.Host(), source, err))
	}
	c, err := reference.WithDigest(reference.TrimNamed(named), res.Descriptor.Digest)
	if err != nil {
		return pin{}, err
	}
	return pin{ref: reference.FamiliarString(c)}, nil
}

// pinOf is image's pin: the one EnsureImage made, or for an image the run
// built (an ID) the local engine's copy, or else resolved now as under
// pull = "missing".
func (im *images) pinOf(ctx context.Context, image string) (pin, error) {
	im.mu.Lock()
	p, ok := im.pins[image]
	im.mu.Unlock()
	if ok {
		return p, nil
	}
	if strings.HasPrefix(image, "sha256:") {
		return pin{ref: image, local: true}, nil
	}
	p, err := im.resolve(ctx, image, pipeline.PullMissing)
	if err != nil {
		return pin{}, fmt.Errorf("image %s: %w", image, err)
	}
	im.mu.Lock()
	im.pins[image] = p
	im.mu.Unlock()
	return p, nil
}

// on makes image ready on n and returns the reference n creates its
// containers from. A node gets each image once per run, however many
// steps wait for it.
func (im *images) on(ctx context.Context, n *node, image string) (string, error) {
	p, err := im.pinOf(ctx, image)
	if err != nil {
		return "", err
	}
	err = im.copies.do(ctx, n.id+" "+p.ref, func() error {
		if _, err := n.cli.ImageInspect(ctx, p.ref); err == nil {
			return nil
		} else if !cerrdefs.IsNotFound(err) {
			return im.e.nodeErr(n, fmt.Errorf("inspect %s: %w", p.ref, err))
		}
		if p.local {
			return im.e.local.copyTo(ctx, n, p.ref)
		}
		if err := n.eng.EnsureImage(ctx, executor.ImageRequest{Image: p.ref, Policy: pipeline.PullMissing}); err != nil {
			return im.e.nodeErr(n, fmt.Errorf("pull %s: %w", p.ref, err))
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("image %s: %w", image, err)
	}
	return p.ref, nil
}

// ImageID names the image the run pinned for ref (executor.ImageIdentifier,
// which a reused step's key needs): the local engine's image ID for one
// streamed from there, else name@sha256:digest, which names a registry's
// manifest as exactly. Called after EnsureImage; a reference the run has
// not pinned is not found.
func (e *Engine) ImageID(ctx context.Context, ref string) (string, error) {
	e.images.mu.Lock()
	p, ok := e.images.pins[ref]
	e.images.mu.Unlock()
	if !ok {
		return "", cerrdefs.ErrNotFound.WithMessage(fmt.Sprintf("image %s is not pinned for this run", ref))
	}
	return p.ref, nil
}
