package fake

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
)

var _ executor.Inventory = (*Engine)(nil)

// item is a network or volume of the inventory; containers are the
// engine's own records.
type item struct {
	executor.Resource
	size    int64 // volumes: bytes, -1 unknown
	removed bool
}

// AddResource puts r into the inventory as if an earlier run had created
// it (with r's labels, creation time, and for a container its State,
// "exited" when empty, and Started), so tests can stage the leftovers of
// dead runs, or the containers of a run in progress elsewhere. A container
// gets an ID when r has none.
func (e *Engine) AddResource(r executor.Resource) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	r.Labels = maps.Clone(r.Labels)
	switch r.Kind {
	case executor.ResourceContainer:
		if r.ID == "" {
			e.nextID++
			r.ID = fmt.Sprintf("fake-%d", e.nextID)
		}
		spec := executor.ContainerSpec{Name: r.Name, Labels: r.Labels}
		e.containers[r.ID] = &container{step: r.Labels[executor.LabelStep], spec: spec, created: r.Created, stop: make(chan struct{}),
			started: r.Started, staged: cmp.Or(r.State, "exited")}
	case executor.ResourceNetwork, executor.ResourceVolume, executor.ResourceImage:
		e.items()[r.Kind+"/"+r.ID] = &item{Resource: r, size: -1}
	default:
		panic("fake: unknown resource kind " + r.Kind)
	}
	return e
}

// SetSize sets the size in bytes that Caches reports for a volume.
func (e *Engine) SetSize(volume string, size int64) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	if it := e.items()[executor.ResourceVolume+"/"+volume]; it != nil {
		it.size = size
	}
	return e
}

// FailList makes Resources and Caches fail with err (nil: succeed again).
func (e *Engine) FailList(err error) *Engine {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.listErr = err
	return e
}

// items returns the networks and volumes by kind/ID; e.mu must be held.
func (e *Engine) items() map[string]*item {
	if e.inventory == nil {
		e.inventory = map[string]*item{}
	}
	return e.inventory
}

// addItem records a network or volume the engine created; e.mu must be
// held. A volume that exists already is left as it is, as a mount would.
func (e *Engine) addItem(kind, id string, labels map[string]string) {
	key := kind + "/" + id
	if it := e.items()[key]; it != nil && !it.removed {
		return
	}
	e.items()[key] = &item{Resource: executor.Resource{Kind: kind, ID: id, Name: id, Labels: maps.Clone(labels), Created: time.Now()}, size: -1}
}

// Resources lists the live containers, networks, volumes and images that
// carry all the labels, containers first and images last, each kind in
// creation order.
func (e *Engine) Resources(ctx context.Context, labels map[string]string) ([]executor.Resource, error) {
	if err := e.listing(ctx); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var cs, others []executor.Resource
	for id, c := range e.containers {
		if !c.removed && matches(c.spec.Labels, labels) {
			cs = append(cs, executor.Resource{Kind: executor.ResourceContainer, ID: id, Name: c.spec.Name,
				Labels: maps.Clone(c.spec.Labels), Created: c.created, State: c.state(), Started: c.started})
		}
	}
	for _, it := range e.items() {
		if !it.removed && matches(it.Labels, labels) {
			r := it.Resource
			r.Labels = maps.Clone(r.Labels)
			r.Tags = slices.Clone(r.Tags)
			others = append(others, r)
		}
	}
	byAge := func(a, b executor.Resource) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), a.Created.Compare(b.Created), cmp.Compare(a.Name, b.Name))
	}
	slices.SortFunc(cs, byAge)
	slices.SortFunc(others, byAge) // "network" sorts before "volume"
	// Images last: containers and nothing else use them.
	slices.SortStableFunc(others, func(a, b executor.Resource) int {
		return cmp.Compare(boolInt(a.Kind == executor.ResourceImage), boolInt(b.Kind == executor.ResourceImage))
	})
	return append(cs, others...), nil
}

// listing is what every listing does first: hang, inject faults, fail.
func (e *Engine) listing(ctx context.Context) error {
	if err := e.enter(ctx, "Resources"); err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.listErr
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		got, ok := have[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}

// Caches lists the live volumes labelled as caches (of pipeline, when not
// empty), by name.
func (e *Engine) Caches(ctx context.Context, pipeline string) ([]executor.Cache, error) {
	want := map[string]string{executor.LabelCache: ""}
	if pipeline != "" {
		want[executor.LabelPipeline] = pipeline
	}
	if err := e.listing(ctx); err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []executor.Cache
	for _, it := range e.items() {
		if it.Kind == executor.ResourceVolume && !it.removed && matches(it.Labels, want) {
			out = append(out, executor.Cache{Name: it.Name, Pipeline: it.Labels[executor.LabelPipeline],
				Cache: it.Labels[executor.LabelCache], Size: it.size, Created: it.Created})
		}
	}
	slices.SortFunc(out, func(a, b executor.Cache) int { return cmp.Compare(a.Name, b.Name) })
	return out, nil
}
