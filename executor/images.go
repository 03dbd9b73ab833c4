package executor

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// pullEvery throttles image_pull events: a pull reports progress many times
// a second per layer, a log needs a line now and then.
const pullEvery = 500 * time.Millisecond

// images makes each image of a run ready once per pull policy: the first
// step (or service) to ask calls the engine, the others wait for that call
// or for their own cancellation. Workers and services call ensure
// concurrently; different images are prepared at the same time. A waiter
// that gives up does not end the pull it waits for, and a pull that failed
// (cancellation included) fails every step that waited for it.
type images struct {
	e    *Executor
	mu   sync.Mutex
	once map[string]*imageOnce
}

// imageOnce is one image's preparation in a run.
type imageOnce struct {
	done chan struct{}
	err  error
}

// ensure makes step's image available.
func (im *images) ensure(ctx context.Context, step *pipeline.Step) error {
	if len(pipeline.ImageRefs(step.Image)) > 0 {
		return nil // built by the run, and its build node succeeded
	}
	policy := step.Pull
	if policy == "" {
		policy = pipeline.PullMissing
	}
	key := string(policy) + " " + step.Image
	im.mu.Lock()
	o, shared := im.once[key]
	if !shared {
		o = &imageOnce{done: make(chan struct{})}
		im.once[key] = o
	}
	im.mu.Unlock()
	if shared {
		select {
		case <-o.done:
			return o.err
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	defer close(o.done)
	o.err = im.e.pull(ctx, step.Name, step.Image, policy)
	return o.err
}

// pull asks the engine for the image and turns its progress reports into
// throttled image_pull events.
func (e *Executor) pull(ctx context.Context, step, image string, policy pipeline.PullPolicy) error {
	var last time.Time
	req := ImageRequest{Image: image, Policy: policy, Progress: func(p PullProgress) {
		if now := time.Now(); p.Done || now.Sub(last) >= pullEvery {
			last = now
			e.emit(Event{Kind: EventImagePull, Step: step, Image: image, Pull: &p})
		}
	}}
	if err := e.engine.EnsureImage(ctx, req); err != nil {
		return fmt.Errorf("image %s (pull %s): %w", image, policy, err)
	}
	return nil
}
