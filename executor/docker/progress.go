package docker

import (
	"github.com/moby/moby/api/types/jsonstream"

	"github.com/runjob/runjob/executor"
)

// pullTracker folds the daemon's per-layer pull messages into one
// cumulative progress.
type pullTracker struct {
	layers map[string]*layer
	order  []string
	// podman: Podman sends no byte counts and nothing after "Download
	// complete", so that marks a layer done.
	podman bool
}

type layer struct {
	cur, total int64
	done       bool
}

// update applies one message and reports whether it was about a layer.
func (t *pullTracker) update(m jsonstream.Message) bool {
	if m.ID == "" {
		return false
	}
	switch m.Status {
	case "Pulling fs layer", "Waiting", "Downloading", "Verifying Checksum", "Download complete",
		"Extracting", "Pull complete", "Already exists":
	default:
		return false // "Pulling from library/busybox", "Digest: ...", ...
	}
	if t.layers == nil {
		t.layers = map[string]*layer{}
	}
	l, ok := t.layers[m.ID]
	if !ok {
		l = &layer{}
		t.layers[m.ID] = l
		t.order = append(t.order, m.ID)
	}
	switch m.Status {
	case "Downloading":
		if m.Progress != nil {
			l.cur, l.total = m.Progress.Current, m.Progress.Total
		}
	case "Download complete", "Verifying Checksum":
		l.cur = max(l.cur, l.total)
		l.done = l.done || (t.podman && m.Status == "Download complete")
	case "Pull complete", "Already exists":
		l.cur = max(l.cur, l.total)
		l.done = true
	}
	return true
}

func (t *pullTracker) progress() executor.PullProgress {
	p := executor.PullProgress{Layers: len(t.order)}
	for _, id := range t.order {
		l := t.layers[id]
		p.Bytes += l.cur
		p.BytesTotal += l.total
		if l.done {
			p.LayersDone++
		}
	}
	return p
}
