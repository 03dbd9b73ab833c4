package executor

import (
	"context"
	"time"
)

// Inventory is what housekeeping (prune, cache ls and prune, the leftover
// check at the start of a run) needs of an engine: finding what runjob put
// there by label, and removing it. executor/docker implements it over the
// Docker Engine API and executor/fake over its in-memory containers. The
// scheduler never uses it; a run cleans up after itself through Engine.
//
// Concurrency: all methods are safe for concurrent use, and with Engine
// calls of a run in progress: a listing may miss what is being created, or
// still show what is being removed, but never fails because of it.
//
// Contexts: a cancelled ctx makes a call return promptly with ctx's error.
//
// Errors: as for Engine, wrapped with what was tried and classified with
// github.com/containerd/errdefs:
//   - cerrdefs.IsUnavailable: the engine itself is gone.
//   - cerrdefs.IsConflict: RemoveResource of a resource in use (a network
//     with containers attached, a volume a container mounts).
type Inventory interface {
	// Resources lists the containers, networks, volumes and images that
	// carry all the given labels; an empty value matches any value of that
	// label. Containers come first and images last, so that removing in
	// order frees networks, volumes and images before they are removed.
	// Containers are listed in any state; images are those Build made (the
	// labels are on the built image only, not on its parent layers).
	Resources(ctx context.Context, labels map[string]string) ([]Resource, error)

	// RemoveResource removes r: a container by force, with its anonymous
	// volumes; a network; a volume; an image, with its tags, as
	// Engine.RemoveImage does. Idempotent: a resource that is already
	// gone is success. An unknown Kind is an error.
	RemoveResource(ctx context.Context, r Resource) error

	// Caches lists the cache volumes (label LabelCache), of one pipeline
	// (label LabelPipeline) when pipeline is not empty. Cache volumes never
	// carry LabelRunID, so Resources of a run never lists them.
	Caches(ctx context.Context, pipeline string) ([]Cache, error)
}

// The kinds of Resource.
const (
	ResourceContainer = "container"
	ResourceNetwork   = "network"
	ResourceVolume    = "volume"
	// ResourceImage is an image a run built (a build node's); its Tags
	// say whether the user named it.
	ResourceImage = "image"
	// ResourceService is a cluster engine's record that holds a node for
	// one container (executor/swarm's reservation services).
	ResourceService = "service"
)

// Resource is a container, network or volume found by label.
type Resource struct {
	// Kind is ResourceContainer, ResourceNetwork, ResourceVolume,
	// ResourceImage or ResourceService.
	Kind string
	// ID identifies it to RemoveResource (a volume's ID is its name).
	ID     string
	Name   string
	Labels map[string]string
	// Created is when the engine created it; zero if it did not say.
	Created time.Time
	// Tags are an image's names (repo:tag); empty for other kinds and for
	// an untagged image.
	Tags []string
	// State is a container's state in the engine's words (created,
	// running, exited, dead...); "" for networks and volumes.
	State string
	// Started is when a running container started; zero when it does not
	// run or the listing does not say (executor/docker's does not: ask
	// Engine.Inspect).
	Started time.Time
}

// Cache is a cache volume found on the engine. (CacheVolume is the
// function that names one.)
type Cache struct {
	// Name is the volume's name; Pipeline and Cache are its labels.
	Name, Pipeline, Cache string
	// Size in bytes, -1 when the engine did not say.
	Size    int64
	Created time.Time
	// Node is the node that holds it on a cluster engine ("" on one
	// engine): there, one cache may be held by several nodes.
	Node string
}
