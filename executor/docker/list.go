package docker

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Container is a container found by label.
type Container struct {
	ID     string
	Name   string
	State  string
	Labels map[string]string
	// Created is when the engine created it (to the second).
	Created time.Time
}

// Containers lists containers in any state that carry all the given labels;
// an empty value matches any value of that label. Used to find what a run
// left behind.
func (e *Engine) Containers(ctx context.Context, labels map[string]string) ([]Container, error) {
	res, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: LabelFilter(labels)})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list containers: %w", err))
	}
	out := make([]Container, 0, len(res.Items))
	for _, c := range res.Items {
		name := ""
		if len(c.Names) > 0 {
			name = strings.TrimPrefix(c.Names[0], "/") // the API prefixes names with "/"
		}
		out = append(out, Container{ID: c.ID, Name: name, State: string(c.State), Labels: c.Labels, Created: time.Unix(c.Created, 0)})
	}
	return out, nil
}

var _ executor.Inventory = (*Engine)(nil)

// Resources lists the containers, networks, volumes and images that carry
// all the given labels (as Containers does), containers first and images
// last, so that removing in order frees what the later ones need.
func (e *Engine) Resources(ctx context.Context, labels map[string]string) ([]executor.Resource, error) {
	cs, err := e.Containers(ctx, labels)
	if err != nil {
		return nil, err
	}
	var out []executor.Resource
	for _, c := range cs {
		out = append(out, executor.Resource{Kind: executor.ResourceContainer, ID: c.ID, Name: c.Name, Labels: c.Labels,
			Created: c.Created, State: c.State})
	}
	nets, err := e.cli.NetworkList(ctx, client.NetworkListOptions{Filters: LabelFilter(labels)})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list networks: %w", err))
	}
	for _, n := range nets.Items {
		out = append(out, executor.Resource{Kind: executor.ResourceNetwork, ID: n.ID, Name: n.Name, Labels: n.Labels, Created: n.Created})
	}
	vols, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: LabelFilter(labels)})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list volumes: %w", err))
	}
	for _, v := range vols.Items {
		if !hasLabels(v.Labels, labels) {
			continue
		}
		created, _ := time.Parse(time.RFC3339, v.CreatedAt)
		out = append(out, executor.Resource{Kind: executor.ResourceVolume, ID: v.Name, Name: v.Name, Labels: v.Labels, Created: created})
	}
	imgs, err := e.images(ctx, labels)
	if err != nil {
		return nil, err
	}
	return append(out, imgs...), nil
}

// images lists the images that carry the labels: the ones runjob built
// (their parent layers carry none).
func (e *Engine) images(ctx context.Context, labels map[string]string) ([]executor.Resource, error) {
	res, err := e.cli.ImageList(ctx, client.ImageListOptions{Filters: LabelFilter(labels)})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list images: %w", err))
	}
	var out []executor.Resource
	for _, im := range res.Items {
		var tags []string
		for _, t := range im.RepoTags {
			if t != "<none>:<none>" {
				tags = append(tags, t)
			}
		}
		name := shortID(strings.TrimPrefix(im.ID, "sha256:"))
		if len(tags) > 0 {
			name = tags[0]
		}
		out = append(out, executor.Resource{Kind: executor.ResourceImage, ID: im.ID, Name: name, Labels: im.Labels,
			Tags: tags, Created: time.Unix(im.Created, 0)})
	}
	return out, nil
}

// RemoveResource removes r (a container by force, with its anonymous
// volumes). A resource that is already gone is success.
func (e *Engine) RemoveResource(ctx context.Context, r executor.Resource) error {
	var err error
	switch r.Kind {
	case executor.ResourceContainer:
		return e.Remove(ctx, r.ID)
	case executor.ResourceNetwork:
		_, err = e.cli.NetworkRemove(ctx, r.ID, client.NetworkRemoveOptions{})
	case executor.ResourceVolume:
		_, err = e.cli.VolumeRemove(ctx, r.ID, client.VolumeRemoveOptions{Force: true})
	case executor.ResourceImage:
		return e.RemoveImage(ctx, r.ID)
	default:
		return fmt.Errorf("unknown resource kind %q", r.Kind)
	}
	if err != nil && !cerrdefs.IsNotFound(err) {
		return e.classify(ctx, fmt.Errorf("remove %s %s: %w", r.Kind, r.Name, err))
	}
	return nil
}

// LabelFilter is the label filter of a listing: an empty value matches
// any value of the label. executor/swarm lists each node with it too.
func LabelFilter(labels map[string]string) client.Filters {
	f := make(client.Filters)
	for k, v := range labels {
		if v == "" {
			f.Add("label", k)
		} else {
			f.Add("label", k+"="+v)
		}
	}
	return f
}

// hasLabels reports whether have carries every label of want (an empty
// value matches any). Podman 4.3 ORs several label filters of a volume
// listing where dockerd ANDs them, so listings are filtered here again.
func hasLabels(have, want map[string]string) bool {
	for k, v := range want {
		got, ok := have[k]
		if !ok || (v != "" && got != v) {
			return false
		}
	}
	return true
}
