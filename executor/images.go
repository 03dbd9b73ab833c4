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
// fails every step that waited for it, unless it failed because its own
// context ended while the waiter's lives (a cleanup step running after an
// interrupt): then the waiter, and whoever asks later, pulls again.
type images struct {
	e    *Executor
	mu   sync.Mutex
	once map[string]*imageOnce
}

// imageOnce is one image's preparation in a run.
type imageOnce struct {
	done chan struct{}
	err  error
	// abandoned: the pull ended because its context did.
	abandoned bool
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
	for {
		o, shared := im.claim(key)
		if !shared {
			return im.pull(ctx, key, o, step, policy)
		}
		select {
		case <-o.done:
			if o.abandoned && ctx.Err() == nil {
				continue
			}
			return o.err
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

// claim returns key's preparation; shared is false when the caller is the
// first to ask and must pull.
func (im *images) claim(key string) (o *imageOnce, shared bool) {
	im.mu.Lock()
	defer im.mu.Unlock()
	o, shared = im.once[key]
	if !shared {
		o = &imageOnce{done: make(chan struct{})}
		im.once[key] = o
	}
	return o, shared
}

// pull prepares the image for everyone waiting on o; an abandoned pull is
// forgotten, so the next to ask tries again.
func (im *images) pull(ctx context.Context, key string, o *imageOnce, step *pipeline.Step, policy pipeline.PullPolicy) error {
	defer close(o.done)
	o.err = im.e.pull(ctx, step.Name, step.Image, policy)
	if o.err != nil && ctx.Err() != nil {
		o.abandoned = true
		im.mu.Lock()
		delete(im.once, key)
		im.mu.Unlock()
	}
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
