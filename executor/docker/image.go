package docker

import (
	"context"
	"fmt"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// EnsureImage pulls image unless it is already present. Concurrent calls for
// one image share a single inspect and pull.
func (e *Engine) EnsureImage(ctx context.Context, image string) error {
	e.mu.Lock()
	ok := e.ready[image]
	e.mu.Unlock()
	if ok {
		return nil
	}
	// DoChan lets a caller whose ctx ends stop waiting while the shared pull
	// goes on for the others.
	ch := e.pulls.DoChan(image, func() (any, error) {
		return nil, e.ensure(context.WithoutCancel(ctx), image)
	})
	select {
	case r := <-ch:
		return r.Err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *Engine) ensure(ctx context.Context, image string) error {
	_, err := e.cli.ImageInspect(ctx, image)
	if err == nil {
		e.markReady(image)
		return nil
	}
	if !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("inspect: %w", err)
	}
	resp, err := e.cli.ImagePull(ctx, image, client.ImagePullOptions{})
	if err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	defer resp.Close()
	if err := resp.Wait(ctx); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	e.markReady(image)
	return nil
}

func (e *Engine) markReady(image string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.ready[image] = true
}
