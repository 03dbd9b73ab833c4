package docker

import (
	"context"
	"fmt"

	"github.com/moby/moby/client"
)

// Container is a container found by label.
type Container struct {
	ID     string
	Name   string
	State  string
	Labels map[string]string
}

// Containers lists containers in any state that carry all the given labels;
// an empty value matches any value of that label. Used to find what a run
// left behind.
func (e *Engine) Containers(ctx context.Context, labels map[string]string) ([]Container, error) {
	f := make(client.Filters)
	for k, v := range labels {
		if v == "" {
			f.Add("label", k)
		} else {
			f.Add("label", k+"="+v)
		}
	}
	res, err := e.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, fmt.Errorf("list containers: %w", err)
	}
	out := make([]Container, 0, len(res.Items))
	for _, c := range res.Items {
		name := ""
		if len(c.Names) > 0 {
			name = c.Names[0]
		}
		out = append(out, Container{ID: c.ID, Name: name, State: string(c.State), Labels: c.Labels})
	}
	return out, nil
}
