package docker

import (
	"archive/tar"
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/moby/moby/api/types/system"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Podman's Docker-compatible API (`podman system service`) differs from
// dockerd in a few ways this package adapts to; docs/engines.md's
// section lists them all, with what runjob does about each.

// podmanComponent is the server component Podman's /version names.
const podmanComponent = "Podman Engine"

// PodmanOOMCaveat is the ExitStatus.Caveat of a container with a memory
// limit that was killed (exit 137) on Podman: Podman 4.3 never sets
// OOMKilled, so the kill may or may not have been the memory limit's.
const PodmanOOMCaveat = "the engine did not say whether it was out of memory: Podman does not report OOM kills"

// IsPodman reports whether the daemon is Podman's Docker-compatible API
// service, from the components its version names. It asks once and keeps
// the answer; when the daemon does not answer within a few seconds, it
// says false and asks again next time.
func (e *Engine) IsPodman(ctx context.Context) bool {
	e.flavorMu.Lock()
	defer e.flavorMu.Unlock()
	if !e.flavorKnown {
		// Bounded like a probe: a stuck daemon must not hang a create here.
		vctx, cancel := context.WithTimeout(ctx, probeTimeout)
		defer cancel()
		v, err := e.cli.ServerVersion(vctx, client.ServerVersionOptions{})
		if err != nil {
			return false
		}
		i := slices.IndexFunc(v.Components, func(c system.ComponentVersion) bool { return c.Name == podmanComponent })
		e.podman, e.flavorKnown = i >= 0, true
		e.version.Store(v.Version)
		if e.podman {
			// Podman's own endpoints live under /v<its API version>/libpod.
			e.libpodAPI = cmp.Or(v.Components[i].Details["APIVersion"], v.Components[i].Version)
		}
	}
	return e.podman
}

// attachFailed explains a failed attach. Podman prepares a created
// container (runc create) when it is attached to, so a container that
// cannot start fails the attach with a bare 409, its reason lost in the
// body. Starting it, as dockerd's users would, gets that reason.
func (e *Engine) attachFailed(ctx context.Context, id string, err error) error {
	err = fmt.Errorf("attach: %w", err)
	if !e.IsPodman(ctx) {
		return err
	}
	if serr := e.start(ctx, id); serr != nil {
		return serr
	}
	return err // it started after all, unattached: Remove ends it
}

// nameTaken reports whether a container is named name; Create asks when
// the engine refused a create without saying why (Podman answers a name in
// use with a 500).
func (e *Engine) nameTaken(ctx context.Context, name string) bool {
	if name == "" {
		return false
	}
	res, err := e.cli.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	return err == nil && strings.TrimPrefix(res.Container.Name, "/") == name
}

// nameConflictError is a create refused because the name is in use.
type nameConflictError struct{ err error }

func (e nameConflictError) Error() string { return e.err.Error() }
func (e nameConflictError) Unwrap() error { return e.err }

// Conflict marks the error for cerrdefs.IsConflict.
func (nameConflictError) Conflict() {}

// slashDirs rewrites an archive stream from Podman, which names
// directories without the trailing slash dockerd gives them ("out", not
// "out/"), so CopyFrom's tar is the same on both engines.
func slashDirs(rc io.ReadCloser) io.ReadCloser {
	pr, pw := io.Pipe()
	go func() {
		defer rc.Close()
		pw.CloseWithError(retar(tar.NewReader(rc), tar.NewWriter(pw)))
	}()
	return pr
}

func retar(tr *tar.Reader, tw *tar.Writer) error {
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return tw.Close()
		}
		if err != nil {
			return err
		}
		if h.Typeflag == tar.TypeDir && !strings.HasSuffix(h.Name, "/") {
			h.Name += "/"
		}
		h.Format = tar.FormatUnknown // the longer name may need another format
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := io.Copy(tw, tr); err != nil {
			return err
		}
	}
}

// createVolumes creates the spec's labelled named volumes before its
// container, on Podman only: Podman creates a volume a mount names, but
// without the mount's labels, and runjob finds caches and leftovers by
// label. Creating an existing volume is success; so is losing the race to
// create it to another step.
func (e *Engine) createVolumes(ctx context.Context, spec *executor.ContainerSpec) error {
	for _, m := range spec.Mounts {
		if m.Volume == "" || len(m.Labels) == 0 {
			continue
		}
		_, err := e.cli.VolumeCreate(ctx, client.VolumeCreateOptions{Name: m.Volume, Labels: m.Labels})
		if err != nil {
			if _, ierr := e.cli.VolumeInspect(ctx, m.Volume, client.VolumeInspectOptions{}); ierr == nil {
				continue
			}
			return e.classify(ctx, fmt.Errorf("create volume %s: %w", m.Volume, err))
		}
	}
	return nil
}
