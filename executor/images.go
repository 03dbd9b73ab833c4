package executor

import (
	"context"
	"fmt"
	"time"

	"github.com/runjob/runjob/pipeline"
)

// pullEvery throttles image_pull events: a pull reports progress many times
// a second per layer, a log needs a line now and then.
const pullEvery = 500 * time.Millisecond

// imageOnce is one image's preparation in a run, shared by every step that
// uses the image under the same pull policy.
type imageOnce struct {
	done chan struct{}
	err  error
}

// ensureImage makes step's image available, once per image and policy per
// run: the first step to ask calls the engine, the others wait for that
// call (or for their own cancellation). Different images are prepared
// concurrently, by different workers.
func (s *schedule) ensureImage(ctx context.Context, step *pipeline.Step) error {
	policy := step.Pull
	if policy == "" {
		policy = pipeline.PullMissing
	}
	key := string(policy) + " " + step.Image
	s.mu.Lock()
	o, shared := s.images[key]
	if !shared {
		o = &imageOnce{done: make(chan struct{})}
		s.images[key] = o
	}
	s.mu.Unlock()
	if shared {
		select {
		case <-o.done:
			return o.err
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	defer close(o.done)
	o.err = s.e.pull(ctx, step.Name, step.Image, policy)
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
