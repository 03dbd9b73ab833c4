package executor

import (
	"context"
	"slices"
	"sync"

	"github.com/runjob/runjob/pipeline"
)

// LabelCache marks a cache volume with its cache name. Cache volumes carry
// LabelPipeline too, but never LabelRunID: they outlive runs, and neither
// leftover checks nor `runjob prune` of runs must touch them.
const LabelCache = "io.runjob.cache"

// CacheVolume is the volume of a pipeline's cache: the same for every run
// of the pipeline, so what one run leaves the next finds.
func CacheVolume(pipelineName, cache string) string {
	return "runjob-cache-" + safeName(pipelineName) + "-" + safeName(cache)
}

// CacheLock serializes the use of a cache volume: it blocks until the
// volume is free (or ctx ends) and returns the function that frees it.
type CacheLock func(ctx context.Context, volume string) (unlock func(), err error)

// WithCacheLock sets how cache volumes are locked. The default serializes
// the steps of this process; the CLI adds a host-wide file lock so that
// concurrent runs of one pipeline take turns too.
func WithCacheLock(l CacheLock) Option { return func(e *Executor) { e.cacheLock = l } }

// cacheMounts returns the step's cache mounts.
func (e *Executor) cacheMounts(pipelineName string, step *pipeline.Step) []Mount {
	var out []Mount
	for _, c := range step.Caches {
		out = append(out, Mount{
			Volume: CacheVolume(pipelineName, c.Name), Target: c.Path,
			Labels: map[string]string{LabelCache: c.Name, LabelPipeline: pipelineName},
		})
	}
	return out
}

// lockCaches locks the volumes of mounts in name order (so two steps that
// share two caches cannot deadlock) and returns the unlock of them all.
func (e *Executor) lockCaches(ctx context.Context, mounts []Mount) (func(), error) {
	var vols []string
	for _, m := range mounts {
		if m.Volume != "" {
			vols = append(vols, m.Volume)
		}
	}
	slices.Sort(vols)
	vols = slices.Compact(vols)
	var unlocks []func()
	unlockAll := func() {
		for _, u := range slices.Backward(unlocks) {
			u()
		}
	}
	for _, v := range vols {
		u, err := e.cacheLock(ctx, v)
		if err != nil {
			unlockAll()
			return nil, err
		}
		unlocks = append(unlocks, u)
	}
	return unlockAll, nil
}

// processLock is the default CacheLock: one holder per volume in this
// process, waiting honours ctx.
type processLock struct {
	mu    sync.Mutex
	slots map[string]chan struct{}
}

func (l *processLock) lock(ctx context.Context, volume string) (func(), error) {
	l.mu.Lock()
	if l.slots == nil {
		l.slots = map[string]chan struct{}{}
	}
	slot, ok := l.slots[volume]
	if !ok {
		slot = make(chan struct{}, 1)
		l.slots[volume] = slot
	}
	l.mu.Unlock()
	select {
	case slot <- struct{}{}:
		return func() { <-slot }, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}
