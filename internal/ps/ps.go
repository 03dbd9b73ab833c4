// Package ps shows the runjob runs alive on an engine: `runjob ps` lists
// each run (from its containers' labels) with its steps and services and
// how long they have run, and `runjob top` the processes of one run's
// containers. It works over executor.Inventory (and Inspect, and the
// optional executor.ProcessLister), so it is tested on the fake engine;
// it never imports executor/docker.
package ps

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/runjob/runjob/executor"
	"github.com/runjob/runjob/internal/errkind"
)

// Engine is what ps needs of an engine: the inventory to find runs by
// label, and Inspect for when a running container started (listings do
// not say). When it also implements executor.ProcessLister, --top and
// `runjob top` list processes.
type Engine interface {
	executor.Inventory
	Inspect(ctx context.Context, id string) (executor.ContainerState, error)
}

// Run is one run found on the engine.
type Run struct {
	RunID    string `json:"run_id"`
	Pipeline string `json:"pipeline"`
	Host     string `json:"host"`
	PID      int    `json:"pid"`
	// Started is read from the run ID, which begins with its start time.
	Started *time.Time `json:"started,omitempty"`
	// Liveness is alive, dead (what is left is garbage for `runjob
	// prune`) or unknown (another host's run).
	Liveness   string      `json:"liveness"`
	Containers []Container `json:"containers"`
	// Networks and Volumes count the run's other resources.
	Networks int `json:"networks"`
	Volumes  int `json:"volumes"`
}

// Container is a step's or a service's container.
type Container struct {
	// Kind is "step" or "service"; Name the step's or service's name.
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	ID    string `json:"id"`
	Label string `json:"container"`
	// State is the engine's word: created, running, exited...
	State string `json:"state"`
	// Started and ElapsedMS are set for a running container.
	Started   *time.Time `json:"started,omitempty"`
	ElapsedMS int64      `json:"elapsed_ms,omitempty"`
	// Processes are listed with --top (and by top) for a running
	// container; TopError says why they could not be.
	Processes []Process `json:"processes,omitempty"`
	TopError  string    `json:"top_error,omitempty"`
}

// Options select and enrich the listing.
type Options struct {
	// Top lists each running container's processes.
	Top bool
	// RunID limits the listing to one run; Name to its step or service
	// of that name.
	RunID, Name string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// List finds the runs on the engine, oldest first, with their containers
// in creation order.
func List(ctx context.Context, eng Engine, o Options) ([]Run, error) {
	want := map[string]string{executor.LabelRunID: o.RunID}
	rs, err := eng.Resources(ctx, want)
	if err != nil {
		return nil, errkind.New(errkind.Engine, err)
	}
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	byID := map[string]*Run{}
	var order []string
	for _, r := range rs {
		id := r.Labels[executor.LabelRunID]
		run := byID[id]
		if run == nil {
			run = newRun(r.Labels)
			byID[id] = run
			order = append(order, id)
		}
		switch r.Kind {
		case executor.ResourceContainer:
			if r.Labels[executor.LabelStep] == "" && r.Labels[executor.LabelService] == "" {
				continue // neither a step's nor a service's: an engine's own (a swarm's network anchor)
			}
			c := container(ctx, eng, r, now)
			if o.Name != "" && c.Name != o.Name {
				continue
			}
			if o.Top && c.State == "running" {
				c.Processes, c.TopError = top(ctx, eng, r.ID)
			}
			run.Containers = append(run.Containers, c)
		case executor.ResourceNetwork:
			run.Networks++
		case executor.ResourceVolume:
			run.Volumes++
		}
	}
	out := make([]Run, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	slices.SortStableFunc(out, func(a, b Run) int { return cmp.Compare(a.RunID, b.RunID) })
	return out, nil
}

func newRun(labels map[string]string) *Run {
	owner := executor.OwnerOf(labels)
	run := &Run{RunID: owner.RunID, Pipeline: labels[executor.LabelPipeline], Host: owner.Host, PID: owner.PID,
		Liveness: owner.Liveness().String(), Containers: []Container{}}
	if len(owner.RunID) >= 15 {
		if t, err := time.ParseInLocation("20060102-150405", owner.RunID[:15], time.UTC); err == nil {
			run.Started = &t
		}
	}
	return run
}

// container describes r; a running container's start comes from the
// listing or, when it does not say, from Inspect (a failed Inspect only
// costs the elapsed time).
func container(ctx context.Context, eng Engine, r executor.Resource, now time.Time) Container {
	c := Container{Kind: "step", Name: r.Labels[executor.LabelStep], ID: r.ID, Label: r.Name, State: r.State}
	if svc, ok := r.Labels[executor.LabelService]; ok {
		c.Kind, c.Name = "service", svc
	}
	if c.State != "running" {
		return c
	}
	started := r.Started
	if started.IsZero() {
		if st, err := eng.Inspect(ctx, r.ID); err == nil {
			started = st.Started
		}
	}
	if !started.IsZero() {
		s := started.UTC()
		c.Started, c.ElapsedMS = &s, now.Sub(started).Milliseconds()
	}
	return c
}

// Process is a process in a container, with report.json's field names.
type Process struct {
	PID     int    `json:"pid"`
	PPID    int    `json:"ppid"`
	User    string `json:"user"`
	CPUTime string `json:"cpu_time"`
	Command string `json:"command"`
}

// top lists a container's processes, or says why it could not.
func top(ctx context.Context, eng Engine, id string) ([]Process, string) {
	pl, ok := eng.(executor.ProcessLister)
	if !ok {
		return nil, "the engine cannot list processes"
	}
	ps, err := pl.Top(ctx, id)
	if err != nil {
		return nil, err.Error()
	}
	out := make([]Process, 0, len(ps))
	for _, p := range ps {
		out = append(out, Process{PID: p.PID, PPID: p.PPID, User: p.User, CPUTime: p.Time, Command: p.Command})
	}
	return out, ""
}
