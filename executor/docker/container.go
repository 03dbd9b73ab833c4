package docker

import (
	"context"
	"fmt"
	"io"
	"math"
	"path"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/runjob/runjob/executor"
)

// Create creates the step's container without starting it.
func (e *Engine) Create(ctx context.Context, spec *executor.ContainerSpec) (string, error) {
	cfg, host := toConfig(spec)
	if e.IsPodman(ctx) {
		if err := e.createVolumes(ctx, spec); err != nil {
			return "", err
		}
	}
	var res client.ContainerCreateResult
	err := e.bounded(ctx, "creating container "+spec.Name, func(ctx context.Context) (err error) {
		res, err = e.cli.ContainerCreate(ctx, client.ContainerCreateOptions{
			Config: cfg, HostConfig: host, Name: spec.Name, NetworkingConfig: networkingConfig(spec),
		})
		return err
	})
	if err = e.classify(ctx, err); err != nil {
		if !classified(err) && e.nameTaken(ctx, spec.Name) {
			err = nameConflictError{err}
		}
		return "", err
	}
	return res.ID, nil
}

// Run attaches to the container before starting it, so not a byte printed
// early is missed, then demultiplexes stdout and stderr until EOF and reads
// the exit status.
func (e *Engine) Run(ctx context.Context, id string, stdout, stderr io.Writer) (executor.ExitStatus, error) {
	exit, err := e.run(ctx, id, stdout, stderr)
	return exit, e.classify(ctx, err)
}

func (e *Engine) run(ctx context.Context, id string, stdout, stderr io.Writer) (executor.ExitStatus, error) {
	// Ends the wait's request too when the heartbeat gives up first.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	att, err := e.cli.ContainerAttach(ctx, id, client.ContainerAttachOptions{Stream: true, Stdout: true, Stderr: true})
	if err != nil {
		return executor.ExitStatus{}, e.attachFailed(ctx, id, err)
	}
	defer att.Close()
	// next-exit, registered before start: not-running would be satisfied
	// by the created-but-not-started state.
	wait := e.cli.ContainerWait(ctx, id, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if err := e.start(ctx, id); err != nil {
		return executor.ExitStatus{}, err
	}

	beat, leave := e.joinHeartbeat()
	defer leave()
	copied := make(chan error, 1)
	go func() {
		_, err := stdcopy.StdCopy(stdout, stderr, att.Reader)
		copied <- err
	}()
	select {
	case err := <-copied:
		if err != nil && ctx.Err() == nil {
			return executor.ExitStatus{}, fmt.Errorf("read output: %w", err)
		}
	case <-beat.lost:
		att.Close()
		<-copied
		return executor.ExitStatus{}, beat.err
	case <-ctx.Done():
		att.Close() // unblocks the copy; Stop and Remove end the container
		<-copied
		return executor.ExitStatus{}, ctx.Err()
	}

	if err := e.waited(ctx, id, wait, beat); err != nil {
		return executor.ExitStatus{}, err
	}
	exit, err := e.exitStatus(ctx, id)
	if err == nil && exit.Code != 0 {
		// Killed by a daemon on its way out, between two heartbeats?
		if lerr := e.listening(ctx); lerr != nil {
			return executor.ExitStatus{}, lerr
		}
	}
	return exit, err
}

// oomSettle bounds the wait for the daemon to record an OOM kill. It learns
// of one from an asynchronous cgroup event, which can land just after the
// container's exit is reported (seen on 20.10 about once in eight runs),
// and may then never show in inspect at all (oomEvent says why).
const oomSettle = time.Second

// exitStatus inspects the exited container: the engine knows whether the
// kernel's OOM killer ended the process. A 137 without the OOM flag is
// re-inspected, and the daemon's event log asked for an "oom" event, for
// a moment, so a late or overwritten flag still makes oom_killed.
// Podman sends no such event: there a 137 under a memory limit carries a
// caveat instead.
func (e *Engine) exitStatus(ctx context.Context, id string) (executor.ExitStatus, error) {
	deadline := time.Now().Add(oomSettle)
	for {
		ins, err := e.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
		if err != nil {
			return executor.ExitStatus{}, fmt.Errorf("inspect: %w", err)
		}
		st := ins.Container.State
		exit := executor.ExitStatus{Code: st.ExitCode, OOMKilled: st.OOMKilled, ImageID: ins.Container.Image}
		if st.OOMKilled || st.ExitCode != 137 {
			return exit, nil
		}
		if e.IsPodman(ctx) {
			// No event to wait for: Podman never reports OOM kills.
			if h := ins.Container.HostConfig; h != nil && h.Memory > 0 {
				exit.Caveat = PodmanOOMCaveat
			}
			return exit, nil
		}
		started, _ := time.Parse(time.RFC3339Nano, st.StartedAt)
		if exit.OOMKilled = e.oomEvent(ctx, id, started); exit.OOMKilled || time.Now().After(deadline) {
			return exit, nil
		}
		select {
		case <-ctx.Done():
			return executor.ExitStatus{Code: st.ExitCode}, nil
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop is `docker stop -t grace`: the stop signal, then SIGKILL after
// grace. When ctx ends first (a second Ctrl-C), the container is killed at
// once on a fresh short context.
func (e *Engine) Stop(ctx context.Context, id string, grace time.Duration) error {
	secs := int(math.Ceil(grace.Seconds()))
	_, err := e.cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	if ctx.Err() != nil {
		kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_, err = e.cli.ContainerKill(kctx, id, client.ContainerKillOptions{Signal: "KILL"})
		if err != nil && cerrdefs.IsConflict(err) {
			err = nil // not running any more
		}
	}
	if err != nil && !cerrdefs.IsNotFound(err) {
		return e.classify(ctx, fmt.Errorf("stop %s: %w", id, err))
	}
	return nil
}

// CopyFrom streams path out of the container as a tar. "/" exports the whole
// filesystem (GET /containers/{id}/export), since the archive endpoint would
// root it oddly.
func (e *Engine) CopyFrom(ctx context.Context, id, p string) (io.ReadCloser, error) {
	if path.Clean(p) == "/" {
		rc, err := e.cli.ContainerExport(ctx, id, client.ContainerExportOptions{})
		return rc, e.classify(ctx, err)
	}
	res, err := e.cli.CopyFromContainer(ctx, id, client.CopyFromContainerOptions{SourcePath: p})
	if err != nil {
		return nil, e.classify(ctx, err)
	}
	if e.IsPodman(ctx) {
		return slashDirs(res.Content), nil
	}
	return res.Content, nil
}

// CopyTo unpacks a tar stream into the container at dir.
func (e *Engine) CopyTo(ctx context.Context, id, dir string, content io.Reader) error {
	_, err := e.cli.CopyToContainer(ctx, id, client.CopyToContainerOptions{DestinationPath: dir, Content: content})
	return e.classify(ctx, err)
}

// Remove force-removes the container with its anonymous volumes; a missing
// container counts as removed.
func (e *Engine) Remove(ctx context.Context, id string) error {
	_, err := e.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
	e.forgetHealth(id)
	if err != nil && !cerrdefs.IsNotFound(err) {
		return e.classify(ctx, fmt.Errorf("remove %s: %w", id, err))
	}
	return nil
}
