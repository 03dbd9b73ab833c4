package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Caches lists the cache volumes (label io.runjob.cache), of one pipeline
// when pipeline is not empty, with their sizes from the engine's disk
// usage report.
func (e *Engine) Caches(ctx context.Context, pipeline string) ([]executor.Cache, error) {
	labels := map[string]string{executor.LabelCache: ""}
	if pipeline != "" {
		labels[executor.LabelPipeline] = pipeline
	}
	vols, err := e.cli.VolumeList(ctx, client.VolumeListOptions{Filters: LabelFilter(labels)})
	if err != nil {
		return nil, e.classify(ctx, fmt.Errorf("list volumes: %w", err))
	}
	sizes := map[string]int64{}
	if du, err := e.cli.DiskUsage(ctx, client.DiskUsageOptions{Volumes: true, Verbose: true}); err == nil {
		for _, v := range du.Volumes.Items {
			if v.UsageData != nil {
				sizes[v.Name] = v.UsageData.Size
			}
		}
	}
	out := make([]executor.Cache, 0, len(vols.Items))
	for _, v := range vols.Items {
		if !hasLabels(v.Labels, labels) {
			continue
		}
		c := executor.Cache{Name: v.Name, Pipeline: v.Labels[executor.LabelPipeline], Cache: v.Labels[executor.LabelCache], Size: -1}
		if s, ok := sizes[v.Name]; ok {
			c.Size = s
		}
		c.Created, _ = time.Parse(time.RFC3339, v.CreatedAt)
		out = append(out, c)
	}
	return out, nil
}
