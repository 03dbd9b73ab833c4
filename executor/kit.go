package executor

import (
	"context"
	"fmt"
	"sync"

	"time"
)

// kit is what every part of one run shares: the executor and the run's
// labels, the images made ready so far, whether the engine is lost, and
// the containers being removed or left behind. Its methods are safe for
// concurrent use by the coordinator, the workers and the services.
type kit struct {
	e      *Executor
	labels map[string]string
	images *images
	// built are the images the run's build nodes made.
	built *built
	// stage holds the artifacts the run exported, for its own inputs.
	stage *stage
	// lostCtx ends when the engine is known to be gone (markLost).
	lostCtx  context.Context
	markLost context.CancelFunc
	// removals tracks containers being removed off the critical path; the
	// run returns only when they are gone.
	removals sync.WaitGroup

	mu        sync.Mutex
	leftovers []Leftover
	// imageIDs are the IDs imageID learned, by pull policy and reference.
	imageIDs map[string]string
}

func newKit(e *Executor, pipelineName string) *kit {
	k := &kit{e: e, labels: runLabels(e.runID, pipelineName), images: &images{e: e, once: map[string]*imageOnce{}}, built: &built{}}
	k.lostCtx, k.markLost = context.WithCancel(context.Background())
	return k
}

// lost reports whether the engine is known to be gone.
func (k *kit) lost() bool { return k.lostCtx.Err() != nil }

// detached returns a context that survives ctx's cancellation, bounded by
// d, and ended early by the force context (a second Ctrl-C) or by the
// engine being lost.
func (k *kit) detached(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	unhookForce := context.AfterFunc(k.e.force, cancel)
	unhookLost := context.AfterFunc(k.lostCtx, cancel)
	return dctx, func() { unhookForce(); unhookLost(); cancel() }
}

// leftover records a container that could not be removed.
func (k *kit) leftover(step, container string, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.leftovers = append(k.leftovers, Leftover{Step: step, Container: container, Err: err})
}

// place lets a cluster engine choose the container's node (see Placer) on
// ctx, which an interrupt or the step's timeout ends; other engines need
// nothing. A failed placement holds nothing.
func (k *kit) place(ctx context.Context, spec *ContainerSpec) error {
	p, ok := k.e.engine.(Placer)
	if !ok {
		return nil
	}
	if err := p.Place(ctx, spec); err != nil {
		return fmt.Errorf("place container %s: %w", spec.Name, err)
	}
	return nil
}

// createFailed cleans up after a failed create: the engine may have
// created the container before failing, and the name finds it. An engine
// that is gone or stuck would not remove it either (each try would wait
// out its timeout), so then it is only reported, for `runjob prune`.
func (k *kit) createFailed(ctx context.Context, step, name string, err error) {
	if engineGone(err) {
		k.leftover(step, name, err)
		return
	}
	k.removeContainer(ctx, step, name, name)
}
