package executor

import (
	"context"
	"errors"
	"path/filepath"
	"sync"

	"github.com/runjob/runjob/internal/stepcache"
	"github.com/runjob/runjob/pipeline"
)

// WithReuse lets steps that ask for it (pipeline.Reusable) be reused from
// store: a step whose key (reuse_key.go) the store holds is not run; its
// artifacts, outputs and log come from the entry and its status is
// StatusReused. A step that runs and ends ok is stored, its log masked
// with the WithRedact function (so pass one whenever secrets are set),
// unless an output holds a value that function masks. nil: no reuse.
func WithReuse(store *stepcache.Store) Option { return func(e *Executor) { e.reuse = store } }

// reuseRun is the reuse state of one run: what is being saved of the
// reusable steps that run, and the stores and miss reports done off the
// critical path, which the run waits for before it returns. Workers use
// it concurrently.
type reuseRun struct {
	store *stepcache.Store
	// pipeline identifies the pipeline in the entries (Meta.Pipeline).
	pipeline string
	mu       sync.Mutex
	saves    map[int]*reuseSave
	work     sync.WaitGroup
}

func newReuseRun(store *stepcache.Store, p *pipeline.Pipeline) *reuseRun {
	if store == nil {
		return nil
	}
	id := p.Name
	if p.File != "" {
		if abs, err := filepath.Abs(p.File); err == nil {
			id = abs
		}
	}
	return &reuseRun{store: store, pipeline: id, saves: map[int]*reuseSave{}}
}

// reusing reports whether step i may be reused in this run.
func (s *schedule) reusing(i int) bool {
	return s.reuse != nil && pipeline.Reusable(s.g.Step(i))
}

// save returns what is being saved of step i, nil when it is not to be
// stored.
func (rr *reuseRun) save(i int) *reuseSave {
	if rr == nil {
		return nil
	}
	rr.mu.Lock()
	defer rr.mu.Unlock()
	return rr.saves[i]
}

// tryReuse is a reusable step's turn before anything is created for it:
// it computes the key (step has the outputs it refers to in place) and
// returns the reused result on a hit. On a miss (or when the step cannot
// be reused this time) it returns nil and the step runs; the key is kept
// so that the run's result can be stored, and why it missed is reported
// in the background.
func (s *schedule) tryReuse(ctx context.Context, i int, step *pipeline.Step) *StepResult {
	if !s.reusing(i) {
		return nil
	}
	log := s.e.log.With().Str("step", step.Name).Logger()
	// Computed again even when missAhead computed it: host inputs are
	// copied at this turn, maybe minutes later (watch mode edits meanwhile),
	// and the stored entry must carry the key of what was copied. The
	// stat cache makes the second walk cheap.
	key, err := s.reuseKey(ctx, i, step)
	if err != nil {
		log.Info().Err(err).Msg("not reused: its key could not be computed")
		return nil
	}
	s.reuse.mu.Lock()
	s.reuse.saves[i] = &reuseSave{key: key}
	s.reuse.mu.Unlock()
	if s.ahead.created(i) {
		// Its key missed moments ago (missAhead) and its container is
		// ready: it runs, even should a concurrent run store it meanwhile.
		s.reuse.work.Go(func() { s.whyMissed(step.Name, key) })
		return nil
	}
	entry, err := s.reuse.store.Lookup(key.Key)
	switch {
	case err != nil:
		log.Warn().Err(err).Msg("not reused: its stored entry is damaged; running it")
	case entry == nil:
		s.reuse.work.Go(func() { s.whyMissed(step.Name, key) })
	default:
		r, err := s.restore(ctx, i, step, entry, key)
		entry.Close()
		if err == nil {
			return r
		}
		switch {
		case ctx.Err() != nil:
			return nil // the attempt reports the interruption
		case errors.Is(err, errNoOutputs):
			log.Info().Msg("not reused: " + err.Error())
			return nil
		}
		log.Warn().Err(err).Msg("not reused: its stored entry did not restore; running it")
		_ = s.reuse.store.Remove(key.Key)
	}
	return nil
}

// missAhead reports whether reusable step d, whose container is about to
// be created ahead of its turn, is sure to miss: its key is known (every
// step whose artifacts or outputs it takes has finished) and the store
// does not hold it. On a hit, or when its key cannot be computed yet,
// nothing is created: the step's turn decides.
func (s *schedule) missAhead(ctx context.Context, d int, step *pipeline.Step) bool {
	key, err := s.reuseKey(ctx, d, step)
	if err != nil {
		return false
	}
	entry, err := s.reuse.store.Peek(key.Key)
	if entry != nil {
		entry.Close()
	}
	return err == nil && entry == nil
}

// inputsReady reports whether every step whose artifacts step d takes has
// finished, so that d's key can be computed.
func (s *schedule) inputsReady(d int) bool {
	for _, in := range s.g.Step(d).Inputs {
		if j, ok := s.g.Index(in.FromStep); in.FromStep != "" && (!ok || s.res.Steps[j].Status == StatusPending) {
			return false
		}
	}
	return true
}

// wait returns once every store and miss report of the run is done.
func (rr *reuseRun) wait() {
	if rr != nil {
		rr.work.Wait()
	}
}
